"""Formulas: the MathML hooks/math.py writes is what TeX would typeset (one upright word for an
operator name or `\\mathrm{…}`, stretchy delimiters only around tall content, lengths for named
spaces), keeps its TeX as alternative text, and draws only characters the site's math font has.
How it looks in a browser: tests/test_browser_math.py."""

from __future__ import annotations

import html
import importlib.util
import logging
import re

import pytest

from browser import page_paths
from sitebuild import ROOT, load_hook

math = load_hook("math")


def _font_characters() -> set[int]:
    spec = importlib.util.spec_from_file_location("subset_math_font", ROOT / "scripts" / "subset_math_font.py")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError:   # fontTools comes with matplotlib (requirements.txt)
        pytest.fail("fontTools is missing")
    return set(module.CHARACTERS)


def mathml(tex: str) -> str:
    return math.mathml(tex, "inline")


# --- what the hook writes ------------------------------------------------------------------------------

def test_operator_names_are_one_upright_identifier_applied_to_their_argument():
    assert '<mi mathvariant="normal">sign</mi><mo>\u2061</mo><mo stretchy="false">(</mo>' in mathml(r"\operatorname{sign}(x)")
    assert '<mi mathvariant="normal">min</mi><mo>\u2061</mo>' in mathml(r"\min(a, b)")
    # in a subscript it names a bound: nothing to apply it to
    assert mathml(r"\Delta_{\max}").count("<mo>") == 0 and '<mi mathvariant="normal">max</mi>' in mathml(r"\Delta_{\max}")


def test_upright_words_are_one_identifier_and_italic_letters_stay_letters():
    assert '<mi mathvariant="normal">prev</mi>' in mathml(r"g^{\mathrm{prev}}")
    assert '<mi mathvariant="normal">NaN</mi>' in mathml(r"\operatorname{sign}(\mathrm{NaN})")
    assert "<mi>i</mi><mi>j</mi>" in mathml(r"a_{ij}")   # two indices, not a word


def test_a_product_of_letters_in_a_script_warns_with_the_fix(caplog):
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.math"):
        mathml(r"\Delta_{max} + g^{prev} + a_{ij} + \Delta_{\min}")
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2, messages
    assert r"write \max" in messages[0] and r"write \mathrm{prev}" in messages[1]


def test_fences_stretch_around_tall_content_only():
    fraction = mathml(r"(\frac{a}{b}) + (x)")
    # the pair around the fraction: stretchy (MathML Core's default for parentheses), in its own row
    assert re.search(r'<mrow><mo fence="true">\(</mo><mfrac>.*?</mfrac><mo fence="true">\)</mo></mrow>', fraction)
    assert '<mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo>' in fraction
    # \left( \right) around a line keeps the normal size (MathML Core gives a stretchy operator the
    # width of its widest size: half an em of space inside each parenthesis)
    line = mathml(r"\min\!\left(\max\!\left(x_{t-1}, y\right), z\right)")
    assert line.count('stretchy="false"') == 4 and 'stretchy="true"' not in line
    assert mathml(r"\left(\frac{a}{b}\right)").count('stretchy="true"') == 2
    cases = mathml(r"f = \begin{cases} a & x > 0 \\ b & \text{otherwise} \end{cases}")
    assert re.search(r'<mrow><mo stretchy="true" fence="true" form="prefix">\{</mo><mtable>', cases)
    nested = mathml(r"[ (\frac{1}{2}) ]")
    assert nested.count('<mo fence="true">') == 4 and "stretchy" not in nested


def test_named_spaces_become_lengths():
    assert '<mspace width="-0.1667em" />' in mathml(r"a \! b")   # latex2mathml: negativethinmathspace
    assert "mathspace" not in mathml(r"a \, b \: c \; d \! e")


