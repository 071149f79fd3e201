"""Golden vectors: the browser engine (docs/assets/playground/rprop.js) and problems
(docs/assets/playground/problems.js) against the NumPy reference.

The reference produces the vectors here (seeded NumPy randomness, no Hypothesis, so generation is
fast and deterministic), writes them as JSON into `tmp_path` and runs `tests/js/engine.test.mjs`
under Node with `RPROP_JS_GOLDEN` pointing at the file. float32 values travel as uint32 bit
patterns, so -0.0 and every last bit survive; Node compares bits (any NaN matches any NaN: JS
engines may canonicalise NaN payloads).

- Engine: random runs over all four conventions (1–3 parameters incl. 0-d — one element in JS —
  and empty ones, gradients with exact zeros, repeats, sign flips, `None` for torch, both step-size
  clamps, maximize, weight decay on names with and without gamma/beta), hand-written edge cases
  (NaN/inf/subnormal values, inverted or NaN step-size bounds), step-time errors, and bad keyword
  arguments from `test_bad_inputs.py`'s tables plus more, each with the Python exception's name.
- Problems: loss and gradients at random float32 points. Rosenbrock is plain scalar arithmetic and
  is compared bit for bit. linear-l1's matrix products go through BLAS: problems.js reproduces
  OpenBLAS's float32 kernels (fused multiply-adds in order), and when this NumPy's BLAS is found
  to compute exactly that (checked here with exact rational arithmetic) the comparison is bit for
  bit; with any other BLAS the residual-derived values are compared within 8 float32 ulps of the
  sum of the absolute terms, with exact sign agreement.

Without `node` the tests skip, or fail when `RPROP_REQUIRE_ORACLES=1` (as `oracles.require`).
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import oracles
import rprop_ref
import test_bad_inputs
from cases import MAGNITUDES, NAMES, SHAPES
from experiments.problems import linear_data, linear_init, linear_l1, rosenbrock, rosenbrock_grid

ROOT = Path(__file__).resolve().parents[1]
NODE_TEST = ROOT / "tests" / "js" / "engine.test.mjs"
STEPS = 30
RUNS_PER_CONVENTION = 80
F32 = np.float32


# --- encoding ---------------------------------------------------------------------------------------

def bits(array) -> list[int]:
    return np.ascontiguousarray(array, dtype=F32).reshape(-1).view(np.uint32).tolist()


def number(x: float):
    """A float for JSON: non-finite values as the strings JS `Number()` reads."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


class Unrepresentable(Exception):
    pass


def literal(value):
    """A Python keyword value as the engine's typed literal node."""
    if value is None:
        return {"type": "none"}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        return {"type": "int", "value": value}
    if type(value) is float:  # not np.float64, a float subclass the engine cannot express
        return {"type": "float", "value": number(value)}
    if isinstance(value, str):
        return {"type": "str", "value": value}
    if isinstance(value, (tuple, list)):
        return {"type": type(value).__name__, "items": [literal(v) for v in value]}
    raise Unrepresentable(repr(value))


def hyper_json(hyper: rprop_ref.Hyper) -> dict:
    return {"lr": number(hyper.lr), "etaminus": number(hyper.etaminus), "etaplus": number(hyper.etaplus),
            "stepMin": number(hyper.step_min), "stepMax": number(hyper.step_max),
            "weightDecay": number(hyper.weight_decay), "maximize": hyper.maximize,
            "stepLimit": None if hyper.step_limit is None else {
                "steps": hyper.step_limit.steps, "error": hyper.step_limit.error.__name__}}


def outcome(convention: str, kwargs: dict) -> dict:
    """What the reference does with `kwargs`: the Hyper, or the exception type raised by
    construction or a first step (as `test_bad_inputs._reference_raises`)."""
    w = {"w": np.array([0.5, -1.0, 2.0], dtype=F32)}
    g = {"w": np.array([0.1, 0.2, -0.3], dtype=F32)}
    try:
        opt = rprop_ref.make(convention, **kwargs)
        opt.step(w, g, opt.init(w))
    except (TypeError, ValueError, IndexError, RuntimeError, AssertionError) as err:
        return {"expect": type(err).__name__}
    return {"expect": None, "hyper": hyper_json(opt.hyper)}


