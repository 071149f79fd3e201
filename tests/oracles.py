"""Run the real optimizers on the same parameters and gradients as the reference.

Each runner takes `params` (name → NumPy array), a list of per-step gradient dicts and the
framework's own constructor keyword arguments, and returns one record per step:
`{name: (param, step_size, prev)}` as NumPy arrays in the parameter dtype. A gradient of `None`
(torch only) leaves `p.grad` unset for that step.

The real frameworks are imported lazily; `require(name)` imports one or skips the test, and turns
the skip into a failure when `RPROP_REQUIRE_ORACLES=1` (set by `.ci/run`). Every run records
the features of its problem (tests/domains.py), so that a claim's proofs can be checked against
the domain the claim states.
"""

from __future__ import annotations

import importlib
import os
import shutil
from typing import NoReturn

import ml_dtypes
import numpy as np
import pytest

import domains
from domains import argument_features, problem_features

BFLOAT16 = np.dtype(ml_dtypes.bfloat16)


def oracles_required() -> bool:
    return os.environ.get("RPROP_REQUIRE_ORACLES") == "1"


def unavailable(message: str) -> NoReturn:
    """Skip the test because an optional dependency is missing — or fail it when skips are
    forbidden (`RPROP_REQUIRE_ORACLES=1`)."""
    if oracles_required():
        pytest.fail(f"RPROP_REQUIRE_ORACLES=1 but {message}")
    pytest.skip(message)


# The real frameworks the running test has asked for (reset before each test by conftest.py, which
# fails a test that proves a claim about a framework it never ran).
USED: set[str] = set()


def require(module: str):
    """Import an optional heavy dependency, or skip — or fail when skips are forbidden."""
    try:
        imported = importlib.import_module(module)
    except ImportError as err:
        unavailable(f"{module} cannot be imported: {err}")
    USED.add(module.split(".")[0])
    return imported


def node() -> str:
    """The `node` executable (Node.js runs the JavaScript tests), or skip — or fail when skips are
    forbidden."""
    path = shutil.which("node")
    if path is None:
        unavailable("node is not on PATH")
    return path


# --- torch ---------------------------------------------------------------------------------------

def _to_torch(torch, array: np.ndarray):
    if array.dtype == BFLOAT16:
        return torch.from_numpy(array.astype(np.float32)).to(torch.bfloat16)
    return torch.from_numpy(np.array(array))


def _from_torch(torch, tensor) -> np.ndarray:
    if tensor.dtype == torch.bfloat16:
        return tensor.detach().to(torch.float32).numpy().astype(BFLOAT16)
    return tensor.detach().numpy().copy()


def torch_kwargs(torch, kwargs: dict) -> dict:
    """NumPy arrays in kwargs (a one-element lr) become tensors."""
    return {k: (torch.from_numpy(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}


def run_torch(params: dict, grads_per_step: list[dict], **kwargs) -> list[dict]:
    torch = require("torch")
    domains.observe("optimizer:torch", *problem_features(params, grads_per_step), *argument_features(kwargs))
    tensors = {name: torch.nn.Parameter(_to_torch(torch, p)) for name, p in params.items()}
    opt = torch.optim.Rprop(list(tensors.values()), **torch_kwargs(torch, kwargs))
    records = []
    for grads in grads_per_step:
        for name, t in tensors.items():
            t.grad = None if grads[name] is None else _to_torch(torch, grads[name])
        opt.step()
        record = {}
        for name, t in tensors.items():
            state = opt.state.get(t, {})
            record[name] = (_from_torch(torch, t),
                            _from_torch(torch, state["step_size"]) if state else None,
                            _from_torch(torch, state["prev"]) if state else None)
        records.append(record)
    return records


# --- MindSpore -----------------------------------------------------------------------------------

_MS_READY = False


def mindspore():
    global _MS_READY
    ms = require("mindspore")
    if not _MS_READY:
        ms.set_context(mode=ms.PYNATIVE_MODE)
        _MS_READY = True
    return ms


def _to_ms(ms, array: np.ndarray):
    if array.dtype == BFLOAT16:
        return ms.Tensor(array.astype(np.float32)).astype(ms.bfloat16)
    return ms.Tensor(np.array(array))


def _from_ms(ms, tensor) -> np.ndarray:
    if tensor.dtype == ms.bfloat16:
        return tensor.astype(ms.float32).asnumpy().astype(BFLOAT16)
    return tensor.asnumpy().copy()


def ms_kwargs(ms, kwargs: dict) -> dict:
    return {k: (ms.Tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}


def build_mindspore(params: dict, experimental: bool, **kwargs):
    ms = mindspore()
    domains.observe("optimizer:experimental" if experimental else "optimizer:nn.Rprop",
                    "mode:graph" if ms.get_context("mode") == ms.GRAPH_MODE else "mode:pynative",
                    *argument_features(kwargs))
    parameters = [ms.Parameter(_to_ms(ms, p), name=name) for name, p in params.items()]
    if experimental:
        from mindspore.experimental import optim
        return parameters, optim.Rprop(parameters, **ms_kwargs(ms, kwargs))
    return parameters, ms.nn.Rprop(parameters, **ms_kwargs(ms, kwargs))


def run_mindspore(params: dict, grads_per_step: list[dict], experimental: bool = False,
                  **kwargs) -> list[dict]:
    ms = mindspore()
    domains.observe(*problem_features(params, grads_per_step))
    parameters, opt = build_mindspore(params, experimental, **kwargs)
    names = list(params)
    records = []
    for grads in grads_per_step:
        opt(tuple(_to_ms(ms, grads[name]) for name in names))
        records.append({name: (_from_ms(ms, p), _from_ms(ms, opt.step_size[i]), _from_ms(ms, opt.prev[i]))
                        for i, (name, p) in enumerate(zip(names, parameters))})
    return records


# --- the reference, in the same record format ------------------------------------------------------

def run_reference(convention: str, params: dict, grads_per_step: list[dict], **kwargs) -> list[dict]:
    import rprop_ref
    domains.observe(f"reference:{convention}", *problem_features(params, grads_per_step))
    opt = rprop_ref.make(convention, **kwargs)
    state = opt.init(params)
    records = []
    for grads in grads_per_step:
        params, state = opt.step(params, grads, state)
        records.append({name: (params[name],
                               state.step_size[name] if state.step[name] else None,
                               state.prev[name] if state.step[name] else None)
                        for name in params})
    return records


def first_difference(expected: list[dict], actual: list[dict]) -> str | None:
    """None if both runs are bit-identical (values and dtypes), else where they first differ."""
    for step, (e, a) in enumerate(zip(expected, actual, strict=True), start=1):
        for name in e:
            for what, x, y in zip(("param", "step_size", "prev"), e[name], a[name]):
                if x is None or y is None:
                    if x is not y:
                        return f"step {step}, {name}.{what}: state exists on one side only"
                    continue
                if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
                    return (f"step {step}, {name}.{what}: expected {x!r} ({x.dtype}), "
                            f"got {y!r} ({y.dtype})")
    return None
