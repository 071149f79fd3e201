"""data/versions.json, written by `make matrix` (scripts/matrix.py): the site's claims about the
frameworks, proven again under other versions of them. These checks need no matrix environment."""

from __future__ import annotations

import datetime
import json
import re

import numpy as np
import pytest
import yaml

import matrix
from sitebuild import ROOT, load_hook

VERSIONS = json.loads((ROOT / "data" / "versions.json").read_text(encoding="utf-8"))
PINNED = {"torch": "2.13.0", "mindspore": "2.10.0"}  # requirements-test.txt


def _pinned_requirements() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements-test.txt").read_text().splitlines():
        match = re.match(r"^(torch|mindspore)==(\S+)", line.strip())
        if match:
            pins[match[1]] = match[2]
    return pins


def _columns() -> dict[str, dict]:
    return {column["id"]: column for column in VERSIONS["columns"]}


def _framework_claims() -> set[str]:
    return {cid for cid, claim in load_hook("claims").claims().items() if claim.about}


def test_the_pinned_versions_are_the_requirements():
    assert _pinned_requirements() == PINNED == matrix.PINNED


@pytest.mark.claim("versions.rerun")
def test_the_pinned_versions_have_a_column_in_which_every_claim_holds():
    """The column of torch 2.13.0 with MindSpore 2.10.0 (this suite, run in the pinned environment,
    is what observes the claims there; the file must not say otherwise)."""
    pinned = [c for c in VERSIONS["columns"] if {c["framework"]: c["version"], **c["with"]} == PINNED]
    assert len(pinned) == 1, "no column (or several) for the pinned versions"
    column = pinned[0]["id"]
    not_holding = {cid: cells[column] for cid, cells in VERSIONS["claims"].items()
                   if cells[column]["status"] != "holds"}
    assert not not_holding


def test_every_claim_about_a_framework_is_in_the_matrix():
    assert set(VERSIONS["claims"]) == _framework_claims(), "re-run `make matrix`"


def test_every_claim_has_a_verdict_for_every_column():
    columns = set(_columns())
    for claim_id, cells in VERSIONS["claims"].items():
        assert set(cells) == columns, claim_id
        for column, cell in cells.items():
            assert cell["status"] in VERSIONS["statuses"] == list(matrix.STATUS_ORDER), (claim_id, column)
            if cell["status"] in ("differs", "not-applicable"):
                assert cell.get("observed"), (claim_id, column, "what was observed instead?")
            if cell["status"] == "could-not-run":
                assert cell.get("why"), (claim_id, column)


def test_the_version_independent_claims_are_the_sites_own():
    """Only statements about the site's own build are filed as version-independent; a claim that
    rests on a source is listed apart, as not checked per version."""
    claims = load_hook("claims").claims()
    own = {cid for cid, claim in claims.items() if not claim.about and not claim.source}
    sourced = {cid for cid, claim in claims.items() if claim.source}
    assert set(VERSIONS["version_independent"]["claims"]) == own
    assert set(VERSIONS["sourced"]["claims"]) == sourced
    assert not own & sourced and not sourced & set(VERSIONS["claims"])


@pytest.mark.parametrize("column", VERSIONS["columns"], ids=lambda c: c["id"])
def test_every_column_ran_with_the_versions_it_names(column):
    """Each column records the versions its environment actually had (`pip freeze`, local tags
    such as '+cpu' dropped) — they must be the ones the column names."""
    assert column["id"] == f"{column['framework']}-{column['version']}"
    wanted = {column["framework"]: column["version"], **column["with"]}
    installed = {k: v.split("+")[0] for k, v in column["installed"].items()}
    assert {k: installed[k] for k in wanted} == wanted
    assert column["tests"] > 0


def test_the_columns_are_the_matrix():
    assert [c["id"] for c in VERSIONS["columns"]] == [matrix.column_id(*c) for c in matrix.COLUMNS]


def test_the_date_is_a_real_date():
    date = datetime.date.fromisoformat(VERSIONS["date"])
    assert datetime.date(2026, 1, 1) <= date <= datetime.date.today()
    assert re.fullmatch(r"3\.11\.\d+", VERSIONS["python"])


