"""The cells of the mapping table (data/rprop-mapping.yml), proved against the real torch and
MindSpore: one group of tests per row, each marked with the claims (`ROW.KEY`) it proves, plus the
prose claims about the three signatures. Rows weight-decay to differentiable are in
test_mapping_table_options.py; no-gradient, state and dtype in test_mapping_table_state.py.

Every problem is a small fixed-seed float32 one; "identical" means bit for bit."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

import oracles
from mapping_helpers import (KW, POS, frameworks, identical, ms_loop, ms_optimizer, names, one_param,
                             problem, signature, torch_loop)
from oracles import first_difference, run_mindspore, run_torch
from test_reference_behaviour import _constructor_signature

ROOT = Path(__file__).resolve().parent.parent


# --- signatures (prose) ------------------------------------------------------------------------------

@pytest.mark.claim("signatures.torch")
def test_torch_signature_is_the_published_one():
    torch = oracles.require("torch")
    assert signature(torch.optim.Rprop) == [
        ("lr", POS, "0.01"), ("etas", POS, "(0.5, 1.2)"), ("step_sizes", POS, "(1e-06, 50)"),
        ("capturable", KW, "False"), ("foreach", KW, "None"), ("maximize", KW, "False"),
        ("differentiable", KW, "False")]


@pytest.mark.claim("signatures.mindspore")
def test_nn_rprop_signature_is_the_published_one():
    ms = oracles.mindspore()
    assert signature(ms.nn.Rprop) == [
        ("learning_rate", POS, "0.1"), ("etas", POS, "(0.5, 1.2)"), ("step_sizes", POS, "(1e-06, 50.0)"),
        ("weight_decay", POS, "0.0")]


@pytest.mark.claim("signatures.experimental")
def test_experimental_signature_is_the_published_one():
    oracles.mindspore()
    from mindspore.experimental import optim
    assert signature(optim.Rprop) == [
        ("lr", POS, "0.01"), ("etas", POS, "(0.5, 1.2)"), ("step_sizes", POS, "(1e-06, 50)"),
        ("maximize", KW, "False")]


@pytest.mark.claim("signatures.experimental-rejects", "lr.experimental")
def test_experimental_rejects_lr_zero():
    oracles.mindspore()
    from mindspore.experimental import optim
    assert names(optim.Rprop)[0] == "lr" and _constructor_signature(optim.Rprop)[0][2] == 0.01
    for lr in (0.0, 0, -0.01):
        with pytest.raises(ValueError, match="lr must be greater than 0"):
            optim.Rprop(one_param(), lr=lr)
    optim.Rprop(one_param(), lr=1e-12)


@pytest.mark.claim("signatures.experimental-rejects", "dtype.experimental")
def test_experimental_rejects_half_precision_parameters_at_the_first_step():
    ms = oracles.mindspore()
    from mindspore.experimental import optim
    for dtype in (ms.float16, ms.bfloat16):  # constructs, then the first step raises
        opt = optim.Rprop([ms.Parameter(ms.Tensor(np.ones(3, np.float32)).astype(dtype), name="w")])
        # the dtype it cannot convert to: Float32 from MindSpore 2.8 on, Float64 in 2.7
        with pytest.raises(TypeError, match="cannot be converted to data type Float(32|64)"):
            opt((ms.Tensor(np.ones(3, np.float32)).astype(dtype),))


@pytest.mark.claim("signatures.mindspore-deprecation")
def test_nn_rprop_docstring_announces_the_renaming():
    ms = oracles.mindspore()
    doc = " ".join(ms.nn.Rprop.__doc__.split())
    assert (".. warning:: Non-backward-compatible change after version 2.9.0: `learning_rate` will be "
            "renamed to `lr`, and `weight_decay` will be removed.") in doc


@pytest.mark.claim("site.versions")
def test_installed_versions_are_the_ones_the_site_names():
    """The pinned pair the pages name (data/e2e.json); in a version-matrix run, the pair that the
    column names (scripts/matrix.py sets RPROP_MATRIX_VERSIONS), so that each column of
    data/versions.json is proven to have run the versions it lists."""
    torch, ms = oracles.require("torch"), oracles.mindspore()
    column = os.environ.get("RPROP_MATRIX_VERSIONS")
    if column:
        named = json.loads(column)
        assert (torch.__version__.split("+")[0], ms.__version__) == (named["torch"], named["mindspore"])
        return
    e2e = json.loads((ROOT / "data" / "e2e.json").read_text(encoding="utf-8"))
    assert (torch.__version__, ms.__version__) == (e2e["torch_version"], e2e["mindspore_version"])


# --- algorithm --------------------------------------------------------------------------------------

FLIP_GRADS = [{"w": np.array([1, 1, 1, 0], np.float32)},    # step 1: Δ = lr everywhere
              {"w": np.array([-1, 2, 0, 1], np.float32)},   # flip, same sign, zero, first sign
              {"w": np.array([-1, 1, 3, 1], np.float32)}]   # after the flip: factor 1


def check_irprop_minus(records, lr=np.float32(0.01)):
    """records (oracles format) of FLIP_GRADS from w = 0: the iRprop⁻ rule, element by element."""
    (p1, s1, _), (p2, s2, prev2), (p3, s3, prev3) = (r["w"] for r in records)
    f = np.float32
    assert p1.tolist() == [-lr, -lr, -lr, 0]
    # element 0 flips: step size shrinks, gradient zeroed (no move, prev 0), then factor 1
    assert (s2[0], p2[0], prev2[0]) == (lr * f(0.5), p1[0], 0)
    assert (s3[0], p3[0], prev3[0]) == (s2[0], p2[0] + s2[0], -1)
    assert (s2[1], p2[1]) == (lr * f(1.2), p1[1] - lr * f(1.2))  # same sign: grows and moves
    assert (s2[2], p2[2], prev2[2]) == (lr, p1[2], 0)             # zero gradient: kept, no move


@pytest.mark.claim("algorithm.torch", "algorithm.mindspore", "algorithm.experimental")
def test_all_three_zero_the_gradient_on_a_sign_flip():
    zero = {"w": np.zeros(4, np.float32)}
    check_irprop_minus(run_torch(zero, FLIP_GRADS))
    check_irprop_minus(run_mindspore(zero, FLIP_GRADS, learning_rate=0.01))
    check_irprop_minus(run_mindspore(zero, FLIP_GRADS, experimental=True))


@pytest.mark.claim("algorithm.migrate", "algorithm.upstream")
def test_same_initial_step_and_gradients_give_the_same_bits():
    params, grads = problem(steps=40)
    expected = run_torch(params, grads)
    assert first_difference(expected, run_mindspore(params, grads, learning_rate=0.01)) is None
    assert first_difference(expected, run_mindspore(params, grads, experimental=True)) is None


@pytest.mark.claim("algorithm.doc-formula", "algorithm.mindspore")
def test_nn_rprop_docstring_formula_has_no_zeroing_and_no_initial_step():
    ms = oracles.mindspore()
    doc = ms.nn.Rprop.__doc__
    math = doc[doc.index(".. math::"):doc.index(r"\end{gather*}")]
    lines = [" ".join(re.sub(r"\\hspace\{[^}]*\}|&", "", line).split()).rstrip("\\ ")
             for line in math.splitlines()]
    assert r"\Delta_t \leftarrow \mathrm{min}(\Delta_{t-1} \eta_{+}, \Delta_{max})" in lines
    assert r"\Delta_t \leftarrow \mathrm{max}(\Delta_{t-1} \eta_{-}, \Delta_{min})" in lines
    assert r"\Delta_t \leftarrow \Delta_{t-1}" in lines  # the unchanged case: no clamp
    assert r"w_{t} \leftarrow w_{t-1}- \Delta_{t} \mathrm{sign}(g_t)" in lines
    assert sum(r"\leftarrow" in line for line in lines) == 4  # no g_t ← 0
    assert r"\Delta_0" not in doc and "initial" not in doc.lower()


@pytest.mark.claim("algorithm.first-step-clamp")
def test_the_first_step_is_clamped_to_step_sizes():
    grad = np.array([0.3, -2.0, 0.0, 1e-3], np.float32)
    zero, grads = {"w": np.zeros(4, np.float32)}, [{"w": grad}]
    moved = run_torch(zero, grads, lr=0.0)[0]["w"][0]
    assert moved.tolist() == (-np.sign(grad) * np.float32(1e-6)).tolist()
    moved = run_mindspore(zero, grads, learning_rate=100.0)[0]["w"][0]
    assert moved.tolist() == (-np.sign(grad) * 50).tolist()
    for kwargs in ({"learning_rate": 0.0, "step_sizes": (1e-6, 50.0)}, {"experimental": True, "lr": 1e-9}):
        moved = run_mindspore(zero, grads, **kwargs)[0]["w"][0]     # MindSpore clamps as torch does
        assert moved.tolist() == (-np.sign(grad) * np.float32(1e-6)).tolist(), kwargs


# --- params and parameter groups --------------------------------------------------------------------

GROUP_OPTIONS = {"w": {"lr": 0.03, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2), "maximize": True},
                 "b": {"lr": 0.01, "etas": (0.6, 1.1), "step_sizes": (1e-5, 1.0)}}


def per_group(loop, params, grads, **extra):
    """Each parameter alone in an optimizer with its group's options, merged."""
    runs = {n: loop({n: params[n]}, [{n: g[n]} for g in grads], **GROUP_OPTIONS[n], **extra)
            for n in params}
    return [{n: runs[n][i][n] for n in params} for i in range(len(grads))]


