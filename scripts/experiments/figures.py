"""Draw scenario results as SVG figures, byte-identical for identical results.

Every figure comes in two palettes, `NAME.svg` (light) and `NAME-dark.svg`, which the pages show
with Material's `#only-light` / `#only-dark`; in two layouts, one for the page's column on a wide
screen and a narrow one for phones (`NAME-narrow.svg`: legend under the plot, drawn at about a
phone column's width so that its text is not scaled down there); and once per language: every word drawn
comes from `figure_text.yml` or from the run labels of `scenarios.yml`, so a Chinese page shows
`NAME-zh.svg`. Text stays text (`svg.fonttype: none`): the reader's browser draws it with the
fonts the site's stylesheet names, and Matplotlib needs no Chinese font. It lays text out with
DejaVu Sans (bundled with Matplotlib) only, whatever the machine has installed, so the same inputs
give the same bytes everywhere.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import matplotlib
import yaml

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from matplotlib.transforms import blended_transform_factory, offset_copy  # noqa: E402
from experiments.problems import rosenbrock_grid  # noqa: E402

THEMES = {"": {"fg": "#333333", "grid": "#d0d0d0"}, "-dark": {"fg": "#e0e0e0", "grid": "#555555"}}
COLOURS = ("#e4572e", "#2e86ab", "#76b041", "#a066c8", "#f0a202")  # readable on white and on slate
STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)))
# 10 pt: a figure shown at its own size (1 pt = 4/3 CSS px) draws even the exponents of its log-scale
# ticks (mathtext, 0.7 × the size) at 9.3 CSS px.
RC = {"svg.hashsalt": "rprop-reference", "svg.fonttype": "none", "font.family": "DejaVu Sans",
      "font.size": 10, "axes.spines.top": False, "axes.spines.right": False}
# Figure size (inches) per layout. The narrow one is at most ~257 pt (343 CSS px, a 375 px phone's
# column) wide once cropped, so that a phone shows it at its own size (hooks/run_experiments.py).
LAYOUTS = {"": (6.4, 3.4), "-narrow": (3.4, 3.9)}
LINE_WIDTH = 1.6
TEXT = yaml.safe_load((Path(__file__).resolve().parent / "figure_text.yml").read_text(encoding="utf-8"))
LANGUAGES = tuple(next(iter(TEXT.values())))  # the first is the default language
# What the browser draws a figure's text with, per language: after DejaVu Sans (the font the text
# was laid out with, where installed) the Chinese system fonts that docs/assets/site.css names.
FONTS = {"zh": ("DejaVu Sans", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
                "Source Han Sans SC", "WenQuanYi Micro Hei", "sans-serif")}


def _svg(fig, language: str) -> bytes:
    buffer = io.BytesIO()
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


def _themed(draw, theme: dict, language: str, layout: str = ""):
    """Draw one figure: `draw(ax, legend)` plots and calls `legend(**where on a wide figure)`,
    which on a narrow figure puts the legend under the plot instead, in one column."""
    rc = RC | {"text.color": theme["fg"], "axes.labelcolor": theme["fg"], "axes.edgecolor": theme["fg"],
               "xtick.color": theme["fg"], "ytick.color": theme["fg"], "grid.color": theme["grid"],
               "legend.frameon": False}
    with plt.rc_context(rc), warnings.catch_warnings():
        # DejaVu Sans has no CJK glyphs: Matplotlib measures them as its missing-glyph box
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        # a narrow figure keeps its labels and legend inside its width (Matplotlib's constrained layout)
        fig, ax = plt.subplots(figsize=LAYOUTS[layout], layout="constrained" if layout else None)
        ax.grid(True, linewidth=0.5)

        def legend(**wide):
            """The legend where the drawing asks (`wide`) on a wide figure if it covers no curve
            there; else under the plot (in two columns on a wide figure)."""
            if not layout:
                shown = ax.legend(**wide)
                fig.canvas.draw()
                box = shown.get_window_extent()
                if not any(_crosses(points, box.x0, box.y0, box.x1, box.y1) for points in _curves(ax)):
                    return shown
                shown.remove()
            else:  # a long axis label on two lines rather than past the plot's height
                ax.set_ylabel(_wrapped(ax.get_ylabel(), ax.get_position().height * fig.get_figheight() * 60))
            # under the x axis's label, whatever the tick labels' height, no wider than the figure
            below = offset_copy(ax.transAxes, fig, y=-2.9 * RC["font.size"], units="points")
            handles, labels = ax.get_legend_handles_labels()
            columns = 1 if layout else 2
            room = fig.get_figwidth() * 72 / columns - 4.4 * RC["font.size"]  # less the line's sample
            return ax.legend(handles, [_wrapped(label, room) for label in labels], loc="upper left",
                             bbox_to_anchor=(0, 0), bbox_transform=blended_transform_factory(fig.transFigure, below),
                             borderaxespad=0, ncols=columns)
        draw(ax, legend)
        return _svg(fig, language)


def _curves(ax) -> list[np.ndarray]:
    """The data curves' points in display coordinates."""
    return [line.get_transform().transform(line.get_xydata()) for line in ax.get_lines()
            if (line.get_gid() or "").startswith("curve-")]