def test_the_file_is_written_deterministically():
    """Key order as scripts/matrix.py writes it (a re-run with the same results changes no byte but
    the date)."""
    text = (ROOT / "data" / "versions.json").read_text(encoding="utf-8")
    assert list(VERSIONS) == ["date", "python", "statuses", "columns", "claims", "version_independent",
                             "sourced"]
    assert list(VERSIONS["claims"]) == sorted(VERSIONS["claims"])
    assert text == json.dumps(VERSIONS, indent=1, ensure_ascii=False) + "\n"


# --- older versions' optimizers in the reference (scripts/rprop_ref: BY_VERSION) ------------------
# MindSpore 2.7.0-2.7.2's nn.Rprop computes everything in float32 (2.8.0 added the per-dtype
# `compute_dtype`): the matrix found float16 results that differ from 2.10's, and a float64
# parameter that cannot step. The convention "mindspore@2.7" models it; it was checked bit for bit
# against the real 2.7.0 and 2.7.2 (see the report of `make matrix`); here its definition is
# checked against the pinned convention without the old framework.

def _steps(opt, params, grads, cast=None):
    """Run `opt`; with `cast`, compute in float32 and round parameters and state to `cast` after
    every step (float32 arithmetic, one rounding when stored)."""
    import rprop_ref
    state = opt.init({k: v.astype(np.float32) for k, v in params.items()} if cast else params)
    params = {k: v.astype(np.float32) for k, v in params.items()} if cast else params
    out = []
    for g in grads:
        params, state = opt.step(params, {k: v.astype(np.float32) for k, v in g.items()} if cast else g, state)
        if cast:
            params = {k: v.astype(cast).astype(np.float32) for k, v in params.items()}
            state = rprop_ref.State(state.step, *({k: v.astype(cast).astype(np.float32) for k, v in d.items()}
                                                  for d in (state.prev, state.step_size)))
        out.append({k: v.astype(cast) if cast else v for k, v in params.items()})
    return out


def test_mindspore_2_7_float16_is_float32_arithmetic_rounded_once_when_stored():
    import rprop_ref
    rng = np.random.default_rng(0)
    for shape in [(), (4,), (3, 5)]:
        params = {"w": np.asarray(rng.standard_normal(shape)).astype(np.float16)}
        grads = [{"w": np.asarray(rng.standard_normal(shape) * 0.01).astype(np.float16)} for _ in range(15)]
        old = _steps(rprop_ref.make("mindspore@2.7", learning_rate=0.01), params, grads)
        manual = _steps(rprop_ref.make("mindspore", learning_rate=0.01), params, grads, cast=np.float16)
        for a, b in zip(old, manual, strict=True):
            assert a["w"].dtype == np.float16 and a["w"].tobytes() == b["w"].tobytes()


def test_mindspore_2_7_differs_from_the_pinned_version_only_in_precision():
    import dataclasses
    import rprop_ref
    old, new = rprop_ref.MINDSPORE_2_7, rprop_ref.MINDSPORE
    assert dataclasses.replace(old.switches, precision=new.switches.precision) == new.switches
    assert old.arguments is new.arguments and "mindspore@2.7" not in rprop_ref.CONVENTIONS
    w = {"w": np.ones(3, np.float32)}
    g = [{"w": np.array([1e-3, -2.0, 0.5], np.float32)}] * 4
    assert _steps(rprop_ref.make("mindspore@2.7"), w, g)[-1]["w"].tobytes() == \
        _steps(rprop_ref.make("mindspore"), w, g)[-1]["w"].tobytes()
    for dtype in (np.float64, np.dtype(rprop_ref.BFLOAT16)):  # cannot step in 2.7
        with pytest.raises(TypeError):
            rprop_ref.make("mindspore@2.7").init({"w": np.ones(3, dtype)})
    rprop_ref.make("mindspore@2.7").init({"w": np.ones((), np.float16)})  # 0-d float16 steps in 2.7
    with pytest.raises(TypeError):
        rprop_ref.make("mindspore").init({"w": np.ones((), np.float16)})  # ... not in 2.10


# --- scripts/matrix.py's verdicts ------------------------------------------------------------------

