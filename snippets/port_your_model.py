"""Port a half-finished torch training run to MindSpore: map the names, check the port, hand the
run over, continue in MindSpore.

The model: Conv2d -> BatchNorm2d -> ReLU -> Linear, the conv bias frozen, two parameter groups
(backbone lr 1e-3, head lr 1e-2), trained with torch.optim.Rprop. Needs port_layers.py,
port_names.py, port_optimizers.py, port_transfer.py, port_record.py and port_check.py next to it.
"""
import pathlib
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ next to the port_*.py files
sys.path.insert(0, str(pathlib.Path(__file__).parent))

import mindspore  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mindspore import nn  # noqa: E402

from port_check import check_port, record  # noqa: E402
from port_names import map_names  # noqa: E402
from port_transfer import transfer_to_mindspore  # noqa: E402


class TorchCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8),
                                            torch.nn.ReLU())
        self.head = torch.nn.Linear(8 * 6 * 6, 4)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


class MindSporeCNN(nn.Cell):
    def __init__(self):
        super().__init__()
        self.features = nn.SequentialCell([nn.Conv2d(3, 8, 3, pad_mode="pad", padding=1, has_bias=True),
                                           nn.BatchNorm2d(8), nn.ReLU(), nn.Flatten()])
        self.head = nn.Dense(8 * 6 * 6, 4)

    def construct(self, x):
        return self.head(self.features(x))


rng = np.random.default_rng(0)
x, y = rng.standard_normal((16, 3, 6, 6)).astype(np.float32), rng.standard_normal((16, 4)).astype(np.float32)

# --- torch: a run in progress ---------------------------------------------------------------------
torch.manual_seed(0)
model = TorchCNN()
model.features[0].bias.requires_grad_(False)                        # a frozen weight
optimizer = torch.optim.Rprop([{"params": model.features.parameters(), "lr": 1e-3},
                               {"params": model.head.parameters(), "lr": 1e-2}])


def torch_step():
    optimizer.zero_grad()
    torch.nn.functional.mse_loss(model(torch.from_numpy(x)), torch.from_numpy(y)).backward()
    optimizer.step()


for _ in range(3):
    torch_step()
recording = record(model, optimizer)                                # line 1 of 2 in your loop
for _ in range(4):
    torch_step()
recording.close()                                                   # line 2 of 2

# --- MindSpore: the same model, written for MindSpore ---------------------------------------------
net = MindSporeCNN()
net.features[0].bias.requires_grad = False                          # frozen here too
names = map_names(model, net)
print("names:", ", ".join(f"{k} -> {v}" for k, v in names.items() if k.startswith("features.1.")))


def make_optimizer(net):
    backbone = [p for p in net.trainable_params() if p.name.startswith("features.")]
    head = [p for p in net.trainable_params() if p.name.startswith("head.")]
    return nn.Rprop([{"params": backbone, "lr": 1e-3}, {"params": head, "lr": 1e-2}], weight_decay=0.0)


print("check:", check_port(recording, net, make_optimizer))

# --- hand the run over: weights, BatchNorm statistics, the frozen bias, the optimizer state -------
ms_optimizer = make_optimizer(net)
transfer_to_mindspore(model, optimizer, net, ms_optimizer, names)
with tempfile.TemporaryDirectory() as folder:
    mindspore.save_checkpoint(net, str(pathlib.Path(folder) / "model.ckpt"))
    mindspore.save_checkpoint(ms_optimizer, str(pathlib.Path(folder) / "optimizer.ckpt"))
print("handed over:", int(ms_optimizer.global_step.asnumpy()[0]), "steps of state")

loss_fn = nn.MSELoss()
grad_fn = mindspore.value_and_grad(lambda a, b: loss_fn(net(a), b), None, ms_optimizer.parameters)
net.set_train(True)
for step in range(8, 11):                                           # MindSpore continues the run
    loss, grads = grad_fn(mindspore.Tensor(x), mindspore.Tensor(y))
    ms_optimizer(grads)
    print(f"MindSpore step {step} loss {float(loss.asnumpy()):.4f}")
