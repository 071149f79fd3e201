"""Insert build data into pages: `[[value:FILE.KEY]]` and `[[table:FILE]]` placeholders.

- `[[value:e2e.first_opposite_sign.step]]` is replaced by that entry of `data/e2e.json`
  (dots walk into nested objects; `[[value:e2e.x:.2e]]` applies a format spec). Numbers in
  prose come from here, never typed by hand.
- `[[notes:rprop-mapping.upstream]]` lists, for every row that has an `upstream` cell, a link
  to the row followed by that cell.
- `[[root]]` is the relative path from the page to the site root (for raw HTML such as a
  page's own `import("[[root]]assets/…")` in a `<script>`, which MkDocs does not rewrite).
- `[[table:rprop-mapping]]` renders `data/rprop-mapping.yml` as a table in the page's
  language: the file lists `columns` and `rows`; a cell is either one string for every
  language or a `{en: ..., zh: ...}` mapping; each row's `id` becomes its anchor (`#row-ID`),
  identical in every language so that a link to a row survives a language switch.
- A cell (or note) whose key the file lists under `claims` is a claim: it is followed by
  `[[claim:ROW.KEY]]`, which hooks/claims.py turns into a link to the test that proves it.

Placeholders that name a missing file or key fail the build. Nothing here knows about Rprop.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

import markdown
import yaml

DATA = Path(__file__).resolve().parent.parent / "data"
_PLACEHOLDER = re.compile(r'\[\[(value|table|notes):((?:[\w.-]|"[^"]+")+)(?::([^\]]+))?\]\]')


def load(name: str, build_data: dict | None = None):
    """Build data published by another hook (`config.extra.build_data[NAME]`), else
    `data/NAME.json` or `data/NAME.yml`, parsed (cached until the file changes)."""
    if build_data and name in build_data:
        return build_data[name]
    for path in (DATA / f"{name}.json", DATA / f"{name}.yml"):
        if path.exists():
            return _parse(path, path.stat().st_mtime_ns)
    raise KeyError(f"no data file data/{name}.json or data/{name}.yml")


@lru_cache(maxsize=None)
def _parse(path: Path, _mtime: int):
    content = path.read_text(encoding="utf-8")
    return json.loads(content) if path.suffix == ".json" else yaml.safe_load(content)


def value(path: str, spec: str | None = None, build_data: dict | None = None) -> str:
    name, *keys = _split(path)
    item = load(name, build_data)
    for key in keys:
        item = item[int(key)] if isinstance(item, list) else item[key]
    return format(item, spec) if spec else str(item)


def text(cell, locale: str) -> str:
    """A cell in the page's language (English when a translation is missing would hide a gap,
    so a mapping without this locale fails)."""
    return cell[locale] if isinstance(cell, dict) else str(cell)


# In a table cell, code may break after the dot of a dotted name (`a.b.c`), an opening bracket or
# an `=` before a name or number, never inside an identifier or a number (assets/site.css).
_CODE_BREAK = re.compile(r"(?<=[\w)\]])\.(?=[A-Za-z_])|(?<=[\w])[(=](?=[\w\"'(\[-])")


def _code_break_points(rendered: str) -> str:
    return re.sub(r"<code>(.*?)</code>",
                  lambda m: f"<code>{_CODE_BREAK.sub(lambda c: c.group(0) + '<wbr>', m.group(1))}</code>", rendered)


_HAN = re.compile(r"[\u4e00-\u9fff]")
_LONG_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{7,}")  # shorter runs fit any column whole


def _break_between_words(rendered: str) -> str:
    """Chinese text with a <wbr> between the words (jieba's segmentation, the one Material's
    search uses) of each run of over six characters: the table's cells set `word-break:
    keep-all`, so that lines break there and at punctuation, never inside a word. (Only long runs:
    every <wbr> adds to the page's weight.)"""
    import jieba  # only for pages with Chinese table cells

    def words(run: re.Match) -> str:
        return "<wbr>".join(jieba.cut(run.group(0)))

    parts = re.split(r"(<code>.*?</code>|<[^>]+>)", rendered)
    parts[::2] = [_LONG_HAN_RUN.sub(words, part) for part in parts[::2]]
    return "".join(parts)


def _inline(md_text: str) -> str:
    rendered = markdown.markdown(md_text, extensions=["attr_list"])
    rendered = _code_break_points(rendered)
    if _HAN.search(rendered):
        rendered = _break_between_words(rendered)
    return re.sub(r"^<p>(.*)</p>$", r"\1", rendered.strip(), flags=re.S).replace("\n", " ")


def table(name: str, locale: str) -> str:
    data = load(name)
    columns = data["columns"]
    titles = [_inline(text(c["title"], locale)) for c in columns]
    head = "".join(f"<th>{title}</th>" for title in titles)
    body = []
    for row in data["rows"]:
        cells = []
        for i, (column, title) in enumerate(zip(columns, titles)):
            content = _inline(text(row.get(column["key"], "—"), locale))
            if column["key"] in data.get("claims", {}) and column["key"] in row:
                content += f' [[claim:{row["id"]}.{column["key"]}]]'
            if i == 0:
                content = (f'<a class="row-anchor headerlink" href="#row-{row["id"]}" '
                           f'title="#row-{row["id"]}">¶</a>{content}')
            # data-label: the column title, shown beside each cell when a narrow screen
            # lays the rows out as cards (assets/site.css)
            label = html.escape(re.sub(r"<[^>]+>", "", title), quote=True)
            cells.append(f'<td data-label="{label}">{content}</td>')
        # data-search-entry: the row is a search result of its own (hooks/search.py)
        body.append(f'<tr id="row-{row["id"]}" data-search-entry="row">{"".join(cells)}</tr>')
    # The table has a class, so Material's script leaves it alone: it would otherwise detach every
    # unclassed table and re-insert it inside a scroll wrapper while the page loads, which restyles
    # and re-lays out this large table (issue 6: most of the page's blocking time). The wrapper
    # div scrolls instead, and assets/site.css styles the table itself.
    return (f'<div class="data-table" markdown="0"><table class="mapping">\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n" + "\n".join(body) + "\n</tbody></table></div>")


def notes(target: str, locale: str) -> str:
    name, key = target.rsplit(".", 1)
    data = load(name)
    colon = "：" if locale == "zh" else ": "  # Chinese text takes the full-width colon
    claim = key in data.get("claims", {})
    return "\n".join(f"- [{text(row['topic'], locale)}](#row-{row['id']}){colon}{text(row[key], locale)}"
                     + (f" [[claim:{row['id']}.{key}]]" if claim else "")
                     for row in data["rows"] if key in row)


def _split(path: str) -> list[str]:
    """`a.b.c`, where a key that itself holds dots or spaces is written in quotes: `a."x y".c`."""
    return [a or b for a, b in re.findall(r'"([^"]+)"|([^.]+)', path)]


def on_page_markdown(markdown_text: str, page, config, **_) -> str:
    locale = getattr(page.file, "locale", None) or "en"
    build_data = config.extra.get("build_data", {})

    def replace(match: re.Match) -> str:
        kind, target, spec = match.groups()
        if kind == "value":
            return value(target, spec, build_data)
        block = notes(target, locale) if kind == "notes" else table(target, locale)
        # continuation lines keep the placeholder's indentation (e.g. inside an admonition)
        line_start = markdown_text.rfind("\n", 0, match.start()) + 1
        indent = re.match(r"[ \t]*", markdown_text[line_start:match.start()]).group()
        return block.replace("\n", "\n" + indent)

    root = "../" * page.url.count("/")
    return _PLACEHOLDER.sub(replace, markdown_text).replace("[[root]]", root)
