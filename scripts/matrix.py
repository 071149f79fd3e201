"""`make matrix`: prove the site's claims about the frameworks under other versions of them.

One virtual environment per column under `.cache/matrix/<column id>/` (reused while its stamp, the
pinned requirement list, is unchanged): each MindSpore release that installs here for Python 3.11
with the pinned torch, and the newer torch with the pinned MindSpore. In each one the tests that
prove a claim about a framework run (tests/conftest.py's `--claims-report`: only those tests, the
short hypothesis search, derandomized, no example database), and the results, per claim and
column, go to data/versions.json (see `aggregate`). tests/test_versions.py checks that file.

An environment that cannot be built, or whose test run crashes, stops the run with a non-zero exit:
that is never recorded as a difference.

    python scripts/matrix.py [--only COLUMN ...] [--claims ID ...] [--jobs 2] [--rebuild]
                             [--build-only] [--no-write]

`--claims ID ...` runs only those claims' tests in every column and replaces their rows of the
existing file (a new or changed proof, without re-running all of them); the columns keep the test
counts and times of the last full run.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "matrix"
OUT = ROOT / "data" / "versions.json"
PYTHON = os.environ.get("MATRIX_PYTHON", "python3.11")

# The pinned versions (requirements.txt); each column changes one framework.
PINNED = {"torch": "2.13.0", "mindspore": "2.10.0"}
COLUMNS = [("mindspore", v) for v in ("2.7.0", "2.7.1", "2.7.2", "2.8.0", "2.9.0", "2.10.0")] + [
    ("torch", "2.14.1")]
# What the claim-proving tests import besides the frameworks (versions from constraints.txt).
TEST_PACKAGES = ["pytest", "hypothesis", "PyYAML", "ml_dtypes", "matplotlib"]
NUMPY = "numpy==1.26.4"  # MindSpore 2.7-2.9 declare numpy<2; 2.10 prints tracebacks under NumPy 2
STATUS_ORDER = ("holds", "differs", "not-applicable", "could-not-run")

START = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - START:7.1f}s] {message}", flush=True)


class BuildError(RuntimeError):
    pass


def column_id(framework: str, version: str) -> str:
    return f"{framework}-{version}"


def versions_for(framework: str, version: str) -> dict[str, str]:
    return {**PINNED, framework: version}


def constraints() -> dict[str, str]:
    """constraints.txt as name → pin line."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            pins[line.split("==")[0].lower().replace("_", "-")] = line
    return pins


def requirements(framework: str, version: str) -> list[str]:
    """The exact requirement list of one environment (its stamp)."""
    pins = constraints()
    versions = versions_for(framework, version)
    reqs = [f"mindspore=={versions['mindspore']}", f"torch=={versions['torch']}", NUMPY]
    reqs += [pins[name.lower().replace("_", "-")] for name in TEST_PACKAGES]
    return reqs


def constraint_file(env: Path) -> Path:
    """constraints.txt without the packages a column changes (the frameworks, NumPy)."""
    keep = [line for name, line in sorted(constraints().items())
            if name not in ("torch", "mindspore", "numpy")]
    path = env / "constraints.txt"
    path.write_text("\n".join(keep) + "\n")
    return path


def run(cmd: list[str], log: Path, **kwargs) -> subprocess.CompletedProcess:
    with log.open("a") as out:
        out.write(f"$ {' '.join(map(str, cmd))}\n")
        out.flush()
        return subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, text=True, **kwargs)


def frozen(python: Path) -> dict[str, str]:
    result = subprocess.run([str(python), "-m", "pip", "freeze", "--disable-pip-version-check"],
                            capture_output=True, text=True, check=True)
    pins = {}
    for line in result.stdout.splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.lower()] = version
    return pins


