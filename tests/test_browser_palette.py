"""The colour palette toggle (overrides/partials/javascripts/palette.html, issue 14): on a first
visit the palette follows the system's preference, also when it changes; the toggle switches it,
and the choice is kept on every page of both languages; and loading a page never changes the
palette once its content exists — Material's script did, three full restyles of a long page while
the reader first sees it."""

from __future__ import annotations

import pytest

SCHEME = "document.body.getAttribute('data-md-color-scheme')"
SHOWN_TOGGLE = "form.md-header__option label:not([hidden])"
THEME_COLOR = "document.querySelector('meta[name=theme-color]').content"


def _shown_toggles(page) -> list[str]:
    return page.locator(SHOWN_TOGGLE).evaluate_all("labels => labels.map(l => l.title)")


@pytest.mark.parametrize("system, scheme, toggle", [("light", "default", "Switch to dark mode"),
                                                    ("dark", "slate", "Switch to light mode")])
def test_a_first_visit_follows_the_systems_preference(base_url, chromium, system, scheme, toggle):
    context = chromium.new_context(color_scheme=system)
    page = context.new_page()
    page.goto(base_url + "rprop/", wait_until="load")
    assert page.evaluate(SCHEME) == scheme
    assert _shown_toggles(page) == [toggle]
    header = page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor")
    assert page.evaluate(THEME_COLOR) == header
    other = "dark" if system == "light" else "light"
    page.emulate_media(color_scheme=other)
    page.wait_for_function(f"{SCHEME} !== '{scheme}'")
    assert len(_shown_toggles(page)) == 1 and _shown_toggles(page) != [toggle]
    context.close()


def test_the_toggle_switches_the_palette_and_every_page_keeps_the_choice(base_url, chromium):
    context = chromium.new_context(color_scheme="light")
    page = context.new_page()
    page.goto(base_url + "rprop/", wait_until="load")
    light_header = page.evaluate(THEME_COLOR)
    page.locator(SHOWN_TOGGLE).click()
    assert page.evaluate(SCHEME) == "slate"
    assert _shown_toggles(page) == ["Switch to light mode"]
    assert page.evaluate("getComputedStyle(document.body).colorScheme") == "dark"
    page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
    page.emulate_media(color_scheme="light")  # a chosen palette no longer follows the system
    for path in ("zh/port/", "reference/", ""):
        page.goto(base_url + path, wait_until="load")
        assert page.evaluate(SCHEME) == "slate", path
    assert _shown_toggles(page) == ["Switch to light mode"]
    page.goto(base_url + "zh/", wait_until="load")
    page.locator(SHOWN_TOGGLE).click()
    assert page.evaluate(SCHEME) == "default"
    assert page.evaluate(THEME_COLOR) == light_header
    page.emulate_media(color_scheme="dark")
    page.goto(base_url + "versions/", wait_until="load")
    assert page.evaluate(SCHEME) == "default"
    context.close()


# Installed before any of the page's scripts: every change of a body colour attribute (a value set
# again unchanged is no change), and whether the page's content existed when it was seen.
RECORD_PALETTE_CHANGES = """window.__paletteChanges = [];
new MutationObserver(records => { for (const r of records) if (r.target === document.body)
    if (r.oldValue !== r.target.getAttribute(r.attributeName))
        window.__paletteChanges.push([r.attributeName, !!document.querySelector('.md-content')]); })
    .observe(document, {attributes: true, attributeOldValue: true, subtree: true, attributeFilter: ['data-md-color-scheme',
        'data-md-color-primary', 'data-md-color-accent', 'data-md-color-media', 'data-md-color-switching']});"""


@pytest.mark.parametrize("system", ["light", "dark"])
@pytest.mark.parametrize("path", ["rprop/", "zh/reference/"])
def test_loading_a_page_changes_no_colour_once_its_content_exists(base_url, chromium, system, path):
    context = chromium.new_context(color_scheme=system)
    context.add_init_script(RECORD_PALETTE_CHANGES)
    page = context.new_page()
    page.goto(base_url + path, wait_until="load")
    page.wait_for_timeout(300)
    changes = page.evaluate("window.__paletteChanges")
    assert [name for name, content_existed in changes if content_existed] == []
    # the body's scheme is the first palette's (light); only a dark system changes it, early
    assert ["data-md-color-scheme", False] in changes if system == "dark" else \
        "data-md-color-scheme" not in [name for name, _ in changes]
    context.close()
