"""Insert build data into pages: `[[value:FILE.KEY]]` and `[[table:FILE]]` placeholders.

- `[[value:e2e.first_opposite_sign.step]]` is replaced by that entry of `data/e2e.json`
  (dots walk into nested objects; `[[value:e2e.x:.2e]]` applies a format spec). Numbers in
  prose come from here, never typed by hand.
- `[[notes:rprop-mapping.upstream]]` lists, for every row that has an `upstream` cell, a link
  to the row followed by that cell.
- `[[include:NAME]]` is replaced by `overrides/includes/NAME.LOCALE.html` (a block several pages
  share, such as a form; it may hold placeholders and claims of its own).
- `[[rows:rprop-mapping]]` lists a link to every row of that table, on the page that shows it
  (`[TOPIC](PAGE.md#row-ID){ data-row="ID" }`); `[[rows:rprop-mapping:lr,etas]]` hides all but
  those (a script may show others).
- `[[root]]` is the relative path from the page to the site root (for raw HTML such as a
  page's own `import("[[root]]assets/…")` in a `<script>`, which MkDocs does not rewrite).
- `[[table:rprop-mapping]]` renders `data/rprop-mapping.yml` as a table in the page's
  language: the file lists `columns` and `rows`; a cell is either one string for every
  language or a `{en: ..., zh: ...}` mapping; each row's `id` becomes its anchor (`#row-ID`),
  identical in every language so that a link to a row survives a language switch.
- A cell (or note) whose key the file lists under `claims` is a claim: it is followed by
  `[[claim:ROW.KEY]]`, which hooks/claims.py turns into a link to the test that proves it.
- Every `<code>` of every page (`on_page_content`) may break only where this file chose: inside a
  long run of code at the boundaries of names, never inside a name or a number (issue 23, see
  `_code_break_points`).

Placeholders that name a missing file or key fail the build. Nothing here knows about Rprop.
"""

from __future__ import annotations

import bisect
import html
import itertools
import json
import re
from functools import lru_cache
from pathlib import Path

import markdown
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA, DOCS, INCLUDES = ROOT / "data", ROOT / "docs", ROOT / "overrides" / "includes"
_INCLUDE = re.compile(r"\[\[include:([\w-]+)\]\]")
_PLACEHOLDER = re.compile(r'\[\[(value|table|notes|rows):((?:[\w.-]|"[^"]+")+)(?::([^\]]+))?\]\]')


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


# Copyable code never breaks inside a number or an identifier (issue 23), on every page: a reader
# copies what is shown. Browsers break code only at spaces and, unasked, after the sign of an
# exponent (`1e-` / `6`); assets/site.css lets them break inside a word only when it is wider than
# a whole line. So an exponent is wrapped in a span that does not wrap (`nowrap`), and a run of
# code without spaces longer than a narrow line gets break opportunities (<wbr>) at chosen
# boundaries: after the dot of a dotted name, after `::`, `/`, an opening bracket, or a comma.
# Never after `=`: `learning_rate=0.01` stays whole. "Narrow": over 24 characters in inline code
# (a table column's line); in a code block (wrapped from tablet width up, ~75 characters a line),
# over 40 characters on a line of over 70 (every <wbr> adds to the page's weight).
_CODE = re.compile(r"(<code\b[^>]*>)(.*?)(</code>)", re.S)
_PRE = re.compile(r"<(/?)pre\b")
_RAW = re.compile(r"(<(script|style|textarea)\b.*?</\2>)", re.S)
_EXPONENT = re.compile(r"(?<![\w.])\d+(?:\.\d*)?[eE][-+]\d+(?![\w.])")
_RUN = re.compile(r"[^\s\u200b]+")
_BREAK_AFTER = re.compile(r"(?<=[\w)\]])\.(?=[A-Za-z_])|::(?=\w)|(?<=\w)/(?=\w)|[(\[](?=[\w\"'(\[-])|,(?=[^\s,])")
LONG_RUN = {"inline": (24, 0), "block": (40, 70)}  # (run, line) lengths
_WBR = "\u200b"  # a <wbr> already there, in the text that runs are found in
_NOWRAP = '<span class="nowrap">'


