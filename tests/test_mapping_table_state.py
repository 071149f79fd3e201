"""The mapping table (data/rprop-mapping.yml), continued: the rows calling, no-gradient, state
and dtype, proved against the real torch and MindSpore (helpers in test_mapping_table.py)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import oracles
from oracles import BFLOAT16, first_difference, run_mindspore, run_torch
from mapping_helpers import ms_optimizer, problem

X = np.random.default_rng(7).standard_normal((8, 2)).astype(np.float32)
Y = np.random.default_rng(8).standard_normal((8, 3)).astype(np.float32)
MODEL = {"w": np.random.default_rng(9).standard_normal((3, 2)).astype(np.float32),
         "b": np.zeros(3, np.float32)}


# --- calling convention -----------------------------------------------------------------------------

def ms_training(experimental, steps=5, use_b=True):
    """The MindSpore loop: gradients from value_and_grad over optimizer.parameters, then
    optimizer(grads). Returns the optimizer, the gradients it was fed, and its parameters."""
    ms = oracles.mindspore()
    parameters, opt = ms_optimizer(MODEL, experimental, **({} if experimental else {"learning_rate": 0.01}))
    w, b = parameters["w"], parameters["b"]

    def forward(x, y):
        out = ms.ops.matmul(x, w.T) + (b if use_b else 0)
        return ((out - y) ** 2).mean()

    grad_fn = ms.value_and_grad(forward, None, opt.parameters)
    fed = []
    for _ in range(steps):
        _, grads = grad_fn(ms.Tensor(X), ms.Tensor(Y))
        fed.append({n: g.asnumpy().copy() for n, g in zip(parameters, grads)})
        opt(grads)
    return opt, fed, {n: p.asnumpy().copy() for n, p in parameters.items()}


@pytest.mark.claim("calling.torch")
def test_torch_zero_grad_backward_step():
    torch = oracles.require("torch")
    w, b = (torch.nn.Parameter(torch.from_numpy(MODEL[n].copy())) for n in ("w", "b"))
    opt = torch.optim.Rprop([w, b])
    x, y, fed = torch.from_numpy(X), torch.from_numpy(Y), []
    for _ in range(5):
        opt.zero_grad()
        assert w.grad is None and b.grad is None
        loss = ((x @ w.T + b - y) ** 2).mean()
        loss.backward()
        fed.append({"w": w.grad.numpy().copy(), "b": b.grad.numpy().copy()})
        opt.step()
    replay = run_torch(MODEL, fed)[-1]
    assert replay["w"][0].tobytes() == w.detach().numpy().tobytes()
    assert replay["b"][0].tobytes() == b.detach().numpy().tobytes()


@pytest.mark.claim("calling.mindspore", "calling.experimental", "calling.migrate")
@pytest.mark.parametrize("experimental", [False, True])
def test_mindspore_value_and_grad_then_optimizer_grads(experimental):
    oracles.require("torch")
    opt, fed, final = ms_training(experimental)
    assert not hasattr(opt, "zero_grad")
    assert not any(np.array_equal(final[n], MODEL[n]) for n in MODEL)
    # the same gradients given to torch's zero_grad/backward/step loop: the same bits
    replay = run_torch(MODEL, fed)[-1]
    assert all(replay[n][0].tobytes() == final[n].tobytes() for n in MODEL)


# --- parameters without a gradient ------------------------------------------------------------------

@pytest.mark.claim("no-gradient.torch")
def test_torch_skips_a_parameter_without_gradient():
    params, grads = problem(steps=6)
    grads[3]["b"] = None
    records = run_torch(params, grads)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(records[3]["b"], records[2]["b"]))
    assert records[3]["w"][0].tobytes() != records[2]["w"][0].tobytes()
    never = run_torch(params, [{"w": g["w"], "b": None} for g in grads])
    assert all(r["b"][1] is None and r["b"][0].tobytes() == params["b"].tobytes() for r in never)


@pytest.mark.claim("no-gradient.mindspore", "no-gradient.experimental")
@pytest.mark.parametrize("experimental", [False, True])
def test_mindspore_zero_gradient_for_an_unused_parameter(experimental):
    ms = oracles.mindspore()
    opt, _, _ = ms_training(experimental, steps=3)      # b used: prev.b is not 0
    index = [p.name for p in opt.parameters].index("b")
    assert opt.prev[index].asnumpy().any()
    b_before = opt.parameters[index].asnumpy().copy()
    grad_fn = ms.value_and_grad(lambda x, y: ((ms.ops.matmul(x, opt.parameters[0].T) - y) ** 2).mean(),
                                None, opt.parameters)
    _, grads = grad_fn(ms.Tensor(X), ms.Tensor(Y))
    assert not grads[index].asnumpy().any()             # zeros for the unused parameter
    opt(grads)
    assert not opt.prev[index].asnumpy().any()          # its stored gradient is reset
    assert opt.parameters[index].asnumpy().tobytes() == b_before.tobytes()
    # a gradient tuple shorter than the parameters
    params, step = {"w": MODEL["w"], "b": MODEL["b"]}, ms.Tensor(np.ones((3, 2), np.float32))
    parameters, opt = ms_optimizer(params, experimental)
    if experimental:
        with pytest.raises(RuntimeError, match="HyperMap should have the same length"):
            opt((step,))
        return
    opt((step,))
    assert not np.array_equal(parameters["w"].asnumpy(), params["w"])
    assert parameters["b"].asnumpy().tobytes() == params["b"].tobytes()
    assert not opt.step_size[1].asnumpy().any() and not opt.prev[1].asnumpy().any()


@pytest.mark.claim("no-gradient.migrate")
def test_torch_with_zero_gradients_equals_mindspore():
    params, grads = problem(steps=12)
    zeros = [dict(g) for g in grads]
    for i in (3, 7):
        zeros[i]["b"] = np.zeros_like(grads[i]["b"])
    missing = [dict(g) for g in zeros]
    for i in (3, 7):
        missing[i]["b"] = None
    expected = run_mindspore(params, zeros, learning_rate=0.01)
    assert first_difference(run_torch(params, zeros), expected) is None
    assert first_difference(run_mindspore(params, zeros, experimental=True), expected) is None
    parted = run_torch(params, missing)  # the missing gradient keeps torch's prev: the runs part
    assert parted[3]["b"][0].tobytes() == expected[3]["b"][0].tobytes()
    assert parted[4]["b"][0].tobytes() != expected[4]["b"][0].tobytes()


# --- optimizer state and checkpoints ----------------------------------------------------------------

@pytest.mark.claim("state.torch")
def test_torch_state_per_parameter():
    torch = oracles.require("torch")
    params, grads = problem(steps=2)
    tensors = [torch.nn.Parameter(torch.from_numpy(p)) for p in params.values()]
    opt = torch.optim.Rprop(tensors)
    for p, g in zip(tensors, grads[0].values()):
        p.grad = torch.from_numpy(g)
    opt.step()
    state = opt.state_dict()["state"]
    assert sorted(state) == [0, 1] and all(set(s) == {"step", "prev", "step_size"} for s in state.values())


def ms_steps(opt, grads):
    ms = oracles.mindspore()
    for step in grads:
        opt(tuple(ms.Tensor(step[p.name]) for p in opt.parameters))
    return {p.name: p.asnumpy().copy() for p in opt.parameters}


COUNTER = {False: "global_step", True: "step_t"}
LR = {False: {"learning_rate": 0.01}, True: {}}  # torch's default lr on both


@pytest.mark.claim("state.mindspore", "state.experimental")
@pytest.mark.parametrize("experimental", [False, True])
def test_mindspore_checkpoint_and_resume(experimental, tmp_path):
    ms = oracles.mindspore()
    counter, lr = COUNTER[experimental], np.float32(0.01)
    params, grads = problem(steps=10)
    fresh = lambda values: ms_optimizer(values, experimental, **LR[experimental])[1]
    opt = fresh(params)
    uninterrupted = ms_steps(fresh(params), grads)
    ms_steps(opt, grads[:5])
    ms.save_checkpoint(opt, str(tmp_path / "opt.ckpt"))
    saved = ms.load_checkpoint(str(tmp_path / "opt.ckpt"))
    expected_names = {"w", "b", "prev.w", "prev.b", "step_size.w", "step_size.b", counter}
    assert set(saved) == expected_names | (set() if experimental else {"learning_rate"})
    zeros = {n: np.zeros_like(p) for n, p in params.items()}
    resumed = fresh(zeros)
    ms.load_param_into_net(resumed, saved)
    continued = ms_steps(resumed, grads[5:])
    assert all(continued[n].tobytes() == uninterrupted[n].tobytes() for n in params)
    # without the counter: the next step starts again from the learning rate
    reseeded = fresh(zeros)
    saved = ms.load_checkpoint(str(tmp_path / "opt.ckpt"))  # loading shares memory: a new copy
    prevs = {n: saved[f"prev.{n}"].asnumpy().copy() for n in params}
    ms.load_param_into_net(reseeded, {k: v for k, v in saved.items() if k != counter})
    ms_steps(reseeded, grads[5:6])
    for i, n in enumerate(params):
        product = np.sign(grads[5][n] * prevs[n])
        factor = np.where(product > 0, np.float32(1.2), np.where(product < 0, np.float32(0.5), np.float32(1)))
        assert reseeded.step_size[i].asnumpy().tobytes() == (lr * factor).tobytes()


@pytest.mark.claim("state.migrate")
@pytest.mark.parametrize("experimental", [False, True])
def test_torch_state_converts_to_mindspore(experimental):
    torch, ms = oracles.require("torch"), oracles.mindspore()
    params, grads = problem(steps=12)
    tensors = {n: torch.nn.Parameter(torch.from_numpy(p.copy())) for n, p in params.items()}
    topt = torch.optim.Rprop(tensors.values())
    for i, step in enumerate(grads):
        for n, t in tensors.items():
            t.grad = torch.from_numpy(step[n].copy())
        topt.step()
        if i == 5:  # convert here
            state = copy.deepcopy(topt.state_dict()["state"])
            now = {n: t.detach().numpy().copy() for n, t in tensors.items()}
    final = {n: t.detach().numpy().copy() for n, t in tensors.items()}
    _, opt = ms_optimizer(now, experimental, **LR[experimental])
    for i, n in enumerate(params):
        opt.prev[i].set_data(ms.Tensor(state[i]["prev"].numpy()))
        opt.step_size[i].set_data(ms.Tensor(state[i]["step_size"].numpy()))
    steps = {int(s["step"]) for s in state.values()}
    assert steps == {6}
    if experimental:
        opt.step_t.set_data(ms.Tensor(6, ms.int32))
    else:
        opt.global_step.set_data(ms.Tensor([6], ms.int32))
    continued = ms_steps(opt, grads[6:])
    assert all(continued[n].tobytes() == final[n].tobytes() for n in params)


# --- dtypes -----------------------------------------------------------------------------------------

def as_dtype(params, grads, dtype):
    return ({n: p.astype(dtype) for n, p in params.items()},
            [{n: g.astype(dtype) for n, g in step.items()} for step in grads])


def upcast(records, dtype):
    return [{n: tuple(a.astype(dtype) for a in r[n]) for n in r} for r in records]


def tiny(*values):
    """From w = 0, one element, gradients `values` (float32)."""
    return {"w": np.zeros(1, np.float32)}, [{"w": np.array([v], np.float32)} for v in values]


@pytest.mark.claim("dtype.torch")
@pytest.mark.parametrize("dtype", [np.float16, BFLOAT16, np.float32, np.float64])
def test_torch_computes_in_the_parameter_dtype(dtype):
    ones = {"w": np.ones(3, dtype)}
    records = run_torch(ones, [{"w": np.ones(3, dtype)}] * 4)
    step_size = dtype.type(0.01) if hasattr(dtype, "type") else dtype(0.01)
    for record in records:
        param, size, _ = record["w"]
        assert param.dtype == size.dtype == np.dtype(dtype)
        assert size.tobytes() == np.full(3, step_size, dtype).tobytes()
        step_size = np.asarray(step_size * np.asarray(1.2, dtype), dtype)[()]


@pytest.mark.claim("dtype.torch")
def test_torch_steps_complex_parameters_part_by_part():
    torch = oracles.require("torch")
    w = torch.nn.Parameter(torch.zeros(2, dtype=torch.complex64))
    opt = torch.optim.Rprop([w])
    w.grad = torch.tensor([1 - 2j, -3 + 0j], dtype=torch.complex64)
    opt.step()
    lr = np.float32(0.01)
    assert w.dtype == torch.complex64 and w.detach().numpy().tolist() == [-lr + lr * 1j, complex(lr, 0)]


@pytest.mark.claim("dtype.mindspore", "dtype.migrate")
def test_nn_rprop_float16_float64_bfloat16():
    params, grads = problem(steps=30)
    p16, g16 = as_dtype(params, grads, np.float16)
    assert first_difference(run_torch(p16, g16), run_mindspore(p16, g16, learning_rate=0.01)) is None
    p64, g64 = as_dtype(params, grads, np.float64)
    in_float32 = upcast(run_torch(*as_dtype(p64, g64, np.float32)), np.float64)
    assert first_difference(in_float32, run_mindspore(p64, g64, learning_rate=0.01)) is None
    assert first_difference(run_torch(p64, g64), run_mindspore(p64, g64, learning_rate=0.01)) is not None
    pbf, gbf = as_dtype(params, grads, BFLOAT16)
    # no CPU kernel: the operator named is Sign in 2.10, Mul in 2.8, Assign in 2.7
    with pytest.raises(TypeError, match=r"Select CPU operator\[\w+\] fail"):
        run_mindspore(pbf, gbf, learning_rate=0.01)


@pytest.mark.claim("dtype.mindspore", "dtype.experimental", "dtype.migrate")
@pytest.mark.parametrize("experimental", [False, True])
def test_subnormal_float32_counts_as_zero_in_mindspore(experimental):
    kwargs = {"experimental": True} if experimental else {"learning_rate": 0.01}
    lr = np.float32(0.01)
    # a sign product below 2⁻¹²⁶ (1e-20 · -1e-20 = -1e-40): torch sees the flip, MindSpore does not
    moves = lambda records: [r["w"][0][0] for r in records]
    assert moves(run_torch(*tiny(1e-20, -1e-20))) == [-lr, -lr]
    assert moves(run_mindspore(*tiny(1e-20, -1e-20), **kwargs)) == [-lr, 0]
    # a product of -2e-38 (above 2⁻¹²⁶ ≈ 1.18e-38) is normal: both see the flip
    assert first_difference(run_torch(*tiny(1e-19, -2e-19)),
                            run_mindspore(*tiny(1e-19, -2e-19), **kwargs)) is None
    # a subnormal gradient alone: torch moves, MindSpore does not
    assert moves(run_torch(*tiny(1e10, 1e-39))) == [-lr, -lr - lr * np.float32(1.2)]
    assert moves(run_mindspore(*tiny(1e10, 1e-39), **kwargs)) == [-lr, -lr]
    assert moves(run_mindspore(*tiny(1e-39), **kwargs)) == [0]
    # otherwise float32 gives torch's bits
    params, grads = problem(steps=30)
    assert first_difference(run_torch(params, grads), run_mindspore(params, grads, **kwargs)) is None


@pytest.mark.claim("dtype.experimental")
def test_experimental_float64_rounds_lr_etas_and_step_size_to_float32():
    f, d = np.float32, np.float64
    records = run_mindspore({"w": np.ones(3)}, [{"w": np.ones(3)}] * 5, experimental=True)
    expected = d(f(0.01))
    for record in records:
        assert record["w"][1].dtype == np.float64 and (record["w"][1] == expected).all()
        expected = d(f(expected)) * d(f(1.2))   # the stored step size is read as float32
    params, grads = as_dtype(*problem(steps=20), np.float64)
    like_torch = run_torch(params, grads, lr=float(f(0.01)), etas=(float(f(0.5)), float(f(1.2))))
    assert "step 3" in first_difference(like_torch, run_mindspore(params, grads, experimental=True))
