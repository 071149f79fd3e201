"""The built site: strict build, language parity, links and anchors, self-containment, and the
data and snippets it shows."""

from __future__ import annotations

import gzip
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from sitebuild import ROOT, SNIPPET_PAGES, build, load_hook

LANGUAGES = ("en", "zh")


class Page(HTMLParser):
    """Ids, links, resources and headings of one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids, self.heading_ids, self.links, self.resources = set(), [], [], []
        self.duplicate_ids = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.duplicate_ids.append(attrs["id"])
            self.ids.add(attrs["id"])
            if re.fullmatch(r"h[1-6]", tag) or tag == "tr":
                self.heading_ids.append(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.resources.append(attrs["src"])
        if tag == "link" and attrs.get("href") and attrs.get("rel") not in ("canonical", "alternate"):
            self.resources.append(attrs["href"])


def pages(site: Path) -> dict[str, Page]:
    return {str(p.relative_to(site)): Page(p.read_text(encoding="utf-8")) for p in site.rglob("*.html")}


def _english(path: str) -> bool:
    return not path.startswith("zh/")


def test_strict_build_fails_on_a_broken_link(tmp_path):
    """The strict build is a real check: a page with a dead link does not build."""
    broken = ROOT / "docs" / "zz-broken-link-probe.en.md"
    broken.write_text("# Probe\n\n[dead](no-such-page.md)\n", encoding="utf-8")
    try:
        assert build(tmp_path / "out").returncode != 0
    finally:
        broken.unlink()


def test_both_languages_have_the_same_pages(site):
    all_pages = pages(site)
    english = {p for p in all_pages if _english(p)}
    chinese = {p.removeprefix("zh/") for p in all_pages if not _english(p)}
    assert english == chinese
    assert {"index.html", "rprop/index.html", "reference/index.html", "404.html"} <= english


def test_both_languages_have_the_same_heading_and_row_anchors(site):
    all_pages = pages(site)
    for path, page in all_pages.items():
        if not _english(path) or path == "404.html":
            continue
        twin = all_pages["zh/" + path]
        assert page.heading_ids == twin.heading_ids, path
        assert len(set(page.heading_ids)) == len(page.heading_ids), f"duplicate anchors in {path}"


def test_no_page_has_duplicate_ids(site):
    duplicates = {path: page.duplicate_ids for path, page in pages(site).items() if page.duplicate_ids}
    assert not duplicates


def test_every_internal_link_and_anchor_resolves(site):
    all_pages = pages(site)
    # absolute links (the 404 page, the header) start with site_url's path
    site_path = urlsplit(yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_url"]).path
    missing = []
    for path, page in all_pages.items():
        base = "https://site.invalid" + site_path + path
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto") or href.startswith("//"):
                continue
            target_url = urlsplit(urljoin(base, href))
            if not target_url.path.startswith(site_path):
                missing.append(f"{path}: {href} (outside the site)")
                continue
            target = unquote(target_url.path.removeprefix(site_path))
            if target == "" or target.endswith("/"):
                target += "index.html"
            if target not in all_pages and not (site / target).exists():
                missing.append(f"{path}: {href} (no {target})")
            elif parts.fragment and target in all_pages and unquote(parts.fragment) not in all_pages[target].ids:
                missing.append(f"{path}: {href} (no #{parts.fragment} in {target})")
    assert not missing, "\n".join(missing)


def test_no_resource_is_loaded_from_another_host(site):
    offenders = [f"{path}: {url}" for path, page in pages(site).items() for url in page.resources
                 if re.match(r"^(https?:)?//", url)]
    for css in site.rglob("*.css"):
        offenders += [f"{css.relative_to(site)}: {u}" for u in
                      re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css.read_text())]
    for js in site.rglob("*.js"):
        offenders += [f"{js.relative_to(site)}: {u}" for u in
                      re.findall(r"https?://fonts\.(?:googleapis|gstatic)\.com[^\"']*", js.read_text())]
    assert not offenders, "\n".join(offenders)


def test_formulas_are_mathml_rendered_at_build_time(site):
    for language in ("", "zh/"):
        text = (site / language / "rprop/index.html").read_text(encoding="utf-8")
        assert text.count("<math ") >= 6
        assert 'class="arithmatex"' not in text
        # no TeX left in the visible text (outside code blocks and MathML's alttext)
        visible = re.sub(r"<pre.*?</pre>|<code.*?</code>|<math.*?</math>", "", text.split("<main", 1)[1], flags=re.S)
        assert not re.search(r"\\(Delta|eta|operatorname|leftarrow|begin)|\$", visible), "unrendered TeX"


def test_language_switcher_keeps_the_page(site):
    for path in ("rprop/index.html", "reference/index.html"):
        english = (site / path).read_text(encoding="utf-8")
        chinese = (site / "zh" / path).read_text(encoding="utf-8")
        page_dir = path.removesuffix("index.html")
        assert re.search(f'<a href="[^"]*zh/{page_dir}" hreflang="zh"', english), path
        assert re.search(f'<a href="(\\.\\./)+{page_dir}" hreflang="en"', chinese), path
        assert 'hreflang="en"' in chinese and '<html lang="zh-CN"' in chinese
        assert "搜索" in chinese  # Material's UI strings in the page's language


def test_every_page_has_an_edit_link(site):
    for path in ("rprop/index.html", "zh/rprop/index.html"):
        text = (site / path).read_text(encoding="utf-8")
        assert re.search(r'href="https://github\.com/[^"]+/edit/main/docs/rprop\.(en|zh)\.md"', text), path


def test_search_index_segments_chinese_words(site):
    """Material splits Chinese text into words (jieba) with zero-width spaces at build time, so
    that the search engine can match a word inside a sentence; the Chinese pages have an index of
    their own (hooks/search.py), whose separator splits at those spaces."""
    index = json.loads((site / "zh/search/search_index.json").read_text(encoding="utf-8"))
    assert "zh" in index["config"]["lang"]
    assert re.compile(index["config"]["separator"]).fullmatch("\u200b")
    chinese = " ".join(doc["text"] for doc in index["docs"])
    words = set(re.split(r"[\u200b\s]+", chinese))
    assert {"步长", "梯度", "权重", "参数"} <= words


# --- data shown on the pages -----------------------------------------------------------------------

MAPPING = yaml.safe_load((ROOT / "data/rprop-mapping.yml").read_text(encoding="utf-8"))
REQUIRED_ROWS = {"algorithm", "params", "lr", "lr-schedule", "etas", "step-sizes", "weight-decay",
                 "maximize", "foreach", "capturable", "differentiable", "calling", "no-gradient",
                 "state", "dtype"}


def test_mapping_table_rows_are_complete_in_both_languages():
    ids = [row["id"] for row in MAPPING["rows"]]
    assert len(ids) == len(set(ids)), "row ids must be unique"
    assert REQUIRED_ROWS <= set(ids)
    for row in MAPPING["rows"]:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", row["id"])
        for column in MAPPING["columns"]:
            cell = row[column["key"]]
            if isinstance(cell, dict):
                assert set(cell) == set(LANGUAGES) and all(cell[l].strip() for l in LANGUAGES), row["id"]
            else:
                assert isinstance(cell, str) and cell.strip()
                assert not re.search(r"[\u4e00-\u9fff]", cell), "language-neutral cells hold no Chinese"
        if "upstream" in row:
            assert set(row["upstream"]) == set(LANGUAGES)


@pytest.mark.claim("mapping.row-anchors")
def test_mapping_rows_are_anchored_in_both_languages(site):
    for language in ("", "zh/"):
        ids = Page((site / language / "rprop/index.html").read_text(encoding="utf-8")).ids
        assert {f"row-{row['id']}" for row in MAPPING["rows"]} <= ids


@pytest.mark.parametrize("page", ["rprop/", "port/"])
def test_numbers_in_prose_are_the_recorded_ones(site, page):
    e2e = json.loads((ROOT / "data/e2e.json").read_text(encoding="utf-8"))
    for language in ("", "zh/"):
        text = html.unescape((site / language / page / "index.html").read_text(encoding="utf-8"))
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))
        assert not re.search(r"\[\[(value|table|notes):", text), "an unreplaced placeholder"
        assert re.search(rf"\b{e2e['first_opposite_sign']['step']}\b", text)
        assert f"PyTorch {e2e['torch_version']}" in text and e2e["mindspore_version"] in text
        if page == "port/":
            assert format(e2e["max_abs_loss_difference"], ".2e") in text
            assert e2e["first_opposite_sign"]["parameter"] in text


def _code_blocks(page_html: str) -> list[str]:
    blocks = re.findall(r"<pre[^>]*><span></span><code[^>]*>(.*?)</code></pre>", page_html, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in blocks]


def test_every_snippet_file_has_a_page():
    assert set(SNIPPET_PAGES) == {p.name for p in (ROOT / "snippets").glob("*.py")}


@pytest.mark.parametrize("snippet", sorted(SNIPPET_PAGES))
def test_code_blocks_show_the_snippet_files_exactly(site, snippet):
    source = (ROOT / "snippets" / snippet).read_text(encoding="utf-8")
    for language in ("", "zh/"):
        page = site / language / SNIPPET_PAGES[snippet] / "index.html"
        blocks = _code_blocks(page.read_text(encoding="utf-8"))
        assert any(b.strip("\n") == source.strip("\n") for b in blocks), f"{snippet} not shown verbatim"


def test_highlighting_keeps_only_the_spans_that_show():
    lean = load_hook("page_weight").lean
    assert (lean('<span class="n">f</span><span class="p">(</span><span class="p">)</span>'
                 '<span class="w"> </span><span class="c1"># x</span>')
            == 'f<span class="p">()</span> <span class="c1"># x</span>')
    assert lean('<span class="o">-</span><span class="mi">1</span>') == '<span class="o">-</span><span class="mi">1</span>'


def test_dropped_highlight_classes_have_the_plain_code_colour(site):
    """hooks/page_weight.py unwraps `.n` and `.w` tokens; that is invisible only while Material
    colours names like plain code and does not style whitespace tokens."""
    css = "".join(p.read_text() for p in (site / "assets/stylesheets").glob("*.css"))
    names = re.findall(r"--md-code-hl-name-color:\s*([^;}]+)", css)
    assert names and all(value.strip() == "var(--md-code-fg-color)" for value in names)
    assert not re.search(r"\.highlight\s+\.w\b", css)
    for language in ("", "zh/"):
        text = (site / language / "rprop/index.html").read_text(encoding="utf-8")
        assert 'class="n"' not in text and 'class="w"' not in text
        assert text.count('<span class="') > 300  # still highlighted


def test_pages_keep_indentation_only_where_it_shows():
    unindent = load_hook("page_weight").unindent
    page = "<div>\n    <p>a\n\n      b</p>\n<pre><code>x\n    y</code></pre>\n  <script>\n  s\n</script>"
    assert unindent(page) == "<div>\n<p>a\nb</p>\n<pre><code>x\n    y</code></pre>\n<script>\n  s\n</script>"


def test_pages_link_each_stylesheet_once_and_mkdocstrings_only_where_it_renders(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)
        assert len(links) == len(set(links)), page
        uses_mkdocstrings = 'class="doc doc-' in text
        assert any(link.endswith("_mkdocstrings.css") for link in links) == uses_mkdocstrings, page
    assert 'class="doc doc-' in (site / "zh/reference/index.html").read_text(encoding="utf-8")


# The first TCP round trip carries 10 segments of 1,460 bytes (the initial congestion window). A
# page whose compressed HTML fits in it, with room for about 400 bytes of response headers, starts
# rendering a round trip sooner on a slow network: on the mapping page that was the difference
# between Lighthouse performance 100 and 97 (issue 6). A page that grows past the budget needs
# trimming or splitting, or a deliberate decision to raise it.
HTML_BUDGET = 10 * 1460 - 400
# Deliberate exceptions, each within the second round trip (TCP slow start: 10 more segments). The
# mapping page grew by its ~90 evidence links (about 2 KB compressed) and the review's corrections
# (issue 10). It costs one round trip before first paint on a cold mobile connection; the caps keep
# it from growing further. The Chinese page's cap went from 17,500 to 18,500 for the per-version
# notes in its cells (issue 12) and the <wbr> between the words of long Chinese runs in its table
# (about 330 bytes compressed), which keep Chinese words whole when a line breaks (issue 14). The
# Chinese port page (Chinese compresses less) went over with the footer's licences and date on
# every page, its download links (issue 14) and the native rewrite (issue 13); still inside the
# first 10 segments. All three rose by 0.4-0.5 KB when the palette toggle's script moved into every
# page's header (overrides/partials/javascripts/palette.html, issue 14: Material's script restyled the
# whole page three times after it had loaded; this one sets the palette before the content exists).
# Issue 21: the mapping pages' state row and the Chinese port page link to the port tools (+0.1-0.3
# KB); "Port your model" shows the six modules it offers verbatim (about 1,100 lines of Python, most
# of its weight: the walkthrough comes first, the code in tabs at the end), like the checkpoint page;
# its caps leave the modules about 8 % to grow (they are code readers copy, not prose).
# Issue 23: the mapping pages carry the paste-and-port box on their first screen (+1.1 KB, half of it
# the links to the 16 rows it may point at, in the page's language); the port page's settings say
# "the same value as torch's" for each argument, `etas` included (+0.05 KB).
# The text-classifier review (tests/test_port_text.py): "Port your model" and the checkpoint page show
# the tools verbatim, and the tools grew by what a real model needed (per-group etas refused for
# nn.Rprop with one message, compare_gradients' float64 reference, the Dropout keep_prob note):
# about +0.8 KB and +0.5 KB compressed.
# Issue 23 also ended every page with "Cite this page" (hooks/cite.py, 0.24-0.36 KB compressed, the
# Chinese pages' the most): every cap below includes it, and it took the English port page (with its
# links to "Other routes" and the port check) and the Chinese API page past the first round trip. The
# Versions pages list the two sourced claims of "Other routes".
LARGER_PAGES = {"rprop/index.html": 19_500, "zh/rprop/index.html": 22_500,
                "port/index.html": 14_800, "zh/port/index.html": 16_700,   # + the port check's ✓
                "port-your-model/index.html": 42_900, "zh/port-your-model/index.html": 44_900,
                # a recipe (issue 21); the converter's messages in both languages (issue 23)
                "checkpoint/index.html": 18_400, "zh/checkpoint/index.html": 19_700,
                # the matrix: 149 claims (the Errors page's 36 among them) × 5 merged columns
                "versions/index.html": 16_500, "zh/versions/index.html": 18_200,
                # and the input checks both references share (scripts/reference_checks.py)
                "zh/reference/index.html": 14_900}


def test_every_page_fits_the_first_round_trip(site):
    sizes = {str(p.relative_to(site)): len(gzip.compress(p.read_bytes(), mtime=0)) for p in site.rglob("*.html")}
    assert len(sizes) >= 12
    over = {page: size for page, size in sizes.items() if size > LARGER_PAGES.get(page, HTML_BUDGET)}
    assert all(sizes[page] > HTML_BUDGET for page in LARGER_PAGES), "an exception no longer needed" 
    assert not over, f"compressed HTML over {HTML_BUDGET} bytes: {over}"


@pytest.mark.claim("reference.switches")
def test_reference_api_page_documents_every_switch(site):
    from rprop_ref import Switches
    for page in (site / "reference/index.html", site / "zh/reference/index.html"):
        text = page.read_text(encoding="utf-8")
        for field in Switches.__dataclass_fields__:
            assert field in text, f"{field} missing from {page}"


def test_citation_file_names_the_published_site():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert citation["cff-version"] == "1.2.0" and citation["title"]
    assert f"site_url: {citation['url']}" in config
    assert f"repo_url: {citation['repository-code']}" in config


def test_sitemaps_are_dated_by_the_last_commit(site):
    import datetime
    from sitebuild import commit_time
    day = datetime.datetime.fromtimestamp(int(commit_time()), datetime.timezone.utc).date().isoformat()
    dates = set(re.findall(r"<lastmod>([^<]+)</lastmod>", (site / "sitemap.xml").read_text()))
    assert dates == {day}
