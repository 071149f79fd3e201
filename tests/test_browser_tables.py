"""Tables (issue 14, speed): Material's script moves no table while a page loads, and the tables
hooks/tables.py wraps at build time look exactly like the ones Material's script would have wrapped.

Material's script detaches every unclassed table at load and re-inserts it inside a scroll
wrapper; that re-layout was most of the API page's blocking time. hooks/tables.py writes the
wrapper at build time and gives the table a class the script skips; assets/site.css restates
Material's table style for that class."""

from __future__ import annotations

import pytest

from browser import page_paths

# Installed before any of the page's scripts: every table taken out of the document while the page
# loads (Material's wrapper first replaces the table with a placeholder, then puts it back inside
# the wrapper).
RECORD_MOVED_TABLES = """window.__movedTables = [];
new MutationObserver(records => { for (const r of records) for (const node of r.removedNodes)
    if (node.nodeType === 1 && (node.matches('table') || node.querySelector('table')))
        window.__movedTables.push((node.querySelector('th, td') || node).textContent.trim().slice(0, 30)); })
    .observe(document, {childList: true, subtree: true});"""


@pytest.mark.parametrize("width", [1280, 375])
def test_no_table_is_moved_while_a_page_loads(site, base_url, chromium, width):
    context = chromium.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(RECORD_MOVED_TABLES)
    moved, tables = {}, 0
    for path in page_paths(site):
        page = context.new_page()
        page.goto(base_url + path, wait_until="load")
        page.wait_for_timeout(300)  # Material's script also works after the load event
        tables += page.locator("article table").count()
        if page.evaluate("window.__movedTables.length"):
            moved[path] = page.evaluate("window.__movedTables")
        page.close()
    context.close()
    assert tables > 10
    assert moved == {}


# Every property Material's table style sets, on the table and its cells.
PROPERTIES = ["display", "font-size", "background-color", "border-top", "border-right", "border-bottom",
              "border-left", "border-radius", "border-spacing", "border-collapse", "width", "margin-top",
              "margin-bottom", "padding-top", "padding-right", "padding-bottom", "padding-left",
              "vertical-align", "text-align", "font-weight", "min-width", "transition", "word-break",
              "touch-action", "overflow", "max-width"]

# Beside the first wrapped table of the page, Material's own unclassed table (the same table, its
# class removed, in a wrapper of its own); the computed style of each part of the two, side by side.
COMPARE = """properties => {
    const ours = document.querySelector('article table.site-table');
    const wrapper = ours.closest('.md-typeset__scrollwrap');
    const copy = wrapper.cloneNode(true);
    copy.querySelector('table').removeAttribute('class');
    wrapper.after(copy);
    const theirs = copy.querySelector('table');
    const parts = ['', 'th', 'td', 'tbody tr', 'td a', 'td > :first-child', 'td > :last-child'];
    const style = (table, part) => {
        const element = part ? table.querySelector(part) : table;
        if (!element) return null;
        const computed = getComputedStyle(element);
        return Object.fromEntries(properties.map(p => [p, computed.getPropertyValue(p)]));
    };
    return parts.map(part => [part || 'table', style(ours, part), style(theirs, part)]);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["reference/", "zh/port/"])
def test_wrapped_tables_look_like_materials_tables(base_url, chromium, scheme, path):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + path, wait_until="load")
    compared = page.evaluate(COMPARE, PROPERTIES)
    context.close()
    missing = [part for part, ours, _ in compared if ours is None]
    assert set(missing) <= {"td a"}  # a table without links
    for part, ours, theirs in compared:
        assert ours == theirs, part
