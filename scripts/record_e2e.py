"""Run the torch and the MindSpore (nn.Rprop) training snippets end to end and write what they
measure to data/e2e.json: where the two runs part, and why.

    python scripts/record_e2e.py [--out data/e2e.json]

The two snippets start from the same float32 data and weights and use optimizers that are
bit-identical on identical gradients. The runs still part, because the two frameworks' backward
passes round differently; Rprop only looks at sign(g), so the first time a near-zero gradient
component gets opposite signs, the parameters stop being equal. A replay (torch's recorded
gradients fed to mindspore.nn.Rprop) shows that the optimizer itself is not the cause.

Steps are counted from 1; "the parameters at step k" are those after the k-th optimizer step.
The output is deterministic: floats are written by json (Python's shortest repr of the float32
value), keys are sorted, so two runs on the same versions give byte-identical files.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DEFAULT_OUT = ROOT / "data" / "e2e.json"
PARAMETERS = ("weight", "bias")


def load_snippet(name: str):
    """Import snippets/<name>.py as a module (the snippets are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"snippet_{name}", SNIPPETS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_quietly(snippet) -> dict:
    """snippet.main() without its one-line-per-step printing."""
    with contextlib.redirect_stdout(io.StringIO()):
        return snippet.main()


def first_opposite_sign(torch_run: dict, mindspore_run: dict) -> dict | None:
    """The first gradient component with sign(g_torch) != sign(g_mindspore).

    sign is -1, 0 or +1 (numpy.sign), so this counts a component that is exactly 0.0 in one
    framework and non-zero in the other, as well as one positive and one negative. Components are
    scanned step by step (1-based), then weight before bias, then in row-major order.
    Returns {"step", "parameter", "index", "torch", "mindspore"} or None if the signs always agree.
    """
    for step in range(len(torch_run["loss"])):
        for parameter in PARAMETERS:
            g_torch = torch_run[f"grad_{parameter}"][step]
            g_mindspore = mindspore_run[f"grad_{parameter}"][step]
            differs = np.sign(g_torch) != np.sign(g_mindspore)
            if differs.any():
                index = tuple(int(i) for i in np.argwhere(differs)[0])
                return {"step": step + 1, "parameter": parameter, "index": list(index),
                        "torch": float(g_torch[index]), "mindspore": float(g_mindspore[index])}
    return None


def first_parameter_difference(run_a: dict, run_b: dict) -> int | None:
    """The first step after which some parameter is not bit-identical, or None."""
    for step in range(len(run_a["loss"])):
        for parameter in PARAMETERS:
            a, b = run_a[parameter][step], run_b[parameter][step]
            if a.dtype != b.dtype or a.tobytes() != b.tobytes():
                return step + 1
    return None


def max_abs_difference(arrays_a: list, arrays_b: list) -> float:
    """Largest |a - b| over all elements of all arrays, computed in float64."""
    return max(float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))
               for a, b in zip(arrays_a, arrays_b, strict=True))


def replay_into_mindspore(torch_snippet, torch_run: dict) -> dict:
    """Feed torch's recorded gradients to mindspore.nn.Rprop (set up like torch's defaults) on
    Parameters holding the same initial weights; return its parameters after every step."""
    import mindspore

    weight, bias = torch_snippet.initial_parameters()
    params = [mindspore.Parameter(mindspore.Tensor(weight), name="weight"),
              mindspore.Parameter(mindspore.Tensor(bias), name="bias")]
    optimizer = mindspore.nn.Rprop(params, learning_rate=0.01, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0))
    replayed = {"loss": torch_run["loss"], "weight": [], "bias": []}
    for grad_weight, grad_bias in zip(torch_run["grad_weight"], torch_run["grad_bias"], strict=True):
        optimizer((mindspore.Tensor(grad_weight), mindspore.Tensor(grad_bias)))
        replayed["weight"].append(params[0].asnumpy().copy())
        replayed["bias"].append(params[1].asnumpy().copy())
    return replayed


def measure() -> dict:
    import mindspore
    import torch

    # One thread: the torch run does not depend on how the CPU work is split.
    torch.set_num_threads(1)
    torch_snippet = load_snippet("torch_rprop")
    mindspore_snippet = load_snippet("mindspore_rprop")
    if torch_snippet.STEPS != mindspore_snippet.STEPS:
        raise SystemExit("the torch and MindSpore snippets do not run the same number of steps")
    torch_run = run_quietly(torch_snippet)
    mindspore_run = run_quietly(mindspore_snippet)

    loss_differences = [abs(a - b) for a, b in zip(torch_run["loss"], mindspore_run["loss"], strict=True)]
    largest = max(loss_differences)
    replayed = replay_into_mindspore(torch_snippet, torch_run)
    opposite = first_opposite_sign(torch_run, mindspore_run)
    return {
        "torch_version": torch.__version__,
        "mindspore_version": mindspore.__version__,
        "numpy_version": np.__version__,
        "steps": torch_snippet.STEPS,
        "loss_torch": torch_run["loss"],
        "loss_mindspore": mindspore_run["loss"],
        "first_opposite_sign": opposite,
        "first_opposite_sign_step": opposite["step"] if opposite else None,
        "first_parameter_difference_step": first_parameter_difference(torch_run, mindspore_run),
        "max_abs_loss_difference": largest,
        "max_abs_loss_difference_step": loss_differences.index(largest) + 1,
        "final_max_abs_weight_difference": max_abs_difference([torch_run["weight"][-1]],
                                                              [mindspore_run["weight"][-1]]),
        "final_max_abs_bias_difference": max_abs_difference([torch_run["bias"][-1]],
                                                            [mindspore_run["bias"][-1]]),
        "replay_first_parameter_difference_step": first_parameter_difference(torch_run, replayed),
        "replay_max_abs_parameter_difference": max_abs_difference(
            torch_run["weight"] + torch_run["bias"], replayed["weight"] + replayed["bias"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    args = parser.parse_args()
    text = json.dumps(measure(), sort_keys=True, indent=1) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
