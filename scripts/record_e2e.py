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
value), keys are sorted, so two runs on the same machine and versions give byte-identical files.

Native forward/backward results are not bit-portable across CPUs: the libraries behind them (MKL's
sgemm in torch) pick their kernels by CPU model. So the file also records

- `machine`: where it was recorded (CPU model, torch's instruction-set level, thread counts, library
  versions); re-recording on another machine gives another file;
- `grad_signs_torch` / `grad_signs_mindspore`: per step, the signs (+, -, 0) of the gradient
  components, weight row-major then bias. Rprop reads nothing else of a gradient, so two runs of
  one framework with the same signs have bit-identical parameters at every step;
- `portability`: the torch and MindSpore snippets re-run here in subprocesses under other settings
  (ATen's dispatch level, thread counts, MKL's kernel path), each compared with the recorded losses
  in float32 ulps; and the bound the tests allow between a fresh native run and this record
  (`bound_ulps`).

    python scripts/record_e2e.py --run torch_rprop [--threads N]

runs one snippet here and prints, as JSON, its losses and gradients (what the tests and the
portability measurement compare with the record).

    python scripts/record_e2e.py --elsewhere NAME

on another machine runs both snippets natively and writes how their losses differ from the record,
with that machine's description, to data/e2e-elsewhere.json under NAME.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib.util
import io
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DEFAULT_OUT = ROOT / "data" / "e2e.json"
PARAMETERS = ("weight", "bias")
FRAMEWORKS = {"torch": "torch_rprop", "mindspore": "mindspore_rprop"}

# The largest difference the tests allow between a fresh native run's loss and the recorded one at
# a step where both runs have the same parameters, in float32 ulps of the recorded loss. Measured
# (see `portability` in data/e2e.json): ATen's dispatch level (default, avx2, avx512) and the thread
# count (1, 2) change nothing on the recording machine; MKL's non-AVX512 sgemm path
# (MKL_ENABLE_INSTRUCTIONS=AVX2, the kernels MKL picks on CPUs without AVX-512 or, by CPU model, on
# AMD) changes the torch losses at 41 of 100 steps by up to 3 ulps (5.96e-08) — the same 41 steps
# as a native run on an AMD EPYC (data/e2e-elsewhere.json). MindSpore: no difference under any setting.
# Bound: twice the largest measured difference. Any real change (data, weights, settings,
# optimizer) moves the losses by orders of magnitude more (1e-3 and up).
BOUND_ULPS = 6
# A gradient component this small is rounding noise, not a direction: the L1 bias gradients are
# sums of ±1/48 that cancel to 0.0 or to crumbs of 2**-28 = 3.7e-09 depending on summation order;
# the smallest real gradient component in either run is 2.1e-05. A fresh run of one framework may
# take another path than the record only where such a crumb changes sign.
GRADIENT_CRUMB = 1e-6
# Differences measured on other machines (a fresh native run of each framework against this record):
# data/e2e-elsewhere.json, one entry per machine, written there by `--elsewhere NAME`.
ELSEWHERE = DEFAULT_OUT.parent / "e2e-elsewhere.json"
# Environment variables that steer the native kernels: cleared for every portability run, which
# then sets its own.
KERNEL_ENV = ("ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR", "OMP_NUM_THREADS")


