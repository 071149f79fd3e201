"""The other routes a reader asks about (MindTorch, TroubleShooter, Paddle, optax), each run in its
own environment: what it does for an Rprop port, recorded into data/other-routes.json.

One virtual environment per route under `.cache/routes/<route>/`, built with pip from the
registries (reused while its stamp, the requirement list, is unchanged), as scripts/matrix.py builds
the version matrix's. In each, the route's probe (scripts/routes/probe_<route>.py) runs on the problem
below and prints what it observed as JSON; this script records that, with the versions `pip freeze`
reports, the environment's size and its build time. `mindspore.mint.optim` needs no environment of
its own: it is the pinned MindSpore of `.venv`, recorded here from this interpreter and checked live
by tests/test_other_routes.py, which also checks every recorded outcome against torch (run there).

    .venv/bin/python scripts/other_routes.py [--only ROUTE ...] [--rebuild] [--build-only]

An environment that cannot be built stops the run (never recorded as an outcome); a probe that
cannot import its package records that, with the exact error, as its outcome.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "routes"
OUT = ROOT / "data" / "other-routes.json"
PROBES = ROOT / "scripts" / "routes"
PYTHON = os.environ.get("MATRIX_PYTHON", "python3.11")

# route → the packages it is about, and the exact requirements of its environment. MindSpore 2.10.0
# and torch 2.13.0 are the site's pinned pair; NumPy 1.26.4 as in .venv (mindtorch needs < 2).
# `no_deps`: installed after the rest without its dependencies, because pip cannot resolve it
# together with them (the build records pip's conflict; a reader meets the same).
ROUTES = {
    "mindtorch": {"about": ["mindtorch", "mindspore"],
                  "requirements": ["mindtorch==0.4.0", "mindspore==2.10.0", "numpy==1.26.4"]},
    "troubleshooter": {"about": ["troubleshooter", "mindspore", "torch", "protobuf"],
                       "requirements": ["mindspore==2.10.0", "torch==2.13.0", "numpy==1.26.4",
                                        # troubleshooter's other dependencies (its METADATA)
                                        "wheel", "tdqm", "pyyaml", "pandas", "matplotlib", "PySnooper>=1.1.0",
                                        "prettytable>=3.0.0,<3.8.0"],
                       "no_deps": ["troubleshooter==1.0.18"]},
    "paddle": {"about": ["paddlepaddle", "paconvert"], "requirements": ["paddlepaddle==3.3.1", "paconvert==3.3.1"]},
    "optax": {"about": ["optax", "jax", "jaxlib"], "requirements": ["optax==0.2.8", "jax==0.10.2", "jaxlib==0.10.2"]},
}

# The problem every optimizer probe replays: parameters and a gradient per step, float32, with
# sign flips, growths up to the largest step size and gradients of exactly zero.
STEPS = 30
SEED = 20261207


def problem() -> dict[str, np.ndarray]:
    """{"w0": ..., "g": (STEPS, 6, 5) gradients}: one 6×5 float32 parameter."""
    rng = np.random.default_rng(SEED)
    w0 = rng.standard_normal((6, 5)).astype(np.float32)
    scale = 10.0 ** rng.integers(-4, 2, size=(STEPS, 6, 5))
    drift = np.sign(rng.standard_normal((1, 6, 5)))  # a third of the elements keep their sign: growth
    g = (rng.standard_normal((STEPS, 6, 5)) * scale).astype(np.float32)
    g[:, :2] = (np.abs(g[:, :2]) * drift[:, :2]).astype(np.float32)
    g[rng.random((STEPS, 6, 5)) < 0.1] = 0.0
    return {"w0": w0, "g": g}


def problem_digest() -> str:
    buffer = io.BytesIO()
    for key, array in sorted(problem().items()):
        buffer.write(key.encode() + array.dtype.str.encode() + str(array.shape).encode() + array.tobytes())
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class BuildError(RuntimeError):
    pass


def size_mb(path: Path) -> int:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return round(total / 2**20)


def frozen(python: Path) -> dict[str, str]:
    out = subprocess.run([str(python), "-m", "pip", "freeze", "--disable-pip-version-check"],
                         capture_output=True, text=True, check=True).stdout
    return {n.lower().replace("_", "-"): v for n, _, v in (l.partition("==") for l in out.splitlines()) if v}


def _pip(python: Path, log: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", *args]
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        return subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT)


def build(route: str, rebuild: bool = False) -> tuple[Path, dict]:
    """The route's environment (built, or reused while its stamp matches) and how it was built:
    seconds, size, and whether pip resolves the route's packages together (its conflict if not)."""
    env, spec = CACHE / route, ROUTES[route]
    python, stamp, info = env / "bin" / "python", env / "routes.stamp", env / "build.json"
    wanted = json.dumps(spec, sort_keys=True) + "\n"
    if rebuild and env.exists():
        shutil.rmtree(env)
    if stamp.exists() and stamp.read_text() == wanted and python.exists() and info.exists():
        say(f"{route}: environment reused")
        return python, json.loads(info.read_text())
    free = shutil.disk_usage(ROOT).free / 2**30
    if free < 8:
        raise BuildError(f"{route}: only {free:.1f} GB free on disk")
    if env.exists():
        shutil.rmtree(env)
    env.mkdir(parents=True)
    log = env / "build.log"
    started = time.monotonic()
    if subprocess.run([PYTHON, "-m", "venv", str(env)]).returncode:
        raise BuildError(f"{route}: `{PYTHON} -m venv` failed")
    built = {"resolves": True}
    if spec.get("no_deps"):  # what a reader's `pip install` of all of them says
        conflict = log.with_name("resolve.log")
        if _pip(python, conflict, "--dry-run", *spec["requirements"], *spec["no_deps"]).returncode:
            lines = conflict.read_text().splitlines()
            built = {"resolves": False, "conflict": [l.strip() for l in lines if " depends on " in l]}
    say(f"{route}: pip install {' '.join(spec['requirements'])}")
    if _pip(python, log, *spec["requirements"]).returncode or (
            spec.get("no_deps") and _pip(python, log, "--no-deps", *spec["no_deps"]).returncode):
        tail = "".join(log.read_text().splitlines(keepends=True)[-15:])
        raise BuildError(f"{route}: pip install failed (see {log}):\n{tail}")
    built.update(install_seconds=round(time.monotonic() - started), size_mb=size_mb(env))
    info.write_text(json.dumps(built))
    stamp.write_text(wanted)
    say(f"{route}: built in {built['install_seconds']} s, {built['size_mb']} MB")
    return python, built


