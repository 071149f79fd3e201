"""Edge cases where the frameworks do something surprising, each checked against the real
framework and reproduced by the reference: when a MindSpore learning-rate schedule runs out,
which learning-rate types are tensors or numbers, torch's `capturable=True` on CPU, and NaN
gradients. A "moment" (construction or step N) is checked by running N steps, then N + 1.
"""

from __future__ import annotations

import numpy as np
import pytest

import oracles
import rprop_ref
from oracles import first_difference, run_reference

NAN = np.float32("nan")
W = {"w": np.array([0.5, -1.0, 2.0, -0.0], np.float32)}


def _grads(steps: int, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [{"w": rng.standard_normal(4).astype(np.float32)} for _ in range(steps)]


def _ms_and_ref(convention="mindspore"):
    """(run real nn.Rprop, run the reference) with the same arguments."""
    return (lambda grads, **kw: oracles.run_mindspore(W, grads, **kw),
            lambda grads, **kw: run_reference(convention, W, grads, **kw))


def _runs_then_raises(run, steps: int, error: type[Exception], **kwargs) -> list[dict]:
    """`steps` steps work (0: construction works), step `steps + 1` raises `error`."""
    records = run(_grads(steps), **kwargs)
    with pytest.raises(error):
        run(_grads(steps + 1), **kwargs)
    return records


# --- 1 and 5: MindSpore learning-rate schedules -----------------------------------------------------

@pytest.mark.claim("lr-schedule.mindspore")
@pytest.mark.parametrize("schedule", [[0.01, 0.5, 2.0], (0.01, 0.5, 2.0),
                                      np.array([0.01, 0.5, 2.0], np.float32)],
                         ids=["list", "tuple", "1-d tensor"])
def test_mindspore_schedule_of_n_values_fails_at_step_n_plus_1(schedule):
    """Only the first value is read (steps 1..N equal a constant learning rate), but step N+1 gathers
    index N: `RuntimeError: For 'Gather', the 'input_indices' should be in the range [0, 3), but got 3`."""
    oracles.mindspore()
    constant = oracles.run_mindspore(W, _grads(3), learning_rate=0.01)
    for convention in ("mindspore", "mindspore-doc"):
        real, ours = _ms_and_ref(convention)
        got = _runs_then_raises(real, 3, RuntimeError, learning_rate=schedule)
        assert first_difference(constant, got) is None
        ref = _runs_then_raises(ours, 3, RuntimeError, learning_rate=schedule)
        if convention == "mindspore":
            assert first_difference(got, ref) is None


@pytest.mark.claim("lr-schedule.mindspore")
@pytest.mark.parametrize("learning_rate", [0.01, np.array(0.01, np.float32)], ids=["float", "0-d tensor"])
def test_mindspore_constant_learning_rate_never_runs_out(learning_rate):
    oracles.mindspore()
    grads = _grads(12)
    real = oracles.run_mindspore(W, grads, learning_rate=learning_rate)
    assert first_difference(real, run_reference("mindspore", W, grads, learning_rate=learning_rate)) is None


@pytest.mark.claim("lr-schedule.mindspore")
@pytest.mark.parametrize(("learning_rate", "steps", "error"), [
    ("25", 2, RuntimeError),        # iterated character by character: the schedule [2.0, 5.0]
    ("2", 1, RuntimeError),
    ("0.01", 0, ValueError),        # float(".") fails at construction
    ("", 0, RuntimeError),          # empty: constructs, step 1 has no value
    ([], 0, RuntimeError),
    ((), 0, RuntimeError),
    (range(3), 3, RuntimeError),    # any iterable
    ([[0.1, 0.2]], 0, ValueError),  # 2-d: constructs, step 1 "The object is not callable"
])
def test_mindspore_learning_rate_iterables_fail_at_the_same_moment(learning_rate, steps, error):
    oracles.mindspore()
    construct = learning_rate == "0.01"
    for run in _ms_and_ref():
        if construct:  # raised before any step: building alone fails
            with pytest.raises(error):
                run([], learning_rate=learning_rate)
        else:
            _runs_then_raises(run, steps, error, learning_rate=learning_rate)
    if learning_rate == "25":
        as_list = oracles.run_mindspore(W, _grads(2), learning_rate=[2.0, 5.0])
        assert first_difference(as_list, oracles.run_mindspore(W, _grads(2), learning_rate="25")) is None
        assert first_difference(as_list, run_reference("mindspore", W, _grads(2), learning_rate="25")) is None


@pytest.mark.claim("lr.mindspore")
@pytest.mark.parametrize(("learning_rate", "accepted"), [
    (np.float32(0.01), False), (np.float16(0.01), False), (np.int64(1), False), (np.int32(1), False),
    (np.float64(0.01), True),  # a subclass of float
    (True, True),              # a subclass of int
])
def test_mindspore_numpy_scalar_learning_rates(learning_rate, accepted):
    """`TypeError: For 'Optimizer', the argument 'learning_rate' must be int, float, Tensor, Iterable
    or LearningRateSchedule, but got <class 'numpy.float32'>.`, at construction."""
    oracles.mindspore()
    if accepted:
        grads = _grads(3)
        real = oracles.run_mindspore(W, grads, learning_rate=learning_rate)
        assert first_difference(oracles.run_mindspore(W, grads, learning_rate=float(learning_rate)), real) is None
        assert first_difference(real, run_reference("mindspore", W, grads, learning_rate=learning_rate)) is None
        return
    for run in _ms_and_ref():
        with pytest.raises(TypeError):
            run([], learning_rate=learning_rate)


# --- 2: a tensor learning rate --------------------------------------------------------------------

@pytest.mark.claim("lr.torch")
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.float64])
@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_torch_one_element_tensor_lr_is_its_value(dtype, shape):
    """The reference takes the real torch tensor (through `np.asarray`). A float32 tensor lr is
    bit-identical to the float for float32 and float16 parameters; float64 parameters get
    float32(0.01) from it (`torch.full_like` keeps the tensor's value), and so does the reference."""
    torch = oracles.require("torch")
    params, grads = {"w": W["w"].astype(dtype)}, [{"w": g["w"].astype(dtype)} for g in _grads(6)]
    as_float = oracles.run_torch(params, grads, lr=0.01)
    for lr_dtype in (torch.float32, torch.float64):
        lr = torch.full(shape, 0.01, dtype=lr_dtype)
        real = oracles.run_torch(params, grads, lr=lr)
        assert first_difference(real, run_reference("torch", params, grads, lr=lr)) is None
        same = dtype != np.float64 or lr_dtype == torch.float64
        assert (first_difference(as_float, real) is None) == same


