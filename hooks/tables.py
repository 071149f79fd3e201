"""Tables in page content: wrap them as Material's script would, and label their cells for phones.

1. Material's script detaches every table without a class (`table:not([class])`) while the page
   loads and re-inserts it inside two wrapper divs (a sideways scroller). Re-inserting a table
   restyles and re-lays it out, and that is most of a long page's main-thread blocking time
   (issue 14: the API page's total blocking time fell from about 280 ms to about 50 ms in
   Lighthouse's mobile run once its six tables were wrapped here). So every such table is written
   inside those same wrappers at build time and gets the class `site-table`, which Material's
   script skips; assets/site.css gives `site-table` the look Material gives an unclassed table.
2. Every data cell of a table with a header row gets its column's title (`data-label`), so that on
   a phone, where a table with several columns cannot fit, assets/site.css lays each row out as a
   card whose cells name their column; such a table also gets the class `cards`.

Generic: it reads only the HTML of tables. Tables that already have a class (they are styled by
whoever wrote them), tables inside another table, and cells that already carry a label are left
alone.
"""

from __future__ import annotations

import html
import itertools
import re

_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.S)
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
_BODY = re.compile(r"<tbody>(.*?)</tbody>", re.S)
_HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
_CELL_START = re.compile(r"<td\b([^>]*)>")
_CLASS = re.compile(r"\sclass\s*=")
WRAPPER = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">{}</div></div>'


def _text(cell_html: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell_html)).split())


def _label_rows(body: str, labels: list[str]) -> str:
    def label_row(row: re.Match) -> str:
        column = itertools.count()

        def label_cell(cell: re.Match) -> str:
            index = next(column)
            if "data-label=" in cell.group(1) or index >= len(labels):
                return cell.group(0)
            return f'<td data-label="{html.escape(labels[index], quote=True)}"{cell.group(1)}>'

        return _CELL_START.sub(label_cell, row.group(0))

    return _ROW.sub(label_row, body)


def _table(table: re.Match) -> str:
    attributes, inner = table.groups()
    if "<table" in inner:
        return table.group(0)
    head, body = _HEAD.search(inner), _BODY.search(inner)
    labelled = bool(head and body)
    if labelled:
        labels = [_text(cell) for cell in _HEADER_CELL.findall(head.group(1))]
        inner = inner[:body.start(1)] + _label_rows(body.group(1), labels) + inner[body.end(1):]
    if _CLASS.search(attributes):
        return f"<table{attributes}>{inner}</table>"
    classes = "site-table cards" if labelled else "site-table"
    return WRAPPER.format(f'<table class="{classes}"{attributes}>{inner}</table>')


def on_page_content(html_text: str, **_) -> str:
    return _TABLE.sub(_table, html_text)
