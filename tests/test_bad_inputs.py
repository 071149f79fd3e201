"""Bad constructor input: the reference raises what the real framework raises.

Each row is (convention, keyword arguments, the exception type the framework raises). The
expected types were read from the frameworks' source and `../shared/rprop-semantics.md`; the
`*_matches_the_framework` tests check every row against the real package, so a row that stops
being true fails. A framework that fails only at its first `step()` counts: the real optimizer
is built and stepped once. (When each one fails — construction or step N — is checked in
tests/test_edge_cases.py.) NumPy arrays stand for tensors: the oracles convert them.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import oracles
import rprop_ref

W = {"w": np.array([0.5, -1.0, 2.0], dtype=np.float32)}
G = {"w": np.array([0.1, 0.2, -0.3], dtype=np.float32)}

TORCH_CASES = [
    ({"lr": -1.0}, ValueError),
    ({"lr": -1e-12}, ValueError),
    ({"lr": float("nan")}, ValueError),
    ({"lr": "0.1"}, TypeError),
    ({"lr": None}, TypeError),
    ({"lr": np.array([0.1, 0.2], dtype=np.float32)}, ValueError),
    ({"lr": np.array([], dtype=np.float32)}, ValueError),
    ({"lr": np.array(-0.1, dtype=np.float32)}, ValueError),
    ({"lr": [0.1]}, TypeError),                   # a list is no tensor: `0.0 <= [0.1]`
    ({"capturable": True}, AssertionError),       # CPU parameters: raised by the first step()
    ({"etas": (1.0, 1.2)}, ValueError),
    ({"etas": (0.5, 1.0)}, ValueError),
    ({"etas": (0.0, 1.2)}, ValueError),
    ({"etas": (-0.5, 1.2)}, ValueError),
    ({"etas": (0.5, 0.9)}, ValueError),
    ({"etas": (1.5, 2.0)}, ValueError),
    ({"etas": (1.2, 0.5)}, ValueError),
    ({"etas": (0.5,)}, IndexError),
    ({"etas": None}, TypeError),
    ({"etas": (0.5, 1.2, 2.0)}, ValueError),
    ({"etas": ("0.5", "1.2")}, TypeError),
    ({"etas": (np.float32(0.5), 1.2)}, TypeError),   # accepted, then the first step() cannot
    ({"etas": (0.5, np.float16(1.2))}, TypeError),   # assign a NumPy float32/float16 into a tensor
    ({"step_sizes": (1e-6,)}, ValueError),
    ({"step_sizes": (1e-6, 50, 100)}, ValueError),
    ({"step_sizes": None}, TypeError),
    ({"weight_decay": 0.1}, TypeError),
    ({"learning_rate": 0.1}, TypeError),
    ({"momentum": 0.9}, TypeError),
]

MINDSPORE_CASES = [
    ({"etas": [0.5, 1.2]}, TypeError),
    ({"etas": (0.5, 1.2, 2.0)}, ValueError),
    ({"etas": (1, 1.2)}, TypeError),
    ({"etas": (True, 1.2)}, TypeError),
    ({"etas": (0.0, 1.2)}, ValueError),
    ({"etas": (1.0, 1.2)}, ValueError),
    ({"etas": (-0.5, 1.2)}, ValueError),
    ({"etas": (0.5, 2)}, TypeError),
    ({"etas": (0.5, 1.0)}, ValueError),
    ({"etas": (0.5, 0.8)}, ValueError),
    ({"etas": (0.5, np.float32(1.2))}, TypeError),
    ({"etas": None}, TypeError),
    ({"step_sizes": [1e-6, 50.0]}, TypeError),
    ({"step_sizes": (1e-6,)}, ValueError),
    ({"step_sizes": (1.0, 0.1)}, ValueError),
    ({"step_sizes": (1e-6, 50)}, TypeError),
    ({"step_sizes": (0, 50.0)}, TypeError),
    ({"learning_rate": -0.1}, ValueError),
    ({"learning_rate": "0.1"}, ValueError),       # iterated: float(".") fails
    ({"learning_rate": ""}, RuntimeError),        # an empty schedule: step 1 has no value
    ({"learning_rate": []}, RuntimeError),
    ({"learning_rate": ()}, RuntimeError),
    ({"learning_rate": [[0.1, 0.2]]}, ValueError),  # built, but step 1 cannot call it
    ({"learning_rate": [0.1, "x"]}, ValueError),
    ({"learning_rate": float("nan")}, ValueError),
    ({"learning_rate": float("inf")}, ValueError),
    ({"learning_rate": np.float32(0.1)}, TypeError),  # neither int nor float (np.float64 is a float)
    ({"learning_rate": np.float16(0.1)}, TypeError),
    ({"learning_rate": np.int64(1)}, TypeError),
    ({"learning_rate": None}, TypeError),
    ({"learning_rate": np.ones((2, 2), dtype=np.float32)}, ValueError),
    ({"weight_decay": -0.1}, ValueError),
    ({"weight_decay": "0"}, TypeError),
    ({"weight_decay": None}, TypeError),
    ({"lr": 0.01}, TypeError),
    ({"maximize": True}, TypeError),
]

EXPERIMENTAL_CASES = [
    ({"lr": 0.0}, ValueError),
    ({"lr": 0}, ValueError),
    ({"lr": -0.1}, ValueError),
    ({"lr": "0.1"}, TypeError),
    ({"lr": None}, TypeError),
    ({"lr": np.array([0.1, 0.2], dtype=np.float32)}, ValueError),
    ({"lr": np.array([0.1], dtype=np.float32)}, ValueError),  # one element, but not 0-d (torch accepts it)
    ({"lr": np.array(-0.1, dtype=np.float32)}, ValueError),
    ({"lr": np.float32(0.1)}, TypeError),
    ({"lr": float("nan")}, ValueError),
    ({"lr": float("inf")}, ValueError),
    ({"lr": [0.1]}, TypeError),
    ({"etas": (1, 1.2)}, TypeError),
    ({"etas": (0.0, 1.2)}, ValueError),
    ({"etas": (1.0, 1.2)}, ValueError),
    ({"etas": (0.5, 1.0)}, ValueError),
    ({"etas": (0.5, 0.7)}, ValueError),
    ({"etas": (0.5,)}, IndexError),
    ({"etas": None}, TypeError),
    ({"etas": (0.5, 1.2, 2.0)}, ValueError),
    ({"step_sizes": (1e-6,)}, ValueError),
    ({"step_sizes": None}, TypeError),
    ({"weight_decay": 0.1}, TypeError),
    ({"foreach": True}, TypeError),
    ({"learning_rate": 0.01}, TypeError),
    ({"capturable": False}, TypeError),
    ({"differentiable": False}, TypeError),
]


def _ids(cases):
    return [", ".join(f"{k}={v!r}" for k, v in kwargs.items()) for kwargs, _ in cases]


def _reference_raises(convention, kwargs, expected):
    with pytest.raises(expected) as info:
        opt = rprop_ref.make(convention, **kwargs)
        opt.step(W, G, opt.init(W))
    message = str(info.value)
    assert len(message) > 10, f"message too terse to say what is wrong: {message!r}"
    # The message names the offending argument (or the keyword Python rejected).
    named = next(iter(kwargs))
    assert re.search(named.replace("_", "[_ ]") + "|" + named.split("_")[0], message), message


@pytest.mark.parametrize(("kwargs", "expected"), TORCH_CASES, ids=_ids(TORCH_CASES))
def test_reference_rejects_bad_torch_arguments(kwargs, expected):
    _reference_raises("torch", kwargs, expected)


@pytest.mark.parametrize(("kwargs", "expected"), MINDSPORE_CASES, ids=_ids(MINDSPORE_CASES))
def test_reference_rejects_bad_mindspore_arguments(kwargs, expected):
    _reference_raises("mindspore", kwargs, expected)
    _reference_raises("mindspore-doc", kwargs, expected)


@pytest.mark.parametrize(("kwargs", "expected"), EXPERIMENTAL_CASES, ids=_ids(EXPERIMENTAL_CASES))
def test_reference_rejects_bad_experimental_arguments(kwargs, expected):
    _reference_raises("mindspore-experimental", kwargs, expected)


@pytest.mark.parametrize(("kwargs", "expected"), TORCH_CASES, ids=_ids(TORCH_CASES))
def test_torch_case_matches_the_framework(kwargs, expected):
    with pytest.raises(expected):
        oracles.run_torch(W, [G], **kwargs)


@pytest.mark.parametrize(("kwargs", "expected"), MINDSPORE_CASES, ids=_ids(MINDSPORE_CASES))
def test_mindspore_case_matches_the_framework(kwargs, expected):
    oracles.mindspore()
    with pytest.raises(expected):
        oracles.run_mindspore(W, [G], **kwargs)


@pytest.mark.parametrize(("kwargs", "expected"), EXPERIMENTAL_CASES, ids=_ids(EXPERIMENTAL_CASES))
def test_experimental_case_matches_the_framework(kwargs, expected):
    oracles.mindspore()
    with pytest.raises(expected):
        oracles.run_mindspore(W, [G], experimental=True, **kwargs)