# --- random runs ----------------------------------------------------------------------------------

def pick(rng, options):
    return options[int(rng.integers(len(options)))]


def random_kwargs(convention: str, rng) -> dict:
    kw = {}
    lr = pick(rng, (1e-9, 1e-3, 0.01, 0.1, 1.0, 100.0, float(rng.uniform(1e-6, 60.0)), 1))
    etas = (float(rng.uniform(0.05, 0.95)), float(rng.uniform(1.05, 3.0)))
    low = pick(rng, (0.0, 1e-9, 1e-6, 1e-4, 1e-2))
    high = pick(rng, (0.02, 0.5, 1.0, 50.0, 1e3))
    if convention in ("torch", "mindspore-experimental"):
        if rng.random() < 0.8:
            kw["lr"] = lr
        if rng.random() < 0.8:
            kw["etas"] = pick(rng, (etas, list(etas), (etas[0], 2)))
        if rng.random() < 0.8:
            kw["step_sizes"] = pick(rng, ((low, high), [low, high], (1e-6, 50), (1.0, 0.1), (0, 1)))
        if rng.random() < 0.3:
            kw["maximize"] = True
        if convention == "torch" and rng.random() < 0.2:
            kw[pick(rng, ("foreach", "capturable", "differentiable"))] = pick(rng, (True, False, None))
    else:
        if rng.random() < 0.8:
            kw["learning_rate"] = pick(rng, (lr, lr, [lr, 0.5], (lr,)))
        if rng.random() < 0.8:
            kw["etas"] = etas
        if rng.random() < 0.8:
            kw["step_sizes"] = (low, high)
        if rng.random() < 0.6:
            kw["weight_decay"] = pick(rng, (0.0, 0, 1e-4, 0.01, 0.1, 0.5, 1))
    return kw


def random_problem(convention: str, rng):
    """`(params, grads_per_step)` in the style of `cases.problems`."""
    torch = convention == "torch"
    shapes = [s for s in SHAPES if torch or 0 not in s or rng.random() < 0.1]
    names = list(rng.choice(NAMES, size=int(rng.integers(1, 4)), replace=False))
    shape_of = {n: pick(rng, shapes) for n in names}
    p_zero, p_repeat, p_flip = pick(rng, (0.0, 0.1, 0.5)), pick(rng, (0.0, 0.3)), pick(rng, (0.0, 0.2, 0.6))
    p_missing = pick(rng, (0.0, 0.2)) if torch else 0.0
    low, high = pick(rng, MAGNITUDES)

    def fresh(shape):
        return rng.choice((-1.0, 1.0), size=shape) * 10.0 ** rng.uniform(low, high, size=shape)

    params = {n: rng.standard_normal(shape_of[n]).astype(F32) for n in names}
    grads_per_step, last = [], {n: fresh(shape_of[n]) for n in names}
    for _ in range(STEPS):
        grads = {}
        for n in names:
            shape = shape_of[n]
            g, roll = fresh(shape), rng.random(shape)
            g = np.where(roll < p_repeat, last[n], g)
            g = np.where((roll >= p_repeat) & (roll < p_repeat + p_flip), -last[n], g)
            g = np.where(rng.random(shape) < p_zero, 0.0, g)
            last[n] = g
            grads[n] = None if rng.random() < p_missing else np.asarray(g).astype(F32)
        grads_per_step.append(grads)
    return params, grads_per_step


