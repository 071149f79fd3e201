"""What a reader does besides reading, in a real browser (Debian's Chromium through Playwright), with
the site served both under its sub-path (site_url's path) and at the root of a host (a local
preview, a mirror, an offline copy): search in either language, switch language on any page
without losing the page, the anchor or the playground's state, and download the files the pages
show."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urljoin, urlsplit

import pytest

from browser import SITE_PATH, page_paths, serve
from sitebuild import ROOT


@pytest.fixture(scope="module", params=[SITE_PATH, "/"], ids=["sub-path", "root"])
def served(request, site):
    """The built site on localhost, under site_url's path and at the root."""
    with serve(site, request.param) as url:
        yield url


def search(page, query: str) -> list[str]:
    """Type `query` into the page's search box; the result links, best first, including those
    folded under "more on this page", as URL paths with their #anchor (without the ?h= query
    with which Material highlights the words on the page it opens)."""
    translations = page.evaluate("JSON.parse(document.getElementById('__config').textContent).translations")
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        """none => document.querySelector('.md-search-result__item')
                  || document.querySelector('.md-search-result__meta').textContent.trim() === none""",
        arg=translations["search.result.none"])
    links = page.eval_on_selector_all(".md-search-result__list a.md-search-result__link", "as => as.map(a => a.href)")
    return [urlsplit(url).path + (f"#{urlsplit(url).fragment}" if urlsplit(url).fragment else "") for url in links]


CHINESE_WORDS = ["学习率", "权重衰减", "梯度", "初始步长", "步长", "优化器", "检查点"]


@pytest.mark.parametrize("query", CHINESE_WORDS)
def test_chinese_search_finds_chinese_pages_only(served, chromium, query):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + "zh/rprop/")
    results = search(page, query)
    page.close()
    assert results, f"{query}: no result"
    assert all(url.startswith(urlsplit(served).path + "zh/") for url in results), results


@pytest.mark.parametrize("language, query", [("", "Rprop"), ("", "learning rate"), ("zh/", "Rprop"),
                                             ("zh/", "MindSpore")])
def test_search_results_are_in_the_page_language(served, chromium, language, query):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + language + "port/")
    results = search(page, query)
    page.close()
    assert results
    in_chinese = [url.startswith(urlsplit(served).path + "zh/") for url in results]
    assert all(in_chinese) if language else not any(in_chinese), results


@pytest.mark.parametrize("language, query", [("", "weight_decay"), ("", "weight decay"), ("zh/", "权重衰减"),
                                             ("", "etaminus"), ("zh/", "初始步长")])
def test_search_leads_to_the_mapping_table_row(served, chromium, language, query):
    """A query that names a row of the mapping table offers a link to that row."""
    rows = {"weight_decay": "row-weight-decay", "weight decay": "row-weight-decay", "权重衰减": "row-weight-decay",
            "etaminus": "row-etas", "初始步长": "row-lr"}
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + language + "rprop/")
    results = search(page, query)
    wanted = urlsplit(served).path + language + "rprop/#" + rows[query]
    assert wanted in results, results
    # and the link leads to the row
    page.goto(urljoin(served, wanted))
    assert page.locator("#" + rows[query]).is_visible()
    page.close()


# --- the language switch ----------------------------------------------------------------------------

def _other(path: str) -> tuple[str, str]:
    """(hreflang of the other language, the same page in it) for a page path under the root."""
    return ("en", path.removeprefix("zh/")) if path.startswith("zh/") else ("zh", "zh/" + path)


def _switch(page, hreflang: str):
    """Click the language switch's link to `hreflang` (hidden in a hover menu: clicked by script,
    as a reader's click reaches it); the response of the page it leads to."""
    here = urlsplit(page.url).path
    # (the playground's own history.replaceState is a navigation too, within the page)
    with page.expect_navigation(url=lambda url: urlsplit(url).path != here) as navigation:
        page.evaluate("lang => document.querySelector(`a.md-select__link[hreflang=${lang}]`).click()", hreflang)
    return navigation.value


def test_language_switch_leads_to_the_same_page_in_the_other_language(site, served, chromium):
    """On every page, in both languages: HTTP 200, and the page is the same one in the other language."""
    page = chromium.new_page()
    problems = []
    for path in page_paths(site):
        page.goto(served + path, wait_until="networkidle")
        hreflang, expected = _other(path)
        response = _switch(page, hreflang)
        if response.status != 200 or page.url != served + expected:
            problems.append(f"{path or '/'}: HTTP {response.status} at {page.url}, expected {served + expected}")
        elif page.evaluate("document.documentElement.lang").split("-")[0] != hreflang:   # zh-CN is zh
            problems.append(f"{path or '/'}: lands on a page in {page.evaluate('document.documentElement.lang')}")
    page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["", "zh/"])
def test_language_switch_keeps_the_playground_state_and_the_anchor(served, chromium, language):
    """The playground keeps its state in the URL query: switching language must carry it over,
    with the #anchor."""
    page = chromium.new_page()
    state = "?seed=7&m_lr=0.02"  # in the order the playground writes its fields
    page.goto(served + language + "playground/" + state + "#playground", wait_until="networkidle")
    hreflang, other = _other(language + "playground/")
    assert _switch(page, hreflang).status == 200
    assert page.url == served + other + state + "#playground"
    page.close()


