"""Train with torch.optim.Rprop, save a torch checkpoint, and continue in MindSpore.

torch trains Linear(2, 3) for STEPS steps, saves model and optimizer with torch.save (into a
temporary directory), and continues MORE steps on its own. The checkpoint is then converted with
rprop_checkpoint.py (next to this file) and loaded into mindspore.nn.Rprop and
mindspore.experimental.optim.Rprop, which continue the same MORE steps. The gradients are a fixed
random sequence given to both frameworks, so any difference would be the optimizer state's: each
continued step must equal torch's bit for bit.
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

from rprop_checkpoint import load_into_mindspore, torch_to_mindspore  # noqa: E402

STEPS, MORE = 7, 5
NAMES = ["weight", "bias"]  # MindSpore's names of torch's parameters, in torch's order

rng = np.random.default_rng(0)
initial = {"weight": rng.standard_normal((3, 2)).astype(np.float32),
           "bias": rng.standard_normal(3).astype(np.float32)}
grads = [{n: rng.standard_normal(p.shape).astype(np.float32) for n, p in initial.items()}
         for _ in range(STEPS + MORE)]

# --- torch: train, save, continue ---
model = torch.nn.Linear(2, 3)
with torch.no_grad():
    for name, p in model.named_parameters():
        p.copy_(torch.from_numpy(initial[name]))
optimizer = torch.optim.Rprop(model.parameters())  # lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-6, 50)


def torch_step(step):
    for name, p in model.named_parameters():
        p.grad = torch.from_numpy(grads[step][name])
    optimizer.step()
    return {name: p.detach().numpy().copy() for name, p in model.named_parameters()}


for step in range(STEPS):
    torch_step(step)
with tempfile.TemporaryDirectory() as tmp:
    path = pathlib.Path(tmp) / "torch_checkpoint.pt"
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
    checkpoint = torch.load(path, weights_only=True)
torch_continued = [torch_step(step) for step in range(STEPS, STEPS + MORE)]
print(f"torch: trained {STEPS} steps, saved the checkpoint, continued {MORE} more")

# --- MindSpore: convert, load, continue ---
ok = True
for target, label in (("nn", "nn.Rprop"), ("experimental", "experimental.optim.Rprop")):
    net = mindspore.nn.Dense(2, 3)  # parameters "weight" (3, 2) and "bias" (3,), as torch's
    params = net.trainable_params()
    if target == "nn":  # torch's defaults: nn.Rprop's lr is 0.1 and it has weight decay
        ms_optimizer = mindspore.nn.Rprop(params, learning_rate=0.01, weight_decay=0.0)
    else:
        ms_optimizer = optim.Rprop(params)
    converted = torch_to_mindspore(checkpoint["optimizer"], NAMES, target, params=checkpoint["model"])
    load_into_mindspore(ms_optimizer, converted)  # weights and state, by exact name
    for step, expected in zip(range(STEPS, STEPS + MORE), torch_continued):
        ms_optimizer(tuple(mindspore.Tensor(grads[step][p.name]) for p in params))
        differs = [p.name for p in params if p.asnumpy().tobytes() != expected[p.name].tobytes()]
        if differs:
            print(f"{label}: differs from torch at step {step + 1} ({', '.join(differs)})")
            ok = False
            break
    else:
        print(f"{label}: steps {STEPS + 1}-{STEPS + MORE} identical to torch's continuation")
sys.exit(0 if ok else 1)
