"""Keep the theme's compiled Jinja templates between builds.

MkDocs makes a new Jinja environment for every build (and mkdocs-static-i18n one more for each
further language), which compiles every template it renders from source again: a good part of a
warm build and of every `mkdocs serve` reload. Jinja's bytecode cache stores each compiled
template under `.cache/jinja/` (or `$RPROP_TEMPLATE_CACHE`), keyed by the template's name and a
checksum of its source, so an edited template (overrides/) is compiled afresh; the rendered pages
are the same.

Generic: it knows nothing of the site's content.
"""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

ROOT = Path(__file__).resolve().parent.parent


def on_env(env, **_):
    folder = Path(os.environ.get("RPROP_TEMPLATE_CACHE", ROOT / ".cache" / "jinja"))
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env