@pytest.mark.claim("params.torch")
def test_torch_groups_set_any_hyper_parameter():
    params, grads = problem()
    groups = [([n], opts) for n, opts in GROUP_OPTIONS.items()]
    assert identical(torch_loop(params, grads, groups=groups), per_group(torch_loop, params, grads))


@pytest.mark.claim("params.experimental")
def test_experimental_groups_set_hyper_parameters_and_ignore_weight_decay():
    params, grads = problem()
    groups = [([n], opts) for n, opts in GROUP_OPTIONS.items()]
    grouped = ms_loop(params, grads, experimental=True, groups=groups)
    assert identical(grouped, per_group(ms_loop, params, grads, experimental=True))
    decayed = [([n], {**opts, "weight_decay": 0.5}) for n, opts in GROUP_OPTIONS.items()]
    assert identical(ms_loop(params, grads, experimental=True, groups=decayed), grouped)


@pytest.mark.claim("params.mindspore")
def test_nn_rprop_groups_accept_only_five_keys():
    ms = oracles.mindspore()
    (w,), (b,) = one_param(), [ms.Parameter(ms.Tensor(np.ones(2, np.float32)), name="b")]
    ms.nn.Rprop([w, b])
    ms.nn.Rprop([{"params": [w], "lr": 0.01, "weight_decay": 0.1, "grad_centralization": True},
                 {"params": [b]}, {"order_params": [w, b]}])
    for key, value in [("etas", (0.5, 1.2)), ("step_sizes", (1e-6, 50.)), ("maximize", True),
                       ("momentum", 0.9)]:
        with pytest.raises(KeyError, match=rf"\['params', 'lr', 'weight_decay', 'order_params', "
                                           rf"'grad_centralization'\], but got \['{key}'\]"):
            ms.nn.Rprop([{"params": [w], key: value}])


