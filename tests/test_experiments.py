"""Build-time experiments: problems, scenario results, the numbers and figures on the pages, and
the cache."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import oracles
from experiments.figures import LANGUAGES, figures_for
from experiments.problems import PROBLEMS, linear_data, renamed
from experiments.run import load_scenarios, run_all, summaries
from sitebuild import ROOT, build, load_hook


@pytest.fixture(scope="module")
def results():
    return run_all()


# --- problems --------------------------------------------------------------------------------------

@given(st.integers(0, 2**32 - 1))
def test_linear_l1_gradient_matches_torch_autograd(seed):
    torch = oracles.require("torch")
    rng = np.random.default_rng(seed)
    params = {"weight": rng.standard_normal((3, 2)).astype(np.float32),
              "bias": rng.standard_normal(3).astype(np.float32)}
    loss, grads = PROBLEMS["linear-l1"].loss_and_grads(params)
    inputs, targets = (torch.from_numpy(a) for a in linear_data())
    layer = torch.nn.Linear(2, 3)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(params["weight"]))
        layer.bias.copy_(torch.from_numpy(params["bias"]))
    torch_loss = torch.nn.L1Loss()(layer(inputs), targets)
    torch_loss.backward()
    assert loss == pytest.approx(torch_loss.item(), rel=1e-6)
    for name, tensor in (("weight", layer.weight), ("bias", layer.bias)):
        np.testing.assert_allclose(grads[name], tensor.grad.numpy(), rtol=1e-5, atol=1e-7)
        # Rprop only uses signs: those must agree wherever torch's component is not ~0
        clear = np.abs(tensor.grad.numpy()) > 1e-6
        np.testing.assert_array_equal(np.sign(grads[name])[clear], np.sign(tensor.grad.numpy())[clear])


@given(st.floats(-2, 2), st.floats(-1, 3))
def test_rosenbrock_gradient_matches_torch_autograd(x, y):
    torch = oracles.require("torch")
    loss, grads = PROBLEMS["rosenbrock"].loss_and_grads({"xy": np.array([x, y], np.float64)})
    xy = torch.tensor([x, y], dtype=torch.float64, requires_grad=True)
    f = (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2
    f.backward()
    assert loss == pytest.approx(f.item(), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(grads["xy"], xy.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_renamed_problem_is_the_same_problem_under_other_names():
    base, other = PROBLEMS["linear-l1"], renamed(PROBLEMS["linear-l1"], {"weight": "bn.gamma"})
    loss, grads = base.loss_and_grads(base.init())
    loss2, grads2 = other.loss_and_grads(other.init())
    assert loss == loss2 and set(grads2) == {"bn.gamma", "bias"}
    np.testing.assert_array_equal(grads["weight"], grads2["bn.gamma"])


# --- scenario results: the claims the page makes ----------------------------------------------------

def test_scenarios_cover_the_required_eight(results):
    assert {"defaults", "same-initial-step", "weight-decay", "documented-formula", "lr-schedule",
            "rosenbrock", "ablation", "end-to-end"} <= set(results)
    for scenario in load_scenarios():
        assert {"id", "problem", "steps", "seed", "runs"} <= set(scenario)


@pytest.mark.claim("experiments.same-initial-step")
def test_same_initial_step_size_gives_exactly_zero_difference(results):
    (versus,) = results["same-initial-step"]["summary"]["versus_first"].values()
    assert versus["max_abs_param_difference"] == 0.0 and versus["max_abs_loss_difference"] == 0.0
    assert versus["first_difference_step"] is None


@pytest.mark.claim("experiments.defaults")
def test_each_framework_with_its_defaults_differs_from_step_one(results):
    (versus,) = results["defaults"]["summary"]["versus_first"].values()
    assert versus["first_difference_step"] == 1 and versus["max_abs_loss_difference"] > 1e-3
    # ... and the larger first step is undone within a few dozen steps: from step 50 on, the two
    # losses stay within a tenth of their largest difference
    torch_loss, ms_loss = (np.array(r["loss"]) for r in results["defaults"]["runs"].values())
    assert (np.abs(torch_loss[49:] - ms_loss[49:]) < 0.1 * versus["max_abs_loss_difference"]).all()


@pytest.mark.claim("experiments.weight-decay")
def test_weight_decay_moves_the_run_except_on_gamma_and_beta_names(results):
    versus = results["weight-decay"]["summary"]["versus_first"]
    assert versus["MindSpore, wd=0.1"]["max_abs_param_difference"] > 0
    assert versus["MindSpore, wd=0.1, names gamma/beta"]["max_abs_param_difference"] == 0.0


@pytest.mark.claim("experiments.lr-schedule")
def test_learning_rate_schedule_changes_nothing(results):
    for versus in results["lr-schedule"]["summary"]["versus_first"].values():
        assert versus["max_abs_param_difference"] == 0.0


def test_the_schedule_has_one_learning_rate_per_step(results):
    scenario = results["lr-schedule"]
    (schedule,) = [kw["learning_rate"] for kw in scenario["settings"].values()
                   if isinstance(kw.get("learning_rate"), list)]
    assert len(schedule) == scenario["steps"]
    assert schedule[0] == 0.01 and all(a > b for a, b in zip(schedule, schedule[1:]))


@pytest.mark.claim("experiments.schedule-runs")
def test_real_mindspore_runs_the_scenario_schedule_and_its_trajectory(results):
    """Real `nn.Rprop`, given the scenario's `learning_rate` list, runs the scenario's steps on its
    problem (gradients of its own parameters) and follows the plotted trajectory bit for bit; the
    same list one value shorter raises `RuntimeError` at the last step."""
    ms = oracles.mindspore()
    (scenario,) = [s for s in load_scenarios() if s["id"] == "lr-schedule"]
    label = "MindSpore, decaying schedule"
    schedule = results["lr-schedule"]["settings"][label]["learning_rate"]
    problem = PROBLEMS[scenario["problem"]]
    expected = results["lr-schedule"]["runs"][label]["params"]

    def run(learning_rate):
        params = problem.init(np.dtype("float32"))
        parameters = [ms.Parameter(ms.Tensor(p), name=name) for name, p in params.items()]
        opt = ms.nn.Rprop(parameters, learning_rate=learning_rate)
        for step in range(1, scenario["steps"] + 1):
            _, grads = problem.loss_and_grads(
                {name: p.asnumpy() for name, p in zip(params, parameters)})
            try:
                opt(tuple(ms.Tensor(grads[name]) for name in params))
            except RuntimeError:
                return step
            flat = np.concatenate([p.asnumpy().astype(np.float64).ravel() for p in parameters])
            if learning_rate is schedule:
                assert flat.tolist() == expected[step - 1], f"step {step}"
        return None

    assert scenario["steps"] == len(schedule) == 100
    assert run(schedule) is None
    assert run(schedule[:-1]) == scenario["steps"]


@pytest.mark.claim("experiments.documented-formula")
def test_documented_formula_parts_from_the_code(results):
    (versus,) = results["documented-formula"]["summary"]["versus_first"].values()
    assert versus["first_difference_step"] is not None and versus["max_abs_param_difference"] > 0


@pytest.mark.claim("experiments.ablation")
def test_ablation_steps_do_what_the_page_says(results):
    final = results["ablation"]["summary"]["final_loss"]
    losses = {label: np.array(r["loss"]) for label, r in results["ablation"]["runs"].items()}
    labels = list(losses)
    assert final[labels[1]] != final[labels[0]]                       # initial step size
    assert final[labels[2]] != final[labels[1]]                       # weight decay
    precision = np.abs(losses[labels[3]] - losses[labels[2]]).max()   # float64 computed in float32
    assert 0 < precision < 1e-6
    assert np.array_equal(losses[labels[4]], losses[labels[3]])       # shared counter: no change
    moved = {label: np.abs(losses[label] - losses[prev]).max() for prev, label in zip(labels, labels[1:])}
    assert max(moved, key=moved.get) == labels[1]                     # the initial step moves it most


@pytest.mark.claim("experiments.rosenbrock")
def test_rosenbrock_trajectories_stay_in_the_plotted_window_and_follow_the_valley(results):
    for record in results["rosenbrock"]["runs"].values():
        path = np.array(record["trajectory"])
        assert len(path) == results["rosenbrock"]["steps"]
        assert (path[:, 0] > -2).all() and (path[:, 0] < 2).all() and (path[:, 1] > -1).all() and (path[:, 1] < 3).all()
        # the valley floor is y = x²: after the first tenth of the run the path stays close to it
        settled = path[len(path) // 10:]
        assert np.median(np.abs(settled[:, 1] - settled[:, 0] ** 2)) < 0.1, np.abs(settled[:, 1] - settled[:, 0] ** 2).max()
        assert record["loss"][-1] < 0.01 * record["loss"][0]


# --- figures -----------------------------------------------------------------------------------------

def test_figures_are_deterministic_self_contained_and_themed(results):
    first = {name: svg for sid, r in results.items() for language in LANGUAGES
             for name, svg in figures_for(sid, r, language).items()}
    again = {name: svg for sid, r in run_all().items() for language in LANGUAGES
             for name, svg in figures_for(sid, r, language).items()}
    assert first == again
    for name, svg in first.items():
        text = svg.decode()
        assert not re.search(r'(href|src)="(https?:)?//', text), name
        assert "<dc:date>" not in text, name
        twin = name.replace("-dark.svg", ".svg") if name.endswith("-dark.svg") else name[:-4] + "-dark.svg"
        assert twin in first and first[twin] != svg, f"{name} lacks a distinct other-palette twin"


# --- the built pages ------------------------------------------------------------------------------------

def _placeholder_values(page_source: str, results: dict) -> list[tuple[str, str]]:
    """Evaluate every `[[value:experiments.…]]` of a page from freshly computed results."""
    site_data = load_hook("site_data")
    found = []
    for match in re.finditer(r'\[\[value:(experiments\.(?:[\w.-]|"[^"]+")+)(?::([^\]]+))?\]\]', page_source):
        found.append((match.group(0), site_data.value(match.group(1), match.group(2), {"experiments": summaries(results)})))
    return found


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.claim("experiments.numbers")
def test_numbers_on_the_experiments_page_are_the_computed_ones(site, results, language):
    source = (ROOT / "docs" / f"experiments.{language}.md").read_text(encoding="utf-8")
    built = html.unescape((site / ("" if language == "en" else "zh/") / "experiments/index.html").read_text(encoding="utf-8"))
    values = _placeholder_values(source, results)
    assert len(values) >= 20
    for placeholder, value in values:
        assert value in built, f"{placeholder} → {value} not on the page"
    assert "0.0" in [v for p, v in values if "same-initial-step" in p and "param_difference" in p]


def test_every_figure_on_the_pages_exists_in_both_palettes_with_alt_text(site):
    for language in ("", "zh/"):
        text = (site / language / "experiments/index.html").read_text(encoding="utf-8")
        images = re.findall(r'<img alt="([^"]*)"[^>]*src="([^"#]+)#only-(light|dark)"', text)
        assert len(images) >= 20
        for alt, src, palette in images:
            assert len(alt) >= 10, src  # a description, not a file name
            target = (site / language / "experiments" / src).resolve()
            assert target.exists(), src
            assert target.name.endswith("-dark.svg") == (palette == "dark")


def test_clean_builds_are_byte_identical_and_a_warm_build_runs_no_experiment(tmp_path):
    outputs = []
    for name in ("one", "two"):
        result = build(tmp_path / name, env={"RPROP_EXPERIMENTS_CACHE": str(tmp_path / f"cache-{name}")})
        assert result.returncode == 0, result.stderr
        assert "running the build-time experiments" in result.stderr
        outputs.append(tmp_path / name)
    one, two = ({p.relative_to(o): p.read_bytes() for p in o.rglob("*") if p.is_file()} for o in outputs)
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    warm = build(tmp_path / "three", env={"RPROP_EXPERIMENTS_CACHE": str(tmp_path / "cache-one")})
    assert warm.returncode == 0, warm.stderr
    assert "running the build-time experiments" not in warm.stderr
    three = {p.relative_to(tmp_path / "three"): p.read_bytes() for p in (tmp_path / "three").rglob("*") if p.is_file()}
    assert three == one


@pytest.mark.claim("experiments.e2e-record")
def test_the_end_to_end_record_keeps_losses_and_gradient_signs_but_no_step_sizes():
    import json
    e2e = json.loads((ROOT / "data" / "e2e.json").read_text(encoding="utf-8"))
    for framework in ("torch", "mindspore"):
        assert len(e2e[f"loss_{framework}"]) == len(e2e[f"grad_signs_{framework}"]) == e2e["steps"]
        assert all(re.fullmatch(r"[-+0]+", s) for s in e2e[f"grad_signs_{framework}"])
    keys = json.dumps(sorted(_keys(e2e)))
    assert "step_size" not in keys and "grads_" not in keys, keys


def _keys(tree):
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield key
            yield from _keys(value)


# --- figures in the page's language ----------------------------------------------------------------

ENGLISH_WORDS = re.compile(r"\b(step|loss|size|band|median|native|gradient|replay|differs|difference|initial|"
                           r"weight|decay|computed|shared|counter|names|code|documented|formula|decaying|schedule)\b")


def _drawn_text(svg: bytes) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())]


def test_chinese_figures_draw_no_english_word_and_name_the_sites_chinese_fonts(results):
    css = (ROOT / "docs" / "assets" / "site.css").read_text(encoding="utf-8")
    chinese_stack = re.search(r"body:lang\(zh\) \{\s*--md-text-font-family:([^;]+);", css).group(1)
    for sid, result in results.items():
        english, chinese = figures_for(sid, result), figures_for(sid, result, "zh")
        assert {name.replace("-zh", "") for name in chinese} == set(english), sid
        for name, svg in chinese.items():
            text = _drawn_text(svg)
            if any(ENGLISH_WORDS.search(t) for t in _drawn_text(english[name.replace("-zh", "")])):
                assert any(re.search(r"[\u4e00-\u9fff]", t) for t in text), name
            assert not [t for t in text if ENGLISH_WORDS.search(t)], (name, text)
            # the browser draws the text: with the Chinese system fonts the site's stylesheet names
            families = set(re.findall(r"font-family: ([^;\"]+)", svg.decode()))
            assert families, name
            for family in families:
                named = re.findall(r"'([^']+)'", family)
                assert [f for f in named if f in chinese_stack] == [f for f in named if f != "DejaVu Sans"], family
                assert "PingFang SC" in named and "WenQuanYi Micro Hei" in named, family


def test_every_run_label_has_its_chinese_text():
    for scenario in load_scenarios():
        for run in scenario["runs"]:
            assert run.get("zh") and not ENGLISH_WORDS.search(run["zh"]), (scenario["id"], run["label"])
