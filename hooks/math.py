"""Render TeX written as `$...$` / `$$...$$` (pymdownx.arithmatex, generic mode) into MathML at
build time, so that pages show formulas without a script or a web font.

Browsers render MathML Core natively (Chromium 109+, Firefox, Safari). Nothing here is specific
to any page: it only rewrites arithmatex's placeholders.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert

_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)


# latex2mathml does not know amsmath's `aligned` (it prints its `&` and drops its line breaks);
# `align*` is the same layout (right/left column pairs, one row per `\\`), which it converts to a
# table.
_ALIASES = {r"\begin{aligned}": r"\begin{align*}", r"\end{aligned}": r"\end{align*}"}


def _mathml(tex: str, display: str) -> str:
    source = html.unescape(tex).strip()
    for name, alias in _ALIASES.items():
        source = source.replace(name, alias)
    mathml = convert(source, display=display)
    # Keep the TeX as the accessible/alternative text and for copy-paste into other documents.
    return mathml.replace("<math ", f'<math alttext="{html.escape(html.unescape(tex).strip(), quote=True)}" ', 1)


def on_page_content(html_text: str, **_) -> str:
    html_text = _BLOCK.sub(lambda m: f'<div class="math-block" tabindex="0">{_mathml(m.group(1), "block")}</div>', html_text)
    return _INLINE.sub(lambda m: _mathml(m.group(1), "inline"), html_text)
