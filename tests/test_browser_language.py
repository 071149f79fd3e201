"""Chinese figures in a real browser: their text is drawn with a Chinese system font (Matplotlib
wrote it as text, laid out with DejaVu Sans) and still fits inside each figure."""

from __future__ import annotations

import re

import pytest

import oracles

STACK = {"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
         "WenQuanYi Micro Hei"}


def _chinese_figures(site) -> list[str]:
    page = (site / "zh" / "experiments" / "index.html").read_text(encoding="utf-8")
    return sorted(set(re.findall(r'src="\.\./\.\./(figures/[^"#]+-zh(?:-dark)?\.svg)#', page)))


def test_chinese_figure_text_is_drawn_with_a_chinese_font(site, base_url, chromium):
    page = chromium.new_page()
    page.goto(base_url + "figures/defaults-step-size-zh.svg")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    document = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    fonts = set()
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": document, "selector": "text"})["nodeIds"]
    assert nodes and re.search(r"[\u4e00-\u9fff]", page.content()), "the Chinese figure has no Chinese text"
    for node in nodes:
        found = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        fonts |= {font["familyName"] for font in found}
    page.close()
    if not fonts & STACK:
        oracles.unavailable(f"no Chinese font of the figures' stack draws their text (drawn with {sorted(fonts)}); "
                            "apt-get install -y fonts-wqy-microhei")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chinese_figure_text_fits_inside_each_figure(site, base_url, chromium, scheme):
    """Matplotlib measured the Chinese text with DejaVu Sans (as its missing-glyph box); drawn with a
    real Chinese font it must still lie inside the figure (an SVG shown as an image clips what lies
    outside its viewBox)."""
    figures = [f for f in _chinese_figures(site) if f.endswith("-dark.svg") == (scheme == "dark")]
    assert len(figures) >= 10
    page = chromium.new_page()
    outside = []
    for figure in figures:
        page.goto(base_url + figure)
        outside += page.evaluate("""name => {
            const box = document.documentElement.getBoundingClientRect();
            return [...document.querySelectorAll('text')].filter(t => /[\u4e00-\u9fff]/.test(t.textContent)).filter(t => {
                const b = t.getBoundingClientRect();
                return b.left < box.left - 0.5 || b.top < box.top - 0.5 ||
                       b.right > box.right + 0.5 || b.bottom > box.bottom + 0.5;
            }).map(t => name + ': ' + t.textContent);
        }""", figure)
    page.close()
    assert not outside, outside
