"""The Experiments page in a real browser, as a reader meets it (issue 23): a link to a section or a
figure lands on it, under Material's header, with the table of contents on that section; figure
text is legible on a phone; the end-to-end figure's label covers no curve."""

from __future__ import annotations

import re

import pytest

LANGUAGES = ("", "zh/")

# Where the target of the URL's fragment is, once the page has loaded and every image that the
# browser loads has loaded: its top against the scroll margin Material gives a target (the height
# of its sticky header and a little; lower only when the page ends before), and the link the table
# of contents marks as active.
LANDING = """(id) => {
    const target = document.getElementById(id);
    const box = target.getBoundingClientRect(), set = target.closest('.tabbed-set');
    const active = [...new Set([...document.querySelectorAll('.md-nav--secondary .md-nav__link--active')]
        .map(link => link.getAttribute('href')))];
    return {top: box.top, margin: parseFloat(getComputedStyle(target).scrollMarginTop),
            set: set && set.getBoundingClientRect().top,
            header: document.querySelector('.md-header').getBoundingClientRect().bottom,
            active: active.join(' '), checked: target.checked === true,
            end: scrollY + innerHeight >= document.documentElement.scrollHeight - 1};
}"""
LOADED = """() => [...document.images].filter(i => i.offsetParent !== null && i.loading === 'lazy')
    .every(i => { const r = i.getBoundingClientRect();
                  return r.bottom < -1000 || r.top > innerHeight + 1000 || (i.complete && i.naturalWidth > 0); })"""


def _landed(landed: dict) -> bool:
    return (abs(landed["top"] - landed["margin"]) <= 3 or landed["end"] and landed["top"] > landed["margin"]) \
        and landed["top"] >= landed["header"]


def _land(context, url: str, anchor: str) -> dict:
    page = context.new_page()
    page.goto(f"{url}#{anchor}", wait_until="load")
    page.wait_for_function(LOADED, timeout=15000)
    page.wait_for_timeout(400)  # (Material's table of contents follows the scroll on the next frame)
    landed = page.evaluate(LANDING, anchor)
    page.close()
    return landed


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_link_to_a_section_lands_on_its_heading_with_the_toc_on_it(base_url, chromium, width, language):
    url = base_url + language + "experiments/"
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(url)
    sections = page.evaluate("[...document.querySelectorAll('article h2[id]')].map(h => h.id)")
    page.close()
    assert len(sections) >= 8
    wrong = []
    for section in sections:
        landed = _land(context, url, section)
        if not _landed(landed) or landed["active"] != f"#{section}":
            wrong.append((section, landed))
    context.close()
    assert not wrong, wrong


@pytest.mark.parametrize(("width", "language"), [(1280, ""), (375, "zh/")])
def test_a_link_to_a_figure_opens_its_tab_and_lands_on_it(base_url, chromium, width, language):
    url = base_url + language + "experiments/"
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(url)
    figures = page.evaluate("[...document.querySelectorAll('.tabbed-set > input[id^=\"fig-\"]')].map(i => i.id)")
    page.close()
    assert len(figures) >= 20
    wrong = []
    for figure in figures:
        landed = _land(context, url, figure)
        # (the target is the tab's radio input, at the top of its tab set, which must not hide under the header)
        if not _landed(landed) or not landed["checked"] or landed["set"] < landed["header"]:
            wrong.append((figure, landed))
    context.close()
    assert not wrong, wrong


