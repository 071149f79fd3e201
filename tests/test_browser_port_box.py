"""The paste-and-port box on the first screen of Home and the mapping page (issue 23, item 1), in a
real browser: the answer the page shows before any script is the converter's own, a pasted line of
either framework gets its answer, rows and notes in the page's language, and the box costs a reader
who only reads nothing (its script arrives when the box is first touched)."""

from __future__ import annotations

import re

import pytest

PAGES = ["", "rprop/", "zh/", "zh/rprop/"]
SCREENS = {"desktop": (1280, 800), "phone": (375, 740)}


def open_page(chromium, base_url, path, size=(1280, 800), scheme="light"):
    page = chromium.new_page(viewport={"width": size[0], "height": size[1]}, color_scheme=scheme)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    return page, requests


def answer(page) -> dict:
    """What the box shows: its code, the visible verdict, notes and row links (texts in order)."""
    return page.evaluate("""() => {
        const box = document.querySelector('.port-box');
        const shown = (e) => e && e.getClientRects().length > 0;   // drawn, not just without `hidden`
        const code = box.querySelector('.pb-code');
        return {
            code: shown(code) ? code.querySelector('code').textContent : null,
            verdict: [...box.querySelectorAll('[data-verdict]')].filter(shown).map((p) => p.dataset.verdict),
            verdictText: [...box.querySelectorAll('[data-verdict]')].filter(shown).map((p) => p.textContent.trim()),
            notes: [...box.querySelectorAll('.pb-notes li')].filter(shown).map((li) => li.textContent.trim()),
            rows: [...box.querySelectorAll('[data-row]')].filter(shown).map((a) => a.dataset.row),
            rowHrefs: [...box.querySelectorAll('[data-row]')].filter(shown).map((a) => a.href),
            target: shown(box.querySelector('.pb-target')),
            mounted: box.dataset.mounted === '1',
        };
    }""")


def paste(page, text: str) -> dict:
    page.fill("#pb-src", text)
    page.wait_for_function("document.querySelector('.port-box').dataset.mounted === '1'")
    return answer(page)


@pytest.mark.claim("home.paste-and-port")
@pytest.mark.parametrize("path", PAGES)
def test_the_answer_shown_before_the_script_is_the_converters(chromium, base_url, path):
    page, requests = open_page(chromium, base_url, path)
    static = answer(page)
    assert not static["mounted"] and not any("portbox.js" in url for url in requests), \
        "the box's script was loaded before the reader touched the box"
    page.focus("#pb-src")
    page.wait_for_function("document.querySelector('.port-box').dataset.mounted === '1'")
    live = answer(page)
    page.close()
    assert any("portbox.js" in url for url in requests)
    assert static["verdict"] == ["identical"] and static["rows"], static
    assert {**static, "mounted": True} == live


@pytest.mark.claim("home.paste-and-port")
@pytest.mark.parametrize("path", PAGES)
def test_a_pasted_line_of_either_framework_gets_its_answer(chromium, base_url, path):
    zh = path.startswith("zh/")
    page, _ = open_page(chromium, base_url, path)
    ms = paste(page, "opt = ms.nn.Rprop(net.trainable_params(), learning_rate=0.01, weight_decay=0.1)")
    assert ms["code"].startswith("opt = torch.optim.Rprop(model.parameters(), lr=0.01"), ms
    assert not ms["target"], "the MindSpore → torch direction has no target to pick"
    assert ms["verdict"] == ["different"] and ms["notes"] and "weight-decay" in ms["rows"], ms
    assert bool(re.search(r"[\u4e00-\u9fff]", " ".join(ms["notes"]))) == zh, ms["notes"]

    torch = paste(page, "torch.optim.Rprop(model.parameters(), lr=0.1, step_sizes=(1e-5, 10), maximize=True)")
    assert torch["target"] and torch["code"].startswith("mindspore.nn.Rprop(net.trainable_params(), learning_rate=0.1")
    assert torch["verdict"] == ["different"] and set(torch["rows"]) >= {"lr", "step-sizes", "maximize"}, torch
    page.check('input[name="pb-target"][value="mindspore-experimental"]')
    page.wait_for_timeout(50)
    experimental = answer(page)
    assert experimental["code"].startswith("mindspore.experimental.optim.Rprop(net.trainable_params(), lr=0.1"), experimental
    assert "maximize=True" in experimental["code"]

    adam = paste(page, "opt = torch.optim.Adam(model.parameters(), lr=1e-3)")
    assert adam["code"] is None and adam["verdict"] == ["error"] and not adam["target"], adam
    assert "torch.optim.Adam" in adam["verdictText"][0] and "mindspore.nn.Rprop" in adam["verdictText"][0]
    assert bool(re.search(r"[\u4e00-\u9fff]", adam["verdictText"][0])) == zh

    error = paste(page, "torch.optim.Rprop(model.parameters(), lr=-1)")
    assert error["code"] is None and error["verdict"] == ["error"] and error["rows"] == [], error
    assert "lr" in error["verdictText"][0]
    # every row link lands on a row of the mapping table of the same language
    links = torch["rowHrefs"]
    page.goto(links[0])
    ids = page.eval_on_selector_all("tr[id^=row-]", "rows => rows.map((r) => r.id)")
    page.close()
    assert all(link.split("#")[1] in ids for link in links), links
    assert ("/zh/" in links[0]) == zh


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("path", PAGES)
def test_the_box_is_on_the_first_screen(chromium, base_url, path, screen):
    """At 1280 × 800 the pasted line and the whole answer are in view without scrolling; on a phone
    the box and its text field start on the first screen."""
    width, height = SCREENS[screen]
    page, _ = open_page(chromium, base_url, path, (width, height), "dark")
    boxes = page.evaluate("""() => Object.fromEntries(['#pb-src', '.pb-code', '.pb-answer'].map(
        (s) => [s, document.querySelector(s).getBoundingClientRect().toJSON()]))""")
    sideways = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    page.close()
    assert boxes["#pb-src"]["bottom"] <= height, boxes
    if screen == "desktop":
        assert boxes[".pb-answer"]["bottom"] <= height, boxes
    assert sideways <= 0