def record(convention, kwargs, params, grads_per_step) -> dict:
    """One golden run: the reference's params, step sizes, stored gradients and step counters after
    every step, or the exception (by name) that `init` or a step raises."""
    opt = rprop_ref.make(convention, **kwargs)
    run = {"convention": convention, "kwargs": {k: literal(v) for k, v in kwargs.items()},
           "hyper": hyper_json(opt.hyper), "params": {n: bits(p) for n, p in params.items()}, "steps": []}
    try:
        state = opt.init(params)
    except (TypeError, ValueError) as err:
        run["initError"] = type(err).__name__
        return run
    for grads in grads_per_step:
        step = {"grads": {n: None if g is None else bits(g) for n, g in grads.items()}}
        run["steps"].append(step)
        try:
            params, state = opt.step(params, grads, state)
        except (TypeError, ValueError, RuntimeError, AssertionError) as err:  # incl. a StepLimit
            step["error"] = type(err).__name__
            break
        step["expect"] = {n: {"param": bits(params[n]), "stepSize": bits(state.step_size[n]),
                              "prev": bits(state.prev[n]), "step": state.step[n]} for n in params}
    return run


SPECIAL = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, -1e-40, 3e38, -3e38, 1e-30, -1e-20, 1.0, -1.0,
                    0.5, -2.0], dtype=F32)


def edge_runs(rng) -> list[dict]:
    """Hand-picked corners: special values, odd but accepted bounds, step-time errors."""
    def specials(shape):
        return SPECIAL[rng.integers(len(SPECIAL), size=shape)]

    def special_problem(names=("w", "bn.gamma"), shape=(15,), steps=STEPS):
        params = {n: specials(shape) for n in names}
        return params, [{n: specials(shape) for n in names} for _ in range(steps)]

    mixed = {"w": np.array([-0.0, 0.0, 1.0, -1.0, 2.5], dtype=F32)}
    zeros = [{"w": np.array([0.0, -0.0, 0.0, -0.0, 1.0], dtype=F32)}] * 3 + \
            [{"w": np.array([-0.0, 0.0, -1.0, 1.0, -1.0], dtype=F32)}] * 3
    tiny = {"w": np.array([1.0, -1.0, 1e-3], dtype=F32)}
    flips = [{"w": np.array([1e-30, -1e-38, 1e-40], dtype=F32) * (-1) ** k} for k in range(STEPS)]
    runs = []
    for convention in rprop_ref.CONVENTIONS:
        torchlike = convention in ("torch", "mindspore-experimental")
        runs.append(record(convention, {}, *special_problem()))
        runs.append(record(convention, {"maximize": True} if torchlike else {"weight_decay": 1e-50},
                           mixed, zeros))
        runs.append(record(convention, {"lr": 1e-9, "etas": (0.05, 1.5), "step_sizes": (0.0, 1.0)} if torchlike
                           else {"learning_rate": 1e-9, "etas": (0.05, 1.5), "step_sizes": (0.0, 1.0)},
                           tiny, flips))
    runs += [
        record("torch", {"lr": -0.0, "step_sizes": (0.0, 1.0)}, *special_problem()),
        record("torch", {"lr": -0.0, "step_sizes": (-1.0, 0.0)}, *special_problem()),  # signed zeros in clip
        record("torch", {"lr": 0.0, "step_sizes": (-0.0, 1.0)}, *special_problem()),
        record("mindspore", {"learning_rate": 0.0, "step_sizes": (-0.0, 0.0)}, *special_problem()),
        record("torch", {"step_sizes": (float("nan"), 1.0)}, *special_problem(steps=3)),
        record("torch", {"step_sizes": (1.0, float("nan"))}, *special_problem(steps=3)),
        record("torch", {"lr": 1e300, "step_sizes": (1e-6, float("inf"))}, *special_problem(steps=4)),
        record("torch", {"step_sizes": (1.0, 0.1)}, *special_problem()),
        record("mindspore-experimental", {"step_sizes": (0.5, 0.01)}, *special_problem()),
        record("mindspore", {"learning_rate": [-0.1], "step_sizes": (-1.0, 50.0)}, *special_problem(steps=5)),
        record("mindspore", {"learning_rate": ["0.25", 1.0], "weight_decay": 0.5}, *special_problem()),
        record("mindspore-doc", {"learning_rate": [None]}, *special_problem(steps=3)),
        record("mindspore", {"weight_decay": float("inf")}, *special_problem(steps=3)),
        # step-time errors
        record("mindspore", {}, {"w": np.ones(3, F32), "b": np.ones(2, F32)},
               [{"w": np.ones(3, F32), "b": np.ones(2, F32)}, {"w": np.ones(3, F32), "b": None}]),
        record("mindspore-experimental", {}, {"w": np.ones(3, F32)}, [{"w": None}]),
        record("torch", {}, {"w": np.ones(3, F32)}, [{"w": np.ones(2, F32)}]),
        record("mindspore-doc", {}, {"w": np.ones(3, F32), "b": np.ones(2, F32)}, [{"w": np.ones(3, F32)}]),
        record("mindspore", {}, {"w": np.ones(0, F32)}, []),
    ]
    return runs


