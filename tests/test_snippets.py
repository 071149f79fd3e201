"""The runnable scripts in snippets/ and the end-to-end record data/e2e.json.

Each snippet runs as a real subprocess, the way a reader runs it: from an empty directory, with
`python -I` (isolated: neither the snippet's folder nor PYTHONPATH is on sys.path, so a snippet
cannot lean on project code). A clean run must leave stderr empty — nothing is allowed there, not
even MindSpore log lines (with the pinned numpy 1.26.4 MindSpore 2.10 prints none).
"""

from __future__ import annotations

import ast
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import oracles

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
E2E_JSON = ROOT / "data" / "e2e.json"
TIMEOUT = 180  # seconds per subprocess; a run takes a few seconds

# Every file in snippets/ and the frameworks it needs. A new snippet must be added here.
TRAINING = {"torch_rprop.py": "torch", "mindspore_rprop.py": "mindspore",
            "mindspore_experimental_rprop.py": "mindspore"}
REPLAY = {"replay_record_torch.py": "torch", "replay_mindspore.py": "mindspore"}

LOSS_LINE = re.compile(r"step (\d+) loss (\S+)")


def _require(framework: str) -> None:
    """Skip (or, under RPROP_REQUIRE_ORACLES=1, fail) when the framework is missing."""
    if framework == "mindspore":
        oracles.mindspore()
    else:
        oracles.require(framework)


def _steps_constant(snippet: str) -> int:
    """The module-level `STEPS = <int>` of a snippet, read without running it."""
    tree = ast.parse((SNIPPETS / snippet).read_text(encoding="utf-8"))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "STEPS"):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{snippet} has no module-level STEPS constant")


def _run(args: list, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=TIMEOUT)


def _run_snippet(snippet: str, cwd: Path, *args) -> subprocess.CompletedProcess:
    return _run(["-I", SNIPPETS / snippet, *args], cwd)


def _losses(snippet: str, result: subprocess.CompletedProcess) -> list[float]:
    """Check a clean training run and return its losses: exit 0, empty stderr, and stdout made of
    exactly the lines `step 1 loss x` … `step STEPS loss x`, each x a finite float."""
    assert result.returncode == 0, f"{snippet} exited {result.returncode}:\n{result.stderr}"
    assert result.stderr == "", f"{snippet} wrote to stderr:\n{result.stderr}"
    lines = result.stdout.splitlines()
    steps = _steps_constant(snippet)
    assert len(lines) == steps, f"{snippet}: {len(lines)} lines, expected STEPS = {steps}"
    losses = []
    for expected_step, line in enumerate(lines, start=1):
        match = LOSS_LINE.fullmatch(line)
        assert match, f"{snippet}: unexpected output line {line!r}"
        assert int(match.group(1)) == expected_step, line
        loss = float(match.group(2))
        assert math.isfinite(loss), line
        losses.append(loss)
    return losses


@pytest.fixture(scope="module")
def training_output(tmp_path_factory):
    """snippet name -> (CompletedProcess, files it left in its working directory); each
    training snippet runs at most once per test session."""
    cache = {}

    def run(snippet: str):
        if snippet not in cache:
            cwd = tmp_path_factory.mktemp(snippet.removesuffix(".py"))
            result = _run_snippet(snippet, cwd)
            cache[snippet] = result, sorted(p.name for p in cwd.iterdir())
        return cache[snippet]

    return run


@pytest.fixture(scope="module")
def replay_files(tmp_path_factory):
    """Run replay_record_torch.py once into an empty directory; returns (directory, result)."""
    oracles.require("torch")
    cwd = tmp_path_factory.mktemp("replay")
    result = _run_snippet("replay_record_torch.py", cwd, "torch_grads.npz")
    return cwd, result


def test_every_snippet_is_covered():
    assert sorted(p.name for p in SNIPPETS.iterdir()) == sorted({**TRAINING, **REPLAY})


# --- the training snippets -----------------------------------------------------------------------

