"""A "Cite this page" section at the end of every page, in the page's language.

It gives the page's title (its first heading, as shown), its canonical address (`site_url` and the
page's path), the site's version (the commit the evidence links point at: `revision()` of
hooks/claims.py) and the build's date (hooks/build_date.py: the last commit's, never the clock),
as one line of plain text and, folded below it, a BibTeX entry whose key is made from the page's
path. The authors come from CITATION.cff, the words and the plain line's layout from
`extra.cite` of mkdocs.yml, per language:

    cite:
      en: {heading: …, text: "{author}. {title}. {site}, version {version}, {date}. {url} …", note: …}

The heading is `#cite` on every page (a link to a page's citation survives a language switch) and
is kept out of the search index with the block, which would otherwise repeat on every page. No
script: the BibTeX is a code block, which Material gives its copy button. Nothing here knows
about any page.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

HOOKS = Path(__file__).resolve().parent
ROOT = HOOKS.parent
PLACEHOLDER = "<!-- cite-this-page -->"
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
# BibTeX's special characters in a field's text (the value is inside braces; `\` and braces first)
_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
          "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}

_build: dict = {"version": None, "date": None, "authors": []}   # once per build, not per page


@functools.cache   # once per process: `mkdocs serve` rebuilds without executing the module again
def _hook(name: str):
    """Another module of hooks/ (MkDocs loads them by path, not as a package)."""
    spec = importlib.util.spec_from_file_location(f"cite_{name}", HOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # (dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


def on_pre_build(config, **_) -> None:
    _build["version"] = _hook("claims").revision()
    _build["date"] = _hook("build_date").build_date(ROOT)
    _build["authors"] = authors(yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8")))


def authors(citation: dict) -> list[tuple[str, str]]:
    """(BibTeX name, plain name) of each author of a CITATION.cff: a person as "Family, Given",
    an organisation or group (`name`) braced, so that BibTeX keeps it whole."""
    names = []
    for person in citation.get("authors", []):
        if "name" in person:
            names.append((f"{{{person['name']}}}", person["name"]))
        else:
            given, family = person.get("given-names", ""), person["family-names"]
            names.append((f"{family}, {given}".rstrip(", "), f"{given} {family}".strip()))
    return names


def latex(text: str) -> str:
    return "".join(_LATEX.get(character, character) for character in text)


def bibtex(key: str, fields: list[tuple[str, str]]) -> str:
    """One `@misc` entry; each value is braced (and given already in LaTeX)."""
    return f"@misc{{{key},\n" + ",\n".join(f"  {name} = {{{value}}}" for name, value in fields) + "\n}"


def page_key(site_url: str, page_url: str) -> str:
    """The BibTeX key of a page: the site's last path segment (or host), then the page's path."""
    parts = urlsplit(site_url)
    site = parts.path.strip("/").rsplit("/", 1)[-1] or parts.netloc
    return ":".join([site, *[part for part in page_url.strip("/").split("/") if part]])


def page_title(html_text: str, fallback: str) -> str:
    match = _H1.search(html_text)
    if not match:
        return fallback
    text = html.unescape(re.sub(r"<[^>]+>", "", _HEADERLINK.sub("", match.group(1))))
    return " ".join(text.split()) or fallback


def citation(title: str, url: str, key: str, site: str, words: dict, people: list[tuple[str, str]],
             version: str | None, date: str | None, author_lang: str | None) -> tuple[str, str]:
    """(plain-text line as HTML, BibTeX entry) of one page."""
    values = {"site": site, "version": version or "", "date": date or ""}
    note = words["note"].format(**values)
    # What every BibTeX style prints (author, title, howpublished, year, note: the version and the
    # dates are in the note) and biblatex's access date; nothing twice, every byte is on every page.
    fields = [("author", " and ".join(name for name, _ in people)),
              ("title", "{" + latex(title) + "}"),   # braced: BibTeX keeps its capitals
              ("howpublished", rf"\url{{{url}}}")]
    if date:
        fields += [("year", date[:4]), ("urldate", date)]
    fields.append(("note", latex(note)))
    author = html.escape(", ".join(name for _, name in people))
    if author_lang:
        author = f'<span lang="{author_lang}">{author}</span>'
    escaped = {name: html.escape(value) for name, value in values.items()}
    escaped["version"] = f"<code>{escaped['version']}</code>"   # a commit id, or `main` in a working tree
    plain = words["text"].format(author=author, title=f"<cite>{html.escape(title)}</cite>",
                                 url=f'<a href="{html.escape(url)}">{html.escape(url)}</a>', **escaped)
    return plain, bibtex(key, fields)


def default_language(config) -> str:
    """The site's first language (CITATION.cff's names are written in it): mkdocs-static-i18n's
    default language, else the theme's."""
    i18n = config.plugins.get("i18n")
    for language in getattr(getattr(i18n, "config", None), "languages", None) or []:
        if language.default:
            return language.locale
    return config.theme.get("language") or "en"


def on_page_markdown(markdown_text: str, page, config, **_) -> str:
    words = config.extra["cite"][getattr(page.file, "locale", None) or "en"]
    return f"{markdown_text.rstrip()}\n\n## {words['heading']} {{ #cite data-search-exclude }}\n\n{PLACEHOLDER}\n"


def on_page_content(html_text: str, page, config, **_) -> str:
    if PLACEHOLDER not in html_text:
        return html_text
    locale = getattr(page.file, "locale", None) or "en"
    words = config.extra["cite"][locale]
    default = default_language(config)
    url = page.canonical_url or (config.site_url or "") + page.url
    plain, entry = citation(page_title(html_text, page.title or ""), url, page_key(config.site_url or url, page.url),
                            config.site_name, words, _build["authors"], _build["version"], _build["date"],
                            None if locale == default else default)
    block = (f'<div class="cite-page" data-search-exclude>\n<p>{plain}</p>\n'
             f'<details class="cite-bibtex">\n<summary>BibTeX</summary>\n'
             f'<div class="highlight"><pre><code>{html.escape(entry, quote=False)}</code></pre></div>\n'
             f'</details>\n</div>')
    return html_text.replace(PLACEHOLDER, block)