def engine_golden() -> dict:
    rng = np.random.default_rng(20240611)
    with np.errstate(all="ignore"):  # NaN and overflow are part of the edge cases
        runs = [record(c, random_kwargs(c, rng), *random_problem(c, rng))
                for c in rprop_ref.CONVENTIONS for _ in range(RUNS_PER_CONVENTION)]
        runs += edge_runs(rng)
        kwargs = kwargs_cases()
    return {"runs": runs, "kwargs": kwargs,
            "switches": {c.name: {"zeroGradientOnSignFlip": c.switches.zero_gradient_on_sign_flip,
                                  "sharedStepCounter": c.switches.shared_step_counter,
                                  "weightDecayExempt": list(c.switches.weight_decay_exempt),
                                  "precision": c.switches.precision}
                         for c in rprop_ref.BY_NAME.values()},
            "conventions": list(rprop_ref.CONVENTIONS)}


# --- constructor arguments ------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")
MORE_TORCH = [{"lr": [0.1]}, {"lr": (0.1,)}, {"lr": True}, {"lr": INF}, {"lr": 1}, {"lr": -0.0},
              {"etas": "ab"}, {"etas": "a"}, {"etas": 0.5}, {"etas": ()}, {"etas": [0.5]}, {"etas": (NAN, 1.2)},
              {"etas": (0.5, None)}, {"etas": (True, 2)}, {"etas": [0.5, 1.2]}, {"etas": (0.5, INF)},
              {"step_sizes": "ab"}, {"step_sizes": 0}, {"step_sizes": ()}, {"step_sizes": (None, 1.0)},
              {"step_sizes": (1.0, 0.1)}, {"step_sizes": (NAN, NAN)}, {"step_sizes": [1, 2]},
              {"maximize": "yes"}, {"maximize": 0}, {"foreach": False}, {"eps": 1e-8}]
MORE_MINDSPORE = [{"etas": ()}, {"etas": "ab"}, {"etas": (NAN, 1.2)}, {"etas": (0.5, NAN)}, {"etas": (0.5, INF)},
                  {"etas": (None, 1.2)}, {"etas": (0.5, "2")}, {"step_sizes": ("b", "a")}, {"step_sizes": ("a", "b")},
                  {"step_sizes": (1.0, None)}, {"step_sizes": ((2.0,), (1.0,))}, {"step_sizes": ((1.0,), (2.0,))},
                  {"step_sizes": ([2.0], (1.0,))}, {"step_sizes": (NAN, 1.0)}, {"step_sizes": (True, 1.0)},
                  {"step_sizes": (0.5, 0.5)}, {"learning_rate": []}, {"learning_rate": [[0.1]]},
                  {"learning_rate": ["abc"]}, {"learning_rate": [" 1_0 "]}, {"learning_rate": ["inf", 2]},
                  {"learning_rate": [None]}, {"learning_rate": NAN}, {"learning_rate": (0.1, "x")},
                  {"learning_rate": [0.1, [0.2]]}, {"learning_rate": True}, {"learning_rate": [-0.1]},
                  {"learning_rate": 1e40}, {"learning_rate": -0.0}, {"learning_rate": 3}, {"learning_rate": ["0x10"]},
                  {"weight_decay": True}, {"weight_decay": NAN}, {"weight_decay": (0.1,)}, {"weight_decay": INF},
                  {"weight_decay": 2}]