@pytest.mark.claim("lr.torch")
@pytest.mark.parametrize("values", [[0.01, 0.02], []])
def test_torch_tensor_lr_of_other_sizes_is_rejected(values):
    """`ValueError: Tensor lr must be 1-element`, at construction."""
    torch = oracles.require("torch")
    lr = torch.tensor(values)
    for run in (oracles.run_torch, lambda p, g, **kw: run_reference("torch", p, g, **kw)):
        with pytest.raises(ValueError):
            run(W, [], lr=lr)


@pytest.mark.claim("lr.experimental")
def test_experimental_takes_only_a_0d_tensor_lr():
    """A 0-d tensor is its value; a one-element 1-d tensor, which torch accepts, raises
    `ValueError: For 'Optimizer', if 'learning_rate' is a Tensor, then it should be scalar Tensor`."""
    oracles.mindspore()
    grads = _grads(5)
    as_float = oracles.run_mindspore(W, grads, experimental=True, lr=0.01)
    for lr in (np.array(0.01, np.float32), np.array(0.01, np.float64)):
        assert first_difference(as_float, oracles.run_mindspore(W, grads, experimental=True, lr=lr)) is None
        assert first_difference(as_float, run_reference("mindspore-experimental", W, grads, lr=lr)) is None
    lr = np.array([0.01], np.float32)
    with pytest.raises(ValueError):
        oracles.run_mindspore(W, [], experimental=True, lr=lr)
    with pytest.raises(ValueError):
        rprop_ref.make("mindspore-experimental", lr=lr)


# --- 3: capturable on CPU -------------------------------------------------------------------------

@pytest.mark.claim("capturable.torch")
@pytest.mark.parametrize("foreach", [None, False, True])
def test_torch_capturable_on_cpu_fails_at_the_first_step(foreach):
    """`AssertionError: If capturable=True, params and state_steps must be on supported devices:
    ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'].` — construction works."""
    oracles.require("torch")
    for run in (oracles.run_torch, lambda p, g, **kw: run_reference("torch", p, g, **kw)):
        assert run(W, [], capturable=True, foreach=foreach) == []
        with pytest.raises(AssertionError, match="capturable"):
            run(W, _grads(1), capturable=True, foreach=foreach)


# --- 4: NaN gradients -------------------------------------------------------------------------------

