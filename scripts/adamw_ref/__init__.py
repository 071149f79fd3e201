"""Reference NumPy AdamW in the conventions of PyTorch and MindSpore, bit for bit.

```python
import adamw_ref
opt = adamw_ref.make("torch", lr=1e-3, weight_decay=0.01)
state = opt.init({"w": w})
params, state = opt.step({"w": w}, {"w": grad}, state)
```

- `CONVENTIONS`: the names `make` accepts: `torch` (`torch.optim.AdamW`), `mindspore`
  (`mindspore.nn.AdamWeightDecay`) and `mindspore-experimental` (`mindspore.experimental.optim.AdamW`).
- `make(convention, **kwargs)`: an optimizer with the framework's keyword names, defaults and
  argument validation.
- `Switches`: every behavioural difference between the conventions, one named field each.
- `AdamW(switches, hyper)`: an optimizer from any combination of switches (ablations).

中文:
    以 PyTorch 和 MindSpore 各自的变体逐位复现 AdamW 的 NumPy 参考实现。

    - `CONVENTIONS`：`make` 接受的名称：`torch`（`torch.optim.AdamW`）
      、`mindspore`（`mindspore.nn.AdamWeightDecay`）和 `mindspore-experimental`（`mindspore.experimental.optim.AdamW`）。
    - `make(convention, **kwargs)`：按框架的关键字参数名、默认值和参数校验构造优化器。
    - `Switches`：各变体之间的全部行为差异，每项一个具名字段。
    - `AdamW(switches, hyper)`：由任意开关组合构造优化器（用于消融实验）。
"""

from .arithmetic import MKL_SQRT_BOUND, fma, mkl_available, mkl_sqrt
from .conventions import BY_NAME, CONVENTIONS, MINDSPORE, MINDSPORE_EXPERIMENTAL, TORCH, Convention, make
from .core import BFLOAT16, Plan, plan_for
from .optimizer import AdamW, Hyper, State, StepLimit
from .switches import Switches

__all__ = [
    "AdamW", "BFLOAT16", "BY_NAME", "CONVENTIONS", "Convention", "Hyper", "MINDSPORE", "MINDSPORE_EXPERIMENTAL",
    "MKL_SQRT_BOUND", "Plan", "State", "StepLimit", "Switches", "TORCH", "fma", "make", "mkl_available",
    "mkl_sqrt", "plan_for",
]