@pytest.mark.claim("params.migrate", "params.upstream")
def test_torch_groups_with_own_etas_port_to_experimental_or_one_nn_rprop_per_group():
    ms = oracles.mindspore()
    params, grads = problem()
    options = {n: {k: v for k, v in o.items() if k != "maximize"} for n, o in GROUP_OPTIONS.items()}
    groups = [([n], opts) for n, opts in options.items()]
    expected = torch_loop(params, grads, groups=groups)
    assert identical(ms_loop(params, grads, experimental=True, groups=groups), expected)
    per_nn = {n: ms_loop({n: params[n]}, [{n: g[n]} for g in grads], learning_rate=o["lr"],
                         etas=o["etas"], step_sizes=o["step_sizes"]) for n, o in options.items()}
    assert identical([{n: per_nn[n][i][n] for n in params} for i in range(len(grads))], expected)
    for key in ("etas", "step_sizes"):  # the torch groups themselves
        torch_groups = [{"params": one_param(), key: options["w"][key]}]
        with pytest.raises(KeyError, match=key):
            ms.nn.Rprop(torch_groups)


# --- lr ---------------------------------------------------------------------------------------------

def moves_after_step_1(**kwargs):
    zero, grads = {"w": np.zeros(3, np.float32)}, [{"w": np.array([1, -1, 0], np.float32)}]
    loop = ms_loop if "learning_rate" in kwargs else torch_loop
    return loop(zero, grads, **kwargs)[0]["w"].tolist()


