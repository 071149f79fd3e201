"""The playground page in real Chromium: it computes, redraws on input, keeps its state in the
URL, restores a shared URL, reports bad values in the reader's language, and converts calls."""

from __future__ import annotations

import json
import re
import subprocess
from urllib.parse import urlsplit

import pytest

import oracles
from sitebuild import ROOT




def open_page(chromium, url, width=1280):
    page = chromium.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#pg-root[data-ready=true]")
    return page, errors


def points(page, plot):
    return page.locator(f"#{plot} polyline").evaluate_all("els => els.map(e => e.getAttribute('points'))")


@pytest.mark.claim("playground.url-state")
def test_changing_a_control_redraws_the_plots_and_updates_the_url(base_url, chromium):
    page, errors = open_page(chromium, base_url + "playground/")
    before = points(page, "pg-loss")
    assert len(before) == 2 and all(p.count(",") == 101 for p in before)  # 100 steps + start, both sides
    page.locator("#pg-t_lr_log").fill("-1")          # the PyTorch lr slider to 0.1
    assert page.locator("#pg-t_lr").input_value() == "0.1"
    after = points(page, "pg-loss")
    assert after[0] != before[0] and after[1] == before[1]
    assert "t_lr=0.1" in page.url
    # PyTorch lr 0.1 now equals MindSpore's default: the runs coincide
    assert "bit-identical" in page.locator("#pg-readout").inner_text()
    assert errors == []
    page.close()


@pytest.mark.claim("playground.url-state")
def test_a_shared_url_restores_its_state(base_url, chromium):
    query = "?problem=rosenbrock&steps=300&seed=3&t_lr=0.05&m_variant=mindspore-doc&m_lr=0.05&m_wd=0.01"
    page, errors = open_page(chromium, base_url + "playground/" + query)
    for control, value in {"problem": "rosenbrock", "steps": "300", "seed": "3", "t_lr": "0.05",
                           "m_variant": "mindspore-doc", "m_lr": "0.05", "m_wd": "0.01"}.items():
        assert page.locator(f"#pg-{control}").input_value() == value, control
    assert page.locator("#pg-trajectories").is_visible()
    assert all(p.count(",") == 301 for p in points(page, "pg-loss"))
    assert urlsplit(page.url).query == query[1:]
    assert errors == []
    page.close()


@pytest.mark.parametrize(("language", "expected", "labels"), [
    ("", "is not", ["PyTorch lr", "Steps", "Problem"]), ("zh/", "无效", ["PyTorch 的 lr", "步数", "问题"])])
def test_a_bad_url_value_shows_a_message_and_the_page_still_works(base_url, chromium, language, expected, labels):
    page, errors = open_page(chromium, base_url + language + "playground/?t_lr=abc&steps=-5&problem=nope")
    message = page.locator("#pg-messages")
    assert message.is_visible()
    text = message.inner_text()
    assert expected in text and all(label in text for label in labels)
    assert "“abc”" in text and "“-5”" in text and "“nope”" in text and "t_lr" not in text
    assert len(points(page, "pg-loss")) == 2   # defaults used instead: the plots are there
    assert errors == []
    page.close()


def test_invalid_settings_in_a_control_are_reported_not_crashed_on(base_url, chromium):
    page, errors = open_page(chromium, base_url + "playground/")
    page.locator("#pg-m_etas").fill("1.5,1.2")   # etaminus must be < 1: MindSpore rejects it
    assert page.locator("#pg-messages").is_visible()
    assert "etaminus" in page.locator("#pg-messages").inner_text()
    page.locator("#pg-m_etas").fill("0.5,1.2")
    assert page.locator("#pg-messages").is_hidden()
    assert errors == []
    page.close()


def test_presets_and_reset(base_url, chromium):
    page, _ = open_page(chromium, base_url + "playground/")
    assert "differ at step 1" in page.locator("#pg-readout").inner_text()      # each with its defaults
    page.locator("#pg-preset-agree").click()
    assert "bit-identical" in page.locator("#pg-readout").inner_text()
    page.locator("#pg-preset-doc").click()
    assert page.locator("#pg-m_variant").input_value() == "mindspore-doc"
    page.locator("#pg-reset").click()
    assert urlsplit(page.url).query == ""
    page.close()


