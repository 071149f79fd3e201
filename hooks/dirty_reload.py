"""Fast `mkdocs serve` reloads: rebuild only the pages an edit changed (`mkdocs serve --dirty`).

A full build renders every page of every language; after a one-page edit MkDocs' dirty build
re-renders only the pages whose source is newer than their output. What keeps that from working
on a site whose pages show more than their own source, and what this hook does about it:

- **Files outside the docs folder.** Pages show data, snippets and code from the folders listed
  under `watch:` (and the theme overrides); their edits change no page's source. When a watched
  file outside `docs_dir`, or the configuration file, is newer than a page's output, the page
  counts as modified: an edit to data rebuilds every page, as a full build would, and no page is
  left showing what the data said before.
- **The search index.** Material's search plugin keeps the entries of pages a dirty build did
  not render, but drops them all when the home page (location "") is the page rebuilt, and
  mkdocs-static-i18n replaces them with the entries of the pages it rendered. After the
  languages' indexes are merged, the entries of every page not rendered by this build are put
  back from the previous build's index, in their place.
- **Polling.** MkDocs' server looks for changed files every 0.5 s, as long as a dirty rebuild
  takes; it looks every `POLL_SECONDS` instead (a few hundred `stat` calls each time).
- **Strict mode and alarming hints.** MkDocs warns that a dirty build is being performed (in
  strict mode that warning aborts the build), and says serve's own temporary folder holds "stale
  files". The reader asked for a dirty build, and this hook handles what both hints are about, so
  neither is logged; every other warning still aborts.

What a dirty build still leaves stale is what MkDocs documents: a page that is not rebuilt keeps
the navigation of the previous build (this site's titles come from `nav:`, not from the pages).
`mkdocs build` and the tests never build dirty, and this hook changes nothing for them.

Generic: it knows nothing of the site's content.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from mkdocs.plugins import event_priority
from watchdog.observers.polling import PollingObserver

_dirty = False
_depth = 0              # builds in progress: mkdocs-static-i18n builds each further language inside the first
_rendered: set[str] = set()   # the URLs of the pages rendered by the build in progress
_previous_index: dict | None = None
POLL_SECONDS = 0.15


class _DirtyHints(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # "a 'dirty' build … inaccurate navigation": every page is re-rendered when the
        # configuration (with `nav:`) or shared data change; "stale files": serve's temporary
        # folder keeps the previous build's output on purpose. Both would mislead.
        message = record.getMessage()
        return not (_dirty and ("'dirty' build" in message or "contains stale files" in message))


_FILTER = _DirtyHints()


def on_startup(command: str, dirty: bool, **_) -> None:
    global _dirty
    _dirty = dirty
    logger = logging.getLogger("mkdocs.commands.build")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def on_serve(server, config, **_):
    """Swap the server's file observer for a faster-polling one before it starts; the two paths
    MkDocs watched already (the docs folder and the configuration file) move to the new one."""
    if not _dirty:
        return server
    watched = [p for p in (config.docs_dir, config.config_file_path) if p]
    for path in watched:
        server.unwatch(path)
    server.observer = PollingObserver(timeout=POLL_SECONDS)
    for path in watched:
        server.watch(path)
    return server


def newest_outside_docs(config) -> float:
    """The newest modification time of the configuration file and of every file under the
    watched paths that lie outside `docs_dir` (0 when there is none)."""
    docs = Path(config.docs_dir).resolve()
    paths = [Path(p) for p in config.watch] + [Path(d) for d in config.theme.dirs if "site-packages" not in d]
    newest = os.path.getmtime(config.config_file_path) if config.config_file_path else 0.0
    for path in paths:
        path = path.resolve()
        if path == docs or docs in path.parents or not path.exists():
            continue
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
            continue
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = [s for s in subfolders if s != "__pycache__" and not s.startswith(".")]
            for name in names:
                newest = max(newest, os.path.getmtime(os.path.join(folder, name)))
    return newest


@event_priority(-110)  # after mkdocs-static-i18n (-100) has made each language's files
def on_files(files, config, **_):
    if not _dirty:
        return files
    newest = newest_outside_docs(config)
    for file in files.documentation_pages():
        dest = file.abs_dest_path
        if not os.path.isfile(dest) or os.path.getmtime(dest) < newest:
            file.is_modified = lambda: True  # (an instance attribute: this file only)
    return files


def on_pre_build(**_) -> None:
    global _depth
    _depth += 1


def on_page_content(html: str, page, **_) -> str:
    if _dirty:
        _rendered.add(page.url)
    return html


def _page_of(entry: dict) -> str:
    return entry["location"].split("#")[0]


def merged(previous: list[dict], current: list[dict], rendered: set[str]) -> list[dict]:
    """The entries of `previous`, each rendered page's replaced in place by its entries in
    `current`; rendered pages new since `previous` come last."""
    fresh: dict[str, list] = {}
    for entry in current:
        if _page_of(entry) in rendered:
            fresh.setdefault(_page_of(entry), []).append(entry)
    docs = []
    for entry in previous:
        page = _page_of(entry)
        docs += [entry] if page not in rendered else fresh.pop(page, [])
    return docs + [entry for entries in fresh.values() for entry in entries]


@event_priority(-150)  # after mkdocs-static-i18n (-100) merges the languages' indexes, before hooks/search.py splits them
def on_post_build(config, **_) -> None:
    global _depth, _previous_index
    _depth -= 1
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not _dirty or _depth or not path.exists():  # the outermost build of a dirty run writes the final index
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    if _previous_index is not None:
        index["docs"] = merged(_previous_index["docs"], index["docs"], _rendered)
        path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
    _previous_index = index
    _rendered.clear()
