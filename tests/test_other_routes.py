"""The Other routes page (docs/routes.*.md): what MindTorch, TroubleShooter, mint.optim, PaddlePaddle,
PaConvert and optax do for an Rprop port.

What the probes saw in each package's own environment is in data/other-routes.json, written by
scripts/other_routes.py (no environment is needed here). These tests check that the record is of
the versions it names and of the problem the script defines today, that each recorded outcome
supports the page's statement, comparing the recorded parameters with torch run here on the same
gradients (computed here, not taken from the script), that `mindspore.mint.optim` is what the record
says, and that the built page shows the recorded numbers.
"""

from __future__ import annotations

import datetime
import html
import json
import re

import numpy as np
import pytest

import oracles
import other_routes
from sitebuild import ROOT, load_hook

RECORD = json.loads((ROOT / "data" / "other-routes.json").read_text(encoding="utf-8"))
ROUTES = RECORD["routes"]
PROBLEM = other_routes.problem()
W0, GRADS = PROBLEM["w0"], PROBLEM["g"]


def _params(hex_steps: list[str]) -> list[np.ndarray]:
    return [np.frombuffer(bytes.fromhex(h), np.float32).reshape(W0.shape) for h in hex_steps]


def _torch(grads, lr, etas, step_sizes):
    """torch.optim.Rprop on one parameter: its value, step sizes and stored gradients per step."""
    torch = oracles.require("torch")
    w = torch.nn.Parameter(torch.from_numpy(W0.copy()))
    optimizer = torch.optim.Rprop([w], lr=lr, etas=etas, step_sizes=step_sizes)
    out = []
    for g in grads:
        w.grad = torch.from_numpy(g.copy())
        optimizer.step()
        state = optimizer.state[w]
        out.append((w.detach().numpy().copy(), state["step_size"].numpy().copy(), state["prev"].numpy().copy()))
    return out


# --- the record ------------------------------------------------------------------------------------

def test_every_route_is_recorded_from_the_problem_of_today():
    assert list(ROUTES) == list(other_routes.ROUTES)
    assert RECORD["problem"] == {"seed": other_routes.SEED, "steps": other_routes.STEPS,
                                 "sha256": other_routes.problem_digest()}
    assert RECORD["torch"] == oracles.require("torch").__version__.split("+")[0]


@pytest.mark.parametrize("route", list(other_routes.ROUTES))
def test_each_route_ran_with_the_versions_it_names(route):
    """The pinned requirements, what `pip freeze` saw, and what the probe itself imported agree."""
    spec, record = other_routes.ROUTES[route], ROUTES[route]
    assert record["requirements"] == spec["requirements"] + spec.get("no_deps", [])
    pins = dict(r.split("==") for r in record["requirements"] if "==" in r)
    installed = {k: v.split("+")[0] for k, v in record["installed"].items()}
    assert {k: installed[k] for k in pins if k in installed} == {k: v for k, v in pins.items() if k in installed}
    assert set(record["installed"]) == set(spec["about"]) and all(record["installed"].values())
    assert record["observed"]["versions"] == {k: v for k, v in record["installed"].items() if k in record["observed"]["versions"]}
    assert re.fullmatch(r"3\.11\.\d+", record["python"])
    assert datetime.date(2026, 12, 1) <= datetime.date.fromisoformat(record["date"]) <= datetime.date.today()
    assert record["size_mb"] > 0 and record["install_seconds"] > 0
    assert record["probe"] == f"scripts/routes/probe_{route}.py" and (ROOT / record["probe"]).exists()


# --- each statement, from its recorded outcome -------------------------------------------------------

@pytest.mark.claim("routes.mindtorch-import")
def test_mindtorch_installs_beside_the_pinned_mindspore_but_does_not_import():
    record = ROUTES["mindtorch"]
    assert record["observed"]["mindspore_imports"] == record["installed"]["mindspore"]  # MindSpore alone imports
    outcome = record["observed"]["import"]
    assert outcome["imports"] is False and outcome["error"].startswith("ImportError: cannot import name")
    assert outcome["raised_in"].startswith("mindtorch/")


@pytest.mark.claim("routes.mindtorch-rprop")
def test_mindtorch_rprop_is_the_experimental_optimizer_without_its_step_counter():
    source = ROUTES["mindtorch"]["observed"]["source"]
    assert "mindspore.experimental.optim.Rprop" in source["bases"]
    torch = oracles.require("torch")
    import inspect
    torch_defaults = {k: v.default for k, v in inspect.signature(torch.optim.Rprop).parameters.items()
                      if k in source["defaults"]}
    assert {k: list(v) if isinstance(v, tuple) else v for k, v in torch_defaults.items()} == source["defaults"]
    assert source["state_dict_keys"] == ["prev", "step_size"]
    # the optimizer it wraps (the same MindSpore release) keeps its step counter apart: step_t
    ms = oracles.mindspore()
    from mindspore.experimental.optim import Rprop
    optimizer = Rprop([ms.Parameter(ms.Tensor(W0), name="w")])
    assert isinstance(optimizer.step_t, ms.Parameter) and "step_t" not in source["state_dict_keys"]