# --- the home page ---------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["", "zh/"])
def test_home_page_leads_to_the_playground_and_the_experiments(served, chromium, language):
    page = chromium.new_page()
    page.goto(served + language)
    links = page.eval_on_selector_all("article a[href]", "as => as.map(a => a.href.split('#')[0])")
    for target in ("playground/", "experiments/"):
        assert served + language + target in links, links
        assert page.request.get(served + language + target).status == 200
    page.close()


# --- the footer ------------------------------------------------------------------------------------

FOOTER = {"en": ("Code", "Text and figures", "Updated"), "zh": ("代码", "文字与图表", "更新于")}


def test_footer_names_the_licences_and_the_date_in_the_page_language(site, served, chromium):
    """Every page: the code's and the text's licence (links to the licence files of the
    repository) and the day of the last commit, which the build is dated by (SOURCE_DATE_EPOCH),
    in the page's language."""
    import datetime
    from sitebuild import commit_time
    day = datetime.datetime.fromtimestamp(int(commit_time()), datetime.timezone.utc).date().isoformat()
    page = chromium.new_page()
    problems = []
    for path in page_paths(site):
        page.goto(served + path)
        language = page.evaluate("document.documentElement.lang").split("-")[0]   # zh-CN: zh
        footer = page.locator(".md-footer-meta")
        text = " ".join(footer.inner_text().split())
        links = footer.evaluate("f => [...f.querySelectorAll('a')].map(a => a.href)")
        missing = [word for word in (*FOOTER[language], day, "Apache-2.0", "CC BY 4.0") if word not in text]
        if missing:
            problems.append(f"{path or '/'}: {missing} not in {text!r}")
        if language == "zh" and "Made with" in text:
            problems.append(f"{path}: English in the Chinese footer: {text!r}")
        for name in ("LICENSE", "LICENSE-docs"):
            if not any(link.endswith("/" + name) for link in links):
                problems.append(f"{path or '/'}: no link to {name} in {links}")
    page.close()
    assert not problems, "\n".join(problems[:6])


# --- downloads -------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["", "zh/"])
def test_every_snippet_shown_can_be_downloaded_byte_for_byte(served, chromium, language):
    """Each page that shows a snippet file offers it for download; every download link of a page
    returns exactly the bytes of the file in snippets/."""
    from sitebuild import SNIPPET_PAGES
    page = chromium.new_page()
    offered = {}
    for path in sorted(set(SNIPPET_PAGES.values())):
        page.goto(served + language + path)
        for href in page.eval_on_selector_all("article a[download]", "as => as.map(a => a.href)"):
            name = urlsplit(href).path.rsplit("/", 1)[-1]
            response = page.request.get(href)
            assert response.status == 200, href
            assert response.body() == (ROOT / "snippets" / name).read_bytes(), href
            offered.setdefault(name, set()).add(path)
    page.close()
    assert {name: path for name, path in SNIPPET_PAGES.items() if path not in offered.get(name, ())} == {}


def test_files_the_snippets_write_are_ignored_by_git():
    """Running the replay pair as the port page says leaves `rprop_replay.npz` in the folder it
    ran in (snippets/ when run from there): git must not offer to commit it, nor the site ship it
    (hooks/downloads.py copies only the files pages include)."""
    import subprocess
    for where in ("snippets/rprop_replay.npz", "rprop_replay.npz"):
        result = subprocess.run(["git", "check-ignore", "-q", where], cwd=ROOT)
        assert result.returncode == 0, f"{where} is not ignored"


# --- search: a pasted error lands on its row of the Errors page; an argument on its mapping row ----

@pytest.mark.parametrize("language, query, row", [
    ("", "RuntimeError: For 'Gather', the 'input_indices' should be in the range [0, 2), but got 2, error_code[58]",
     "errors/#row-mindspore-lr-list-exhausted"),
    ("zh/", "For 'Gather', the 'input_indices' should be in the range [0, 2), but got 2",
     "errors/#row-mindspore-lr-list-exhausted"),
    ("", "TypeError: For 'Rprop', the type of 'max_step_sizes' should be 'float', but got type 'int'.",
     "errors/#row-mindspore-step-sizes-int"),
    ("zh/", "TypeError: got an unexpected keyword argument 'lr'", "errors/#row-mindspore-lr-keyword"),
    ("", "TypeError: can't assign a numpy.float32 to a torch.FloatTensor", "errors/#row-torch-etas-numpy"),
    ("", "step_sizes", "rprop/#row-step-sizes"), ("", "etas", "rprop/#row-etas"),
    ("", "weight_decay", "rprop/#row-weight-decay"), ("", "learning_rate", "rprop/#row-lr"),
    ("", "float16", "rprop/#row-dtype"), ("zh/", "半精度", "rprop/#row-dtype"),
    ("zh/", "学习率调度", "rprop/#row-lr-schedule"), ("zh/", "初始步长", "rprop/#row-lr"),
])
def test_search_ranks_the_row_that_answers_first(served, chromium, language, query, row):
    """The first row among the results (the page's own entry may come before it) is the one that
    answers: an error message's row on the Errors page, an argument's row of the mapping table."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + language)
    results = search(page, query)
    page.close()
    rows = [url for url in results if "#row-" in url]
    assert rows and rows[0] == urlsplit(served).path + language + row, results
