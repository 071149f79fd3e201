"""Search: a result for each marked element of a page, and one search index per language.

- **Marked elements.** An element with an `id` and a `data-search-entry` attribute (any value, e.g.
  a table row) becomes a search result of its own that links to `#id`: its title is the text of
  its first child element, its text that of the other children, each after its `data-label`
  (a table cell's column title) where it has one, so a hit says which column matched. Material's search plugin indexes a
  page by headings only, so without this a query that names a table row leads to the top of the
  table, not to the row. The entry is made by the search plugin itself (which segments Chinese
  text with jieba as it does for the page), after the page's own entries (Material's script
  expects a page's entry before those of its sections).
- **One index per language.** mkdocs-static-i18n merges the pages of every language into one
  `search/search_index.json`, so a reader of the Chinese pages got English results first. After
  that merge (its `on_post_build` runs at priority -100), the index is split: the entries under
  `LANG/` go to `LANG/search/search_index.json` (their locations made relative to `LANG/`), the
  others stay. Material's script loads `search/search_index.json` relative to the `base` of its
  `__config`, so a page under `LANG/` gets `LANG/` appended to its base; Material uses that base
  for nothing else this site enables (no instant navigation, no version selector).
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

from mkdocs.plugins import event_priority

MARKER = "data-search-entry"
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_BASE = re.compile(r'(<script id="__config" type="application/json">\{[^<]*?"base": ")([^"]*)(")')


class _MarkedElements(HTMLParser):
    """Collects (id, [text of each child element]) for every element carrying MARKER and an id;
    a child's text starts with its `data-label` and a colon where it has one. Text inside header
    links (the ¶ of an anchor) is left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[str]]] = []
        self._open: list[list] = []   # [id, depth, children's texts]
        self._depth = 0
        self._skip_depth = None

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        self._depth += 1
        attributes = dict(attrs)
        if self._skip_depth is None and "headerlink" in (attributes.get("class") or "").split():
            self._skip_depth = self._depth
        if self._open and self._depth == self._open[-1][1] + 1:
            label = attributes.get("data-label")
            colon = "：" if re.search(r"[\u4e00-\u9fff]", label or "") else ": "  # a Chinese title takes the full-width colon
            self._open[-1][2].append(f"{label}{colon}" if label and self._open[-1][2] else "")
        if MARKER in attributes and attributes.get("id"):
            self._open.append([attributes["id"], self._depth, []])

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if self._open and self._depth == self._open[-1][1]:
            element_id, _, texts = self._open.pop()
            self.found.append((element_id, [" ".join(t.split()) for t in texts]))
        if self._skip_depth == self._depth:
            self._skip_depth = None
        self._depth -= 1

    def handle_data(self, data):
        if self._skip_depth is None and self._open and self._open[-1][2]:
            self._open[-1][2][-1] += data


def _search_plugin(config):
    return config.plugins.get("material/search") or config.plugins.get("search")


def _other_languages(config) -> list[str]:
    """The path prefixes (`zh/`) of the languages mkdocs-static-i18n builds besides the default."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return []
    return [f"{language.locale}/" for language in i18n.config.languages
            if language.build and not language.default and language.locale != "null"]


@event_priority(-100)  # the page's final HTML; read before the search plugin strips data-search-*
def on_page_content(html_text: str, page, **_) -> str:
    found = []
    if MARKER in html_text:
        parser = _MarkedElements()
        parser.feed(html_text)
        parser.close()
        found = [(element_id, texts) for element_id, texts in parser.found if any(texts)]
    page.search_entries = found
    return html_text


@event_priority(-50)  # after the search plugin: Material's script takes a page's entry to come first
def on_page_context(context, page, config, **_):
    search = _search_plugin(config)
    for element_id, texts in getattr(page, "search_entries", ()) if search else ():
        texts = [t for t in texts if t]
        section = SimpleNamespace(id=element_id, title=[html.escape(texts[0])],
                                  text=[html.escape(" · ".join(texts[1:]))])
        search.search_index.create_entry_for_section(section, page.toc, page.url, page)
    return context


def on_post_page(output: str, page, config, **_) -> str:
    prefix = next((p for p in _other_languages(config) if page.url.startswith(p)), None)
    if prefix is None:
        return output
    return _BASE.sub(lambda m: m[1] + m[2].rstrip("/") + "/" + prefix + m[3], output, count=1)


@event_priority(-200)  # after mkdocs-static-i18n (-100) has written the index of all languages
def on_post_build(config, **_):
    index_path = Path(config.site_dir) / "search" / "search_index.json"
    prefixes = _other_languages(config)
    if not prefixes or not index_path.exists():
        return
    index = json.loads(index_path.read_text(encoding="utf-8"))
    for prefix in prefixes:
        own = [dict(entry, location=entry["location"][len(prefix):])
               for entry in index["docs"] if entry["location"].startswith(prefix)]
        _write(Path(config.site_dir) / prefix / "search" / "search_index.json", index["config"], own)
    rest = [entry for entry in index["docs"] if not entry["location"].startswith(tuple(prefixes))]
    _write(index_path, index["config"], rest)


def _write(path: Path, index_config: dict, docs: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # as Material's search plugin writes it
    path.write_text(json.dumps({"config": index_config, "docs": docs}, separators=(",", ":")), encoding="utf-8")
