"""Icons (issue 14, speed): no page draws an icon from a `data:` URI, and the copy buttons that
hooks/icons.py writes at build time are the ones Material's script would insert, one per code block.

Chromium parses a `data:` SVG anew for every element that shows it, in the style recalculation
Material's script forces while the page starts: with one copy button per code block that was most
of the code pages' blocking time. hooks/icons.py turns the theme's icons into files and writes the
copy buttons with their icon inline."""

from __future__ import annotations

import pytest

from browser import page_paths

# Every image an element or its ::before / ::after draws (masks, backgrounds, list markers).
DRAWN_IMAGES = """() => {
    const images = [];
    for (const element of document.querySelectorAll('*'))
        for (const pseudo of [null, '::before', '::after']) {
            const style = getComputedStyle(element, pseudo);
            if (pseudo && style.content === 'none') continue;
            for (const value of [style.maskImage, style.webkitMaskImage, style.backgroundImage,
                                 style.listStyleImage])
                if (value && value !== 'none') images.push(value);
        }
    return [...new Set(images)];
}"""


@pytest.mark.parametrize("width", [1280, 375])
def test_no_page_draws_an_icon_from_a_data_uri_and_every_icon_file_loads(site, base_url, chromium, width):
    context = chromium.new_context(viewport={"width": width, "height": 900})
    failed, from_data, icons = [], {}, set()
    context.on("response", lambda r: failed.append(r.url) if "/icons/" in r.url and r.status != 200 else None)
    for path in page_paths(site):
        page = context.new_page()
        page.goto(base_url + path, wait_until="load")
        page.wait_for_timeout(300)  # Material's script inserts elements after the load event
        images = page.evaluate(DRAWN_IMAGES)
        if any("data:" in image for image in images):
            from_data[path] = [image[:60] for image in images if "data:" in image]
        icons |= {image for image in images if "/icons/" in image}
        page.close()
    for icon in icons:  # every icon a page draws is there (a mask whose file is missing draws nothing)
        assert context.request.get(icon.split('"')[1]).status == 200, icon
    context.close()
    assert from_data == {}
    assert len(icons) >= 5 and failed == []


PAGE_BUTTONS = """() => {
    const title = JSON.parse(document.getElementById('__config').textContent).translations['clipboard.copy'];
    return [...document.querySelectorAll('article pre > code')].map(code => {
        const buttons = code.parentElement.querySelectorAll('button[data-md-type=copy]');
        const button = buttons[0], icon = button && button.querySelector('svg');
        const box = icon && icon.getBoundingClientRect(), after = button && getComputedStyle(button, '::after');
        return {count: buttons.length, expected: title, title: button && button.title,
                targets_code: !!button && document.querySelector(button.dataset.clipboardTarget) === code,
                // (a block in a tab that is not selected is not drawn: nothing to measure)
                icon: !!icon && (!code.getClientRects().length || box.width > 0 && box.width === box.height
                      && getComputedStyle(icon).fill === getComputedStyle(button).color),
                masked_icon_hidden: !!after && after.content === 'none'};
    });
}"""


def test_every_code_block_has_one_copy_button_in_the_page_language(site, base_url, chromium):
    """One button per block (Material's own would be a second one), aimed at that block, titled in
    the page's language, its icon drawn inline in the button's colour."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    blocks, titles, wrong = 0, set(), {}
    for path in page_paths(site):
        page.goto(base_url + path, wait_until="load")
        page.wait_for_timeout(300)
        for index, button in enumerate(page.evaluate(PAGE_BUTTONS)):
            blocks += 1
            titles.add(button["title"])
            expected = {"count": 1, "title": button["expected"], "targets_code": True, "icon": True,
                        "masked_icon_hidden": True}
            if {key: button[key] for key in expected} != expected:
                wrong[f"{path} #{index}"] = button
    page.close()
    assert blocks >= 20 and wrong == {}
    assert len(titles) == 2  # one title per language
