"""Figures as a reader meets them on the built pages (issue 23): each image carries its size, the tab
a figure set opens on draws no two different runs on top of each other, every figure is numbered
with an anchor of its own (alike in both languages), and hooks/figures.py does that for any page."""

from __future__ import annotations

import html
import itertools
import re

import numpy as np
import pytest

from sitebuild import load_hook

PAGES = {"en": "experiments/index.html", "zh": "zh/experiments/index.html"}
LINE_WIDTH = 1.6  # pt, the data curves' (scripts/experiments/figures.py)


def _page(site, language: str) -> str:
    return (site / PAGES[language]).read_text(encoding="utf-8")


def _svg(site, language: str, src: str) -> str:
    return (site / PAGES[language]).parent.joinpath(src.split("#")[0]).resolve().read_text(encoding="utf-8")


@pytest.mark.parametrize("language", PAGES)
def test_every_figure_image_carries_its_drawings_size(site, language):
    """Width and height in CSS px from the SVG's own size (pt × 4/3): the browser reserves the
    figure's box before the lazy image loads, so nothing below it moves (a link lands on its heading)."""
    images = re.findall(r"<img [^>]*>", _page(site, language))
    figures = [img for img in images if "/figures/" in img]
    assert len(figures) >= 40
    for img in figures:
        src = re.search(r'src="([^"]+)"', img).group(1)
        svg = _svg(site, language, src)
        width, height = (float(v) * 4 / 3 for v in
                         re.search(r'<svg[^>]*? width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
        assert re.search(rf'\swidth="{round(width)}"', img) and re.search(rf'\sheight="{round(height)}"', img), img


def _curves(svg: str) -> dict[str, np.ndarray]:
    """The data curves of a figure (the lines clipped to the plot at the curves' width), as their
    points in SVG coordinates, by group id."""
    found = {}
    for gid, path, style in re.findall(r'<g id="([^"]+)">\s*<path d="([^"]*)" clip-path="[^"]*" style="([^"]*)"', svg):
        if f"stroke-width: {LINE_WIDTH}" in style:
            found[gid] = np.array([[float(x), float(y)] for x, y in re.findall(r"[ML] ([-\d.e]+) ([-\d.e]+)", path)])
    return found


def _opening_figures(page: str) -> list[str]:
    """Per tab set, the images of the tab that is open when the page loads."""
    opened = []
    for tab_set in re.split(r'<div class="tabbed-set', page)[1:]:
        inputs = re.findall(r"<input [^>]*>", tab_set.split('<div class="tabbed-labels')[0])
        index = next(i for i, tag in enumerate(inputs) if "checked" in tag)
        block = tab_set.split('<div class="tabbed-block">')[1 + index]
        opened.append(re.findall(r'src="([^"]+/figures/[^"]+)"', block.split("</figure>")[0]))
    return opened


@pytest.mark.parametrize("language", PAGES)
def test_the_figure_a_tab_set_opens_on_draws_different_runs_apart(site, language):
    """Two runs whose data differ must be drawn apart, by more than twice the line width over at
    least a fifth of the steps (runs with equal data draw the very same path, and the page says they
    are equal). The ablation's losses, the documented formula's and the end-to-end run's are not: those
    scenarios open on the loss difference."""
    opened = _opening_figures(_page(site, language))
    assert len(opened) == 8
    checked = 0
    for images in opened:
        for src in [s for s in images if "-dark" not in s]:
            curves = _curves(_svg(site, language, src))
            assert curves, src
            for (a, p), (b, q) in itertools.combinations(curves.items(), 2):
                if np.array_equal(p, q):
                    continue
                xs = np.union1d(p[:, 0], q[:, 0])  # (Matplotlib drops vertices of long, smooth paths)
                apart = np.abs(np.interp(xs, p[:, 0], p[:, 1]) - np.interp(xs, q[:, 0], q[:, 1])) > 2 * LINE_WIDTH
                assert apart.mean() >= 0.2, f"{src}: {a} and {b} apart on {apart.mean():.0%} of the steps"
                checked += 1
    assert checked >= 10
    assert any("ablation-loss-difference" in s for images in opened for s in images)


def _numbered(page: str) -> list[tuple[str, str]]:
    """(number, anchor) of every figure caption, in page order."""
    return [(html.unescape(number), anchor) for number, anchor in re.findall(
        r'<figcaption>\s*<p><span class="figure-number">([^<]*)</span>.*?'
        r'<a class="headerlink" href="#([^"]+)"[^>]*>', page, re.S)]


def test_figures_are_numbered_with_anchors_of_their_own_alike_in_both_languages(site):
    english, chinese = _numbered(_page(site, "en")), _numbered(_page(site, "zh"))
    assert len(english) >= 20
    assert [a for _, a in english] == [a for _, a in chinese]
    numbers = [re.fullmatch(r"Figure (\d+)([a-z]?)\.", n).groups() for n, _ in english]
    assert [re.fullmatch(r"图 (\d+)([a-z]?)", n).groups() for n, _ in chinese] == numbers
    # numbered 1, 2, … in page order, one number per tab set, its tabs lettered a, b, …
    assert [int(n) for n, _ in numbers] == sorted(int(n) for n, _ in numbers)
    assert sorted({int(n) for n, _ in numbers}) == list(range(1, 9))
    for number in {n for n, _ in numbers}:
        letters = [letter for n, letter in numbers if n == number]
        assert letters == list("abcd"[:len(letters)]), (number, letters)
    page = _page(site, "en")
    for _, anchor in english:
        assert anchor.startswith("fig-") and page.count(f'id="{anchor}"') == 1, anchor
        # the anchor is the radio input of the figure's tab: Material opens that tab on arrival
        assert re.search(rf'<input [^>]*id="{anchor}"[^>]*type="radio"', page), anchor
    assert ("7c", "fig-ablation-loss-difference") in {(n + letter, a) for (n, letter), (_, a) in zip(numbers, english)}
    assert re.search(r'title="永久链接">&para;</a></p>\s*</figcaption>', _page(site, "zh"))


def test_the_numbering_hook_numbers_any_figures_and_gives_tabbed_ones_their_tabs_anchor():
    figures = load_hook("figures")
    page = ('<p>x</p><figure><img src="a.png"></figure>'
            '<div class="tabbed-set tabbed-alternate" data-tabs="1:2"><input checked="checked" id="__tabbed_1_1" '
            'name="__tabbed_1" type="radio" /><input id="__tabbed_1_2" name="__tabbed_1" type="radio" />'
            '<div class="tabbed-labels"><label for="__tabbed_1_1">A</label><label for="__tabbed_1_2">B</label></div>'
            '<div class="tabbed-content"><div class="tabbed-block"><p>no figure</p></div>'
            '<div class="tabbed-block"><figure id="fig-b"><img src="b.png"><figcaption>\n<p>B</p>\n</figcaption>'
            '</figure></div></div></div>'
            '<figure id="fig-c"><img src="c.png"><figcaption>C</figcaption></figure>')
    out = figures.number_figures(page, "Abb. {}", "Link")
    assert '<figure id="fig-1"><img src="a.png"><figcaption><span class="figure-number">Abb. 1</span>' in out
    # a tab set with one figure: no letter; the figure's id moves to its tab's input and label
    assert '<input id="fig-b" name="__tabbed_1" type="radio" />' in out and '<label for="fig-b">B</label>' in out
    assert '<figure><img src="b.png"><figcaption>\n<p><span class="figure-number">Abb. 2</span>B' in out
    assert '<a class="headerlink" href="#fig-b" title="Link">&para;</a></p>' in out
    assert '<figure id="fig-c"><img src="c.png"><figcaption><span class="figure-number">Abb. 3</span>C' in out