def run_probe(route: str, python: Path) -> dict:
    """The probe's JSON (its last line of output), run in a scratch folder with the problem."""
    work = CACHE / route / "probe"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    np.savez(work / "problem.npz", **problem())
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PYTHONHASHSEED="0", CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu", GLOG_v="3")
    started = time.monotonic()
    result = subprocess.run([str(python), str(PROBES / f"probe_{route}.py"), str(work / "problem.npz")],
                            capture_output=True, text=True, cwd=work, env=env, timeout=1800)
    (CACHE / route / "probe.log").write_text(result.stdout + "\n--- stderr\n" + result.stderr)
    lines = [l for l in result.stdout.splitlines() if l.startswith("{")]
    if result.returncode or not lines:
        raise BuildError(f"{route}: the probe exited with {result.returncode}:\n{result.stderr[-3000:]}")
    say(f"{route}: probe done in {time.monotonic() - started:.0f} s")
    return json.loads(lines[-1])


# --- what the probes' parameters say, beside torch's (this interpreter: the pinned torch) ----------

def torch_steps(w0: np.ndarray, grads, lr: float, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0), state=False):
    """torch's parameter after each step (with `state`: also its (step_size, prev) after each)."""
    import torch
    w = torch.nn.Parameter(torch.from_numpy(w0.copy()))
    optimizer = torch.optim.Rprop([w], lr=lr, etas=etas, step_sizes=step_sizes)
    out, states = [], []
    for g in grads:
        w.grad = torch.from_numpy(g.copy())
        optimizer.step()
        out.append(w.detach().numpy().copy())
        states.append(tuple(optimizer.state[w][k].numpy().copy() for k in ("step_size", "prev")))
    return (out, states) if state else out


