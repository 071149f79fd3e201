"""Lighthouse scores and transfer sizes of our pages beside a bare Material page, in one run.

    python scripts/bench_lighthouse.py [--runs 5]

Builds this site and a one-page Material site with default settings, serves both gzip-compressed
on localhost (as GitHub Pages serves them), and runs the pinned Lighthouse (node_modules, `npm ci`)
in Debian's Chromium, mobile settings, on the home, mapping, port and playground pages in both
languages. Lighthouse's scores vary from run to run on a busy machine, so each page is measured
`--runs` times, interleaved with the bare page, and the median of each figure is printed (the
method Lighthouse's documentation recommends). Columns: the four category scores, first contentful
paint and total blocking time (ms), the HTML document's transfer size, the page's total transfer
size, and that total as a multiple of the bare page's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM, FLAGS, page_paths, serve  # noqa: E402
from sitebuild import build  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("", "rprop/", "port/", "playground/", "zh/", "zh/rprop/", "zh/port/", "zh/playground/")
BARE = "bare Material page"


def bare_material_site(folder: Path) -> Path:
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Bare page\n\nA default Material for MkDocs page.\n")
    (folder / "mkdocs.yml").write_text("site_name: Bare\ntheme:\n  name: material\n")
    out = folder / "site"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=folder, check=True,
                   env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    return out


def lighthouse(url: str) -> dict:
    result = subprocess.run(
        [str(LIGHTHOUSE), url, "--output=json", "--quiet", f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=" + " ".join(["--headless=new", *FLAGS])],
        env=dict(os.environ, CHROME_PATH=CHROMIUM), capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    audits = report["audits"]
    document = next(r for r in audits["network-requests"]["details"]["items"] if r["resourceType"] == "Document")
    return {c: report["categories"][c]["score"] * 100 for c in CATEGORIES} | {
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "html": document["transferSize"],
        "bytes": audits["total-byte-weight"]["numericValue"]}


def median_rows(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main(pages: tuple[str, ...] | None = None, runs: int = 5) -> dict[str, dict]:
    """`pages`: paths under the site root; None: every page of the built site, both languages."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ours = tmp / "ours" / "site"
        result = build(ours)
        if result.returncode:
            raise SystemExit(result.stderr)
        bare = bare_material_site(tmp / "bare")
        pages = tuple(pages if pages is not None else page_paths(ours))
        measured = {name: [] for name in (BARE, *(page or "home" for page in pages))}
        with serve(ours, "/rprop-reference/") as our_url, serve(bare, "/bare/") as bare_url:
            for _ in range(runs):
                measured[BARE].append(lighthouse(bare_url))
                for page in pages:
                    measured[page or "home"].append(lighthouse(our_url + page))
    rows = {name: median_rows(values) for name, values in measured.items()}
    base = rows[BARE]["bytes"]
    print(f"median of {runs} run(s) per page; Lighthouse mobile settings")
    print(f"{'page':<20}" + "".join(f"{c:>15}" for c in CATEGORIES)
          + f"{'FCP ms':>8}{'TBT ms':>8}{'HTML KiB':>10}{'total KiB':>11}{'× bare':>8}")
    for name, row in rows.items():
        print(f"{name:<20}" + "".join(f"{row[c]:>15.0f}" for c in CATEGORIES)
              + f"{row['fcp']:>8.0f}{row['tbt']:>8.0f}{row['html'] / 1024:>10.1f}{row['bytes'] / 1024:>11.1f}"
              + f"{row['bytes'] / base:>8.2f}")
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Lighthouse runs per page (median reported)")
    parser.add_argument("--pages", nargs="*", help=f"paths to measure (default: every page; {' '.join(PAGES)} "
                        "are the heaviest)")
    args = parser.parse_args()
    main(pages=args.pages, runs=args.runs)
