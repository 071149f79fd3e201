"""Render TeX written as `$...$` / `$$...$$` (pymdownx.arithmatex, generic mode) into MathML at
build time, so that pages show formulas without a script.

Browsers render MathML Core natively (Chromium 109+, Firefox, Safari). latex2mathml writes the
MathML; this hook then corrects what it writes for MathML Core, as TeX would typeset it:

- an operator name (`\\min`, `\\max`, `\\operatorname{sign}`) is one upright identifier followed by
  an invisible function application, not an `<mo>` with an operator's spacing around it;
- `\\mathrm{prev}` is one upright identifier `prev`, not four single letters (a screen reader
  reads a word, and a word keeps its kerning);
- a space TeX names (`\\!`, `\\,`) is a length, which MathML Core understands;
- a pair of plain parentheses or brackets around tall content (a fraction, a matrix, a large
  operator) stretches like `\\left( ... \\right)`, inside an `<mrow>` of its own; and a
  `\\left( ... \\right)` around a line of symbols keeps the normal size, as in TeX (whose
  delimiter may fall short of the content by 5pt): MathML Core gives a stretchy operator the width
  of its widest size, which left half an em of space inside each parenthesis of `\\min(\\max(...))`.

A run of three or more italic letters in a subscript or superscript (`\\Delta_{max}`) is TeX's
product of letters, which nobody means there: the build warns (and the strict build fails) with
the fix, `\\min`/`\\max` or `\\mathrm{...}`.

Delimiters stretch only in a font with an OpenType MATH table, which many readers' systems lack
(Chromium's `math` family then uses a text font): docs/assets/site.css draws formulas in the
site's own math font (scripts/subset_math_font.py). Nothing here is specific to any page: it only
rewrites arithmatex's placeholders.
"""

from __future__ import annotations

import html
import logging
import re
import xml.etree.ElementTree as ET

from latex2mathml.converter import convert

log = logging.getLogger("mkdocs.hooks.math")

_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)
_NAMESPACE = ' xmlns="http://www.w3.org/1998/Math/MathML"'

# latex2mathml does not know amsmath's `aligned` (it prints its `&` and drops its line breaks);
# `align*` is the same layout (right/left column pairs, one row per `\\`), which it converts to a
# table.
_ALIASES = {r"\begin{aligned}": r"\begin{align*}", r"\end{aligned}": r"\end{align*}"}

# MathML 3's named spaces (latex2mathml writes them for \! \, \: \;); MathML Core takes lengths.
_SPACES = {f"{sign}{name}mathspace": f"{'-' if sign else ''}{round(n / 18, 4)}em"
           for n, name in enumerate(("veryverythin", "verythin", "thin", "medium", "thick",
                                     "verythick", "veryverythick"), 1)
           for sign in ("", "negative")}

_LETTER = re.compile(r"[^\W\d_]")
_NAME = re.compile(r"[^\W\d_]{2,}")
_SCRIPTS = {"msub", "msup", "msubsup", "munder", "mover", "munderover"}
_TALL = {"mfrac", "mtable", "munderover", "munder", "mover", "mroot", "msqrt"}
_FENCES = {"(": ")", "[": "]", "{": "}", "|": "|", "\u2016": "\u2016", "\u27e8": "\u27e9"}
_FUNCTION_APPLICATION = "\u2061"
_TEX_OPERATORS = {"min", "max", "inf", "sup", "lim", "log", "exp", "det", "arg", "sin", "cos", "tan"}


def _is_letter(element: ET.Element, variant: str | None) -> bool:
    return (element.tag == "mi" and element.get("mathvariant") == variant and len(element) == 0
            and bool(element.text) and bool(_LETTER.fullmatch(element.text)))


def _operator_names(parent: ET.Element) -> None:
    """`<mo>min</mo>` (\\min, \\operatorname) → `<mi mathvariant="normal">min</mi>` and, when
    something follows it, `<mo>&#x2061;</mo>`: no operator spacing between `sign` and `(`."""
    for index in range(len(parent) - 1, -1, -1):
        child = parent[index]
        if child.tag == "mo" and child.text and _NAME.fullmatch(child.text):
            name = ET.Element("mi", mathvariant="normal")
            name.text, name.tail = child.text, child.tail
            parent[index] = name
            if index + 1 < len(parent) and parent.tag not in _SCRIPTS:
                apply = ET.Element("mo")
                apply.text = _FUNCTION_APPLICATION
                parent.insert(index + 1, apply)


