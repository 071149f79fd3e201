"""Bad arguments: the reference raises what the real constructor (or its first step) raises.

Each case is run against the framework itself: the expected exception type is whatever the real
optimizer raises, never a copy.
"""

from __future__ import annotations

import numpy as np
import pytest

import adamw_oracles as ao
import adamw_ref
import oracles

TORCH_CASES = {
    "negative-lr": dict(lr=-1e-3), "nan-lr": dict(lr=float("nan")), "string-lr": dict(lr="0.1"),
    "negative-eps": dict(eps=-1e-8), "beta1-one": dict(betas=(1.0, 0.999)),
    "beta2-negative": dict(betas=(0.9, -0.1)), "int-beta": dict(betas=(0, 0.999)),
    "one-beta": dict(betas=(0.9,)), "betas-none": dict(betas=None),
    "negative-decay": dict(weight_decay=-0.1), "decay-none": dict(weight_decay=None),
    "fused-foreach": dict(fused=True, foreach=True), "fused-differentiable": dict(fused=True, differentiable=True),
    "unknown-keyword": dict(momentum=0.9), "capturable": dict(capturable=True),
    "differentiable": dict(differentiable=True),
}


def _outcome(call):
    try:
        call()
    except Exception as err:  # noqa: BLE001 - the type is what is compared
        return type(err)
    return None


@pytest.mark.parametrize("kwargs", TORCH_CASES.values(), ids=TORCH_CASES.keys())
def test_torch_convention_rejects_what_torch_rejects(kwargs):
    oracles.require("torch")
    params = {"w": np.ones(3, np.float32)}
    grads = [{"w": np.ones(3, np.float32)}]
    expected = _outcome(lambda: ao.run_torch(params, grads, **kwargs))
    assert expected is not None, "the case must be an error in torch"
    assert _outcome(lambda: ao.run_reference("torch", params, grads, **kwargs)) is expected


MS_CASES = {
    "negative-lr": dict(learning_rate=-0.1), "string-lr": dict(learning_rate="x"), "none-lr": dict(learning_rate=None),
    "2d-lr": dict(learning_rate=np.ones((2, 2), np.float32)), "int-beta1": dict(beta1=1),
    "beta1-zero": dict(beta1=0.0), "beta2-one": dict(beta2=1.0), "int-eps": dict(eps=1),
    "zero-eps": dict(eps=0.0), "negative-decay": dict(weight_decay=-0.1),
    "string-decay": dict(weight_decay="0.1"), "unknown-keyword": dict(lr=0.1),
    "short-schedule": dict(learning_rate=[0.1]),
}


@pytest.mark.parametrize("kwargs", MS_CASES.values(), ids=MS_CASES.keys())
def test_mindspore_convention_rejects_what_nn_adamweightdecay_rejects(kwargs):
    oracles.mindspore()
    params = {"w": np.ones(3, np.float32)}
    grads = [{"w": np.ones(3, np.float32)}] * 2
    expected = _outcome(lambda: ao.run_mindspore(params, grads, **kwargs))
    assert expected is not None, "the case must be an error in MindSpore"
    assert _outcome(lambda: ao.run_reference("mindspore", params, grads, **kwargs)) is expected


EXPERIMENTAL_CASES = {
    "negative-lr": dict(lr=-1e-3), "string-lr": dict(lr="0.1"), "inf-lr": dict(lr=float("inf")),
    "1d-lr": dict(lr=np.ones(2, np.float32)), "negative-eps": dict(eps=-1.0),
    "beta1-one": dict(betas=(1.0, 0.999)), "beta2-negative": dict(betas=(0.9, -0.5)),
    "one-beta": dict(betas=(0.9,)), "negative-decay": dict(weight_decay=-0.1),
    "string-decay": dict(weight_decay="0.1"), "unknown-keyword": dict(momentum=0.9),
}


@pytest.mark.parametrize("kwargs", EXPERIMENTAL_CASES.values(), ids=EXPERIMENTAL_CASES.keys())
def test_experimental_convention_rejects_what_experimental_adamw_rejects(kwargs):
    oracles.mindspore()
    params = {"w": np.ones(3, np.float32)}
    grads = [{"w": np.ones(3, np.float32)}]
    expected = _outcome(lambda: ao.run_mindspore(params, grads, experimental=True, **kwargs))
    assert expected is not None, "the case must be an error in MindSpore"
    assert _outcome(lambda: ao.run_reference("mindspore-experimental", params, grads, **kwargs)) is expected


DTYPE_CASES = {"nn-bfloat16": ("mindspore", False, ao.BFLOAT16, (3,), {}),
               "experimental-bfloat16": ("mindspore-experimental", True, ao.BFLOAT16, (3,), {}),
               "experimental-float16-0d": ("mindspore-experimental", True, np.float16, (), {})}


@pytest.mark.parametrize("case", DTYPE_CASES.values(), ids=DTYPE_CASES.keys())
def test_parameters_mindspore_cannot_update_on_cpu_are_rejected_alike(case):
    convention, experimental, dtype, shape, kwargs = case
    oracles.mindspore()
    params = {"w": np.ones(shape, np.float32).astype(dtype)}
    grads = [{"w": np.ones(shape, np.float32).astype(dtype)}]
    expected = _outcome(lambda: ao.run_mindspore(params, grads, experimental=experimental, **kwargs))
    assert expected is TypeError
    assert _outcome(lambda: ao.run_reference(convention, params, grads, **kwargs)) is TypeError


def test_a_shared_step_counter_refuses_a_missing_gradient():
    opt = adamw_ref.make("mindspore")
    params = {"w": np.ones(2, np.float32), "b": np.ones(1, np.float32)}
    with pytest.raises(TypeError, match="shared step counter"):
        opt.step(params, {"w": np.ones(2, np.float32), "b": None}, opt.init(params))


def test_step_never_modifies_its_inputs():
    for convention in adamw_ref.CONVENTIONS:
        opt = adamw_ref.make(convention)
        params = {"w": np.linspace(-1, 1, 40).astype(np.float32)}
        grads = {"w": np.linspace(2, -3, 40).astype(np.float32)}
        state = opt.init(params)
        copies = [a.copy() for a in (params["w"], grads["w"], state.exp_avg["w"], state.exp_avg_sq["w"])]
        opt.step(params, grads, state)
        for before, after in zip(copies, (params["w"], grads["w"], state.exp_avg["w"], state.exp_avg_sq["w"])):
            assert before.tobytes() == after.tobytes()
