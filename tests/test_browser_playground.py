"""The playground's figures, messages and converter notes as a reader sees them, in real Chromium:
in both languages, on a desktop (1280 px) and a phone (375 px), in the light and the dark scheme."""

from __future__ import annotations

import re

import pytest

LANGUAGES = {"en": "", "zh": "zh/"}
WIDTHS = [1280, 375]
PLOTS = ["pg-loss", "pg-step-size", "pg-trajectories"]
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_PROSE = re.compile(r"\b(?:must|invalid|got|not|the|is|value|default|used|step size|learning rate)\b", re.I)


def open_page(chromium, url, width=1280, scheme="light"):
    page = chromium.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    errors, foreign = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(url.split("/rprop")[0]) else None)
    page.goto(url)
    page.wait_for_selector("#pg-root[data-ready=true]")
    page.errors, page.foreign = errors, foreign
    return page


def finish(page):
    assert page.errors == [] and page.foreign == []
    page.close()


def figure_display(page, plot):
    return page.evaluate(f"getComputedStyle(document.getElementById('{plot}').closest('figure')).display")


def polylines(page, plot):
    return page.locator(f"#{plot} polyline").count()


# --- 1. the plots: size, readable ticks, nothing clipped or overlapping, visible contours ----------

GEOMETRY = """(id) => {
  const svg = document.getElementById(id), box = svg.getBoundingClientRect();
  const column = document.querySelector('.md-content .md-typeset').getBoundingClientRect().width;
  const scale = box.width / svg.viewBox.baseVal.width;
  const rect = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {
    width: box.width, column, svg: rect(svg),
    tickFont: Math.min(...[...svg.querySelectorAll('text.tick')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
    ticks: [...svg.querySelectorAll('text.tick')].map(rect),
    labels: [...svg.querySelectorAll('text.label')].filter((t) => t.textContent).map(rect),
  };
}"""


def inside(inner, outer):
    return inner[0] >= outer[0] - 0.5 and inner[1] >= outer[1] - 0.5 and inner[2] <= outer[2] + 0.5 and inner[3] <= outer[3] + 0.5


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_plots_fill_the_column_with_readable_unclipped_labels(base_url, chromium, language, width):
    page = open_page(chromium, base_url + LANGUAGES[language] + "playground/?problem=rosenbrock&steps=2000", width)
    for plot in PLOTS:
        g = page.evaluate(GEOMETRY, plot)
        assert g["width"] >= 0.8 * g["column"], (plot, g["width"], g["column"])
        assert g["tickFont"] >= 11, (plot, g["tickFont"])
        for text in g["ticks"] + g["labels"]:
            assert inside(text, g["svg"]), (plot, text, g["svg"])
        for label in g["labels"]:
            assert not any(overlap(label, tick) for tick in g["ticks"]), (plot, label)
    finish(page)


def test_plots_are_redrawn_for_a_new_column_width(base_url, chromium):
    page = open_page(chromium, base_url + "playground/?problem=rosenbrock")
    page.set_viewport_size({"width": 375, "height": 900})
    page.wait_for_function("document.getElementById('pg-loss').viewBox.baseVal.width < 400")
    for plot in PLOTS:
        g = page.evaluate(GEOMETRY, plot)
        assert g["width"] >= 0.8 * g["column"] and g["tickFont"] >= 11, (plot, g)
        assert all(inside(text, g["svg"]) for text in g["ticks"] + g["labels"]), plot
    finish(page)


def rgba(css):
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    return values + [1.0] * (4 - len(values))


def contrast(a, b):
    def luminance(rgb):
        c = [v / 255 for v in rgb[:3]]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_rosenbrock_contours_are_clearly_visible(base_url, chromium, scheme):
    page = open_page(chromium, base_url + "playground/?problem=rosenbrock", scheme=scheme)
    assert page.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
    stroke, opacity, background = page.evaluate("""() => {
      const c = getComputedStyle(document.querySelector('#pg-trajectories .contour'));
      return [c.stroke, parseFloat(c.opacity) * parseFloat(c.strokeOpacity),
              getComputedStyle(document.body).backgroundColor];
    }""")
    line, bg = rgba(stroke), rgba(background)
    alpha = line[3] * opacity
    shown = [alpha * line[i] + (1 - alpha) * bg[i] for i in range(3)]
    # WCAG 1.4.11: graphical objects needed to understand the content, 3:1 against their background
    assert contrast(shown, bg) >= 3, (stroke, opacity, background)
    finish(page)