@pytest.mark.parametrize("snippet", sorted(TRAINING))
def test_training_snippet_runs_cleanly(snippet, training_output):
    _require(TRAINING[snippet])
    result, files_left = training_output(snippet)
    losses = _losses(snippet, result)
    assert files_left == [], f"{snippet} wrote files into its working directory: {files_left}"
    # Training does something: the last loss is well below the first.
    assert losses[-1] < 0.5 * losses[0]


def test_frameworks_start_from_the_same_loss(training_output):
    """Step 1's loss only depends on data and initial weights: equal to float32 rounding means
    both frameworks got the same data and the same weights (weight (3, 2) in both)."""
    _require("torch")
    _require("mindspore")
    first = {s: _losses(s, training_output(s)[0])[0] for s in TRAINING}
    reference = first["torch_rprop.py"]
    for snippet, loss in first.items():
        assert abs(loss - reference) <= 1e-6 * abs(reference), (snippet, loss, reference)


def test_both_mindspore_optimizers_train_identically(training_output):
    """nn.Rprop(learning_rate=0.01, step_sizes=(1e-6, 50.0)) and experimental.optim.Rprop() get
    the same gradients from the same framework, so their runs print exactly the same losses."""
    _require("mindspore")
    nn_run = _losses("mindspore_rprop.py", training_output("mindspore_rprop.py")[0])
    experimental = "mindspore_experimental_rprop.py"
    assert _losses(experimental, training_output(experimental)[0]) == nn_run


# --- the gradient-replay pair ----------------------------------------------------------------------

def test_replay_record_trains_like_the_torch_snippet(replay_files, training_output):
    oracles.require("torch")
    cwd, result = replay_files
    # Same training as torch_rprop.py, so the same STEPS loss lines, digit for digit.
    assert _losses("replay_record_torch.py", result) == _losses(
        "torch_rprop.py", training_output("torch_rprop.py")[0])
    assert sorted(p.name for p in cwd.iterdir()) == ["torch_grads.npz"]


def test_mindspore_replays_torch_gradients_bit_for_bit(replay_files):
    oracles.require("torch")
    oracles.mindspore()
    cwd, _ = replay_files
    steps = _steps_constant("replay_record_torch.py")
    result = _run_snippet("replay_mindspore.py", cwd, "torch_grads.npz")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"nn.Rprop: identical at all {steps} steps",
        f"experimental.optim.Rprop: identical at all {steps} steps",
    ]


def test_replay_reports_a_one_ulp_difference(replay_files, tmp_path):
    """The replay check can fail: move one recorded bias value by one float32 ulp."""
    oracles.require("torch")
    oracles.mindspore()
    cwd, _ = replay_files
    recorded = dict(np.load(cwd / "torch_grads.npz"))
    bias = recorded["bias"].copy()
    bias[40, 1] = np.nextafter(bias[40, 1], np.float32(np.inf))
    np.savez(tmp_path / "tampered.npz", **{**recorded, "bias": bias})
    result = _run_snippet("replay_mindspore.py", tmp_path, "tampered.npz")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("nn.Rprop: first differs at step 41 (bias:")
    assert lines[1].startswith("experimental.optim.Rprop: first differs at step 41 (bias:")


def test_reference_replays_torch_gradients_bit_for_bit(replay_files):
    """The project's NumPy reference, torch convention, on torch's recorded gradients."""
    oracles.require("torch")
    import rprop_ref

    cwd, _ = replay_files
    recorded = np.load(cwd / "torch_grads.npz")
    steps = _steps_constant("replay_record_torch.py")
    assert recorded["grad_weight"].shape == (steps, 3, 2)
    assert recorded["grad_bias"].shape == (steps, 3)
    optimizer = rprop_ref.make("torch")
    params = {"weight": recorded["initial_weight"], "bias": recorded["initial_bias"]}
    state = optimizer.init(params)
    for step in range(steps):
        grads = {"weight": recorded["grad_weight"][step], "bias": recorded["grad_bias"][step]}
        params, state = optimizer.step(params, grads, state)
        for name in ("weight", "bias"):
            ours, torchs = params[name], recorded[name][step]
            assert ours.dtype == torchs.dtype == np.float32, name
            assert ours.tobytes() == torchs.tobytes(), f"step {step + 1}, {name}: {ours} vs {torchs}"


