"""What a reader of the built site reads, for tests/test_language.py: each page's text outside
<code>, <pre>, <math>, <script> and <style>; its alt, title, aria-label and placeholder attributes
and its meta description; the `<text>` (and title, aria-label) of the SVG figures it embeds; and the
messages the playground's scripts can show (app.js's texts, the converter's verdicts and caveats for
every case of tests/test_converter.py, the engine's errors for settings the page accepts). Each text
carries its page, region and element, so that a finding can name them."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import oracles
from sitebuild import ROOT
from test_converter import CASES

PLAYGROUND = ROOT / "docs" / "assets" / "playground"

SKIPPED = {"code", "pre", "math", "script", "style", "kbd", "samp", "textarea"}  # textarea: code to edit
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


@dataclass(frozen=True)
class Text:
    page: str     # path in the site, or the script the text comes from
    region: str   # "prose" (ours), "chrome", "api", "figure", "playground"; not checked: "switcher"
                  # (the language menu), "quoted" (inside an element with its own lang="…") and
                  # "identifier" (a table-of-contents entry naming an API object of the page)
    where: str    # the section and element
    text: str

    def __str__(self):
        return f"{self.page} | {self.region} | {self.where} | {self.text.strip()!r}"


class PageTexts(HTMLParser):
    """The texts of one HTML page, each with its region and element."""

    def __init__(self, page: str, source: str):
        super().__init__(convert_charrefs=True)
        self.page, self.stack, self.section, self.texts, self.figures = page, [], "", [], []
        self.language = "zh" if page.startswith("zh/") else "en"
        self.objects = set()
        self.feed(source)
        # the table of contents names API objects by their Python names
        self.texts = [Text(t.page, "identifier", t.where, t.text) if t.text.strip() in self.objects else t
                      for t in self.texts]

    def _classes(self):
        return {c for _, attrs in self.stack for c in (attrs.get("class") or "").split()}

    def _region(self, tag: str, attrs: dict) -> str:
        classes = self._classes() | set((attrs.get("class") or "").split())
        tags = {t for t, _ in self.stack} | {tag}
        languages = [a["lang"] for t, a in self.stack + [(tag, attrs)] if a.get("lang") and t != "html"]
        if "md-select" in classes:
            return "switcher"
        if languages and not languages[-1].startswith(self.language):
            return "quoted"           # an element that declares its own language (a citation string)
        if self.page == "404.html" or "article" not in tags or "headerlink" in classes:
            return "chrome"
        if tag == "img" and urlsplit(attrs.get("src", "")).path.endswith(".svg"):
            return "figure"           # the alt text comes with the figure (hooks/run_experiments.py)
        if "doc" in classes:          # mkdocstrings' <div class="doc doc-object …">
            return "api"
        return "prose"

    def _skipping(self) -> bool:
        return any(tag in SKIPPED for tag, _ in self.stack)

    def _add(self, where: str, text: str, region: str):
        if text.strip():
            self.texts.append(Text(self.page, region, f"§{self.section or '-'} {where}", text))

    def handle_starttag(self, tag, attrs, closed=False):
        attrs = {k: v or "" for k, v in attrs}
        if re.fullmatch(r"h[1-6]", tag) and attrs.get("id"):
            self.section = attrs["id"]
        if "." in attrs.get("id", ""):        # an API object's heading: rprop_ref.precision.Plan
            self.objects.add(attrs["id"].rsplit(".", 1)[-1])
        if not self._skipping():
            region = self._region(tag, attrs)
            for name in ATTRIBUTES:
                self._add(f"<{tag} {name}>", attrs.get(name, ""), region)
            if tag == "meta" and attrs.get("name") == "description":
                self._add("<meta description>", attrs.get("content", ""),
                          "chrome" if self.page == "404.html" else "prose")
            if tag == "img" and urlsplit(attrs.get("src", "")).path.endswith(".svg"):
                self.figures.append((self.section, attrs["src"]))
        if tag not in VOID and not closed:
            self.stack.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, closed=True)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self.stack and not self._skipping():
            tag, attrs = self.stack[-1]
            region = "chrome" if tag == "title" else self._region(tag, attrs)
            self._add(f"<{tag}>", data, region)


class SvgTexts(HTMLParser):
    """The text an SVG figure shows: its <text>/<tspan>, <title>, <desc> and aria-labels."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.stack, self.texts = [], []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.texts.append((f"<{tag} {name}>", value))

    def handle_endtag(self, tag):
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]

    def handle_data(self, data):
        if data.strip() and set(self.stack) & {"text", "tspan", "title", "desc"}:
            self.texts.append((f"<{self.stack[-1]}>", data))