def load_snippet(name: str):
    """Import snippets/<name>.py as a module (the snippets are scripts, not a package), without
    leaving a __pycache__ folder in snippets/."""
    spec = importlib.util.spec_from_file_location(f"snippet_{name}", SNIPPETS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    writes_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes_bytecode
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


def grad_signs(run: dict) -> list[str]:
    """Per step, the sign of each gradient component (weight row-major, then bias) as + - 0."""
    return ["".join("+" if g > 0 else "-" if g < 0 else "0"
                    for g in np.concatenate([np.ravel(run[f"grad_{p}"][step]) for p in PARAMETERS]))
            for step in range(len(run["loss"]))]


def float32_ulps(a: float, b: float) -> int:
    """How many float32 values lie between a and b (0 when equal; +0.0 and -0.0 are equal)."""
    def ordinal(x: float) -> int:
        bits = int(np.array([x], dtype=np.float32).view(np.int32)[0])
        return bits if bits >= 0 else -(bits & 0x7FFFFFFF)
    return abs(ordinal(a) - ordinal(b))


def compare_losses(fresh: list[float], recorded: list[float], part: int) -> dict:
    """A fresh run's losses against the recorded ones: steps differing, largest difference in ulps
    up to and including step `part` and after it, largest absolute difference."""
    ulps = [float32_ulps(a, b) for a, b in zip(fresh, recorded, strict=True)]
    return {
        "steps_differing": sum(u > 0 for u in ulps),
        "steps_differing_up_to_part": sum(u > 0 for u in ulps[:part]),
        "max_ulps": max(ulps),
        "max_ulps_up_to_part": max(ulps[:part]),
        "max_ulps_after_part": max(ulps[part:], default=0),
        "max_abs_difference": max(abs(a - b) for a, b in zip(fresh, recorded)),
    }


def machine() -> dict:
    """Where a recording is made: CPU model, kernel-steering environment variables, torch's
    instruction-set level and thread count (as set for the recording), MindSpore's thread count,
    library versions. Imports both frameworks."""
    import mindspore
    import torch

    torch.set_num_threads(1)
    model = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu_model": model,
        # Set by hand, these choose other kernels on the same CPU (see portability_settings).
        "kernel_env": {k: os.environ[k] for k in KERNEL_ENV if k in os.environ},
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "torch_num_threads": torch.get_num_threads(),
        "mindspore_runtime_num_threads": mindspore.get_context("runtime_num_threads"),
        "python_version": platform.python_version(),
        "torch_version": torch.__version__,
        "mindspore_version": mindspore.__version__,
        "numpy_version": np.__version__,
    }


def run_here(snippet_name: str, threads: int | None) -> dict:
    """Run one training snippet in this process: its losses, gradients (one flat list per step,
    weight row-major then bias), gradient signs, and the settings the framework reports."""
    if snippet_name.startswith("torch"):
        import torch
        if threads:
            torch.set_num_threads(threads)
        info = {"cpu_capability": torch.backends.cpu.get_cpu_capability(),
                "threads": torch.get_num_threads()}
    else:
        import mindspore
        if threads:
            mindspore.set_context(runtime_num_threads=threads)
        info = {"threads": mindspore.get_context("runtime_num_threads")}
    run = run_quietly(load_snippet(snippet_name))
    grads = [np.concatenate([np.ravel(run[f"grad_{p}"][step]) for p in PARAMETERS]).tolist()
             for step in range(len(run["loss"]))]
    return {**info, "loss": run["loss"], "grads": grads, "grad_signs": grad_signs(run)}


def run_elsewhere(snippet_name: str, env: dict, threads: int | None = None) -> dict:
    """run_here in a fresh interpreter, with the kernel-steering variables of this process cleared
    and `env` set (ATEN_CPU_CAPABILITY is read when torch loads)."""
    command = [sys.executable, "-I", str(Path(__file__).resolve()), "--run", snippet_name]
    if threads:
        command += ["--threads", str(threads)]
    clean = {k: v for k, v in os.environ.items() if k not in KERNEL_ENV}
    result = subprocess.run(command, env={**clean, **env}, capture_output=True, text=True,
                            timeout=300, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} with {env} failed:\n{result.stderr}")
    return json.loads(result.stdout)


def portability_settings() -> dict:
    """framework -> setting name -> (environment, threads): ATen's dispatch levels (avx512 only on
    a CPU that has it) with 1 and 2 threads, and MKL's AVX2 kernel path."""
    levels = ["native", "default", "avx2"]
    with contextlib.suppress(OSError):
        if " avx512f" in Path("/proc/cpuinfo").read_text(encoding="utf-8"):
            levels.append("avx512")
    settings = {"torch": {}, "mindspore": {}}
    for level in levels:
        env = {} if level == "native" else {"ATEN_CPU_CAPABILITY": level}
        for threads in (1, 2):
            name = f"{level}-threads-{threads}" if level == "native" else f"aten-{level}-threads-{threads}"
            settings["torch"][name] = (env, threads)
            if level in ("native", "default"):  # ATen does not run MindSpore's kernels
                settings["mindspore"][name] = (env, threads)
    settings["torch"]["mkl-avx2-threads-1"] = ({"MKL_ENABLE_INSTRUCTIONS": "AVX2"}, 1)
    return settings