MORE_EXPERIMENTAL = [{"lr": True}, {"lr": NAN}, {"lr": [0.1]}, {"lr": INF}, {"etas": "ab"}, {"etas": 0.5},
                     {"etas": []}, {"etas": (0.5, True)}, {"etas": (0.5, "2")}, {"etas": (None, 1.2)},
                     {"etas": (0.5, 1.2, "x")}, {"etas": (0.5, 2)}, {"etas": [0.5, 1.2]}, {"etas": (NAN, 1.2)},
                     {"step_sizes": (1.0, "x")}, {"step_sizes": (1.0, 0.1)}, {"step_sizes": 1.0},
                     {"maximize": "yes"}, {"maximize": None}]


def kwargs_cases() -> list[dict]:
    """Bad (and odd but valid) keyword arguments with the reference's outcome. Rows of
    `test_bad_inputs` that need NumPy values are left out; the others must still raise the
    exception type their table names."""
    tables = [(("torch",), test_bad_inputs.TORCH_CASES, MORE_TORCH),
              (("mindspore", "mindspore-doc"), test_bad_inputs.MINDSPORE_CASES, MORE_MINDSPORE),
              (("mindspore-experimental",), test_bad_inputs.EXPERIMENTAL_CASES, MORE_EXPERIMENTAL)]
    cases = []
    for conventions, table, more in tables:
        rows = [(kw, expected.__name__) for kw, expected in table] + [(kw, "reference") for kw in more]
        for kwargs, expected in rows:
            try:
                encoded = {k: literal(v) for k, v in kwargs.items()}
            except Unrepresentable:
                continue
            for convention in conventions:
                result = outcome(convention, kwargs)
                assert expected in ("reference", result["expect"]), (convention, kwargs, result)
                cases.append({"convention": convention, "kwargs": encoded, **result})
    return cases


# --- problems -------------------------------------------------------------------------------------

def _round32(q: Fraction) -> F32:
    """The exact rational `q` rounded once to float32 (nearest, ties to even)."""
    near = F32(float(q))
    candidates = [np.nextafter(near, F32(-np.inf)), near, np.nextafter(near, F32(np.inf))]
    return min((c for c in candidates if np.isfinite(c)),
               key=lambda c: (abs(Fraction(float(c)) - q), int(np.array(c).view(np.uint32)) & 1))


def _fma_dot(a, b) -> F32:
    acc = F32(0)
    for x, y in zip(a, b):
        acc = _round32(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(acc)))
    return acc


def blas_is_fma_sequential(points) -> bool:
    """Whether this NumPy's float32 matmul (the two products in `linear_l1`) is what problems.js
    computes: fused multiply-adds in order from 0 (OpenBLAS's Haswell-and-later kernels)."""
    inputs, targets = linear_data()
    for params in points:
        weight, bias = params["weight"], params["bias"]
        product = inputs @ weight.T
        if any(_fma_dot(inputs[i], weight[j]) != product[i, j] for i in range(16) for j in range(3)):
            return False
        d = np.sign(product + bias - targets) / F32(48)
        grad = d.T @ inputs
        if any(_fma_dot(d[:, j], inputs[:, c]) != grad[j, c] for j in range(3) for c in range(2)):
            return False
    return True


def spacing8(x) -> float:
    return float(8 * np.spacing(F32(abs(x))))


