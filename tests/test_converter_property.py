"""Every verdict of the call converter is a claim (issue 22), checked on generated calls.

Hypothesis writes constructor calls the way readers paste them: literals, ints where floats are
required, special floats (`float('nan')`, `math.inf`), tensors and NumPy scalars, expressions and
names, `**kwargs`, parameter groups, positional arguments and `optimizer = …` assignments. Each
batch goes through the JavaScript converter in one `node` run, then every source call and every
converted call runs in the real framework (both frameworks imported, as in a migration script),
for STEPS steps on the same gradients. The verdicts must hold:

- "identical": the source and the converted call both build and step, bit-identically
  (parameters, step sizes and stored gradients; the gradients have no subnormal products);
- "different": both build and step (the caveat's work-around is tested in test_converter.py);
- "fails": Python rejects the text (`syntax`), or the source framework raises the exception the
  message names, with that very type (`source-rejects`, `unknown-keyword`: TypeError), or — for
  `no-equivalent` — the source call itself is valid;
- "cannot-tell": no promise, but never a green verdict over code that fails.
"""

from __future__ import annotations

import ast
import json
import math
import re
import subprocess
import types
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oracles
from converter_runs import _MindSporeCell, _parts, _TorchModel, problem

ROOT = Path(__file__).resolve().parent.parent
BATCH = ROOT / "tests" / "js" / "convert_batch.mjs"
STEPS = 8
PARTS = ("backbone.weight", "backbone.bias", "head.weight", "head.bias")
CALLEE = {"torch": "torch.optim.Rprop", "mindspore": "mindspore.nn.Rprop",
          "mindspore-experimental": "mindspore.experimental.optim.Rprop"}
PARAMS = {"torch": ("model.parameters()", "model.{}.parameters()"),
          "mindspore": ("net.trainable_params()", "net.{}.trainable_params()"),
          "mindspore-experimental": ("net.trainable_params()", "net.{}.trainable_params()")}

# Values as Python source, per argument: what readers write, valid or not.
SPECIAL = ["float('nan')", "float('inf')", "math.inf", "-float('inf')"]
LR = ["0.01", "1e-3", "0.5", "0", "0.0", "1", "2", "-0.01", "1e-3 * 2", "base_lr", "np.float32(0.01)",
      "True", "'0.01'", "None", *SPECIAL]
VALUES = {
    "torch": {"lr": LR + ["torch.tensor(0.001)"],
              "etas": ["(0.5, 1.2)", "[0.5, 1.2]", "(0.3, 1.5)", "(1, 2)", "(0.5, 1)", "(0.5,)", "(0.5, 1.2, 2.0)",
                       "(1.2, 0.5)", "etas_cfg", "(0.5, float('inf'))"],
              "step_sizes": ["(1e-6, 50)", "(1e-6, 50.0)", "(0.1, 0.01)", "(0, 1.0)", "(0.0, 1e3)", "[1e-6, 50.0]",
                             "(1e-6,)", "(1e-6, float('inf'))", "(1e-6, None)"],
              "maximize": ["True", "False", "1", "flag"],
              "foreach": ["None", "True", "False"],
              "differentiable": ["False"], "capturable": ["False"]},
    "mindspore": {"learning_rate": ["0.01", "0.1", "0", "0.0", "1", "-0.1", "(0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08)",
                                    "[0.5] * 8", "np.float32(0.01)", "ms.Tensor(0.01, ms.float32)", "base_lr", "'0.01'",
                                    "True", *SPECIAL],
                  "etas": ["(0.5, 1.2)", "[0.5, 1.2]", "(0.3, 1.5)", "(1, 2)", "(1.2, 0.5)", "(0.5,)", "etas_cfg"],
                  "step_sizes": ["(1e-6, 50.0)", "(1e-6, 50)", "(0.1, 0.01)", "(0.0, 1e3)", "[1e-6, 50.0]",
                                 "(1e-6, float('inf'))"],
                  "weight_decay": ["0.0", "0", "0.01", "-0.1", "wd", "float('nan')"]},
}
VALUES["mindspore-experimental"] = {k: v for k, v in VALUES["torch"].items()
                                    if k in ("lr", "etas", "step_sizes", "maximize")}
VALUES["mindspore-experimental"]["lr"] = LR + ["ms.Tensor(0.001, ms.float32)"]
POSITIONAL = {"torch": ("lr", "etas", "step_sizes"), "mindspore": ("learning_rate", "etas", "step_sizes"),
              "mindspore-experimental": ("lr", "etas", "step_sizes")}
DIRECTIONS = ("torch->mindspore", "torch->mindspore-experimental", "mindspore->torch", "mindspore-experimental->torch")


@st.composite
def calls(draw, source):
    """One constructor call of `source`, as a reader might paste it."""
    values = VALUES[source]
    chosen = draw(st.lists(st.sampled_from(sorted(values)), unique=True, max_size=4))
    args = {name: draw(st.sampled_from(values[name])) for name in chosen}
    whole, part = PARAMS[source]
    params = whole
    if draw(st.booleans()):     # parameter groups, the first with its own learning rate
        key = draw(st.sampled_from(["lr", "lr", "learning_rate"]))  # learning_rate: a slip both reject
        lr = draw(st.sampled_from(["0.02", "1e-3", "0", "-1.0", "base_lr", "float('nan')"]))
        params = (f'[{{"params": {part.format("backbone")}, "{key}": {lr}}}, '
                  f'{{"params": {part.format("head")}}}]')
    positional = [params]
    for name in POSITIONAL[source]:     # a prefix of the positional ones, by position
        if name in args and draw(st.booleans()) and len(positional) == 1 + POSITIONAL[source].index(name):
            positional.append(args.pop(name))
    text = ", ".join(positional + [f"{k}={v}" for k, v in args.items()])
    if draw(st.integers(0, 9)) == 0:
        text += ", **extra"
    prefix = draw(st.sampled_from(["", "", "optimizer = ", "self.opt = "]))
    return f"{prefix}{CALLEE[source]}({text})"