@pytest.mark.parametrize("tests,status", [
    ([], "could-not-run"),
    ([("t1", {"outcome": "passed"}), ("t2", {"outcome": "passed"})], "holds"),
    ([("t1", {"outcome": "passed"}), ("t2", {"outcome": "failed", "exception": "AssertionError",
                                             "message": "step 5: expected 1, got 2"})], "differs"),
    ([("t1", {"outcome": "failed", "exception": "ModuleNotFoundError",
              "message": "No module named 'mindspore.experimental'"})], "not-applicable"),
    ([("t1", {"outcome": "error", "exception": "AttributeError",
              "message": "module 'mindspore.experimental' has no attribute 'optim'"})], "not-applicable"),
    # a missing attribute of an object is a difference (a state renamed), not a missing API
    ([("t1", {"outcome": "failed", "exception": "AttributeError",
              "message": "'Rprop' object has no attribute 'prev'"})], "differs"),
    ([("t1", {"outcome": "passed"}), ("t2", {"outcome": "skipped", "message": "node is not on PATH"})],
     "could-not-run"),
])
def test_verdicts(tests, status):
    verdict = matrix.verdict(tests)
    assert verdict["status"] == status
    if status in ("differs", "not-applicable"):
        assert verdict["observed"].startswith("t")
    if status == "could-not-run":
        assert verdict["why"]


@pytest.mark.claim("versions.rerun")
def test_an_environment_that_cannot_be_built_stops_the_run(tmp_path, monkeypatch):
    """Never recorded as a difference: the run fails loudly."""
    monkeypatch.setattr(matrix, "CACHE", tmp_path)
    monkeypatch.setattr(matrix, "PYTHON", "false")
    with pytest.raises(matrix.BuildError, match="venv` failed"):
        matrix.build("mindspore", "2.7.0")


# --- the reference follows the installed release (run by `make matrix` under every version) -------

def _random_problem(rng, shape, dtype, steps=12):
    params = {"w": np.asarray(rng.standard_normal(shape)).astype(dtype)}
    grads = [{"w": np.asarray(rng.standard_normal(shape) * rng.choice([1e-3, 1.0])).astype(dtype)}
             for _ in range(steps)]
    return params, grads


@pytest.mark.claim("versions.reference-follows")
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_the_reference_reproduces_the_installed_mindspore_nn_rprop(dtype):
    """`rprop_ref.for_release` names the convention of the installed MindSpore; it gives the real
    nn.Rprop's bits (or the real one's refusal) on random problems of every shape kind."""
    import oracles
    import rprop_ref
    from oracles import first_difference, run_mindspore, run_reference
    ms = oracles.mindspore()
    convention = rprop_ref.for_release("mindspore", ms.__version__)
    rng = np.random.default_rng(7)
    for shape in [(), (5,), (3, 4)]:
        params, grads = _random_problem(rng, shape, np.dtype(dtype))
        try:
            expected = run_reference(convention, params, grads, learning_rate=0.01)
        except TypeError:  # the reference refuses: so must MindSpore, at construction or first step
            with pytest.raises((TypeError, RuntimeError, ValueError)):
                run_mindspore(params, grads, learning_rate=0.01)
            continue
        assert first_difference(expected, run_mindspore(params, grads, learning_rate=0.01)) is None, \
            (convention, shape)


def test_for_release_names_the_convention_of_each_release():
    import rprop_ref
    assert [rprop_ref.for_release("mindspore", v) for v in ("2.7.0", "2.7.2+cpu", "2.8.0", "2.10.0")] == \
        ["mindspore@2.7", "mindspore@2.7", "mindspore", "mindspore"]
    assert rprop_ref.for_release("torch", "2.7.1") == "torch"
    assert set(rprop_ref.RELEASES) == set(rprop_ref.BY_VERSION)


# --- notes: why a claim does not hold somewhere (data/version-notes.yml) --------------------------

def _not_holding() -> set[tuple[str, str]]:
    return {(cid, col) for cid, cells in VERSIONS["claims"].items() for col, cell in cells.items()
            if cell["status"] != "holds"}


