"""Learning-rate schedules and Rprop, in the real frameworks.

Rprop reads the learning rate once, to seed its step sizes Δ₀; after that only the signs of the
gradients move Δ. So a scheduler that changes the learning rate after step 1 changes nothing —
in torch, in `mindspore.experimental.optim` and in `mindspore.nn.Rprop`'s dynamic learning
rate alike — while one that changes it in its constructor (`LinearLR`, `ConstantLR`) changes Δ₀
and nothing else. Every run here is compared bit for bit, step by step (parameters, step sizes
and stored gradients), on fixed random gradients; each scheduled run also checks that the
learning rate it reports really changes, so that "nothing changes" is not a scheduler at rest.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import domains
import oracles
from cases import learning_rates, problems
from domains import problem_features
from oracles import first_difference, run_reference

STEPS = 25
LR = 0.01


def _problem(seed: int = 0) -> tuple[dict, list[dict]]:
    """Float32 parameters and STEPS steps of random gradients (signs flip often)."""
    rng = np.random.default_rng(seed)
    params = {"weight": rng.standard_normal((3, 4)).astype(np.float32),
              "bias": rng.standard_normal(5).astype(np.float32)}
    grads = [{name: rng.standard_normal(p.shape).astype(np.float32) for name, p in params.items()}
             for _ in range(STEPS)]
    return params, grads


def _same(expected: list[dict], actual: list[dict]) -> None:
    difference = first_difference(expected, actual)
    assert difference is None, difference


def _moved_by(params: dict, grads: dict, record: dict, step_size: float) -> None:
    """The first step moved every element by exactly `step_size` against its gradient's sign."""
    delta = np.float32(step_size)
    for name, p in params.items():
        param, size, _ = record[name]
        np.testing.assert_array_equal(size, np.full_like(p, delta))
        np.testing.assert_array_equal(param, p - np.sign(grads[name]) * delta)


# --- torch.optim.Rprop with torch.optim.lr_scheduler ----------------------------------------------

TORCH_AFTER_STEP_1 = {  # schedulers that leave lr alone in their constructor
    "StepLR": lambda s, opt: s.StepLR(opt, step_size=5, gamma=0.5),
    "ExponentialLR": lambda s, opt: s.ExponentialLR(opt, gamma=0.9),
    "CosineAnnealingLR": lambda s, opt: s.CosineAnnealingLR(opt, T_max=10),
}
CONSTRUCTOR_FACTOR = {  # schedulers that multiply lr by a factor in their constructor
    "LinearLR": (lambda s, opt: s.LinearLR(opt, start_factor=0.25, total_iters=4), 0.25),
    "ConstantLR": (lambda s, opt: s.ConstantLR(opt, factor=0.5, total_iters=4), 0.5),
}


def torch_scheduled(params: dict, grads_per_step: list[dict], scheduler, lr: float = LR):
    """torch.optim.Rprop with `scheduler(lr_scheduler, optimizer)` stepped after every optimizer
    step: the records (as oracles.run_torch) and the lr of every step, then the final one."""
    torch = oracles.require("torch")
    tensors = {name: torch.nn.Parameter(torch.from_numpy(p.copy())) for name, p in params.items()}
    opt = torch.optim.Rprop(list(tensors.values()), lr=lr)
    sched = scheduler(torch.optim.lr_scheduler, opt)
    domains.observe("optimizer:torch", f"scheduler:{type(sched).__name__}", *problem_features(params, grads_per_step))
    records, lrs = [], [opt.param_groups[0]["lr"]]
    for grads in grads_per_step:
        for name, t in tensors.items():
            t.grad = None if grads[name] is None else torch.from_numpy(grads[name].copy())
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
        records.append({name: (t.detach().numpy().copy(), *((opt.state[t]["step_size"].numpy().copy(),
                               opt.state[t]["prev"].numpy().copy()) if opt.state.get(t) else (None, None)))
                        for name, t in tensors.items()})
    return records, lrs


SCHEDULERS = st.one_of(   # any scheduler that leaves lr alone in its constructor
    st.builds(lambda n, g: lambda s, opt: s.StepLR(opt, step_size=n, gamma=g), st.integers(1, 6), st.floats(0.05, 0.95)),
    st.builds(lambda g: lambda s, opt: s.ExponentialLR(opt, gamma=g), st.floats(0.05, 1.5)),
    st.builds(lambda t: lambda s, opt: s.CosineAnnealingLR(opt, T_max=t), st.integers(1, 30)),
    st.builds(lambda m: lambda s, opt: s.MultiStepLR(opt, milestones=m, gamma=0.3),
              st.lists(st.integers(1, 20), min_size=1, max_size=4, unique=True).map(sorted)))


