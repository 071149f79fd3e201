"""Train Linear(2, 3) with L1 loss and torch.optim.Rprop (its default settings) for STEPS steps.

Data and initial weights come from NumPy, so the MindSpore scripts next to this one start from
exactly the same float32 numbers.
"""
import numpy as np
import torch

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
    """Starting weight (3, 2) — (out, in) as in torch — and bias (3,), float32."""
    rng = np.random.default_rng(1)
    weight = rng.uniform(-0.5, 0.5, (3, 2)).astype(np.float32)
    bias = rng.uniform(-0.5, 0.5, 3).astype(np.float32)
    return weight, bias


def main(steps=STEPS):
    inputs, targets = make_data()
    weight, bias = initial_parameters()
    model = torch.nn.Linear(2, 3)
    with torch.no_grad():
        model.weight.copy_(torch.from_numpy(weight))
        model.bias.copy_(torch.from_numpy(bias))
    loss_fn = torch.nn.L1Loss()  # mean absolute error
    optimizer = torch.optim.Rprop(model.parameters())  # lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-6, 50)

    def train_step(data, label):
        optimizer.zero_grad()
        loss = loss_fn(model(data), label)
        loss.backward()
        # Copy the gradients the optimizer is about to use (for the record, not needed to train).
        grads = (model.weight.grad.numpy().copy(), model.bias.grad.numpy().copy())
        optimizer.step()
        return loss.item(), grads  # .item(): a plain Python float, detached from the graph

    data, label = torch.from_numpy(inputs), torch.from_numpy(targets)
    record = {"loss": [], "weight": [], "bias": [], "grad_weight": [], "grad_bias": []}
    for step in range(1, steps + 1):
        loss, (grad_weight, grad_bias) = train_step(data, label)
        print(f"step {step} loss {loss!r}")  # repr: every digit of the float32 value
        record["loss"].append(loss)
        record["weight"].append(model.weight.detach().numpy().copy())
        record["bias"].append(model.bias.detach().numpy().copy())
        record["grad_weight"].append(grad_weight)
        record["grad_bias"].append(grad_bias)
    return record


if __name__ == "__main__":
    main()
