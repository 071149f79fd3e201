"""The language of the built site: a Chinese reader meets no English UI text and each term of
data/glossary.yml in one rendering only; an English reader meets no stray Chinese.

What is read: each page's text outside <code>, <pre>, <math>, <script> and <style>; its alt, title,
aria-label and placeholder attributes and its meta description; the `<text>` (and title,
aria-label) of the SVG figures it embeds; and, on the playground, the messages its scripts can show
(app.js's texts, the converter's verdicts and caveats for every case of tests/test_converter.py,
the engine's errors for settings the page accepts). A finding names page, region, element and text.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

import oracles
from sitebuild import ROOT
from test_converter import CASES

GLOSSARY = yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))
PLAYGROUND = ROOT / "docs" / "assets" / "playground"

# Findings in text that other work owns, as (region, word or variant). MUST BE EMPTY BEFORE
# LANDING: each entry is a defect a reader sees today. An entry that no longer occurs fails
# test_owned_elsewhere_lists_only_what_still_occurs, so the list only shrinks. ("api", "*") stands
# for the whole API page body (English docstrings); marking it lang="en" would also clear it.
# Prose (docs/*.md, data/*.yml) is never listed here: it must pass.
_OWNED = {
    # scripts/experiments/figures.py (the SVG text) and hooks/run_experiments.py (alt text), zh pages
    "figure": "band code computed counter decay decaying difference differs documented formula gamma "
              "gradient in initial loss median names native replay schedule shared size step vs weight",
    # site chrome on zh pages: site name, palette toggle, permalink title, footer
    "chrome": "Made Material Permanent Switch dark for light link migration mode reference to with "
    # … and the English 404.html, built with the Chinese chrome and description
              "与 前往仓库 参考实现 对照 对照，每条结论都经两个框架实测验证。 导航栏 差异实验 搜索 查找 "
              "检查点转换器 正在初始化搜索引擎 清空当前内容 演练场 目录 迁移与验证 页眉 首页",
    # docs/assets/playground/*.js: engine errors in English, Tensor and 第一步 in the converter notes
    "playground": "False Tensor True be beta gamma got in int invalid is larger list must satisfy than "
                  "they 第一步",
    "api": "*",
}
OWNED_ELSEWHERE: set[tuple[str, str]] = {(region, word) for region, words in _OWNED.items()
                                         for word in words.split()}

SKIPPED = {"code", "pre", "math", "script", "style", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


@dataclass(frozen=True)
class Text:
    page: str     # path in the site, or the script the text comes from
    region: str   # "prose" (ours), "chrome", "api", "figure", "playground"; not checked: "switcher"
                  # (the language menu), "quoted" (inside an element with its own lang="…") and
                  # "identifier" (a link whose text is the API object its #fragment names)
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
        languages = [a["lang"] for _, a in self.stack[1:] if a.get("lang")] + [attrs.get("lang")] * ("lang" in attrs)
        if "md-select" in classes:
            return "switcher"
        if languages and languages[-1] != self.language:
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


def app_texts(language: str) -> list[str]:
    """The string and template literals of app.js's TEXT for one language (`${…}` blanked)."""
    source = (PLAYGROUND / "app.js").read_text(encoding="utf-8")
    zh, en = re.search(r"const TEXT = ZH \? \{(.*?)\} : \{(.*?)\n\};", source, re.S).groups()
    block = zh if language == "zh" else en
    literals = re.findall(r'"((?:[^"\\]|\\.)*)"|`((?:[^`\\]|\\.)*)`', block)
    return [re.sub(r"\$\{[^}]*\}", " ", a or b) for a, b in literals]


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
    for language in texts:
        texts[language] += [Text("app.js", "playground", f"TEXT ({language})", t) for t in app_texts(language)]
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


@pytest.fixture(scope="module")
def texts(site) -> dict[str, list[Text]]:
    return site_texts(site, playground_texts())


# --- the checks -------------------------------------------------------------------------------------

ALLOWED_WORDS = {w for entry in GLOSSARY["latin_allowed"] for w in entry["words"]}
LATIN_PHRASES = [entry["text"] for entry in GLOSSARY["latin_phrases"]]
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[.'’-][A-Za-z0-9_]+)*⁻?")
HAN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff5e]+")


