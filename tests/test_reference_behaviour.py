"""Behaviour of the reference that the frameworks document or that we rely on, each checked
against the real framework where one is involved."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import oracles
import rprop_ref
from cases import etas, learning_rates, problems
from oracles import BFLOAT16, first_difference, run_reference


# --- signatures ------------------------------------------------------------------------------------

def _constructor_signature(cls):
    init = cls.__init__
    # MindSpore's `opt_init_args_register` wraps __init__ without functools.wraps; the original
    # function is the decorator's only closure cell.
    if list(inspect.signature(init).parameters)[1:] == ["args", "kwargs"]:
        (cell,) = init.__closure__
        init = cell.cell_contents
    params = list(inspect.signature(init).parameters.values())
    assert [p.name for p in params[:2]] == ["self", "params"]
    return [(p.name, p.kind, p.default) for p in params[2:]]


def _ours(function):
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.claim("signatures.torch")
def test_torch_convention_has_torch_constructor_keywords_and_defaults():
    torch = oracles.require("torch")
    assert _ours(rprop_ref.TORCH.arguments) == _constructor_signature(torch.optim.Rprop)


@pytest.mark.claim("signatures.mindspore")
def test_mindspore_convention_has_nn_rprop_keywords_and_defaults():
    ms = oracles.mindspore()
    assert _ours(rprop_ref.MINDSPORE.arguments) == _constructor_signature(ms.nn.Rprop)
    assert rprop_ref.MINDSPORE_DOC.arguments is rprop_ref.MINDSPORE.arguments


@pytest.mark.claim("signatures.experimental")
def test_experimental_convention_has_experimental_constructor_keywords_and_defaults():
    oracles.mindspore()
    from mindspore.experimental import optim
    assert _ours(rprop_ref.MINDSPORE_EXPERIMENTAL.arguments) == _constructor_signature(optim.Rprop)


@pytest.mark.claim("port.experimental-same-arguments")
def test_experimental_optimizer_takes_torchs_names_and_defaults():
    """Every argument of mindspore.experimental.optim.Rprop has torch's name, kind and default;
    torch only adds options that select kernels (`capturable`, `foreach`, `differentiable`)."""
    torch = oracles.require("torch")
    oracles.mindspore()
    from mindspore.experimental import optim
    experimental, torchs = _constructor_signature(optim.Rprop), _constructor_signature(torch.optim.Rprop)
    assert experimental == [p for p in torchs if p[0] not in ("capturable", "foreach", "differentiable")]
    assert len(torchs) - len(experimental) == 3


def test_conventions_are_the_published_four():
    assert rprop_ref.CONVENTIONS == ("torch", "mindspore", "mindspore-experimental", "mindspore-doc")


# --- purity ----------------------------------------------------------------------------------------

def _snapshot(params, grads, state):
    arrays = {f"param {n}": a for n, a in params.items()}
    arrays |= {f"grad {n}": a for n, a in grads.items() if a is not None}
    arrays |= {f"prev {n}": a for n, a in state.prev.items()}
    arrays |= {f"step_size {n}": a for n, a in state.step_size.items()}
    return {label: a.tobytes() for label, a in arrays.items()} | {"step": dict(state.step)}


@pytest.mark.parametrize("convention", rprop_ref.CONVENTIONS)
@given(data=st.data())
def test_step_never_modifies_its_inputs(convention, data):
    params, grads = data.draw(problems(np.float32, empty=convention == "torch", steps=4))
    kwargs = {"lr": 0.05} if convention in ("torch", "mindspore-experimental") else {
        "learning_rate": 0.05, "weight_decay": 0.1}
    opt = rprop_ref.make(convention, **kwargs)
    state = opt.init(params)
    for step_grads in grads:
        before = _snapshot(params, step_grads, state)
        new_params, new_state = opt.step(params, step_grads, state)
        assert _snapshot(params, step_grads, state) == before
        # and the outputs share no memory with the inputs
        for new in (*new_params.values(), *new_state.prev.values(), *new_state.step_size.values()):
            for old in (*params.values(), *[g for g in step_grads.values() if g is not None]):
                assert new.size == 0 or new is old or not np.shares_memory(new, old)
        params, state = new_params, new_state


# --- the documented formula ------------------------------------------------------------------------

def _flushed(x):
    return np.where(np.abs(x) < np.finfo(np.float32).tiny, np.float32(0), x)


@pytest.mark.claim("algorithm.doc-departs")
@given(data=st.data())
def test_mindspore_doc_differs_from_real_mindspore_exactly_where_a_sign_flips(data):
    """From any state real MindSpore reaches, one step of the documented formula equals one real
    step everywhere except at the elements whose gradient sign flipped: there the documented
    formula moves the parameter and keeps the gradient; the code does neither."""
    oracles.mindspore()
    params, grads = data.draw(problems(np.float32, empty=False, steps=20))
    kwargs = dict(learning_rate=data.draw(learning_rates), etas=data.draw(etas),
                  step_sizes=(1e-6, 50.0))
    real = oracles.run_mindspore(params, grads, **kwargs)
    doc = rprop_ref.make("mindspore-doc", **kwargs)
    state = doc.init(params)
    current = params
    for k, (step_grads, after) in enumerate(zip(grads, real)):
        # MindSpore reads and writes float32 subnormals as zero: a tiny product is no flip
        flip = {n: _flushed(_flushed(step_grads[n]) * _flushed(state.prev[n])) < 0 for n in params}
        doc_params, doc_state = doc.step(current, step_grads, state)
        for n in params:
            real_param, real_step_size, real_prev = after[n]
            f, where = flip[n], f"step {k + 1} {n}"
            assert doc_state.step_size[n].tobytes() == real_step_size.tobytes(), where
            # no flip: identical, bit for bit
            assert doc_params[n][~f].tobytes() == real_param[~f].tobytes(), where
            assert doc_state.prev[n][~f].tobytes() == real_prev[~f].tobytes(), where
            # flip: the code stands still and forgets the gradient; the formula steps and keeps it
            g, before = step_grads[n][f], current[n][f]
            np.testing.assert_array_equal(real_param[f], before, err_msg=where)
            np.testing.assert_array_equal(real_prev[f], 0.0, err_msg=where)
            np.testing.assert_array_equal(doc_params[n][f], before - np.sign(g) * real_step_size[f],
                                          err_msg=where)
            np.testing.assert_array_equal(doc_state.prev[n][f], g, err_msg=where)
        # continue from the real state, as the real optimizer does
        current = {n: after[n][0] for n in params}
        state = rprop_ref.State(step=dict(doc_state.step), prev={n: after[n][2] for n in params},
                                step_size={n: after[n][1] for n in params})


def test_mindspore_doc_trajectory_parts_at_the_first_sign_flip():
    oracles.mindspore()
    rng = np.random.default_rng(7)
    params = {"w": rng.standard_normal(16).astype(np.float32)}
    signs = np.ones((12, 16), dtype=np.float32)
    signs[5:, 3] = -1.0  # element 3 flips at step 6, nothing flips before
    grads = [{"w": (s * np.abs(rng.standard_normal(16))).astype(np.float32)} for s in signs]
    real = oracles.run_mindspore(params, grads, learning_rate=0.01)
    doc = run_reference("mindspore-doc", params, grads, learning_rate=0.01)
    assert first_difference(real[:5], doc[:5]) is None
    assert first_difference(real, doc).startswith("step 6, w.param")


# --- learning rate --------------------------------------------------------------------------------

def test_mindspore_learning_rate_schedule_only_its_first_value_matters():
    oracles.mindspore()
    rng = np.random.default_rng(3)
    params = {"w": rng.standard_normal(10).astype(np.float32),
              "b": rng.standard_normal(3).astype(np.float32)}
    grads = [{n: rng.standard_normal(p.shape).astype(np.float32) for n, p in params.items()}
             for _ in range(30)]
    schedule = [0.01, 5.0, 0.0, 3.0] + [0.5] * 30
    constant = oracles.run_mindspore(params, grads, learning_rate=0.01)
    for lr in (schedule, np.array(schedule, dtype=np.float32)):
        assert first_difference(constant, oracles.run_mindspore(params, grads, learning_rate=lr)) is None
        assert first_difference(constant, run_reference("mindspore", params, grads, learning_rate=lr)) is None
    # ... and the first value does matter, in both.
    other = [0.02] + schedule[1:]
    assert first_difference(constant, oracles.run_mindspore(params, grads, learning_rate=other)) is not None
    assert first_difference(constant, run_reference("mindspore", params, grads, learning_rate=other)) is not None


# --- precision facts (../shared/rprop-facts.md, "compute precision") -------------------------------

def test_float16_step_size_is_rounded_at_every_growth_step():
    """torch and MindSpore round Δ to float16 after each product: from 0.0137, six steps (five
    growths) give 0.034149169921875, not the 0.03411865234375 of one float32 computation
    (../shared/rprop-facts.md). Checked against real torch too."""
    params = {"w": np.zeros(4, np.float16)}
    grads = [{"w": np.ones(4, np.float16)}] * 6
    ours = run_reference("torch", params, grads, lr=0.0137)
    assert ours[-1]["w"][1][0] == np.float16(0.034149169921875)
    naive = np.float32(np.float16(0.0137)) * np.float32(np.float16(1.2)) ** 5
    assert np.float16(naive) == np.float16(0.03411865234375) != ours[-1]["w"][1][0]
    assert first_difference(oracles.run_torch(params, grads, lr=0.0137), ours) is None


@pytest.mark.parametrize(("dtype", "flip_seen"), [(np.float32, True), (BFLOAT16, True), (np.float16, False)])
def test_tiny_sign_product_underflows_only_in_float16(dtype, flip_seen):
    """grads 1e-4, -1e-4: the product -1e-8 is below float16's smallest subnormal (2**-24), so it
    rounds to -0 and the flip is missed; float32 and bfloat16 see it (checked in torch below)."""
    torch = oracles.require("torch")
    params = {"w": np.ones(1, dtype)}
    grads = [{"w": np.array([g], np.float32).astype(dtype)} for g in (1e-4, -1e-4, -1e-4)]
    ours = run_reference("torch", params, grads, lr=0.01)
    assert (ours[1]["w"][1][0] < np.float32(0.01)) == flip_seen  # step size shrank?
    assert first_difference(oracles.run_torch(params, grads, lr=0.01), ours) is None
    del torch


# --- what a framework cannot run is rejected as the framework rejects it ------------------------

@pytest.mark.parametrize(("experimental", "dtype", "shape", "error"), [
    (False, BFLOAT16, (3,), TypeError),     # nn.Rprop on CPU: no bfloat16 Sign kernel
    (False, np.float16, (), TypeError),     # nn.Rprop on CPU: 0-d float16 Parameter cannot be cast
    (True, np.float16, (3,), TypeError),    # experimental: in-place cast from float16 refused
    (True, BFLOAT16, (3,), TypeError),
    (False, np.float32, (0,), ValueError),  # empty Parameter: state initializer refuses shape 0
    (True, np.float32, (2, 0), ValueError),
])
def test_unsupported_parameters_are_rejected_like_mindspore(experimental, dtype, shape, error):
    oracles.mindspore()
    params = {"w": np.ones(shape, dtype)}
    grads = [{"w": np.full(shape, 0.5, dtype)}]
    with pytest.raises(error):
        oracles.run_mindspore(params, grads, experimental=experimental)
    convention = "mindspore-experimental" if experimental else "mindspore"
    with pytest.raises(error, match="cannot"):
        run_reference(convention, params, grads)


@pytest.mark.parametrize("convention", rprop_ref.CONVENTIONS)
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.bool_, np.uint8])
def test_integer_and_boolean_parameters_are_rejected(convention, dtype):
    with pytest.raises(TypeError, match="dtype"):
        rprop_ref.make(convention).init({"w": np.ones(3, dtype)})


@pytest.mark.parametrize("convention", ["mindspore", "mindspore-experimental", "mindspore-doc"])
def test_shared_step_counter_conventions_need_every_gradient(convention):
    opt = rprop_ref.make(convention)
    params = {"a": np.ones(2, np.float32), "b": np.ones(2, np.float32)}
    with pytest.raises(TypeError, match="zeros"):
        opt.step(params, {"a": np.ones(2, np.float32), "b": None}, opt.init(params))


def test_torch_skips_a_parameter_without_gradient_and_seeds_it_later():
    opt = rprop_ref.make("torch", lr=0.5)
    params = {"a": np.ones(2, np.float32), "b": np.ones(2, np.float32)}
    state = opt.init(params)
    g = np.array([1.0, -1.0], np.float32)
    params, state = opt.step(params, {"a": g, "b": None}, state)
    assert state.step == {"a": 1, "b": 0}
    np.testing.assert_array_equal(params["b"], np.ones(2, np.float32))
    params, state = opt.step(params, {"a": g, "b": g}, state)
    np.testing.assert_array_equal(state.step_size["b"], np.full(2, 0.5, np.float32))
    np.testing.assert_array_equal(state.step_size["a"], np.full(2, 0.6, np.float32))


def test_weight_decay_skips_gamma_and_beta_names_like_mindspore():
    oracles.mindspore()
    names = ("dense.weight", "bn.gamma", "ln.beta", "bias")
    params = {n: np.full(3, 2.0, np.float32) for n in names}
    grads = [{n: np.zeros(3, np.float32) for n in names}] * 3  # only weight decay can move anything
    real = oracles.run_mindspore(params, grads, weight_decay=0.5)
    ours = run_reference("mindspore", params, grads, weight_decay=0.5)
    assert first_difference(real, ours) is None
    moved = {n for n in names if not np.array_equal(ours[-1][n][0], params[n])}
    assert moved == {"dense.weight", "bias"}


@pytest.mark.parametrize("bad_grads", [
    {"a": np.ones(2, np.float64), "b": np.ones(2, np.float32)},   # wrong dtype
    {"a": np.ones(3, np.float32), "b": np.ones(2, np.float32)},   # wrong shape
    {"a": np.ones(2, np.float32)},                                # missing name
    {"a": [1.0, 1.0], "b": np.ones(2, np.float32)},               # not an array
])
def test_a_rejected_step_changes_nothing(bad_grads):
    opt = rprop_ref.make("torch")
    params = {"a": np.ones(2, np.float32), "b": np.ones(2, np.float32)}
    state = opt.init(params)
    params, state = opt.step(params, {n: np.full(2, 0.5, np.float32) for n in params}, state)
    before = _snapshot(params, {}, state)
    with pytest.raises(ValueError, match="gradient|grads"):
        opt.step(params, bad_grads, state)
    assert _snapshot(params, {}, state) == before


def test_missing_oracle_fails_instead_of_skipping_when_oracles_are_required(monkeypatch):
    monkeypatch.setenv("RPROP_REQUIRE_ORACLES", "1")
    with pytest.raises(pytest.fail.Exception, match="RPROP_REQUIRE_ORACLES"):
        oracles.require("no_such_framework_module")
    monkeypatch.delenv("RPROP_REQUIRE_ORACLES")
    with pytest.raises(pytest.skip.Exception):
        oracles.require("no_such_framework_module")


@pytest.mark.parametrize("experimental", [False, True])
def test_mindspore_flushes_float32_subnormals_and_torch_does_not(experimental):
    """MindSpore's CPU kernels read and write subnormal floats as zero: a gradient of 1e-39 does not
    move the parameter, and a sign product of 1e-40 (gradients ±1e-20) is no sign flip. torch
    sees both. The stored gradient is a copy and keeps its subnormal bits in both."""
    torch = oracles.require("torch")
    del torch
    oracles.mindspore()
    params = {"w": np.array([1.0], np.float32)}
    convention, kwargs = (("mindspore-experimental", {"lr": 0.01}) if experimental
                          else ("mindspore", {"learning_rate": 0.01}))
    for grads in ([{"w": np.array([1e-39], np.float32)}] * 2,
                  [{"w": np.array([g], np.float32)} for g in (1e-20, -1e-20, 1e-20)]):
        real = oracles.run_mindspore(params, grads, experimental=experimental, **kwargs)
        assert first_difference(real, run_reference(convention, params, grads, **kwargs)) is None
        torch_run = oracles.run_torch(params, grads, lr=0.01)
        assert first_difference(torch_run, run_reference("torch", params, grads, lr=0.01)) is None
        assert first_difference(torch_run, real) is not None   # the frameworks really differ here
