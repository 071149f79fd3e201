"""The AdamW reference is bit-identical to real torch and MindSpore, step by step.

Every property test draws a random problem (`adamw_oracles.problems`), runs the real optimizer and
the reference from the same parameters with the same gradients, and compares parameters and every
state tensor bit for bit after every step (any NaN equals any NaN; +0.0 and -0.0 differ).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adamw_oracles as ao
import adamw_ref
import oracles
from oracles import BFLOAT16

lrs = st.sampled_from((1e-3, 1e-2, 0.1, 0.01234, 1.0))
betas1 = st.sampled_from((0.9, 0.0, 0.5, 0.8, 0.99, 0.123))   # 1 - beta1 >= 0.5: lerp's other branch
betas2 = st.sampled_from((0.999, 0.9, 0.5, 0.0, 0.9999))
eps_values = st.sampled_from((1e-8, 1e-6, 1e-3, 0.0))
decays = st.sampled_from((0.0, 1e-2, 0.1, 0.5))


def _identical(expected, actual):
    where = ao.first_difference(expected, actual)
    assert where is None, where


TORCH_DTYPES = {"float32": np.float32, "float64": np.float64, "float16": np.float16, "bfloat16": BFLOAT16}


@pytest.mark.parametrize("dtype", TORCH_DTYPES.values(), ids=TORCH_DTYPES.keys())
@given(data=st.data())
def test_torch_convention_equals_torch_adamw(dtype, data):
    oracles.require("torch")
    params, grads = data.draw(ao.problems(dtype, missing=True))
    kernel = st.sampled_from(({"foreach": None}, {"foreach": True}, {"foreach": False}))
    kwargs = dict(lr=data.draw(lrs), betas=(data.draw(betas1), data.draw(betas2)), eps=data.draw(eps_values),
                  weight_decay=data.draw(decays), amsgrad=data.draw(st.booleans()),
                  maximize=data.draw(st.booleans()), **data.draw(kernel))
    _identical(ao.run_torch(params, grads, **kwargs), ao.run_reference("torch", params, grads, **kwargs))


NN_DTYPES = {"float32": np.float32, "float64": np.float64, "float16": np.float16}


@settings(max_examples=30)
@pytest.mark.parametrize("dtype", NN_DTYPES.values(), ids=NN_DTYPES.keys())
@given(data=st.data())
def test_mindspore_convention_equals_nn_adamweightdecay(dtype, data):
    """Names with 'beta' or 'gamma' are among the drawn ones: the default filter is exercised."""
    oracles.mindspore()
    params, grads = data.draw(ao.problems(dtype, tiny=False))
    lr = data.draw(st.one_of(lrs, st.just([0.1, 0.01, 0.001] * 4)))  # a schedule: one value per step
    kwargs = dict(learning_rate=lr, beta1=data.draw(betas1.filter(bool)), beta2=data.draw(betas2.filter(bool)),
                  eps=data.draw(eps_values.filter(bool)), weight_decay=data.draw(decays))
    _identical(ao.run_mindspore(params, grads, **kwargs), ao.run_reference("mindspore", params, grads, **kwargs))


@settings(max_examples=30)
@pytest.mark.parametrize("dtype", (np.float32, np.float64), ids=("float32", "float64"))
@given(data=st.data())
def test_experimental_convention_equals_experimental_adamw(dtype, data):
    oracles.mindspore()
    params, grads = data.draw(ao.problems(dtype, tiny=False))
    kwargs = dict(lr=data.draw(lrs), betas=(data.draw(betas1), data.draw(betas2)), eps=data.draw(eps_values),
                  weight_decay=data.draw(decays), amsgrad=data.draw(st.booleans()),
                  maximize=data.draw(st.booleans()))
    _identical(ao.run_mindspore(params, grads, experimental=True, **kwargs),
               ao.run_reference("mindspore-experimental", params, grads, **kwargs))


def test_experimental_adamw_differs_from_torch_by_its_arithmetic_order_alone():
    """The issue's ~1-ulp gap: same formula, other order. The torch convention with only the
    arithmetic switches of the experimental one (float32 scalars, mul-add moments, div-mul update,
    correctly rounded sqrt) reproduces MindSpore bit for bit, and differs from torch."""
    oracles.require("torch")
    oracles.mindspore()
    rng = np.random.default_rng(24)
    params = {"w": rng.standard_normal((16, 8)).astype(np.float32)}
    grads = [{"w": rng.standard_normal((16, 8)).astype(np.float32)} for _ in range(30)]
    kwargs = dict(lr=1e-3, weight_decay=0.01)
    torch_run = ao.run_torch(params, grads, **kwargs)
    ms_run = ao.run_mindspore(params, grads, experimental=True, **kwargs)
    assert ao.first_difference(torch_run, ms_run) is not None
    switches = adamw_ref.TORCH.switches
    for field in ("hyper_precision", "first_moment", "second_moment", "parameter_update", "sqrt"):
        switches = dataclass_replace(switches, field, getattr(adamw_ref.MINDSPORE_EXPERIMENTAL.switches, field))
    opt = adamw_ref.AdamW(switches, adamw_ref.make("torch", **kwargs).hyper)
    state, p, records = opt.init(params), params, []
    for g in grads:
        p, state = opt.step(p, g, state)
        records.append({"w": (p["w"], state.exp_avg["w"], state.exp_avg_sq["w"], None)})
    _identical([{"w": r["w"][:3] + (None,)} for r in ms_run], records)
    assert max(ao.ulps(t["w"][0], m["w"][0]) for t, m in zip(torch_run, ms_run)) >= 1


def dataclass_replace(switches, field, value):
    import dataclasses
    return dataclasses.replace(switches, **{field: value})


def test_torch_sqrt_is_mkl_and_a_correctly_rounded_sqrt_stays_within_the_bound():
    """torch's float32 sqrt (MKL VML_HA) is not correctly rounded; the reference reproduces it
    (bit-identical above) and, with `sqrt="correctly-rounded"`, stays within `MKL_SQRT_BOUND` ulps
    of torch's parameter after one step from torch's own state, ulps of the larger of the old and
    the new parameter (where the two nearly cancel, the new one alone can be far smaller)."""
    torch = oracles.require("torch")
    assert adamw_ref.mkl_available()
    x = np.abs(np.random.default_rng(0).standard_normal(100_000)).astype(np.float32)
    torch_root = torch.sqrt(torch.from_numpy(x)).numpy()
    assert np.array_equal(adamw_ref.mkl_sqrt(x), torch_root)
    assert 0.05 < np.mean(np.sqrt(x) != torch_root) < 0.5  # measured: 17 %
    rng = np.random.default_rng(1)
    params = {"w": rng.standard_normal(4096).astype(np.float32)}
    grads = [{"w": (rng.standard_normal(4096) * 10.0 ** rng.uniform(-3, 1)).astype(np.float32)} for _ in range(20)]
    torch_run = ao.run_torch(params, grads, weight_decay=0.1)
    exact = adamw_ref.AdamW(dataclass_replace(adamw_ref.TORCH.switches, "sqrt", "correctly-rounded"),
                            adamw_ref.make("torch", weight_decay=0.1).hyper)
    worst, p = 0, params
    for step, (g, record) in enumerate(zip(grads, torch_run), start=1):
        previous = torch_run[step - 2]["w"] if step > 1 else (params["w"], np.zeros(4096, np.float32),
                                                               np.zeros(4096, np.float32), None)
        state = adamw_ref.State({"w": step - 1}, {"w": previous[1]}, {"w": previous[2]})
        p, _ = exact.step({"w": previous[0]}, g, state)
        scale = np.spacing(np.maximum(np.abs(previous[0]), np.abs(record["w"][0])))
        worst = max(worst, int(np.max(np.abs(p["w"].astype(np.float64) - record["w"][0]) / scale)))
    assert 1 <= worst <= adamw_ref.MKL_SQRT_BOUND, worst


def test_the_register_width_the_reference_assumes_is_torchs():
    """torch's `lerp` treats whole registers and the tail differently (the sign of a zero), so the
    reference must know torch's register width on this machine: from /proc/cpuinfo and
    ATEN_CPU_CAPABILITY, checked here against what torch itself picked (another CPU, another answer)."""
    torch = oracles.require("torch")
    from adamw_ref.core import vector_bytes
    assert vector_bytes() == (64 if torch.backends.cpu.get_cpu_capability() == "AVX512" else 32)


@pytest.mark.parametrize("name", ("AdamW", "FusedAdamW"))
def test_mint_adamw_cannot_step_on_cpu(name):
    ms = oracles.mindspore()
    from mindspore import mint
    parameter = ms.Parameter(ms.Tensor(np.ones(3, np.float32)), name="w")
    opt = getattr(mint.optim, name)([parameter])
    with pytest.raises(RuntimeError, match="The kernel AdamW unregistered"):
        opt((ms.Tensor(np.ones(3, np.float32)),))
        parameter.asnumpy()  # PyNative runs the kernel asynchronously: the error surfaces here
