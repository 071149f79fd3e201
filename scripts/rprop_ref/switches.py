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
    """

    zero_gradient_on_sign_flip: bool = True
    shared_step_counter: bool = False
    weight_decay_exempt: tuple[str, ...] = ()
    precision: Precision = "parameter-dtype"
