"""Run the real AdamW optimizers and the reference on the same parameters and gradients.

Each runner takes `params` (name → NumPy array), a list of per-step gradient dicts and the
framework's own constructor keyword arguments, and returns one record per step:
`{name: (param, exp_avg, exp_avg_sq, max_exp_avg_sq or None)}` as NumPy arrays. A gradient of
`None` (torch only) leaves `p.grad` unset for that step. The frameworks are imported through
`oracles.require` / `oracles.mindspore` (a skip, or a failure under `RPROP_REQUIRE_ORACLES=1`).

`problems` draws random AdamW problems: 1–3 named parameters (names that MindSpore's weight-decay
filter exempts among them), 0-d to 3-d, and gradients that are zero, tiny (their squares are
subnormal), large, repeated or sign-changing.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import oracles
from oracles import BFLOAT16, _from_ms, _from_torch, _to_ms, _to_torch

STEPS = 12
NAMES = ("w", "dense.weight", "dense.bias", "bn.gamma", "ln.beta", "emb")
SHAPES = ((), (1,), (7,), (3, 4), (41,), (2, 3, 2))
# log10 ranges of gradient magnitudes: ordinary, small, tiny (g*g subnormal in float32), large.
MAGNITUDES = ((-3, 1), (-8, -3), (-24, -19), (1, 5))


@st.composite
def problems(draw, dtype, *, scalar=True, missing=False, tiny=True, steps=STEPS):
    """`(params, grads_per_step)` with 1–3 parameters of `dtype`; `tiny=False` leaves out the
    gradients whose squares are subnormal (MindSpore flushes those at some steps only)."""
    shapes = [s for s in SHAPES if scalar or s != ()]
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    shape_of = {name: draw(st.sampled_from(shapes)) for name in names}
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    p_zero, p_flip = draw(st.sampled_from((0.0, 0.2))), draw(st.sampled_from((0.0, 0.3, 0.8)))
    p_missing = draw(st.sampled_from((0.0, 0.25))) if missing else 0.0
    low16 = np.dtype(dtype) in (np.float16, BFLOAT16)  # beyond (-6, 3) every step under- or overflows
    magnitudes = MAGNITUDES[:2] + ((-6, -4), (1, 3)) if low16 else MAGNITUDES if tiny else MAGNITUDES[:2] + MAGNITUDES[3:]
    low, high = draw(st.sampled_from(magnitudes))
    params = {n: np.asarray(rng.standard_normal(shape_of[n])).astype(np.float32).astype(dtype) for n in names}
    last = {n: np.ones(shape_of[n]) for n in names}
    grads_per_step = []
    for _ in range(steps):
        grads = {}
        for n in names:
            shape = shape_of[n]
            g = rng.choice((-1.0, 1.0), size=shape) * 10.0 ** rng.uniform(low, high, size=shape)
            g = np.where(rng.random(shape) < p_flip, -np.abs(last[n]) * np.sign(g), g)
            g = np.where(rng.random(shape) < p_zero, 0.0, g)
            last[n] = g
            grads[n] = None if rng.random() < p_missing else np.asarray(g).astype(np.float32).astype(dtype)
        grads_per_step.append(grads)
    return params, grads_per_step


# --- torch -------------------------------------------------------------------------------------------

def run_torch(params: dict, grads_per_step: list[dict], **kwargs) -> list[dict]:
    torch = oracles.require("torch")
    tensors = {name: torch.nn.Parameter(_to_torch(torch, p)) for name, p in params.items()}
    opt = torch.optim.AdamW(list(tensors.values()), **kwargs)
    records = []
    for grads in grads_per_step:
        for name, t in tensors.items():
            t.grad = None if grads[name] is None else _to_torch(torch, grads[name])
        opt.step()
        record = {}
        for name, t in tensors.items():
            state = opt.state.get(t, {})
            record[name] = (_from_torch(torch, t),) + tuple(
                _from_torch(torch, state[key]) if key in state else None
                for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"))
        records.append(record)
    return records


# --- MindSpore -----------------------------------------------------------------------------------------

def build_mindspore(params: dict, experimental: bool, **kwargs):
    ms = oracles.mindspore()
    parameters = [ms.Parameter(_to_ms(ms, p), name=name) for name, p in params.items()]
    kwargs = oracles.ms_kwargs(ms, kwargs)
    if experimental:
        from mindspore.experimental import optim
        return parameters, optim.AdamW(parameters, **kwargs)
    return parameters, ms.nn.AdamWeightDecay(parameters, **kwargs)


def run_mindspore(params: dict, grads_per_step: list[dict], experimental: bool = False, **kwargs) -> list[dict]:
    ms = oracles.mindspore()
    parameters, opt = build_mindspore(params, experimental, **kwargs)
    names = list(params)
    amsgrad = experimental and kwargs.get("amsgrad", False)
    first, second = ("exp_avg", "exp_avg_sq") if experimental else ("moments1", "moments2")
    records = []
    for grads in grads_per_step:
        opt(tuple(_to_ms(ms, grads[name]) for name in names))
        records.append({name: (_from_ms(ms, p), _from_ms(ms, getattr(opt, first)[i]),
                               _from_ms(ms, getattr(opt, second)[i]),
                               _from_ms(ms, opt.max_exp_avg_sq[i]) if amsgrad else None)
                        for i, (name, p) in enumerate(zip(names, parameters))})
    return records


# --- the reference -------------------------------------------------------------------------------------

def run_reference(convention: str, params: dict, grads_per_step: list[dict], **kwargs) -> list[dict]:
    import adamw_ref
    opt = adamw_ref.make(convention, **kwargs)
    state = opt.init(params)
    records = []
    for grads in grads_per_step:
        params, state = opt.step(params, grads, state)
        vmax = state.max_exp_avg_sq
        records.append({name: (params[name],
                               state.exp_avg[name] if state.step[name] else None,
                               state.exp_avg_sq[name] if state.step[name] else None,
                               vmax[name] if vmax is not None and state.step[name] else None)
                        for name in params})
    return records


WHAT = ("param", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")


def same_bits(x: np.ndarray, y: np.ndarray) -> bool:
    """Identical dtype, shape and bits, where any NaN equals any NaN (NaN payloads and signs are
    not part of the convention) but +0.0 and -0.0 differ."""
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    nan_x, nan_y = np.isnan(x.astype(np.float64)), np.isnan(y.astype(np.float64))
    x, y = x.copy(), y.copy()
    x[nan_x], y[nan_y] = 0, 0
    return bool(np.array_equal(nan_x, nan_y)) and x.tobytes() == y.tobytes()


def first_difference(expected: list[dict], actual: list[dict]) -> str | None:
    """None if both runs are bit-identical (`same_bits`), else where they first differ."""
    for step, (e, a) in enumerate(zip(expected, actual, strict=True), start=1):
        for name in e:
            for what, x, y in zip(WHAT, e[name], a[name]):
                if x is None or y is None:
                    if x is not y:
                        return f"step {step}, {name}.{what}: state exists on one side only"
                    continue
                if not same_bits(x, y):
                    return (f"step {step}, {name}.{what}: expected {x!r} ({x.dtype}), "
                            f"got {y!r} ({y.dtype})")
    return None


def ulps(x: np.ndarray, y: np.ndarray) -> int:
    """The largest distance between `x` and `y` in units in the last place of their dtype
    (float32/float64; both finite)."""
    bits = {np.dtype(np.float32): np.int32, np.dtype(np.float64): np.int64}[x.dtype]

    def ordered(a):
        i = np.ascontiguousarray(a).view(bits).astype(np.int64)
        return np.where(i < 0, np.iinfo(bits).min - i, i)
    return int(np.max(np.abs(ordered(x) - ordered(y)), initial=0))