def page_texts(site: Path, path: Path) -> list[Text]:
    page = str(path.relative_to(site))
    parsed = PageTexts(page, path.read_text(encoding="utf-8"))
    texts = list(parsed.texts)
    for section, src in parsed.figures:
        url = urljoin("/" + page, unquote(urlsplit(src).path))
        svg = site / url.lstrip("/")
        for where, text in SvgTexts(svg.read_text(encoding="utf-8")).texts:
            texts.append(Text(page, "figure", f"§{section} {svg.name} {where}", text))
    return texts


# --- the playground's messages ---------------------------------------------------------------------

def _float(v):
    return {"type": "float", "value": v}


def _pair(a, b):
    return {"type": "tuple", "items": [_float(a), _float(b)]}


# Settings the playground's controls accept but an optimizer refuses: the page shows the reason.
ENGINE_REFUSALS = [
    ["torch", {"etas": _pair(2, 1.2)}],
    ["mindspore", {"learning_rate": _float(0.1), "etas": _pair(0.5, 0.9)}],
    ["mindspore", {"learning_rate": _float(0.1), "step_sizes": _pair(5, 1)}],
    ["mindspore-doc", {"learning_rate": _float(0.1), "etas": _pair(1.5, 1.2)}],
    ["mindspore-experimental", {"lr": _float(0)}],
    ["mindspore-experimental", {"lr": _float(0.01), "etas": _pair(0.5, 0.9)}],
]


def _fields_blanked(text: str) -> str:
    """A template's {fields} (also nested `{code(show(x))}`) and claim markers, blanked."""
    text = re.sub(r"\[\[[^\]]*\]\]", " ", text)
    while re.search(r"\{[^{}]*\}", text):
        text = re.sub(r"\{[^{}]*\}", " ", text)
    return text


def page_and_message_texts() -> dict[str, list[str]]:
    """Every text of the playground's message table (docs/assets/playground/messages.js, templates
    with their {fields}), the labels of its HTML and the converter's literals, per language
    (tests/js/playground_texts.mjs)."""
    result = subprocess.run([oracles.node(), str(ROOT / "tests" / "js" / "playground_texts.mjs")],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def playground_texts() -> dict[str, list[Text]]:
    """The playground's messages in each language."""
    batch = {"convert": [[c.direction, c.input] for c in CASES], "engine": ENGINE_REFUSALS}
    result = subprocess.run([oracles.node(), str(ROOT / "tests" / "js" / "playground_strings.mjs")],
                            input=json.dumps(batch), capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    texts = {"en": [], "zh": []}
    for case, messages in zip(CASES, out["convert"], strict=True):
        for message in messages:
            for language in texts:
                texts[language].append(Text("convert.js", "playground", f"case {case.id}", message[language]))
    for (convention, kwargs), error in zip(ENGINE_REFUSALS, out["engine"], strict=True):
        assert error is not None, f"{convention} accepted {kwargs}"
        for language in texts:
            texts[language].append(Text("rprop.js", "playground", f"make({convention!r}, …)", error[language]))
    for language, strings in page_and_message_texts().items():
        texts[language] += [Text("messages.js", "playground", f"message ({language})", _fields_blanked(t))
                            for t in strings]
    return texts


def site_texts(site: Path, playground: dict[str, list[Text]]) -> dict[str, list[Text]]:
    """Every text of the built site, by language of the page."""
    found = {"en": [], "zh": []}
    for path in sorted(site.rglob("*.html")):
        language = "zh" if path.relative_to(site).parts[0] == "zh" else "en"
        found[language] += page_texts(site, path)
    for language in found:
        found[language] += playground[language]
    return found