@pytest.mark.claim("lr.migrate", "lr.omits")
def test_learning_rate_0_01_reproduces_torch_and_only_seeds_the_step_size():
    torch_rprop, nn_rprop, _ = frameworks()
    assert (_constructor_signature(torch_rprop)[0], _constructor_signature(nn_rprop)[0]) == (
        ("lr", POS, 0.01), ("learning_rate", POS, 0.1))
    params, grads = problem(steps=30)
    expected = run_torch(params, grads)
    assert first_difference(expected, run_mindspore(params, grads, learning_rate=0.01)) is None
    assert first_difference(expected, run_mindspore(params, grads)) is not None  # default 0.1
    f = np.float32
    for lr, step in [(100.0, f(50)), (1e-9, f(1e-6)), (0.3, f(0.3))]:  # clip(lr, step_sizes)
        assert moves_after_step_1(lr=lr) == moves_after_step_1(learning_rate=lr) == [-step, step, 0]
    # after step 1 the value is never read again: changing it changes nothing
    ms = oracles.mindspore()
    parameters, opt = ms_optimizer(params, learning_rate=0.01)
    for i, step in enumerate(grads):
        opt(tuple(ms.Tensor(step[n]) for n in params))
        opt.learning_rate.set_data(ms.Tensor(5.0, ms.float32))
        assert all(parameters[n].asnumpy().tobytes() == expected[i][n][0].tobytes() for n in params)


# --- etas -------------------------------------------------------------------------------------------

@pytest.mark.claim("etas.torch")
def test_torch_etas_any_pair_within_bounds():
    torch = oracles.require("torch")
    assert _constructor_signature(torch.optim.Rprop)[1] == ("etas", POS, (0.5, 1.2))
    params, grads = problem(steps=5)
    for etas in [(0.3, 3), [0.5, 2], (np.float64(0.1), np.float64(1.01))]:
        torch_loop(params, grads, etas=etas)
    for etas in [(np.float32(0.5), 1.2), (0.5, np.float32(1.2))]:  # accepted, then the step fails
        with pytest.raises(TypeError, match="can't assign a numpy.float32 to a torch.FloatTensor"):
            torch_loop(params, grads, etas=etas)
    for etas in [(0.0, 1.2), (1.0, 1.2), (0.5, 1.0), (-0.5, 1.2)]:
        with pytest.raises(ValueError, match="Invalid eta values"):
            torch.optim.Rprop([torch.zeros(1, requires_grad=True)], etas=etas)


@pytest.mark.claim("etas.mindspore")
def test_nn_rprop_etas_tuple_of_floats():
    ms = oracles.mindspore()
    assert _constructor_signature(ms.nn.Rprop)[1] == ("etas", POS, (0.5, 1.2))
    with pytest.raises(TypeError, match="etas must be a tuple, but got <class 'list'>"):
        ms.nn.Rprop(one_param(), etas=[0.5, 1.2])
    for etas, fragment in [((0.5, 2), "'etaplus' should be 'float', but got type 'int'"),
                           ((0.5, np.float32(1.2)), "'etaplus' should be 'float', but got type 'float32'"),
                           ((1, 1.2), "'etaminus' must be 'float'")]:
        with pytest.raises(TypeError, match=fragment):
            ms.nn.Rprop(one_param(), etas=etas)
    # etas[0] may be a NumPy float; etas[1] any `float` instance, so np.float64 too
    for etas in [(0.5, 1.2), (np.float32(0.5), 1.2), (np.float64(0.5), 1.2), (0.5, np.float64(1.2))]:
        ms.nn.Rprop(one_param(), etas=etas)