def _code_content(inner: str, longest: tuple[int, int]) -> str:
    parts = re.split(r"(<[^>]+>)", inner)
    texts = [html.unescape(part) if i % 2 == 0 else (_WBR if re.match(r"<wbr\b", part, re.I) else "")
             for i, part in enumerate(parts)]
    starts = list(itertools.accumulate((len(t) for t in texts), initial=0))
    plain = "".join(texts)
    inserts: dict[int, list[tuple[int, str]]] = {}   # text part -> (offset, markup)

    def insert(position: int, markup: str, after: bool) -> None:
        # the text part that holds the character before (after=True) or at the position
        index = bisect.bisect_right(starts, position - 1 if after else position) - 1
        if index % 2 == 0:
            inserts.setdefault(index, []).append((position - starts[index], markup))

    run_length, line_length = longest
    for run in _RUN.finditer(plain):
        line_start, line_end = plain.rfind("\n", 0, run.start()) + 1, plain.find("\n", run.end())
        line = (line_end if line_end >= 0 else len(plain)) - line_start
        if len(run.group()) > run_length and line > line_length:
            for point in _BREAK_AFTER.finditer(run.group()):
                insert(run.start() + point.end(), "<wbr>", after=True)
    for number in _EXPONENT.finditer(plain):
        first = bisect.bisect_right(starts, number.start()) - 1
        # within one text part, not yet wrapped (a page's HTML may come through twice)
        if first % 2 == 0 and number.end() <= starts[first + 1] and parts[first - 1:first] != [_NOWRAP]:
            insert(number.start(), _NOWRAP, after=False)
            insert(number.end(), "</span>", after=True)
    for index, marks in inserts.items():
        text, pieces, last = texts[index], [], 0
        for offset, markup in sorted(marks, key=lambda mark: (mark[0], mark[1] != "</span>")):
            pieces += [html.escape(text[last:offset], quote=False), markup]
            last = offset
        parts[index] = "".join(pieces) + html.escape(text[last:], quote=False)
    return "".join(parts)


def _code_break_points(rendered: str) -> str:
    """Every `<code>` of a page's HTML (outside scripts, styles and text areas) with its break
    opportunities and unbreakable numbers; a code block's (in `<pre>`) with its longer runs only."""
    pieces = _RAW.split(rendered)   # [html, raw element, its tag name, html, ...]
    for i in range(0, len(pieces), 3):
        pre_tags = [(m.start(), not m.group(1)) for m in _PRE.finditer(pieces[i])]  # (where, opens)

        def code(match: re.Match, pre_tags=pre_tags) -> str:
            opening, inner, closing = match.groups()
            last = bisect.bisect_left(pre_tags, (match.start(),)) - 1
            in_block = last >= 0 and pre_tags[last][1]
            return opening + _code_content(inner, LONG_RUN["block" if in_block else "inline"]) + closing

        pieces[i] = _CODE.sub(code, pieces[i])
    return "".join(piece for i, piece in enumerate(pieces) if i % 3 != 2)


def on_page_content(html_text: str, **_) -> str:
    return _code_break_points(html_text)


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
    # div takes the place of Material's, and assets/site.css styles the table itself (from tablet
    # width up, rows laid out for their answers under column titles that stay in view).
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


def table_page(name: str) -> str:
    """The page (`rprop.md`, without its language) whose text renders the table `name`."""
    return _table_page(name, tuple((p.name, p.stat().st_mtime_ns) for p in sorted(DOCS.glob("*.md"))))


@lru_cache(maxsize=8)   # read the pages again only when one changed (every page that links rows asks)
def _table_page(name: str, _pages: tuple) -> str:
    pages = sorted({re.sub(r"\.\w+\.md$", ".md", p.name) for p in DOCS.glob("*.md")
                    if f"[[table:{name}]]" in p.read_text(encoding="utf-8")})
    if len(pages) != 1:
        raise ValueError(f"[[rows:{name}]]: the table must be on exactly one page, found {pages}")
    return pages[0]


def rows(name: str, locale: str, shown: str | None = None) -> str:
    page, ids = table_page(name), None if shown is None else shown.split(",")
    return " ".join(f'[{text(row["topic"], locale)}]({page}#row-{row["id"]}){{ data-row="{row["id"]}"'
                    + ("" if ids is None or row["id"] in ids else ' hidden=""') + " }"
                    for row in load(name)["rows"])


def include(name: str, locale: str) -> str:
    path = INCLUDES / f"{name}.{locale}.html"
    return (path if path.exists() else INCLUDES / f"{name}.en.html").read_text(encoding="utf-8").strip()


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
        block = rows(target, locale, spec) if kind == "rows" else {"notes": notes, "table": table}[kind](target, locale)
        # continuation lines keep the placeholder's indentation (e.g. inside an admonition)
        line_start = markdown_text.rfind("\n", 0, match.start()) + 1
        indent = re.match(r"[ \t]*", markdown_text[line_start:match.start()]).group()
        return block.replace("\n", "\n" + indent)

    root = "../" * page.url.count("/")
    markdown_text = _INCLUDE.sub(lambda m: include(m.group(1), locale), markdown_text)
    return _PLACEHOLDER.sub(replace, markdown_text).replace("[[root]]", root)