# Every <text>/<tspan> of every figure shown, in CSS px: its font size (SVG units) × the image's
# width on the page / the SVG's viewBox width.
TEXT_SIZES = """async () => {
    const sizes = [];
    for (const img of document.querySelectorAll('article img')) {
        if (img.offsetParent === null || !img.src.includes('/figures/')) continue;  // (lazy: maybe not loaded yet)
        const svg = new DOMParser().parseFromString(await (await fetch(img.src)).text(), 'image/svg+xml');
        const scale = img.getBoundingClientRect().width / svg.documentElement.viewBox.baseVal.width;
        for (const text of svg.querySelectorAll('text, tspan')) {
            const size = /font-size: ([\\d.]+)px/.exec(text.getAttribute('style') || '');
            if (size && text.textContent.trim()) sizes.push([parseFloat(size[1]) * scale, img.src, text.textContent]);
        }
    }
    return sizes;
}"""
SMALLEST_TEXT = 9.0  # CSS px, the exponents of log-scale ticks included (the rest is 10/7 of theirs)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", LANGUAGES)
def test_figure_text_is_legible_on_a_phone_and_on_a_desktop(base_url, chromium, width, language):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(base_url + language + "experiments/", wait_until="load")
    labels = page.evaluate("[...new Set([...document.querySelectorAll('.tabbed-labels label')].map(l => l.innerText.trim()))]")
    page.evaluate("document.querySelectorAll('article img').forEach(img => { img.loading = 'eager'; })")
    sizes = []
    for label in labels:  # linked tabs: one click opens that kind of figure in every set
        page.locator(".tabbed-labels label", has_text=re.compile(f"^{re.escape(label)}$")).first.click()
        page.wait_for_function("[...document.querySelectorAll('article img')].filter(i => i.offsetParent !== null)"
                               ".every(i => i.complete && i.naturalWidth > 0)", timeout=15000)
        sizes += page.evaluate(TEXT_SIZES)
    context.close()
    assert len({src for _, src, _ in sizes}) >= 20
    small = sorted(s for s in sizes if s[0] < SMALLEST_TEXT)
    assert not small, f"{len(small)} of {len(sizes)} texts under {SMALLEST_TEXT} px, e.g. {small[:3]}"


# The label's box (as the browser draws it, with the page's fonts; all its lines) against every
# line drawn in the plot but its grid (the data curves and the marker line: clipped to the axes, at
# least 0.8 pt wide), in screen coordinates, the lines sampled along their segments.
LABEL_CLEAR = """() => {
    const lines = [...document.querySelectorAll('text')].filter(t => /sign\\(g\\)|= 18|第 18 步/.test(t.textContent));
    const boxes = lines.map(t => t.getBoundingClientRect());
    const label = {left: Math.min(...boxes.map(b => b.left)), right: Math.max(...boxes.map(b => b.right)),
                   top: Math.min(...boxes.map(b => b.top)), bottom: Math.max(...boxes.map(b => b.bottom))};
    const root = document.documentElement.getBoundingClientRect();
    const hits = [];
    const drawn = [...document.querySelectorAll('path[clip-path]')].filter(p => parseFloat(getComputedStyle(p).strokeWidth) >= 0.8);
    for (const path of drawn) {
        const matrix = path.getScreenCTM();
        const points = [...path.getAttribute('d').matchAll(/[ML] ([-\\d.e]+) ([-\\d.e]+)/g)]
            .map(m => new DOMPoint(+m[1], +m[2]).matrixTransform(matrix));
        const margin = parseFloat(getComputedStyle(path).strokeWidth) / 2 + 1;
        for (let i = 1; i < points.length; i++)
            for (let t = 0; t <= 1; t += 1 / 32) {
                const x = points[i - 1].x + t * (points[i].x - points[i - 1].x);
                const y = points[i - 1].y + t * (points[i].y - points[i - 1].y);
                if (x > label.left - margin && x < label.right + margin && y > label.top - margin && y < label.bottom + margin)
                    hits.push([path.parentNode.id, Math.round(x), Math.round(y)]);
            }
    }
    return {hits: hits.slice(0, 5), text: lines.map(t => t.textContent).join(' '), lines: drawn.length,
            inside: label.left >= root.left && label.right <= root.right && label.top >= root.top && label.bottom <= root.bottom};
}"""


@pytest.mark.parametrize("layout", ["", "-narrow"])
@pytest.mark.parametrize("language", ["", "-zh"])
def test_the_end_to_end_figures_label_covers_no_curve(base_url, chromium, layout, language):
    page = chromium.new_page()
    page.goto(f"{base_url}figures/end-to-end-loss-difference{layout}{language}.svg")
    clear = page.evaluate(LABEL_CLEAR)
    page.close()
    assert "18" in clear["text"] and clear["inside"] and clear["lines"] >= 3, clear
    assert not clear["hits"], clear
