"""Formulas in a real browser (issue 23): the cases brace and parentheses around tall content
stretch, operator names and `\\mathrm{…}` words are one upright word, display formulas in the
site's own math font, readable in both colour schemes. (Chromium stretches a delimiter only in a font with an
OpenType MATH table; Debian's Chromium, like many readers' systems, has none for `math`.)"""

from __future__ import annotations

import pytest

from sitebuild import load_hook


def _open(chromium, url: str, scheme: str = "light"):
    """The page with its display formulas shown: each is laid out (and the math font fetched) only
    when it nears the viewport (docs/assets/site.css)."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page.goto(url, wait_until="load")
    _show_formulas(page)
    return page


def _show_formulas(page):
    for block in page.locator("article .math-block").all():
        block.scroll_into_view_if_needed()
    page.evaluate("document.fonts.ready.then(() => new Promise(requestAnimationFrame))")


CASES = """() => [...document.querySelectorAll('article mo')].filter(o => o.textContent === '{'
        && o.nextElementSibling && o.nextElementSibling.tagName === 'mtable').map(brace => {
    const rows = [...brace.nextElementSibling.children].map(row => row.getBoundingClientRect().height);
    return {brace: brace.getBoundingClientRect().height, rows};
})"""


@pytest.mark.parametrize("language", ["", "zh/"])
def test_the_cases_brace_is_as_tall_as_its_rows(base_url, chromium, language):
    page = _open(chromium, f"{base_url}{language}rprop/")
    braces = page.evaluate(CASES)
    page.close()
    assert braces
    for found in braces:
        assert len(found["rows"]) >= 2 and found["brace"] >= sum(found["rows"][:2]), found


TALL = [r"\left(\frac{a}{b}\right)", r"(\frac{a}{b})", r"\left[\begin{matrix} 1 & 2 \\ 3 & 4 \end{matrix}\right]"]
MEASURE = """() => [...document.querySelectorAll('#probe math')].map(math => {
    const fences = [...math.querySelectorAll('mo')].filter(o => '()[]'.includes(o.textContent) && o.textContent);
    const content = math.querySelector('mfrac, mtable');
    return {alt: math.getAttribute('alttext'), fences: fences.map(o => o.getBoundingClientRect().height),
            content: content.getBoundingClientRect().height};
})"""


def test_parentheses_around_tall_content_stretch(base_url, chromium):
    """A fraction or a matrix between parentheses, `\\left(` or plain, written by the hook into a page
    of the site (its stylesheet and font): each delimiter is at least as tall as what it encloses,
    more than a plain letter; the `\\min(\\max(…))` ones of the algorithm are not shorter than a letter."""
    polished = "".join(f'<div class="math-block">{load_hook("math").mathml(tex, "block")}</div>' for tex in TALL)
    page = _open(chromium, f"{base_url}rprop/")
    page.evaluate("html => { const probe = document.createElement('div'); probe.id = 'probe'; probe.innerHTML = html;"
                  " document.querySelector('article').prepend(probe); }", polished)
    _show_formulas(page)
    measured = page.evaluate(MEASURE)
    letter = page.evaluate("() => { const m = [...document.querySelectorAll('article mi')].find(e => e.textContent === 'f');"
                           " return m.getBoundingClientRect().height; }")
    algorithm = page.evaluate("() => [...document.querySelectorAll('article .math-block:not(#probe *) mo')]"
                              ".filter(o => '()'.includes(o.textContent) && o.textContent)"
                              ".map(o => o.getBoundingClientRect().height)")
    page.close()
    assert len(measured) == len(TALL)
    for formula in measured:
        assert len(formula["fences"]) == 2, formula
        assert all(height >= 0.95 * formula["content"] and height > 1.5 * letter for height in formula["fences"]), (formula, letter)
    assert algorithm and all(height >= letter for height in algorithm), (algorithm, letter)


NAMES = """words => words.map(word => {
    const whole = [...document.querySelectorAll('article mi, article mo')].filter(e => e.textContent === word);
    // a word spelled as letters: a script whose text is the word, in more than one token
    const spelled = [...document.querySelectorAll('article msub > :nth-child(2), article msup > :nth-child(2)')]
        .filter(e => e.textContent === word && e.querySelectorAll('mi, mo').length > 1).length;
    return {word, spelled, whole: whole.map(e => ({tag: e.tagName, variant: e.getAttribute('mathvariant'),
                                                   style: getComputedStyle(e).fontStyle}))};
})"""


@pytest.mark.parametrize("language", ["", "zh/"])
def test_prev_min_and_max_are_each_one_upright_word(base_url, chromium, language):
    page = _open(chromium, f"{base_url}{language}rprop/")
    found = page.evaluate(NAMES, ["prev", "min", "max"])
    page.close()
    for name in found:
        assert name["whole"] and not name["spelled"], name
        assert all(e["tag"] == "mi" and e["variant"] == "normal" and e["style"] == "normal" for e in name["whole"]), name


FONT_AND_COLOUR = """() => {
    const math = document.querySelector('article .math-block math');
    const paragraph = math.closest('article').querySelector('p');
    const face = [...document.fonts].find(f => f.family.replace(/"/g, '') === 'Site Math');
    return {status: face && face.status, family: getComputedStyle(math).fontFamily,
            math: getComputedStyle(math).color, text: getComputedStyle(paragraph).color};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_formulas_are_drawn_in_the_sites_math_font_in_the_texts_colour(base_url, chromium, scheme):
    page = _open(chromium, f"{base_url}rprop/", scheme)
    state = page.evaluate(FONT_AND_COLOUR)
    page.close()
    assert state["status"] == "loaded" and state["family"].startswith('"Site Math"'), state
    assert state["math"] == state["text"], state
