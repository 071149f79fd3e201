"""The mapping table (data/rprop-mapping.yml), continued: the rows weight-decay, maximize, foreach,
capturable and differentiable, proved against the real torch and MindSpore."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import oracles
from mapping_helpers import (KW, POS, frameworks, identical, ms_loop, ms_optimizer, names, one_param,
                             problem, torch_loop)
from oracles import first_difference, run_mindspore, run_torch
from test_reference_behaviour import _constructor_signature


# --- weight decay -----------------------------------------------------------------------------------

DECAY_NAMES = ("w", "bn.gamma", "ln.beta")


def decayed_by_hand(params, grads, decay, **kwargs):
    """nn.Rprop without weight decay, fed g + decay[name]·w computed in float32 from its own
    parameters before each step."""
    ms = oracles.mindspore()
    parameters, opt = ms_optimizer(params, learning_rate=0.01, **kwargs)
    out = []
    for step in grads:
        opt(tuple(ms.Tensor(p.asnumpy() * np.float32(decay[n]) + step[n] if n in decay else step[n])
                  for n, p in parameters.items()))
        out.append({n: p.asnumpy().copy() for n, p in parameters.items()})
    return out


@pytest.mark.claim("weight-decay.mindspore", "weight-decay.omits")
def test_nn_rprop_weight_decay_adds_to_the_gradient_with_a_name_filter():
    torch_rprop, nn_rprop, _ = frameworks()
    assert "weight_decay" not in names(torch_rprop)
    assert _constructor_signature(nn_rprop)[3] == ("weight_decay", POS, 0.0)
    params, grads = problem(names=DECAY_NAMES, seed=1)
    grads = [{n: g * np.float32(0.05) for n, g in step.items()} for step in grads]  # decay matters
    plain = ms_loop(params, grads, learning_rate=0.01)
    # without groups: beta/gamma skipped
    decayed = ms_loop(params, grads, learning_rate=0.01, weight_decay=0.5)
    assert identical(decayed, decayed_by_hand(params, grads, {"w": 0.5}))
    assert not identical(decayed, plain)
    # in a group with weight_decay > 0 every parameter decays, names notwithstanding
    groups = [(DECAY_NAMES, {"weight_decay": 0.5})]
    assert identical(ms_loop(params, grads, learning_rate=0.01, groups=groups),
                     decayed_by_hand(params, grads, dict.fromkeys(DECAY_NAMES, 0.5)))


@pytest.mark.claim("weight-decay.torch", "weight-decay.experimental")
def test_torch_and_experimental_have_no_weight_decay():
    torch_rprop, _, exp_rprop = frameworks()
    for cls in (torch_rprop, exp_rprop):
        assert "weight_decay" not in names(cls)
    with pytest.raises(TypeError, match="weight_decay"):
        torch_rprop([oracles.require("torch").zeros(1, requires_grad=True)], weight_decay=0.1)
    with pytest.raises(TypeError, match="weight_decay"):
        exp_rprop(one_param(), weight_decay=0.1)
    params, grads = problem()
    assert identical(ms_loop(params, grads, experimental=True, groups=[(tuple(params), {"weight_decay": 0.9})]),
                     ms_loop(params, grads, experimental=True))


@pytest.mark.claim("weight-decay.migrate")
def test_weight_decay_by_hand_in_torch_reproduces_nn_rprop():
    params, grads = problem(names=DECAY_NAMES, seed=2, steps=30)
    grads = [{n: g * np.float32(0.05) for n, g in step.items()} for step in grads]
    expected = ms_loop(params, grads, learning_rate=0.01, weight_decay=0.5)
    decay = {n: 0.5 for n in params if "beta" not in n and "gamma" not in n}
    assert identical(torch_loop(params, grads, decay=decay), expected)
    assert not identical(torch_loop(params, grads), expected)
    assert not identical(torch_loop(params, grads, decay=dict.fromkeys(params, 0.5)), expected)


# --- maximize ---------------------------------------------------------------------------------------

def negated(grads):
    return [{n: -g for n, g in step.items()} for step in grads]


@pytest.mark.claim("maximize.torch", "maximize.experimental")
def test_maximize_keyword_only_false_by_default():
    torch_rprop, _, exp_rprop = frameworks()
    for cls in (torch_rprop, exp_rprop):
        assert ("maximize", KW, False) in _constructor_signature(cls)
    params, grads = problem()
    expected = torch_loop(params, negated(grads))
    assert identical(torch_loop(params, grads, maximize=True), expected)
    assert identical(ms_loop(params, grads, experimental=True, maximize=True), expected)


@pytest.mark.claim("maximize.mindspore", "maximize.migrate")
def test_nn_rprop_maximizes_with_negated_gradients():
    torch_rprop, nn_rprop, _ = frameworks()
    assert "maximize" not in names(nn_rprop)
    with pytest.raises(TypeError, match="maximize"):
        nn_rprop(one_param(), maximize=True)
    params, grads = problem()
    expected = torch_loop(params, grads, maximize=True)
    assert identical(ms_loop(params, negated(grads), learning_rate=0.01), expected)
    assert identical(ms_loop(params, grads, experimental=True, maximize=True), expected)
    assert not identical(ms_loop(params, grads, learning_rate=0.01), expected)


# --- foreach, capturable, differentiable ------------------------------------------------------------

@pytest.mark.claim("foreach.torch")
def test_torch_foreach_none_takes_the_single_tensor_loop_on_cpu(monkeypatch):
    torch = oracles.require("torch")
    rprop = importlib.import_module("torch.optim.rprop")
    assert ("foreach", KW, None) in _constructor_signature(torch.optim.Rprop)
    calls = []
    for name in ("_single_tensor_rprop", "_multi_tensor_rprop"):
        def spy(*args, _name=name, _real=getattr(rprop, name), **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)
        monkeypatch.setattr(rprop, name, spy)
    params, grads = problem(steps=20)
    single = run_torch(params, grads)
    assert set(calls) == {"_single_tensor_rprop"}
    calls.clear()
    multi = run_torch(params, grads, foreach=True)
    assert set(calls) == {"_multi_tensor_rprop"}
    assert first_difference(single, multi) is None


@pytest.mark.claim("foreach.mindspore", "foreach.experimental", "capturable.mindspore",
                   "capturable.experimental", "differentiable.mindspore", "differentiable.experimental")
def test_mindspore_has_no_foreach_capturable_or_differentiable():
    _, nn_rprop, exp_rprop = frameworks()
    for option in ("foreach", "capturable", "differentiable"):
        assert option not in names(nn_rprop) and option not in names(exp_rprop)
        with pytest.raises(TypeError, match=f"unexpected keyword argument '{option}'"):
            exp_rprop(one_param(), **{option: False})


@pytest.mark.claim("foreach.migrate", "capturable.migrate", "differentiable.migrate")
def test_dropping_foreach_capturable_differentiable_changes_nothing():
    params, grads = problem()
    expected = run_mindspore(params, grads, learning_rate=0.01)
    for option in ({"foreach": True}, {"foreach": False}, {"capturable": False}):
        assert first_difference(run_torch(params, grads, **option), expected) is None, option
    assert first_difference(run_mindspore(params, grads, experimental=True), expected) is None


@pytest.mark.claim("differentiable.torch", "differentiable.migrate")
def test_torch_differentiable_lets_autograd_through_the_step():
    torch = oracles.require("torch")
    oracles.mindspore()
    assert ("differentiable", KW, False) in _constructor_signature(torch.optim.Rprop)
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        torch.optim.Rprop([x * 2])
    w = x * 2  # not a leaf: the step becomes part of the graph
    opt = torch.optim.Rprop([w], differentiable=True)
    w.grad = torch.tensor([1.0, -1.0, 0.0])
    opt.step()
    assert w.grad_fn is not None
    (w * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [2.0, 20.0, 200.0]
    # and the values are those of the default step, and of nn.Rprop
    params, grads = problem(steps=10)
    leaves = {n: torch.from_numpy(p.copy()).requires_grad_() for n, p in params.items()}
    tensors = {n: x * 1 for n, x in leaves.items()}
    opt = torch.optim.Rprop(tensors.values(), differentiable=True)
    for step, expected in zip(grads, run_mindspore(params, grads, learning_rate=0.01), strict=True):
        for n, t in tensors.items():
            t.grad = torch.from_numpy(step[n].copy())
        opt.step()
        assert all(t.detach().numpy().tobytes() == expected[n][0].tobytes() for n, t in tensors.items())
