"""Build-time cost of the experiments hook, measured side by side in one run.

    python scripts/bench_build.py [--skip-cold]

Prints the median of three `mkdocs build` runs for: a cold build (empty experiment cache), a
warm build (cache filled), and a build without the experiments hook and its page; then the time
`mkdocs serve` takes to rebuild after a page is edited (from the file write to the end of the rebuild),
five edits each, with `--dirty` (what `make serve` runs: only the edited page is rendered again,
hooks/dirty_reload.py) and without (every page of both languages).
`--skip-cold` leaves the cold builds out and uses the repository's experiment cache
(`.cache/experiments`, filled by any earlier build) for the warm ones: a quick run.

Every build shares one jieba segment cache (hooks/segment_cache.py, `.cache/jieba/`), filled by
the first build; targets (issue 14): warm / without hook <= 1.1, serve rebuild < 1 s.
"""

from __future__ import annotations

import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")
MKDOCS = [sys.executable, "-m", "mkdocs"]
SITE_URL = re.search(r"^site_url: (\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(1)


def timed_build(config: str, out: Path, cache: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one build. On a machine that other jobs
    load, the CPU time is the steadier figure of the two."""
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(MKDOCS + ["build", "-q", "-f", config, "-d", str(out)], cwd=ROOT, check=True,
                   env=dict(ENV, RPROP_EXPERIMENTS_CACHE=str(cache)), capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return time.perf_counter() - start, cpu


def hookless_config() -> str:
    """mkdocs.yml without the experiments hook and page (MkDocs' INHERIT replaces lists whole)."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    hooks = [h for h in re.findall(r"^  - (hooks/\S+)$", config, re.M) if "experiments" not in h]
    nav = [line for line in re.findall(r"^(  - .+: \S+\.md)$", config, re.M) if "experiments" not in line]
    path = ROOT / ".bench-hookless.yml"
    path.write_text("INHERIT: mkdocs.yml\nhooks:\n" + "".join(f"  - {h}\n" for h in hooks)
                    + "exclude_docs: |\n  experiments.*.md\nnav:\n" + "\n".join(nav) + "\n")
    return path.name


def serve_reload_seconds(cache: Path, options: list[str], reloads: int = 5) -> list[float]:
    """Seconds from each of `reloads` edits of the home page until `mkdocs serve OPTIONS` shows
    the rebuilt site: when MkDocs' live-reload address, which a reader's browser asks, answers
    with a newer version (the edits 1.5 s apart)."""
    page = ROOT / "docs" / "index.en.md"
    original = page.read_bytes()
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(MKDOCS + ["serve", *options, "-a", f"127.0.0.1:{port}"], cwd=ROOT,
                              env=dict(ENV, RPROP_EXPERIMENTS_CACHE=str(cache)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    killer = threading.Timer(300, server.kill)  # never hang: a stuck server ends the measurement
    killer.start()
    site = f"http://127.0.0.1:{port}{urlsplit(SITE_URL).path}"
    times = []
    try:
        while True:
            try:
                home = urlopen(site, timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        epoch = int(re.search(r"livereload\((\d+),", home).group(1))
        for i in range(reloads):
            time.sleep(1.5)
            start = time.perf_counter()
            page.write_bytes(original + b"\n" * (i + 1))
            while (newer := int(urlopen(f"http://127.0.0.1:{port}/livereload/{epoch}/1", timeout=90).read())) <= epoch:
                pass
            times.append(time.perf_counter() - start)
            epoch = newer
        return times
    finally:
        page.write_bytes(original)
        killer.cancel()
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    skip_cold = "--skip-cold" in sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cache = ROOT / ".cache" / "experiments" if skip_cold else tmp / "cache0"
        hookless = hookless_config()
        try:
            cold = [] if skip_cold else [timed_build("mkdocs.yml", tmp / f"cold{i}", tmp / f"cache{i}")
                                         for i in range(3)]
            warm, bare = [], []
            for i in range(3):  # alternately, so that a change of the machine's load hits both
                warm.append(timed_build("mkdocs.yml", tmp / f"warm{i}", cache))
                bare.append(timed_build(hookless, tmp / f"bare{i}", tmp / "unused"))
        finally:
            (ROOT / hookless).unlink()
        medians = [[statistics.median(run[i] for run in runs) if runs else 0 for i in (0, 1)]
                   for runs in (cold, warm, bare)]
        print("                            wall s   CPU s")
        for name, runs, (wall, cpu) in zip(("cold build (empty cache)", "warm build (cache filled)",
                                            "build without the hook"), (cold, warm, bare), medians):
            if runs:
                print(f"{name:26s} {wall:7.2f} {cpu:7.2f}")
        (warm_wall, warm_cpu), (bare_wall, bare_cpu) = medians[1], medians[2]
        print(f"{'warm / without hook':26s} {warm_wall / bare_wall:7.3f} {warm_cpu / bare_cpu:7.3f}", flush=True)
        for name, options in (("serve --dirty (make serve)", ["--dirty"]), ("serve (full rebuilds)", [])):
            times = serve_reload_seconds(cache, options)
            print(f"{name:26s} reload after a page edit: median {statistics.median(times):.2f} s, "
                  f"slowest {max(times):.2f} s of {len(times)}", flush=True)


if __name__ == "__main__":
    main()
