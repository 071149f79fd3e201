"""The functional optimizer: `state = opt.init(params)`, `params, state = opt.step(params, grads, state)`.

中文:
    函数式的优化器：`state = opt.init(params)`，`params, state = opt.step(params, grads, state)`。
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from reference_checks import StepLimit, check_grads, check_params, check_step_limit

from .core import adamw_update, plan_for, scalars
from .switches import Switches


@dataclass(frozen=True)
class Hyper:
    """Validated hyper-parameters, the same fields for every convention.

    Attributes:
        lr: the learning rate γ, or a schedule: one value per step (MindSpore `nn`; the value of
            step t is `lr[t - 1]`, gathered at `global_step` before it is incremented).
        beta1: decay of the first moment β₁.
        beta2: decay of the second moment β₂.
        eps: ε, added to the (bias-corrected) root of the second moment.
        weight_decay: λ, decoupled: the parameter shrinks by γλθ per step.
        amsgrad: normalise by the running maximum of the second moment (torch, experimental).
        maximize: ascend instead of descend (torch, experimental).
        step_limit: how many steps the framework can take with these arguments (`None`: any).

    中文:
        校验过的超参数，所有变体的字段都相同。

        Attributes:
            lr: 学习率 γ，或动态学习率：每步一个值（MindSpore `nn`；第 t 步的值为 `lr[t - 1]`，
                在 `global_step` 自增之前按它取值）。
            beta1: 一阶矩的衰减率 β₁。
            beta2: 二阶矩的衰减率 β₂。
            eps: ε，加在（经偏差修正的）二阶矩平方根上。
            weight_decay: λ，解耦的权重衰减：参数每步缩小 γλθ。
            amsgrad: 用二阶矩的历史最大值做归一化（torch、实验性优化器）。
            maximize: 沿梯度上升而不是下降（torch、实验性优化器）。
            step_limit: 框架用这些参数最多能执行多少步（`None`：不限）。
    """

    lr: float | tuple[float, ...]
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    amsgrad: bool = False
    maximize: bool = False
    step_limit: StepLimit | None = None

    def lr_at(self, step: int) -> float:
        return self.lr[step - 1] if isinstance(self.lr, tuple) else self.lr


@dataclass(frozen=True)
class State:
    """Optimizer state as the frameworks keep it, one entry per parameter name.

    Attributes:
        step: updates applied to each parameter (torch `state[p]["step"]`; MindSpore's single
            `global_step` (`nn`) or `state_step` (experimental), equal for all names).
        exp_avg: first moment m (torch `exp_avg`; MindSpore `moments1` / `exp_avg`).
        exp_avg_sq: second moment v (torch `exp_avg_sq`; MindSpore `moments2` / `exp_avg_sq`).
        max_exp_avg_sq: running maximum of v with amsgrad, else None (torch `max_exp_avg_sq`;
            MindSpore experimental keeps a `max_exp_avg_sq` for every parameter, zeros without it).

    中文:
        优化器状态，与框架保存的内容一致，每个参数名一项。

        Attributes:
            step: 每个参数已经更新的次数（torch 的 `state[p]["step"]`；MindSpore 只有一个计数器
                ，`nn` 中为 `global_step`，实验性优化器中为 `state_step`，所有参数名的值都相同）。
            exp_avg: 一阶矩 m（torch 的 `exp_avg`；MindSpore 的 `moments1` / `exp_avg`）。
            exp_avg_sq: 二阶矩 v（torch 的 `exp_avg_sq`；MindSpore 的 `moments2` / `exp_avg_sq`）。
            max_exp_avg_sq: 使用 amsgrad 时 v 的历史最大值，否则为 None（torch 的
                `max_exp_avg_sq`；MindSpore 实验性优化器为每个参数都保留一个 `max_exp_avg_sq`，不用 amsgrad 时全为零）。
    """

    step: Mapping[str, int]
    exp_avg: Mapping[str, np.ndarray]
    exp_avg_sq: Mapping[str, np.ndarray]
    max_exp_avg_sq: Mapping[str, np.ndarray] | None = None


class AdamW:
    """One convention's AdamW with fixed hyper-parameters. `adamw_ref.make` builds one with a
    framework's argument names and validation; build it directly to combine switches freely.

    中文:
        某个变体下、超参数固定的 AdamW。要按某个框架的参数名和校验规则构造，请用
        `adamw_ref.make`；直接构造它则可以任意组合开关（用于消融实验）。
    """

    def __init__(self, switches: Switches, hyper: Hyper, name: str = "custom"):
        self.switches = switches
        self.hyper = hyper
        self.name = name

    def __repr__(self) -> str:
        return f"AdamW({self.name!r}, {self.hyper})"

    def init(self, params: Mapping[str, np.ndarray]) -> State:
        """Zero state for `params` (a non-empty name → array mapping); rejects unsupported dtypes.

        中文:
            为 `params`（非空的参数名 → 数组映射）创建全零的状态；拒绝不支持的 dtype。
        """
        self._check_params(params)
        zeros = lambda: {name: np.zeros_like(p) for name, p in params.items()}  # noqa: E731
        return State({name: 0 for name in params}, zeros(), zeros(),
                     zeros() if self.hyper.amsgrad else None)

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray | None],
             state: State) -> tuple[dict[str, np.ndarray], State]:
        """One optimizer step. Returns new params and state; never modifies its inputs.

        中文:
            执行一步优化，返回新的参数和状态；从不修改输入。
        """
        self._check_params(params)
        check_grads(params, grads, state.step, self.switches.shared_step_counter)
        check_step_limit(self.hyper.step_limit, grads, state.step)
        new = {key: {} for key in ("params", "step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")}
        for name, param in params.items():
            vmax = state.max_exp_avg_sq[name] if state.max_exp_avg_sq is not None else None
            grad = grads[name]
            if grad is None:  # torch: `p.grad is None` leaves the parameter and its state alone
                results = (param, state.exp_avg[name], state.exp_avg_sq[name], vmax)
                new["step"][name] = state.step[name]
            else:
                new["step"][name] = step = state.step[name] + 1
                results = self._update(name, param, grad, state.exp_avg[name],
                                       state.exp_avg_sq[name], vmax, step)
            for key, value in zip(("params", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"), results):
                new[key][name] = value
        return new["params"], State(new["step"], new["exp_avg"], new["exp_avg_sq"],
                                    new["max_exp_avg_sq"] if self.hyper.amsgrad else None)

    def _update(self, name, param, grad, m, v, vmax, step):
        hyper, switches = self.hyper, self.switches
        plan = plan_for(switches.precision, param.dtype, param.shape)
        exempt = any(s in name for s in switches.weight_decay_exempt)
        weight_decay = 0.0 if exempt else hyper.weight_decay
        if hyper.maximize:
            grad = -grad
        s = scalars(hyper.lr_at(step), hyper.beta1, hyper.beta2, hyper.eps, weight_decay, step, switches)
        return adamw_update(param, grad, m, v, vmax, s, switches, plan,
                            apply_decay=weight_decay != 0)

    def _check_params(self, params):
        check_params(params, lambda p: plan_for(self.switches.precision, p.dtype, p.shape))

