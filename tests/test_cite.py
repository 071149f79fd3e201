"""Every page ends with "Cite this page" in its language (hooks/cite.py): the page's title, its
canonical address, the site's version (the commit the evidence links point at) and the build's
date, as a plain line and as a BibTeX entry that parses, under the anchor `#cite`."""

from __future__ import annotations

import datetime
import html
import re

import pytest
import yaml

from browser import page_paths
from sitebuild import ROOT, commit_time, load_hook

CONFIG = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
HEADINGS = {"en": "Cite this page", "zh": "引用本页"}
REQUIRED = {"author", "title", "howpublished", "year", "urldate", "note"}


def parse_bibtex(entry: str) -> tuple[str, str, dict[str, str]]:
    """(type, key, fields) of one entry whose values are braced; ValueError when a brace is
    unbalanced, a field is repeated or something else follows the entry."""
    head = re.match(r"@(\w+)\{([^,\s{}]+),\s*", entry)
    if not head:
        raise ValueError("no `@type{key,`")
    fields, position = {}, head.end()
    while True:
        field = re.compile(r"(\w+)\s*=\s*\{").match(entry, position)
        if not field:
            break
        depth, position = 1, field.end()
        while depth:
            if position >= len(entry):
                raise ValueError(f"unbalanced braces in {field.group(1)}")
            character = entry[position]
            if character == "\\":
                position += 1   # \{ \} \& …: escaped, not structure
            elif character in "{}":
                depth += 1 if character == "{" else -1
            position += 1
        if field.group(1) in fields:
            raise ValueError(f"{field.group(1)} twice")
        fields[field.group(1)] = entry[field.end():position - 1]
        position = re.compile(r"\s*,?\s*").match(entry, position).end()
    if entry[position:].strip() != "}":
        raise ValueError(f"unexpected {entry[position:position + 20]!r}")
    return head.group(1), head.group(2), fields


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _build_date() -> str:
    return datetime.datetime.fromtimestamp(int(commit_time()), datetime.timezone.utc).date().isoformat()


def test_the_bibtex_check_is_real():
    assert parse_bibtex("@misc{k,\n  title = {A {B} \\{},\n  year = {2026}\n}")[2] == {"title": "A {B} \\{", "year": "2026"}
    for broken in ("@misc{k,\n  title = {A {B},\n  year = {2026}\n}", "@misc{k,\n  title = {A}}\n}",
                   "@misc{k,\n  title = {A},\n  title = {B}\n}", "misc{k, title = {A}}"):
        with pytest.raises(ValueError):
            parse_bibtex(broken)


def test_special_characters_of_a_title_are_escaped_for_bibtex():
    cite = load_hook("cite")
    title = "50% of {weights} & step_sizes #1 $x$ ~ ^ \\"
    _, entry = cite.citation(title, "https://example.org/a/", "site:a", "Site",
                             {"text": "{author}. {title}. {url}", "note": "{site} {version} {date}"},
                             [("{Group}", "Group")], "abc", "2026-01-02", None)
    fields = parse_bibtex(entry)[2]
    assert fields["title"] == ("{50\\% of \\{weights\\} \\& step\\_sizes \\#1 \\$x\\$ \\textasciitilde{} "
                               "\\textasciicircum{} \\textbackslash{}}")
    assert cite.page_key("https://example.org/docs/", "zh/a/b/") == "docs:zh:a:b"
    assert cite.page_key("https://example.org/", "") == "example.org"


def test_every_page_ends_with_its_citation(site):
    version, date = load_hook("claims").revision(), _build_date()
    authors = " and ".join(f"{{{a['name']}}}" if "name" in a else f"{a['family-names']}, {a['given-names']}"
                           for a in CITATION["authors"])
    paths, keys = page_paths(site), set()
    assert len(paths) >= 20 and any(p.startswith("zh/") for p in paths)
    for path in paths:
        language = "zh" if path.startswith("zh/") else "en"
        text = (site / path / "index.html").read_text(encoding="utf-8")
        article = text[text.index("<article"):text.index("</article>")]
        heading = re.search(r'<h2 data-search-exclude id="cite">(.*?)<a class="headerlink"', article)
        assert heading and heading.group(1) == HEADINGS[language], path
        block = re.search(r'<div class="cite-page" data-search-exclude>\s*<p>(.*?)</p>\s*<details class="cite-bibtex">'
                          r'\s*<summary>BibTeX</summary>.*?<code>(.*?)</code>.*?</details>\s*</div>\s*$', article, re.S)
        assert block, f"{path}: no citation block at the end of the page"
        title = _text(re.sub(r'<a class="headerlink".*?</a>', "", re.search(r"<h1[^>]*>(.*?)</h1>", article, re.S).group(1)))
        url = CONFIG["site_url"] + path
        plain = _text(block.group(1))
        assert title in plain and url in plain and f" {version}" in plain and date in plain, (path, plain)
        if language != "en":   # the authors' names are English
            assert re.search(r'<span lang="en">[^<]+</span>', block.group(1)), path
        kind, key, fields = parse_bibtex(html.unescape(block.group(2)))
        assert kind == "misc" and REQUIRED <= set(fields), (path, fields)
        assert re.sub(r"\\([&%$#_{}])", r"\1", fields["title"]) == "{" + title + "}", (path, fields["title"])
        assert fields["howpublished"] == rf"\url{{{url}}}" and fields["author"] == authors
        assert (fields["urldate"], fields["year"]) == (date, date[:4])
        assert f" {version}" in fields["note"] and fields["note"].count(date) == 2, fields["note"]   # built, accessed
        assert re.fullmatch(r"[\w.:-]+", key) and key not in keys, (path, key)
        keys.add(key)


def test_no_404_page_has_a_citation(site):
    for page in ("404.html", "zh/404.html"):
        assert "cite-page" not in (site / page).read_text(encoding="utf-8")


def test_the_citation_stays_out_of_the_search_index(site):
    """One entry per page would answer every search for the site's name or "cite"."""
    import json
    for index in ("search/search_index.json", "zh/search/search_index.json"):
        docs = json.loads((site / index).read_text(encoding="utf-8"))["docs"]
        assert not [d["location"] for d in docs if "#cite" in d["location"] or "@misc" in d["text"]]
