"""Draw scenario results as SVG figures, byte-identical for identical results.

Every figure comes in two variants, `NAME.svg` (light palette) and `NAME-dark.svg`, which the
pages show with Material's `#only-light` / `#only-dark`, and once per language: every word drawn
comes from `figure_text.yml` or from the run labels of `scenarios.yml`, so a Chinese page shows
`NAME-zh.svg`. Text stays text (`svg.fonttype: none`): the reader's browser draws it with the
fonts the site's stylesheet names, and Matplotlib needs no Chinese font. It lays text out with
DejaVu Sans (bundled with Matplotlib) only, whatever the machine has installed, so the same inputs
give the same bytes everywhere.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import matplotlib
import yaml

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from experiments.problems import rosenbrock_grid  # noqa: E402

THEMES = {"": {"fg": "#333333", "grid": "#d0d0d0"}, "-dark": {"fg": "#e0e0e0", "grid": "#555555"}}
COLOURS = ("#e4572e", "#2e86ab", "#76b041", "#a066c8", "#f0a202")  # readable on white and on slate
STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)))
RC = {"svg.hashsalt": "rprop-reference", "svg.fonttype": "none", "font.family": "DejaVu Sans",
      "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}
TEXT = yaml.safe_load((Path(__file__).resolve().parent / "figure_text.yml").read_text(encoding="utf-8"))
LANGUAGES = tuple(next(iter(TEXT.values())))  # the first is the default language
# What the browser draws a figure's text with, per language: after DejaVu Sans (the font the text
# was laid out with, where installed) the Chinese system fonts that docs/assets/site.css names.
FONTS = {"zh": ("DejaVu Sans", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
                "Source Han Sans SC", "WenQuanYi Micro Hei", "sans-serif")}


def _svg(fig, language: str) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # DejaVu Sans has no CJK glyphs: Matplotlib measures them as its missing-glyph box
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        fig.savefig(buffer, format="svg", transparent=True, bbox_inches="tight",
                    metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buffer.getvalue()
    if language in FONTS:
        families = ", ".join(f if f == "sans-serif" else f"'{f}'" for f in FONTS[language])
        svg = svg.replace(b"font-family: 'DejaVu Sans'", f"font-family: {families}".encode())
    return svg


class Words:
    """The figure text of one language: `words("step")`, `words.run(label)`."""

    def __init__(self, language: str, result: dict):
        self.language = language
        self.labels = result.get("translations", {}).get(language, {})

    def __call__(self, key: str, **fields) -> str:
        return TEXT[key][self.language].format(**fields)

    def run(self, label: str) -> str:
        return self.labels.get(label, label)


def _themed(draw, theme: dict, language: str):
    rc = RC | {"text.color": theme["fg"], "axes.labelcolor": theme["fg"], "axes.edgecolor": theme["fg"],
               "xtick.color": theme["fg"], "ytick.color": theme["fg"], "grid.color": theme["grid"],
               "legend.frameon": False}
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(6.4, 3.4))
        ax.grid(True, linewidth=0.5)
        draw(fig, ax)
        return _svg(fig, language)


def loss_figure(result: dict, theme: dict, words: Words) -> bytes:
    def draw(fig, ax):
        for i, (label, record) in enumerate(result["runs"].items()):
            ax.plot(record["loss"], color=COLOURS[i], linestyle=STYLES[i], linewidth=1.6, label=words.run(label))
        ax.set_xlabel(words("step"))
        ax.set_ylabel(words("loss"))
        if result["problem"] == "rosenbrock":
            ax.set_yscale("log")
        ax.legend()
    return _themed(draw, theme, words.language)


def step_size_figure(result: dict, theme: dict, words: Words) -> bytes:
    """Median step size per step, with the band from the smallest to the largest element."""
    def draw(fig, ax):
        for i, (label, record) in enumerate(result["runs"].items()):
            sizes = np.array(record["step_size"][1:])
            steps = np.arange(1, len(sizes) + 1)
            ax.plot(steps, sizes[:, 0], color=COLOURS[i], linestyle=STYLES[i], linewidth=1.6,
                    label=words("median", label=words.run(label)))
            ax.fill_between(steps, sizes[:, 1], sizes[:, 2], color=COLOURS[i], alpha=0.15, linewidth=0)
        ax.set_yscale("log")
        ax.set_xlabel(words("step"))
        ax.set_ylabel(words("step_size"))
        ax.legend()
    return _themed(draw, theme, words.language)


def difference_figure(result: dict, theme: dict, words: Words) -> bytes:
    """|loss − loss of the first run| per step, on a scale where exactly 0 is visible."""
    def draw(fig, ax):
        runs = list(result["runs"].items())
        base = np.array(runs[0][1]["loss"])
        for i, (label, record) in enumerate(runs[1:], start=1):
            ax.plot(np.abs(np.array(record["loss"]) - base), color=COLOURS[i], linestyle=STYLES[i],
                    linewidth=1.6, label=words.run(label))
        ax.set_yscale("symlog", linthresh=1e-9)
        ax.set_ylim(bottom=0)
        ax.set_xlabel(words("step"))
        ax.set_ylabel(words("loss_difference_from", label=words.run(runs[0][0])))
        ax.legend()
    return _themed(draw, theme, words.language)


def contour_figure(result: dict, theme: dict, words: Words) -> bytes:
    def draw(fig, ax):
        xs, ys, zs = rosenbrock_grid()
        ax.grid(False)
        ax.contour(xs, ys, zs, levels=np.logspace(-1, 3.5, 14), colors=theme["grid"], linewidths=0.6)
        for i, (label, record) in enumerate(result["runs"].items()):
            path = np.array([[-1.5, 2.0]] + record["trajectory"])
            ax.plot(path[:, 0], path[:, 1], color=COLOURS[i], linestyle=STYLES[i], linewidth=1.2,
                    marker=".", markersize=2.5, label=words.run(label))
            ax.plot(*path[-1], marker="o", color=COLOURS[i], markersize=5)
        ax.plot(1, 1, marker="*", color=theme["fg"], markersize=9)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(loc="lower right")
    return _themed(draw, theme, words.language)


def end_to_end_loss_figure(result: dict, theme: dict, words: Words) -> bytes:
    e2e = result["recorded"]

    def draw(fig, ax):
        for i, (label, key) in enumerate((("PyTorch", "loss_torch"), ("MindSpore", "loss_mindspore"))):
            ax.plot(np.arange(1, len(e2e[key]) + 1), e2e[key], color=COLOURS[i], linestyle=STYLES[i],
                    linewidth=1.6, label=words.run(label))
        ax.set_xlabel(words("step"))
        ax.set_ylabel(words("loss"))
        ax.legend()
    return _themed(draw, theme, words.language)


def end_to_end_figure(result: dict, theme: dict, words: Words) -> bytes:
    e2e = result["recorded"]

    def draw(fig, ax):
        native = np.abs(np.array(e2e["loss_torch"]) - np.array(e2e["loss_mindspore"]))
        steps = np.arange(1, len(native) + 1)
        ax.plot(steps, native, color=COLOURS[0], linewidth=1.6, label=words("native"))
        ax.plot(steps, np.zeros_like(native), color=COLOURS[1], linestyle="--", linewidth=1.6,
                label=words("replay"))
        first = e2e["first_opposite_sign"]["step"]
        ax.axvline(first, color=theme["fg"], linewidth=0.8, linestyle=":")
        ax.annotate(words("sign_differs", step=first), (first, 1e-3), xytext=(6, 0),
                    textcoords="offset points", color=theme["fg"])
        ax.set_yscale("symlog", linthresh=1e-9)
        ax.set_ylim(bottom=0)
        ax.set_xlabel(words("step"))
        ax.set_ylabel(words("loss_difference"))
        ax.legend(loc="center right")
    return _themed(draw, theme, words.language)


def figures_for(scenario_id: str, result: dict, language: str = LANGUAGES[0]) -> dict[str, bytes]:
    """All SVG files of one scenario in one language: name → bytes (both themes)."""
    if "recorded" in result:
        drawers = {"loss": end_to_end_loss_figure, "loss-difference": end_to_end_figure}
    else:
        drawers = {"loss": loss_figure, "step-size": step_size_figure}
        if len(result["runs"]) > 1:
            drawers["loss-difference"] = difference_figure
        if result["problem"] == "rosenbrock":
            drawers["trajectories"] = contour_figure
    words = Words(language, result)
    tag = "" if language == LANGUAGES[0] else f"-{language}"
    return {f"{scenario_id}-{kind}{tag}{suffix}.svg": draw(result, theme, words)
            for kind, draw in drawers.items() for suffix, theme in THEMES.items()}