def test_the_tex_is_the_alternative_text():
    assert mathml(r"\begin{cases} a & b < c \\ d & e \end{cases}").startswith(
        '<math alttext="\\begin{cases} a &amp; b &lt; c \\\\ d &amp; e \\end{cases}" ')


# --- the built site --------------------------------------------------------------------------------------

_MATH = re.compile(r"<math\b[^>]*>.*?</math>", re.S)


def _formulas(site) -> dict[str, list[str]]:
    return {path: _MATH.findall((site / path / "index.html").read_text(encoding="utf-8")) for path in page_paths(site)}


def test_every_formula_keeps_its_tex_as_alternative_text(site):
    formulas = _formulas(site)
    assert sum(map(len, formulas.values())) > 20
    for path, found in formulas.items():
        for formula in found:
            alttext = re.match(r'<math alttext="([^"]+)"', formula)
            assert alttext and alttext.group(1).strip(), (path, formula[:80])


def test_names_in_formulas_are_one_upright_identifier(site):
    """No operator name set as an operator (`<mo>min</mo>`: operator spacing, `min (`), no word spelled
    as italic letters in a script (`g^{prev}`: p·r·e·v); the algorithm's `prev`, `min`, `max` are
    each one upright identifier."""
    problems = []
    for path, found in _formulas(site).items():
        for formula in found:
            problems += [f"{path}: <mo>{word}</mo>" for word in re.findall(r"<mo>([^\W\d_]{2,})</mo>", formula)]
            problems += [f"{path}: {''.join(letters)}" for letters in
                         re.findall(r"<msu[bp]><mi>.</mi><mrow>((?:<mi>[a-z]</mi>){3,})</mrow>", formula)]
    assert not problems, problems
    for language in ("", "zh/"):
        text = (site / language / "rprop/index.html").read_text(encoding="utf-8")
        for word in ("prev", "min", "max"):
            assert f'<mi mathvariant="normal">{word}</mi>' in text, (language, word)


_ITALIC = {**{ord(c): 0x1D434 + i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")},
           ord("h"): 0x210E,
           **{c: 0x1D6E2 + c - 0x391 for c in range(0x391, 0x3AA)},
           **{c: 0x1D6FC + c - 0x3B1 for c in range(0x3B1, 0x3CA)}}
_NOT_DRAWN = {0x2061, 0x2062, 0x2063, 0x2064}   # invisible operators


def test_the_math_font_has_every_character_formulas_draw(site):
    """MathML Core draws a one-letter identifier in its mathematical italic (U+1D44E for `a`). Text
    (`\\text{…}`) may take other characters from the reader's fonts (Chinese, `iRprop⁻`)."""
    characters = _font_characters()
    missing = {}
    for path, found in _formulas(site).items():
        for formula in found:
            for tag, attributes, text in re.findall(r"<(mi|mo|mn|mtext)\b([^>]*)>([^<]*)</\1>", formula):
                text = html.unescape(text)
                italic = tag == "mi" and len(text) == 1 and "mathvariant" not in attributes
                for character in text:
                    code = _ITALIC.get(ord(character), ord(character)) if italic else ord(character)
                    if tag == "mtext" and not character.isascii():
                        continue
                    if code not in characters and code not in _NOT_DRAWN:
                        missing.setdefault(f"U+{code:04X} {chr(code)}", path)
    assert not missing, f"add to scripts/subset_math_font.py's CHARACTERS and run it: {missing}"


def test_the_stylesheet_draws_formulas_in_the_sites_math_font(site):
    css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    face = re.search(r'@font-face\s*\{[^}]*font-family:\s*"([^"]+)"[^}]*url\("([^"]+)"\)', css)
    assert face and re.search(rf'\bmath\s*\{{\s*font-family:\s*"{face.group(1)}"', css)
    font = site / "assets" / face.group(2)
    assert font.read_bytes()[:4] == b"wOF2" and font.stat().st_size < 45_000
    assert (site / "assets" / "fonts" / "LICENSE-site-math.txt").exists()
