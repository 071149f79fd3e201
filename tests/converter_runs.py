"""What the converter tests share: the same gradients for every case, and the `model` / `net`
objects an optimizer call is evaluated against (tests/test_converter*.py)."""

from __future__ import annotations

import numpy as np

STEPS = 40
F32 = np.float32


# --- the same gradients for every case ----------------------------------------------------------------

def problem(names: tuple) -> tuple[dict, list[dict]]:
    """Float32 initial weights and STEPS gradients: magnitudes over four decades (so that weight
    decay flips some signs), sign flips about a third of the time, and some exact zeros."""
    rng = np.random.default_rng(20251125)
    shapes = dict(zip(names, [(3, 4), (4,)] * len(names)))
    init = {n: rng.normal(0.0, 1.0, shape).astype(F32) for n, shape in shapes.items()}
    signs = {n: rng.choice([-1.0, 1.0], shape) for n, shape in shapes.items()}
    grads = []
    for _ in range(STEPS):
        step = {}
        for n, shape in shapes.items():
            signs[n] = np.where(rng.random(shape) < 0.35, -signs[n], signs[n])
            magnitude = 10.0 ** rng.uniform(-4, 0, shape)
            step[n] = (signs[n] * magnitude * (rng.random(shape) > 0.1)).astype(F32)
        grads.append(step)
    return init, grads


# --- building and stepping the optimizers from code ----------------------------------------------------

class _TorchModel:
    """What a torch `model` offers an optimizer call: `.parameters()`, `.named_parameters()`, and a
    part `.X` for each prefix `X.` of the parameter names (`model.backbone.parameters()`)."""

    def __init__(self, params: dict):
        self._params = params

    def parameters(self):
        return iter(self._params.values())

    def named_parameters(self):
        return iter(self._params.items())

    def __getattr__(self, part: str):
        return _TorchModel(_part(self.__dict__["_params"], part))


class _MindSporeCell:
    """What a MindSpore `net` offers an optimizer call (a Cell has no `parameters()`), with its
    parts as `_TorchModel` has them (a sub-cell's Parameters keep their full names)."""

    def __init__(self, params: dict):
        self._params = params

    def trainable_params(self):
        return list(self._params.values())

    def __getattr__(self, part: str):
        return _MindSporeCell(_part(self.__dict__["_params"], part))


def _part(params: dict, part: str) -> dict:
    found = {n.removeprefix(part + "."): p for n, p in params.items() if n.startswith(part + ".")}
    if not found:
        raise AttributeError(part)
    return found


def _parts(params: dict) -> dict:
    """`backbone_params`, `head_params`, …: each part's parameters as a list, in both namespaces."""
    prefixes = {n.split(".")[0] for n in params if "." in n}
    return {f"{prefix}_params": list(_part(params, prefix).values()) for prefix in prefixes}