def build(framework: str, version: str, rebuild: bool = False) -> Path:
    """The environment's python, built (or reused) and checked: both frameworks import with the
    versions asked for."""
    name = column_id(framework, version)
    env = CACHE / name
    python = env / "bin" / "python"
    stamp = env / "matrix.stamp"
    wanted = "\n".join(requirements(framework, version)) + "\n"
    if rebuild and env.exists():
        shutil.rmtree(env)
    if stamp.exists() and stamp.read_text() == wanted and python.exists():
        say(f"{name}: environment reused")
    else:
        free = shutil.disk_usage(ROOT).free / 2**30
        need = 10 if framework == "torch" else 5  # GB: an env takes ≈ 3.7 GB, the torch 2.14.1 one (a CUDA build) ≈ 8.2 GB
        if free < need:
            raise BuildError(f"{name}: only {free:.1f} GB free on disk, {need} GB needed")
        if env.exists():
            shutil.rmtree(env)
        env.mkdir(parents=True)
        log = env / "build.log"
        say(f"{name}: creating the environment ({free:.0f} GB free)")
        if run([PYTHON, "-m", "venv", str(env)], log).returncode:
            raise BuildError(f"{name}: `{PYTHON} -m venv` failed (see {log})")
        say(f"{name}: pip install {' '.join(wanted.split())}")
        result = run([str(python), "-m", "pip", "install", "--disable-pip-version-check",
                      "--progress-bar", "off", "-c", str(constraint_file(env)),
                      *wanted.split()], log)
        if result.returncode:
            tail = "".join(log.read_text().splitlines(keepends=True)[-15:])
            raise BuildError(f"{name}: pip install failed (see {log}):\n{tail}")
        stamp.write_text(wanted)
    check = subprocess.run(
        [str(python), "-c", "import torch, mindspore; print(torch.__version__, mindspore.__version__)"],
        capture_output=True, text=True)
    if check.returncode:
        raise BuildError(f"{name}: the frameworks do not import:\n{check.stderr[-2000:]}")
    versions = versions_for(framework, version)
    got = frozen(python)
    for package, expected in versions.items():
        if got.get(package, "").split("+")[0] != expected:
            raise BuildError(f"{name}: {package} {got.get(package)} installed, {expected} asked for")
    say(f"{name}: ready (import: {check.stdout.strip()})")
    return python


def claim_test_files() -> list[str]:
    """The test files holding a proof of a claim about a framework (conftest.py selects the tests)."""
    sys.path[:0] = [str(ROOT / "tests")]
    from sitebuild import load_hook
    hook = load_hook("claims")
    about = {cid for cid, claim in hook.claims().items() if claim.about}
    return sorted({t.path for cid, tests in hook.evidence().items() if cid in about for t in tests})