def problems_golden() -> dict:
    rng = np.random.default_rng(7)
    inputs, targets = linear_data()
    points = [linear_init()] + [
        {"weight": (rng.standard_normal((3, 2)) * s).astype(F32), "bias": (rng.standard_normal(3) * s).astype(F32)}
        for s in rng.choice((0.1, 1.0, 10.0), size=50)]
    linear = []
    for params in points:
        loss, grads = linear_l1(params)
        assert float(F32(loss)) == loss
        d = np.sign(inputs @ params["weight"].T + params["bias"] - targets) / F32(48)
        linear.append({
            "params": {k: bits(v) for k, v in params.items()}, "loss": bits(F32(loss)),
            "grads": {k: bits(v) for k, v in grads.items()},
            "tolerance": {"loss": spacing8(loss),
                          "weight": [spacing8(np.abs(d[:, j]) @ np.abs(inputs[:, c])) for j in range(3) for c in range(2)],
                          "bias": [spacing8(np.abs(d[:, j]).sum()) for j in range(3)]}})
    xy = [np.array(p, dtype=F32) for p in [(-1.5, 2.0), (1.0, 1.0), (0.0, 0.0), (-0.0, -0.0), (1e-20, 1e20),
                                          (1e19, 3e38), (1.0 + 2**-12, 3.0)]]
    xy += [np.array([rng.uniform(-2, 2), rng.uniform(-1, 3)], dtype=F32) for _ in range(50)]
    with np.errstate(all="ignore"):
        ros = [(p, *rosenbrock({"xy": p})) for p in xy]
    grids = [dict(zip(("xs", "ys", "z"), (a.reshape(-1).tolist() for a in rosenbrock_grid(n))), n=n)
             for n in (1, 2, 7, 161)]
    return {"exact": blas_is_fma_sequential(points),
            "init": {"linear-l1": {k: bits(v) for k, v in linear_init().items()}, "rosenbrock": {"xy": bits(xy[0])}},
            "linear": linear,
            "rosenbrock": [{"params": {"xy": bits(p)}, "loss": number(loss), "grads": {"xy": bits(g["xy"])}}
                           for p, loss, g in ros],
            "grid": grids}


# --- running node ---------------------------------------------------------------------------------

node = oracles.node


def run_node(tmp_path: Path, golden: dict, tests: list[str]) -> str:
    """Run the Node test file on `golden`; `tests` (name prefixes) must have run and passed."""
    executable = node()
    path = tmp_path / "golden.json"
    path.write_text(json.dumps(golden, allow_nan=False))
    result = subprocess.run([executable, "--test", "--test-reporter=tap", str(NODE_TEST)], cwd=ROOT,
                            env={**os.environ, "RPROP_JS_GOLDEN": str(path)},
                            capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"^# fail 0$", output, re.M), output
    for name in tests:
        assert re.search(rf"^ok \d+ - {re.escape(name)}[^#\n]*$", output, re.M), f"{name} did not run:\n{output}"
    return output


@pytest.mark.claim("playground.same-arithmetic")
def test_js_engine_matches_reference_bit_for_bit(tmp_path):
    golden = engine_golden()
    assert len(golden["runs"]) >= 300 and all(len(v) >= 30 for v in (
        [c for c in golden["kwargs"] if c["convention"] == name] for name in rprop_ref.CONVENTIONS))
    output = run_node(tmp_path, {"engine": golden},
                      [f"golden runs: {c}" for c in rprop_ref.CONVENTIONS]
                      + ["golden constructor arguments", "switches and conventions"])
    compared = sum(int(n) for n in re.findall(r"^\s*# (\d+) steps compared", output, re.M))
    expected = sum(len(r["steps"]) - ("error" in r["steps"][-1] if r["steps"] else 0) for r in golden["runs"])
    assert compared == expected, output


def test_js_problems_match_reference(tmp_path):
    golden = problems_golden()
    output = run_node(tmp_path, {"problems": golden}, ["problems: initial", "problems: linear-l1", "problems: rosenbrock",
                                                        "simulation: the playground's first run"])
    assert re.search(r"^\s*# (\d+) linear-l1 points", output, re.M), output
