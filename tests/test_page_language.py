"""Everything generated is in the page's language: the experiments' figures and their alternative
text, the site's chrome (name, palette toggle, permanent links, 404 page) and the API reference."""

from __future__ import annotations

import html
import re

import yaml

from sitebuild import ROOT

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _read(site, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


# --- figures ---------------------------------------------------------------------------------------

AXIS_ZH = yaml.safe_load((ROOT / "scripts/experiments/figure_text.yml").read_text(encoding="utf-8"))["step"]["zh"]


def test_chinese_experiments_page_shows_chinese_figures_with_chinese_punctuation(site):
    for language, page in (("en", "experiments/index.html"), ("zh", "zh/experiments/index.html")):
        images = re.findall(r'<img alt="([^"]*)"[^>]*src="([^"#]+)#only-', _read(site, page))
        assert len(images) >= 20
        for alt, src in images:
            alt = html.unescape(alt)
            if language == "zh":
                assert "-zh" in src, src
                assert ": " not in alt and "：" in alt and CHINESE.search(alt), alt
                svg = (site / "zh/experiments" / src).resolve().read_text(encoding="utf-8")
                assert AXIS_ZH in svg or "y</text>" in svg, src
            else:
                assert "-zh" not in src and not CHINESE.search(alt), (src, alt)


# --- site chrome -----------------------------------------------------------------------------------

def _chrome(site, page: str) -> dict:
    text = _read(site, page)
    return {"title": re.search(r"<title>(.*?)</title>", text).group(1),
            "topic": re.search(r'<span class="md-ellipsis">\s*([^<]*?)\s*</span>', text).group(1),
            "toggles": re.findall(r'<label class="md-header__button md-icon" title="([^"]+)" for="__palette', text),
            "permalinks": set(re.findall(r'class="headerlink"[^>]*title="([^"]+)"|title="([^"]+)"[^>]*class="headerlink"', text)),
            "lang": re.search(r'<html lang="([^"]+)"', text).group(1)}


def test_chinese_pages_name_the_site_its_palette_toggles_and_permanent_links_in_chinese(site):
    for page in ("index.html", "reference/index.html", "experiments/index.html"):
        english, chinese = _chrome(site, page), _chrome(site, "zh/" + page)
        assert not CHINESE.search(english["title"] + english["topic"]), english
        assert chinese["title"].endswith("Rprop 迁移参考") and chinese["topic"] == "Rprop 迁移参考", chinese
        assert english["toggles"] == ["Switch to dark mode", "Switch to light mode"], english
        assert chinese["toggles"] == ["切换到深色模式", "切换到浅色模式"], chinese
        assert {t for pair in english["permalinks"] for t in pair if t} == {"Permanent link"}
        assert {t for pair in chinese["permalinks"] for t in pair if t} == {"永久链接"}, chinese["permalinks"]


def test_each_language_has_its_404_page_and_the_default_one_leads_to_every_home(site):
    english, chinese = _read(site, "404.html"), _read(site, "zh/404.html")
    assert re.search(r'<html lang="en"', english) and re.search(r'<html lang="zh-CN"', chinese)
    site_path = re.sub(r"^https?://[^/]+", "", yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_url"])
    # GitHub Pages serves /404.html for every missing path: it offers the home of each language
    for page, own in ((english, "en"), (chinese, "zh")):
        article = page[page.index("<article"):page.index("</article>")]
        homes = dict((lang, href) for href, lang in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', article))
        assert homes == {"en": site_path, "zh": site_path + "zh/"}, homes
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", article).group(1)
        assert bool(CHINESE.search(heading)) == (own == "zh"), heading
        # the header's language switch too (it pointed at the last page built, issue 14)
        switch = dict((lang, href) for href, lang in
                      re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"[^>]*class="md-select__link"', page))
        assert switch == {"en": site_path, "zh": site_path + "zh/"}, (own, switch)


def test_404_pages_name_no_language_alternates(site):
    """A 404 page is served at any missing address and translates no page: its head carries no
    `<link rel="alternate" hreflang>` (the Chinese one named the Versions pages, the last page its
    build rendered; the header's language switch leads to the home pages instead)."""
    for page in ("404.html", "zh/404.html"):
        head = _read(site, page).split("</head>")[0]
        assert not re.findall(r"<link[^>]*hreflang[^>]*>", head), (page, re.findall(r"<link[^>]*hreflang[^>]*>", head))


# --- the API reference ------------------------------------------------------------------------------

def _shown_objects() -> list:
    """Every object the API page shows: its `:::` identifiers and, below them, every public member
    with a docstring (mkdocstrings' defaults: `filters: ["!^_[^_]"]`, `show_if_no_docstring: false`;
    names imported into a module are not shown)."""
    import griffe
    identifiers = re.findall(r"^::: (\S+)", (ROOT / "docs" / "reference.en.md").read_text(encoding="utf-8"), re.M)
    assert identifiers == re.findall(r"^::: (\S+)", (ROOT / "docs" / "reference.zh.md").read_text(encoding="utf-8"), re.M)
    shown = []

    def walk(obj):
        shown.append(obj)
        if obj.is_module or obj.is_class:
            for name, member in obj.members.items():
                if not (name.startswith("_") and not name.startswith("__")) and not member.is_alias and member.docstring:
                    walk(member)

    for identifier in identifiers:   # a module of scripts/ (`reference_checks`) or a package's member
        top, _, rest = identifier.partition(".")
        obj = griffe.load(top, search_paths=[str(ROOT / "scripts")], docstring_parser="google")
        obj = obj[rest] if rest else obj
        walk(obj.final_target if obj.is_alias else obj)
    return shown


def _names(docstring: str, parent, kinds=("attributes", "parameters")) -> dict[str, list[str]]:
    from griffe import Docstring
    sections = Docstring(docstring, parent=parent).parse("google", warnings=False)
    return {s.kind.value: [item.name for item in s.value] for s in sections if s.kind.value in kinds}


def test_every_object_on_the_api_page_has_a_chinese_description_of_the_same_fields():
    from sitebuild import load_hook
    split = load_hook("translated_docstrings").split
    shown = _shown_objects()
    assert len(shown) >= 20
    missing, mismatched = [], []
    for obj in shown:
        english, translations = split(obj.docstring.value, {"zh": "中文"})
        chinese = translations.get("zh", "")
        if not CHINESE.search(chinese):
            missing.append(obj.path)
        elif _names(english, obj) != _names(chinese, obj):
            mismatched.append(f"{obj.path}: {_names(english, obj)} ≠ {_names(chinese, obj)}")
    assert not missing, f"no Chinese description (a `中文:` section): {missing}"
    assert not mismatched, "\n".join(mismatched)


def test_the_api_page_shows_each_language_only_in_its_own_language(site):
    from sitebuild import load_hook
    split = load_hook("translated_docstrings").split
    english_page, chinese_page = (html.unescape(re.sub(r"<[^>]+>", "", _read(site, page)))
                                  for page in ("reference/index.html", "zh/reference/index.html"))
    for obj in _shown_objects():
        english, translations = split(obj.docstring.value, {"zh": "中文"})
        first_words = re.sub(r"`", "", english.split("\n")[0])[:40]
        assert first_words in english_page and first_words not in chinese_page, obj.path
    assert "中文:" not in english_page and not CHINESE.search(english_page[english_page.index("rprop_ref.make"):])
    # mkdocstrings' own words (section titles, table headers) in the page's language too
    assert "属性：" in chinese_page and "描述" in chinese_page and "Attributes:" not in chinese_page


def test_chinese_descriptions_show_no_space_where_a_line_was_broken(site):
    blocks = re.findall(r"<(p|td|li)>(.*?)</\1>", _read(site, "zh/reference/index.html"), re.S)
    text = [re.sub(r"<[^>]+>", "", block) for _, block in blocks]
    spaced = [m for t in text for m in re.findall(r".{4}[\u4e00-\u9fff，。；：、（）]\s+[\u4e00-\u9fff，。；：、（）].{4}", t)]
    assert not spaced
