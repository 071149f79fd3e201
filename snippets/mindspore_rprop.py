"""Train Dense(2, 3) with L1 loss and mindspore.nn.Rprop set up to step like torch's defaults.

Same data, same initial weights and same number of steps as torch_rprop.py.
Note: MindSpore 2.10 with NumPy 2.x prints a harmless ImportError traceback ("A module that was
compiled using NumPy 1.x cannot be run in NumPy 2...") on stderr; the results are still correct.
With numpy 1.26 it does not appear.
"""
import mindspore
import numpy as np
from mindspore import nn

STEPS = 100


def make_data():
    """16 inputs (16, 2) and targets (16, 3): a fixed linear map plus a little noise, float32."""
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((16, 2)).astype(np.float32)
    true_weight = np.array([[1.5, -2.0], [0.5, 1.0], [-1.0, 0.25]], dtype=np.float32)
    true_bias = np.array([0.1, -0.3, 0.7], dtype=np.float32)
    noise = (0.1 * rng.standard_normal((16, 3))).astype(np.float32)
    targets = inputs @ true_weight.T + true_bias + noise
    return inputs, targets


def initial_parameters():
    """Starting weight (3, 2) — (out, in), as in torch — and bias (3,), float32."""
    rng = np.random.default_rng(1)
    weight = rng.uniform(-0.5, 0.5, (3, 2)).astype(np.float32)
    bias = rng.uniform(-0.5, 0.5, 3).astype(np.float32)
    return weight, bias


def main(steps=STEPS):
    inputs, targets = make_data()
    weight, bias = initial_parameters()
    net = nn.Dense(2, 3)
    net.weight.set_data(mindspore.Tensor(weight))
    net.bias.set_data(mindspore.Tensor(bias))
    loss_fn = nn.MAELoss()  # mean absolute error, like torch.nn.L1Loss()
    # The same values as torch's lr, etas and step_sizes (here torch's defaults). Write
    # learning_rate out: MindSpore's default is 0.1, torch's 0.01. step_sizes must be floats:
    # (1e-6, 50) raises TypeError.
    optimizer = nn.Rprop(net.trainable_params(), learning_rate=0.01, etas=(0.5, 1.2),
                         step_sizes=(1e-6, 50.0))

    def forward_fn(data, label):
        return loss_fn(net(data), label)

    grad_fn = mindspore.value_and_grad(forward_fn, None, optimizer.parameters)

    def train_step(data, label):
        loss, grads = grad_fn(data, label)
        # Copy the gradients the optimizer is about to use (for the record, not needed to train).
        grads_copy = (grads[0].asnumpy().copy(), grads[1].asnumpy().copy())
        optimizer(grads)
        return loss.item(), grads_copy

    data, label = mindspore.Tensor(inputs), mindspore.Tensor(targets)
    record = {"loss": [], "weight": [], "bias": [], "grad_weight": [], "grad_bias": []}
    for step in range(1, steps + 1):
        loss, (grad_weight, grad_bias) = train_step(data, label)
        print(f"step {step} loss {loss!r}")  # repr: every digit of the float32 value
        record["loss"].append(loss)
        record["weight"].append(net.weight.asnumpy().copy())
        record["bias"].append(net.bias.asnumpy().copy())
        record["grad_weight"].append(grad_weight)
        record["grad_bias"].append(grad_bias)
    return record


if __name__ == "__main__":
    main()
