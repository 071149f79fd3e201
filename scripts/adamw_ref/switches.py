"""Every way in which the AdamW conventions differ, as named switches.

A convention (see `adamw_ref.conventions`) is a frozen `Switches` value plus the argument
validation of the framework it mirrors. To see what MindSpore does differently from PyTorch,
compare `TORCH.switches` with `MINDSPORE.switches`; to study one difference alone, start from the
torch switches and `dataclasses.replace` a single field.

中文:
    AdamW 各变体之间的全部差异，每一项是一个具名开关。

    一个变体（见 `adamw_ref.conventions`）是一个冻结的 `Switches` 值，加上它所对应框架的参数校验。
    要了解 MindSpore 与 PyTorch 有何不同，比较 `TORCH.switches` 与 `MINDSPORE.switches` 即可；
    要单独研究某一项差异，从 torch 的开关出发，用 `dataclasses.replace` 只改一个字段。
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Switches:
    """The behavioural switches of one AdamW convention.

    Attributes:
        shared_step_counter: False (torch): each parameter counts its own steps (`state[p]["step"]`);
            a parameter whose gradient is `None` is skipped, its step count too. True (MindSpore
            `global_step`, `state_step`): one counter; every parameter takes a gradient every step.
        weight_decay_exempt: parameters whose name contains one of these substrings get no weight
            decay (`mindspore.nn.AdamWeightDecay`'s default filter, `optimizer.py` `decay_filter`:
            `'beta' not in x.name and 'gamma' not in x.name`, i.e. normalisation layers; the kernel
            is then called with decay 0.0).
        bias_correction: divide the moments by `1 - beta**t` (torch, MindSpore experimental).
            `nn.AdamWeightDecay` has none: its first steps are about `1/(1-beta1)` times smaller.
        hyper_precision: where the scalars of the update are computed. `"float64"` (torch):
            `1 - lr*wd`, `beta**t`, the step size `lr / bc1` and `sqrt(bc2)` are Python floats.
            `"float32"` (MindSpore): `lr` is a float32 Parameter and the graph computes all of them,
            `1 - beta` included, in float32 (`experimental/optim/adamw.py` `prepare_func`).
        first_moment: how `m` is updated. `"lerp"` (torch): `m.lerp_(g, 1 - beta1)`, one FMA,
            `m + w*(g - m)` for `w < 0.5`, else `g + (w - 1)*(g - m)`. `"mul-add"` (experimental):
            `m*beta1 + g*(1 - beta1)`, three roundings. `"kernel"` (`nn.AdamWeightDecay`'s CPU
            kernel): `fma(g - m, 1 - beta1, m)`.
        second_moment: how `v` is updated. `"mul-addcmul"` (torch): `v*beta2`, then
            `addcmul(g, g, 1 - beta2)` as `fma((1 - beta2)*g, g, v)`. `"mul-add"` (experimental):
            `v*beta2 + (g*g)*(1 - beta2)`. `"kernel"`: `fma(fma(g, g, -v), 1 - beta2, v)`.
        parameter_update: how the parameter moves, eps placement included. `"addcdiv"` (torch):
            `p*(1 - lr*wd)`, then `p + (-step_size*m) / (sqrt(v)/sqrt(bc2) + eps)`. `"div-mul"`
            (experimental): `p*(1 - lr*wd) - (m / (sqrt(v)/sqrt(bc2) + eps))*step_size`.
            `"kernel"` (`nn.AdamWeightDecay`): `p - lr*(m/(sqrt(v) + eps) + wd*p)`, the part after
            the square root in float64 (`sqrt` of a float is a double in C), one FMA at the end;
            requires `bias_correction=False`.
        sqrt: `"mkl"`: torch's MKL square root, not correctly rounded (`adamw_ref.arithmetic`);
            `"correctly-rounded"`: MindSpore's `Sqrt`.
        multipliers_in_parameter_dtype: torch `foreach=True`: `_foreach_mul_` rounds its Python
            multipliers `1 - lr*wd` and `beta2` to a float16/bfloat16 parameter's dtype before
            multiplying (`Tensor.mul_` in the single-tensor loop rounds them to float32). No effect
            on float32/float64.
        precision: the dtype policy (`adamw_ref.core`): `"torch"` (every op rounded to the
            parameter dtype, float16/bfloat16 computed in float32; `eps` rounded to the parameter
            dtype first); `"mindspore-nn"` (float32 kernel; float64 computed in float32; float16
            kernel rounding every op to float16); `"mindspore-experimental"` (float32 graph;
            float64 with the stored moments read through float32).

    中文:
        一个 AdamW 变体的全部行为开关。

        Attributes:
            shared_step_counter: False（torch）：每个参数各自计数（`state[p]["step"]`）；梯度为
                `None` 的参数被跳过，步数也不增加。True（MindSpore 的 `global_step`、`state_step`）：
                共用一个计数器；每个参数每一步都必须有梯度。
            weight_decay_exempt: 名称中包含这些子串之一的参数不做权重衰减（`mindspore.nn.AdamWeightDecay`
                的默认过滤规则，`optimizer.py` 的 `decay_filter`：名称中不含 `beta` 和 `gamma`，即跳过
                归一化层；这时内核以衰减系数 0.0 调用）。
            bias_correction: 把矩估计除以 `1 - beta**t`（torch、MindSpore 实验性优化器）
                。`nn.AdamWeightDecay` 没有偏差修正：最初几步的步长约小 `1/(1-beta1)` 倍。
            hyper_precision: 更新中的标量在哪里计算。`"float64"`（torch）：`1 - lr*wd`、`beta**t`、
                步长 `lr / bc1` 和 `sqrt(bc2)` 都是 Python 浮点数。`"float32"`（MindSpore）：`lr` 是
                float32 的 `Parameter`，计算图以 float32 计算以上全部标量，包括
                `1 - beta`（`experimental/optim/adamw.py` 的 `prepare_func`）。
            first_moment: `m` 的更新方式。`"lerp"`（torch）：`m.lerp_(g, 1 - beta1)`，
                一次 FMA，`w < 0.5` 时为 `m + w*(g - m)`，否则为 `g + (w - 1)*(g - m)`。`"mul-add"`（实验性
                优化器）：`m*beta1 + g*(1 - beta1)`，三次舍入。`"kernel"`（`nn.AdamWeightDecay` 的 CPU
                内核）：`fma(g - m, 1 - beta1, m)`。
            second_moment: `v` 的更新方式。`"mul-addcmul"`（torch）：先 `v*beta2`，再
                `addcmul(g, g, 1 - beta2)`，即 `fma((1 - beta2)*g, g, v)`。`"mul-add"`（实验性优化器）
                ：`v*beta2 + (g*g)*(1 - beta2)`。`"kernel"`：`fma(fma(g, g, -v), 1 - beta2, v)`。
            parameter_update: 参数的更新方式，包括 eps 的位置。`"addcdiv"`（torch）：先
                `p*(1 - lr*wd)`，再 `p + (-step_size*m) / (sqrt(v)/sqrt(bc2) + eps)`。`"div-mul"`（实验性优化器）
                ：`p*(1 - lr*wd) - (m / (sqrt(v)/sqrt(bc2) + eps))*step_size`。`"kernel"`（`nn.AdamWeightDecay`）
                ：`p - lr*(m/(sqrt(v) + eps) + wd*p)`，平方根之后的
                部分以 float64 计算（C 语言中 `sqrt` 返回 double），最后一步是一次 FMA；要求
                `bias_correction=False`。
            sqrt: `"mkl"`：torch 所用 MKL 的平方根，不是正确舍入的（见 `adamw_ref.arithmetic`）
                ；`"correctly-rounded"`：MindSpore 的 `Sqrt`。
            multipliers_in_parameter_dtype: torch `foreach=True`：`_foreach_mul_` 先把 Python 乘数
                `1 - lr*wd` 和 `beta2` 舍入到 float16/bfloat16 参数的 dtype 再相乘（单张量实现中的
                `Tensor.mul_` 则把它们舍入到 float32）。对 float32/float64 没有影响。
            precision: dtype 策略（见 `adamw_ref.core`）：`"torch"`（每个运算都舍入到参数
                dtype，float16/bfloat16 以 float32 计算；`eps` 先舍入到参数 dtype）
                ；`"mindspore-nn"`（float32 内核；float64 以 float32 计算；float16 内核每个运算都舍入到
                float16）；`"mindspore-experimental"`（float32 计算图；float64 时存下的矩估计经 float32 读取）。
    """

    shared_step_counter: bool = False
    weight_decay_exempt: tuple[str, ...] = ()
    bias_correction: bool = True
    hyper_precision: Literal["float64", "float32"] = "float64"
    first_moment: Literal["lerp", "mul-add", "kernel"] = "lerp"
    second_moment: Literal["mul-addcmul", "mul-add", "kernel"] = "mul-addcmul"
    parameter_update: Literal["addcdiv", "div-mul", "kernel"] = "addcdiv"
    sqrt: Literal["mkl", "correctly-rounded"] = "mkl"
    multipliers_in_parameter_dtype: bool = False
    precision: Literal["torch", "mindspore-nn", "mindspore-experimental"] = "torch"

    def __post_init__(self):
        if self.parameter_update == "kernel" and self.bias_correction:
            raise ValueError("parameter_update='kernel' (nn.AdamWeightDecay) has no bias correction")
