"""Feed the gradients recorded by replay_record_torch.py to MindSpore's two Rprop optimizers and
check, after every step, that their parameters equal torch's bit for bit.

Usage: python replay_mindspore.py [rprop_replay.npz]
Exit status 1 if either optimizer differs from torch at some step.
Note: MindSpore 2.10 with NumPy 2.x prints a harmless ImportError traceback ("A module that was
compiled using NumPy 1.x cannot be run in NumPy 2...") on stderr; with numpy 1.26 it does not.
"""
import sys

import mindspore
import numpy as np
from mindspore import nn
from mindspore.experimental import optim

path = sys.argv[1] if len(sys.argv) > 1 else "rprop_replay.npz"
recorded = np.load(path)
steps = len(recorded["grad_weight"])


def same_bits(a, b):
    return a.dtype == b.dtype == np.float32 and np.array_equal(a, b) and a.tobytes() == b.tobytes()


def replay(name, make_optimizer):
    # Fresh Parameters holding torch's starting point; the optimizer only sees the recorded gradients.
    weight = mindspore.Parameter(mindspore.Tensor(recorded["initial_weight"]), name="weight")
    bias = mindspore.Parameter(mindspore.Tensor(recorded["initial_bias"]), name="bias")
    optimizer = make_optimizer([weight, bias])
    for step in range(steps):
        grads = (mindspore.Tensor(recorded["grad_weight"][step]),
                 mindspore.Tensor(recorded["grad_bias"][step]))
        optimizer(grads)
        for param, key in ((weight, "weight"), (bias, "bias")):
            ours, torchs = param.asnumpy(), recorded[key][step]
            if not same_bits(ours, torchs):
                print(f"{name}: first differs at step {step + 1} ({key}: {ours.tolist()} "
                      f"vs torch {torchs.tolist()})")
                return False
    print(f"{name}: identical at all {steps} steps")
    return True


# nn.Rprop needs learning_rate=0.01 (its default is 0.1) and float step sizes to match torch.
ok_nn = replay("nn.Rprop", lambda params: nn.Rprop(params, learning_rate=0.01,
                                                     step_sizes=(1e-6, 50.0)))
ok_experimental = replay("experimental.optim.Rprop", lambda params: optim.Rprop(params))
sys.exit(0 if ok_nn and ok_experimental else 1)