def test_every_claim_that_does_not_hold_somewhere_has_exactly_one_note_and_no_note_is_stale():
    import yaml
    notes = yaml.safe_load((ROOT / "data" / "version-notes.yml").read_text(encoding="utf-8"))["notes"]
    covered = [(cid, col) for note in notes for cid in note["claims"] for col in note["columns"]]
    assert len(covered) == len(set(covered)), "a claim and version covered by two notes"
    assert set(covered) == _not_holding()
    for note in notes:
        assert note["en"].strip() and note["zh"].strip() and note["en"] != note["zh"]


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _matrix_rows(site, locale):
    from lxml import html as lxml_html
    page = site / ("zh/" if locale == "zh" else "") / "versions" / "index.html"
    tree = lxml_html.fromstring(page.read_text(encoding="utf-8"))
    heads = [f'{th.get("data-framework")} {_text(th)}' for th in tree.xpath('//table[@class="versions"]/thead/tr[2]/th')]
    rows = {}
    for tr in tree.xpath('//table[@class="versions"]/tbody/tr[@id]'):
        cells = [td.get("class") for td in tr.xpath("./td")]
        # a claim that holds in every column has one cell that says so (a phone's one line)
        rows[tr.get("id").removeprefix("v-")] = ["holds"] * len(heads) if cells == ["holds all"] else cells
    return tree, heads, rows


