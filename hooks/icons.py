"""The theme's icons as files and inline SVG instead of `data:` URIs (speed, issue 14).

Material draws its small icons (code copy button, content-tab arrows, navigation chevrons,
admonitions, details) as CSS masks whose image is a `data:image/svg+xml` URI held in a custom
property (`--md-code-copy-icon` …). In Chromium's performance traces every element that shows such
an icon parsed an SVG document of its own during style recalculation. With Material's copy buttons, which
its script inserts one per code block after the page is shown, that was most of the remaining
blocking time of the pages with code (Lighthouse mobile, medians of 3, side by side: port page
140 -> 45 ms, Versions 137 -> 33, mapping page 136 -> 42). So:

1. **Icon files** (`on_post_build`): in the theme's stylesheet as the site serves it, each such
   URI is replaced by the URL of a file holding the same SVG, `icons/<name>.svg` beside the sheet
   (declared and used in that one sheet, so every browser resolves the URL alike). One same-origin
   request per icon, cached; the sheet is 10 KB smaller. Its source map's columns no longer match.
2. **Copy buttons at build time** (`on_post_page`): every code block (`<pre>` + `<code>`) gets the
   navigation and button Material's script would insert, with the copy icon as inline SVG and the
   title from the page's own translations (Material's `clipboard.copy`). Material's feature
   `content.code.copy` is left off in mkdocs.yml, so its script adds no second button; its
   clipboard integration handles every `[data-clipboard-target]` and shows "Copied to clipboard".
   The button targets the `<code>` element's id, given one if it has none (Material renames
   the `<pre>`).

Generic: it reads only the theme's stylesheet and the page's HTML. tests/test_browser_icons.py
checks that no page draws a `data:` icon, that every icon file loads, and one button per block.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path
from urllib.parse import unquote

_ICON = re.compile(r'(--md-[\w-]+):url\("data:image/svg\+xml;charset=utf-8,(<svg.*?</svg>)"\)')
_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)
_CODE_BLOCK = re.compile(r"(<pre\b[^>]*>(?:<span></span>)?)<code\b([^>]*)>")
_ID = re.compile(r'\sid="([^"]*)"')
_SVG = re.compile(r"<svg\b([^>]*)>(.*)</svg>", re.S)
_XMLNS = re.compile(r"""\sxmlns=(['"])[^'"]*\1""")
_theme: dict = {"sheet": None, "icons": {}}  # the theme's main stylesheet (relative path), its icons


def theme_icons(theme_dirs: list[str]) -> tuple[str | None, dict[str, str]]:
    """The theme's main stylesheet, relative to its theme folder, and {custom property: SVG} of
    every data-URI icon in it."""
    for directory in theme_dirs:
        for sheet in sorted(Path(directory).glob("assets/stylesheets/main.*.css")):
            icons = {name: unquote(svg) for name, svg in _ICON.findall(sheet.read_text(encoding="utf-8"))}
            return sheet.relative_to(directory).as_posix(), icons
    return None, {}


def on_config(config):
    _theme["sheet"], _theme["icons"] = theme_icons(config.theme.dirs)


def _button(title: str, target: str) -> str:
    """The navigation and copy button Material's script would insert, its icon inline."""
    attributes, shapes = _SVG.match(_theme["icons"]["--md-code-copy-icon"]).groups()
    attributes = _XMLNS.sub("", attributes)  # (not needed in HTML)
    return (f'<nav class="md-code__nav"><button class="md-code__button" title="{html.escape(title)}" '
            f'data-clipboard-target="#{target}" data-md-type="copy"><svg aria-hidden="true"{attributes}>'
            f"{shapes}</svg></button></nav>")


def on_post_page(output: str, **_) -> str:
    config = _CONFIG.search(output)
    if not config or "--md-code-copy-icon" not in _theme["icons"]:
        return output
    title = json.loads(config.group(1))["translations"]["clipboard.copy"]
    number = itertools.count()

    def add_button(block: re.Match) -> str:
        pre, attributes = block.groups()
        named = _ID.search(attributes)
        if named:
            return f"{pre}{_button(title, named.group(1))}<code{attributes}>"
        target = f"__copy_{next(number)}"
        return f'{pre}{_button(title, target)}<code id="{target}"{attributes}>'

    return _CODE_BLOCK.sub(add_button, output)


def on_post_build(config):
    if not _theme["sheet"]:
        return
    sheet = Path(config.site_dir, _theme["sheet"])
    (sheet.parent / "icons").mkdir(exist_ok=True)
    for name, svg in _theme["icons"].items():
        (sheet.parent / "icons" / f"{name[2:]}.svg").write_text(svg, encoding="utf-8")
    text = sheet.read_text(encoding="utf-8")  # (already rewritten if a rebuild left it in place)
    sheet.write_text(_ICON.sub(lambda icon: f"{icon.group(1)}:url(icons/{icon.group(1)[2:]}.svg)", text),
                     encoding="utf-8")
