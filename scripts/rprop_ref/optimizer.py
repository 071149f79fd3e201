"""The functional optimizer: `state = opt.init(params)`, `params, state = opt.step(params, grads, state)`.

中文:
    函数式的优化器：`state = opt.init(params)`，`params, state = opt.step(params, grads, state)`。
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from reference_checks import StepLimit, check_grads, check_params, check_step_limit

from .core import rprop_update_chunked, zero_subnormals
from .precision import FLOAT32, Plan, plan_for, scalar
from .switches import Switches


@dataclass(frozen=True)
class Hyper:
    """Validated hyper-parameters, the same fields for every convention.

    Attributes:
        lr: the initial step size Δ₀ (torch `lr`, MindSpore `learning_rate`; for a MindSpore
            learning-rate schedule, its value at step 1 — the only one Rprop ever reads).
        etaminus: factor for a sign flip, in (0, 1).
        etaplus: factor for an unchanged sign, > 1.
        step_min: lower clamp of Δ.
        step_max: upper clamp of Δ.
        weight_decay: L2 coefficient added to the gradient (MindSpore `nn.Rprop` only).
        maximize: ascend instead of descend (torch and MindSpore experimental only).
        step_limit: how many steps the framework can take with these arguments (`None`: any).

    中文:
        校验过的超参数，所有变体的字段都相同。

        Attributes:
            lr: 初始步长 Δ₀（torch 的 `lr`，MindSpore 的 `learning_rate`；对 MindSpore 的动态
                学习率，取它在第 1 步的值——Rprop 只会读取这一个值）。
            etaminus: 符号翻转时的乘数，取值在 (0, 1) 内。
            etaplus: 符号不变时的乘数，大于 1。
            step_min: Δ 的下限。
            step_max: Δ 的上限。
            weight_decay: 加到梯度上的 L2 系数（仅 MindSpore `nn.Rprop`）。
            maximize: 沿梯度上升而不是下降（仅 torch 和 MindSpore 实验性优化器）。
            step_limit: 框架用这些参数最多能执行多少步（`None`：不限）。
    """

    lr: float
    etaminus: float
    etaplus: float
    step_min: float
    step_max: float
    weight_decay: float = 0.0
    maximize: bool = False
    step_limit: StepLimit | None = None


@dataclass(frozen=True)
class State:
    """Optimizer state, as the framework keeps it, one entry per parameter name.

    Attributes:
        step: number of updates applied to each parameter (torch `state[p]["step"]`; with a
            shared counter, MindSpore's `global_step` / `step_t`, equal for all names).
        prev: the stored gradient (`prev`, zeroed where the sign flipped), parameter dtype.
        step_size: the per-element step size Δ (`step_size`), parameter dtype.

    中文:
        优化器状态，与框架保存的内容一致，每个参数名一项。

        Attributes:
            step: 每个参数已经更新的次数（torch 的 `state[p]["step"]`；共用计数器时即 MindSpore 的
                `global_step` / `step_t`，所有参数名的值都相同）。
            prev: 存下的梯度（`prev`，符号翻转处已置零），dtype 与参数相同。
            step_size: 逐元素的步长 Δ（`step_size`），dtype 与参数相同。
    """

    step: Mapping[str, int]
    prev: Mapping[str, np.ndarray]
    step_size: Mapping[str, np.ndarray]


class Rprop:
    """One convention's Rprop with fixed hyper-parameters. Use `rprop_ref.make` to build one
    with a framework's argument names and validation; build it directly to combine switches
    freely (ablations).

    中文:
        某个变体下、超参数固定的 Rprop。要按某个框架的参数名和校验规则构造，请用
        `rprop_ref.make`；直接构造它则可以任意组合开关（用于消融实验）。
    """

    def __init__(self, switches: Switches, hyper: Hyper, name: str = "custom"):
        self.switches = switches
        self.hyper = hyper
        self.name = name

    def __repr__(self) -> str:
        return f"Rprop({self.name!r}, {self.hyper})"

    def init(self, params: Mapping[str, np.ndarray]) -> State:
        """Zero state for `params` (a non-empty name → array mapping); rejects unsupported dtypes.

        中文:
            为 `params`（非空的参数名 → 数组映射）创建全零的状态；拒绝不支持的 dtype。
        """
        self._check_params(params)
        return State(
            step={name: 0 for name in params},
            prev={name: np.zeros_like(p) for name, p in params.items()},
            step_size={name: np.zeros_like(p) for name, p in params.items()},
        )

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray | None],
             state: State) -> tuple[dict[str, np.ndarray], State]:
        """One optimizer step. Returns new params and state; never modifies its inputs.

        中文:
            执行一步优化，返回新的参数和状态；从不修改输入。
        """
        self._check_params(params)
        check_grads(params, grads, state.step, self.switches.shared_step_counter)
        check_step_limit(self.hyper.step_limit, grads, state.step)
        new_params, step, prev, step_size = {}, {}, {}, {}
        for name, param in params.items():
            grad = grads[name]
            if grad is None:  # torch: `p.grad is None` leaves the parameter and its state alone
                new_params[name], step[name] = param, state.step[name]
                prev[name], step_size[name] = state.prev[name], state.step_size[name]
                continue
            step[name] = state.step[name] + 1
            new_params[name], prev[name], step_size[name] = self._update(
                name, param, grad, state.prev[name], state.step_size[name], seed=step[name] == 1)
        return new_params, State(step, prev, step_size)

    def _update(self, name, param, grad, prev, step_size, seed):
        hyper, plan = self.hyper, plan_for(self.switches.precision, param.dtype, param.shape)
        shape, storage = param.shape, param.dtype
        if hyper.weight_decay and not any(s in name for s in self.switches.weight_decay_exempt):
            # MindSpore optimizer.py `_tensor_apply_decay`: g = w * wd + g, in the parameter dtype,
            # with wd a float32 tensor cast to that dtype.
            grad = param * np.asarray(np.float32(hyper.weight_decay), dtype=storage) + grad
        if hyper.maximize:
            grad = -grad
        param, grad, prev, step_size = (_flat(a, plan) for a in (param, grad, prev, step_size))
        if seed:
            step_size = np.full_like(step_size, scalar(hyper.lr, plan))
        elif plan.step_size_via_float32:
            # MindSpore's cast to float32 also flushes float32 subnormals to zero (observed with
            # step_sizes[0] == 0, where Δ can shrink below 2**-126).
            step_size = zero_subnormals(step_size.astype(FLOAT32)).astype(plan.compute)
        results = rprop_update_chunked(
            param, grad, prev, step_size,
            etaminus=scalar(hyper.etaminus, plan), etaplus=scalar(hyper.etaplus, plan),
            step_min=scalar(hyper.step_min, plan), step_max=scalar(hyper.step_max, plan),
            zero_gradient_on_sign_flip=self.switches.zero_gradient_on_sign_flip,
            flush_subnormals=plan.flush_subnormals)
        return tuple(_unflat(r, storage, shape, plan) for r in results)

    def _check_params(self, params):
        check_params(params, lambda p: plan_for(self.switches.precision, p.dtype, p.shape))


def _flat(array: np.ndarray, plan: Plan) -> np.ndarray:
    """A 1-d array of the compute dtype (complex parameters as interleaved real and imaginary parts)."""
    if plan.complex_as_real:
        array = np.ascontiguousarray(array).view(plan.compute)
    return np.asarray(array, dtype=plan.compute).reshape(-1)


def _unflat(array: np.ndarray, storage: np.dtype, shape: tuple, plan: Plan) -> np.ndarray:
    if plan.complex_as_real:
        return np.ascontiguousarray(array).view(storage).reshape(shape)
    return np.asarray(array, dtype=storage).reshape(shape)