@pytest.mark.claim("versions.range")
@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_versions_page_shows_every_verdict_and_the_range_of_the_columns(site, locale):
    """The matrix on the page: every claim about a framework once, each merged column's verdict as
    recorded for every version it stands for; the range sentence names the lowest and highest
    version of each framework that a column ran."""
    tree, heads, rows = _matrix_rows(site, locale)
    assert set(rows) == set(VERSIONS["claims"])
    columns = VERSIONS["columns"]
    spans = []  # each header, "MindSpore 2.7.0–2.7.2": the columns it stands for
    for head in heads:
        framework, versions = head.split(" ", 1)
        first, _, last = versions.partition("–")
        ids = [c["id"] for c in columns if c["framework"] == framework.lower().replace("pytorch", "torch")]
        spans.append(ids[ids.index(f"{ids[0].split('-')[0]}-{first}"):ids.index(f"{ids[0].split('-')[0]}-{last or first}") + 1])
    assert sorted(c for span in spans for c in span) == sorted(c["id"] for c in columns)
    for claim_id, statuses in rows.items():
        for span, status in zip(spans, statuses, strict=True):
            assert {VERSIONS["claims"][claim_id][c]["status"] for c in span} == {status}, (claim_id, span)
    intro = _text(tree.xpath("//article//p")[0])
    for framework in ("torch", "mindspore"):
        seen = sorted({c["version"] for c in columns if c["framework"] == framework}
                      | {c["with"][framework] for c in columns if framework in c["with"]},
                      key=lambda v: tuple(map(int, v.split("."))))
        assert f"{seen[0]}–{seen[-1]}" in intro, (framework, intro)
    assert VERSIONS["date"] in intro


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_claim_that_does_not_hold_everywhere_carries_its_note_where_it_is_made(site, locale):
    """In the table cell, or on the page of the sentence, that makes the claim: "MindSpore
    2.7.0–2.7.2: <the note>" in the page's language."""
    import yaml
    from lxml import html as lxml_html
    data = yaml.safe_load((ROOT / "data" / "version-notes.yml").read_text(encoding="utf-8"))
    table = yaml.safe_load((ROOT / "data" / "rprop-mapping.yml").read_text(encoding="utf-8"))
    keys = [c["key"] for c in table["columns"]]
    claims = load_hook("claims").claims()
    prefix = "zh/" if locale == "zh" else ""
    for note in data["notes"]:
        framework = note["columns"][0].split("-")[0]
        versions = [c.split("-", 1)[1] for c in note["columns"]]
        label = f"{data['frameworks'][framework]} {versions[0]}" + (f"–{versions[-1]}" if len(versions) > 1 else "")
        expected = label + ("：" if locale == "zh" else ": ") + note[locale].replace("`", "")
        for claim_id in note["claims"]:
            for where in claims[claim_id].where:
                if where == "data/rprop-mapping.yml":
                    row, key = claim_id.split(".")
                    page = site / prefix / "rprop" / "index.html"
                    tree = lxml_html.fromstring(page.read_text(encoding="utf-8"))
                    scope = tree.xpath(f'//tr[@id="row-{row}"]/td')[keys.index(key)]
                elif where.endswith(f".{locale}.md"):
                    stem = where.split("/")[1].split(".")[0]
                    page = site / prefix / ("" if stem == "index" else stem) / "index.html"
                    scope = lxml_html.fromstring(page.read_text(encoding="utf-8"))
                else:
                    continue
                shown = [_text(s) for s in scope.xpath('.//span[@class="vnote"]')]
                assert expected in shown, (claim_id, where, shown)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_matrix_labels_each_claim_with_a_whole_sentence(site, locale):
    """Row labels are readable: a whole sentence or a table cell's row and column, without TeX,
    placeholders, attribute lists or Markdown table syntax; a claim that holds everywhere says so
    in one cell."""
    tree, heads, rows = _matrix_rows(site, locale)
    in_table = False  # a data table's cells are labelled by their column under the row's title
    for tr in tree.xpath('//table[@class="versions"]/tbody/tr'):
        if "group" in (tr.get("class") or ""):
            in_table = "#row-" in (tr.xpath(".//a/@href") or [""])[0]
            continue
        th = tr.xpath("./th")[0]
        for cid in th.xpath('.//code[@class="cid"]'):
            cid.getparent().remove(cid)
        label = _text(th)
        assert len(label) >= (2 if in_table else 12), label
        assert not re.search(r"\$|\{:? ?#|\[\[|\|-|\\[a-z]", label), label
        if in_table:
            continue
        starts_with_code = not (th.text or "").strip() and len(th) and th[0].tag == "code"
        if locale == "en" and not starts_with_code:
            assert label[0].isupper() or label[0] in "“(" or label[0].isdigit(), label
    for tr in tree.xpath('//table[@class="versions"]/tbody/tr[@id]'):
        claim_id = tr.get("id").removeprefix("v-")
        everywhere = all(c["status"] == "holds" for c in VERSIONS["claims"][claim_id].values())
        assert (len(tr.xpath("./td")) == 1) == everywhere, claim_id


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_your_version_lists_what_differs_and_what_to_do(site, locale):
    """"Your version": one entry per release (as the matrix merges them); a release a note covers
    shows the note and what to do, in the page's language; the others say the pages hold."""
    from lxml import html as lxml_html
    tree = lxml_html.fromstring((site / ("zh/" if locale == "zh" else "") / "versions" / "index.html").read_text(encoding="utf-8"))
    entries = tree.xpath('//*[contains(concat(" ", @class, " "), " vyours ")]')
    notes = yaml.safe_load((ROOT / "data" / "version-notes.yml").read_text(encoding="utf-8"))["notes"]
    columns = VERSIONS["columns"]
    assert len(entries) == len(hooks_versions().merged_columns())
    for entry, group in zip(entries, hooks_versions().merged_columns(), strict=True):
        text = _text(entry)
        ids = {c["id"] for c in group}
        applying = [n for n in notes if ids & set(n["columns"])]
        assert group[0]["version"] in text, (text, group)
        for note in applying:
            assert set(note["do"]) == {"en", "zh"}, note
            assert _text(lxml_html.fromstring(markdown_inline(note["do"][locale]))) in text, (note, text)
        if not applying:
            assert entry.tag == "p", text
    assert any(c["framework"] == "mindspore" for c in columns)


def hooks_versions():
    return load_hook("versions_page")


def markdown_inline(text: str) -> str:
    import markdown
    return markdown.markdown(text)


@pytest.mark.claim("versions.budget")
def test_the_example_budgets_are_the_ones_the_page_shows():
    """tests/conftest.py's Hypothesis profiles take their sizes from data/test-budget.yml (which the
    Versions page shows): CI and the matrix derandomized, a laptop not."""
    from hypothesis import settings

    import conftest
    budget = yaml.safe_load((ROOT / "data" / "test-budget.yml").read_text(encoding="utf-8"))
    for profile, key in (("ci", "ci"), ("dev", "laptop"), ("matrix", "matrix")):
        assert settings.get_profile(profile).max_examples == budget[key] == conftest.BUDGET[key]
    # (a laptop's profile is random unless Hypothesis sees a CI environment, which derandomizes it)
    assert settings.get_profile("ci").derandomize and settings.get_profile("matrix").derandomize
    assert settings.get_profile("matrix").database is None
