"""snippets/rprop_checkpoint.py, proved by resuming: train in one framework, convert the optimizer
state and the weights, continue in the other on the same (replayed) gradients, and require every
step's parameters, step sizes and prev to be bit-identical to an uninterrupted run in the first."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pytest

import oracles
from sitebuild import load_snippet

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"


rc = load_snippet("rprop_checkpoint")
NAMES = ("dense.weight", "bn.gamma", "bn.beta")   # gamma/beta: nn.Rprop's weight-decay filter
SHAPES = {"dense.weight": (4, 3), "bn.gamma": (3,), "bn.beta": (3,)}
TOTAL = 14
CONFIGS = [("nn", np.float32), ("nn", np.float16), ("experimental", np.float32)]  # no fp16 there


def problem(dtype, seed=3):
    rng = np.random.default_rng(seed)
    params = {n: rng.standard_normal(SHAPES[n]).astype(dtype) for n in NAMES}
    grads = [{n: rng.standard_normal(SHAPES[n]).astype(dtype) for n in NAMES} for _ in range(TOTAL)]
    return params, grads


# --- the two frameworks, recording (param, step_size, prev) after every step -----------------------

def torch_optimizer(params):
    torch = oracles.require("torch")
    tensors = {n: torch.nn.Parameter(torch.from_numpy(p.copy())) for n, p in params.items()}
    return tensors, torch.optim.Rprop(list(tensors.values()))   # lr 0.01, etas (0.5, 1.2)


def torch_steps(tensors, opt, grads):
    torch = oracles.require("torch")
    records = []
    for step in grads:
        for n, t in tensors.items():
            t.grad = None if step[n] is None else torch.from_numpy(step[n].copy())
        opt.step()
        records.append({n: (t.detach().numpy().copy(),
                            *(opt.state[t][k].numpy().copy() if opt.state.get(t) else None
                              for k in ("step_size", "prev")))
                        for n, t in tensors.items()})
    return records


def ms_optimizer(params, target):
    ms = oracles.mindspore()
    from mindspore.experimental import optim
    parameters = [ms.Parameter(ms.Tensor(p.copy()), name=n) for n, p in params.items()]
    if target == "nn":
        return parameters, ms.nn.Rprop(parameters, learning_rate=0.01, weight_decay=0.0)
    return parameters, optim.Rprop(parameters)


def ms_steps(parameters, opt, grads):
    """None gradients are fed as zeros (MindSpore always takes one gradient per parameter)."""
    ms = oracles.mindspore()
    records = []
    for step in grads:
        opt(tuple(ms.Tensor(np.zeros(p.shape, p.asnumpy().dtype) if step[p.name] is None
                            else step[p.name].copy()) for p in parameters))
        records.append({p.name: (p.asnumpy().copy(), opt.step_size[i].asnumpy().copy(),
                                 opt.prev[i].asnumpy().copy()) for i, p in enumerate(parameters)})
    return records


def assert_identical(expected, actual, what=("param", "step_size", "prev")):
    assert len(expected) == len(actual)
    for step, (e, a) in enumerate(zip(expected, actual), start=1):
        for n in NAMES:
            for label, x, y in zip(what, e[n], a[n]):
                assert x is not None and y is not None, (step, n, label)
                assert x.dtype == y.dtype and x.shape == y.shape, (step, n, label, x.dtype, y.dtype)
                assert x.tobytes() == y.tobytes(), f"continued step {step}, {n}.{label}: {x} vs {y}"


# --- torch -> MindSpore ----------------------------------------------------------------------------

def torch_then_mindspore(target, dtype, at, grads_edit=None, **options):
    params, grads = problem(dtype)
    if grads_edit:
        grads_edit(grads)
    uninterrupted = torch_steps(*torch_optimizer(params), grads)
    tensors, topt = torch_optimizer(params)
    torch_steps(tensors, topt, grads[:at])
    state_dict = topt.state_dict()
    before = copy.deepcopy(state_dict)
    weights = {n: t.detach().numpy().copy() for n, t in tensors.items()}
    converted = rc.torch_to_mindspore(state_dict, NAMES, target, params=weights, **options)
    # the torch state is untouched and shares no memory with the result
    for i, entry in state_dict["state"].items():
        assert all(entry[k].numpy().tobytes() == before["state"][i][k].numpy().tobytes() for k in entry)
        assert not np.shares_memory(converted[f"prev.{NAMES[i]}"], entry["prev"].numpy())
    parameters, opt = ms_optimizer({n: np.zeros_like(p) for n, p in params.items()}, target)
    rc.load_into_mindspore(opt, converted)
    assert_identical(uninterrupted[at:], ms_steps(parameters, opt, grads[at:]))
    return converted


@pytest.mark.claim("state.migrate")
@pytest.mark.parametrize("at", [1, 7])
@pytest.mark.parametrize("target,dtype", CONFIGS)
def test_torch_state_resumes_in_mindspore(target, dtype, at):
    oracles.require("torch")
    oracles.mindspore()
    converted = torch_then_mindspore(target, dtype, at)
    counter = {"nn": ("global_step", (1,)), "experimental": ("step_t", ())}[target]
    assert converted[counter[0]].dtype == np.int32 and converted[counter[0]].shape == counter[1]
    assert int(converted[counter[0]].ravel()[0]) == at
    expected = {*NAMES, counter[0], *(f"{k}.{n}" for k in ("prev", "step_size") for n in NAMES)}
    assert set(converted) == expected | ({"learning_rate"} if target == "nn" else set())
    if target == "nn":
        assert converted["learning_rate"].dtype == np.float32 and converted["learning_rate"].shape == ()
    # the keys, dtypes and shapes are those of the real optimizer's own checkpoint
    _, opt = ms_optimizer(problem(dtype)[0], target)
    saved = {k: v.asnumpy() for k, v in opt.parameters_dict().items()}
    assert {k: (v.dtype, v.shape) for k, v in saved.items()} == {
        k: (v.dtype, v.shape) for k, v in converted.items()}


@pytest.mark.claim("state.migrate", "checkpoint.step-counts")
@pytest.mark.parametrize("target,dtype", CONFIGS)
def test_per_parameter_step_counts_that_disagree(target, dtype):
    """bn.beta gets no gradient at steps 2-3 in torch: its `step` is 5, dense.weight's 7. torch never
    reads `step` in its arithmetic, so one counter (the largest) continues bit-identically."""
    oracles.require("torch")
    oracles.mindspore()

    def skip(grads):
        grads[1]["bn.beta"] = grads[2]["bn.beta"] = None
    converted = torch_then_mindspore(target, dtype, 7, skip)
    assert int(converted[rc.COUNTER[target]].ravel()[0]) == 7


@pytest.mark.claim("state.migrate", "checkpoint.unstepped")
@pytest.mark.parametrize("target,dtype", CONFIGS)
def test_unstepped_parameter_seeded_explicitly(target, dtype):
    """bn.beta has no torch state at step 7 (never a gradient). With unstepped='seed' it gets
    prev = 0, step_size = lr; MindSpore's zero gradients keep that state for two more steps (torch
    skips it), then its first gradient steps exactly as in torch."""
    oracles.require("torch")
    oracles.mindspore()

    def never(grads):
        for step in grads[:9]:
            step["bn.beta"] = None
    params, grads = problem(dtype)
    never(grads)
    tensors, topt = torch_optimizer(params)
    torch_steps(tensors, topt, grads[:7])
    with pytest.raises(rc.CheckpointError, match="'bn.beta' has no torch state yet"):
        rc.torch_to_mindspore(topt.state_dict(), NAMES, target)
    with pytest.raises(rc.CheckpointError, match="has no torch state yet"):
        rc.torch_to_mindspore(topt.state_dict(), NAMES, target, unstepped="seed")  # no params
    expected = torch_steps(*torch_optimizer(params), grads)[7:]
    for record in expected[:2]:    # torch has no state for it yet: MindSpore's is lr, 0
        record["bn.beta"] = (record["bn.beta"][0], np.full(3, 0.01, dtype), np.zeros(3, dtype))
    weights = {n: t.detach().numpy().copy() for n, t in tensors.items()}
    converted = rc.torch_to_mindspore(topt.state_dict(), NAMES, target, params=weights,
                                      unstepped="seed")
    parameters, opt = ms_optimizer(weights, target)
    rc.load_into_mindspore(opt, converted)
    assert_identical(expected, ms_steps(parameters, opt, grads[7:]))


# --- MindSpore -> torch ----------------------------------------------------------------------------

@pytest.mark.claim("state.migrate", "checkpoint.step-counts")
@pytest.mark.parametrize("source", ["arrays", "checkpoint file"])
@pytest.mark.parametrize("at", [1, 7])
@pytest.mark.parametrize("target,dtype", CONFIGS)
def test_mindspore_state_resumes_in_torch(target, dtype, at, source, tmp_path):
    torch = oracles.require("torch")
    ms = oracles.mindspore()
    params, grads = problem(dtype)
    uninterrupted = ms_steps(*ms_optimizer(params, target), grads)
    parameters, opt = ms_optimizer(params, target)
    ms_steps(parameters, opt, grads[:at])
    if source == "arrays":
        ms_state = {p.name: p.asnumpy() for p in opt.get_parameters()}
    else:
        ms_state = tmp_path / "opt.ckpt"
        ms.save_checkpoint(opt, str(ms_state))
    weights = {p.name: p.asnumpy().copy() for p in parameters}
    tensors, topt = torch_optimizer(weights)
    state_dict = rc.mindspore_to_torch(ms_state, NAMES, target, param_groups=topt.param_groups)
    assert {int(s["step"]) for s in state_dict["state"].values()} == {at}
    assert all(s["step"].dtype == torch.float32 and s["step"].shape == () for s in state_dict["state"].values())
    topt.load_state_dict(state_dict)
    assert topt.param_groups[0]["lr"] == 0.01 and topt.param_groups[0]["etas"] == (0.5, 1.2)
    assert_identical(uninterrupted[at:], torch_steps(tensors, topt, grads[at:]))


def test_a_mindspore_optimizer_that_never_stepped_gives_an_empty_torch_state():
    oracles.require("torch")
    oracles.mindspore()
    params, grads = problem(np.float32)
    for target in rc.COUNTER:
        parameters, opt = ms_optimizer(params, target)
        tensors, topt = torch_optimizer(params)
        state_dict = rc.mindspore_to_torch(opt.parameters_dict(), NAMES, target, topt.param_groups)
        assert state_dict["state"] == {}
        topt.load_state_dict(state_dict)
        assert_identical(ms_steps(parameters, opt, grads[:3]), torch_steps(tensors, topt, grads[:3]))


# --- bad input: an exception that says what is wrong, nothing partial -----------------------------

@pytest.fixture(scope="module")
def stepped():
    """A torch optimizer after 3 steps and an nn.Rprop and experimental optimizer after 3 steps."""
    oracles.require("torch")
    oracles.mindspore()
    params, grads = problem(np.float32)
    tensors, topt = torch_optimizer(params)
    torch_steps(tensors, topt, grads[:3])
    ms_states = {}
    for target in rc.COUNTER:
        parameters, opt = ms_optimizer(params, target)
        ms_steps(parameters, opt, grads[:3])
        ms_states[target] = {p.name: p.asnumpy().copy() for p in opt.get_parameters()}
    return tensors, topt, ms_states


@pytest.mark.claim("checkpoint.refuses")
def test_bad_names_count(stepped):
    _, topt, ms_states = stepped
    with pytest.raises(rc.CheckpointError, match=r"names: 2 given .* the state_dict has 3 parameters"):
        rc.torch_to_mindspore(topt.state_dict(), NAMES[:2])
    with pytest.raises(rc.CheckpointError, match="one distinct name per parameter"):
        rc.torch_to_mindspore(topt.state_dict(), ("a", "a", "b"))
    with pytest.raises(rc.CheckpointError, match="param_groups has 3 parameters"):
        rc.mindspore_to_torch(ms_states["nn"], NAMES + ("extra",), "nn", topt.param_groups)


def test_bad_unknown_target(stepped):
    _, topt, ms_states = stepped
    with pytest.raises(rc.CheckpointError, match="unknown target 'graph': use 'nn'"):
        rc.torch_to_mindspore(topt.state_dict(), NAMES, "graph")
    with pytest.raises(rc.CheckpointError, match="unknown target"):
        rc.mindspore_to_torch(ms_states["nn"], NAMES, "Rprop", topt.param_groups)


@pytest.mark.claim("checkpoint.refuses")
def test_bad_shapes(stepped):
    torch = oracles.require("torch")
    _, topt, ms_states = stepped
    other = torch.optim.Rprop([torch.nn.Parameter(torch.zeros(SHAPES[n][::-1])) for n in NAMES])
    with pytest.raises(rc.CheckpointError, match=r"'dense.weight': prev \(4, 3\), .* torch parameter "
                                                 r"\(3, 4\): the shapes differ"):
        rc.mindspore_to_torch(ms_states["nn"], NAMES, "nn", other.param_groups)
    weights = {n: np.zeros(SHAPES[n][::-1], np.float32) for n in NAMES}
    with pytest.raises(rc.CheckpointError, match="the weight is"):
        rc.torch_to_mindspore(topt.state_dict(), NAMES, params=weights)
    # into a live optimizer of other shapes: refused, and nothing written
    converted = rc.torch_to_mindspore(topt.state_dict(), NAMES, "nn")
    parameters, opt = ms_optimizer(weights, "nn")
    before = {k: v.asnumpy().copy() for k, v in opt.parameters_dict().items()}
    with pytest.raises(rc.CheckpointError, match=r"nothing was written.*prev.dense.weight: given "
                                                 r"\(4, 3\) float32, the optimizer has \(3, 4\)"):
        rc.load_into_mindspore(opt, converted)
    assert all(v.asnumpy().tobytes() == before[k].tobytes() for k, v in opt.parameters_dict().items())


@pytest.mark.claim("checkpoint.refuses")
def test_bad_load_into_mindspore_keys_and_dtypes(stepped):
    _, topt, _ = stepped
    converted = rc.torch_to_mindspore(topt.state_dict(), NAMES, "nn")
    params = {n: np.zeros(SHAPES[n], np.float32) for n in NAMES}
    _, opt = ms_optimizer(params, "nn")
    with pytest.raises(rc.CheckpointError, match=r"missing \['global_step'\]"):
        rc.load_into_mindspore(opt, {k: v for k, v in converted.items() if k != "global_step"})
    with pytest.raises(rc.CheckpointError, match=r"not in this optimizer \['prev.gamma'\]"):
        rc.load_into_mindspore(opt, {**converted, "prev.gamma": converted["prev.bn.gamma"]})
    with pytest.raises(rc.CheckpointError, match="global_step: given .* int64"):
        rc.load_into_mindspore(opt, {**converted, "global_step": np.array([3])})
    with pytest.raises(rc.CheckpointError, match=r"weights given for \['bn.beta'\] only"):
        rc.load_into_mindspore(opt, {**converted, "bn.beta": params["bn.beta"]})
    _, experimental = ms_optimizer(params, "experimental")   # nn's state into experimental
    with pytest.raises(rc.CheckpointError, match=r"missing \['step_t'\]; not in this optimizer "
                                                 r"\['global_step', 'learning_rate'\]"):
        rc.load_into_mindspore(experimental, converted)
    assert not opt.prev[0].asnumpy().any() and not experimental.prev[0].asnumpy().any()


@pytest.mark.claim("checkpoint.load-param-into-net")
def test_load_param_into_net_would_misplace_what_load_into_mindspore_refuses(stepped):
    """Why load_into_mindspore exists: non-strict load_param_into_net strips an unknown prefix and
    loads `prev.x.w` into the weight `w` (and only logs it)."""
    ms = oracles.mindspore()
    _, topt, _ = stepped
    converted = rc.torch_to_mindspore(topt.state_dict(), NAMES, "nn")
    w = ms.Parameter(ms.Tensor(np.zeros((4, 3), np.float32)), name="weight")
    opt = ms.nn.Rprop([w], learning_rate=0.01, weight_decay=0.0)
    wrong = {"prev.x.weight": ms.Parameter(ms.Tensor(converted["prev.dense.weight"].copy()), name="prev.x.weight")}
    ms.load_param_into_net(opt, wrong)
    assert w.asnumpy().tobytes() == converted["prev.dense.weight"].tobytes()   # the weight got prev
    with pytest.raises(rc.CheckpointError, match="missing"):
        rc.load_into_mindspore(opt, {"prev.x.weight": converted["prev.dense.weight"]})


@pytest.mark.claim("checkpoint.refuses")
def test_bad_unstepped_torch_parameter(stepped):
    torch = oracles.require("torch")
    a, b = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2))
    opt = torch.optim.Rprop([a, b])
    a.grad = torch.ones(2)
    opt.step()
    with pytest.raises(rc.CheckpointError, match=r"parameter 'b' has no torch state yet \(it never had "
                                                 r"a gradient\)\. MindSpore seeds step sizes only"):
        rc.torch_to_mindspore(opt.state_dict(), ["a", "b"])
    fresh = torch.optim.Rprop([a])
    with pytest.raises(rc.CheckpointError, match="'a' has no torch state yet"):
        rc.torch_to_mindspore(fresh.state_dict(), ["a"], "experimental")


@pytest.mark.claim("checkpoint.refuses")
def test_bad_missing_counter(stepped):
    _, topt, ms_states = stepped
    for target, counter in rc.COUNTER.items():
        state = {k: v for k, v in ms_states[target].items() if k != counter}
        with pytest.raises(rc.CheckpointError, match=f"no step counter '{counter}'; without it a resume "
                                                     "would re-seed every step size from lr"):
            rc.mindspore_to_torch(state, NAMES, target, topt.param_groups)
    with pytest.raises(rc.CheckpointError, match="it has 'step_t': pass target='experimental'"):
        rc.mindspore_to_torch(ms_states["experimental"], NAMES, "nn", topt.param_groups)
    with pytest.raises(rc.CheckpointError, match=r"lacks \['prev.bn.beta'\]"):
        rc.mindspore_to_torch({k: v for k, v in ms_states["nn"].items() if k != "prev.bn.beta"},
                              NAMES, "nn", topt.param_groups)


@pytest.mark.claim("checkpoint.refuses")
def test_bad_missing_param_groups(stepped):
    _, _, ms_states = stepped
    with pytest.raises(rc.CheckpointError, match="param_groups is required: MindSpore stores no "
                                                 "lr/etas/step_sizes"):
        rc.mindspore_to_torch(ms_states["nn"], NAMES)


@pytest.mark.claim("checkpoint.refuses")
def test_bad_other_optimizer(stepped):
    torch = oracles.require("torch")
    tensors, _, _ = stepped
    adam = torch.optim.Adam(list(tensors.values()))
    for t in tensors.values():
        t.grad = torch.ones_like(t)
    adam.step()
    with pytest.raises(rc.CheckpointError, match=r"not a torch.optim.Rprop state_dict: .*'betas'"):
        rc.torch_to_mindspore(adam.state_dict(), NAMES)
    with pytest.raises(rc.CheckpointError, match="must be torch.optim.Rprop.state_dict()"):
        rc.torch_to_mindspore({"prev.w": np.zeros(2)}, ["w"])


@pytest.mark.claim("checkpoint.refuses")
def test_bad_maximize_to_nn_and_float16_to_experimental(stepped):
    torch = oracles.require("torch")
    _, topt, ms_states = stepped
    w = torch.nn.Parameter(torch.ones(2))
    opt = torch.optim.Rprop([w], maximize=True)
    w.grad = torch.ones(2)
    opt.step()
    with pytest.raises(rc.CheckpointError, match="maximize=True cannot go to mindspore.nn.Rprop"):
        rc.torch_to_mindspore(opt.state_dict(), ["w"], "nn")
    assert set(rc.torch_to_mindspore(opt.state_dict(), ["w"], "experimental")) == {
        "prev.w", "step_size.w", "step_t"}
    maximizing = torch.optim.Rprop([torch.nn.Parameter(torch.zeros(SHAPES[n])) for n in NAMES],
                                   maximize=True)
    with pytest.raises(rc.CheckpointError, match="nn.Rprop state has no maximize"):
        rc.mindspore_to_torch(ms_states["nn"], NAMES, "nn", maximizing.param_groups)
    h = torch.nn.Parameter(torch.ones(2, dtype=torch.float16))
    half = torch.optim.Rprop([h])
    h.grad = torch.ones(2, dtype=torch.float16)
    half.step()
    with pytest.raises(rc.CheckpointError, match="'h' is float16, which mindspore.experimental"):
        rc.torch_to_mindspore(half.state_dict(), ["h"], "experimental")
    # a float32 MindSpore state into a float16 torch parameter: torch would cast silently
    sixteen = torch.optim.Rprop([torch.nn.Parameter(torch.zeros(SHAPES[n], dtype=torch.float16))
                                 for n in NAMES])
    with pytest.raises(rc.CheckpointError, match="torch parameter float16: use the same dtype"):
        rc.mindspore_to_torch(ms_states["nn"], NAMES, "nn", sixteen.param_groups)


# --- the file itself: copyable ------------------------------------------------------------------

@pytest.mark.claim("checkpoint.standalone")
def test_converter_is_standalone_and_short():
    """Only the standard library and NumPy at import time (torch and MindSpore inside the functions
    that need them), at most ~365 lines (about 60 of them the messages in Chinese; 360 until it
    refused per-group etas and step_sizes for nn.Rprop, which has one of each), and a docstring on
    every public function."""
    import ast
    source = (SNIPPETS / "rprop_checkpoint.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    top = {alias.name.split(".")[0] for node in tree.body if isinstance(node, ast.Import)
           for alias in node.names}
    top |= {node.module.split(".")[0] for node in tree.body if isinstance(node, ast.ImportFrom)}
    assert top <= {"__future__", "os", "numpy"}, top
    assert len(source.splitlines()) <= 365
    public = [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    assert {n.name for n in public} == {"torch_to_mindspore", "load_into_mindspore", "mindspore_to_torch"}
    assert all(ast.get_docstring(n) for n in public) and ast.get_docstring(tree)


def test_every_refusal_says_in_english_and_in_chinese_what_to_do():
    """Each `CheckpointError` of the file carries its message in both languages, the Chinese one
    saying what to do (请…), as the English one does."""
    import ast
    tree = ast.parse((SNIPPETS / "rprop_checkpoint.py").read_text(encoding="utf-8"))
    raised = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
              and getattr(node.func, "id", None) == "CheckpointError"]
    assert len(raised) >= 25
    for call in raised:
        assert len(call.args) == 2, ast.unparse(call)
        chinese = ast.unparse(call.args[1])
        assert re.search("[\u4e00-\u9fff]", chinese) and "请" in chinese, chinese


def test_a_refusal_reads_english_then_chinese():
    """Refusals found before torch or MindSpore is needed, with the Chinese message on the second line."""
    rprop = {"params": [0], "lr": 0.01, "etas": (0.5, 1.2), "step_sizes": (1e-6, 50)}
    adam = {"params": [0], "lr": 0.01, "betas": (0.9, 0.999)}
    cases = [
        (({}, ["w"], "graph"), {}, "未知的 target 'graph'：请使用 'nn'（mindspore.nn.Rprop）或 'experimental'"),
        (({"prev.w": np.zeros(2)}, ["w"]), {}, "state_dict 必须是 torch.optim.Rprop.state_dict() 的返回值"),
        (({"state": {}, "param_groups": [adam]}, ["w"]), {},
         "这不是 torch.optim.Rprop 的 state_dict：其参数组的键为 ['betas', 'lr']"),
        (({"state": {}, "param_groups": [rprop]}, ["w", "v"]), {},
         "names：传入了 2 个名称（['w', 'v']），但 state_dict 中有 1 个参数：请按参数顺序"),
        (({"state": {}, "param_groups": [rprop]}, ["w"]), {"unstepped": "skip"},
         "unstepped='skip' 无效：请使用 'refuse' 或 'seed'"),
        (({"state": {}, "param_groups": [{**rprop, "maximize": True}]}, ["w"]), {},
         "mindspore.nn.Rprop 没有 maximize，不能接收 maximize=True 的状态：请使用 target='experimental'"),
        (({"state": {}, "param_groups": [rprop]}, ["w"]), {},
         "参数 'w' 还没有 torch 状态（它从未得到过梯度）。MindSpore 只在共用计数器的第 1 步设定初始步长"),
        (({"state": {0: {"step": 1.0, "prev": np.zeros(2, np.float16), "step_size": np.ones(2, np.float16)}},
           "param_groups": [rprop]}, ["w"], "experimental"), {},
         "'w' 是 float16，而 mindspore.experimental.optim.Rprop 不能训练 float16 参数：请使用 target='nn'"),
    ]
    for args, kwargs, chinese in cases:
        with pytest.raises(rc.CheckpointError) as raised:
            rc.torch_to_mindspore(*args, **kwargs)
        error = raised.value
        assert str(error) == f"{error.en}\n{error.zh}" and not re.search("[\u4e00-\u9fff]", error.en)
        assert error.zh.startswith(chinese), (error.zh, chinese)


# --- a real model through the files: names from map_names, parameter groups, a frozen weight --------

def _named_groups(model):
    named = list(model.named_parameters())       # param_names are then the state_dict keys
    return [{"params": [(k, p) for k, p in named if k.startswith("features.")], "lr": 1e-3},
            {"params": [(k, p) for k, p in named if k.startswith("head.")], "lr": 1e-2}]


@pytest.mark.claim("state.migrate")
def test_files_of_a_cnn_with_groups_and_a_frozen_bias_resume_bit_identically_both_ways():
    torch, ms = oracles.require("torch"), oracles.mindspore()
    import port_models
    port_names, port_transfer = load_snippet("port_names"), load_snippet("port_transfer")
    torch.manual_seed(0)
    model, _ = port_models.TORCH["cnn"](torch)
    opt = torch.optim.Rprop(_named_groups(model))
    x, y = (torch.from_numpy(a) for a in port_models.inputs("cnn", np.random.default_rng(0)))

    def step(m, o):
        o.zero_grad()
        ((m(x) - y) ** 2).mean().backward()
        grads = {k: p.grad for k, p in m.named_parameters()}
        o.step()
        return grads
    for _ in range(3):
        step(model, opt)
    net, spec = port_models.MINDSPORE["cnn"](ms)
    names = port_names.map_names(model, net)
    port_transfer.transfer_to_mindspore(model, None, net, None, names)        # the weights
    ms_opt = ms.nn.Rprop(port_models.mindspore_groups(net, spec), weight_decay=0.0)
    frozen = ["features.0.bias"]
    converted = rc.torch_to_mindspore(opt.state_dict(), names, "nn", frozen=frozen)
    assert {"learning_rate_group_0", "learning_rate_group_1"} <= set(converted)
    rc.load_into_mindspore(ms_opt, converted)
    for _ in range(3):
        grads = step(model, opt)
        ms_opt(tuple(ms.Tensor(grads[next(k for k, v in names.items() if v == p.name)].numpy())
                     for p in ms_opt.parameters))
        for key, p in model.named_parameters():
            assert net.parameters_dict()[names[key]].asnumpy().tobytes() == p.detach().numpy().tobytes()
    model2, _ = port_models.TORCH["cnn"](torch)
    opt2 = torch.optim.Rprop(_named_groups(model2))
    with torch.no_grad():
        for key, p in model2.state_dict(keep_vars=True).items():
            if names[key]:
                p.copy_(torch.from_numpy(net.parameters_dict()[names[key]].asnumpy()))
    opt2.load_state_dict(rc.mindspore_to_torch(ms_opt.parameters_dict(), names, "nn",
                                               param_groups=opt2.param_groups, frozen=frozen))
    for _ in range(3):
        grads = step(model, opt)
        for key, p in model2.named_parameters():
            p.grad = grads[key]
        opt2.step()
        for key, p in model.named_parameters():
            assert dict(model2.named_parameters())[key].detach().numpy().tobytes() == p.detach().numpy().tobytes()


@pytest.mark.claim("checkpoint.refuses")
def test_a_names_dict_needs_param_names_and_must_cover_the_mindspore_state():
    torch = oracles.require("torch")
    params, grads = problem(np.float32)
    tensors, opt = torch_optimizer(params)          # built from a list: no param_names
    as_dict = {f"t{i}": n for i, n in enumerate(NAMES)}
    with pytest.raises(rc.CheckpointError, match="param_names"):
        rc.torch_to_mindspore(opt.state_dict(), as_dict, "nn")
    ms_state = {"global_step": np.array([3], np.int32), **{f"{k}.{n}": np.zeros(SHAPES[n], np.float32)
                                                           for n in NAMES for k in ("prev", "step_size")}}
    with pytest.raises(rc.CheckpointError, match="does not cover"):
        rc.mindspore_to_torch(ms_state, NAMES[:2], "nn", param_groups=[{**opt.param_groups[0],
                                                                        "params": list(tensors.values())[:2]}])