def _upright_words(parent: ET.Element) -> None:
    """Runs of single upright letters (\\mathrm{prev}) → one identifier."""
    index = 0
    while index < len(parent):
        end = index
        while end < len(parent) and _is_letter(parent[end], "normal"):
            end += 1
        if end - index >= 2:
            parent[index].text = "".join(element.text for element in parent[index:end])
            for _ in range(index + 1, end):
                del parent[index + 1]
        index += 1


def _stretch_fences(parent: ET.Element) -> None:
    """A plain `(`...`)` around tall content → a stretchy pair in an `<mrow>` of its own."""
    if parent.tag in _SCRIPTS or parent.tag in ("mfrac", "mroot"):
        return  # positional children: not a row
    index = 0
    while index < len(parent):
        opening = parent[index]
        closing_text = _FENCES.get(opening.text or "") if opening.tag == "mo" else None
        if closing_text is None or opening.get("stretchy") != "false":
            index += 1
            continue
        depth, end = 0, None
        for position in range(index + 1, len(parent)):
            element = parent[position]
            if element.tag != "mo" or element.get("stretchy") != "false":
                continue
            if element.text == closing_text and depth == 0:
                end = position
                break
            if element.text == opening.text != closing_text:
                depth += 1
            elif element.text == closing_text:
                depth -= 1
        inner = parent[index + 1:end] if end is not None else []
        if end is None or not any(node.tag in _TALL for element in inner for node in element.iter()):
            index += 1
            continue
        group = ET.Element("mrow")
        for element in parent[index:end + 1]:
            group.append(element)
        for element in (opening, parent[end]):
            element.attrib.pop("stretchy")
            element.set("fence", "true")
        del parent[index:end + 1]
        parent.insert(index, group)
        _stretch_fences(group)   # a tall pair inside this one
        index += 1


def _fit_fences(row: ET.Element) -> None:
    """`\\left(`...`\\right)` around content that is not tall: the normal size (see above)."""
    fences = [e for e in row if e.tag == "mo" and e.get("stretchy") == "true" and e.get("fence") == "true"]
    others = [e for e in row if e not in fences]
    if fences and not any(node.tag in _TALL for element in others for node in element.iter()):
        for fence in fences:
            fence.set("stretchy", "false")


def _sloppy_names(root: ET.Element, tex: str) -> None:
    for script in root.iter():
        if script.tag not in _SCRIPTS:
            continue
        for position in script[1:]:
            row = list(position) if position.tag == "mrow" else [position]
            letters = "".join(e.text if _is_letter(e, None) else " " for e in row).split()
            for word in letters:
                if len(word) >= 3:
                    fix = f"\\{word}" if word in _TEX_OPERATORS else f"\\mathrm{{{word}}}"
                    log.warning(f"math: '{word}' in a sub- or superscript of {tex!r} is a product of "
                                f"{len(word)} italic letters; write {fix}")


def polish(mathml: str, tex: str) -> str:
    """latex2mathml's `<math>` element, corrected for MathML Core (see the module's docstring),
    with the TeX as its alternative text."""
    try:
        root = ET.fromstring(mathml.replace(_NAMESPACE, "", 1))
    except ET.ParseError as error:   # latex2mathml wrote something that is not XML: show it as it is
        log.warning(f"math: latex2mathml's output for {tex!r} is not well-formed ({error})")
        return mathml.replace("<math ", f'<math alttext="{html.escape(tex, quote=True)}" ', 1)
    _sloppy_names(root, tex)
    for element in list(root.iter()):
        _operator_names(element)
        _upright_words(element)
        _stretch_fences(element)
        if element.tag == "mrow":
            _fit_fences(element)
        width = element.get("width")
        if element.tag == "mspace" and width in _SPACES:
            element.set("width", _SPACES[width])
    attributes = {"alttext": tex, "xmlns": _NAMESPACE.split('"')[1], **root.attrib}
    root.attrib.clear()
    root.attrib.update(attributes)
    return ET.tostring(root, encoding="unicode")


def mathml(tex: str, display: str = "inline") -> str:
    """The MathML of `tex` (as it stands in the page's HTML: entities are decoded)."""
    source = html.unescape(tex).strip()
    converted = source
    for name, alias in _ALIASES.items():
        converted = converted.replace(name, alias)
    # The TeX stays the accessible/alternative text and what a reader copies into a paper.
    return polish(convert(converted, display=display), source)


def on_page_content(html_text: str, **_) -> str:
    html_text = _BLOCK.sub(lambda m: f'<div class="math-block" tabindex="0">{mathml(m.group(1), "block")}</div>', html_text)
    return _INLINE.sub(lambda m: mathml(m.group(1), "inline"), html_text)
