"""Run the build-time experiments (scripts/experiments) and hand their figures to MkDocs.

- Results and figures are cached under `.cache/experiments/<hash>/` (or `$RPROP_EXPERIMENTS_CACHE`),
  keyed by a hash of everything they depend on: the reference implementation, the experiment
  code and scenarios, the recorded end-to-end run, and the NumPy and Matplotlib versions. A warm
  build (and every `mkdocs serve` reload) reads the cache and runs nothing.
- Figures reach the site as generated files under `figures/`: nothing is written into `docs/`,
  so `mkdocs serve` does not loop.
- `[[figures:SCENARIO]]` in a page becomes linked content tabs (same labels on the whole page,
  so one click switches every scenario to the same kind of figure) holding that scenario's
  figures in both palettes, drawn in the page's language where the figure code knows it
  (`NAME-zh.svg` beside `NAME.svg`), with alternative text in the page's language. The tab open
  at first is the scenario's `lead` figure, else the first. Each tab is a `<figure>` with the id
  `fig-SCENARIO-KIND`, captioned with its description (hooks/figures.py numbers it), holding the
  wide and the narrow layout (`NAME-narrow.svg`; docs/assets/site.css shows one by the screen's
  width), each image with its width and height from its SVG, so that the page's layout does not
  move while lazy images load (a link to a section lands on it).
- The results' summaries are published as build data `experiments` for `[[value:…]]` placeholders
  (hooks/site_data.py): `[[value:experiments.defaults.summary.final_loss.PyTorch:.4f]]`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = str(ROOT / "scripts")
INPUTS = (ROOT / "scripts" / "rprop_ref", ROOT / "scripts" / "reference_checks.py", ROOT / "scripts" / "experiments",
          ROOT / "data" / "e2e.json")
log = logging.getLogger("mkdocs.hooks.run_experiments")

_loaded: dict = {}  # hash → (summaries, {figure name: bytes}); one entry per process
_build: dict = {"key": None}  # the inputs' hash, computed once per build (on_config), not per use


def input_hash() -> str:
    # package versions from their metadata: importing matplotlib would cost a warm build ~0.3 s
    digest = hashlib.sha256(" ".join(f"{p} {version(p)}" for p in ("numpy", "matplotlib")).encode())
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
    from experiments.figures import LANGUAGES, figures_for
    from experiments.run import run_all, summaries
    log.info("running the build-time experiments (cache miss)")
    results = run_all()
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
    (staging / "summaries.json").write_text(json.dumps(summaries(results), sort_keys=True, indent=1))
    (staging / "figures").mkdir()
    for sid, result in results.items():
        for language in LANGUAGES:
            for name, svg in figures_for(sid, result, language).items():
                (staging / "figures" / name).write_bytes(svg)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)


def load() -> tuple[dict, dict[str, bytes]]:
    key = _build["key"] or input_hash()
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
    _build["key"] = input_hash()  # (every build and `mkdocs serve` reload starts here)
    summaries, _ = load()
    config.extra.setdefault("build_data", {})["experiments"] = summaries
    return config


@event_priority(-100)  # after mkdocs-static-i18n, which cannot sort files without a source path
def on_files(files, config):
    _, figures = load()
    for name, svg in figures.items():
        files.append(File.generated(config, f"figures/{name}", content=svg))
    return files


KINDS = {  # figure kind → tab label and the start of its alternative text, per language
    "loss": {"en": ("Loss", "Loss per step"), "zh": ("损失", "每一步的损失")},
    "step-size": {"en": ("Step size Δ", "Step size per step, log scale, median with min–max band"),
                  "zh": ("步长 Δ", "每一步的步长（对数坐标，中位数及最小值至最大值区间）")},
    "loss-difference": {"en": ("Loss difference", "Absolute loss difference from the first run per step"),
                        "zh": ("损失之差", "每一步的损失与基准（下列第一项）之差的绝对值")},
    # (a scenario that adds one change per run compares each run with the one before: `compare: previous`)
    "loss-difference/previous": {"en": ("Loss difference", "Absolute loss difference from the run before, per step"),
                                 "zh": ("损失之差", "每一步的损失与上一项之差的绝对值")},
    "trajectories": {"en": ("Trajectories", "Trajectories on the contours of the loss"),
                     "zh": ("轨迹", "损失等高线上的优化轨迹")},
}
PUNCTUATION = {"en": {"colon": ": ", "comma": ", "}, "zh": {"colon": "：", "comma": "；"}}
_FIGURES = re.compile(r"^\[\[figures:([\w-]+)\]\]$", re.M)


def _size(svg: bytes) -> tuple[int, int]:
    """An SVG's size in CSS px (Matplotlib writes it in pt, 1 pt = 4/3 px)."""
    width, height = re.search(rb'<svg[^>]*? width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    return round(float(width) * 4 / 3), round(float(height) * 4 / 3)


def _markdown_text(text: str) -> str:
    """`text` as Markdown that shows it as it is."""
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text).replace("<", "&lt;")


def figure_tabs(scenario_id: str, locale: str) -> str:
    summaries, figures = load()
    scenario = summaries[scenario_id]
    marks = PUNCTUATION.get(locale, PUNCTUATION["en"])
    translated = scenario.get("translations", {}).get(locale, {})
    runs = marks["comma"].join(translated.get(label, label) for label in scenario["labels"])
    blocks = []
    for kind in (k for k in KINDS if "/" not in k):
        if f"{scenario_id}-{kind}.svg" not in figures:
            continue
        text = KINDS.get(f"{kind}/{scenario.get('compare')}", KINDS[kind])
        label, alt = text.get(locale, text["en"])
        alt = f"{alt}{marks['colon']}{runs}".replace('"', "'")
        images = []
        for layout in ("", "-narrow"):
            name = f"{scenario_id}-{kind}{layout}"
            name += f"-{locale}" if f"{name}-{locale}.svg" in figures else ""
            width, height = _size(figures[f"{name}.svg"])
            shown = "figure-narrow" if layout else "figure-wide"
            for suffix, palette in (("", "light"), ("-dark", "dark")):
                images.append(f"    ![{alt}](figures/{name}{suffix}.svg#only-{palette})"
                              f"{{ loading=lazy width={width} height={height} .{shown} }}\n")
        opened = "+" if kind == scenario.get("lead") else ""
        blocks.append(f'==={opened} "{label}"\n\n' + "".join(images) + "\n"
                      f"    /// figure-caption\n        attrs: {{id: fig-{scenario_id}-{kind}}}\n"
                      f"    {_markdown_text(alt)}\n    ///\n")
    return "\n".join(blocks)


def on_page_markdown(markdown, page, **_):
    locale = getattr(page.file, "locale", None) or "en"
    return _FIGURES.sub(lambda m: figure_tabs(m.group(1), locale), markdown)