def _nan_problem(dtype=np.float32):
    """Elements 0 and 2 get NaN (and -NaN) at step 2, element 1 at step 3; element 3 never."""
    g = [[0.1, 0.2, -0.3, 1.0], [NAN, 0.2, -NAN, 1.0], [0.1, NAN, -0.3, -1.0], [0.1, 0.2, 0.3, 1.0],
         [-0.1, 0.2, 0.3, 1.0]]
    return {"w": W["w"].astype(dtype)}, [{"w": np.array(row, np.float32).astype(dtype)} for row in g]


def _assert_nan_is_no_information(records, step_size_read_as=None):
    """At a NaN element the parameter and step size keep their values, prev stores the NaN, and the
    next step's factor is 1 (the step size is kept once more). `step_size_read_as=np.float32`:
    the framework re-reads the kept step size through float32 (experimental, float64)."""
    (p1, s1, _), (p2, s2, prev2), (p3, s3, prev3) = (records[k]["w"] for k in range(3))
    if step_size_read_as is not None:
        s1, s2, s3 = (s.astype(step_size_read_as) for s in (s1, s2, s3))
    for k in (0, 2):
        assert p2[k] == p1[k] and s2[k] == s1[k] and np.isnan(prev2[k])
        assert s3[k] == s2[k]        # NaN prev: factor 1 at step 3
    assert p3[1] == p2[1] and s3[1] == s2[1] and np.isnan(prev3[1])
    assert not np.isnan(p2).any() and not np.isnan(s2).any()


def _same_nans(records):
    """NaN payloads made canonical. Only for bfloat16: the oracle hands bfloat16 to torch through
    float32, and torch's float32 → bfloat16 cast turns every NaN into 0xFFFF, so the gradient torch
    sees already has a different NaN payload than the one the reference gets."""
    return [{n: tuple(None if a is None else np.where(np.isnan(a), np.array(NAN, a.dtype), a) for a in rec)
             for n, rec in record.items()} for record in records]


@pytest.mark.claim("nan.torch")
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.float64, oracles.BFLOAT16])
@pytest.mark.parametrize("foreach", [False, True])
def test_torch_nan_gradient_moves_nothing(dtype, foreach):
    oracles.require("torch")
    params, grads = _nan_problem(dtype)
    real = oracles.run_torch(params, grads, lr=0.01, foreach=foreach)
    _assert_nan_is_no_information(real)
    ours = run_reference("torch", params, grads, lr=0.01)
    if dtype == oracles.BFLOAT16:
        real, ours = _same_nans(real), _same_nans(ours)
    assert first_difference(real, ours) is None


@pytest.mark.claim("nan.mindspore")
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.float64])
def test_mindspore_nn_nan_gradient_moves_nothing(dtype):
    oracles.mindspore()
    params, grads = _nan_problem(dtype)
    for kwargs in ({"learning_rate": 0.01}, {"learning_rate": 0.01, "weight_decay": 0.1}):
        real = oracles.run_mindspore(params, grads, **kwargs)
        _assert_nan_is_no_information(real)
        assert first_difference(real, run_reference("mindspore", params, grads, **kwargs)) is None


@pytest.mark.claim("nan.experimental")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("maximize", [False, True])
def test_experimental_nan_gradient_moves_nothing(dtype, maximize):
    oracles.mindspore()
    params, grads = _nan_problem(dtype)
    real = oracles.run_mindspore(params, grads, experimental=True, lr=0.01, maximize=maximize)
    _assert_nan_is_no_information(real, np.float32 if dtype == np.float64 else None)
    ours = run_reference("mindspore-experimental", params, grads, lr=0.01, maximize=maximize)
    assert first_difference(real, ours) is None


@pytest.mark.claim("nan.migrate")
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_torch_and_mindspore_agree_bit_for_bit_on_nan_gradients(dtype):
    oracles.require("torch")
    oracles.mindspore()
    rng = np.random.default_rng(5)
    params = {"w": rng.standard_normal(64).astype(dtype)}
    grads = []
    for _ in range(40):
        g = rng.standard_normal(64).astype(np.float32)
        g[rng.random(64) < 0.15] = NAN
        grads.append({"w": g.astype(dtype)})
    torch_run = oracles.run_torch(params, grads, lr=0.01)
    assert first_difference(torch_run, oracles.run_mindspore(params, grads, learning_rate=0.01)) is None
    if dtype == np.float32:  # experimental refuses float16 parameters
        assert first_difference(torch_run, oracles.run_mindspore(params, grads, experimental=True)) is None