# --- data/e2e.json ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def e2e() -> dict:
    return json.loads(E2E_JSON.read_text(encoding="utf-8"))


def test_e2e_json_is_current(tmp_path):
    """Re-recording gives the committed file byte for byte (so it is deterministic and up to date
    with the snippets and the installed versions)."""
    oracles.require("torch")
    oracles.mindspore()
    out = tmp_path / "e2e.json"
    result = _run([ROOT / "scripts" / "record_e2e.py", "--out", out], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert out.read_bytes() == E2E_JSON.read_bytes(), (
        "data/e2e.json is stale: run `.venv/bin/python scripts/record_e2e.py`")


def test_e2e_losses_are_the_snippets_losses(e2e, training_output):
    """The recorded loss curves are what the snippets print when run on their own."""
    _require("torch")
    _require("mindspore")
    assert e2e["loss_torch"] == _losses("torch_rprop.py", training_output("torch_rprop.py")[0])
    assert e2e["loss_mindspore"] == _losses("mindspore_rprop.py",
                                            training_output("mindspore_rprop.py")[0])


def test_e2e_is_consistent(e2e):
    steps = e2e["steps"]
    assert steps == _steps_constant("torch_rprop.py") == _steps_constant("mindspore_rprop.py")
    torch_loss, ms_loss = e2e["loss_torch"], e2e["loss_mindspore"]
    assert len(torch_loss) == len(ms_loss) == steps

    # The optimizer is not what makes the runs part.
    assert e2e["replay_max_abs_parameter_difference"] == 0.0
    assert e2e["replay_first_parameter_difference_step"] is None

    # The loss summary matches the loss lists.
    differences = [abs(a - b) for a, b in zip(torch_loss, ms_loss)]
    assert e2e["max_abs_loss_difference"] == max(differences)
    assert e2e["max_abs_loss_difference_step"] == differences.index(max(differences)) + 1

    # The first opposite sign is a real one, and it comes no later than the parameters part.
    opposite = e2e["first_opposite_sign"]
    part = e2e["first_parameter_difference_step"]
    assert opposite is not None and part is not None, "the runs did not part: the page needs rewording"
    assert opposite["step"] == e2e["first_opposite_sign_step"]
    assert opposite["parameter"] in ("weight", "bias")
    assert np.sign(opposite["torch"]) != np.sign(opposite["mindspore"])
    assert 1 <= e2e["first_opposite_sign_step"] <= part <= steps

    # Up to and including step `part`, each loss is computed from bit-identical parameters. The
    # losses are nevertheless not always bit-identical there (the two forward passes round
    # differently), but they agree to float32 rounding.
    for step in range(1, part + 1):
        a, b = torch_loss[step - 1], ms_loss[step - 1]
        assert abs(a - b) <= 1e-6 * abs(a), (step, a, b)
    # After the runs part, the weights end up visibly apart.
    assert e2e["final_max_abs_weight_difference"] > 1e-6


def test_opposite_sign_definition():
    """sign(g_torch) != sign(g_mindspore): 0.0 against a non-zero value counts, 0.0 against -0.0
    does not (numpy.sign gives 0 for both)."""
    import record_e2e

    def run(weight_grads):
        return {"loss": [0.0] * len(weight_grads),
                "grad_weight": [np.array(g, dtype=np.float32) for g in weight_grads],
                "grad_bias": [np.zeros(1, dtype=np.float32) for _ in weight_grads]}

    a = run([[1.0, 0.0, -2.0], [0.5, 0.0, 3e-9], [1.0, 1.0, 1.0]])
    b = run([[2.0, -0.0, -1.0], [0.7, 0.0, -4e-9], [-1.0, 1.0, 1.0]])
    assert record_e2e.first_opposite_sign(a, b) == {
        "step": 2, "parameter": "weight", "index": [2], "torch": float(np.float32(3e-9)),
        "mindspore": float(np.float32(-4e-9))}
    zero = run([[1.0, 0.0, 1.0]])
    tiny = run([[1.0, -1e-30, 1.0]])
    assert record_e2e.first_opposite_sign(zero, tiny)["index"] == [1]
    assert record_e2e.first_opposite_sign(zero, run([[1.0, -0.0, 1.0]])) is None
