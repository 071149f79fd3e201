"""Write docs/assets/fonts/site-math.woff2, the math font the site's formulas are drawn in.

Browsers draw MathML with a font that has an OpenType MATH table: without one, Chromium does not
stretch a brace, a parenthesis or a root to the height of what it encloses (issue 23: the cases
brace of the Rprop algorithm stood one line tall). Readers' systems differ (Chromium's `math`
family picks no MATH font on a Linux or Android machine without one installed), so the site ships
its own: a subset of Latin Modern Math (the look of TeX) with the characters formulas use — Latin
and its mathematical italics, the Greek italics (MathML draws a one-letter identifier in
italic, Greek too), digits, the
common operators, arrows and delimiters — and, through the MATH table, every larger size and
assembly part of them. tests/test_math.py fails when a formula on the site uses a character the
font lacks; add it to CHARACTERS and run this again.

Latin Modern Math is under the GUST Font License (an instance of the LPPL 1.3c), which asks that
a derived font be renamed: this one is "Site Math", and docs/assets/fonts/README.md says where it
comes from. Source: Debian's fonts-lmodern (/usr/share/texmf/fonts/opentype/public/lm-math/).

    apt-get install fonts-lmodern   # then remove it again: Chromium then uses it for every <math>,
                                    # which hides a missing font from the browser tests
    pip install fonttools==4.68.0 brotli==1.2.0     # (brotli: WOFF2's compression)
    python scripts/subset_math_font.py [path/to/latinmodern-math.otf]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf")
TARGET = ROOT / "docs" / "assets" / "fonts" / "site-math.woff2"
FAMILY = "Site Math"


def _ranges(*spans) -> set[int]:
    return {c for first, last in spans for c in range(first, last + 1)}


CHARACTERS = sorted(
    _ranges((0x20, 0x7E),                                  # ASCII
            (0x1D434, 0x1D467), (0x1D6A4, 0x1D6A5),        # mathematical italic Latin, ı ȷ
            (0x1D6E2, 0x1D71B),                            # mathematical italic Greek
            (0x2190, 0x2195), (0x21D0, 0x21D4), (0x27F5, 0x27F9),   # arrows
            (0x2308, 0x230B))                              # ceilings, floors
    | {0xA0, 0xAC, 0xB0, 0xB1, 0xB7, 0xD7, 0xF7,
       0x3D1, 0x3D5, 0x3D6, 0x3F1, 0x3F5,                  # ϑ ϕ ϖ ϱ ϵ
       0x210E, 0x2113, 0x2115, 0x211D, 0x2124,             # ℎ ℓ ℕ ℝ ℤ
       0x2016, 0x2026, 0x2032, 0x2033, 0x21A6,
       0x2200, 0x2202, 0x2203, 0x2205, 0x2207, 0x2208, 0x2209, 0x220F, 0x2211, 0x2212, 0x2213,
       0x2217, 0x2218, 0x221A, 0x221D, 0x221E, 0x2223, 0x2225, 0x2227, 0x2228, 0x2229, 0x222A,
       0x222B, 0x223C, 0x2248, 0x2260, 0x2261, 0x2264, 0x2265, 0x226A, 0x226B, 0x2282, 0x2283,
       0x2286, 0x2287, 0x2295, 0x2297, 0x2299, 0x22C5, 0x22EE, 0x22EF, 0x22F1, 0x27E8, 0x27E9})


def main(source: Path = SOURCE) -> None:
    options = subset.Options()
    # No GSUB feature: its script-size forms (ssty) would double the glyphs for a nuance; the
    # MATH table (sizes and assembly parts of the delimiters) is kept whole.
    options.layout_features = []
    options.flavor = "woff2"
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and the licence
    options.notdef_outline = True
    font = TTFont(source, recalcTimestamp=False)   # the same file from the same source
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=CHARACTERS)
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:   # the licence asks for a new name for a derived font
        if record.nameID in (1, 4, 16, 21):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "")
        elif record.nameID == 3:
            record.string = f"{FAMILY}: subset of {record.toUnicode()}"
    font.flavor = "woff2"
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET, reorderTables=False)
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size} bytes, {len(font.getGlyphOrder())} glyphs")


if __name__ == "__main__":
    main(*(Path(arg) for arg in sys.argv[1:]))
