"""What every reference optimizer (`rprop_ref`, `adamw_ref`) checks of its inputs, the same way: the
parameters, the gradients and the state that `opt.step(params, grads, state)` is given, and a
framework's limit on how many steps it can take (`StepLimit`).

中文:
    每个参考优化器（`rprop_ref`、`adamw_ref`）都以同样的方式检查输入：`opt.step(params, grads, state)`
    收到的参数、梯度和状态，以及框架对可执行步数的限制（`StepLimit`）。
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np


@dataclass(frozen=True)
class StepLimit:
    """The framework builds the optimizer, but cannot update a parameter more than `steps` times:
    the next `step()` raises `error(message)` and changes nothing (a MindSpore learning-rate
    schedule of `steps` values, gathered at index `global_step`; torch's `capturable=True` on CPU,
    `steps=0`).

    中文:
        框架能构造出优化器，但每个参数最多只能更新 `steps` 次：再调用一次 `step()` 就会抛出
        `error(message)`，且不做任何改动（有 `steps` 个值的 MindSpore 动态学习率，按 `global_step`
        取值；torch 在 CPU 上设置 `capturable=True` 时 `steps=0`）。
    """

    steps: int
    error: type[Exception]
    message: str


def check_params(params, check_dtype: Callable[[np.ndarray], object]) -> None:
    """A non-empty mapping of str names to numpy arrays, each of a dtype `check_dtype` accepts.

    中文:
        非空的映射：参数名为 `str`，值为 `np.ndarray`，且每个数组的 dtype 都能通过 `check_dtype`。
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of name to numpy array, got {type(params).__name__}")
    if not params:
        raise ValueError("params must not be empty: the optimizer needs at least one parameter")
    for name, p in params.items():
        if not isinstance(name, str):
            raise TypeError(f"parameter names must be str, got {name!r}")
        if not isinstance(p, np.ndarray):
            raise TypeError(f"parameter {name!r} must be a numpy array, got {type(p).__name__}")
        check_dtype(p)


def check_grads(params, grads, step: Mapping[str, int], shared_step_counter: bool) -> None:
    """One gradient per parameter (its dtype and shape), or None where the framework allows it,
    and a state (`step`: its per-parameter counters) that belongs to these parameters.

    中文:
        每个参数一个梯度（dtype 和形状与参数相同），框架允许时也可以是 None；状态（`step`：
        每个参数的计数器）必须属于这些参数。
    """
    if not isinstance(grads, Mapping) or set(grads) != set(params):
        raise ValueError("grads must map exactly the parameter names to gradients")
    if set(step) != set(params):
        raise ValueError("state does not belong to these parameters (names differ)")
    for name, p in params.items():
        g = grads[name]
        if g is None:
            if shared_step_counter:
                raise TypeError(
                    f"gradient of {name!r} is None: with a shared step counter (MindSpore) every "
                    "parameter takes a gradient at every step; pass zeros, as "
                    "mindspore.value_and_grad does for an unused parameter")
            continue
        if not isinstance(g, np.ndarray) or g.dtype != p.dtype or g.shape != p.shape:
            raise ValueError(f"gradient of {name!r} must be a numpy array of the parameter's "
                             f"dtype {p.dtype} and shape {p.shape}")


def check_step_limit(limit: StepLimit | None, grads, step: Mapping[str, int]) -> None:
    """Raise as the framework does once a parameter with a gradient has taken `limit.steps` steps.

    中文:
        有梯度的参数已执行 `limit.steps` 步后，像框架一样抛出异常。
    """
    if limit is not None and any(step[n] >= limit.steps for n, g in grads.items() if g is not None):
        raise limit.error(limit.message)
