"""Every way in which the Rprop conventions differ, as named switches.

A convention (see `rprop_ref.conventions`) is a frozen `Switches` value plus the argument
validation of the framework it mirrors. To see what MindSpore does differently from PyTorch,
compare `TORCH.switches` with `MINDSPORE.switches`; to study one difference alone, start from
the torch switches and `dataclasses.replace` a single field (the ablation scenarios do this).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Precision = Literal["parameter-dtype", "mindspore-nn", "mindspore-experimental", "mindspore-nn-2.7"]


@dataclass(frozen=True)
class Switches:
    """The behavioural switches of one Rprop convention.

    Attributes:
        zero_gradient_on_sign_flip: Where the sign of `grad * prev` is negative, set the gradient
            to 0 for this step, so the parameter does not move and the stored `prev` becomes 0
            (iRprop⁻). True in every implementation's *code*; False gives the formula printed in
            MindSpore's `nn.Rprop` docstring, which moves on a sign flip (Rprop⁻ without
            backtracking).
        shared_step_counter: False (torch): every parameter has its own step counter; a
            parameter whose gradient is `None` is skipped and its state is left alone, and its
            step size is seeded from the learning rate at its own first update. True (MindSpore
            `global_step` / `step_t`): one counter for the whole optimizer; every parameter must
            get a gradient at every step, and all step sizes are seeded when the counter reaches 1.
        weight_decay_exempt: MindSpore `nn.Rprop` adds `weight_decay * w` to the gradient before
            the sign test (so weight decay only changes which sign Rprop sees), except for
            parameters whose name contains one of these substrings (its default filter skips
            `beta` and `gamma`, i.e. normalisation layers). Conventions without weight decay
            reject a non-zero `weight_decay` at construction, so this field is then moot.
        precision: How the parameter dtype maps to the dtype the arithmetic is rounded in; see
            `rprop_ref.precision.plan_for`.

            - `"parameter-dtype"` (torch): every elementwise op is rounded to the parameter dtype
              (float16/bfloat16 ops are computed in float32 and rounded once, as torch's CPU
              kernels do); complex parameters are updated as independent real and imaginary parts.
            - `"mindspore-nn"` (`mindspore.nn.Rprop` 2.10 on CPU): float16 like torch; float32 and
              float64 parameters are computed in float32 (so float64 loses precision), with
              subnormal values read and written as zero (the CPU kernels' denormals-are-zero and
              flush-to-zero: a sign product below 2**-126 is no sign flip); bfloat16 and 0-d
              float16 parameters cannot run on CPU and are rejected.
            - `"mindspore-experimental"` (`mindspore.experimental.optim.Rprop` 2.10): float32 like
              torch, subnormals flushed as in `mindspore-nn`; float64 computed in float64 with
              float32 learning rate and etas and the stored step size re-read through float32;
              float16 and bfloat16 rejected.
            - `"mindspore-nn-2.7"` (`mindspore.nn.Rprop` 2.7.0–2.7.2): everything in float32;
              float16 (0-d too) rounded once when stored; float64 and bfloat16 rejected.

    中文:
        一个 Rprop 变体的全部行为开关。

        Attributes:
            zero_gradient_on_sign_flip: 在 `grad * prev` 为负（梯度符号翻转）的元素上，本步把梯度
                置为 0：参数不动，存下的 `prev` 也变为 0（即 iRprop⁻）。所有实现的*代码*都取 True；
                取 False 得到的是 MindSpore `nn.Rprop` 文档字符串中给出的公式，符号翻转时参数照样
                移动（不带回退的 Rprop⁻）。
            shared_step_counter: False（torch）：每个参数各有一个步数计数器；梯度为 `None` 的参数
                被跳过，状态保持原样，它的步长在它自己第一次更新时才由学习率设定。True（MindSpore 的
                `global_step` / `step_t`）：整个优化器共用一个计数器；每个参数每一步都必须有梯度，
                所有步长在计数器到达 1 时一起设定。
            weight_decay_exempt: MindSpore `nn.Rprop` 在判断符号之前把 `weight_decay * w` 加到
                梯度上（所以权重衰减只会改变 Rprop 看到的符号），名称中包含这些子串之一的参数除外
                （默认的过滤规则跳过 `beta` 和 `gamma`，也就是归一化层）。不支持权重衰减的变体在构造
                时就拒绝非零的 `weight_decay`，这时本字段不起作用。
            precision: 参数的 dtype 与运算结果所舍入到的 dtype 之间的对应关系，见
                `rprop_ref.precision.plan_for`。

                - `"parameter-dtype"`（torch）：每个逐元素运算都舍入到参数的 dtype（float16 和
                  bfloat16 的运算先以 float32 计算、再舍入一次，与 torch 的 CPU 内核相同）；复数参数
                  的实部和虚部分别作为实数更新。
                - `"mindspore-nn"`（CPU 上的 `mindspore.nn.Rprop` 2.10）：float16 与 torch 相同；
                  float32 和 float64 参数都以 float32 计算（float64 因此损失精度），次正规数在读入和
                  写出时都当作零（CPU 内核的 `denormals-are-zero` 与 `flush-to-zero`：小于 2**-126 的符号
                  乘积不算符号翻转）；bfloat16 参数和 0 维 float16 参数在 CPU 上无法运行，会被拒绝。
                - `"mindspore-experimental"`（`mindspore.experimental.optim.Rprop` 2.10）：float32
                  与 torch 相同，次正规数的处理同 `mindspore-nn`；float64 以 float64 计算，但学习率和
                  etas 取 float32 的值，存下的步长每次读取时都经 float32 舍入；拒绝 float16 和
                  bfloat16。
                - `"mindspore-nn-2.7"`（`mindspore.nn.Rprop` 2.7.0–2.7.2）：一律以 float32 计算；
                  float16（包括 0 维）只在存储时舍入一次；拒绝 float64 和 bfloat16。
    """

    zero_gradient_on_sign_flip: bool = True
    shared_step_counter: bool = False
    weight_decay_exempt: tuple[str, ...] = ()
    precision: Precision = "parameter-dtype"
