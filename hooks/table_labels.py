"""Label every data cell of a page's tables with its column's title (`data-label`), so that on a
phone, where a table with several columns cannot fit, assets/site.css can lay each row out as a
card whose cells name their column.

Generic: it only reads the HTML of tables that have a header row (`<thead>`); the cells of other
tables, and cells that already carry a label, are left alone.
"""

from __future__ import annotations

import html
import itertools
import re

_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
_BODY = re.compile(r"<tbody>(.*?)</tbody>", re.S)
_HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
_CELL_START = re.compile(r"<td\b([^>]*)>")


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


def _label_table(table: re.Match) -> str:
    text = table.group(0)
    head, body = _HEAD.search(text), _BODY.search(text)
    if not head or not body or text.count("<table") > 1:
        return text
    labels = [_text(cell) for cell in _HEADER_CELL.findall(head.group(1))]
    return text[:body.start(1)] + _label_rows(body.group(1), labels) + text[body.end(1):]


def on_page_content(html_text: str, **_) -> str:
    return _TABLE.sub(_label_table, html_text)
