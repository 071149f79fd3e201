"""Probe: optax's `optax.rprop` on the problem (JAX on CPU, float32).

Run by scripts/other_routes.py in `.cache/routes/optax/` with the problem file; prints one JSON
line: the defaults, the parameter after every step with torch's default settings, and the first
steps with an initial step size above the largest step size (torch clamps it to the largest).
"""

import importlib.metadata
import inspect
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import _trajectory  # noqa: E402

import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402


def steps(w0, grads, **kwargs) -> list[str]:
    opt = optax.rprop(**kwargs)
    w = jnp.asarray(w0)
    state = opt.init(w)
    out = []
    for g in grads:
        updates, state = opt.update(jnp.asarray(g), state, w)
        w = optax.apply_updates(w, updates)
        out.append(_trajectory.record(w))
    return out


def main() -> None:
    w0, grads = _trajectory.load(sys.argv[1])
    like_torch = {"learning_rate": 0.01, "eta_minus": 0.5, "eta_plus": 1.2, "min_step_size": 1e-6, "max_step_size": 50.0}
    above = {**like_torch, "learning_rate": 100.0}
    print(json.dumps({
        "versions": {p: importlib.metadata.version(p) for p in ("optax", "jax", "jaxlib")},
        "dtype": str(jnp.asarray(w0).dtype),
        "defaults": {k: v.default for k, v in inspect.signature(optax.rprop).parameters.items()
                     if v.default is not inspect.Parameter.empty},
        "like_torch": {"arguments": like_torch, "params": steps(w0, grads, **like_torch)},
        "above_max": {"arguments": above, "params": steps(w0, grads[:3], **above)},
    }))


if __name__ == "__main__":
    sys.exit(main())
