"""Put the files that pages include with pymdownx.snippets (`--8<-- "NAME"`) into the site, so that
a page can offer them for download: `[NAME](snippets/NAME){ download="NAME" }`, where `snippets`
is the name of the folder of pymdownx.snippets' `base_path` that holds the file.

Only the files some page includes are copied, byte for byte: whatever else lies in that folder
(a file a snippet wrote when a reader ran it) stays out of the site.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File

_INCLUDE = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"([^"\n]+)"', re.MULTILINE)


def _base_paths(config) -> list[Path]:
    options = config.mdx_configs.get("pymdownx.snippets", {})
    paths = options.get("base_path", ["."])
    root = Path(config.config_file_path).parent
    return [root / p for p in ([paths] if isinstance(paths, str) else paths)]


def on_files(files, config, **_):
    included = set()
    for file in files.documentation_pages():
        included.update(_INCLUDE.findall(Path(file.abs_src_path).read_text(encoding="utf-8")))
    for name in sorted(included):
        for base in _base_paths(config):
            source = base / name
            uri = f"{base.name}/{name}"
            if source.is_file() and files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(source)))
                break
    return files
