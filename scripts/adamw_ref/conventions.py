"""The named conventions: each is a set of switches plus its framework's constructor.

Each `*_arguments` function has exactly the keyword names and defaults of the framework's
constructor (after `params`) and validates them in the framework's order, raising the same
exception type for the same bad input. Arguments with which the framework builds but cannot step
give a `StepLimit` (torch's `capturable=True` and `differentiable=True` on CPU leaf parameters, a
MindSpore schedule that runs out). What the reference does not model raises `NotImplementedError`
at construction: torch's tensor `lr`/`betas` (they switch torch to tensor arithmetic); torch's
`fused=True` (its own kernel) raises it at the first step.

`mindspore.mint.optim.AdamW` and `FusedAdamW` are not conventions: on CPU their first step raises
`RuntimeError: The kernel AdamW unregistered` (tests/test_adamw_ref.py), so no bit of theirs can be
checked here.

中文:
    预定义的变体：每个变体都是一组开关，加上它所对应框架的构造函数。

    每个 `*_arguments` 函数的关键字参数名和默认值都与该框架的构造函数（`params` 之后的部分）完全
    相同，并按框架的顺序校验参数：同样的错误输入，抛出同样类型的异常。框架能构造、却无法执行更新的
    参数得到一个 `StepLimit`（torch 在 CPU 叶子参数上设置 `capturable=True` 或
    `differentiable=True`，MindSpore 的动态学习率用完时）。参考实现没有建模的情形在构造时抛出
    `NotImplementedError`：torch 张量形式的 `lr`/`betas`（它们让 torch 改用张量运算）；torch 的
    `fused=True`（它有自己的内核）在第 1 步抛出该异常。

    `mindspore.mint.optim.AdamW` 和 `FusedAdamW` 不是变体：在 CPU 上第 1 步就抛出
    `RuntimeError: The kernel AdamW unregistered`（见 tests/test_adamw_ref.py），这里无法逐位
    核对它们。
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .optimizer import AdamW, Hyper, StepLimit
from .switches import Switches


@dataclass(frozen=True)
class Convention:
    """A named convention: `name` (what `make` takes), `mirrors` (the real constructor),
    `switches` (its behaviour) and `arguments` (the constructor's keywords, validated, as `Hyper`
    and the switches those keywords select).

    中文:
        一个预定义的变体：`name`（`make` 接受的名称）、`mirrors`（所复现的真实构造函数）
        、`switches`（它的行为）和 `arguments`（构造函数的关键字参数，校验后返回 `Hyper` 以及这些
        参数所选定的开关）。
    """

    name: str
    mirrors: str
    switches: Switches
    arguments: Callable[..., tuple[Hyper, dict]]


def _is_tensor(x) -> bool:
    return isinstance(x, np.ndarray) or (hasattr(x, "__array__") and not isinstance(x, (str, bytes, np.generic)))


def torch_arguments(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                    maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
    """`torch.optim.AdamW` 2.13 (`torch/optim/adam.py` `Adam.__init__`, decoupled). On CPU torch
    picks the single-tensor loop unless `foreach=True` (`_default_to_fused_or_foreach` wants CUDA);
    `fused=True` runs the CPU fused kernel, which is not modelled (its `step` raises
    `NotImplementedError`).

    中文:
        `torch.optim.AdamW` 2.13 的参数（`torch/optim/adam.py` 的 `Adam.__init__`，解耦权重衰减）。
        在 CPU 上，除非 `foreach=True`，torch 选择单张量实现（`_default_to_fused_or_foreach` 只在
        CUDA 上选 foreach）；`fused=True` 运行 CPU 融合内核，参考实现没有对它建模（其 `step` 抛出
        `NotImplementedError`）。
    """
    framework = "torch.optim.AdamW"
    if _is_tensor(lr):
        if foreach and not capturable:
            raise ValueError(f"{framework}: lr as a Tensor is not supported for capturable=False and foreach=True")
        if np.asarray(lr).size != 1:
            raise ValueError(f"{framework}: Tensor lr must be 1-element")
    _check(lambda: 0.0 <= lr, f"{framework}: invalid learning rate: {lr}")
    _check(lambda: 0.0 <= eps, f"{framework}: invalid epsilon value: {eps}")
    _check(lambda: 0.0 <= betas[0] < 1.0, f"{framework}: invalid beta parameter at index 0: {_get(betas, 0)}")
    _check(lambda: 0.0 <= betas[1] < 1.0, f"{framework}: invalid beta parameter at index 1: {_get(betas, 1)}")
    _check(lambda: 0.0 <= weight_decay, f"{framework}: invalid weight_decay value: {weight_decay}")
    both_float = isinstance(betas[0], float) and isinstance(betas[1], float)
    if not (both_float or (_is_tensor(betas[0]) and _is_tensor(betas[1]))):
        raise ValueError(f"{framework}: betas must be either both floats or both Tensors "
                         f"(write 0.0, not 0), got {tuple(betas)!r}")
    if fused and differentiable:
        raise RuntimeError(f"{framework}: `fused` does not support `differentiable`")
    if fused and foreach:
        raise RuntimeError(f"{framework}: `fused` and `foreach` cannot be `True` together.")
    if _is_tensor(lr) or not both_float:
        raise NotImplementedError(f"{framework}: a Tensor lr or betas switches torch to tensor "
                                  "arithmetic, which the reference does not model; pass floats")
    limit = None
    if capturable:
        limit = StepLimit(0, AssertionError, (
            f"{framework}: capturable=True needs parameters on a device that supports CUDA graphs "
            "(cuda, xpu, hpu, privateuseone, xla); these are CPU arrays, so the first step() fails"))
    elif differentiable:
        limit = StepLimit(0, RuntimeError, (
            f"{framework}: differentiable=True updates leaf parameters that require grad in place; "
            "the first step() raises 'a leaf Variable that requires grad is being used in an "
            "in-place operation'"))
    hyper = Hyper(float(lr), float(betas[0]), float(betas[1]), float(eps), float(weight_decay),
                  amsgrad=bool(amsgrad), maximize=bool(maximize), step_limit=limit)
    return hyper, {"multipliers_in_parameter_dtype": bool(foreach) and not fused, "_fused": bool(fused)}


def mindspore_arguments(learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0):
    """`mindspore.nn.AdamWeightDecay` (2.10): `Optimizer.__init__` checks `learning_rate` then
    `weight_decay`; `_check_param_value` then checks the types of `beta1`, `beta2`, `eps` (Python
    floats only) and their ranges, `beta1` and `beta2` in (0, 1), `eps` > 0. `learning_rate` may
    be a schedule (a 1-d iterable or array), one value per step.

    中文:
        `mindspore.nn.AdamWeightDecay`（2.10）的参数：`Optimizer.__init__` 先检查 `learning_rate`、
        再检查 `weight_decay`；随后 `_check_param_value` 检查 `beta1`、`beta2`、`eps` 的类型（只接受
        Python `float`）和取值范围：`beta1` 与 `beta2` 在 (0, 1) 内，`eps` 大于 0。`learning_rate` 可以是
        动态学习率（一维可迭代对象或数组），每步一个值。
    """
    framework = "mindspore.nn.AdamWeightDecay"
    lr, limit = _mindspore_learning_rate(learning_rate, framework)
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, (int, float)):
        raise TypeError(f"{framework}: weight_decay must be an int or float, got {type(weight_decay).__name__}")
    if not float(weight_decay) >= 0.0:
        raise ValueError(f"{framework}: weight_decay must be >= 0, got {weight_decay}")
    for what, value in (("beta1", beta1), ("beta2", beta2), ("eps", eps)):
        if isinstance(value, bool) or not isinstance(value, float):
            raise TypeError(f"{framework}: {what} must be a float, got {type(value).__name__} ({value!r})")
    for what, value in (("beta1", beta1), ("beta2", beta2)):
        if not 0.0 < value < 1.0:
            raise ValueError(f"{framework}: {what} must be in (0.0, 1.0), got {value}")
    if not eps > 0.0:
        raise ValueError(f"{framework}: eps must be > 0, got {eps}")
    return Hyper(lr, beta1, beta2, eps, float(weight_decay), step_limit=limit), {}


def mindspore_experimental_arguments(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                                     amsgrad=False, *, maximize=False):
    """`mindspore.experimental.optim.AdamW` (2.10): torch's checks (`lr < 0.0`, `eps < 0.0`,
    `0.0 <= betas[i] < 1.0`, `weight_decay < 0.0`, each a `ValueError`), then the base class's:
    `lr` an int, float or 0-d tensor (`TypeError`; a tensor of another shape `ValueError`), NaN and
    infinity rejected, `weight_decay` an int or float. Betas need not be floats (unlike torch).

    中文:
        `mindspore.experimental.optim.AdamW`（2.10）的参数：先做与 torch 相同的检查
        （`lr < 0.0`、`eps < 0.0`、`0.0 <= betas[i] < 1.0`、`weight_decay < 0.0`，都抛出 `ValueError`），再做基类的
        检查：`lr` 必须是 int、float 或 0 维张量（否则 `TypeError`；其他形状的张量为 `ValueError`），
        拒绝 NaN 和无穷大；`weight_decay` 必须是 int 或 float。`betas` 不必是 `float`（与 torch 不同）。
    """
    framework = "mindspore.experimental.optim.AdamW"
    tensor = np.asarray(lr) if _is_tensor(lr) else None
    value = tensor.item() if tensor is not None and tensor.size == 1 else lr
    _check(lambda: not value < 0.0, f"{framework}: invalid learning rate: {lr}")
    _check(lambda: not eps < 0.0, f"{framework}: invalid epsilon value: {eps}")
    _check(lambda: 0.0 <= betas[0] < 1.0, f"{framework}: invalid beta parameter at index 0: {_get(betas, 0)}")
    _check(lambda: 0.0 <= betas[1] < 1.0, f"{framework}: invalid beta parameter at index 1: {_get(betas, 1)}")
    _check(lambda: not weight_decay < 0.0, f"{framework}: invalid weight_decay value: {weight_decay}")
    if tensor is not None:
        if tensor.ndim != 0:
            raise ValueError(f"{framework}: a tensor lr must be 0-d (a scalar tensor), got shape {tensor.shape}")
    elif isinstance(lr, (int, float)):
        if not (math.isfinite(lr) and lr >= 0.0):
            raise ValueError(f"{framework}: lr must be a finite number >= 0, got {lr}")
    else:
        raise TypeError(f"{framework}: lr must be an int, float or Tensor, got {type(lr).__name__}")
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, (int, float)):
        raise TypeError(f"{framework}: weight_decay must be an int or float, got {type(weight_decay).__name__}")
    if not math.isfinite(weight_decay):
        raise ValueError(f"{framework}: weight_decay must be finite, got {weight_decay}")
    return Hyper(float(np.float32(value)), float(betas[0]), float(betas[1]), float(eps),
                 float(weight_decay), amsgrad=bool(amsgrad), maximize=bool(maximize)), {}


def _check(condition: Callable[[], bool], message: str) -> None:
    """torch's `if not <comparison>: raise ValueError`; a comparison that fails raises its own
    `TypeError` (a string or None), an index that fails `IndexError`/`TypeError`."""
    try:
        ok = condition()
    except (TypeError, IndexError, KeyError) as err:
        raise type(err)(f"{message.split(':')[0]}: {err}") from None
    if not ok:
        raise ValueError(message)


def _get(values, i):
    try:
        return values[i]
    except Exception:  # noqa: BLE001 - only for the message; _check raises the real error
        return None


def _mindspore_learning_rate(learning_rate, framework):
    """MindSpore optimizer.py `_preprocess_single_lr`: a number (float32), a 0-d tensor, or a
    schedule gathered at `global_step` (N values: step N+1 raises RuntimeError)."""
    if isinstance(learning_rate, (int, float)):
        value = float(learning_rate)
        if not (math.isfinite(value) and value >= 0.0):
            raise ValueError(f"{framework}: learning_rate must be a finite number >= 0, got {value}")
        return float(np.float32(value)), None
    if _is_tensor(learning_rate):
        array = np.asarray(learning_rate)
        if array.ndim == 0:
            return float(array.astype(np.float32)), None
        if array.ndim > 1:
            raise ValueError(f"{framework}: a learning_rate tensor must have 0 or 1 dimensions, got {array.ndim}")
        schedule = array.astype(np.float32)
    elif isinstance(learning_rate, Iterable):  # a string too: "25" is the schedule [2.0, 5.0]
        try:
            schedule = np.array(list(learning_rate)).astype(np.float32)  # MindSpore's own conversion
        except (TypeError, ValueError) as err:
            raise type(err)(f"{framework}: learning_rate schedule {learning_rate!r} must hold numbers: {err}") from None
    else:
        raise TypeError(f"{framework}: learning_rate must be an int, float, Tensor or iterable, "
                        f"got {type(learning_rate).__name__}")
    n = schedule.size
    return tuple(float(x) for x in schedule.reshape(-1)) or (float("nan"),), StepLimit(n, RuntimeError, (
        f"{framework}: the learning_rate schedule has {n} values, one per step, so step {n + 1} "
        "has none (MindSpore's Gather raises RuntimeError: index out of range)"))


TORCH = Convention("torch", "torch.optim.AdamW (2.13)", Switches(), torch_arguments)
MINDSPORE = Convention(
    "mindspore", "mindspore.nn.AdamWeightDecay (2.10)",
    Switches(shared_step_counter=True, weight_decay_exempt=("beta", "gamma"), bias_correction=False,
             hyper_precision="float32", first_moment="kernel", second_moment="kernel",
             parameter_update="kernel", sqrt="correctly-rounded", precision="mindspore-nn"),
    mindspore_arguments)
MINDSPORE_EXPERIMENTAL = Convention(
    "mindspore-experimental", "mindspore.experimental.optim.AdamW (2.10)",
    Switches(shared_step_counter=True, hyper_precision="float32", first_moment="mul-add",
             second_moment="mul-add", parameter_update="div-mul", sqrt="correctly-rounded",
             precision="mindspore-experimental"),
    mindspore_experimental_arguments)

BY_NAME = {c.name: c for c in (TORCH, MINDSPORE, MINDSPORE_EXPERIMENTAL)}
CONVENTIONS = tuple(BY_NAME)


class _FusedAdamW(AdamW):
    """torch `fused=True` on CPU runs `aten/src/ATen/native/cpu/FusedAdamKernel.cpp`: its own
    order (`1 - beta2` in the parameter's opmath type, one expression for `v`, a vector sqrt), up to
    1 ulp away from the single-tensor loop at some steps (measured). Not modelled."""

    def _update(self, name, param, grad, m, v, vmax, step):
        raise NotImplementedError(
            "torch.optim.AdamW(fused=True) runs its own CPU kernel, which the reference does not "
            "model (it differs from the single-tensor loop by up to 1 ulp); use fused=False or None")


def make(convention: str, **kwargs) -> AdamW:
    """Build the AdamW of `convention` from that framework's keyword arguments.

    Raises what the framework raises for the same bad argument (`TypeError` for an unknown keyword
    or a wrong type, `ValueError` for an out-of-range value, `IndexError` for a one-element
    `betas` in torch, `RuntimeError` for torch's `fused` with `foreach` or `differentiable`).

    中文:
        用该框架的关键字参数构造 `convention` 变体下的 AdamW。

        对同样的错误参数，抛出与框架相同的异常：未知的关键字或类型错误时抛出 `TypeError`，取值超出
        范围时抛出 `ValueError`，torch 的 `betas` 只有一个元素时抛出 `IndexError`，torch 同时设置
        `fused` 与 `foreach` 或 `differentiable` 时抛出 `RuntimeError`。
    """
    c = BY_NAME.get(convention)
    if c is None:
        raise ValueError(f"unknown convention {convention!r}; choose one of {CONVENTIONS}")
    hyper, selected = c.arguments(**kwargs)
    fused = selected.pop("_fused", False)
    switches = dataclasses.replace(c.switches, **selected) if selected else c.switches
    return (_FusedAdamW if fused else AdamW)(switches, hyper, name=c.name)