def _curve(ax, x, y, i: int, name: str, **style):
    """One data curve, in its run's colour and dash, its SVG group named `curve-…` (for the tests)."""
    style = {"color": COLOURS[i], "linestyle": STYLES[i], "linewidth": LINE_WIDTH} | style
    return ax.plot(x, y, gid=f"curve-{i}", label=name, **style)


def _zero_visible(ax, linthresh: float) -> None:
    """A symlog axis from just below 0, so that a curve of exactly 0 lies above the x axis's line."""
    ax.set_yscale("symlog", linthresh=linthresh)
    ax.set_ylim(bottom=-0.3 * linthresh)


def _width_points(text: str, size: float) -> float:
    """A generous width of `text` as a browser draws it: Matplotlib measures CJK characters as
    DejaVu Sans's missing-glyph box, a browser's Chinese font draws them one em wide."""
    return size * sum(1.0 if ord(c) > 0x2e7f else 0.64 for c in text)


def _wrapped(text: str, points: float) -> str:
    """`text` broken into lines at most `points` wide (as `_width_points` measures): after its colon
    if both sides then fit, else at the last space, Chinese comma or opening bracket that fits, else
    between Chinese characters (never before a closing mark)."""
    size = RC["font.size"]
    if _width_points(text, size) <= points:
        return text
    head, colon, tail = (re.split(r"(: |：)", text, maxsplit=1) + ["", ""])[:3]
    if colon and max(_width_points(head + colon, size), _width_points(tail, size)) <= points:
        return f"{head}{colon.strip()}\n{tail}"
    lines = [""]
    for token in re.findall(r"[\u2e80-\uffff][，。：；）]?|[^\s\u2e80-\uffff]+|\s+", text):
        if lines[-1] and not token.isspace() and _width_points(lines[-1] + token, size) > points:
            line = lines[-1].rstrip()
            cut = max(line.rfind(" ") + 1, line.rfind("，") + 1, line.rfind("（"), line.rfind("("))
            carry = line[cut:] + lines[-1][len(line):] if cut > 0 else ""
            lines[-1] = line[:cut].rstrip() if cut > 0 else line
            lines.append(carry)
        if lines[-1] or not token.isspace():
            lines[-1] += token
    return "\n".join(lines)


def _label_in_free_space(ax, text: str, x: float, colour: str, legend=None):
    """Write `text` beside the vertical line at data `x`: as close to it as its box touches no curve
    and not the legend (right of the line first, from the top down; on two lines if it must)."""
    fig = ax.figure
    fig.canvas.draw()
    size = RC["font.size"]
    segments = _curves(ax)
    box = ax.get_window_extent()
    blocked = legend.get_window_extent() if legend is not None else None
    line = ax.transData.transform((x, 0))[0]
    for lines in (text, _wrapped(text, 0.7 * _width_points(text, size))):
        width = (max(_width_points(part, size) for part in lines.split("\n")) + 4) * fig.dpi / 72
        height = (1.25 * lines.count("\n") + 1.5) * size * fig.dpi / 72
        for shift in np.arange(4, box.width / 3, 4):
            for side, x0 in ((1, line + shift), (-1, line - shift - width)):
                x1 = x0 + width
                if x0 < box.x0 or x1 > box.x1:
                    continue
                for top in np.linspace(box.y1 - 2, box.y0 + height + 2, 24):
                    y0 = top - height
                    if blocked is not None and not (x1 < blocked.x0 or x0 > blocked.x1
                                                    or top < blocked.y0 or y0 > blocked.y1):
                        continue
                    if not any(_crosses(points, x0, y0, x1, top) for points in segments):
                        anchor = ax.transData.inverted().transform((x0 if side > 0 else x1, (y0 + top) / 2))
                        return ax.text(*anchor, lines, ha="left" if side > 0 else "right", va="center",
                                       color=colour, gid="label")
    raise ValueError(f"no free space for {text!r} beside x = {x}")