@pytest.mark.claim("lr-schedule.torch")
@settings(max_examples=30, deadline=None)
@given(data=st.data(), scheduler=SCHEDULERS, lr=learning_rates)
def test_torch_scheduler_changes_nothing_for_parameters_that_start_at_step_one(data, scheduler, lr):
    """Any such scheduler, any problem (0-d and other shapes, zeros, NaN, gradients missing after
    step 1), any lr: bit-identical to the run without it, as long as every parameter has a
    gradient at step 1 (the condition the pages state)."""
    oracles.require("torch")
    params, grads = data.draw(problems(np.float32, missing=True, steps=STEPS))
    grads[0] = {name: np.zeros(p.shape, np.float32) if g is None else g for (name, p), g in
                zip(params.items(), grads[0].values())}
    records, _ = torch_scheduled(params, grads, scheduler, lr=lr)
    _same(oracles.run_torch(params, grads, lr=lr), records)


@pytest.mark.claim("lr-schedule.torch", "lr-schedule.migrate", "lr.migrate")
def test_a_parameter_whose_first_gradient_comes_later_is_seeded_with_the_scheduled_lr():
    """The boundary: `bias` has no gradient at step 1; at step 2 StepLR(step_size=1, gamma=0.5)
    has halved lr, and that is the step size torch seeds it with."""
    oracles.require("torch")
    params, grads = _problem()
    grads[0] = dict(grads[0], bias=None)
    records, lrs = torch_scheduled(params, grads, lambda s, opt: s.StepLR(opt, step_size=1, gamma=0.5))
    assert records[0]["bias"][1] is None and lrs[1] == LR / 2
    _moved_by({"bias": params["bias"]}, grads[1], {"bias": records[1]["bias"]}, LR / 2)
    assert first_difference(oracles.run_torch(params, grads, lr=LR), records) is not None
    # MindSpore has no "no gradient": fed zeros at step 1, bias keeps the step size of step 1
    oracles.mindspore()
    fed = [dict(g, bias=np.zeros(5, np.float32) if g["bias"] is None else g["bias"]) for g in grads]
    schedule = [LR * 0.5 ** k for k in range(STEPS)]
    ms_run = oracles.run_mindspore(params, fed[:2], learning_rate=schedule, step_sizes=(1e-6, 50.0))
    _moved_by({"bias": params["bias"]}, grads[1], {"bias": ms_run[1]["bias"]}, LR)


@pytest.mark.claim("lr-schedule.torch")
@pytest.mark.parametrize("name", TORCH_AFTER_STEP_1)
def test_torch_scheduler_after_step_one_changes_nothing(name):
    oracles.require("torch")
    params, grads = _problem()
    records, lrs = torch_scheduled(params, grads, TORCH_AFTER_STEP_1[name])
    assert lrs[0] == LR and len(set(lrs)) > 2, lrs  # the scheduler did change lr, many times
    plain = oracles.run_torch(params, grads, lr=LR)
    _same(plain, records)
    _same(run_reference("torch", params, grads, lr=LR), records)


@pytest.mark.claim("lr-schedule.torch")
@pytest.mark.parametrize("name", CONSTRUCTOR_FACTOR)
def test_torch_scheduler_that_changes_lr_in_its_constructor_changes_only_the_first_step(name):
    oracles.require("torch")
    scheduler, factor = CONSTRUCTOR_FACTOR[name]
    params, grads = _problem(1)
    records, lrs = torch_scheduled(params, grads, scheduler)
    assert lrs[0] == LR * factor and lrs[-1] == LR, lrs  # Δ₀ is lr·factor; lr then returns to LR
    _moved_by(params, grads[0], records[0], LR * factor)
    _same(oracles.run_torch(params, grads, lr=LR * factor), records)
    _same(run_reference("torch", params, grads, lr=LR * factor), records)
    assert first_difference(oracles.run_torch(params, grads, lr=LR), records) is not None


# --- mindspore.experimental.optim.Rprop with its lr_scheduler -------------------------------------

def experimental_scheduled(params: dict, grads_per_step: list[dict], scheduler, lr: float = LR):
    """As torch_scheduled, for mindspore.experimental.optim.Rprop and its lr_scheduler."""
    ms = oracles.mindspore()
    from mindspore.experimental.optim import lr_scheduler
    parameters, opt = oracles.build_mindspore(params, experimental=True, lr=lr)
    sched = scheduler(lr_scheduler, opt)

    def current_lr() -> float:
        return float(opt.param_groups[0]["lr"].asnumpy())

    records, lrs = [], [current_lr()]
    for grads in grads_per_step:
        opt(tuple(ms.Tensor(grads[name]) for name in params))
        sched.step()
        lrs.append(current_lr())
        records.append({name: (p.asnumpy().copy(), opt.step_size[i].asnumpy().copy(),
                               opt.prev[i].asnumpy().copy())
                        for i, (name, p) in enumerate(zip(params, parameters))})
    return records, lrs


