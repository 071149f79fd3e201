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


def _mathml(tex: str, display: str) -> str:
    mathml = convert(html.unescape(tex).strip(), display=display)
    # Keep the TeX as the accessible/alternative text and for copy-paste into other documents.
    return mathml.replace("<math ", f'<math alttext="{html.escape(html.unescape(tex).strip(), quote=True)}" ', 1)


def on_page_content(html_text: str, **_) -> str:
    html_text = _BLOCK.sub(lambda m: f'<div class="math-block" tabindex="0">{_mathml(m.group(1), "block")}</div>', html_text)
    return _INLINE.sub(lambda m: _mathml(m.group(1), "inline"), html_text)
