"""Helpers of the mapping-table tests (test_mapping_table*.py): small fixed-seed problems and the
real optimizers' loops."""

from __future__ import annotations

import inspect

import numpy as np

import oracles
from test_reference_behaviour import _constructor_signature

POS, KW = inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY

def problem(seed=0, steps=20, names=("w", "b"), dtype=np.float32, size=12):
    """Initial parameters and per-step random gradients (sign flips, growths and shrinks)."""
    rng = np.random.default_rng(seed)
    params = {n: rng.standard_normal(size).astype(dtype) for n in names}
    grads = [{n: rng.standard_normal(size).astype(dtype) for n in names} for _ in range(steps)]
    return params, grads


def torch_loop(params, grads, groups=None, decay=None, **kwargs):
    """torch.optim.Rprop over `params`; groups: [(names, options)]; decay: name → weight decay
    added to that parameter's gradient before step(). Returns the parameters after each step."""
    torch = oracles.require("torch")
    tensors = {n: torch.nn.Parameter(torch.from_numpy(p.copy())) for n, p in params.items()}
    arg = ([{"params": [tensors[n] for n in names], **opts} for names, opts in groups] if groups
           else list(tensors.values()))
    opt = torch.optim.Rprop(arg, **kwargs)
    out = []
    for step in grads:
        for n, t in tensors.items():
            t.grad = None if step[n] is None else torch.from_numpy(step[n].copy())
            if decay and n in decay:
                t.grad = t.detach() * torch.tensor(decay[n], dtype=t.dtype) + t.grad
        opt.step()
        out.append({n: t.detach().numpy().copy() for n, t in tensors.items()})
    return out


def ms_optimizer(params, experimental=False, groups=None, **kwargs):
    ms = oracles.mindspore()
    from mindspore.experimental import optim
    parameters = {n: ms.Parameter(ms.Tensor(p.copy()), name=n) for n, p in params.items()}
    arg = ([{"params": [parameters[n] for n in names], **opts} for names, opts in groups] if groups
           else list(parameters.values()))
    return parameters, (optim.Rprop if experimental else ms.nn.Rprop)(arg, **kwargs)


def ms_loop(params, grads, experimental=False, groups=None, **kwargs):
    """nn.Rprop (or experimental.optim.Rprop) fed `grads`; the parameters after each step."""
    ms = oracles.mindspore()
    parameters, opt = ms_optimizer(params, experimental, groups, **kwargs)
    order = [p.name for p in opt.parameters]
    out = []
    for step in grads:
        opt(tuple(ms.Tensor(step[n]) for n in order))
        out.append({n: p.asnumpy().copy() for n, p in parameters.items()})
    return out


def identical(a, b) -> bool:
    return all(x[n].dtype == y[n].dtype and x[n].tobytes() == y[n].tobytes()
               for x, y in zip(a, b, strict=True) for n in x)


def signature(cls):
    """(name, kind, repr(default)) of the constructor's arguments after `params` (repr: 50 ≠ 50.)."""
    return [(n, k, repr(d)) for n, k, d in _constructor_signature(cls)]


def names(cls):
    return [n for n, _, _ in _constructor_signature(cls)]


def frameworks():
    torch, ms = oracles.require("torch"), oracles.mindspore()
    from mindspore.experimental import optim
    return torch.optim.Rprop, ms.nn.Rprop, optim.Rprop


def one_param(dtype=np.float32):
    ms = oracles.mindspore()
    return [ms.Parameter(ms.Tensor(np.ones(3, dtype)), name="w")]