def measure_portability(recorded: dict) -> dict:
    """Each framework's snippet under every portability setting, compared with the record."""
    part = recorded["first_opposite_sign_step"] or recorded["steps"]
    block = {"bound_ulps": BOUND_ULPS, "gradient_crumb": GRADIENT_CRUMB}
    largest = None
    for framework, settings in portability_settings().items():
        block[framework] = {}
        for name, (env, threads) in settings.items():
            run = run_elsewhere(FRAMEWORKS[framework], env, threads)
            signs = recorded[f"grad_signs_{framework}"]
            entry = {"env": env, "threads": run["threads"],
                     **({"cpu_capability": run["cpu_capability"]} if "cpu_capability" in run else {}),
                     "first_sign_difference_step": next(
                         (step for step, (a, b) in enumerate(zip(run["grad_signs"], signs), start=1)
                          if a != b), None),
                     **compare_losses(run["loss"], recorded[f"loss_{framework}"], part)}
            block[framework][name] = entry
            key = (entry["max_ulps"], entry["steps_differing"])
            if largest is None or key > largest[0]:
                largest = key, {"framework": framework, "setting": name,
                                **{k: entry[k] for k in ("steps_differing", "max_ulps",
                                                         "max_abs_difference")}}
    block["largest"] = largest[1]
    return block


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


def measure(portability: bool = True) -> dict:
    import mindspore
    import torch

    # One thread (set by machine()): the torch run does not depend on how the CPU work is split.
    where = machine()
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
    recorded = {
        "machine": where,
        "grad_signs_torch": grad_signs(torch_run),
        "grad_signs_mindspore": grad_signs(mindspore_run),
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
    if portability:
        recorded["portability"] = measure_portability(recorded)
    return recorded


def measure_elsewhere(name: str) -> None:
    """On another machine: each framework's snippet, run natively as the record was (one torch
    thread), against the record; written to data/e2e-elsewhere.json under `name` with the machine."""
    recorded = json.loads(DEFAULT_OUT.read_text(encoding="utf-8"))
    part = recorded["first_opposite_sign_step"] or recorded["steps"]
    entry = {"date": datetime.date.today().isoformat(), "machine": json.loads(subprocess.run(
        [sys.executable, "-I", str(Path(__file__).resolve()), "--machine"], capture_output=True, text=True,
        check=True).stdout)}
    for framework, snippet in FRAMEWORKS.items():
        run = run_elsewhere(snippet, {}, 1 if framework == "torch" else None)
        signs = recorded[f"grad_signs_{framework}"]
        entry[framework] = {"first_sign_difference_step": next(
            (step for step, (a, b) in enumerate(zip(run["grad_signs"], signs), start=1) if a != b), None),
            **compare_losses(run["loss"], recorded[f"loss_{framework}"], part)}
    found = json.loads(ELSEWHERE.read_text(encoding="utf-8")) if ELSEWHERE.exists() else {}
    found[name] = entry
    ELSEWHERE.write_text(json.dumps(found, sort_keys=True, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    parser.add_argument("--run", choices=sorted(FRAMEWORKS.values()),
                        help="run one snippet here and print its losses and gradients as JSON")
    parser.add_argument("--threads", type=int, help="with --run: the framework's thread count")
    parser.add_argument("--elsewhere", metavar="NAME",
                        help="measure this machine against the record, into data/e2e-elsewhere.json")
    parser.add_argument("--machine", action="store_true",
                        help="print this machine's `machine` block as JSON")
    args = parser.parse_args()
    if args.elsewhere:
        return measure_elsewhere(args.elsewhere)
    if args.run or args.machine:
        print(json.dumps(run_here(args.run, args.threads) if args.run else machine(), sort_keys=True))
        return
    text = json.dumps(measure(), sort_keys=True, indent=1) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