def english_words(text: str) -> list[str]:
    """Latin-script words of `text` that are not shaped like code, a name or a symbol: a word with
    `_`, `.`, a digit or an inner capital, an acronym, a call `f(`, a keyword `k=`, a fragment
    `#id`, a version's local part `+cpu`, a URL."""
    text = re.sub(r"https?://\S+|`[^`]*`", " ", text)   # (the playground marks code with backticks)
    for phrase in LATIN_PHRASES:
        text = text.replace(phrase, " ")
    words = []
    for m in WORD.finditer(text):
        word, before, after = m.group(0), text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
        code_shaped = (re.search(r"[_.\d]|[a-z][A-Z]|[A-Z]{2}", word) or after in ("(", "=")
                       or (before and before in "#+=/\\"))
        if len(word) > 1 and not code_shaped and word not in ALLOWED_WORDS:
            words.append(word)
    return words


def stray_chinese(text: str) -> list[str]:
    for allowed in GLOSSARY["zh_on_english"]:
        text = text.replace(allowed["text"], " ")
    return HAN.findall(text)


def variants(text: str) -> list[str]:
    """The glossary's `avoid` renderings that occur in `text`."""
    found = []
    for term in GLOSSARY["terms"]:
        for variant in term["avoid"]:
            pattern = rf"\b{re.escape(variant)}\b" if variant.isascii() else re.escape(variant)
            if re.search(pattern, text):
                found.append(variant)
    return found


def check(texts: list[Text], find) -> tuple[list[str], set]:
    """Findings that fail (prose, or another region not in OWNED_ELSEWHERE), and the
    OWNED_ELSEWHERE entries that did occur."""
    failures, owned = [], set()
    for text in texts:
        if text.region in ("switcher", "quoted", "identifier"):
            continue
        for word in find(text.text):
            key = (text.region, "*" if (text.region, "*") in OWNED_ELSEWHERE else word)
            if text.region != "prose" and key in OWNED_ELSEWHERE:
                owned.add(key)
            else:
                failures.append(f"{text} → {word}")
    return failures, owned


@pytest.fixture(scope="module")
def findings(texts) -> dict[str, tuple[list[str], set]]:
    return {"english on zh": check(texts["zh"], english_words),
            "variants on zh": check(texts["zh"], variants),
            "chinese on en": check(texts["en"], stray_chinese)}


def test_chinese_pages_show_no_english_ui_text(findings):
    failures, _ = findings["english on zh"]
    assert not failures, "English on the Chinese pages:\n" + "\n".join(failures)


def test_each_glossary_term_is_rendered_one_way_on_the_chinese_pages(texts, findings):
    failures, _ = findings["variants on zh"]
    assert not failures, "Renderings data/glossary.yml rules out (`avoid`):\n" + "\n".join(failures)
    prose = "\n".join(t.text for t in texts["zh"] if t.region == "prose")
    unused = [term["zh"] for term in GLOSSARY["terms"] if term["zh"] not in prose]
    assert not unused, f"glossary terms no Chinese page uses (drop them or use them): {unused}"


def test_english_pages_show_no_stray_chinese(findings):
    failures, _ = findings["chinese on en"]
    assert not failures, "Chinese on the English pages:\n" + "\n".join(failures)


def test_owned_elsewhere_lists_only_what_still_occurs(findings):
    """The list of known defects owned by other work only shrinks: an entry that no longer
    occurs must be removed (and the list must be empty before landing)."""
    occurring = set().union(*(owned for _, owned in findings.values()))
    assert OWNED_ELSEWHERE <= occurring, f"fixed, remove from OWNED_ELSEWHERE: {OWNED_ELSEWHERE - occurring}"


@pytest.mark.parametrize("text, words", [
    ("参数 `lr` 必须大于 0", []),
    ("Switch to dark mode", ["Switch", "to", "dark", "mode"]),
    ("在 CPU 上用 PyTorch 2.13 与 MindSpore 运行 Linear(2, 3)，步长为 step_sizes", []),
    ("次正规数 Tensor 按零处理", ["Tensor"]),
    ("步数 t，相差 2 ulp，在 AMD EPYC 上", []),
])
def test_the_english_word_check_tells_words_from_code(text, words):
    assert english_words(text) == words