# --- 2. the trajectories figure shows only for a 2-D problem, on screen and in print --------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_the_trajectories_figure_is_hidden_for_a_1d_problem(base_url, chromium, language):
    page = open_page(chromium, base_url + LANGUAGES[language] + "playground/")
    assert figure_display(page, "pg-trajectories") == "none"
    page.emulate_media(media="print")
    assert figure_display(page, "pg-trajectories") == "none"
    page.emulate_media(media="screen")
    page.locator("#pg-problem").select_option("rosenbrock")
    assert figure_display(page, "pg-trajectories") != "none"
    assert page.locator("#pg-trajectories").is_visible() and polylines(page, "pg-trajectories") == 2
    page.locator("#pg-problem").select_option("linear-l1")
    assert figure_display(page, "pg-trajectories") == "none"
    finish(page)


# --- 3. a rejected setting clears the previous result ---------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rejected_setting_clears_the_plots_and_the_readout(base_url, chromium, language, width):
    page = open_page(chromium, base_url + LANGUAGES[language] + "playground/", width)
    readout = page.locator("#pg-readout").inner_text()
    assert readout and polylines(page, "pg-loss") == 2
    page.locator("#pg-t_etas").fill("2,3")   # etaminus must be < 1: torch.optim.Rprop raises
    assert page.locator("#pg-messages").is_visible()
    assert polylines(page, "pg-loss") == 0 and polylines(page, "pg-step-size") == 0
    assert figure_display(page, "pg-loss") == "none" and figure_display(page, "pg-step-size") == "none"
    assert page.locator("#pg-readout").inner_text() != readout
    page.locator("#pg-t_etas").fill("0.5,1.2")
    assert page.locator("#pg-messages").is_hidden() and page.locator("#pg-readout").inner_text() == readout
    assert polylines(page, "pg-loss") == 2
    finish(page)


# --- 4. an invalid value in the address is named, with the default used instead ------------------

@pytest.mark.parametrize(("language", "label", "default"), [("en", "Steps", "100"), ("zh", "步数", "100")])
def test_an_invalid_url_value_is_named_by_its_label_with_the_default(base_url, chromium, language, label, default):
    page = open_page(chromium, base_url + LANGUAGES[language] + "playground/?steps=-5")
    text = page.locator("#pg-messages").inner_text()
    assert label in text and "-5" in text and default in text, text
    assert page.locator("#pg-steps").input_value() == default
    if language == "zh":
        assert CJK.search(text) and not ENGLISH_PROSE.search(text), text
    finish(page)


# --- 5. each line has its legend's colour, in both schemes -----------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_lines_and_legend_have_the_same_colour(base_url, chromium, scheme):
    page = open_page(chromium, base_url + "playground/", scheme=scheme)
    for side in ["torch", "mindspore"]:
        line = page.evaluate(f"getComputedStyle(document.querySelector('#pg-loss polyline.{side}')).stroke")
        legend = page.evaluate(f"getComputedStyle(document.querySelector('.pg-legend .{side}')).color")
        assert line == legend, (scheme, side, line, legend)
    finish(page)


# --- 6. engine and app messages in the page's language, naming the field by its label -------------

@pytest.mark.parametrize(("control", "value", "names"), [
    ("t_etas", "2,3", ["PyTorch", "etas"]),
    ("m_etas", "1.5,1.2", ["MindSpore", "etas"]),
    ("m_ss", "1e-6,50,3", ["MindSpore", "step_sizes"]),
])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rejected_setting_is_explained_in_the_page_language(base_url, chromium, language, control, value, names):
    page = open_page(chromium, base_url + LANGUAGES[language] + "playground/")
    page.locator(f"#pg-{control}").fill(value)
    text = page.locator("#pg-messages").inner_text()
    assert all(name in text for name in names) and control not in text, text
    if language == "zh":
        assert CJK.search(text) and not ENGLISH_PROSE.search(text), text
    finish(page)


