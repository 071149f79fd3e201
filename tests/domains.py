"""What a proof actually sampled, checked against the domain its claim states.

A claim in data/claims.yml may list its `domain`: the named conditions its sentence covers
(`dtype:float32`, `0-d`, `sign-flip`, `optimizer:experimental`, `scheduler:StepLR`, …) and the
boundary the page names (`subnormal-product`). The oracles (tests/oracles.py) compute the features
of every problem they hand to a real optimizer — from the arrays and arguments themselves, not
from what a test says about them — and tests/conftest.py collects them per claim from the passing
tests that prove it. `test_every_proof_sampled_its_claims_domain` (tests/test_claims.py) then
fails for a claim whose proofs never met one of its conditions: a strategy narrowed by mistake, an
optimizer left out, a boundary test deleted.

A feature only a test knows (the scheduler it built) is added with `observe(...)`.
"""

from __future__ import annotations

import numpy as np

OBSERVED: set[str] = set()  # the features of the test that runs now (reset by conftest.py)


def observe(*features: str) -> None:
    OBSERVED.update(features)


def _tiny(dtype) -> float:
    return float(np.finfo(dtype).tiny) if np.issubdtype(dtype, np.floating) else 0.0


def problem_features(params: dict, grads_per_step: list[dict]) -> set[str]:
    """Features of one problem: dtypes, ranks, how many parameters, and what its gradients do."""
    found = {"several-parameters"} if len(params) > 1 else set()
    for p in params.values():
        p = np.asarray(p)
        found |= {f"dtype:{p.dtype.name}", "0-d" if p.ndim == 0 else "1-d" if p.ndim == 1 else "2-d+"}
        if p.size == 0:
            found.add("empty")
    if len(grads_per_step) > 1:
        found.add("several-steps")
    prev: dict[str, np.ndarray] = {}
    for t, step in enumerate(grads_per_step):
        for name, g in step.items():
            if g is None:
                found.add("missing-gradient")
                continue
            if t and name not in prev:
                found.add("late-parameter")  # its first gradient comes after step 1
            tiny = _tiny(np.real(np.asarray(g)).dtype)
            g = np.real(np.asarray(g)).astype(np.float64)  # (a complex gradient: its real part)
            finite = np.abs(g[np.isfinite(g)])
            nonzero = finite[finite > 0]
            found |= {f for f, hit in (
                ("zero-gradient", np.any(g == 0)), ("nan-gradient", np.any(np.isnan(g))),
                ("inf-gradient", np.any(np.isinf(g))), ("large-gradient", np.any(finite >= 1e2)),
                ("tiny-gradient", np.any((nonzero <= 1e-6) & (nonzero >= tiny))),
                ("subnormal-gradient", np.any(nonzero < tiny))) if hit}
            if name in prev and prev[name].shape == g.shape:
                with np.errstate(invalid="ignore", over="ignore", under="ignore"):
                    product = prev[name] * g
                if np.any(product < 0):
                    found.add("sign-flip")
                small = np.abs(product[np.isfinite(product)])
                if np.any((small > 0) & (small < tiny)):
                    found.add("subnormal-product")  # a product of two gradients below the normal range
            prev[name] = g
    return found


def argument_features(kwargs: dict) -> set[str]:
    """Features of the arguments an optimizer was built with (the names as given)."""
    found = {f"argument:{name}" for name in kwargs}
    for name in ("lr", "learning_rate"):
        value = kwargs.get(name)
        if isinstance(value, (list, tuple)):
            found.add("lr:list")
        elif value is not None and not isinstance(value, (int, float)):
            found.add(f"lr:{type(value).__name__}")
    return found


def missing(domain, observed) -> list[str]:
    """The conditions of `domain` that no observed problem met, in the domain's order."""
    return [feature for feature in domain if feature not in observed]