def convert_all(inputs):
    batch = {"convert": inputs}
    result = subprocess.run([oracles.node(), str(BATCH)], input=json.dumps(batch), capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return json.loads(result.stdout)["convert"]


def namespace(framework, params):
    """What a migration script has at hand: both frameworks, NumPy, math and a few names."""
    torch, ms = oracles.require("torch"), oracles.mindspore()
    from mindspore.experimental import optim
    holder = _TorchModel(params) if framework == "torch" else _MindSporeCell(params)
    return {"torch": torch, "ms": ms, "mindspore": ms, "nn": ms.nn, "optim": optim, "np": np, "math": math,
            "model": holder, "net": holder, "params": list(params.values()), **_parts(params),
            "base_lr": 0.01, "etas_cfg": (0.5, 1.2), "flag": True, "wd": 0.01, "extra": {},
            "self": types.SimpleNamespace()}


def run(framework, code, init, grads):
    """Build the optimizer `code` makes and step it: records per step, or the exception raised."""
    torch, ms = oracles.require("torch"), oracles.mindspore()
    if framework == "torch":
        params = {n: torch.nn.Parameter(torch.from_numpy(w.copy())) for n, w in init.items()}
    else:
        params = {n: ms.Parameter(ms.Tensor(w.copy()), name=n) for n, w in init.items()}
    scope = namespace(framework, params)
    target = re.match(r"^\s*([\w.]+)\s*=(?!=)", code)
    try:
        exec(code if target else f"_opt = {code}", scope)  # noqa: S102 - the code under test
        opt = eval(target.group(1) if target else "_opt", scope)  # noqa: S307
        records = []
        for step in grads:
            if framework == "torch":
                for n, p in params.items():
                    p.grad = torch.from_numpy(step[n].copy())
                opt.step()
                records.append({n: (p.detach().numpy().copy(), opt.state[p]["step_size"].numpy().copy(),
                                    opt.state[p]["prev"].numpy().copy()) for n, p in params.items()})
            else:
                order = list(opt.parameters)
                opt(tuple(ms.Tensor(step[p.name].copy()) for p in order))
                state = _mindspore_state(opt, order)
                records.append({p.name: (p.asnumpy().copy(), *state[i]) for i, p in enumerate(order)})
        return records
    except Exception as error:   # noqa: BLE001 - the exception is the result
        return error


def _mindspore_state(opt, order):
    return [(opt.step_size[i].asnumpy().copy(), opt.prev[i].asnumpy().copy()) for i in range(len(order))]


def check(source, target, text, result, init, grads):
    """The verdict `result` gives for `text` holds against the real frameworks."""
    verdict = result["verdict"]
    assert verdict in ("identical", "different", "cannot-tell", "fails"), result
    assert result.get("identical", False) is (verdict == "identical"), result
    expected = run(source, text, init, grads)
    if verdict == "fails":
        error = result["error"]
        if error["id"] == "syntax":
            with pytest.raises(SyntaxError):
                ast.parse(text)
        elif error["id"] in ("source-rejects", "unknown-keyword"):
            named = re.search(r"\((\w+Error)\)", error["en"])
            named = named.group(1) if named else "TypeError"
            assert isinstance(expected, Exception) and type(expected).__name__ == named, (text, result, expected)
        else:
            assert not isinstance(expected, Exception), (text, result, expected)
        return
    if verdict == "cannot-tell":
        return
    assert not isinstance(expected, Exception), (text, result, repr(expected))
    actual = run(target, result["code"], init, grads)
    assert not isinstance(actual, Exception), (text, result["code"], repr(actual))
    if verdict == "identical":
        difference = oracles.first_difference(expected, actual)
        assert difference is None, (text, result["code"], difference)


@pytest.mark.claim("playground.converter", "playground.converter-messages")
@pytest.mark.parametrize("direction", DIRECTIONS)
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_verdict_holds_in_the_real_frameworks(direction, data):
    oracles.require("torch")
    oracles.mindspore()
    source, target = direction.split("->")
    texts = data.draw(st.lists(calls(source), min_size=8, max_size=8, unique=True))
    results = convert_all([[direction, text] for text in texts])
    init, grads = problem(PARTS)
    grads = grads[:STEPS]
    for text, result in zip(texts, results, strict=True):
        check(source, target, text, result, init, grads)


@pytest.mark.claim("playground.converter")
def test_the_verdicts_of_the_issue_are_honest():
    """The calls an audit found judged wrongly: each now gets the verdict the frameworks prove."""
    oracles.require("torch")
    oracles.mindspore()
    cases = [("torch->mindspore", "torch.optim.Rprop(model.parameters(), lr=torch.tensor(0.001))", "cannot-tell"),
             ("torch->mindspore", "torch.optim.Rprop(model.parameters(), lr=float('nan'))", "fails"),
             ("torch->mindspore", "optimizer = torch.optim.Rprop(model.parameters(), lr=0.01)", "identical"),
             ("torch->mindspore", "torch.optim.Rprop(model.parameters(), **extra)", "cannot-tell")]
    results = convert_all([[d, t] for d, t, _ in cases])
    init, grads = problem(PARTS)
    for (direction, text, verdict), result in zip(cases, results, strict=True):
        assert result["verdict"] == verdict, (text, result)
        check(*direction.split("->"), text, result, init, grads[:STEPS])
    assert results[2]["code"].startswith("optimizer = mindspore.nn.Rprop(")
