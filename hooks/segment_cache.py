"""Remember how jieba segments each piece of Chinese text, so that a build whose Chinese text has
not changed never loads jieba's dictionary.

Material's search plugin segments every run of Chinese characters with `jieba.cut` (and
hooks/site_data.py the cells of its tables). jieba loads its 9 MB dictionary on the first call:
about 0.8 s of every build and every `mkdocs serve` reload. This hook replaces `jieba.cut` with a
lookup in `.cache/jieba/segments.json` (or `$RPROP_SEGMENT_CACHE`), keyed by the text; only text
not found there goes to jieba, which then loads its dictionary once. jieba is deterministic, so
the pages and the search index are the same as without the cache. The file is rewritten at the
end of a build that segmented something new, with the texts segmented in that process only (so
it does not grow with old texts), and it is ignored when jieba's version or dictionary differ
from the ones that wrote it.

Generic: it knows nothing of the site's content.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

try:
    import jieba
except ImportError:  # the search plugin then segments nothing either
    jieba = None

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("mkdocs.hooks.segment_cache")
_state: dict = {"original": None, "known": {}, "used": {}, "new": 0}


def _path() -> Path:
    return Path(os.environ.get("RPROP_SEGMENT_CACHE", ROOT / ".cache" / "jieba" / "segments.json"))


def _identity() -> str:
    return f"jieba {jieba.__version__} {jieba.dt.dictionary or jieba.DEFAULT_DICT_NAME}"


def _cut(sentence, *args, **kwargs):
    if args or kwargs:  # another mode (cut_all, HMM off): not cached
        return _state["original"](sentence, *args, **kwargs)
    text = sentence.decode("utf-8") if isinstance(sentence, bytes) else sentence
    words = _state["known"].get(text)
    if words is None:
        words = list(_state["original"](text))
        _state["new"] += 1
    _state["used"][text] = words
    return iter(words)


def on_config(config, **_):
    # Called once per build: by `mkdocs build`, by mkdocs-static-i18n's build of each further
    # language, and by every `mkdocs serve` reload, which also imports this file afresh (so the
    # real jieba.cut is kept on the jieba module, not here, lest wrappers pile up).
    if jieba is None:
        return config
    if not hasattr(jieba, "uncached_cut"):
        jieba.uncached_cut = jieba.cut
        # jieba logs its dictionary loading to stderr and caches the loaded dictionary in the
        # system's temporary folder: quiet, and in the project's .cache/ instead
        jieba.setLogLevel(logging.WARNING)
        jieba.dt.tmp_dir = str(_path().parent)
        _path().parent.mkdir(parents=True, exist_ok=True)
    _state["original"], jieba.cut = jieba.uncached_cut, _cut
    if not _state["known"]:
        try:
            saved = json.loads(_path().read_text(encoding="utf-8"))
            if saved.get("identity") == _identity():
                _state["known"] = saved["segments"]
        except (OSError, ValueError, KeyError):
            pass
    return config


def on_post_build(**_):
    """Write the texts segmented in this process (one build: both languages) if any was new."""
    if jieba is None or not _state["new"]:
        return
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"identity": _identity(), "segments": dict(sorted(_state["used"].items()))}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(body, ensure_ascii=False, indent=0), encoding="utf-8")
    temporary.replace(path)
    log.info("jieba segmented %d new Chinese texts for search; cached in %s", _state["new"], path)
    _state["known"].update(_state["used"])
    _state["new"] = 0
