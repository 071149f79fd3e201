"""The named conventions: each is a set of switches plus its framework's constructor.

Each `*_arguments` function has exactly the keyword names and defaults of the framework's
constructor (after `params`) and validates them in the framework's order, raising the same
exception type for the same bad input. Where a framework only fails at its first `step()`
(torch and MindSpore experimental do not look at `step_sizes`, or at a third `etas` entry,
until then), the reference fails at construction with the same exception type: no optimizer
is built from arguments that cannot step. The exceptions are arguments with which the
framework *can* step a number of times, or whose failure depends on the device: these give a
`StepLimit` (`Hyper.step_limit`), and the reference raises at the same step as the framework
(a MindSpore learning-rate schedule that runs out; torch's `capturable=True` on CPU).

The NumPy stand-in for a framework tensor (a one-element `lr`, a MindSpore schedule) is any
array-like that is not a Python list, tuple, string or number: a NumPy array or an object with
`__array__`, such as a CPU `torch.Tensor` (read through `np.asarray`, without importing torch).

中文:
    预定义的变体：每个变体都是一组开关，加上它所对应框架的构造函数。

    每个 `*_arguments` 函数的关键字参数名和默认值都与该框架的构造函数（`params` 之后的部分）完全
    相同，并按框架的顺序校验参数：同样的错误输入，抛出同样类型的异常。有些错误框架要到第一次
    `step()` 才发现（torch 和 MindSpore 实验性优化器直到那时才检查 `step_sizes` 或 `etas` 的
    第三个值），参考实现则在构造时就抛出同类型的异常：无法执行更新的参数不会得到优化器。例外是框架
    *能够*执行若干步的参数，以及是否出错取决于设备的参数：它们得到一个
    `StepLimit`（`Hyper.step_limit`），参考实现在框架出错的同一步抛出异常（MindSpore 的动态学习率用完时；
    torch 在 CPU 上设置 `capturable=True` 时）。

    框架张量（单元素的 `lr`、MindSpore 的动态学习率）在 NumPy 中的替代品，可以是任何类数组对象，
    只要不是 Python 的 `list`、`tuple`、`str` 或数值：NumPy 数组，或带有 `__array__` 的对象，例如
    CPU 上的 `torch.Tensor`（通过 `np.asarray` 读取，无须导入 torch）。
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .optimizer import Hyper, Rprop, StepLimit
from .switches import Switches


@dataclass(frozen=True)
class Convention:
    """A named convention.

    Attributes:
        name: the name `make` takes.
        mirrors: the real constructor this convention reproduces.
        switches: its behaviour (see `Switches`).
        arguments: a function with the constructor's keyword arguments that validates them
            and returns `Hyper`.

    中文:
        一个预定义的变体。

        Attributes:
            name: `make` 接受的名称。
            mirrors: 本变体所复现的真实构造函数。
            switches: 它的行为（见 `Switches`）。
            arguments: 一个函数，关键字参数与该构造函数相同，负责校验这些参数并返回 `Hyper`。
    """

    name: str
    mirrors: str
    switches: Switches
    arguments: Callable[..., Hyper]


def torch_arguments(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False,
                    foreach=None, maximize=False, differentiable=False) -> Hyper:
    """`torch.optim.Rprop` 2.x. `foreach` and `differentiable` select kernels whose results are
    identical on CPU; they are accepted and change nothing here. `capturable=True` is accepted,
    but its first step raises `AssertionError`: the parameters (NumPy: CPU) are not on a device
    that supports CUDA graphs (`torch/optim/rprop.py`, checked in both kernels).

    中文:
        `torch.optim.Rprop` 2.x 的参数。`foreach` 和 `differentiable` 选择的内核在 CPU 上结果完全
        相同：这里接受它们，但不产生任何影响。`capturable=True` 也被接受，但第 1 步会抛出
        `AssertionError`：参数（NumPy 数组，即在 CPU 上）不在支持 CUDA Graphs 的设备上
        （`torch/optim/rprop.py`，两种内核都会检查）。
    """
    lr = _torch_lr(lr)
    if not lr >= 0.0:  # torch: `if not 0.0 <= lr` (so NaN is rejected too)
        raise ValueError(f"torch.optim.Rprop: invalid learning rate {lr}: lr must be >= 0")
    etaminus, etaplus = _pair(etas, "etas", torch_like=True)
    if not 0.0 < etaminus < 1.0 < etaplus:
        raise ValueError(f"torch.optim.Rprop: invalid etas ({etaminus}, {etaplus}): "
                         "they must satisfy 0 < etaminus < 1 < etaplus")
    step_min, step_max = _pair(step_sizes, "step_sizes", torch_like=True)
    # torch 2.13 writes the etas into a tensor by item assignment (`sign[sign.gt(0)] = etaplus`),
    # which refuses NumPy floats other than float64 (a `float` subclass) at the first step.
    numpy_eta = any(isinstance(e, np.floating) and not isinstance(e, float) for e in (etaminus, etaplus))
    limit = CAPTURABLE_ON_CPU if capturable else NUMPY_ETAS if numpy_eta else None
    return Hyper(float(lr), float(etaminus), float(etaplus), float(step_min), float(step_max),
                 maximize=bool(maximize), step_limit=limit)


# torch 2.13 `_single_tensor_rprop` / `_multi_tensor_rprop`: `if capturable:` each parameter must
# be on one of `_get_capturable_supported_devices()`, checked when it is first updated.
CAPTURABLE_ON_CPU = StepLimit(0, AssertionError, (
    "torch.optim.Rprop: capturable=True needs parameters and state on a device that supports CUDA "
    "graphs (torch 2.13: cuda, xpu, hpu, privateuseone, xla); these are CPU (NumPy) arrays, so the "
    "first step() fails. Use capturable=False on CPU."))
NUMPY_ETAS = StepLimit(0, TypeError, (
    "torch.optim.Rprop: etas holds a NumPy float32/float16, which torch cannot assign into a "
    "tensor (\"can't assign a numpy.float32 to a torch.FloatTensor\") at the first step(); pass "
    "Python floats"))


def mindspore_arguments(learning_rate=0.1, etas=(0.5, 1.2), step_sizes=(1e-6, 50.),
                        weight_decay=0.) -> Hyper:
    """`mindspore.nn.Rprop` (2.10). `learning_rate` may be a number, a 0-d array, or a 1-d
    iterable/array (a dynamic learning rate): Rprop reads it only at step 1, so only its first
    value matters, but a schedule of N values cannot take step N+1. `etas` and `step_sizes`
    must be tuples of `float`.

    中文:
        `mindspore.nn.Rprop`（2.10）的参数。`learning_rate` 可以是数值、0 维数组，或一维的可迭代
        对象或数组（动态学习率）：Rprop 只在第 1 步读取它，因此只有第一个值起作用；但只有 N 个值
        的动态学习率无法执行第 N+1 步。`etas` 和 `step_sizes` 必须是由 `float` 组成的 `tuple`。
    """
    lr, lr_limit = _mindspore_learning_rate(learning_rate)
    weight_decay = _mindspore_weight_decay(weight_decay)
    if not isinstance(etas, tuple):
        raise TypeError(f"mindspore.nn.Rprop: etas must be a tuple, got {type(etas).__name__}")
    if len(etas) != 2:
        raise ValueError(f"mindspore.nn.Rprop: etas must hold 2 values, got {len(etas)}")
    if not isinstance(step_sizes, tuple):
        raise TypeError(f"mindspore.nn.Rprop: step_sizes must be a tuple, got {type(step_sizes).__name__}")
    if len(step_sizes) != 2:
        raise ValueError(f"mindspore.nn.Rprop: step_sizes must hold 2 values, got {len(step_sizes)}")
    if step_sizes[0] > step_sizes[1]:
        raise ValueError(f"mindspore.nn.Rprop: step_sizes[0] = {step_sizes[0]} is larger than "
                         f"step_sizes[1] = {step_sizes[1]}")
    etaminus, etaplus = etas
    # MindSpore's float check for etaminus admits NumPy floats; the one for etaplus and the
    # step sizes admits only Python floats (np.float64 is a subclass of float).
    _require_type(etaminus, (float, np.floating), "etaminus (etas[0])")
    if not 0.0 < etaminus < 1.0:
        raise ValueError(f"mindspore.nn.Rprop: etaminus (etas[0]) must be in (0.0, 1.0), got {etaminus}")
    _require_type(etaplus, float, "etaplus (etas[1])")
    if not etaplus > 1.0:
        raise ValueError(f"mindspore.nn.Rprop: etaplus (etas[1]) must be > 1.0, got {etaplus}")
    _require_type(step_sizes[0], float, "step_sizes[0]")
    _require_type(step_sizes[1], float, "step_sizes[1]")
    return Hyper(lr, float(etaminus), float(etaplus), float(step_sizes[0]), float(step_sizes[1]),
                 weight_decay=weight_decay, step_limit=lr_limit)


def mindspore_experimental_arguments(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                                     maximize=False) -> Hyper:
    """`mindspore.experimental.optim.Rprop` (2.10): torch's arguments, but `lr` must be a
    finite number > 0 or a 0-d tensor > 0, and `etas[0]` a float.

    中文:
        `mindspore.experimental.optim.Rprop`（2.10）的参数：与 torch 相同，但 `lr` 必须是大于 0
        的有限数值或大于 0 的 0 维张量，`etas[0]` 必须是 `float` 或 NumPy 浮点数。
    """
    lr = _experimental_lr(lr)
    framework = "mindspore.experimental.optim.Rprop"
    etaplus = _index(etas, 1, "etas", framework)  # MindSpore checks etas[1] first, then etas[0]
    if not _is_real(etaplus):
        raise TypeError(f"{framework}: etas[1] must be a number, got {type(etaplus).__name__}")
    if not etaplus > 1.0:
        raise ValueError(f"{framework}: etas[1] must be > 1.0, got {etaplus}")
    etaminus = _index(etas, 0, "etas", framework)
    _require_type(etaminus, (float, np.floating), "etas[0]", framework)
    if not 0.0 < etaminus < 1.0:
        raise ValueError(f"{framework}: etas[0] must be in (0.0, 1.0), got {etaminus}")
    etaminus, etaplus = _pair(etas, "etas", torch_like=True)
    step_min, step_max = _pair(step_sizes, "step_sizes", torch_like=True)
    return Hyper(float(lr), float(etaminus), float(etaplus), float(step_min), float(step_max),
                 maximize=bool(maximize))


TORCH = Convention("torch", "torch.optim.Rprop (2.x)", Switches(), torch_arguments)
MINDSPORE = Convention(
    "mindspore", "mindspore.nn.Rprop (2.10)",
    Switches(shared_step_counter=True, weight_decay_exempt=("beta", "gamma"),
             precision="mindspore-nn"),
    mindspore_arguments)
MINDSPORE_EXPERIMENTAL = Convention(
    "mindspore-experimental", "mindspore.experimental.optim.Rprop (2.10)",
    Switches(shared_step_counter=True, precision="mindspore-experimental"),
    mindspore_experimental_arguments)
MINDSPORE_DOC = Convention(
    "mindspore-doc", "the formula in mindspore.nn.Rprop's docstring (not its code)",
    Switches(zero_gradient_on_sign_flip=False, shared_step_counter=True,
             weight_decay_exempt=("beta", "gamma"), precision="mindspore-nn"),
    mindspore_arguments)

BY_NAME = {c.name: c for c in (TORCH, MINDSPORE, MINDSPORE_EXPERIMENTAL, MINDSPORE_DOC)}
CONVENTIONS = tuple(BY_NAME)

# Older framework versions whose optimizer differs from the pinned one (found by `make matrix`,
# data/versions.json). `make` accepts these names too; they are not among CONVENTIONS (the site's
# conventions, which the playground mirrors).
MINDSPORE_2_7 = Convention(
    "mindspore@2.7", "mindspore.nn.Rprop (2.7.0-2.7.2)",
    Switches(shared_step_counter=True, weight_decay_exempt=("beta", "gamma"),
             precision="mindspore-nn-2.7"),
    mindspore_arguments)
BY_VERSION = {c.name: c for c in (MINDSPORE_2_7,)}
# The releases each of them models (first and last, inclusive); any other release is modelled by
# the pinned convention of its framework.
RELEASES = {"mindspore@2.7": ("mindspore", "2.7.0", "2.7.2")}


def for_release(framework: str, version: str) -> str:
    """The convention of `framework`'s `nn`/`optim` Rprop as released in `version` ("2.7.1+cpu"):
    `for_release("mindspore", "2.7.1")` is "mindspore@2.7", `for_release("mindspore", "2.10.0")`
    is "mindspore".

    中文:
        `framework` 在 `version`（如 "2.7.1+cpu"）这个版本中发布的 Rprop 所对应的变体：例如
        `for_release("mindspore", "2.7.1")` 为 `"mindspore@2.7"`，`for_release("mindspore", "2.10.0")`
        为 `"mindspore"`。
    """
    release = tuple(int(part) for part in version.split("+")[0].split(".")[:3])
    for name, (which, first, last) in RELEASES.items():
        bounds = [tuple(int(part) for part in v.split(".")) for v in (first, last)]
        if which == framework and bounds[0] <= release <= bounds[1]:
            return name
    return framework


def make(convention: str, **kwargs) -> Rprop:
    """Build the Rprop of `convention` from that framework's keyword arguments.

    Raises what the framework raises for the same bad argument (`TypeError` for an unknown
    keyword, a wrong type or a list where MindSpore wants a tuple; `ValueError` for an out-of-range
    value; `IndexError` for torch's one-element `etas`).

    中文:
        用该框架的关键字参数构造 `convention` 变体下的 Rprop。

        对同样的错误参数，抛出与框架相同的异常：未知的关键字、类型错误，或 MindSpore 要求 `tuple`
        却传入列表时抛出 `TypeError`；取值超出范围时抛出 `ValueError`；torch 的 `etas` 只有一个元素
        时抛出 `IndexError`。
    """
    c = BY_NAME.get(convention) or BY_VERSION.get(convention)
    if c is None:
        raise ValueError(f"unknown convention {convention!r}; choose one of {CONVENTIONS} "
                         f"(or an older version's: {tuple(BY_VERSION)})")
    return Rprop(c.switches, c.arguments(**kwargs), name=c.name)


# --- argument helpers ------------------------------------------------------------------------

def _is_real(x) -> bool:
    return isinstance(x, (numbers.Real, np.number)) and not isinstance(x, np.complexfloating)


def _tensor(x) -> np.ndarray | None:
    """`x` as an array if it stands for a framework tensor (see the module docstring), else None.
    NumPy scalars are numbers, not tensors (both frameworks tell them apart from tensors)."""
    if isinstance(x, (str, bytes, list, tuple, np.generic)) or not (
            isinstance(x, np.ndarray) or hasattr(x, "__array__")):
        return None
    array = np.asarray(x)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"a learning rate tensor must hold real numbers, got dtype {array.dtype}")
    return array


def _torch_lr(lr):
    """torch: a number, or a tensor of exactly one element of any shape (`Rprop.__init__`:
    "Tensor lr must be 1-element"; `_to_scalar` squeezes it). The tensor's own dtype is kept:
    a float32 tensor seeds float64 parameters with float32(lr), as `torch.full_like` does."""
    if _is_real(lr):
        return lr
    tensor = _tensor(lr)
    if tensor is None:  # torch: `0.0 <= lr` raises TypeError for lists, tuples, strings, None
        raise TypeError(f"torch.optim.Rprop: lr must be a real number or a one-element tensor, "
                        f"got {type(lr).__name__}")
    if tensor.size != 1:
        raise ValueError(f"torch.optim.Rprop: a tensor lr must have exactly one element, got {tensor.size}")
    return tensor.reshape(()).item()


def _experimental_lr(lr) -> float:
    """MindSpore experimental: `check_not_less_than_without_equal(lr)` (`lr <= 0` → ValueError,
    before any type check), then `Optimizer._build_single_lr`: an int or float (not a NumPy
    float32/int64, which raise TypeError; NaN and inf raise ValueError) or a 0-d tensor (a
    one-element 1-d tensor raises ValueError, unlike torch)."""
    framework = "mindspore.experimental.optim.Rprop"
    tensor = _tensor(lr)
    if tensor is not None and tensor.ndim != 0:  # `lr <= 0` is ambiguous, or the tensor not 0-d
        raise ValueError(f"{framework}: a tensor lr must be 0-d (a scalar tensor), got shape {tensor.shape}")
    value = lr if tensor is None else tensor.item()
    if not _is_real(value):
        raise TypeError(f"{framework}: lr must be a real number or a 0-d tensor, got {type(lr).__name__}")
    if value <= 0:
        raise ValueError(f"{framework}: lr must be > 0, got {value}")
    if tensor is not None:
        return float(np.float32(value))
    if not isinstance(lr, (int, float)):
        raise TypeError(f"{framework}: lr must be an int, float or tensor, got {type(lr).__name__}")
    if not math.isfinite(lr):
        raise ValueError(f"{framework}: lr must be finite, got {lr}")
    return float(lr)


def _pair(values, what: str, torch_like: bool):
    """Two real numbers from any indexable (torch unpacks `etas`/`step_sizes` at step())."""
    try:
        n = len(values)
    except TypeError:
        raise TypeError(f"{what} must be a pair of numbers, got {type(values).__name__}") from None
    if isinstance(values, str):
        raise TypeError(f"{what} must be a pair of numbers, got a string")
    if n != 2:
        # torch indexes etas[1] before unpacking: a single value raises IndexError there.
        if n < 2 and what == "etas" and torch_like:
            raise IndexError(f"{what} must hold 2 values (etaminus, etaplus), got {n}")
        raise ValueError(f"{what} must hold exactly 2 values, got {n}")
    first, second = values
    for x in (first, second):
        if not _is_real(x):
            raise TypeError(f"{what} must hold numbers, got {type(x).__name__}")
    return first, second


def _index(values, i: int, what: str, framework: str):
    """`values[i]`, re-raising the same exception type with a message that names the argument."""
    try:
        return values[i]
    except (TypeError, IndexError, KeyError) as err:
        raise type(err)(f"{framework}: {what} must be a pair of numbers; {what}[{i}] failed "
                        f"({err})") from None


def _require_type(value, types, what: str, framework: str = "mindspore.nn.Rprop") -> None:
    if isinstance(value, bool) or not isinstance(value, types):
        raise TypeError(f"{framework}: {what} must be a float, got {type(value).__name__} "
                        f"({value!r}); write e.g. 50.0, not 50")


def _mindspore_learning_rate(learning_rate) -> tuple[float, StepLimit | None]:
    """The step-1 learning rate, and how many steps it allows (MindSpore optimizer.py
    `_preprocess_single_lr`; a schedule is gathered at index `global_step`, so a schedule of N
    values raises RuntimeError at step N+1, and an empty one at step 1)."""
    framework = "mindspore.nn.Rprop"
    if isinstance(learning_rate, (int, float)):  # bool is an int, np.float64 a float; np.float32 neither
        value = float(learning_rate)
        if not (math.isfinite(value) and value >= 0.0):  # validator.check_non_negative_float
            raise ValueError(f"{framework}: learning_rate must be a finite number >= 0, got {value}")
        return float(np.float32(value)), None
    tensor = _tensor(learning_rate)
    if tensor is not None:
        if tensor.ndim == 0:  # a constant; MindSpore does not check its sign
            return float(tensor.astype(np.float32)), None
        if tensor.ndim > 1:
            raise ValueError(f"{framework}: a learning_rate tensor must have 0 or 1 dimensions, "
                             f"got {tensor.ndim}")
        schedule = tensor.astype(np.float32)
    elif isinstance(learning_rate, Iterable):  # a string too: "25" is the schedule [2.0, 5.0]
        try:
            schedule = np.array(list(learning_rate)).astype(np.float32)  # MindSpore's own conversion
        except (TypeError, ValueError) as err:
            raise type(err)(f"{framework}: learning_rate schedule {learning_rate!r} must hold "
                            f"numbers: {err}") from None
        if schedule.ndim != 1:  # a nested list: MindSpore builds, then its first step fails
            return float("nan"), StepLimit(0, ValueError, (
                f"{framework}: learning_rate schedule {learning_rate!r} has {schedule.ndim} dimensions; "
                "MindSpore accepts it but cannot call it at step 1 (\"The object is not callable\")"))
    else:
        raise TypeError(f"{framework}: learning_rate must be an int, float, tensor or iterable, got "
                        f"{type(learning_rate).__name__} (NumPy scalars other than float64 are refused)")
    n = schedule.size
    return (float(schedule[0]) if n else float("nan")), StepLimit(n, RuntimeError, (
        f"{framework}: the learning_rate schedule has {n} value{'' if n == 1 else 's'}, one per "
        f"step, so step {n + 1} has none (MindSpore's Gather raises RuntimeError: index {n} out "
        "of range). Rprop reads only "
        "the first value: pass a number to take any number of steps."))


def _mindspore_weight_decay(weight_decay) -> float:
    if not isinstance(weight_decay, (int, float)):
        raise TypeError(f"mindspore.nn.Rprop: weight_decay must be an int or float, got "
                        f"{type(weight_decay).__name__}")
    weight_decay = float(weight_decay)
    if not weight_decay >= 0.0:
        raise ValueError(f"mindspore.nn.Rprop: weight_decay must be >= 0, got {weight_decay}")
    return weight_decay

