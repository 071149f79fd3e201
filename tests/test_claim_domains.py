"""Claims about torch and MindSpore proven over the whole domain their sentences state (issue 22),
each with a test at the boundary where the page says it stops holding.

- Bit-identity once the settings match (`rprop.same-steps`, `agree.three-settings`,
  `algorithm.migrate`, `port.settings`): any float32 problem (shapes with 0-d, gradients with exact
  zeros, NaN, sign flips, magnitudes from 1e-24 to 1e3), any `lr`, `etas` and `step_sizes` given
  alike to both sides, `nn.Rprop` and the experimental optimizer; it holds wherever no value is
  subnormal, and the page says so. Boundary: a product of two gradients below 2⁻¹²⁶.
- float16 with `nn.Rprop` (`dtype.mindspore`, `dtype.migrate`): the same bits as torch for
  parameters with at least one dimension; boundary: a 0-d float16 parameter raises `TypeError`.
- The experimental optimizer's arguments (`port.experimental-same-arguments`): torch's names and
  defaults build it; the three things the page says to change do raise.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import domains
import oracles
from cases import etas, learning_rates, problems, step_sizes
from domains import problem_features

TINY32 = np.finfo(np.float32).tiny


def _subnormal(values) -> bool:
    values = np.asarray(values, dtype=np.float32)
    return bool(np.any((values != 0) & (np.abs(values) < TINY32)))


def touches_subnormal(params: dict, grads: list[dict], run: list[dict]) -> bool:
    """Whether torch's run meets a subnormal float32 value: a gradient, the product of a gradient
    and the stored one, a step size or a parameter."""
    prev = {n: np.zeros_like(p, dtype=np.float32) for n, p in params.items()}
    for step, record in zip(grads, run, strict=True):
        for name, (param, step_size, stored) in record.items():
            g = step[name]
            if g is not None:
                with np.errstate(invalid="ignore", over="ignore"):
                    product = np.float32(1) * g.astype(np.float32) * prev[name]
                if _subnormal(g) or _subnormal(product[np.isfinite(product)]):
                    return True
            if _subnormal(param) or (step_size is not None and _subnormal(step_size)):
                return True
            if stored is not None:
                prev[name] = stored.astype(np.float32)
    return False


def _params_differ(a: list[dict], b: list[dict]) -> str | None:
    for step, (x, y) in enumerate(zip(a, b, strict=True), start=1):
        for name in x:
            if x[name][0].tobytes() != y[name][0].tobytes():
                return f"step {step}, {name}: torch {x[name][0]!r}, MindSpore {y[name][0]!r}"
    return None


@pytest.mark.claim("rprop.same-steps", "agree.three-settings", "algorithm.migrate", "port.settings")
@settings(max_examples=40, deadline=None)
@given(data=st.data(), experimental=st.booleans())
def test_matching_settings_give_the_same_bits_wherever_no_value_is_subnormal(data, experimental):
    oracles.require("torch")
    oracles.mindspore()
    params, grads = data.draw(problems(np.float32, empty=False))
    lr, pair = data.draw(learning_rates), data.draw(etas)
    low, high = data.draw(step_sizes(floats_only=True, allow_inverted=False))
    torch_run = oracles.run_torch(params, grads, lr=lr, etas=pair, step_sizes=(low, high))
    assume(not touches_subnormal(params, grads, torch_run))
    if experimental:
        other = oracles.run_mindspore(params, grads, experimental=True, lr=lr, etas=pair, step_sizes=(low, high))
    else:
        other = oracles.run_mindspore(params, grads, learning_rate=lr, etas=pair, step_sizes=(low, high),
                                      weight_decay=0.0)
    where = oracles.first_difference(torch_run, other)
    assert where is None, where


@pytest.mark.claim("rprop.same-steps", "agree.three-settings", "dtype.mindspore", "dtype.experimental")
@pytest.mark.parametrize("experimental", [False, True])
def test_a_subnormal_product_of_two_gradients_is_where_the_bits_part(experimental):
    """The boundary the pages name: 1e-20 · (-1e-20) = -1e-40 is a sign flip for torch, zero for
    MindSpore (w = [0, 0], the issue's counter-example)."""
    params = {"w": np.zeros(2, np.float32)}
    grads = [{"w": np.array([1e-20, 1.0], np.float32)}, {"w": np.array([-1e-20, 1.0], np.float32)}]
    torch_run = oracles.run_torch(params, grads)
    assert touches_subnormal(params, grads, torch_run)
    kwargs = {"experimental": True} if experimental else {"learning_rate": 0.01, "step_sizes": (1e-6, 50.0)}
    other = oracles.run_mindspore(params, grads, **kwargs)
    assert torch_run[1]["w"][0].tolist() == pytest.approx([-0.01, -0.022])    # flipped: no move at step 2
    assert other[1]["w"][0][0] == np.float32(0.0) and other[1]["w"][0][1] == np.float32(-0.022)


@pytest.mark.claim("dtype.mindspore", "dtype.migrate")
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_float16_parameters_with_a_dimension_step_as_in_torch(data):
    oracles.require("torch")
    oracles.mindspore()
    params, grads = data.draw(problems(np.float16, empty=False, scalar=False))
    lr, pair = data.draw(learning_rates), data.draw(etas)
    low, high = data.draw(step_sizes(floats_only=True, allow_inverted=False))
    torch_run = oracles.run_torch(params, grads, lr=lr, etas=pair, step_sizes=(low, high))
    other = oracles.run_mindspore(params, grads, learning_rate=lr, etas=pair, step_sizes=(low, high),
                                  weight_decay=0.0)
    where = _params_differ(torch_run, other)
    assert where is None, where


@pytest.mark.claim("dtype.mindspore", "dtype.migrate")
def test_a_0d_float16_parameter_raises_in_nn_rprop_and_steps_in_torch():
    params = {"w": np.array(0.5, np.float16)}
    grads = [{"w": np.array(1.0, np.float16)}]
    assert oracles.run_torch(params, grads)[0]["w"][0] == np.float16(0.49)
    with pytest.raises(TypeError):
        oracles.run_mindspore(params, grads, learning_rate=0.01, step_sizes=(1e-6, 50.0))


@pytest.mark.claim("port.experimental-same-arguments")
@pytest.mark.parametrize("call,raises", [
    ("optim.Rprop(params)", None),
    ("optim.Rprop(params, lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-6, 50), maximize=False)", None),
    ("optim.Rprop(params, 0.05, (0.3, 1.5), (1e-4, 1))", None),
    ("optim.Rprop([{'params': params[:1], 'lr': 0.02}, {'params': params[1:]}], lr=0.01)", None),
    ("optim.Rprop(params, lr=0.0)", ValueError),
    ("optim.Rprop(params, lr=ms.Tensor([0.01]))", ValueError),
    ("optim.Rprop(params, foreach=True)", TypeError),
    ("optim.Rprop(params, capturable=False)", TypeError),
    ("optim.Rprop(params, differentiable=False)", TypeError),
])
def test_the_experimental_optimizer_takes_torch_arguments_except_the_named_ones(call, raises):
    """Each call builds and steps in torch (so it is torch's argument list); the experimental
    optimizer takes it as it is, except the ones the page names."""
    torch, ms = oracles.require("torch"), oracles.mindspore()
    weights = [torch.nn.Parameter(torch.ones(3)) for _ in range(2)]
    opt = eval(call.replace("optim.", "torch.optim.").replace("ms.Tensor", "torch.tensor"),  # noqa: S307
               {"torch": torch, "params": weights})
    for w in weights:
        w.grad = torch.ones(3)
    opt.step()
    from mindspore.experimental import optim
    params = [ms.Parameter(ms.Tensor(np.ones(3, np.float32)), name=f"p{i}") for i in range(2)]
    scope = {"optim": optim, "ms": ms, "params": params}

    def build_and_step():
        opt = eval(call, scope)  # noqa: S307 - the calls above
        opt(tuple(ms.Tensor(np.ones(3, np.float32)) for _ in params))

    if raises is None:
        build_and_step()
    else:
        with pytest.raises(raises):
            build_and_step()


def _modes_run(ms, mode, experimental, jit, params, grads):
    """One MindSpore run in execution `mode` (the optimizer called directly, or inside a
    `mindspore.jit` function): the parameters after every step."""
    from mindspore.experimental import optim
    ms.set_context(mode=mode)
    domains.observe(*problem_features(params, grads), "optimizer:" + ("experimental" if experimental else "nn.Rprop"),
                    ("mode:graph" if ms.get_context("mode") == ms.GRAPH_MODE else "mode:pynative") + ("+jit" if jit else ""))
    try:
        weights = [ms.Parameter(ms.Tensor(p.copy()), name=n) for n, p in params.items()]
        opt = (optim.Rprop(weights, lr=0.01) if experimental
               else ms.nn.Rprop(weights, learning_rate=0.01, step_sizes=(1e-6, 50.0)))

        def step(gradients):
            return opt(gradients)

        call = ms.jit(step) if jit else opt
        out = []
        for g in grads:
            call(tuple(ms.Tensor(g[n].copy()) for n in params))
            out.append(b"".join(w.asnumpy().tobytes() for w in weights))
        return out
    finally:
        ms.set_context(mode=ms.PYNATIVE_MODE)


@pytest.mark.claim("scope.execution-mode")
@settings(max_examples=4, deadline=None)
@given(data=st.data(), experimental=st.booleans())
def test_graph_mode_and_jit_give_the_bits_of_pynative(data, experimental):
    """The site's claims are checked in PyNative mode; GRAPH_MODE and a mindspore.jit function give
    the very same parameters at every step, for both optimizers, on any float32 problem."""
    ms = oracles.mindspore()
    params, grads = data.draw(problems(np.float32, empty=False, steps=15))
    pynative = _modes_run(ms, ms.PYNATIVE_MODE, experimental, False, params, grads)
    assert _modes_run(ms, ms.GRAPH_MODE, experimental, False, params, grads) == pynative
    assert _modes_run(ms, ms.PYNATIVE_MODE, experimental, True, params, grads) == pynative


@pytest.mark.claim("upstream.mint-no-rprop")
def test_mindspore_mint_optim_has_no_rprop():
    """What the API mapping table offers for torch.optim from r2.5 on: mint.optim, without Rprop."""
    oracles.mindspore()
    from mindspore.mint import optim as mint_optim
    exported = {name for name in dir(mint_optim) if not name.startswith("_")}
    assert {"Adam", "AdamW"} <= exported and not any("rprop" in name.lower() for name in exported), exported
