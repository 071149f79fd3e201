"""Train like torch_rprop.py and save, per step, the gradients torch.optim.Rprop was fed and the
parameters after its step, for replay_mindspore.py.

Usage: python replay_record_torch.py [out.npz]   (default: rprop_replay.npz)
"""
import sys

import numpy as np
import torch

STEPS = 100

# The same data and initial weights as torch_rprop.py and the MindSpore scripts.
rng = np.random.default_rng(0)
inputs = rng.standard_normal((16, 2)).astype(np.float32)
true_weight = np.array([[1.5, -2.0], [0.5, 1.0], [-1.0, 0.25]], dtype=np.float32)
true_bias = np.array([0.1, -0.3, 0.7], dtype=np.float32)
noise = (0.1 * rng.standard_normal((16, 3))).astype(np.float32)
targets = inputs @ true_weight.T + true_bias + noise
rng = np.random.default_rng(1)
initial_weight = rng.uniform(-0.5, 0.5, (3, 2)).astype(np.float32)
initial_bias = rng.uniform(-0.5, 0.5, 3).astype(np.float32)

model = torch.nn.Linear(2, 3)
with torch.no_grad():
    model.weight.copy_(torch.from_numpy(initial_weight))
    model.bias.copy_(torch.from_numpy(initial_bias))
loss_fn = torch.nn.L1Loss()
optimizer = torch.optim.Rprop(model.parameters())

saved = {"grad_weight": [], "grad_bias": [], "weight": [], "bias": []}
data, label = torch.from_numpy(inputs), torch.from_numpy(targets)
for step in range(1, STEPS + 1):
    optimizer.zero_grad()
    loss = loss_fn(model(data), label)
    loss.backward()
    # Save exactly what the optimizer is about to read.
    saved["grad_weight"].append(model.weight.grad.numpy().copy())
    saved["grad_bias"].append(model.bias.grad.numpy().copy())
    optimizer.step()
    saved["weight"].append(model.weight.detach().numpy().copy())
    saved["bias"].append(model.bias.detach().numpy().copy())
    print(f"step {step} loss {loss.item()!r}")

path = sys.argv[1] if len(sys.argv) > 1 else "rprop_replay.npz"
# Arrays of shape (STEPS, ...) in float32, plus the starting point.
np.savez(path, initial_weight=initial_weight, initial_bias=initial_bias,
         **{name: np.stack(values) for name, values in saved.items()})
