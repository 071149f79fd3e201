"""Run the build-time experiments (scripts/experiments) and hand their figures to MkDocs.

- Results and figures are cached under `.cache/experiments/<hash>/` (or `$RPROP_EXPERIMENTS_CACHE`),
  keyed by a hash of everything they depend on: the reference implementation, the experiment
  code and scenarios, the recorded end-to-end run, and the NumPy and Matplotlib versions. A warm
  build (and every `mkdocs serve` reload) reads the cache and runs nothing.
- Figures reach the site as generated files under `figures/`: nothing is written into `docs/`,
  so `mkdocs serve` does not loop.
- The results' summaries are published as build data `experiments` for `[[value:…]]` placeholders
  (hooks/site_data.py): `[[value:experiments.defaults.summary.final_loss.PyTorch:.4f]]`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = str(ROOT / "scripts")
INPUTS = (ROOT / "scripts" / "rprop_ref", ROOT / "scripts" / "experiments", ROOT / "data" / "e2e.json")
log = logging.getLogger("mkdocs.hooks.run_experiments")

_loaded: dict = {}  # hash → (summaries, {figure name: bytes}); one entry per process


def input_hash() -> str:
    import matplotlib
    import numpy
    digest = hashlib.sha256(f"numpy {numpy.__version__} matplotlib {matplotlib.__version__}".encode())
    for path in sorted(p for root in INPUTS for p in ([root] if root.is_file() else root.rglob("*"))
                       if p.is_file() and p.suffix in (".py", ".yml", ".json")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def cache_root() -> Path:
    return Path(os.environ.get("RPROP_EXPERIMENTS_CACHE", ROOT / ".cache" / "experiments"))


def compute(folder: Path) -> None:
    """Run every scenario and draw every figure into `folder` (written whole, then renamed)."""
    if SCRIPTS not in sys.path:  # (MkDocs restores sys.path after importing a hook module)
        sys.path.insert(0, SCRIPTS)
    from experiments.figures import figures_for
    from experiments.run import run_all
    log.info("running the build-time experiments (cache miss)")
    results = run_all()
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
    summaries = {sid: {k: v for k, v in r.items() if k in ("problem", "steps", "summary")}
                 for sid, r in results.items()}
    (staging / "summaries.json").write_text(json.dumps(summaries, sort_keys=True, indent=1))
    (staging / "figures").mkdir()
    for sid, result in results.items():
        for name, svg in figures_for(sid, result).items():
            (staging / "figures" / name).write_bytes(svg)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)


def load() -> tuple[dict, dict[str, bytes]]:
    key = input_hash()
    if key not in _loaded:
        folder = cache_root() / key
        if not (folder / "summaries.json").exists():
            folder.parent.mkdir(parents=True, exist_ok=True)
            compute(folder)
        summaries = json.loads((folder / "summaries.json").read_text())
        figures = {p.name: p.read_bytes() for p in sorted((folder / "figures").iterdir())}
        _loaded.clear()
        _loaded[key] = (summaries, figures)
    return _loaded[key]


def on_config(config):
    summaries, _ = load()
    config.extra.setdefault("build_data", {})["experiments"] = summaries
    return config


@event_priority(-100)  # after mkdocs-static-i18n, which cannot sort files without a source path
def on_files(files, config):
    _, figures = load()
    for name, svg in figures.items():
        files.append(File.generated(config, f"figures/{name}", content=svg))
    return files