def _crosses(points: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Whether the polyline `points` (display coordinates) comes within 2 px of the box, sampled
    16 times along each segment."""
    t = np.linspace(0, 1, 16)[:, None, None]
    samples = (points[:-1] + t * (points[1:] - points[:-1])).reshape(-1, 2)
    return bool(((samples[:, 0] >= x0 - 2) & (samples[:, 0] <= x1 + 2)
                 & (samples[:, 1] >= y0 - 2) & (samples[:, 1] <= y1 + 2)).any())


def loss_figure(result: dict, theme: dict, words: Words, layout: str = "") -> bytes:
    def draw(ax, legend):
        for i, (label, record) in enumerate(result["runs"].items()):
            _curve(ax, np.arange(len(record["loss"])), record["loss"], i, words.run(label))
        ax.set_xlabel(words("step"))
        ax.set_ylabel(words("loss"))
        if result["problem"] == "rosenbrock":
            ax.set_yscale("log")
        legend()
    return _themed(draw, theme, words.language, layout)


def step_size_figure(result: dict, theme: dict, words: Words, layout: str = "") -> bytes:
    """Median step size per step, with the band from the smallest to the largest element."""
    def draw(ax, legend):
        for i, (label, record) in enumerate(result["runs"].items()):
            sizes = np.array(record["step_size"][1:])
            steps = np.arange(1, len(sizes) + 1)
            _curve(ax, steps, sizes[:, 0], i, words("median", label=words.run(label)))
            ax.fill_between(steps, sizes[:, 1], sizes[:, 2], color=COLOURS[i], alpha=0.15, linewidth=0)
        ax.set_yscale("log")
        ax.set_xlabel(words("step"))
        ax.set_ylabel(words("step_size"))
        legend()
    return _themed(draw, theme, words.language, layout)


def difference_figure(result: dict, theme: dict, words: Words, layout: str = "") -> bytes:
    """|loss − loss of the first run| per step (or of the run before, for a scenario that adds one
    change per run: `compare: previous`), on a scale where exactly 0 is visible."""
    def draw(ax, legend):
        runs = list(result["runs"].items())
        previous = result.get("compare") == "previous"
        for i, (label, record) in enumerate(runs[1:], start=1):
            base = np.array(runs[i - 1 if previous else 0][1]["loss"])
            _curve(ax, np.arange(len(base)), np.abs(np.array(record["loss"]) - base), i, words.run(label))
        _zero_visible(ax, 1e-9)
        ax.set_xlabel(words("step"))
        ax.set_ylabel(words("loss_difference_previous") if previous
                      else words("loss_difference_from", label=words.run(runs[0][0])))
        legend()
    return _themed(draw, theme, words.language, layout)


def contour_figure(result: dict, theme: dict, words: Words, layout: str = "") -> bytes:
    def draw(ax, legend):
        xs, ys, zs = rosenbrock_grid()
        ax.grid(False)
        ax.contour(xs, ys, zs, levels=np.logspace(-1, 3.5, 14), colors=theme["grid"], linewidths=0.6)
        for i, (label, record) in enumerate(result["runs"].items()):
            path = np.array([[-1.5, 2.0]] + record["trajectory"])
            _curve(ax, path[:, 0], path[:, 1], i, words.run(label), linewidth=1.2, marker=".", markersize=2.5)
            ax.plot(*path[-1], marker="o", color=COLOURS[i], markersize=5)
        ax.plot(1, 1, marker="*", color=theme["fg"], markersize=9)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        legend(loc="lower right")
    return _themed(draw, theme, words.language, layout)


def end_to_end_loss_figure(result: dict, theme: dict, words: Words, layout: str = "") -> bytes:
    e2e = result["recorded"]

    def draw(ax, legend):
        for i, (label, key) in enumerate((("PyTorch", "loss_torch"), ("MindSpore", "loss_mindspore"))):
            _curve(ax, np.arange(1, len(e2e[key]) + 1), e2e[key], i, words.run(label))
        ax.set_xlabel(words("step"))
        ax.set_ylabel(words("loss"))
        legend()
    return _themed(draw, theme, words.language, layout)


def end_to_end_figure(result: dict, theme: dict, words: Words, layout: str = "") -> bytes:
    e2e = result["recorded"]

    def draw(ax, legend):
        native = np.abs(np.array(e2e["loss_torch"]) - np.array(e2e["loss_mindspore"]))
        steps = np.arange(1, len(native) + 1)
        _curve(ax, steps, native, 0, words("native"), linestyle="-")
        _curve(ax, steps, np.zeros_like(native), 1, words("replay"), linestyle="--")
        first = e2e["first_opposite_sign"]["step"]
        ax.axvline(first, color=theme["fg"], linewidth=0.8, linestyle=":", gid="curve-marker")
        _zero_visible(ax, 1e-9)
        ax.set_xlabel(words("step"))
        ax.set_ylabel(words("loss_difference"))
        _label_in_free_space(ax, words("sign_differs", step=first), first, theme["fg"],
                             legend(loc="center right"))
    return _themed(draw, theme, words.language, layout)


def figures_for(scenario_id: str, result: dict, language: str = LANGUAGES[0]) -> dict[str, bytes]:
    """All SVG files of one scenario in one language: name → bytes (both layouts, both themes)."""
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
    return {f"{scenario_id}-{kind}{layout}{tag}{suffix}.svg": draw(result, theme, words, layout)
            for kind, draw in drawers.items() for layout in LAYOUTS for suffix, theme in THEMES.items()}
