"""A Griffe extension for mkdocstrings: every docstring in the language of the page that shows it.

A docstring may end with one section per translation, titled with that language's marker
(`中文:`, mapped by the `translations` option) and holding the whole docstring written natively
in that language, in the same docstring style: its `Attributes:` and `Args:` name the same fields
and parameters as the original. The translation sits next to the text it translates, so a change
to one shows in the diff beside the other (and tests/test_page_language.py checks that every
object the API page shows has one, naming the same fields).

In the build of a translated language (`language`, which hooks/language.py sets for each
language's build) an object shows its translation instead of the original; in every other build
the translations are dropped. Lines of a translation break anywhere, as in the original; a break
between two Chinese characters is removed (a browser shows it as a space). A display formula is written once, in the original: an empty
`$$` / `$$` pair in a translation stands for the original's next formula.
"""

from __future__ import annotations

import re
import textwrap

from griffe import Extension

_FORMULA = re.compile(r"^\$\$\n.*?\n\$\$$", re.M | re.S)
_EMPTY_FORMULA = re.compile(r"^\$\$\n\$\$$", re.M)
# A line break between two CJK characters or punctuation marks (either maybe emphasised): the
# browser would show it as a space.
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_LINE_BREAK = re.compile(f"(?:(?<=[{_CJK}])|(?<=[{_CJK}][*_]))\n[ \t]*(?=[*_]?[{_CJK}])")


def split(docstring: str, markers: dict[str, str]) -> tuple[str, dict[str, str]]:
    """`(original, {language: translation})` of a docstring's text."""
    titles = {f"{marker}:": language for language, marker in markers.items()}
    original: list[str] = []
    translations: dict[str, list[str]] = {}
    current = original
    for line in docstring.split("\n"):
        if line.rstrip() in titles:  # a section title: not indented
            current = translations.setdefault(titles[line.rstrip()], [])
        else:
            current.append(line)
    return ("\n".join(original).rstrip(),
            {language: textwrap.dedent("\n".join(lines)).strip() for language, lines in translations.items()})


def localise(docstring: str, markers: dict[str, str], language: str) -> str:
    """The docstring to show in `language`'s build."""
    original, translations = split(docstring, markers)
    if language not in translations:
        return original
    formulas = iter(_FORMULA.findall(original))
    translation = _CJK_LINE_BREAK.sub("", translations[language])
    return _EMPTY_FORMULA.sub(lambda _: next(formulas, "$$\n$$"), translation)


class TranslatedDocstrings(Extension):
    def __init__(self, translations: dict[str, str], language: str = ""):
        super().__init__()
        self.markers = translations
        self.language = language

    def on_instance(self, *, obj, **_) -> None:
        if obj.docstring is not None:
            obj.docstring.value = localise(obj.docstring.value, self.markers, self.language)
