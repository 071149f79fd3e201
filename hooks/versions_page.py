"""The Versions page's blocks, from what `make matrix` recorded (data/versions.json) and the notes
(data/version-notes.yml); the data and the words come from hooks/versions.py.

- `[[versions:yours]]`: per release, what differs from the pages and what to do, in sentences.
- `[[versions:differences]]`: every note, with the versions it covers and the claims it qualifies.
- `[[versions:matrix]]`: claims × versions (columns with identical verdicts merged), the claims
  grouped by where they are made: a data table's rows, then each page; each labelled by its
  sentence (or its row and column).
- `[[versions:columns]]`: the environments, with the exact versions they had installed.
- `[[versions:sourced]]`: the claims that rest on a cited source, which no column checks.

Nothing here knows about Rprop.
"""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

import yaml


def _versions():
    """hooks/versions.py (MkDocs loads hooks by path; they are not a package)."""
    spec = importlib.util.spec_from_file_location("versions_data", Path(__file__).with_name("versions.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_v = _versions()
DATA, DOCS, WORDS, SYMBOL = _v.DATA, _v.DOCS, _v.WORDS, _v.SYMBOL
matrix, notes, name, span, _inline = _v.matrix, _v.notes, _v.name, _v.span, _v._inline
column_groups, columns_label, notes_for, _json, _yaml, _mtime = (
    _v.column_groups, _v.columns_label, _v.notes_for, _v._json, _v._yaml, _v._mtime)
_MARKER, _CLAIM = _v._MARKER, _v._CLAIM


def on_page_markdown(markdown_text: str, page, config, **_) -> str:
    locale = getattr(page.file, "locale", None) or "en"
    root = "../" * page.url.count("/")
    blocks = {"differences": differences, "matrix": table, "columns": environments,
              "sourced": sourced, "yours": yours}
    return _MARKER.sub(lambda m: blocks[m.group(1)](locale, root) if m.group(1) in blocks else m.group(0),
                       markdown_text)


def _text(cell, locale: str) -> str:
    return cell[locale] if isinstance(cell, dict) else str(cell)


def _page_url(stem: str) -> str:
    return "" if stem == "index" else f"{stem}/"


def _value(path: str, spec: str | None = None) -> str:
    """`[[value:FILE.KEY…]]` as hooks/site_data.py fills it (data/FILE.json or .yml), else "…"."""
    name, *keys = [a or b for a, b in re.findall(r'"([^"]+)"|([^.]+)', path)]  # a quoted key may hold dots
    for data_file in (DATA / f"{name}.json", DATA / f"{name}.yml"):
        if data_file.exists():
            item = _json(data_file, _mtime(data_file)) if data_file.suffix == ".json" else _yaml(data_file, _mtime(data_file))
            try:
                for key in keys:
                    item = item[int(key)] if isinstance(item, list) else item[key]
            except (KeyError, IndexError, ValueError, TypeError):
                return "…"
            return (format(item, spec) if spec else str(item)) if isinstance(item, (str, int, float)) else "…"
    return "…"


_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z`*\[(“])|[。！？；]|\n\s*\n|\n\s*(?:[-*]|\d+\.) |\n#+ |\n\s*!!!.*\n")


def _sentence(source: str, claim_id: str) -> str:
    """The sentence a prose claim ends, as plain text: back from its marker to the end of the
    previous sentence (a line break inside a paragraph is not one), placeholders and markup out."""
    at = source.index(f"[[claim:{claim_id}]]")
    line = source[source.rfind("\n", 0, at) + 1:at]
    if line.lstrip().startswith("|"):  # a claim in a Markdown table's row: that row's cells
        source = " · ".join(c.strip() for c in line.split("|") if c.strip())
        at = len(source)
    before = re.sub(r'\[\[value:((?:[\w.-]|"[^"]+")+)(?::([^\]]*))?\]\]', lambda m: _value(m.group(1), m.group(2)), source[:at])
    before = re.sub(r"\[\[[a-z]+:[^\]]+\]\]|\{:?\s*#[^}]*\}", "", before)    # other claims, placeholders, attribute lists
    before = before.rstrip().rstrip("。！？；.!?")  # its own end
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    text = " ".join(before[max(ends, default=0):].split()).lstrip(" .。!！;；").strip()
    if re.search(r"[\u4e00-\u9fff]", text):  # Chinese: a line break between two characters is no space
        text = re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links: their text
    text = text.replace("**", "")  # (TeX stays: _inline renders it as MathML, as the pages do)
    text = text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + " …"
    text += ")" * max(0, text.count("(") - text.count(")")) + "）" * max(0, text.count("（") - text.count("）"))
    return text + ("。" if re.search(r"[\u4e00-\u9fff]", text) else "" if text.endswith("…") else ".")


def _notes_heading(target: str, locale: str) -> str:
    """The heading of the section that lists a key's cells as notes (`[[notes:TABLE.KEY]]`)."""
    for page in sorted(DOCS.glob(f"*.{locale}.md")):
        source = page.read_text(encoding="utf-8")
        if f"[[notes:{target}]]" in source:  # the closest heading or admonition title above it
            headings = re.findall(r'^(?:#+ (.+?)(?:\s*\{[^}]*\})?|\s*!!!\s+\w+\s+"([^"]+)")$',
                                  source[:source.index(f"[[notes:{target}]]")], re.M)
            headings = [a or b for a, b in headings]
            return _inline(headings[-1]) if headings else target
    return target


def groups(locale: str, root: str, wanted=None) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group title, [(claim id, label html)])]: each data table's rows, then each page's prose
    (the claims of the matrix, or those in `wanted`)."""
    wanted = set(matrix()["claims"] if wanted is None else wanted)
    out, placed = [], set()
    for path in sorted(DATA.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "claims" not in data or "rows" not in data:
            continue
        pages = [p.name.split(".")[0] for p in sorted(DOCS.glob(f"*.{locale}.md"))
                 if f"[[table:{path.stem}]]" in p.read_text(encoding="utf-8")]
        titles = {c["key"]: _inline(_text(c["title"], locale)) for c in data["columns"]}
        titles.update({key: _notes_heading(f"{path.stem}.{key}", locale) for key in data["claims"] if key not in titles})
        for row in data["rows"]:
            ids = [(f"{row['id']}.{key}", key) for key in data["claims"] if key in row]
            items = [(cid, titles[key]) for cid, key in ids if cid in wanted]
            if items:
                href = f"{root}{_page_url(pages[0]) if pages else ''}#row-{row['id']}"
                out.append((f'<a href="{href}">{_inline(_text(row[data["columns"][0]["key"]], locale))}</a>', items))
                placed.update(cid for cid, _ in items)
    for page in sorted(DOCS.glob(f"*.{locale}.md")):
        stem, source = page.name.split(".")[0], page.read_text(encoding="utf-8")
        ids = [cid for cid in dict.fromkeys(_CLAIM.findall(source)) if cid in wanted and cid not in placed]
        if ids:
            title = re.sub(r"\s*\{[^}]*\}\s*$", "", re.search(r"^# (.+)$", source, re.M).group(1)).strip()
            items = [(cid, _inline(_sentence(source, cid))) for cid in ids]
            out.append((f'<a href="{root}{_page_url(stem)}">{_inline(title)}</a>', items))
            placed.update(ids)
    return out


def merged_columns() -> list[list[dict]]:
    """Adjacent columns of one framework whose verdicts agree on every claim share a column."""
    claims = matrix()["claims"]
    verdicts = lambda c: tuple(claims[cid][c["id"]]["status"] for cid in sorted(claims))
    merged: list[list[dict]] = []
    for group in column_groups([c["id"] for c in matrix()["columns"]]):
        for column in group:
            if merged and merged[-1][-1] in group and verdicts(merged[-1][-1]) == verdicts(column):
                merged[-1].append(column)
            else:
                merged.append([column])
    return merged


def _note_index(claim_id: str, column_id: str) -> int | None:
    for i, note in notes_for(claim_id):
        if column_id in note["columns"]:
            return i
    return None


def table(locale: str, root: str) -> str:
    words, merged = WORDS[locale], merged_columns()
    frameworks = []  # the first header row: each framework over its columns
    for g in merged:
        if frameworks and frameworks[-1][0] == g[0]["framework"]:
            frameworks[-1][1] += 1
        else:
            frameworks.append([g[0]["framework"], 1])
    top = "".join(f'<th colspan="{n}" scope="colgroup">{html.escape(name(f))}</th>' for f, n in frameworks)
    head = "".join(f'<th scope="col" data-framework="{html.escape(name(g[0]["framework"]))}">'
                   f'{span([c["version"] for c in g]).replace("–", "–<wbr>")}</th>' for g in merged)
    rows = []
    for title, items in groups(locale, root):
        rows.append(f'<tr class="group"><th colspan="{len(merged) + 1}" scope="rowgroup">{title}</th></tr>')
        for claim_id, label in items:
            cells = []
            if all(cell["status"] == "holds" for cell in matrix()["claims"][claim_id].values()):
                # one cell: a phone shows one line for it, not one per version
                cells.append(f'<td class="holds all" colspan="{len(merged)}">✓ {words["all-hold"]}</td>')
            for g in merged if not cells else ():
                status = matrix()["claims"][claim_id][g[0]["id"]]["status"]
                mark = SYMBOL[status]
                i = _note_index(claim_id, g[0]["id"])
                if i is not None:
                    mark = f'<a href="#difference-{i + 1}">{mark}</a>'
                where = f'{name(g[0]["framework"])} {span([c["version"] for c in g])}'  # a phone's label
                cells.append(f'<td class="{status}" title="{words[status]}" data-label="{where}">{mark}</td>')
            label = re.sub(r"<code>(.*?)</code>", lambda m: "<code>" + m.group(1).replace(".", ".<wbr>") + "</code>", label)
            rows.append(f'<tr id="v-{claim_id}"><th scope="row">{label} <code class="cid">{claim_id}</code></th>'
                        f'{"".join(cells)}</tr>')
    return (f'<div class="vtable" markdown="0"><table class="versions">\n<thead><tr><th rowspan="2" scope="col">'
            f'{words["claim"]}</th>{top}</tr><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody></table></div>")


def _evidence(observed: str) -> str:
    """What a test run observed ("tests/x.py::test_y: message"): the test's name, then the
    message with its escaped line breaks and quotes as they were printed."""
    node, _, message = observed.partition(": ")
    message = message.replace("\\n", "\n").replace("\\'", "'")[:600]
    return (f'<p><code>{html.escape(node.rsplit("::", 1)[-1])}</code></p>'
            f"<pre><code>{html.escape(message)}</code></pre>")


def _joined(sep: str, ids, labels: dict) -> str:
    """Links to claims' rows, joined by `sep`; a label that is a whole sentence loses its final stop
    there (「……的值。、从未……」 and "…value., Never…" read as typos)."""
    return sep.join(f'<a href="#v-{cid}">{re.sub(r"[。.]$", "", labels.get(cid, cid))}</a>' for cid in ids)


def differences(locale: str, root: str) -> str:
    words, claims, labels = WORDS[locale], matrix()["claims"], _labels(locale, root)
    items = []
    for i, note in enumerate(notes()["notes"]):
        observed = sorted({claims[cid][col].get("observed", "") for cid in note["claims"] for col in note["columns"]
                           if claims[cid][col]["status"] != "holds"})
        links = _joined(words.get("sep", ", "), note["claims"], labels)
        evidence = "".join(_evidence(o) for o in observed[:2])
        items.append(f'<li id="difference-{i + 1}"><strong>{html.escape(columns_label(note["columns"], locale))}</strong>'
                     f'{words["colon"]}{_inline(note[locale])}<br>{words["qualifies"]}{words["colon"]}{links}'
                     f'<details><summary>{words["observed"]}</summary>{evidence}</details></li>')
    return '<ol class="vdiff" markdown="0">\n' + "\n".join(items) + "\n</ol>"


def _labels(locale: str, root: str) -> dict[str, str]:
    """claim id → a readable title: "row — column" for a table cell, the sentence for prose."""
    return {cid: f"{re.sub(r'^<a [^>]*>|</a>$', '', title)} — {label}" if "#row-" in title else label
            for title, items in groups(locale, root) for cid, label in items}


def _pinned() -> dict[str, str]:
    """framework → its pinned version (what the columns of the other framework ran with)."""
    return {framework: v for c in matrix()["columns"] for framework, v in c["with"].items()}


def yours(locale: str, root: str) -> str:
    """Per release (columns with the same verdicts together): what differs from the pages, and
    what to do about it, in sentences; a release without notes says the pages hold as written."""
    words, labels, pinned, out = WORDS[locale], _labels(locale, root), _pinned(), []
    for group in merged_columns():
        ids = {c["id"] for c in group}
        applying = [n for n in notes()["notes"] if ids & set(n["columns"])]
        release = f'{name(group[0]["framework"])} {span([c["version"] for c in group])}'
        is_pinned = any(c["version"] == pinned.get(c["framework"]) for c in group)
        count = (words["none"] if not applying else words["difference"] if len(applying) == 1
                 else words["differences"].format(n=len(applying)))
        summary = (f'<strong>{html.escape(release)}</strong>'
                   f'{"（" + words["pinned"] + "）" if is_pinned and locale == "zh" else " (" + words["pinned"] + ")" if is_pinned else ""}'
                   f'{words["colon"]}{count}')
        if not applying:
            out.append(f'<p class="vyours">{summary}</p>')
            continue
        items = []
        for note in applying:
            claims = _joined(words["sep"], note["claims"], labels)
            text = note[locale][:1].upper() + note[locale][1:]
            items.append(f'<li>{_inline(text)}<br><em>{words["do"]}</em>{words["colon"]}'
                         f'{_inline(note["do"][locale])}<br><small>{claims}</small></li>')
        out.append(f'<details class="vyours"><summary>{summary}</summary><ul>{"".join(items)}</ul></details>')
    return '<div markdown="0">\n' + "\n".join(out) + "\n</div>"


def sourced(locale: str, root: str) -> str:
    """The claims that rest on a cited source (†), where each is made and its source: no column
    of the matrix checks them."""
    sources = {cid: entry["source"] for cid, entry in
               _yaml(DATA / "claims.yml", _mtime(DATA / "claims.yml"))["claims"].items()
               if isinstance(entry, dict) and "source" in entry}
    items = []
    for title, claims in groups(locale, root, matrix()["sourced"]["claims"]):
        for claim_id, label in claims:
            source = sources[claim_id]
            items.append(f'<li>{title}{WORDS[locale]["colon"]}{label} † <a href="{html.escape(source["url"])}">'
                         f'{html.escape(_text(source["title"], locale))}</a></li>')
    return '<ul class="vsourced" markdown="0">\n' + "\n".join(items) + "\n</ul>"


def environments(locale: str, root: str) -> str:
    words = WORDS[locale]
    rows = []
    for c in matrix()["columns"]:
        installed = words.get("sep", ", ").join(f"{name(k)} {v}" if k in notes()["frameworks"] else f"{k} {v}"
                              for k, v in c["installed"].items())
        rows.append(f'<tr><td><code>{c["id"]}</code></td><td>{installed}</td><td>{c["tests"]}</td>'
                    f'<td>{c["seconds"]}</td></tr>')
    # a plain table: on a phone it becomes one card per environment, as every such table does
    return (f'<table markdown="0">\n<thead><tr><th>{words["column"]}</th>'
            f'<th>{words["installed"]}</th><th>{words["tests"]}</th><th>{words["seconds"]}</th></tr></thead>\n'
            "<tbody>\n" + "\n".join(rows) + "\n</tbody></table>")
