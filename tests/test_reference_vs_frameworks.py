"""The reference is bit-identical to real torch and MindSpore, step by step.

Every test builds a random problem (see `cases.py`), runs the real optimizer and the
reference on the same initial parameters and the same gradients for 50 steps, and compares
parameters, step sizes and stored gradients byte for byte after every step.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oracles
from cases import etas, learning_rates, problems, step_sizes
from oracles import BFLOAT16, first_difference, run_reference

TORCH_DTYPES = {"float32": np.float32, "float16": np.float16, "bfloat16": BFLOAT16,
                "float64": np.float64}


def _assert_identical(expected, actual):
    where = first_difference(expected, actual)
    assert where is None, where


@pytest.mark.claim("reference.matches-torch")
@pytest.mark.parametrize("dtype", TORCH_DTYPES.values(), ids=TORCH_DTYPES.keys())
@given(data=st.data())
def test_torch_convention_equals_torch(dtype, data):
    oracles.require("torch")
    params, grads = data.draw(problems(dtype, missing=True))
    kwargs = dict(lr=data.draw(st.one_of(st.just(0.0), learning_rates)), etas=data.draw(etas),
                  step_sizes=data.draw(step_sizes(floats_only=False, allow_inverted=True)),
                  maximize=data.draw(st.booleans()), foreach=data.draw(st.sampled_from((None, True))))
    _assert_identical(oracles.run_torch(params, grads, **kwargs),
                      run_reference("torch", params, grads, **kwargs))


@settings(max_examples=50)
@pytest.mark.parametrize("dtype", (np.complex64, np.complex128))
@given(data=st.data())
def test_torch_convention_equals_torch_on_complex_parameters(dtype, data):
    oracles.require("torch")
    params, grads = data.draw(problems(np.float32, empty=False))
    rng = np.random.default_rng(0)
    params = {n: np.asarray(p + 1j * rng.standard_normal(p.shape), dtype=dtype) for n, p in params.items()}
    grads = [{n: np.asarray(g - 1j * np.roll(g, 1), dtype=dtype) for n, g in step.items()} for step in grads]
    kwargs = dict(lr=data.draw(learning_rates), etas=data.draw(etas))
    _assert_identical(oracles.run_torch(params, grads, **kwargs),
                      run_reference("torch", params, grads, **kwargs))


MS_DTYPES = {"float32": np.float32, "float16": np.float16, "float64": np.float64}


@pytest.mark.claim("reference.matches-mindspore")
@pytest.mark.parametrize("dtype", MS_DTYPES.values(), ids=MS_DTYPES.keys())
@given(data=st.data())
def test_mindspore_convention_equals_mindspore_nn(dtype, data):
    oracles.mindspore()
    # MindSpore cannot hold empty Parameters, nor update 0-d float16 ones on CPU (tested below).
    params, grads = data.draw(problems(dtype, empty=False, scalar=dtype != np.float16))
    kwargs = dict(learning_rate=data.draw(learning_rates), etas=data.draw(etas),
                  step_sizes=data.draw(step_sizes(floats_only=True, allow_inverted=False)),
                  weight_decay=data.draw(st.sampled_from((0.0, 0.0, 1e-3, 0.1, 0.5))))
    _assert_identical(oracles.run_mindspore(params, grads, **kwargs),
                      run_reference("mindspore", params, grads, **kwargs))


EXPERIMENTAL_DTYPES = {"float32": np.float32, "float64": np.float64}


@pytest.mark.claim("reference.matches-mindspore")
@pytest.mark.parametrize("dtype", EXPERIMENTAL_DTYPES.values(), ids=EXPERIMENTAL_DTYPES.keys())
@given(data=st.data())
def test_experimental_convention_equals_mindspore_experimental(dtype, data):
    oracles.mindspore()
    params, grads = data.draw(problems(dtype, empty=False))
    kwargs = dict(lr=data.draw(learning_rates), etas=data.draw(etas),
                  step_sizes=data.draw(step_sizes(floats_only=False, allow_inverted=True)),
                  maximize=data.draw(st.booleans()))
    _assert_identical(oracles.run_mindspore(params, grads, experimental=True, **kwargs),
                      run_reference("mindspore-experimental", params, grads, **kwargs))


@pytest.mark.claim("algorithm.formula", "rprop.same-steps", "agree.three-settings")
def test_reference_and_all_three_optimizers_step_alike_on_one_problem():
    """One problem, the four runs side by side: torch's defaults, nn.Rprop with the three settings
    of "Make them agree" (learning_rate=0.01, float step sizes, no weight decay), the experimental
    optimizer's defaults and the reference. All bit-identical, sign flips included; nn.Rprop with
    its own default learning rate is not."""
    oracles.require("torch")
    oracles.mindspore()
    rng = np.random.default_rng(7)
    params = {"weight": rng.standard_normal((4, 3)).astype(np.float32),
              "bias": rng.standard_normal(4).astype(np.float32)}
    grads = [{n: rng.standard_normal(p.shape).astype(np.float32) for n, p in params.items()}
             for _ in range(40)]
    torch_run = oracles.run_torch(params, grads)
    agreed = dict(learning_rate=0.01, step_sizes=(1e-6, 50.0), weight_decay=0.0)
    for other in (oracles.run_mindspore(params, grads, **agreed),
                  oracles.run_mindspore(params, grads, experimental=True),
                  run_reference("torch", params, grads)):
        _assert_identical(torch_run, other)
    flips = sum(int((a["weight"][2] == 0).sum()) for a in torch_run[1:])  # prev zeroed by a flip
    assert flips > 0, "the problem must exercise sign flips"
    assert first_difference(torch_run, oracles.run_mindspore(params, grads)) is not None