@pytest.mark.parametrize(("language", "label"), [("en", "Steps"), ("zh", "步数")])
def test_an_out_of_range_control_is_named_by_its_label(base_url, chromium, language, label):
    page = open_page(chromium, base_url + LANGUAGES[language] + "playground/")
    page.locator("#pg-steps").fill("5000")
    text = page.locator("#pg-messages").inner_text()
    assert label in text and "2000" in text and "steps" not in text, text
    if language == "zh":
        assert CJK.search(text) and not ENGLISH_PROSE.search(text), text
    finish(page)


# --- 7. converter notes render their code spans, without trusting the input -----------------------

@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_converter_notes_render_code_spans(base_url, chromium, language, width):
    page = open_page(chromium, base_url + LANGUAGES[language] + "playground/", width)
    page.locator("#pg-conv_src").fill("torch.optim.Rprop(model.parameters(), lr=0.05, step_sizes=(1e-6, 50))")
    notes = page.locator("#pg-conv-notes")
    assert notes.locator("li").count() > 0
    assert "`" not in notes.inner_text() and notes.locator("code").count() > 0
    page.locator("#pg-conv_src").fill("torch.optim.Rprop(model.parameters(), lr=x<b>y</b>)")
    verdict = page.locator("#pg-conv-verdict")
    assert "`" not in verdict.inner_text()
    assert page.locator("#pg-converter b, #pg-converter img").count() == 0
    finish(page)


# --- 8. every option shows in full; a rejected field is marked and explained where it is ----------

FITS = """() => [...document.querySelectorAll('.playground select')].map((select) => {
  const probe = select.cloneNode(true);  // at its own width: the widest option's
  probe.removeAttribute('id');
  Object.assign(probe.style, {position: 'absolute', width: 'auto', maxWidth: 'none', minWidth: '0'});
  select.after(probe);
  const needed = probe.getBoundingClientRect().width;
  probe.remove();
  return [select.id, select.getBoundingClientRect().width, needed];
})"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_option_shows_its_whole_name(base_url, chromium, language, width):
    page = open_page(chromium, base_url + LANGUAGES[language] + "playground/", width)
    for select, shown, needed in page.evaluate(FITS):
        assert shown >= needed - 0.5, (select, shown, needed)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    finish(page)


IN_VIEW = """(id) => { const r = document.getElementById(id).getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight + 1 && r.left >= 0 && r.right <= innerWidth; }"""


def field_error(page, control):
    """The text of the message that describes `control`, asserting that it is marked and in view."""
    field = page.locator(f"#pg-{control}")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby")
    assert described and page.evaluate(IN_VIEW, described), described
    return page.locator(f"#{described}").inner_text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rejected_field_is_marked_and_explained_next_to_it_on_a_phone(base_url, chromium, language):
    page = open_page(chromium, base_url + LANGUAGES[language] + "playground/", 375)
    border = "(id) => getComputedStyle(document.getElementById(id)).boxShadow + getComputedStyle(document.getElementById(id)).borderColor"
    valid = page.evaluate(border, "pg-t_etas")
    page.locator("#pg-t_etas").fill("2,3")   # torch.optim.Rprop rejects etaminus >= 1
    assert "etaminus" in field_error(page, "t_etas")
    assert page.evaluate(border, "pg-t_etas") != valid   # a visible mark, not only an attribute
    page.locator("#pg-m_ss").fill("1e-6")    # not a pair: the field's own check
    assert "0.5,1.2" in field_error(page, "m_ss")
    page.locator("#pg-t_etas").fill("0.5,1.2")
    page.locator("#pg-m_ss").fill("1e-6,50.0")
    assert page.locator("[aria-invalid]").count() == 0 and page.locator("#pg-messages").is_hidden()
    finish(page)


@pytest.mark.parametrize(("language", "says"), [("en", "not a number"), ("zh", "不是数值")])
def test_letters_in_a_number_field_are_called_not_a_number(base_url, chromium, language, says):
    page = open_page(chromium, base_url + LANGUAGES[language] + "playground/")
    page.locator("#pg-t_lr").fill("")
    page.locator("#pg-t_lr").press_sequentially("1e")   # Chromium keeps no value: badInput
    text = page.locator("#pg-messages").inner_text()
    assert says in text and "“”" not in text and '""' not in text, text
    page.locator("#pg-t_lr").fill("")
    text = page.locator("#pg-messages").inner_text()
    assert ("empty" if language == "en" else "未填写") in text and "“”" not in text, text
    finish(page)


# --- 9. verdicts and messages: 4.5:1 against their background, in both schemes ---------------------

SHOWN_COLOURS = """(ids) => ids.filter((id) => document.getElementById(id)).map((id) => {
  let e = document.getElementById(id), back = 'rgba(0, 0, 0, 0)';
  for (let b = e; b && back.match(/rgba\\(.*, 0\\)$/); b = b.parentElement) back = getComputedStyle(b).backgroundColor;
  return [id, e.className, getComputedStyle(e).color, back];
})"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_verdicts_and_messages_have_4_5_to_1_contrast(base_url, chromium, scheme):
    page = open_page(chromium, base_url + "playground/?t_etas=0.5,1.2", scheme=scheme)
    page.locator("#pg-t_etas").fill("2,3")
    seen = page.evaluate(SHOWN_COLOURS, ["pg-messages", "pg-t_etas-error"])
    for call in ["torch.optim.Rprop(model.parameters())", "torch.optim.Rprop(model.parameters(), maximize=True)",
                 "torch.optim.Rprop(model.parameters(), lr=base_lr * 2)", "torch.optim.Rprop(model.parameters(), lr="]:
        page.locator("#pg-conv_src").fill(call)
        seen += page.evaluate(SHOWN_COLOURS, ["pg-conv-verdict"])
    assert {s[1] for s in seen} >= {"pg-ok", "pg-warn", "pg-error"}, seen
    for element, kind, colour, background in seen:
        assert contrast(rgba(colour), rgba(background)) >= 4.5, (scheme, element, kind, colour, background)
    finish(page)


