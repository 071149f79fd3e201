"""The language of the built site: a Chinese reader meets no English UI text and each term of
data/glossary.yml in one rendering only; an English reader meets no stray Chinese. What is read
(text outside code and math, attributes, embedded SVG figures, the playground's messages) is in
tests/sitetext.py; a finding names page, region, element and text. And the typography of the
Chinese we write (docs/*.zh.md, the zh fields of data/): spaced Latin, no space after full-width
punctuation.
"""

from __future__ import annotations

import ast
import re

import pytest
import yaml

from sitebuild import ROOT
from sitetext import PageTexts, Text, playground_texts, site_texts

GLOSSARY = yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))

# Findings in text that other work owns, as (region, word or variant). MUST BE EMPTY BEFORE
# LANDING: each entry is a defect a reader sees today. An entry that no longer occurs fails
# test_owned_elsewhere_lists_only_what_still_occurs, so the list only shrinks. ("api", "*") stands
# for the whole API page body (English docstrings); marking it lang="en" would also clear it.
# Prose (docs/*.md, data/*.yml) is never listed here: it must pass.
_OWNED = {
}
OWNED_ELSEWHERE: set[tuple[str, str]] = {(region, word) for region, words in _OWNED.items()
                                         for word in words.split()}


@pytest.fixture(scope="module")
def texts(site) -> dict[str, list[Text]]:
    return site_texts(site, playground_texts())


# --- the checks -------------------------------------------------------------------------------------

ALLOWED_WORDS = {w for entry in GLOSSARY["latin_allowed"] for w in entry["words"]}
LATIN_PHRASES = [entry["text"] for entry in GLOSSARY["latin_phrases"]]
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[.'’-][A-Za-z0-9_]+)*⁻?")
HAN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff5e]+")


def english_words(text: str) -> list[str]:
    """Latin-script words of `text` that are not shaped like code, a name or a symbol: a word with
    `_`, `.`, a digit or an inner capital, an acronym, a call `f(`, a keyword `k=`, a fragment
    `#id`, a version's local part `+cpu`, a URL."""
    text = re.sub(r"https?://\S+|`[^`]*`", " ", text)   # (the playground marks code with backticks)
    for phrase in LATIN_PHRASES:
        text = text.replace(phrase, " ")
    words = []
    for m in WORD.finditer(text):
        word, before, after = m.group(0), text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
        code_shaped = (re.search(r"[_.\d]|[a-z][A-Z]|[A-Z]{2}", word) or after in ("(", "=")
                       or (before and before in "#+=/\\"))
        if len(word) > 1 and not code_shaped and word not in ALLOWED_WORDS:
            words.append(word)
    return words


def stray_chinese(text: str) -> list[str]:
    for allowed in GLOSSARY["zh_on_english"]:
        text = text.replace(allowed["text"], " ")
    return HAN.findall(text)


def variants(text: str) -> list[str]:
    """The glossary's `avoid` renderings and its calques that occur in `text` (a term's `except`
    phrases, which contain one of its variants but name another concept, set aside)."""
    found = []
    for term in GLOSSARY["terms"]:
        rest = text
        for phrase in term.get("except", ()):
            rest = rest.replace(phrase, " ")
        for variant in term["avoid"]:
            pattern = rf"\b{re.escape(variant)}\b" if variant.isascii() else re.escape(variant)
            if re.search(pattern, rest):
                found.append(variant)
    return found + [calque["text"] for calque in GLOSSARY["calques"] if calque["text"] in text]


def check(texts: list[Text], find) -> tuple[list[str], set]:
    """Findings that fail (prose, or another region not in OWNED_ELSEWHERE), and the
    OWNED_ELSEWHERE entries that did occur."""
    failures, owned = [], set()
    for text in texts:
        if text.region in ("switcher", "quoted", "identifier"):
            continue
        for word in find(text.text):
            key = (text.region, "*" if (text.region, "*") in OWNED_ELSEWHERE else word)
            if text.region != "prose" and key in OWNED_ELSEWHERE:
                owned.add(key)
            else:
                failures.append(f"{text} → {word}")
    return failures, owned


@pytest.fixture(scope="module")
def findings(texts) -> dict[str, tuple[list[str], set]]:
    return {"english on zh": check(texts["zh"], english_words),
            "variants on zh": check(texts["zh"], variants),
            "chinese on en": check(texts["en"], stray_chinese)}


def test_chinese_pages_show_no_english_ui_text(findings):
    failures, _ = findings["english on zh"]
    assert not failures, "English on the Chinese pages:\n" + "\n".join(failures)


def test_each_glossary_term_is_rendered_one_way_on_the_chinese_pages(texts, findings):
    failures, _ = findings["variants on zh"]
    assert not failures, "Renderings data/glossary.yml rules out (`avoid`):\n" + "\n".join(failures)
    # (joined as read: a table cell breaks its Chinese words with <wbr>, one text node each)
    prose = "".join(t.text for t in texts["zh"] if t.region == "prose")
    unused = [term["zh"] for term in GLOSSARY["terms"] if term["zh"] not in prose]
    assert not unused, f"glossary terms no Chinese page uses (drop them or use them): {unused}"


