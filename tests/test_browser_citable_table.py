"""A citable mapping table (issue 23, item 2), measured in Chromium.

- At 1280 px the answer columns get the width: the topic heads its row above the row's cells
  instead of taking a column, and no row is more than 9 lines tall.
- The column titles stay in view while the table scrolls (a sticky header below Material's), so a
  reader who follows a link to a row (`#row-…`) sees which column is which.
- The row's ¶ link does not cover the topic.
- Copyable values (code) never break inside a number, an identifier or `name=number`, on any page.
"""

from __future__ import annotations

import pytest

from browser import LINES_OF, page_paths

LANGUAGES = ["", "zh/"]



def _open(chromium, base_url, path, width=1280, scheme="light", **options):
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, **options)
    page = context.new_page()
    page.goto(base_url + path, wait_until="load")
    return context, page


# --- the answer columns get the width ------------------------------------------------------------

# Per row: the width of each cell, and the lines of its text (the row's ¶ and the evidence marks
# left out: they are small and raised, not lines of their own).
MEASURE = """() => { """ + LINES_OF + """
    const table = document.querySelector('.data-table table');
    const article = table.closest('article').getBoundingClientRect();
    const box = table.getBoundingClientRect();
    const lines = cell => {
        const rects = [], walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node; (node = walker.nextNode());) {
            if (node.parentElement.closest('.ev, .row-anchor')) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            rects.push(...range.getClientRects());
        }
        return linesOf(rects);
    };
    const rows = [...table.querySelectorAll('tbody tr')].map(tr => ({id: tr.id,
        cells: [...tr.querySelectorAll('td')].map(td => [td.getBoundingClientRect().width, lines(td)])}));
    return {table: box.width, left: box.left - article.left, right: article.right - box.right, rows};
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_answer_columns_get_the_width_at_1280(base_url, chromium, language):
    """The topic heads its row, the three answers share the width below it, the note of the last
    column runs across under them; no cell is over 9 lines (they were up to 28)."""
    context, page = _open(chromium, base_url, language + "rprop/")
    measured = page.evaluate(MEASURE)
    context.close()
    rows, table = measured["rows"], measured["table"]
    assert len(rows) > 10
    assert measured["left"] > -1 and measured["right"] > -1, measured  # within the text column
    for row in rows:
        (topic, _), *answers, (note, _) = row["cells"]
        assert topic > 0.95 * table and note > 0.95 * table, row
        assert len(answers) == 3 and sum(width for width, _ in answers) > 0.95 * table, row
        assert min(width for width, _ in answers) > 0.2 * table, row
    tallest = max(((lines, row["id"]) for row in rows for _, lines in row["cells"]))
    assert tallest[0] <= 9, tallest


# --- a cited row shows its column names ----------------------------------------------------------

HEADER_AND_ROW = """id => {
    const table = document.querySelector('.data-table table');
    const header = table.querySelector('thead').getBoundingClientRect();
    const bar = document.querySelector('.md-header').getBoundingClientRect();
    const row = document.getElementById(id);
    const shown = element => element.getBoundingClientRect().width > 1 && element.getBoundingClientRect().height > 1;
    const titles = [...table.querySelectorAll('thead th')].filter(shown);
    const cells = [...row.querySelectorAll('td')].slice(1);
    const th = titles[0];
    const point = document.elementFromPoint(th.getBoundingClientRect().left + 3, th.getBoundingClientRect().top + 3);
    const box = element => [Math.round(element.getBoundingClientRect().left), Math.round(element.getBoundingClientRect().right)];
    return {header: [header.top, header.bottom], bar: bar.bottom, row: row.getBoundingClientRect().top,
            titles: titles.map(box), cells: cells.slice(0, titles.length).map(box),
            // a cell without a title above it names its column itself
            named: cells.slice(titles.length).map(td => getComputedStyle(td, '::before').content.includes(td.dataset.label)),
            background: getComputedStyle(table.querySelector('thead')).backgroundColor, tableBackground: getComputedStyle(table).backgroundColor,
            hit: !!point && point.closest('thead') !== null, scroll: scrollY};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cited_row_shows_its_column_names(base_url, chromium, language, scheme):
    """Followed from a link (`#row-weight-decay`), and then scrolled to the last row, the table's
    column titles are in view right below Material's header bar, opaque, each above its column."""
    context, page = _open(chromium, base_url, language + "rprop/#row-weight-decay", scheme=scheme)
    page.wait_for_timeout(100)
    cited = page.evaluate(HEADER_AND_ROW, "row-weight-decay")
    last_row = page.evaluate("document.querySelector('.data-table tbody tr:last-child').id")
    page.evaluate("id => document.getElementById(id).scrollIntoView({block: 'end'})", last_row)
    last = page.evaluate(HEADER_AND_ROW, last_row)
    # every row's link: the row stops right below the titles
    hidden = page.evaluate("""async () => {
        const hidden = [];
        for (const row of document.querySelectorAll('.data-table tbody tr')) {
            location.hash = row.id;
            await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
            const header = document.querySelector('.data-table thead').getBoundingClientRect();
            const top = row.getBoundingClientRect().top;
            if (!row.matches(':target') || top < header.bottom - 1 || top > header.bottom + 40) hidden.push([row.id, top, header.bottom]);
        }
        return hidden;
    }""")
    context.close()
    assert hidden == []
    for state in (cited, last):
        assert state["scroll"] > 1000, state  # the page did scroll to the row
        top, bottom = state["header"]
        # the column titles sit right under Material's header bar, in view, and on top
        assert abs(top - state["bar"]) <= 1, state
        assert state["hit"], state
        # opaque, so that the rows scrolling under it do not show through
        assert state["background"] in (state["tableBackground"],) and state["background"] != "rgba(0, 0, 0, 0)", state
        # above each answer cell stands its column's title; the others name their column
        assert len(state["titles"]) >= 3 and state["titles"] == state["cells"], state
        assert all(state["named"]), state
    # the cited row starts below the titles, not hidden under them
    assert cited["header"][1] - 1 <= cited["row"] < cited["header"][1] + 40, cited


# --- the ¶ does not cover the topic --------------------------------------------------------------

ANCHOR_OVERLAPS = """() => [...document.querySelectorAll('.data-table tbody td:first-child')].flatMap(td => {
    const anchor = td.querySelector('.row-anchor').getBoundingClientRect();
    const rects = [];
    const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
        if (node.parentElement.closest('.row-anchor') || !node.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        rects.push(...[...range.getClientRects()].filter(r => r.width > 0));
    }
    const overlaps = r => r.left < anchor.right - 0.5 && r.right > anchor.left + 0.5 &&
                          r.top < anchor.bottom - 0.5 && r.bottom > anchor.top + 0.5;
    return rects.some(overlaps) ? [td.closest('tr').id] : [];
})"""


@pytest.mark.parametrize("width, touch", [(1280, False), (768, True), (375, True)])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_row_link_does_not_cover_the_topic(base_url, chromium, language, width, touch):
    options = {"has_touch": True, "is_mobile": True} if touch else {}
    context, page = _open(chromium, base_url, language + "rprop/", width=width, **options)
    overlapping = page.evaluate(ANCHOR_OVERLAPS)
    context.close()
    assert overlapping == []


# --- code never breaks inside a number or an identifier ------------------------------------------

# Every `code` element of the page (inline and blocks): each number (`0.01`, `1e-6`, `-1.0`), each
# identifier and each `name=number` lies on one line, unless it is wider than its whole line
# (nothing could keep it on one line then; such a token is reported apart).
CODE_BREAKS = """() => { """ + LINES_OF + """
    const broken = [], tooWide = [];
    const tokens = /(?<![\\w.)\\]])[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?(?![\\w.])|[A-Za-z_]\\w*(?:=[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?(?![\\w.]))?/g;
    for (const code of document.querySelectorAll('article code')) {
        if (!code.getClientRects().length) continue;
        let block = code;
        while (getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
        const style = getComputedStyle(block);
        const available = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        // the text of the element, across its child nodes (<span>s of highlighted code, <wbr>s)
        const nodes = [], walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        let text = '';
        for (let node; (node = walker.nextNode());) { nodes.push([node, text.length]); text += node.textContent; }
        const at = index => {
            let i = nodes.length - 1;
            while (i > 0 && nodes[i][1] > index) i--;
            return [nodes[i][0], index - nodes[i][1]];
        };
        for (const m of text.matchAll(tokens)) {
            if (m[0].length < 2) continue;
            const range = document.createRange();
            range.setStart(...at(m.index));
            const end = at(m.index + m[0].length - 1);
            range.setEnd(end[0], end[1] + 1);
            const rects = [...range.getClientRects()].filter(r => r.width > 0);
            if (linesOf(rects) < 2) continue;
            const width = rects.reduce((sum, r) => sum + r.width, 0);
            (width > available - 2 ? tooWide : broken).push(m[0]);
        }
    }
    return {broken, tooWide};
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_code_never_breaks_inside_a_number_or_identifier(site, base_url, chromium, language):
    """At a desktop's, a tablet's and a phone's width (code blocks wrap from 720 px up)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    broken, too_wide, pages = {}, {}, 0
    for path in page_paths(site):
        if path.startswith("zh/") != bool(language):
            continue
        page = context.new_page()
        page.goto(base_url + path, wait_until="load")
        pages += 1
        for width in (1280, 768, 375):
            page.set_viewport_size({"width": width, "height": 900})
            found = page.evaluate(CODE_BREAKS)
            if found["broken"]:
                broken[f"{path} at {width} px"] = sorted(set(found["broken"]))
            if found["tooWide"]:
                too_wide[f"{path} at {width} px"] = sorted(set(found["tooWide"]))
        page.close()
    context.close()
    assert pages > 5
    assert broken == {}
    # only identifiers longer than a phone's line may break (in the API page's names)
    assert all(len(token) > 30 for tokens in too_wide.values() for token in tokens), too_wide