# --- 10. the converter's output wraps between arguments, never inside a number or a name -----------

SPLIT_TOKENS = """() => [...document.querySelectorAll('#pg-converter code')].map((code) => {
  const text = code.textContent, nodes = [], split = [];
  for (let n, w = document.createTreeWalker(code, NodeFilter.SHOW_TEXT), at = 0; (n = w.nextNode()); at += n.length) nodes.push([n, at]);
  const point = (i) => { const [n, at] = nodes.find(([n, at]) => i <= at + n.length); return [n, i - at]; };
  for (const m of text.matchAll(/[\\w.+-]+/g)) {
    const range = document.createRange();
    range.setStart(...point(m.index));
    range.setEnd(...point(m.index + m[0].length));
    if (new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size > 1) split.push(m[0]);
  }
  return {split, overflow: code.scrollWidth > code.clientWidth + 1, text};
})"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_converter_code_breaks_lines_only_between_arguments(base_url, chromium, language):
    page = open_page(chromium, base_url + LANGUAGES[language] + "playground/", 375)
    page.locator("#pg-conv_src").fill("torch.optim.Rprop(model.parameters(), lr=0.05, etas=(0.25, 1.125), step_sizes=(1e-6, 50))")
    for width in [375, 780, 895, 1010, 1148, 1280]:   # (1e- | 06 at 895 and 1148 px, in a note's (1e- | 6 at 375)
        page.set_viewport_size({"width": width, "height": 900})
        output, *notes = page.evaluate(SPLIT_TOKENS)   # the call, then the notes' code spans
        assert notes and [s for code in [output, *notes] for s in code["split"]] == [], (width, output, notes)
        assert "step_sizes=(1e-06, 50.0)" in output["text"] and not output["overflow"], (width, output)  # in view
    finish(page)