@pytest.mark.claim("lr-schedule.experimental")
@pytest.mark.parametrize("name", TORCH_AFTER_STEP_1)
def test_experimental_scheduler_after_step_one_changes_nothing(name):
    oracles.mindspore()
    params, grads = _problem(2)
    records, lrs = experimental_scheduled(params, grads, TORCH_AFTER_STEP_1[name])
    assert lrs[0] == np.float32(LR) and len(set(lrs)) > 2, lrs
    _same(oracles.run_mindspore(params, grads, experimental=True, lr=LR), records)
    _same(run_reference("mindspore-experimental", params, grads, lr=LR), records)


@pytest.mark.claim("lr-schedule.experimental")
@pytest.mark.parametrize("name", CONSTRUCTOR_FACTOR)
def test_experimental_scheduler_that_changes_lr_in_its_constructor_changes_only_the_first_step(name):
    oracles.mindspore()
    scheduler, factor = CONSTRUCTOR_FACTOR[name]
    params, grads = _problem(3)
    records, lrs = experimental_scheduled(params, grads, scheduler)
    assert lrs[0] == np.float32(LR * factor) and lrs[-1] == np.float32(LR), lrs
    _moved_by(params, grads[0], records[0], LR * factor)
    _same(oracles.run_mindspore(params, grads, experimental=True, lr=LR * factor), records)
    _same(run_reference("mindspore-experimental", params, grads, lr=LR * factor), records)
    assert first_difference(oracles.run_mindspore(params, grads, experimental=True, lr=LR), records) is not None


# --- mindspore.nn.Rprop with a dynamic learning rate ----------------------------------------------

def _dynamic_learning_rates(ms) -> dict:
    """Dynamic learning rates whose step-1 value is LR, each with one value per step."""
    decaying = np.geomspace(LR, LR / 100, STEPS).tolist()
    return {
        "list": decaying,
        "list, later values wild": [LR] + [5.0, 0.0, 50.0, 1e-6] * STEPS,
        "1-D Tensor": np.array(decaying, dtype=np.float32),
        "ExponentialDecayLR": ms.nn.ExponentialDecayLR(learning_rate=LR, decay_rate=0.9, decay_steps=1),
        "CosineDecayLR": ms.nn.CosineDecayLR(min_lr=LR / 100, max_lr=LR, decay_steps=10),
    }


@pytest.mark.claim("lr-schedule.mindspore", "lr-schedule.migrate")
def test_mindspore_dynamic_learning_rate_equals_its_step_one_value_and_torch_with_a_scheduler():
    oracles.require("torch")
    ms = oracles.mindspore()
    params, grads = _problem(4)
    constant = oracles.run_mindspore(params, grads, learning_rate=LR)
    # nn.Rprop: every dynamic learning rate runs as its step-1 value, and so does the reference
    for label, learning_rate in _dynamic_learning_rates(ms).items():
        difference = first_difference(constant, oracles.run_mindspore(params, grads, learning_rate=learning_rate))
        assert difference is None, f"{label}: {difference}"
    _same(constant, run_reference("mindspore", params, grads, learning_rate=np.geomspace(LR, LR / 100, STEPS).tolist()))
    # (the comparison does see the step-1 value)
    assert first_difference(constant, oracles.run_mindspore(params, grads, learning_rate=[2 * LR] * STEPS))
    # ... and a schedule does run: its value does change from step to step
    schedule = ms.nn.ExponentialDecayLR(learning_rate=LR, decay_rate=0.9, decay_steps=1)
    values = [float(schedule(ms.Tensor(step, ms.int32)).asnumpy()) for step in range(3)]
    assert values[0] == np.float32(LR) and values[0] > values[1] > values[2], values

    # migrate: torch with a scheduler = MindSpore without one, given the scheduler's step-1 value
    for name, scheduler in TORCH_AFTER_STEP_1.items():
        records, lrs = torch_scheduled(params, grads, scheduler)
        assert lrs[0] == LR and len(set(lrs)) > 2
        difference = first_difference(constant, records)
        assert difference is None, f"{name}: {difference}"
    for name, (scheduler, factor) in CONSTRUCTOR_FACTOR.items():
        records, lrs = torch_scheduled(params, grads, scheduler)
        step_one = lrs[0]
        assert step_one == LR * factor
        difference = first_difference(oracles.run_mindspore(params, grads, learning_rate=step_one), records)
        assert difference is None, f"{name}: {difference}"
    # a direct port of ExponentialLR to ExponentialDecayLR gives the same run, too
    records, _ = torch_scheduled(params, grads, TORCH_AFTER_STEP_1["ExponentialLR"])
    ported = oracles.run_mindspore(params, grads, learning_rate=ms.nn.ExponentialDecayLR(
        learning_rate=LR, decay_rate=0.9, decay_steps=1))
    _same(records, ported)
