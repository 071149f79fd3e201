"""Sentences of the pages whose claim no other test file fits (see data/claims.yml)."""

from __future__ import annotations

import numpy as np
import pytest

import oracles
from sitebuild import load_snippet


@pytest.mark.claim("checkpoint.hyper-parameters")
def test_mindspore_state_has_no_etas_step_sizes_or_maximize_and_only_nn_saves_the_lr(tmp_path):
    """What `save_checkpoint(optimizer)` writes: nn.Rprop a `learning_rate` besides its state, the
    experimental optimizer no lr; neither any etas, step_sizes or maximize. So going back to torch
    the converter needs torch's `param_groups`, and refuses to guess them."""
    ms = oracles.mindspore()
    from mindspore.experimental import optim
    saved = {}
    for kind in ("nn", "experimental"):
        weight = ms.Parameter(ms.Tensor(np.ones(2, np.float32)), name="w")
        opt = (ms.nn.Rprop([weight], learning_rate=0.01, step_sizes=(1e-6, 50.0)) if kind == "nn"
               else optim.Rprop([weight], lr=0.01))
        path = tmp_path / f"{kind}.ckpt"
        ms.save_checkpoint(opt, str(path))
        saved[kind] = set(ms.load_checkpoint(str(path)))
    assert saved["nn"] == {"w", "prev.w", "step_size.w", "global_step", "learning_rate"}, saved
    assert saved["experimental"] == {"w", "prev.w", "step_size.w", "step_t"}, saved
    for names in saved.values():
        assert not any(word in name for name in names for word in ("eta", "step_sizes", "maximize", "lr"))

    converter = load_snippet("rprop_checkpoint")
    with pytest.raises(converter.CheckpointError, match="param_groups is required"):
        converter.mindspore_to_torch(str(tmp_path / "nn.ckpt"), ["w"], target="nn")


@pytest.mark.claim("checkpoint.fresh-state")
def test_a_resume_with_fresh_optimizer_state_trains_differently_from_its_first_step():
    """In all three optimizers: continue from the same weights with a new optimizer (fresh state)
    and the very first continued step already differs from the uninterrupted run; its step sizes
    are the learning rate again."""
    oracles.require("torch")
    oracles.mindspore()
    rng = np.random.default_rng(11)
    params = {"w": rng.standard_normal(16).astype(np.float32)}
    grads = [{"w": rng.standard_normal(16).astype(np.float32)} for _ in range(10)]
    runs = {"torch": lambda p, g: oracles.run_torch(p, g),
            "nn.Rprop": lambda p, g: oracles.run_mindspore(p, g, learning_rate=0.01),
            "experimental": lambda p, g: oracles.run_mindspore(p, g, experimental=True)}
    for name, run in runs.items():
        uninterrupted = run(params, grads)
        resumed = run({"w": uninterrupted[4]["w"][0]}, grads[5:])
        assert oracles.first_difference(uninterrupted[5:], resumed).startswith("step 1, w."), name
        assert (resumed[0]["w"][1] == np.float32(0.01)).all(), name   # seeded from lr again
        assert not (uninterrupted[5]["w"][1] == np.float32(0.01)).all(), name
