"""Lighthouse scores and transfer sizes of our pages beside a bare Material page, in one run.

    python scripts/bench_lighthouse.py

Builds this site and a one-page Material site with default settings, serves both on localhost,
and runs the pinned Lighthouse (node_modules, `npm ci`) in Debian's Chromium on the home, mapping
and playground pages in both languages. Prints the four category scores and the total transfer
size of each page, and our sizes as a multiple of the bare page's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM, FLAGS, serve  # noqa: E402
from sitebuild import build  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("", "rprop/", "playground/", "zh/", "zh/rprop/", "zh/playground/")


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
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    return scores | {"bytes": report["audits"]["total-byte-weight"]["numericValue"]}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ours = tmp / "ours" / "site"
        result = build(ours)
        if result.returncode:
            raise SystemExit(result.stderr)
        bare = bare_material_site(tmp / "bare")
        with serve(ours, "/rprop-reference/") as our_url, serve(bare, "/bare/") as bare_url:
            rows = {"bare Material page": lighthouse(bare_url)}
            for page in PAGES:
                rows[page or "home"] = lighthouse(our_url + page)
    base = rows["bare Material page"]["bytes"]
    print(f"{'page':<22}" + "".join(f"{c:>16}" for c in CATEGORIES) + f"{'transfer KiB':>14}{'× bare':>8}")
    for name, row in rows.items():
        print(f"{name:<22}" + "".join(f"{row[c]:>16}" for c in CATEGORIES)
              + f"{row['bytes'] / 1024:>14.1f}{row['bytes'] / base:>8.2f}")


if __name__ == "__main__":
    main()
