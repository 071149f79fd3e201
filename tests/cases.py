"""Hypothesis strategies for random Rprop problems: parameters, gradient sequences and
hyper-parameters across their valid ranges.

Bulk values come from a NumPy generator seeded by Hypothesis; Hypothesis chooses the structure
that matters to Rprop: shapes (scalars and empty arrays included), how often a gradient is exactly
zero, repeats the previous one (growth), flips its sign (shrink and zeroing), is NaN (no sign
information: sign(NaN) is 0 in both frameworks) or is `None`, and the magnitude range (tiny
products underflow in float16).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

STEPS = 50
NAMES = ("w", "dense.weight", "dense.bias", "bn.gamma", "ln.beta", "layer.beta_proj", "emb")
SHAPES = ((), (1,), (7,), (3, 4), (2, 3, 2), (41,), (0,), (2, 0))
# (-24, -17): sign products below float32's smallest normal (2**-126), where MindSpore flushes.
MAGNITUDES = ((-3, 1), (-9, -3), (-1, 3), (-6, 2), (-24, -17))


@st.composite
def problems(draw, dtype, *, empty=True, scalar=True, missing=False, steps=STEPS):
    """`(params, grads_per_step)` with 1–3 parameters of `dtype`."""
    shapes = [s for s in SHAPES if (empty or 0 not in s) and (scalar or s != ())]
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    shape_of = {name: draw(st.sampled_from(shapes)) for name in names}
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    p_zero, p_repeat, p_flip = (draw(st.sampled_from(ps)) for ps in
                                ((0.0, 0.1, 0.5), (0.0, 0.3), (0.0, 0.2, 0.6)))
    p_missing = draw(st.sampled_from((0.0, 0.2))) if missing else 0.0
    # Not bfloat16: the oracle hands it to torch through float32, whose cast to bfloat16 turns
    # every NaN into 0xFFFF, so torch would see other NaN bits than the reference.
    p_nan = draw(st.sampled_from((0.0, 0.0, 0.03))) if np.dtype(dtype).name != "bfloat16" else 0.0
    low, high = draw(st.sampled_from(MAGNITUDES))

    def fresh(shape):
        sign = rng.choice((-1.0, 1.0), size=shape)
        return sign * 10.0 ** rng.uniform(low, high, size=shape)

    params = {n: rng.standard_normal(shape_of[n]).astype(np.float32).astype(dtype) for n in names}
    grads_per_step, last = [], {n: fresh(shape_of[n]) for n in names}
    for _ in range(steps):
        grads = {}
        for n in names:
            shape = shape_of[n]
            g = fresh(shape)
            roll = rng.random(shape)
            g = np.where(roll < p_repeat, last[n], g)
            g = np.where((roll >= p_repeat) & (roll < p_repeat + p_flip), -last[n], g)
            g = np.where(rng.random(shape) < p_zero, 0.0, g)
            g = np.where(rng.random(shape) < p_nan, np.nan, g)
            last[n] = g
            grads[n] = None if rng.random() < p_missing else np.asarray(g).astype(np.float32).astype(dtype)
        grads_per_step.append(grads)
    return params, grads_per_step


def step_sizes(*, floats_only: bool, allow_inverted: bool):
    """(min, max) pairs that hit both clamps: tiny and zero minimums, maximums below the lr."""
    low = st.sampled_from((0.0, 1e-9, 1e-6, 1e-4, 1e-2))
    high = st.sampled_from((0.02, 0.5, 1.0, 50.0, 1e3))
    pair = st.tuples(low, high)
    if allow_inverted:
        pair = st.one_of(pair, st.just((1.0, 0.1)))
    if not floats_only:
        pair = st.one_of(pair, st.just((1e-6, 50)))
    return pair


learning_rates = st.one_of(st.sampled_from((1e-9, 1e-3, 0.01, 0.1, 1.0, 100.0)),
                           st.floats(1e-6, 60.0))
etas = st.tuples(st.floats(0.05, 0.95), st.floats(1.05, 3.0))
