"""The built site in a real browser (Debian's Chromium through Playwright): every page in both
languages loads with no console error, no failed request and no request to another host; the
language switch keeps page and anchor; linked tabs switch together; copy buttons copy exactly
the snippet file; nothing overflows a phone-width screen."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

import oracles
from browser import SITE_PATH, page_paths
from sitebuild import ROOT, SNIPPET_PAGES



def test_every_page_loads_without_errors_or_foreign_requests(site, base_url, chromium):
    host = urlsplit(base_url).netloc
    problems = []
    paths = page_paths(site)
    assert len(paths) >= 6
    for path in paths:
        page = chromium.new_page()
        page.on("console", lambda m, p=path: problems.append(f"{p}: console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e, p=path: problems.append(f"{p}: {e}"))
        page.on("requestfailed", lambda r, p=path: problems.append(f"{p}: failed {r.url}"))
        page.on("response", lambda r, p=path: problems.append(f"{p}: HTTP {r.status} {r.url}")
                if r.status >= 400 else None)
        page.on("request", lambda r, p=path: problems.append(f"{p}: foreign request {r.url}")
                if urlsplit(r.url).netloc not in (host, "") and not r.url.startswith("data:") else None)
        page.goto(base_url + path.lstrip("/"), wait_until="networkidle")
        page.close()
    assert not problems, "\n".join(problems)



# Set before any page script: when Material's script reads its configuration (its first act), note
# whether the document was still being parsed.
RECORD_THEME_START = """
const parse = JSON.parse;
JSON.parse = function (text, ...rest) {
  const config = document.getElementById("__config");
  if (config && text === config.textContent && !("themeStartedWhile" in window)) {
    window.themeStartedWhile = document.readyState;
  }
  return parse.call(this, text, ...rest);
};
"""


def test_the_theme_script_starts_once_the_page_is_parsed(site, base_url, chromium):
    # hooks/defer_scripts.py: run inside the parser's last task, Material's script forced the
    # layout of the whole page there (the long pages' largest blocking task).
    started = {}
    for path in [*page_paths(site), "404.html", "zh/404.html"]:
        page = chromium.new_page()
        page.add_init_script(RECORD_THEME_START)
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        started[path] = page.evaluate("window.themeStartedWhile")
        page.close()
    assert set(started.values()) == {"interactive"}, started


def test_language_switch_keeps_the_page_and_the_anchor(base_url, chromium):
    page = chromium.new_page()
    page.goto(base_url + "rprop/#row-step-sizes")
    page.evaluate("document.querySelector('a.md-select__link[hreflang=zh]').click()")
    page.wait_for_url("**/zh/rprop/#row-step-sizes")
    assert page.locator("#row-step-sizes").is_visible()
    page.evaluate("document.querySelector('a.md-select__link[hreflang=en]').click()")
    page.wait_for_url(lambda url: url.endswith(SITE_PATH + "rprop/#row-step-sizes"))
    page.close()


def test_linked_tabs_switch_together(base_url, chromium):
    page = chromium.new_page(viewport={"width": 375, "height": 800})
    page.goto(base_url + "rprop/")
    page.locator("#signatures ~ .tabbed-set").first.get_by_text("MindSpore", exact=True).click()
    code_set = page.locator(".side-by-side .tabbed-set")
    assert code_set.locator("input").nth(1).is_checked()
    assert "mindspore.nn.Rprop" in code_set.locator(".tabbed-block").nth(1).inner_text()
    assert not code_set.locator(".tabbed-block").nth(0).is_visible()
    page.close()


def test_side_by_side_code_shows_two_columns_on_wide_screens(base_url, chromium):
    page = chromium.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(base_url + "rprop/")
    blocks = page.locator(".side-by-side .tabbed-block")
    first, second = blocks.nth(0).bounding_box(), blocks.nth(1).bounding_box()
    assert blocks.nth(0).is_visible() and blocks.nth(1).is_visible()
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"] + first["width"] - 1
    page.close()


@pytest.mark.parametrize("language", ["", "zh/"])
def test_copy_buttons_copy_exactly_the_snippet_files(base_url, chromium, language):
    """Every code block that shows a snippet file, on its page, at phone width (tabs, not columns)."""
    context = chromium.new_context(viewport={"width": 375, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    sources = {name: (ROOT / "snippets" / name).read_text().strip("\n") for name in SNIPPET_PAGES}
    copied_files = set()
    for path in sorted(set(SNIPPET_PAGES.values())):
        page = context.new_page()
        page.goto(base_url + language + path)
        page.evaluate("document.querySelectorAll('article details').forEach((d) => { d.open = true; })")
        blocks = page.locator("article div.highlight pre > code")   # the files' blocks (not the paste box's)
        for index in range(blocks.count()):
            block = blocks.nth(index)
            # a block in a tab set: select its tab first
            page.evaluate("""code => {
                const tab = code.closest('.tabbed-block');
                if (!tab) return;
                const position = [...tab.parentElement.children].indexOf(tab);
                tab.closest('.tabbed-set').querySelectorAll(':scope > .tabbed-labels > label')[position].click();
            }""", block.element_handle())
            block.scroll_into_view_if_needed()
            block.hover()
            highlight = block.locator("xpath=ancestor::div[contains(@class, 'highlight')][1]")
            highlight.locator("button[data-md-type=copy]").click()
            copied = page.evaluate("navigator.clipboard.readText()").strip("\n")
            copied_files |= {name for name, text in sources.items() if text == copied}
        page.close()
    context.close()
    assert copied_files == set(SNIPPET_PAGES)


def test_copy_buttons_appear_when_their_block_comes_into_view(base_url, chromium):
    """Material's `content.lazy` (mkdocs.yml says why): a block out of view has no button yet."""
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    page.goto(base_url + "port/", wait_until="load")
    page.wait_for_timeout(500)
    # the last block that is shown (not in a closed tab or fold) and below the first screen
    index = page.evaluate("""() => [...document.querySelectorAll('article pre > code')].findLastIndex(
        code => code.getClientRects().length && !code.closest('details:not([open])')
                && code.getBoundingClientRect().top > innerHeight)""")
    assert index >= 0
    block = page.locator("article pre > code").nth(index)
    button = block.locator("xpath=..").locator("button[data-md-type=copy]")
    assert button.count() == 0
    block.scroll_into_view_if_needed()
    button.wait_for(state="attached", timeout=5000)
    page.close()