@pytest.mark.claim("etas.experimental")
def test_experimental_etas_first_must_be_a_float():
    oracles.mindspore()
    from mindspore.experimental import optim
    assert _constructor_signature(optim.Rprop)[1] == ("etas", POS, (0.5, 1.2))
    with pytest.raises(TypeError, match=r"'etas\[0\]' must be 'float',  but got 'int'"):
        optim.Rprop(one_param(), etas=(1, 1.2))
    for etas in [(0.5, 1.2), [0.5, 2], (np.float32(0.5), np.float32(1.2))]:
        optim.Rprop(one_param(), etas=etas)


@pytest.mark.claim("etas.migrate", "etas.upstream")
def test_etas_same_name_default_and_meaning():
    torch_rprop, nn_rprop, exp_rprop = frameworks()
    assert {_constructor_signature(c)[1] for c in (torch_rprop, nn_rprop, exp_rprop)} == {
        ("etas", POS, (0.5, 1.2))}
    params, grads = problem()
    expected = run_torch(params, grads, etas=(0.3, 1.7))
    assert first_difference(expected, run_mindspore(params, grads, learning_rate=0.01,
                                                    etas=(0.3, 1.7))) is None


# --- step_sizes -------------------------------------------------------------------------------------

@pytest.mark.claim("step-sizes.torch")
def test_torch_step_sizes_not_validated_min_above_max_clamps_to_max():
    torch = oracles.require("torch")
    assert signature(torch.optim.Rprop)[2] == ("step_sizes", POS, "(1e-06, 50)")
    params, grads = problem(steps=10)
    for record in run_torch(params, grads, step_sizes=(1.0, 0.25)):
        assert all((step_size == np.float32(0.25)).all() for _, step_size, _ in record.values())


@pytest.mark.claim("step-sizes.mindspore", "step-sizes.upstream")
def test_nn_rprop_step_sizes_tuple_of_floats_min_not_above_max():
    ms = oracles.mindspore()
    assert signature(ms.nn.Rprop)[2] == ("step_sizes", POS, "(1e-06, 50.0)")
    for step_sizes, error, fragment in [
            ((1e-06, 50), TypeError, "'max_step_sizes' should be 'float', but got type 'int'"),
            ((0, 50.), TypeError, "'min_step_sizes' should be 'float', but got type 'int'"),
            ([1e-6, 50.], TypeError, "step_sizes must be a tuple"),
            ((1.0, 0.5), ValueError, "maximal step size should not be less than minimal")]:
        with pytest.raises(error, match=fragment):
            ms.nn.Rprop(one_param(), step_sizes=step_sizes)
    ms.nn.Rprop(one_param(), step_sizes=(1e-6, 50.))
    ms.nn.Rprop(one_param(), step_sizes=(0.5, 0.5))
    oracles.require("torch")  # the upstream claim: torch's own tuple, copied


@pytest.mark.claim("step-sizes.experimental")
def test_experimental_step_sizes_not_validated():
    oracles.mindspore()
    from mindspore.experimental import optim
    assert signature(optim.Rprop)[2] == ("step_sizes", POS, "(1e-06, 50)")
    for step_sizes in [(1e-6, 50), (1.0, 0.5), [1, 0], (-1.0, -2.0)]:
        optim.Rprop(one_param(), step_sizes=step_sizes)


@pytest.mark.claim("step-sizes.migrate")
def test_float_step_sizes_reproduce_torch_including_the_clamps():
    params, grads = problem(steps=20)
    for lr, bound in [(40.0, 50), (1e-5, 1e-6)]:  # reaches step_sizes[1], step_sizes[0]
        expected = run_torch(params, grads, lr=lr)
        assert any((r[n][1] == np.float32(bound)).any() for r in expected for n in r)
        assert first_difference(expected, run_mindspore(params, grads, learning_rate=lr,
                                                        step_sizes=(1e-6, 50.0))) is None