CHINESE_CHAR = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"   # characters and full-width punctuation


def _python_strings(path):
    """The Chinese string constants of a Python file: `中文:` docstring sections (without the
    English above them), messages, the words a hook writes into pages."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(f"[{CHINESE_CHAR}]", node.value):
            yield f"{path.relative_to(ROOT)}:{node.lineno}", node.value.split("中文:")[-1]


def generated_chinese():
    """(where, text) of every Chinese string a page is generated from, shown as prose or not: the
    hooks' words, the figure text and run labels of scripts/experiments/, the docstrings of
    scripts/rprop_ref/ (the API page), the messages of snippets/ (rprop_checkpoint.py's
    `CheckpointError`), the zh fields of data/ (the glossary, which lists the variants, aside)."""
    code = [*(ROOT / "hooks").glob("*.py"), *(ROOT / "scripts").rglob("*.py"), *(ROOT / "snippets").glob("*.py")]
    for path in sorted(code):
        yield from _python_strings(path)
    for path in sorted([*(ROOT / "scripts" / "experiments").glob("*.yml"), *(ROOT / "data").glob("*.yml")]):
        if path.name != "glossary.yml":
            yield from _zh_fields(yaml.safe_load(path.read_text(encoding="utf-8")), str(path.relative_to(ROOT)))


def test_generated_chinese_uses_each_glossary_term_one_way():
    """Also text the built-site check cannot see (code blocks, a figure or message no page shows
    today): a variant there reaches readers as soon as it is shown."""
    found = [f"{where} → {variant}" for where, text in generated_chinese()
             for variant in variants(re.sub(r"`[^`]*`", " ", text))]   # code keeps its names
    assert not found, "Renderings data/glossary.yml rules out, in generated text:\n" + "\n".join(found)


def test_the_variant_check_finds_each_old_rendering_and_spares_other_concepts():
    assert variants("MindSpore 的学习率列表用完时") == ["学习率列表"]
    assert variants("学习率调度 learning_rate 各行长度不一") == ["学习率调度"]
    assert variants("PyTorch 的学习率调度器；动态学习率") == []
    assert variants("两份脚本均可直接运行") == [] and variants("直接训练得到的损失") == ["直接训练"]
    assert variants("必须是由 `float` 组成的元组") == ["组成的元组"]
    assert variants("每一步与第一组运行的损失之差") == ["第一组运行"]


def test_chinese_pages_put_no_space_between_chinese_characters(texts):
    """A line break or space between two Chinese characters or full-width marks shows as a space
    (Chromium); so does a space a template leaves after `）`: 「（共 2 个版本） 下」, or a docstring's
    line break after a full-width mark: 「用完时； torch」."""
    spaced = re.compile(f"[{CHINESE_CHAR}][ \t\n]+[{CHINESE_CHAR}]|[，。；：、（）！？“”《》「」][ \t\n]+\\S")
    found = [f"{text} → {m.group(0)!r}" for text in texts["zh"]
             if text.region not in ("switcher", "quoted", "identifier", "playground")
             for m in spaced.finditer(text.text)]
    assert not found, "\n".join(found)


def test_chinese_pages_put_no_space_between_full_width_marks_and_code(site):
    """The check above reads text nodes, so a space between a full-width mark and an inline `<code>`
    (「编译失败： <code>Cannot join</code>」, a docstring's line break) slipped past it: read the HTML."""
    mark = "[，。；：、（）！？“”]"
    # (not the claim ids the Versions table sets apart after each label: <code class="cid">)
    spaced = re.compile(f"{mark}[ \t\n]+<code(?! class=\"cid\")|</code>[ \t\n]+{mark}")
    verbatim = re.compile(r"<(pre|script|style|textarea|math)\b.*?</\1>", re.S)
    found = [f"{page.relative_to(site)}: {m.group(0)!r}" for page in sorted((site / "zh").rglob("*.html"))
             for m in spaced.finditer(verbatim.sub("", page.read_text(encoding="utf-8")))]
    assert not found, "\n".join(found)


def test_chinese_pages_join_list_items_with_chinese_marks(texts):
    """「PyTorch 2.13.0、MindSpore 2.7.0」, not 「PyTorch 2.13.0, MindSpore 2.7.0」 (a call's
    arguments, `clip(lr, step_sizes)`, keep their comma)."""
    listed = re.compile(r"[A-Za-z0-9+.]+, [A-Za-z]")
    found = [f"{text} → {m.group(0)!r}" for text in texts["zh"]
             if text.region not in ("switcher", "quoted", "identifier", "playground")
             for m in listed.finditer(re.sub(r"\([^()]*\)", "()", text.text))]
    assert not found, "\n".join(found)


def test_english_pages_show_no_stray_chinese(findings):
    failures, _ = findings["chinese on en"]
    assert not failures, "Chinese on the English pages:\n" + "\n".join(failures)


def test_owned_elsewhere_lists_only_what_still_occurs(findings):
    """The list of known defects owned by other work only shrinks: an entry that no longer
    occurs must be removed (and the list must be empty before landing)."""
    occurring = set().union(*(owned for _, owned in findings.values()))
    assert OWNED_ELSEWHERE <= occurring, f"fixed, remove from OWNED_ELSEWHERE: {OWNED_ELSEWHERE - occurring}"


@pytest.mark.parametrize("text, words", [
    ("参数 `lr` 必须大于 0", []),
    ("Switch to dark mode", ["Switch", "to", "dark", "mode"]),
    ("在 CPU 上用 PyTorch 2.13 与 MindSpore 运行 Linear(2, 3)，步长为 step_sizes", []),
    ("次正规数 Tensor 按零处理", ["Tensor"]),
    ("步数 t，相差 2 ulp，在 AMD EPYC 上", []),
])
def test_the_english_word_check_tells_words_from_code(text, words):
    assert english_words(text) == words


def test_regions_tell_prose_from_code_chrome_figures_and_quotations():
    source = ('<html lang="zh"><head><title>站名</title></head><body><header>Switch</header><article>'
              '<h2 id="s">标题</h2><p>正文<code>skipped</code></p><p lang="en">Cited</p>'
              '<img alt="图" src="f.svg"><div class="doc"><h2 id="m.Plan">Plan</h2><p>Doc</p></div>'
              '</article></body></html>')
    parsed = PageTexts("zh/x/index.html", source)
    assert {(t.region, t.text) for t in parsed.texts} == {
        ("chrome", "站名"), ("chrome", "Switch"), ("prose", "标题"), ("prose", "正文"), ("quoted", "Cited"),
        ("figure", "图"), ("identifier", "Plan"), ("api", "Doc")}
    assert parsed.figures == [("s", "f.svg")]


# --- typography of the Chinese sources ---------------------------------------------------------------

def _zh_fields(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "zh" and isinstance(value, str):
                yield path, value
            else:
                yield from _zh_fields(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _zh_fields(value, f"{path}[{i}]")


def chinese_sources():
    """(where, text) of every Chinese line we write: docs/*.zh.md, the blocks pages include
    (overrides/includes/*.zh.html) and the zh fields of data/."""
    for page in [*sorted((ROOT / "docs").glob("*.zh.md")), *sorted((ROOT / "overrides" / "includes").glob("*.zh.html"))]:
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            yield f"{page.relative_to(ROOT)}:{number}", line
    for name in ("rprop-mapping.yml", "claims.yml", "version-notes.yml"):
        yield from _zh_fields(yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8")), name)


CJK = "\u4e00-\u9fff"
# Code, markers, math, tags, link targets, attribute lists and URLs, which follow their own rules;
# and the one title quoted exactly as MindSpore writes it.
NOT_PROSE = re.compile(r"`[^`]*`|\[\[[^\]]*\]\]|\$[^$]*\$|<[^>]+>|\]\([^)]*\)|\{[^}]*\}|https?://\S+"
                       r"|比较与torch\.optim\.Rprop的差异")
TYPOGRAPHY = re.compile(rf"[，。；：？！）」、]\**\s+[{CJK}]|[{CJK}][A-Za-z0-9]|[A-Za-z0-9][{CJK}]")


def test_chinese_sources_space_latin_and_not_full_width_punctuation():
    """A half-width space between Chinese and Latin letters or digits; none after full-width
    punctuation (「反过来？** 本站」 renders as 「？ 本站」)."""
    found = [f"{where}: {m.group(0)!r}" for where, text in chinese_sources()
             for m in TYPOGRAPHY.finditer(NOT_PROSE.sub("§", text))]
    assert not found, "\n".join(found)


def test_chinese_sources_break_no_line_between_chinese_characters():
    """A browser shows a line break between two Chinese characters as a space (「都成立， 其所在」):
    a paragraph of docs/*.zh.md breaks its lines only next to Latin text, or not at all."""
    fence = re.compile(r"^(\s*)(```|~~~).*?^\1\2", re.M | re.S)
    broken = re.compile(f"[{CHINESE_CHAR}][*_]?\n[ \t]*[*_]?[{CHINESE_CHAR}]")
    found = [f"docs/{page.name}:{source[:m.start()].count(chr(10)) + 1}: {m.group(0)!r}"
             for page in sorted((ROOT / "docs").glob("*.zh.md"))
             for source in [fence.sub(lambda f: "\n" * f.group(0).count("\n"), page.read_text(encoding="utf-8"))]
             for m in broken.finditer(source)]
    assert not found, "\n".join(found)


def test_chinese_version_notes_are_whole_sentences():
    """A note follows a claim's ✓ in the prose (「……都是如此。✓ MindSpore 2.7.0–2.7.2：……」): it
    ends as a sentence does."""
    notes = yaml.safe_load((ROOT / "data" / "version-notes.yml").read_text(encoding="utf-8"))["notes"]
    assert [note["zh"] for note in notes if not note["zh"].endswith("。")] == []