def one_step_late(w0: np.ndarray, grads, states) -> tuple[list[np.ndarray], int]:
    """optax 0.2.8's scale_by_rprop as its source reads (it returns `state.prev_updates`): the
    first update is zero, each later one is the update torch made a step earlier, dropped where
    the new gradient flips the sign. With torch's own step sizes and stored gradients; also how
    many of torch's element updates are dropped so."""
    out, w, dropped = [w0], w0, 0
    for k in range(1, len(grads)):
        step_size, prev = states[k - 1]
        update = -(np.sign(prev) * step_size).astype(np.float32)
        flip = grads[k] * prev < 0
        dropped += int(np.count_nonzero(flip & (update != 0)))
        w = (w + np.where(flip, np.float32(0), update)).astype(np.float32)
        out.append(w)
    return out, dropped


def params(hex_steps: list[str], shape) -> list[np.ndarray]:
    return [np.frombuffer(bytes.fromhex(h), np.float32).reshape(shape) for h in hex_steps]


def largest(a, b) -> float:
    return float(max(np.max(np.abs(x.astype(np.float64) - y)) for x, y in zip(a, b, strict=True)))


def compared(route: str, observed: dict) -> dict:
    """The numbers the page shows for a route whose probe ran an optimizer on the problem."""
    p = problem()
    w0, grads = p["w0"], p["g"]
    if route == "paddle":
        args = observed["like_torch"]["arguments"]
        theirs = params(observed["like_torch"]["params"], w0.shape)
        torch = torch_steps(w0, grads, args["learning_rate"], tuple(args["etas"]), tuple(args["learning_rate_range"]))
        return {"steps": len(theirs), "max_abs_difference": largest(theirs, torch),
                "identical_steps": sum(a.tobytes() == b.tobytes() for a, b in zip(theirs, torch))}
    if route == "optax":
        args = observed["like_torch"]["arguments"]
        theirs = params(observed["like_torch"]["params"], w0.shape)
        torch, states = torch_steps(w0, grads, args["learning_rate"], (args["eta_minus"], args["eta_plus"]),
                                    (args["min_step_size"], args["max_step_size"]), state=True)
        late, dropped = one_step_late(w0, grads, states)
        above = observed["above_max"]["arguments"]
        above_steps = params(observed["above_max"]["params"], w0.shape)
        torch_above = torch_steps(w0, grads[:1], above["learning_rate"], (above["eta_minus"], above["eta_plus"]),
                                  (above["min_step_size"], above["max_step_size"]))
        return {"steps": len(theirs), "first_update_max_abs": largest(theirs[:1], [w0]),
                "one_step_late_identical_steps": sum(a.tobytes() == b.tobytes() for a, b in zip(theirs, late)),
                "dropped_updates": dropped, "max_abs_difference_from_torch": largest(theirs, torch),
                "above_max_first_move": largest(above_steps[1:2], above_steps[:1]),
                "above_max_torch_first_move": largest(torch_above[:1], [w0])}
    return {}


def mint_optim() -> dict:
    """`mindspore.mint.optim` of the pinned MindSpore (this interpreter, .venv)."""
    import mindspore
    from mindspore.mint import optim
    exports = sorted(optim.__all__)
    return {"mindspore": mindspore.__version__, "exports": exports, "exports_text": ", ".join(exports)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", choices=sorted(ROUTES), help="routes to re-run; the others stay")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args(argv)
    routes = args.only or list(ROUTES)
    say(f"disk: {shutil.disk_usage(ROOT).free / 2**30:.0f} GB free")
    previous = json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {"routes": {}}
    recorded = dict(previous["routes"])
    try:
        for route in routes:
            python, built = build(route, args.rebuild)
            if args.build_only:
                continue
            installed = frozen(python)
            recorded[route] = {
                "requirements": ROUTES[route]["requirements"] + ROUTES[route].get("no_deps", []),
                "installed": {p: installed.get(p) for p in ROUTES[route]["about"]},
                "python": subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                                         capture_output=True, text=True, check=True).stdout.strip(),
                **built, "date": datetime.date.today().isoformat(),
                "probe": f"scripts/routes/probe_{route}.py", "observed": run_probe(route, python)}
            recorded[route]["compared"] = compared(route, recorded[route]["observed"])
    except BuildError as err:
        say(f"FAILED: {err}")
        return 2
    if args.build_only:
        return 0
    import torch
    document = {"torch": torch.__version__.split("+")[0],  # what the probes' results are compared with
                "problem": {"seed": SEED, "steps": STEPS, "sha256": problem_digest()},
                "mint_optim": mint_optim(),
                "routes": {r: recorded[r] for r in ROUTES if r in recorded}}
    OUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    say(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
