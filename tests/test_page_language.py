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
                assert "步数 t" in svg or "y</text>" in svg, src
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
    assert re.search(r'<html lang="en"', english) and re.search(r'<html lang="zh"', chinese)
    site_path = re.sub(r"^https?://[^/]+", "", yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_url"])
    # GitHub Pages serves /404.html for every missing path: it offers the home of each language
    for page, own in ((english, "en"), (chinese, "zh")):
        article = page[page.index("<article"):page.index("</article>")]
        homes = dict((lang, href) for href, lang in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', article))
        assert homes == {"en": site_path, "zh": site_path + "zh/"}, homes
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", article).group(1)
        assert bool(CHINESE.search(heading)) == (own == "zh"), heading
