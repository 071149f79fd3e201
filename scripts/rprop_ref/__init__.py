"""Reference NumPy Rprop in the conventions of PyTorch and MindSpore.

```python
import rprop_ref
opt = rprop_ref.make("torch", lr=0.01)
state = opt.init({"w": w})
params, state = opt.step({"w": w}, {"w": grad}, state)
```

- `CONVENTIONS`: the names `make` accepts (and `BY_VERSION`: older framework versions' conventions;
  `for_release(framework, version)` names the one that models a release).
- `make(convention, **kwargs)`: an optimizer with the framework's keyword names, defaults and
  argument validation.
- `Switches`: every behavioural difference between the conventions, one named field each.
- `Rprop(switches, hyper)`: an optimizer from any combination of switches (ablations).
"""

from .conventions import (BY_NAME, BY_VERSION, CONVENTIONS, MINDSPORE, MINDSPORE_2_7, MINDSPORE_DOC,
                          MINDSPORE_EXPERIMENTAL, RELEASES, TORCH, Convention, for_release, make)
from .optimizer import Hyper, Rprop, State, StepLimit
from .precision import BFLOAT16, Plan, plan_for
from .switches import Switches

__all__ = [
    "BFLOAT16", "BY_NAME", "BY_VERSION", "CONVENTIONS", "Convention", "Hyper", "MINDSPORE", "MINDSPORE_2_7", "MINDSPORE_DOC",
    "MINDSPORE_EXPERIMENTAL", "Plan", "RELEASES", "Rprop", "State", "StepLimit", "Switches", "TORCH", "for_release",
    "make", "plan_for",
]