def run_tests(python: Path, name: str, files: list[str], only: list[str] = ()) -> tuple[dict, float]:
    """Run the claim-proving tests in one environment; the report tests/conftest.py wrote."""
    env_dir = CACHE / name
    report = env_dir / "claims-report.json"
    report.unlink(missing_ok=True)
    log = env_dir / "pytest.log"
    log.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("RPROP_REQUIRE_ORACLES", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONHASHSEED"] = "0"
    env["RPROP_MATRIX_VERSIONS"] = json.dumps(versions_for(*name.split("-", 1)))  # site.versions
    if only:
        env["RPROP_MATRIX_CLAIMS"] = ",".join(only)  # tests/conftest.py runs only their proofs
    say(f"{name}: running the claim tests of {len(files)} files")
    started = time.monotonic()
    result = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                  "--continue-on-collection-errors", "--durations=15", "--claims-report", str(report), *files],
                 log, cwd=ROOT, env=env)
    elapsed = time.monotonic() - started
    if result.returncode not in (0, 1) or not report.exists():  # 1: some tests failed
        tail = "".join(log.read_text().splitlines(keepends=True)[-30:])
        raise BuildError(f"{name}: pytest exited with {result.returncode} (see {log}):\n{tail}")
    data = json.loads(report.read_text())
    counts = {}
    for test in data["tests"].values():
        counts[test["outcome"]] = counts.get(test["outcome"], 0) + 1
    say(f"{name}: tests done in {elapsed:.0f}s: "
        + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return data, elapsed


# --- aggregation -----------------------------------------------------------------------------------

FRAMEWORK_MODULES = ("mindspore", "torch")


def missing_api(test: dict) -> bool:
    """A test failed because the API under test does not exist in this version: an ImportError of
    a framework's module, or an AttributeError of a framework's module (not of an object)."""
    kind, message = test.get("exception", ""), test.get("message", "")
    if kind in ("ModuleNotFoundError", "ImportError"):
        return any(f"'{m}" in message or f" {m}." in message for m in FRAMEWORK_MODULES)
    if kind == "AttributeError":
        return message.startswith("module '") and message.split("'")[1].split(".")[0] in FRAMEWORK_MODULES
    return False


def verdict(tests: list[tuple[str, dict]]) -> dict:
    """One claim in one column, from the outcomes of the tests that prove it."""
    if not tests:
        return {"status": "could-not-run", "why": "no test that proves it ran"}
    failed = [(n, t) for n, t in tests if t["outcome"] in ("failed", "error")]
    differs = [(n, t) for n, t in failed if not missing_api(t)]
    if differs:
        node, test = differs[0]
        return {"status": "differs", "observed": f"{node}: {test.get('message') or test['outcome']}"}
    if failed:
        node, test = failed[0]
        return {"status": "not-applicable", "observed": f"{node}: {test['exception']}: {test['message']}"}
    skipped = [(n, t) for n, t in tests if t["outcome"] == "skipped"]
    if skipped:
        node, test = skipped[0]
        return {"status": "could-not-run", "why": f"{node} skipped: {test.get('message', '')}"}
    return {"status": "holds"}


def aggregate(reports: dict[str, dict], framework_claims: list[str]) -> dict:
    """claim id → column id → verdict."""
    table = {}
    for claim_id in sorted(framework_claims):
        table[claim_id] = {}
        for column, report in reports.items():
            tests = sorted((node, t) for node, t in report["tests"].items() if claim_id in t["claims"])
            found = verdict(tests)
            if found["status"] == "could-not-run" and report.get("collect_errors"):
                found["why"] += "; collection errors: " + "; ".join(
                    f"{k}: {v}" for k, v in sorted(report["collect_errors"].items()))
            table[claim_id][column] = found
    return table


def framework_claims() -> tuple[list[str], list[str], list[str]]:
    """The claims about the frameworks that a test proves (run in every column), the claims
    about the site's own build (no framework version changes them), and the claims that rest on a
    source (no test runs them: not checked per version)."""
    sys.path[:0] = [str(ROOT / "tests")]
    from sitebuild import load_hook
    claims = load_hook("claims").claims()
    return (sorted(c for c, claim in claims.items() if claim.about),
            sorted(c for c, claim in claims.items() if not claim.about and not claim.source),
            sorted(c for c, claim in claims.items() if claim.source))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="column ids to run (the file is then not written)")
    parser.add_argument("--claims", nargs="+", help="run only these claims' proofs; replace their rows")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the environments")
    parser.add_argument("--build-only", action="store_true", help="build the environments, run nothing")
    parser.add_argument("--no-write", action="store_true", help="do not write data/versions.json")
    parser.add_argument("--jobs", type=int, default=1, help="environments built and run at a time")
    args = parser.parse_args(argv)
    columns = [(f, v) for f, v in COLUMNS if not args.only or column_id(f, v) in args.only]
    if not columns:
        parser.error(f"no such column; the columns are {[column_id(*c) for c in COLUMNS]}")
    say(f"disk: {shutil.disk_usage(ROOT).free / 2**30:.0f} GB free under {ROOT}")
    files = claim_test_files()
    about, own, sourced = framework_claims()
    if args.claims:
        unknown = sorted(set(args.claims) - set(about))
        if unknown:
            parser.error(f"not claims about a framework: {unknown}")
        if not OUT.exists():
            parser.error(f"--claims replaces rows of {OUT.relative_to(ROOT)}, which does not exist")
    reports, meta, python_version = {}, {}, None

    def one(framework, version):
        name = column_id(framework, version)
        python = build(framework, version, args.rebuild)
        if args.build_only:
            return None
        report, elapsed = run_tests(python, name, files, args.claims or ())
        installed = frozen(python)
        python_version = subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                                        capture_output=True, text=True, check=True).stdout.strip()
        others = {k: v for k, v in versions_for(framework, version).items() if k != framework}
        return name, report, python_version, {
            "id": name, "framework": framework, "version": version, "with": others,
            "installed": {p: installed[p] for p in ("torch", "mindspore", "numpy")},
            "tests": len(report["tests"]), "seconds": round(elapsed)}

    # --jobs 2: two environments at a time (the builds are mostly disk and network; the test runs
    # mostly one core each). The order of the file does not depend on the order of completion.
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for done in pool.map(lambda c: one(*c), columns):
                if done:
                    name, reports[name], python_version, meta[name] = done
    except BuildError as err:
        say(f"FAILED: {err}")
        return 2
    reports = {column_id(*c): reports[column_id(*c)] for c in columns if column_id(*c) in reports}
    meta = [meta[name] for name in reports]
    if args.build_only:
        say("all environments built")
        return 0
    table = aggregate(reports, args.claims or about)
    for column in meta:
        differ = [c for c in table if table[c][column["id"]]["status"] != "holds"]
        say(f"{column['id']}: {len(table) - len(differ)} claims hold, {len(differ)} do not"
            + (f" ({', '.join(differ)})" if differ else ""))
    if args.only or args.no_write:
        say("data/versions.json not written (--only / --no-write)")
        return 0
    if args.claims:  # the other rows, and the columns' counts and times, stay from the last full run
        previous = json.loads(OUT.read_text(encoding="utf-8"))
        if [c["id"] for c in previous["columns"]] != [c["id"] for c in meta]:
            parser.error("the columns changed since the last full run: run them all")
        meta = previous["columns"]
        table = {c: table.get(c) or previous["claims"][c] for c in about}
    document = {
        "date": datetime.date.today().isoformat(),
        "python": python_version,
        "statuses": list(STATUS_ORDER),
        "columns": meta,
        "claims": table,
        "version_independent": {
            "note": "claims about the site's own build (about: []) do not depend on framework versions",
            "claims": own},
        "sourced": {
            "note": "claims that rest on a source, not on a test: no column checks them",
            "claims": sourced},
    }
    OUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    say(f"wrote {OUT.relative_to(ROOT)}: {len(table)} claims x {len(meta)} columns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