def test_every_page_fits_a_phone_screen_and_is_photographed(site, base_url, chromium):
    """Desktop and phone screenshots of every page go to test-artifacts/screenshots/ (not
    committed) for a reviewer; at 375 px nothing may overflow horizontally."""
    out = ROOT / "test-artifacts" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    overflowing = []
    for path in page_paths(site):
        name = path.strip("/").replace("/", "-") or "home"
        for device, width, height in (("desktop", 1280, 900), ("phone", 375, 812)):
            page = chromium.new_page(viewport={"width": width, "height": height})
            page.goto(base_url + path, wait_until="networkidle")
            if device == "phone" and page.evaluate("document.documentElement.scrollWidth") > width:
                overflowing.append(path)
            page.screenshot(path=str(out / f"{name}-{device}.png"), full_page=True)
            page.close()
    assert not overflowing


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_figures_render_in_both_palettes(base_url, chromium, scheme):
    context = chromium.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "experiments/", wait_until="networkidle")
    # (the images carry their size: scrolled past in one go, lazy ones would not load, so load them all)
    shown = page.evaluate("""() => [...document.querySelectorAll('article img')].map(img => {
        img.loading = 'eager';
        img.scrollIntoView();
        return {src: img.getAttribute('src'), visible: img.offsetParent !== null && getComputedStyle(img).display !== 'none'};
    })""")
    # lazily loaded: wait until every visible figure has loaded and has a size
    page.wait_for_function("() => [...document.querySelectorAll('article img')].filter(i => i.offsetParent !== null)"
                           ".every(i => i.complete && i.naturalWidth > 0)", timeout=15000)
    visible = [img["src"] for img in shown if img["visible"]]
    assert visible
    wanted = "#only-dark" if scheme == "dark" else "#only-light"
    assert all(src.endswith(wanted) for src in visible), visible[:3]
    context.close()


def test_chinese_pages_name_chinese_system_fonts_first(base_url, chromium):
    page = chromium.new_page()
    fonts = {}
    for language in ("", "zh/"):
        page.goto(base_url + language + "rprop/")
        fonts[language] = page.evaluate("getComputedStyle(document.querySelector('article p')).fontFamily")
    assert '"PingFang SC"' in fonts["zh/"] and fonts["zh/"].index("PingFang") < fonts["zh/"].index("Arial")
    assert "PingFang" not in fonts[""] and "Arial" in fonts[""]
    page.close()


def test_chinese_text_is_drawn_with_a_chinese_font(base_url, chromium):
    """The screenshots are for reviewers of both languages: without a Chinese font on the machine,
    Chromium draws the Chinese pages as empty boxes (`.ci/run` installs one)."""
    page = chromium.new_page()
    page.goto(base_url + "zh/rprop/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    document = cdp.send("DOM.getDocument")["root"]["nodeId"]
    paragraph = cdp.send("DOM.querySelector", {"nodeId": document, "selector": "article p"})["nodeId"]
    fonts = {font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": paragraph})["fonts"]}
    page.close()
    stack = {"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
             "WenQuanYi Micro Hei"}
    if not fonts & stack:
        oracles.unavailable(f"no Chinese font of the site's stack draws the text (drawn with {sorted(fonts)}); "
                            "apt-get install -y fonts-wqy-microhei")