def test_the_converter_prints_the_target_call_and_keeps_it_in_the_url(base_url, chromium):
    page, errors = open_page(chromium, base_url + "playground/")
    page.locator("#pg-conv_src").fill("torch.optim.Rprop(model.parameters(), lr=0.05, step_sizes=(1e-6, 50))")
    code = page.locator("#pg-conv-code").inner_text()
    assert "learning_rate=0.05" in code and "50.0" in code
    assert "conv_src=" in page.url
    page.locator("#pg-conv_src").fill("torch.optim.Rprop(model.parameters(), lr=")
    assert page.locator("#pg-conv-verdict").inner_text().strip() and page.locator("#pg-conv-code").inner_text() == ""
    assert errors == []
    page.close()


def test_controls_are_labelled_and_keyboard_operable(base_url, chromium):
    page, _ = open_page(chromium, base_url + "playground/", width=375)
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('.playground input, .playground select, .playground textarea')]
        .filter(e => !document.querySelector(`label[for="${e.id}"]`)).map(e => e.id)""")
    assert unlabelled == []
    page.locator("#pg-steps").focus()
    page.keyboard.press("ArrowUp")
    assert page.locator("#pg-steps").input_value() == "101"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()


def test_an_input_during_the_first_drawing_is_not_overwritten_by_it(base_url, chromium):
    # The first run goes in slices of a few milliseconds (app.js start()); a clock that advances 5 ms
    # per reading makes every step a slice of its own, so that the 1000-step run takes seconds and
    # the reader's input lands in the middle of it. What the input draws must stay.
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script("let now = 0; window.clockReadings = 0;"
                         "performance.now = () => { window.clockReadings++; return now += 5; };")
    page.goto(base_url + "playground/?steps=1000")
    page.wait_for_function("window.clockReadings > 20", polling=20)  # the first run has begun
    page.locator("#pg-steps").fill("40")
    assert page.locator("#pg-root").get_attribute("data-ready") is None  # the first run goes on
    assert all(p.count(",") == 41 for p in points(page, "pg-loss"))
    page.wait_for_selector("#pg-root[data-ready=true]", timeout=60_000)
    assert all(p.count(",") == 41 for p in points(page, "pg-loss"))  # not its 1000 steps
    assert "steps=40" in page.url
    page.close()

# --- the texts the playground shows (docs/assets/playground/messages.js, tests/js/playground_texts.mjs)

def playground_strings() -> dict:
    result = subprocess.run([oracles.node(), "tests/js/playground_texts.mjs"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_every_message_has_both_languages_with_the_same_fields():
    script = 'import("./docs/assets/playground/messages.js").then((m) => console.log(JSON.stringify(m.MESSAGES)))'
    messages = json.loads(subprocess.run([oracles.node(), "--input-type=module", "-e", script], cwd=ROOT,
                                         capture_output=True, text=True, check=True).stdout)
    engine = (ROOT / "docs/assets/playground/rprop.js").read_text()
    used = set(re.findall(r'fail\(\w+, "([\w-]+)"', engine) + re.findall(r'stepLimit\(\w+, \w+, "([\w-]+)"', engine))
    assert used and used <= set(messages), used - set(messages)
    for key, text in messages.items():
        assert set(text) == {"en", "zh"}, key
        fields = [sorted(re.findall(r"\{(\w+)\}", text[language])) for language in ("en", "zh")]
        assert fields[0] == fields[1], key
        assert re.search(r"[\u4e00-\u9fff]", text["zh"]) or not re.search(r"[a-z]{3,} [a-z]{3,}", text["zh"]), key


def test_the_list_of_texts_holds_every_message_and_label_per_language():
    strings = playground_strings()
    assert "Steps" in strings["en"] and "步数" in strings["zh"]
    assert any("学习率" in s for s in strings["zh"]) and any("etaminus < 1" in s for s in strings["en"])
    assert not any(re.search(r"[\u4e00-\u9fff]", s) for s in strings["en"])


# --- settings as a reader types and switches them ----------------------------------------------------

def values(page, *controls):
    return {control: page.locator(f"#pg-{control}").input_value() for control in controls}


def test_make_them_agree_carries_the_pytorch_settings_over(base_url, chromium):
    page, errors = open_page(chromium, base_url + "playground/?t_lr=0.05&t_etas=0.4,1.5&t_ss=1e-5,20&m_wd=0.01")
    page.locator("#pg-preset-agree").click()
    assert values(page, "t_lr", "t_etas", "t_ss", "m_variant", "m_lr", "m_etas", "m_ss", "m_wd") == {
        "t_lr": "0.05", "t_etas": "0.4,1.5", "t_ss": "1e-5,20",   # the reader's, kept
        "m_variant": "mindspore", "m_lr": "0.05", "m_etas": "0.4,1.5", "m_ss": "1e-5,20.0", "m_wd": "0"}
    assert "bit-identical" in page.locator("#pg-readout").inner_text()
    assert errors == []
    page.close()


def test_a_pair_is_read_as_python_writes_it(base_url, chromium):
    page, errors = open_page(chromium, base_url + "playground/")
    for typed in ["(0.4, 1.5)", "[0.4, 1.5]", "0.4, 1.5", " ( 0.4 ,1.5 ) "]:
        page.locator("#pg-t_etas").fill(typed)
        assert page.locator("#pg-messages").is_hidden(), (typed, page.locator("#pg-messages").inner_text())
        assert "t_etas=0.4%2C1.5" in page.url, typed
    assert errors == []
    page.close()


def test_mindspore_step_sizes_default_to_floats_as_mindspore_requires(base_url, chromium):
    page, errors = open_page(chromium, base_url + "playground/")
    assert values(page, "m_ss", "t_ss") == {"m_ss": "1e-6,50.0", "t_ss": "1e-6,50"}   # each framework's default
    page.locator("#pg-m_ss").fill("1e-6,50")   # an int: mindspore.nn.Rprop raises TypeError
    assert "50.0" in page.locator("#pg-messages").inner_text()
    assert errors == []
    page.close()


@pytest.mark.parametrize(("language", "kept"), [("", "Your own values"), ("zh/", "保持不变")])
def test_switching_the_optimizer_sets_its_defaults_and_says_so(base_url, chromium, language, kept):
    page, errors = open_page(chromium, base_url + language + "playground/")
    note = page.locator("#pg-m_variant-note")
    page.locator("#pg-m_variant").select_option("mindspore-experimental")
    assert values(page, "m_lr", "m_ss") == {"m_lr": "0.01", "m_ss": "1e-6,50"}
    assert note.is_visible() and "lr=0.01" in note.inner_text()
    assert page.locator("#pg-messages").is_hidden()
    page.locator("#pg-m_variant").select_option("mindspore")
    assert values(page, "m_lr", "m_ss") == {"m_lr": "0.1", "m_ss": "1e-6,50.0"}
    page.locator("#pg-m_lr").fill("0.05")   # the reader's own value: kept, and the note says so
    page.locator("#pg-m_variant").select_option("mindspore-experimental")
    assert values(page, "m_lr", "m_ss") == {"m_lr": "0.05", "m_ss": "1e-6,50"}
    assert kept in note.inner_text() and "lr=0.05" in note.inner_text()
    assert errors == []
    page.close()


def test_playground_fields_js():
    result = subprocess.run([oracles.node(), "--test", "--test-reporter=tap", "tests/js/fields.test.mjs"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and re.search(r"^# fail 0$", result.stdout, re.M), result.stdout + result.stderr


def test_chinese_messages_read_as_written_in_chinese():
    # zh-review.md's calques and mixed notations in the playground's messages and buttons
    texts = "\n".join(playground_strings()["zh"])
    for calque in ["被拒绝", "在所有步数内", "没有结果", "对齐设置", "学习率调度 ", "「", "步数 t", '"beta"', "调度（Cell）", "的作用"]:
        assert calque not in texts, calque
    assert not re.search(r"[>≥]=? ?[01]\b|CUDA Graph(?!s)", texts)   # 大于 0, 大于等于 0; the product's name
