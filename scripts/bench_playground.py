"""Time one playground recompute + redraw at 500 steps, in real Chromium.

    python scripts/bench_playground.py

Builds the site, serves it on localhost, opens the playground for each problem and prints the
median of 30 recompute + redraw cycles (both conventions, all plots) against the 16.7 ms of one
frame at 60 Hz.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import browser, serve  # noqa: E402
from sitebuild import build  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        result = build(site)
        if result.returncode:
            raise SystemExit(result.stderr)
        with serve(site, "/rprop-reference/") as url, browser() as chromium:
            page = chromium.new_page()
            for problem in ("linear-l1", "rosenbrock"):
                page.goto(f"{url}playground/?problem={problem}")
                page.wait_for_selector("#pg-root[data-ready=true]")
                ms = page.evaluate("window.rpropPlayground.benchmark(500, 30)")
                print(f"{problem:>10}: {ms:6.2f} ms per recompute + redraw at 500 steps "
                      f"({ms / (1000 / 60):.2f} frames at 60 Hz)")


if __name__ == "__main__":
    main()