@pytest.mark.claim("routes.troubleshooter-install")
def test_troubleshooter_cannot_be_installed_or_imported_beside_the_pinned_mindspore():
    record = ROUTES["troubleshooter"]
    assert record["resolves"] is False
    assert any(line.startswith(f"mindspore {record['installed']['mindspore']} depends on protobuf")
               for line in record["conflict"])
    assert any(line.startswith(f"troubleshooter {record['installed']['troubleshooter']} depends on protobuf")
               for line in record["conflict"])
    assert record["observed"]["import"]["imports"] is False
    assert record["observed"]["import"]["error"].startswith(("AttributeError", "ImportError"))


@pytest.mark.claim("routes.troubleshooter-weights")
def test_troubleshooter_converts_weights_and_refuses_optimizer_state():
    observed = ROUTES["troubleshooter"]["observed"]
    assert observed["import"]["imports_with_shims"] is True and len(observed["import"]["shims"]) == 2
    assert observed["convert_model_state"].startswith("wrote ") and "0.weight" in observed["convert_model_state"]
    assert observed["convert_optimizer_state"].startswith("ValueError")
    assert "does not support the conversion of optimizer parameters" in observed["convert_optimizer_state"]
    tolerance = observed["compare_defaults"]["compare_grads_dir"]
    assert tolerance["rtol"] > 0 and tolerance["atol"] > 0  # not an exact comparison


@pytest.mark.claim("routes.paddle-same-bits")
def test_paddle_steps_are_torchs_bit_for_bit():
    like_torch = ROUTES["paddle"]["observed"]["like_torch"]
    args = like_torch["arguments"]
    theirs = _params(like_torch["params"])
    torch = _torch(GRADS, args["learning_rate"], tuple(args["etas"]), tuple(args["learning_rate_range"]))
    assert len(theirs) == len(torch) == other_routes.STEPS
    identical = [a.tobytes() == b[0].tobytes() for a, b in zip(theirs, torch)]
    assert all(identical)
    assert ROUTES["paddle"]["compared"] == {"steps": len(theirs), "max_abs_difference": 0.0,
                                            "identical_steps": sum(identical)}
    # the arguments are torch's defaults
    import inspect
    defaults = inspect.signature(oracles.require("torch").optim.Rprop).parameters
    assert args["learning_rate"] == defaults["lr"].default
    assert tuple(args["learning_rate_range"]) == defaults["step_sizes"].default


@pytest.mark.claim("routes.paddle-defaults")
def test_paddle_defaults_differ_and_an_initial_step_outside_the_range_raises():
    observed = ROUTES["paddle"]["observed"]
    import inspect
    torch_defaults = inspect.signature(oracles.require("torch").optim.Rprop).parameters
    assert observed["defaults"]["learning_rate"] != torch_defaults["lr"].default
    assert tuple(observed["defaults"]["learning_rate_range"]) != torch_defaults["step_sizes"].default
    outside = observed["initial_step_outside_range"]
    assert outside[0]["call"] == "Rprop(learning_rate=100.0, learning_rate_range=(1e-6, 50.0))"
    assert all(o["outcome"].startswith("ValueError") for o in outside)
    first = _torch(GRADS[:1], 100.0, (0.5, 1.2), (1e-6, 50.0))[0]
    assert np.max(first[1]) == 50.0  # torch clips it


@pytest.mark.claim("routes.paconvert")
def test_paconvert_renames_the_arguments_but_leaves_out_torchs_defaults():
    converted = ROUTES["paddle"]["observed"]["paconvert"]
    torch_lines, paddle_lines = converted["torch"], converted["paddle"]
    assert torch_lines[0].endswith("torch.optim.Rprop(model.parameters())")
    assert paddle_lines[0] == "optimizer = paddle.optimizer.Rprop(parameters=model.parameters())"
    assert "learning_rate=0.01" in paddle_lines[1] and "learning_rate_range=(1e-06, 50)" in paddle_lines[1]
    assert "maximize=True" in torch_lines[2] and paddle_lines[2] == ">>>>>>" + torch_lines[2]


def _late_rule(torch_steps):
    """What the page says optax does: no move at the first step, then torch's previous update,
    dropped where the new gradient flips sign (computed from torch's own state)."""
    out, w, dropped = [W0], W0, 0
    for k in range(1, len(torch_steps)):
        _, step_size, prev = torch_steps[k - 1]
        update = -(np.sign(prev) * step_size).astype(np.float32)
        flip = GRADS[k] * prev < 0
        dropped += int(np.count_nonzero(flip & (update != 0)))
        w = (w + np.where(flip, np.float32(0), update)).astype(np.float32)
        out.append(w)
    return out, dropped


