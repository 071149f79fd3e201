"""The problems the scenarios optimise, deterministic, with NumPy gradients (the tests check them
against torch autograd). `linear_l1` computes in float32. `rosenbrock` promotes to float64 inside
(NumPy 1.x turns `float32_scalar ** 2` into float64) and rounds the gradient once to float32;
the browser port (docs/assets/playground/problems.js) does exactly the same.

A problem is `init() -> params` and `loss_and_grads(params) -> (loss, grads)`, with params a
name → float array mapping, so that MindSpore's weight-decay name filter sees real names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def linear_data() -> tuple[np.ndarray, np.ndarray]:
    """The upstream example's data: 16 inputs (16, 2), targets (16, 3) = a fixed linear map plus
    noise — the same bytes as in snippets/torch_rprop.py."""
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((16, 2)).astype(np.float32)
    true_weight = np.array([[1.5, -2.0], [0.5, 1.0], [-1.0, 0.25]], dtype=np.float32)
    true_bias = np.array([0.1, -0.3, 0.7], dtype=np.float32)
    noise = (0.1 * rng.standard_normal((16, 3))).astype(np.float32)
    return inputs, inputs @ true_weight.T + true_bias + noise


def linear_init(dtype=np.float32) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    weight = rng.uniform(-0.5, 0.5, (3, 2)).astype(np.float32)
    bias = rng.uniform(-0.5, 0.5, 3).astype(np.float32)
    return {"weight": weight.astype(dtype), "bias": bias.astype(dtype)}


def linear_l1(params: dict[str, np.ndarray], names=("weight", "bias")) -> tuple[float, dict]:
    """Mean absolute error of `x @ W.T + b` (torch `L1Loss`, MindSpore `MAELoss`) and its gradient."""
    w_name, b_name = names
    weight, bias = params[w_name], params[b_name]
    inputs, targets = linear_data()
    inputs, targets = inputs.astype(weight.dtype), targets.astype(weight.dtype)
    residual = inputs @ weight.T + bias - targets
    n = weight.dtype.type(residual.size)
    d_residual = np.sign(residual) / n
    return float(np.abs(residual).mean()), {w_name: (d_residual.T @ inputs).astype(weight.dtype),
                                             b_name: d_residual.sum(axis=0).astype(weight.dtype)}


def rosenbrock(params: dict[str, np.ndarray]) -> tuple[float, dict]:
    """f(x, y) = (1 - x)² + 100 (y - x²)², minimum 0 at (1, 1)."""
    x, y = params["xy"]
    one, hundred = x.dtype.type(1), x.dtype.type(100)
    loss = (one - x) ** 2 + hundred * (y - x * x) ** 2
    grad = np.array([-2 * (one - x) - 4 * hundred * x * (y - x * x), 2 * hundred * (y - x * x)],
                    dtype=x.dtype)
    return float(loss), {"xy": grad}


def rosenbrock_grid(n: int = 161):
    """Loss on a grid around the valley, for contour plots."""
    xs = np.linspace(-2.0, 2.0, n)
    ys = np.linspace(-1.0, 3.0, n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, (1 - gx) ** 2 + 100 * (gy - gx ** 2) ** 2


@dataclass(frozen=True)
class Problem:
    name: str
    init: Callable[..., dict[str, np.ndarray]]
    loss_and_grads: Callable[[dict[str, np.ndarray]], tuple[float, dict]]


def renamed(problem: Problem, names: dict[str, str]) -> Problem:
    """The same problem with its parameters under other names (to exercise name filters)."""
    inverse = {new: old for old, new in names.items()}

    def init(dtype=np.float32):
        return {names.get(k, k): v for k, v in problem.init(dtype).items()}

    def loss_and_grads(params):
        loss, grads = problem.loss_and_grads({inverse.get(k, k): v for k, v in params.items()})
        return loss, {names.get(k, k): g for k, g in grads.items()}

    return Problem(f"{problem.name}-renamed", init, loss_and_grads)


PROBLEMS = {
    "linear-l1": Problem("linear-l1", linear_init, linear_l1),
    "rosenbrock": Problem("rosenbrock",
                          lambda dtype=np.float32: {"xy": np.array([-1.5, 2.0], dtype=dtype)},
                          rosenbrock),
}
