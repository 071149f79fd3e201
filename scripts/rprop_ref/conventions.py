"""The named conventions: each is a set of switches plus its framework's constructor.

Each `*_arguments` function has exactly the keyword names and defaults of the framework's
constructor (after `params`) and validates them in the framework's order, raising the same
exception type for the same bad input. Where a framework only fails at its first `step()`
(torch and MindSpore experimental do not look at `step_sizes`, or at a third `etas` entry,
until then), the reference fails at construction with the same exception type: no optimizer
is built from arguments that cannot step.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .optimizer import Hyper, Rprop
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
    """

    name: str
    mirrors: str
    switches: Switches
    arguments: Callable[..., Hyper]


def torch_arguments(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False,
                    foreach=None, maximize=False, differentiable=False) -> Hyper:
    """`torch.optim.Rprop` 2.x. `capturable`, `foreach` and `differentiable` select kernels
    whose results are identical on CPU; they are accepted and change nothing here."""
    lr = _torch_scalar_lr(lr)
    if not lr >= 0.0:  # torch: `if not 0.0 <= lr` (so NaN is rejected too)
        raise ValueError(f"torch.optim.Rprop: invalid learning rate {lr}: lr must be >= 0")
    etaminus, etaplus = _pair(etas, "etas", torch_like=True)
    if not 0.0 < etaminus < 1.0 < etaplus:
        raise ValueError(f"torch.optim.Rprop: invalid etas ({etaminus}, {etaplus}): "
                         "they must satisfy 0 < etaminus < 1 < etaplus")
    step_min, step_max = _pair(step_sizes, "step_sizes", torch_like=True)
    return Hyper(float(lr), float(etaminus), float(etaplus), float(step_min), float(step_max),
                 maximize=bool(maximize))


def mindspore_arguments(learning_rate=0.1, etas=(0.5, 1.2), step_sizes=(1e-6, 50.),
                        weight_decay=0.) -> Hyper:
    """`mindspore.nn.Rprop` (2.10). `learning_rate` may be a number, a 0-d array, or a 1-d
    sequence/array (a dynamic learning rate): Rprop reads it only at step 1, so only its first
    value matters. `etas` and `step_sizes` must be tuples of `float`."""
    lr = _mindspore_learning_rate(learning_rate)
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
                 weight_decay=weight_decay)


def mindspore_experimental_arguments(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                                     maximize=False) -> Hyper:
    """`mindspore.experimental.optim.Rprop` (2.10): torch's arguments, but `lr` must be > 0
    and `etas[0]` a float."""
    lr = _torch_scalar_lr(lr, framework="mindspore.experimental.optim.Rprop")
    if not lr > 0.0:
        raise ValueError(f"mindspore.experimental.optim.Rprop: lr must be > 0, got {lr}")
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


def make(convention: str, **kwargs) -> Rprop:
    """Build the Rprop of `convention` from that framework's keyword arguments.

    Raises what the framework raises for the same bad argument (`TypeError` for an unknown
    keyword, a wrong type or a list where MindSpore wants a tuple; `ValueError` for an out-of-range
    value; `IndexError` for torch's one-element `etas`).
    """
    if convention not in BY_NAME:
        raise ValueError(f"unknown convention {convention!r}; choose one of {CONVENTIONS}")
    c = BY_NAME[convention]
    return Rprop(c.switches, c.arguments(**kwargs), name=c.name)


# --- argument helpers ------------------------------------------------------------------------

def _is_real(x) -> bool:
    return isinstance(x, (numbers.Real, np.number)) and not isinstance(x, np.complexfloating)


def _torch_scalar_lr(lr, framework="torch.optim.Rprop") -> float:
    """A number or a one-element array (torch's one-element Tensor lr)."""
    if isinstance(lr, np.ndarray):
        if lr.size != 1:
            raise ValueError(f"{framework}: an array lr must have exactly one element, got {lr.size}")
        lr = lr.reshape(()).item()
    if not _is_real(lr):
        raise TypeError(f"{framework}: lr must be a real number, got {type(lr).__name__}")
    return lr


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


def _mindspore_learning_rate(learning_rate) -> float:
    """The step-1 learning rate from a number, 0-d array or 1-d schedule (MindSpore
    optimizer.py `_preprocess_single_lr`; a schedule is read at global step 0)."""
    if isinstance(learning_rate, (bool, int, float, np.integer, np.floating)):
        value = float(learning_rate)
        if not value >= 0.0:
            raise ValueError(f"mindspore.nn.Rprop: learning_rate must be >= 0, got {value}")
        return float(np.float32(value))
    if isinstance(learning_rate, str):
        raise ValueError("mindspore.nn.Rprop: learning_rate must be a number or a sequence of "
                         f"numbers, got the string {learning_rate!r}")
    if isinstance(learning_rate, np.ndarray) or _is_iterable(learning_rate):
        try:
            schedule = np.asarray(list(np.asarray(learning_rate).reshape(-1))
                                  if np.ndim(learning_rate) == 0 else learning_rate, dtype=np.float32)
        except (TypeError, ValueError) as err:
            raise ValueError(f"mindspore.nn.Rprop: learning_rate schedule must hold numbers: {err}") from None
        if schedule.ndim > 1:
            raise ValueError("mindspore.nn.Rprop: a learning_rate array must have 0 or 1 "
                             f"dimensions, got {schedule.ndim}")
        if schedule.size == 0:
            raise ValueError("mindspore.nn.Rprop: a learning_rate schedule must not be empty")
        return float(schedule.reshape(-1)[0])
    raise TypeError("mindspore.nn.Rprop: learning_rate must be a number or a sequence of numbers, "
                    f"got {type(learning_rate).__name__}")


def _mindspore_weight_decay(weight_decay) -> float:
    if not isinstance(weight_decay, (int, float)):
        raise TypeError(f"mindspore.nn.Rprop: weight_decay must be an int or float, got "
                        f"{type(weight_decay).__name__}")
    weight_decay = float(weight_decay)
    if not weight_decay >= 0.0:
        raise ValueError(f"mindspore.nn.Rprop: weight_decay must be >= 0, got {weight_decay}")
    return weight_decay


def _is_iterable(x) -> bool:
    try:
        iter(x)
    except TypeError:
        return False
    return True
