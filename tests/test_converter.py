"""The playground converter (docs/assets/playground/convert.js) against the real frameworks.

Every case of the table goes through the JavaScript converter in one `node` run. Then, for each
converted call, the SOURCE call and the generated TARGET call are evaluated as Python, with the
first argument bound to real parameters (torch `nn.Parameter`s / MindSpore `Parameter`s holding
the same float32 weights), and both optimizers get the same recorded gradients for STEPS steps:

- `identical: true`: parameters, step sizes and stored gradients are bit-identical at every step;
- `identical: false`: the parameters do differ, and applying the caveat's work-around (negated
  gradients for `maximize`, weight decay added to the gradients by name, or for parameter groups
  the `for p in …: p.grad += …` lines the caveat prints, run as they are) makes them bit-identical;
- `ok: false` with "source-rejects"/"unknown-keyword": the real source framework raises the
  exception the message names; with "syntax": Python's own parser rejects the text too.

Parameter groups: the cases name their parameters `backbone.weight`, `head.bias`, …; `model` and
`net` offer `.parameters()` / `.named_parameters()` / `.trainable_params()` for the whole model and
for each part (`model.backbone.parameters()`), giving the very Parameters the optimizer steps.

Without `node` the tests skip, or fail when `RPROP_REQUIRE_ORACLES=1` (as `oracles.require`).
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import json
import math
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

import oracles
from converter_runs import STEPS, _MindSporeCell, _parts, _TorchModel, problem  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
BATCH = ROOT / "tests" / "js" / "convert_batch.mjs"
MAPPING = ROOT / "data" / "rprop-mapping.yml"


@dataclass(frozen=True)
class Case:
    """One converter input and what the converter must say about it.

    `expect` is "identical", "different" (with a work-around the test applies), "cannot-tell" (an
    expression copied as it is: identical for the value `bind` gives it) or "error:<id>".
    `caveats` must all be among the result's caveat ids. `bind` adds names to both frameworks'
    namespaces (for expressions such as `lr=base_lr * 2`). `names` are the parameter names
    (MindSpore's weight-decay filter reads them). `source` overrides the Python evaluated as the
    source call (for object inputs). `frozen_torch`: torch parameters do not require grad (what
    `differentiable=True` needs for a leaf parameter).
    """

    id: str
    direction: str
    input: object
    expect: str
    caveats: tuple = ()
    bind: dict = field(default_factory=dict)
    names: tuple = ("weight", "bias")
    source: str | None = None
    frozen_torch: bool = False


T2M, T2X, M2T, X2T = ("torch->mindspore", "torch->mindspore-experimental", "mindspore->torch",
                      "mindspore-experimental->torch")

# A model of two parts, for parameter groups.
PARTS = ("backbone.weight", "backbone.bias", "head.weight", "head.bias")


def grouped(call: str, first: str = "", second: str = "", rest: str = "") -> str:
    """`call([backbone group, head group], rest)`: the groups' parameters in the spelling of the
    framework `call` belongs to, `first` and `second` the groups' other entries."""
    part = "model.{}.parameters()" if call.startswith("torch") else "net.{}.trainable_params()"
    entries = [f'"params": {part.format(name)}' + (f", {extra}" if extra else "")
               for name, extra in (("backbone", first), ("head", second))]
    return f"{call}([{{{entries[0]}}}, {{{entries[1]}}}]{', ' + rest if rest else ''})"


CASES = [
    # --- torch.optim.Rprop → mindspore.nn.Rprop ---
    Case("t2m-defaults", T2M, "torch.optim.Rprop(model.parameters())", "identical", ("lr-default",)),
    Case("t2m-lr", T2M, "torch.optim.Rprop(model.parameters(), lr=0.05)", "identical"),
    Case("t2m-int-etas-and-step-sizes", T2M,
         "torch.optim.Rprop(model.parameters(), lr=0.02, etas=(0.3, 2), step_sizes=(1e-4, 1))", "identical",
         ("etas-tuple-of-floats", "step-sizes-tuple-of-floats")),
    Case("t2m-positional-lists", T2M, "torch.optim.Rprop(params, 0.1, [0.4, 1.5], [0, 5])", "identical",
         ("etas-tuple-of-floats", "step-sizes-tuple-of-floats", "params-kept")),
    Case("t2m-lr-zero", T2M, "torch.optim.Rprop(model.parameters(), lr=0)", "identical"),
    Case("t2m-lr-above-max", T2M, "torch.optim.Rprop(model.parameters(), lr=100.0, step_sizes=(1e-6, 0.5))",
         "identical"),
    Case("t2m-lr-below-min", T2M, "torch.optim.Rprop(model.parameters(), lr=1e-9)", "identical"),
    Case("t2m-min-above-max", T2M, "torch.optim.Rprop(model.parameters(), lr=0.01, step_sizes=(1.0, 0.1))",
         "identical", ("step-sizes-min-above-max",)),
    Case("t2m-maximize", T2M, "torch.optim.Rprop(model.parameters(), lr=0.03, maximize=True)", "different",
         ("maximize-no-equivalent",)),
    Case("t2m-foreach", T2M, "torch.optim.Rprop(model.parameters(), foreach=True)", "identical",
         ("foreach-dropped",)),
    Case("t2m-differentiable", T2M,
         "torch.optim.Rprop(model.parameters(), differentiable=True, capturable=False)", "identical",
         ("differentiable-dropped", "capturable-dropped"), frozen_torch=True),
    Case("t2m-lr-expression", T2M, "torch.optim.Rprop(model.parameters(), lr=base_lr * 2)", "cannot-tell",
         ("lr-expression",), bind={"base_lr": 0.025}),
    Case("t2m-multiline", T2M,
         "torch.optim.Rprop(\n    model.parameters(),  # all of them\n    lr=1e-2,\n"
         "    etas=(0.5, 1.2),\n    maximize=False,\n)", "identical"),
    Case("t2m-object-input", T2M, {"kwargs": {"lr": 0.05, "etas": [0.4, 1.3], "step_sizes": "(1e-6, 50)"}},
         "identical", ("step-sizes-tuple-of-floats",),
         source="torch.optim.Rprop(model.parameters(), lr=0.05, etas=(0.4, 1.3), step_sizes=(1e-6, 50))"),
    Case("t2m-bad-etas", T2M, "torch.optim.Rprop(model.parameters(), etas=(1.0, 1.2))", "error:source-rejects"),
    Case("t2m-weight-decay", T2M, "torch.optim.Rprop(model.parameters(), weight_decay=0.1)",
         "error:unknown-keyword"),
    Case("t2m-maximize-expression", T2M, "torch.optim.Rprop(model.parameters(), maximize=flag)",
         "error:non-literal"),
    Case("t2m-unparsable", T2M, "torch.optim.Rprop(model.parameters(), lr=0.1", "error:syntax"),
    Case("t2m-wrong-callee", T2M, "mindspore.nn.Rprop(net.trainable_params())", "error:callee"),

    # --- torch.optim.Rprop → mindspore.experimental.optim.Rprop ---
    Case("t2x-defaults", T2X, "torch.optim.Rprop(model.parameters())", "identical"),
    Case("t2x-int-etas-and-step-sizes", T2X,
         "torch.optim.Rprop(model.parameters(), lr=0.02, etas=(0.3, 2), step_sizes=(1e-4, 1))", "identical"),
    Case("t2x-lr-zero", T2X, "torch.optim.Rprop(model.parameters(), lr=0)", "identical", ("lr-zero",)),
    Case("t2x-lr-zero-custom-min", T2X, "torch.optim.Rprop(model.parameters(), lr=0.0, step_sizes=(0.001, 0.5))",
         "identical", ("lr-zero",)),
    Case("t2x-maximize", T2X, "torch.optim.Rprop(model.parameters(), lr=0.03, maximize=True)", "identical"),
    Case("t2x-min-above-max", T2X, "torch.optim.Rprop(model.parameters(), step_sizes=(1.0, 0.1))", "identical"),
    Case("t2x-flags", T2X,
         "torch.optim.Rprop(model.parameters(), foreach=False, capturable=False, differentiable=False)",
         "identical", ("foreach-dropped", "capturable-dropped", "differentiable-dropped")),
    Case("t2x-differentiable", T2X, "torch.optim.Rprop(model.parameters(), differentiable=True)", "identical",
         ("differentiable-dropped",), frozen_torch=True),
    Case("t2x-lr-expression", T2X, "torch.optim.Rprop(model.parameters(), lr=base_lr * 2)", "cannot-tell",
         ("lr-expression",), bind={"base_lr": 0.025}),
    Case("t2x-maximize-expression", T2X, "torch.optim.Rprop(model.parameters(), maximize=flag)", "cannot-tell",
         ("maximize-expression",), bind={"flag": True}),
    Case("t2x-list-etas", T2X, "torch.optim.Rprop(model.parameters(), etas=[0.4, 1.5], step_sizes=[1e-5, 2])",
         "identical"),
    Case("t2x-positional", T2X, "torch.optim.Rprop(params, 0.5, (0.2, 1.1))", "identical", ("params-kept",)),
    Case("t2x-lr-zero-min-zero", T2X, "torch.optim.Rprop(model.parameters(), lr=0, step_sizes=(0, 1))",
         "error:no-equivalent"),
    Case("t2x-negative-lr", T2X, "torch.optim.Rprop(model.parameters(), lr=-0.1)", "error:source-rejects"),
    Case("t2x-momentum", T2X, "torch.optim.Rprop(model.parameters(), momentum=0.9)", "error:unknown-keyword"),
    Case("t2x-short-etas", T2X, "torch.optim.Rprop(model.parameters(), etas=(0.5,))", "error:source-rejects"),
    Case("t2x-unparsable", T2X, "torch.optim.Rprop(model.parameters(), lr=0.1,, )", "error:syntax"),

    # --- mindspore.nn.Rprop → torch.optim.Rprop ---
    Case("m2t-defaults", M2T, "mindspore.nn.Rprop(net.trainable_params())", "identical", ("lr-default",)),
    Case("m2t-lr", M2T, "nn.Rprop(net.trainable_params(), learning_rate=0.01)", "identical"),
    Case("m2t-custom", M2T,
         "nn.Rprop(net.trainable_params(), learning_rate=0.05, etas=(0.3, 1.7), step_sizes=(1e-4, 0.5))",
         "identical"),
    # A MindSpore list schedule needs an entry per step (see test_mindspore_list_schedule_runs_out).
    Case("m2t-schedule-list", M2T,
         f"nn.Rprop(net.trainable_params(), learning_rate=[0.01, {', '.join(['5.0', '0.0'] * (STEPS // 2))}])",
         "identical", ("lr-schedule",)),
    Case("m2t-schedule-tuple", M2T,
         f"nn.Rprop(net.trainable_params(), learning_rate=({', '.join(['0.2', '0.1'] * (STEPS // 2))}))",
         "identical", ("lr-schedule",)),
    Case("m2t-lr-zero", M2T, "nn.Rprop(net.trainable_params(), learning_rate=0)", "identical"),
    Case("m2t-int-lr-zero-decay", M2T, "ms.nn.Rprop(net.trainable_params(), learning_rate=1, weight_decay=0.0)",
         "identical"),
    Case("m2t-weight-decay", M2T, "nn.Rprop(net.trainable_params(), learning_rate=0.01, weight_decay=0.5)",
         "different", ("weight-decay-no-equivalent",)),
    Case("m2t-weight-decay-gamma", M2T, "nn.Rprop(net.trainable_params(), learning_rate=0.01, weight_decay=0.5)",
         "different", ("weight-decay-no-equivalent",), names=("weight", "bn.gamma")),
    Case("m2t-positional", M2T, "mindspore.nn.Rprop(params, 0.02, (0.4, 1.3), (1e-5, 2.0), 0.0)", "identical",
         ("params-kept",)),
    Case("m2t-int-step-size", M2T, "nn.Rprop(net.trainable_params(), step_sizes=(1e-6, 50))",
         "error:source-rejects"),
    Case("m2t-list-etas", M2T, "nn.Rprop(net.trainable_params(), etas=[0.5, 1.2])", "error:source-rejects"),
    Case("m2t-min-above-max", M2T, "nn.Rprop(net.trainable_params(), step_sizes=(1.0, 0.1))",
         "error:source-rejects"),
    Case("m2t-lr-keyword", M2T, "nn.Rprop(net.trainable_params(), lr=0.01)", "error:unknown-keyword"),
    Case("m2t-schedule-expression", M2T, "nn.Rprop(net.trainable_params(), learning_rate=schedule)",
         "error:non-literal"),
    Case("m2t-unparsable", M2T, "nn.Rprop(net.trainable_params(), learning_rate=0.1))", "error:syntax"),

    # --- mindspore.experimental.optim.Rprop → torch.optim.Rprop ---
    Case("x2t-defaults", X2T, "mindspore.experimental.optim.Rprop(net.trainable_params())", "identical"),
    Case("x2t-int-etas-and-step-sizes", X2T,
         "optim.Rprop(net.trainable_params(), lr=0.05, etas=(0.3, 2), step_sizes=(1e-4, 1))", "identical"),
    Case("x2t-maximize", X2T, "optim.Rprop(net.trainable_params(), lr=0.03, maximize=True)", "identical"),
    Case("x2t-min-above-max", X2T, "optim.Rprop(net.trainable_params(), step_sizes=(1.0, 0.1))", "identical"),
    Case("x2t-int-lr", X2T, "optim.Rprop(net.trainable_params(), lr=1)", "identical"),
    Case("x2t-lr-expression", X2T, "optim.Rprop(net.trainable_params(), lr=base_lr * 2)", "cannot-tell",
         ("lr-expression",), bind={"base_lr": 0.025}),
    Case("x2t-etas-expression", X2T, "optim.Rprop(net.trainable_params(), etas=my_etas)", "cannot-tell",
         ("etas-expression",), bind={"my_etas": (0.3, 1.5)}),
    Case("x2t-list-step-sizes", X2T, "optim.Rprop(net.trainable_params(), step_sizes=[1e-5, 2])", "identical"),
    Case("x2t-positional", X2T, "optim.Rprop(params, 0.03, (0.45, 1.25))", "identical", ("params-kept",)),
    Case("x2t-lr-above-max", X2T, "optim.Rprop(net.trainable_params(), lr=100.0)", "identical"),
    Case("x2t-lr-zero", X2T, "optim.Rprop(net.trainable_params(), lr=0)", "error:source-rejects"),
    Case("x2t-weight-decay", X2T, "optim.Rprop(net.trainable_params(), weight_decay=0.1)",
         "error:unknown-keyword"),
    Case("x2t-int-etaminus", X2T, "optim.Rprop(net.trainable_params(), etas=(1, 1.2))", "error:source-rejects"),
    Case("x2t-foreach", X2T, "optim.Rprop(net.trainable_params(), foreach=True)", "error:unknown-keyword"),
    Case("x2t-maximize-int", X2T, "optim.Rprop(net.trainable_params(), maximize=1)", "error:unsupported-value"),
    Case("x2t-wrong-callee", X2T, "torch.optim.Rprop(model.parameters())", "error:callee"),
    Case("x2t-unparsable", X2T, "optim.Rprop(net.trainable_params(), lr=1e-2 etas=(0.5, 1.2))", "error:syntax"),
]

# --- parameter groups, every direction (names: PARTS) ---
GROUP_CASES = [
    Case("t2m-groups-lr", T2M, grouped('torch.optim.Rprop', '"lr": 1e-3', '"lr": 0.2', 'lr=0.05'), "identical"),
    Case("t2m-groups-inherit", T2M, grouped('torch.optim.Rprop', '"lr": 0.3', "", 'lr=1e-4, step_sizes=(1e-5, 1)'),
         "identical"),
    Case("t2m-groups-inherit-default", T2M, grouped('torch.optim.Rprop', '"lr": 0'), "identical",
         ("lr-default",)),
    Case("t2m-groups-same-etas", T2M,
         'torch.optim.Rprop([{"params": model.backbone.parameters(), "etas": [0.4, 1.5], "foreach": True}, '
         '{"params": model.head.parameters(), "weight_decay": 0.1}], etas=(0.4, 1.5))', "identical",
         ("group-key-same", "foreach-dropped", "group-key-ignored")),
    Case("t2m-groups-etas", T2M, grouped('torch.optim.Rprop', '"etas": (0.3, 1.5)'),
         "error:no-equivalent"),
    Case("t2m-groups-step-sizes", T2M, grouped('torch.optim.Rprop', '"step_sizes": (1e-4, 1)'),
         "error:no-equivalent"),
    Case("t2m-groups-maximize", T2M, grouped('torch.optim.Rprop', '"maximize": True'),
         "error:no-equivalent"),
    Case("t2m-groups-dict", T2M,
         "torch.optim.Rprop([dict(params=model.backbone.named_parameters(), lr=0.002), "
         "dict(params=model.head.named_parameters())], lr=0.02)", "identical"),
    Case("t2m-groups-tuple", T2M,
         'torch.optim.Rprop(({"params": model.head.parameters(), "lr": 0.5}, {"params": model.backbone.parameters()}), '
         'lr=0.01)', "identical"),
    Case("t2m-groups-kept", T2M,
         'torch.optim.Rprop([{"params": backbone_params, "lr": 0.004}, {"params": model.head.parameters()}])',
         "identical", ("params-kept", "lr-default")),
    Case("t2m-groups-empty", T2M, "torch.optim.Rprop([])", "error:source-rejects"),
    Case("t2m-groups-empty-tuple", T2M, "torch.optim.Rprop((), lr=0.1)", "error:source-rejects"),
    Case("t2m-groups-no-params", T2M, 'torch.optim.Rprop([{"lr": 0.1}])', "error:source-rejects"),
    Case("t2m-groups-mixed-names", T2M,
         'torch.optim.Rprop([{"params": model.backbone.named_parameters()}, {"params": model.head.parameters()}])',
         "error:source-rejects"),
    Case("t2m-groups-negative-lr", T2M, grouped('torch.optim.Rprop', '"lr": -0.1'),
         "error:unsupported-value"),
    Case("t2m-groups-comprehension", T2M, 'torch.optim.Rprop([{"params": p} for p in parts])', "error:parameter-groups"),

    Case("t2x-groups-lr", T2X, grouped('torch.optim.Rprop', '"lr": 1e-3', '"lr": 0.2', 'lr=0.05'), "identical"),
    Case("t2x-groups-etas-step-sizes", T2X,
         'torch.optim.Rprop([{"params": model.backbone.parameters(), "etas": (0.3, 1.5), "step_sizes": [1e-4, 2]}, '
         '{"params": model.head.parameters(), "maximize": True, "lr": 0}], lr=0.02)', "identical"),
    Case("t2x-groups-lr-zero", T2X,
         'torch.optim.Rprop([{"params": model.backbone.parameters(), "step_sizes": (1e-7, 1)}, '
         '{"params": model.head.parameters()}], lr=0)', "identical", ("lr-zero", "group-lr-zero")),
    Case("t2x-groups-dict", T2X,
         "torch.optim.Rprop([dict(params=model.backbone.parameters(), etas=(0.45, 1.1), differentiable=False), "
         "dict(params=model.head.parameters(), weight_decay=0.5)])", "identical",
         ("differentiable-dropped", "group-key-ignored")),
    Case("t2x-groups-tuple", T2X,
         'torch.optim.Rprop(({"params": model.head.parameters(), "maximize": True},), lr=0.03)', "identical",
         names=("head.weight", "head.bias")),
    Case("t2x-groups-empty", T2X, "torch.optim.Rprop([], lr=0.1)", "error:source-rejects"),
    Case("t2x-groups-bad-etas", T2X, grouped('torch.optim.Rprop', '"etas": (1.5, 1.2)'),
         "error:unsupported-value"),

    Case("m2t-groups-lr", M2T, grouped('nn.Rprop', '"lr": 1e-3', '"lr": 0.2', 'learning_rate=0.05'),
         "identical"),
    Case("m2t-groups-inherit", M2T, grouped('nn.Rprop', '"lr": 0.003'), "identical",
         ("lr-default",)),
    Case("m2t-groups-weight-decay", M2T,
         grouped('nn.Rprop', '"weight_decay": 0.5', '"lr": 0.02', 'learning_rate=0.01'),
         "different", ("weight-decay-no-equivalent",)),
    Case("m2t-groups-weight-decay-inherited", M2T,
         grouped('nn.Rprop', '"weight_decay": 0.0', "", 'learning_rate=0.01, weight_decay=0.3'),
         "different", ("weight-decay-no-equivalent",)),
    # With groups, MindSpore decays `gamma` too (no name filter): the work-around decays it as well.
    Case("m2t-groups-weight-decay-gamma", M2T,
         'nn.Rprop([{"params": net.bn.trainable_params(), "weight_decay": 0.5}, '
         '{"params": net.head.trainable_params()}], learning_rate=0.01)', "different",
         ("weight-decay-no-equivalent",), names=("bn.gamma", "bn.beta", "head.weight", "head.bias")),
    Case("m2t-groups-dict", M2T,
         "nn.Rprop((dict(params=net.head.trainable_params(), lr=0.5, grad_centralization=False), "
         "dict(params=net.backbone.trainable_params(), weight_decay=0)), learning_rate=0.01)", "identical",
         ("group-key-ignored",)),
    Case("m2t-groups-empty", M2T, "nn.Rprop([], learning_rate=0.01)", "error:source-rejects"),
    Case("m2t-groups-etas", M2T, grouped('nn.Rprop', '"etas": (0.5, 1.2)'),
         "error:source-rejects"),
    Case("m2t-groups-negative-lr", M2T, grouped('nn.Rprop', '"lr": -0.5'),
         "error:source-rejects"),
    Case("m2t-groups-grad-centralization", M2T,
         grouped('nn.Rprop', '"grad_centralization": True'), "error:no-equivalent"),

    Case("x2t-groups-lr", X2T, grouped('optim.Rprop', '"lr": 1e-3', '"lr": 0.2', 'lr=0.05'),
         "identical"),
    Case("x2t-groups-etas-step-sizes", X2T,
         'optim.Rprop([{"params": net.backbone.trainable_params(), "etas": (0.3, 1.5), "step_sizes": (1e-4, 2)}, '
         '{"params": net.head.trainable_params(), "maximize": True, "lr": 0}], lr=0.02)', "identical"),
    Case("x2t-groups-weight-decay-ignored", X2T,
         grouped('optim.Rprop', '"weight_decay": 0.5'), "identical",
         ("group-key-ignored",)),
    Case("x2t-groups-dict", X2T,
         "optim.Rprop([dict(params=net.backbone.trainable_params(), step_sizes=(1.0, 0.1)), "
         "dict(params=net.head.trainable_params(), lr=0.07)])", "identical"),
    Case("x2t-groups-tuple-ok", X2T,
         'optim.Rprop(({"params": net.head.trainable_params(), "etas": [0.4, 1.6]}, '
         '{"params": net.backbone.trainable_params()}), lr=0.01)', "identical"),
    Case("x2t-groups-empty", X2T, "optim.Rprop(())", "error:source-rejects"),
    Case("x2t-groups-negative-lr", X2T, grouped('optim.Rprop', '"lr": -1.0'),
         "error:source-rejects"),
    Case("x2t-groups-bad-weight-decay", X2T, grouped('optim.Rprop', '"weight_decay": -1'),
         "error:source-rejects"),
    Case("x2t-groups-no-params", X2T, 'optim.Rprop([{"lr": 0.1}])', "error:source-rejects"),
]
GROUP_CASES = [c if c.names != ("weight", "bias") else dataclasses.replace(c, names=PARTS) for c in GROUP_CASES]
CASES += GROUP_CASES

# Python's float repr() is what formatLiteral must write: checked on these.
FLOATS = [0.0, -0.0, 1.0, 50.0, 0.5, 0.1, 1e-6, 1e-05, 1.5e-5, 0.0001, 0.00012345, 123456789.123, 1e15,
          1e16, 1.2345e16, 1e22, 2.0 ** 53, 2.0 ** 70, 5e-324, 2.2250738585072014e-308,
          1.7976931348623157e308, 0.30000000000000004, 1 / 3, -2.5, 3.4028234663852886e38]

# Python literal text → the typed node must hold what ast.literal_eval gives.
VALUES = ["1e-6", "50.", ".5", "-1", "0x10", "0o17", "0b101", "1_000", "1_0.5e-1_0", "(0.5,)",
          "[1, (2.0,), []]", "()", "'a\\'b'", '"\\x41\\u00e9\\n"', "'a' 'b'", "True", "None", "-0.0",
          "+2.5", "-(1.5)", "((0.5, 1.2))", "123456789012345678901234567890", "1E+3", "0.0000001"]


# --- running node ---------------------------------------------------------------------------------

node = oracles.node


@pytest.fixture(scope="module")
def js() -> dict:
    """All converter results (by case id), formatted floats and parsed values, from one node run."""
    batch = {"convert": [[c.direction, c.input] for c in CASES], "floats": FLOATS, "values": VALUES}
    result = subprocess.run([node(), str(BATCH)], input=json.dumps(batch), capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    out = json.loads(result.stdout)
    return {"convert": dict(zip((c.id for c in CASES), out["convert"], strict=True)),
            "floats": out["floats"], "values": out["values"]}


def torch_optimizer(code: str, init: dict, bind: dict, frozen: bool = False):
    torch = oracles.require("torch")
    params = {n: torch.nn.Parameter(torch.from_numpy(w.copy()), requires_grad=not frozen) for n, w in init.items()}
    model = _TorchModel(params)
    namespace = {"torch": torch, "optim": torch.optim, "Rprop": torch.optim.Rprop, "model": model, "net": model,
                 "params": list(params.values()), **_parts(params), **bind}
    return params, eval(code, namespace), namespace  # noqa: S307 - the code under test


def run_torch_code(code: str, init: dict, grads: list[dict], bind: dict, frozen: bool = False,
                   decay: float = 0.0, decayed: tuple = (), lines: tuple = ()) -> list[dict]:
    """Step the optimizer `code` builds; `decay > 0` applies the weight-decay work-around the
    converter prints (`p.grad += wd * p.detach()`) to the parameters named in `decayed`; `lines`
    are Python statements run as they are after the gradients are set (a caveat's work-around)."""
    torch = oracles.require("torch")
    params, opt, namespace = torch_optimizer(code, init, bind, frozen)
    records = []
    for step in grads:
        for n, p in params.items():
            p.grad = torch.from_numpy(step[n].copy())
        for n in decayed:
            p = params[n]
            p.grad += decay * p.detach()
        for line in lines:
            exec(line, namespace)  # noqa: S102 - the work-around the converter prints
        opt.step()
        records.append({n: (p.detach().numpy().copy(), opt.state[p]["step_size"].numpy().copy(),
                            opt.state[p]["prev"].numpy().copy()) for n, p in params.items()})
    return records


def mindspore_optimizer(code: str, init: dict, bind: dict):
    ms = oracles.mindspore()
    from mindspore.experimental import optim as experimental_optim
    params = {n: ms.Parameter(ms.Tensor(w.copy()), name=n) for n, w in init.items()}
    cell = _MindSporeCell(params)
    namespace = {"mindspore": ms, "ms": ms, "nn": ms.nn, "optim": experimental_optim,
                 "Rprop": ms.nn.Rprop, "net": cell, "model": cell, "params": list(params.values()),
                 **_parts(params), **bind}
    return list(params.values()), eval(code, namespace)  # noqa: S307 - the code under test


def run_mindspore_code(code: str, init: dict, grads: list[dict], bind: dict, negate: bool = False) -> list[dict]:
    """Step the optimizer `code` builds; `negate` applies the maximize work-around the converter
    prints: `optimizer(tuple(-g for g in grads))`. The gradients follow the optimizer's own order
    of parameters (with groups, group by group)."""
    ms = oracles.mindspore()
    _, opt = mindspore_optimizer(code, init, bind)
    order = list(opt.parameters)
    records = []
    for step in grads:
        gradients = tuple(ms.Tensor(step[p.name].copy()) for p in order)
        opt(tuple(-g for g in gradients) if negate else gradients)
        records.append({p.name: (p.asnumpy().copy(), opt.step_size[i].asnumpy().copy(), opt.prev[i].asnumpy().copy())
                        for i, p in enumerate(order)})
    return records


def run_code(framework: str, code: str, case: Case, init: dict, grads: list[dict], **work_around) -> list[dict]:
    if framework == "torch":
        return run_torch_code(code, init, grads, case.bind, frozen=case.frozen_torch, **work_around)
    return run_mindspore_code(code, init, grads, case.bind, **work_around)


def parameters_differ(a: list[dict], b: list[dict]) -> bool:
    return any(x[n][0].tobytes() != y[n][0].tobytes() for x, y in zip(a, b, strict=True) for n in x)


def source_raises(case: Case, framework: str, exception: type) -> None:
    """The real source framework raises `exception` for this call (at construction or first step)."""
    init, grads = problem(case.names)
    with pytest.raises(exception):
        run_code(framework, case.input, case, init, grads[:1])


# --- the tests ---------------------------------------------------------------------------------------

def _require(framework: str) -> None:
    if framework == "torch":
        oracles.require("torch")
    else:
        oracles.mindspore()


def test_table_has_at_least_twelve_cases_per_direction():
    for direction in (T2M, T2X, M2T, X2T):
        cases = [c for c in CASES if c.direction == direction]
        assert len(cases) >= 12, direction
        assert any(c.expect == "identical" for c in cases) and any(c.expect.startswith("error:") for c in cases)
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [  # a converted call (identical, or flagged as not) runs both frameworks;
    pytest.param(c, id=c.id, marks=[pytest.mark.claim("playground.converter-messages")]  # a call it
                 if c.expect.startswith("error:") else [pytest.mark.claim("playground.converter")])  # cannot read
    for c in CASES])
def test_converted_call_steps_like_the_source(case, js):
    result = js["convert"][case.id]
    source, target = case.direction.split("->")
    if case.expect.startswith("error:"):
        assert result["ok"] is False, result
        error = result["error"]
        assert error["id"] == case.expect.removeprefix("error:"), error
        assert error["en"].strip() and error["zh"].strip() and re.search(r"[\u4e00-\u9fff]", error["zh"]), error
        if error["id"] in ("source-rejects", "unknown-keyword"):
            named = re.search(r"\((\w+Error)\)", error["en"]).group(1)
            _require(source)
            source_raises(case, source, getattr(builtins, named))
        if error["id"] == "syntax":
            with pytest.raises(SyntaxError):
                ast.parse(case.input, mode="eval")
        return

    assert result["ok"] is True, result
    assert "\n" not in result["code"]
    ids = [c["id"] for c in result["caveats"]]
    assert set(case.caveats) <= set(ids), ids
    assert result["identical"] is (case.expect == "identical"), result
    assert result["verdict"] == {"identical": "identical", "different": "different"}.get(case.expect, case.expect), result
    _require(source)
    _require(target)
    init, grads = problem(case.names)
    source_code = case.source or case.input
    expected = run_code(source, source_code, case, init, grads)
    actual = run_code(target, result["code"], case, init, grads)
    if result["verdict"] in ("identical", "cannot-tell"):   # cannot-tell: the caveat's condition holds for `bind`
        difference = oracles.first_difference(expected, actual)
        assert difference is None, f"{result['code']}: {difference}"
        return

    # Not identical: the warning is real, and the work-around in the caveat restores identity.
    assert parameters_differ(expected, actual), f"{result['code']} steps like the source after all"
    decay_note = next((c["en"] for c in result["caveats"] if c["id"] == "weight-decay-no-equivalent"), "")
    if "maximize-no-equivalent" in ids:
        fixed = run_code(target, result["code"], case, init, grads, negate=True)
    elif decay_note.startswith("`torch.optim.Rprop` has no weight decay, so the groups above"):
        # Parameter groups: the caveat prints one line per decayed group; run them as they are.
        lines = tuple(re.findall(r"`(for p in [^`]+)`", decay_note))
        assert lines, en
        fixed = run_code(target, result["code"], case, init, grads, lines=lines)
    elif "weight-decay-no-equivalent" in ids:
        weight_decay = ast.literal_eval(re.search(r"weight_decay=([^,)]+)", case.input).group(1))
        assert f"p.grad += {weight_decay!r} * p.detach()" in next(
            c["en"] for c in result["caveats"] if c["id"] == "weight-decay-no-equivalent")
        decayed = tuple(n for n in case.names if "beta" not in n and "gamma" not in n)
        fixed = run_code(target, result["code"], case, init, grads, decay=weight_decay, decayed=decayed)
        if decayed != case.names:
            # The name filter matters: decaying every parameter does not step like MindSpore.
            unfiltered = run_code(target, result["code"], case, init, grads, decay=weight_decay,
                                  decayed=case.names)
            assert parameters_differ(expected, unfiltered)
    else:
        pytest.fail(f"no work-around to apply for {ids}")
    difference = oracles.first_difference(expected, fixed)
    assert difference is None, f"work-around for {result['code']}: {difference}"


def test_mindspore_list_schedule_runs_out():
    """Why the lr-schedule caveat warns: an N-entry list runs N steps, then MindSpore raises."""
    oracles.mindspore()
    init, grads = problem(("weight", "bias"))
    case = Case("schedule", M2T, "nn.Rprop(net.trainable_params(), learning_rate=[0.01, 5.0, 0.0])", "identical")
    run_code("mindspore", case.input, case, init, grads[:3])
    with pytest.raises(RuntimeError, match="Gather"):
        run_code("mindspore", case.input, case, init, grads[:4])


def test_every_caveat_is_bilingual_and_names_a_mapping_row(js):
    rows = set(re.findall(r"^  - id: ([\w-]+)$", MAPPING.read_text(encoding="utf-8"), re.M))
    assert {"lr", "lr-schedule", "step-sizes", "weight-decay", "maximize", "foreach", "params"} <= rows
    seen = set()
    for case in CASES:
        result = js["convert"][case.id]
        for caveat in result.get("caveats", []):
            assert caveat["row"] in rows, caveat
            assert caveat["en"].strip() and re.search(r"[\u4e00-\u9fff]", caveat["zh"]), caveat
            seen.add(caveat["id"])
    assert {"lr-default", "lr-schedule", "maximize-no-equivalent", "weight-decay-no-equivalent",
            "step-sizes-min-above-max", "lr-zero", "foreach-dropped", "differentiable-dropped"} <= seen


def test_generated_code_parses_as_one_python_call(js):
    for case in CASES:
        result = js["convert"][case.id]
        if result["ok"]:
            tree = ast.parse(result["code"], mode="eval")
            assert isinstance(tree.body, ast.Call), result["code"]


def test_floats_are_written_as_python_repr(js):
    assert js["floats"] == [repr(x) for x in FLOATS]


def test_literals_are_read_as_python_reads_them(js):
    """parseValue gives the type and value Python gives, and formatLiteral writes it back so that
    Python reads the same value (float signs included)."""
    def python(node):
        kind = node["type"]
        if kind in ("tuple", "list"):
            items = [python(item) for item in node["items"]]
            return tuple(items) if kind == "tuple" else items
        if kind == "int":
            return int(node["text"])
        if kind == "none":
            return None
        if kind == "float":
            return float(node["value"])  # JSON writes 50.0 as 50
        return node["value"]

    def same(a, b):
        if isinstance(a, (tuple, list)):
            return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
        if isinstance(a, float):
            return type(b) is float and a == b and math.copysign(1, a) == math.copysign(1, b)
        return type(a) is type(b) and a == b

    for text, parsed in zip(VALUES, js["values"], strict=True):
        assert "error" not in parsed, (text, parsed)
        expected = ast.literal_eval(text)
        got = python(parsed["node"])
        assert type(got) is type(expected) and got == expected, (text, parsed)
        assert same(expected, ast.literal_eval(parsed["python"])), (text, parsed)
