"""Train with MindSpore's Rprop, save a MindSpore checkpoint, and continue in torch.

MindSpore trains nn.Dense(2, 3) for STEPS steps with mindspore.nn.Rprop (and, separately, with
mindspore.experimental.optim.Rprop), saves the optimizer with mindspore.save_checkpoint (its
weights and state, into a temporary directory) and continues MORE steps on its own. The checkpoint
file is converted with rprop_checkpoint.py (next to this file) and loaded into torch.optim.Rprop,
which continues the same MORE steps. The gradients are a fixed random sequence given to both
frameworks, so any difference would be the optimizer state's: each continued step must equal
MindSpore's bit for bit.
"""
import pathlib
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ next to rprop_checkpoint.py
sys.path.insert(0, str(pathlib.Path(__file__).parent))

import mindspore  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mindspore.experimental import optim  # noqa: E402

from rprop_checkpoint import mindspore_to_torch  # noqa: E402

STEPS, MORE = 7, 5
NAMES = ["weight", "bias"]  # MindSpore's names of torch's parameters, in torch's order

rng = np.random.default_rng(0)
initial = {"weight": rng.standard_normal((3, 2)).astype(np.float32),
           "bias": rng.standard_normal(3).astype(np.float32)}
grads = [{n: rng.standard_normal(p.shape).astype(np.float32) for n, p in initial.items()}
         for _ in range(STEPS + MORE)]

ok = True
for target, label in (("nn", "nn.Rprop"), ("experimental", "experimental.optim.Rprop")):
    # --- MindSpore: train, save, continue ---
    net = mindspore.nn.Dense(2, 3)  # parameters "weight" (3, 2) and "bias" (3,), as torch's
    params = net.trainable_params()
    for p in params:
        p.set_data(mindspore.Tensor(initial[p.name]))
    if target == "nn":  # torch's defaults: nn.Rprop's lr is 0.1 and it has weight decay
        ms_optimizer = mindspore.nn.Rprop(params, learning_rate=0.01, weight_decay=0.0)
    else:
        ms_optimizer = optim.Rprop(params)

    def ms_step(step):
        ms_optimizer(tuple(mindspore.Tensor(grads[step][p.name]) for p in params))
        return {p.name: p.asnumpy().copy() for p in params}

    for step in range(STEPS):
        ms_step(step)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(pathlib.Path(tmp) / "mindspore_optimizer.ckpt")
        mindspore.save_checkpoint(ms_optimizer, path)  # weights, prev.*, step_size.*, the counter
        ms_continued = [ms_step(step) for step in range(STEPS, STEPS + MORE)]

        # --- torch: convert, load, continue ---
        saved = mindspore.load_checkpoint(path)
        model = torch.nn.Linear(2, 3)
        with torch.no_grad():
            for name, p in model.named_parameters():
                p.copy_(torch.from_numpy(saved[name].asnumpy()))
        optimizer = torch.optim.Rprop(model.parameters())  # lr=0.01, etas=(0.5, 1.2)
        # MindSpore stores no hyper-parameters: torch's own param_groups are kept
        optimizer.load_state_dict(mindspore_to_torch(path, NAMES, target, optimizer.param_groups))
    for step, expected in zip(range(STEPS, STEPS + MORE), ms_continued):
        for name, p in model.named_parameters():
            p.grad = torch.from_numpy(grads[step][name])
        optimizer.step()
        differs = [n for n, p in model.named_parameters()
                   if p.detach().numpy().tobytes() != expected[n].tobytes()]
        if differs:
            print(f"torch after {label}: differs at step {step + 1} ({', '.join(differs)})")
            ok = False
            break
    else:
        print(f"torch after {label}: steps {STEPS + 1}-{STEPS + MORE} identical to MindSpore's "
              "continuation")
sys.exit(0 if ok else 1)