@pytest.mark.claim("routes.optax-late")
def test_optax_applies_each_update_one_step_late():
    like_torch = ROUTES["optax"]["observed"]["like_torch"]
    args = like_torch["arguments"]
    theirs = _params(like_torch["params"])
    torch = _torch(GRADS, args["learning_rate"], (args["eta_minus"], args["eta_plus"]),
                   (args["min_step_size"], args["max_step_size"]))
    late, dropped = _late_rule(torch)
    assert theirs[0].tobytes() == W0.tobytes()  # the first update is zero
    assert all(a.tobytes() == b.tobytes() for a, b in zip(theirs, late, strict=True))
    assert dropped > 0
    largest = max(float(np.max(np.abs(a.astype(np.float64) - t[0]))) for a, t in zip(theirs, torch))
    compared = ROUTES["optax"]["compared"]
    assert (compared["steps"], compared["first_update_max_abs"], compared["one_step_late_identical_steps"],
            compared["dropped_updates"], compared["max_abs_difference_from_torch"]) == (
        len(theirs), 0.0, len(theirs), dropped, largest)


@pytest.mark.claim("routes.optax-no-clamp")
def test_optax_does_not_clip_an_initial_step_size_above_the_largest():
    above = ROUTES["optax"]["observed"]["above_max"]
    args = above["arguments"]
    assert args["learning_rate"] > args["max_step_size"]
    theirs = _params(above["params"])
    move = float(np.max(np.abs(theirs[1].astype(np.float64) - theirs[0])))
    torch = _torch(GRADS[:1], args["learning_rate"], (args["eta_minus"], args["eta_plus"]),
                   (args["min_step_size"], args["max_step_size"]))
    torch_move = float(np.max(np.abs(torch[0][0].astype(np.float64) - W0)))
    assert move == pytest.approx(args["learning_rate"], rel=1e-6)
    assert torch_move == pytest.approx(args["max_step_size"], rel=1e-6)
    compared = ROUTES["optax"]["compared"]
    assert (compared["above_max_first_move"], compared["above_max_torch_first_move"]) == (move, torch_move)


def test_mint_optim_is_what_the_record_says():
    """The list the page shows, against the pinned MindSpore here (its claim, that Rprop is not
    among them, is proven by tests/test_claim_domains.py)."""
    mindspore = oracles.mindspore()
    from mindspore.mint import optim
    assert RECORD["mint_optim"] == {"mindspore": mindspore.__version__, "exports": sorted(optim.__all__),
                                    "exports_text": ", ".join(sorted(optim.__all__))}


# --- the page ----------------------------------------------------------------------------------------

def _shown(route: str, *keys, spec: str = "") -> str:
    item = ROUTES[route]
    for key in keys:
        item = item[int(key)] if isinstance(item, list) else item[key]
    return format(item, spec) if spec else str(item)


def test_the_page_shows_the_recorded_outcomes(site):
    expected = [
        RECORD["mint_optim"]["exports_text"], RECORD["torch"], str(RECORD["problem"]["steps"]),
        _shown("mindtorch", "observed", "import", "error"),
        _shown("troubleshooter", "observed", "import", "error"), *ROUTES["troubleshooter"]["conflict"],
        f'{_shown("paddle", "compared", "identical_steps")}', _shown("paddle", "compared", "max_abs_difference", spec="g"),
        _shown("paddle", "observed", "paconvert", "paddle", "0"),
        _shown("optax", "compared", "dropped_updates"),
        _shown("optax", "compared", "max_abs_difference_from_torch", spec=".3g"),
        _shown("optax", "compared", "above_max_first_move", spec=".3g"),
        _shown("optax", "compared", "above_max_torch_first_move", spec=".3g"),
        *(f'{_shown(r, "size_mb")} MB' for r in ROUTES),
    ]
    quoted = "this tool does not support the conversion of optimizer parameters"  # the page quotes it
    assert quoted in _shown("troubleshooter", "observed", "convert_optimizer_state")
    expected.append(quoted)
    for language in ("", "zh/"):
        page = (site / language / "routes" / "index.html").read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", page)).replace("\u200b", "")
        text = re.sub(r"\s+", " ", text)
        assert not re.search(r"\[\[(value|table|notes|claim):", text), "an unreplaced placeholder"
        missing = [value for value in expected if value not in text]
        assert not missing, (language, missing)
        # each recorded claim's ✓ links to its test here, each sourced one's † to its source
        claims = load_hook("claims").claims()
        mine = [c for c in claims.values() if any(w.startswith("docs/routes.") for w in c.where)]
        assert page.count("tests/test_other_routes.py#L") == sum(not c.source for c in mine) - 1  # mint: elsewhere
        assert all(html.escape(c.source["url"], quote=True) in page for c in mine if c.source)
