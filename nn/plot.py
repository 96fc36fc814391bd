"""Plots for the course: the decision boundary of a 2-D classifier and loss curves.

matplotlib is imported only when a plot is drawn (``pip install
"chainrule[plot]"``); the grid of scores is computed here in plain Python.

Every figure is meant to be read projected and printed in greyscale: classes
differ by marker shape and region hatching as well as by colour, curves by
line style as well as by colour, and :func:`slide_style` gives the rcParams
(resolution, font sizes, a colour-blind-safe cycle of colours *and* dashes)
the course notebooks use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import autograd
from autograd import Value

#: Okabe and Ito's colour-blind-safe palette (blue, vermillion, green, pink,
#: orange, sky blue), paired with one line style each so that curves stay apart
#: in greyscale.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
DASHES: tuple[Any, ...] = ("-", "--", ":", "-.", (0, (6, 1.5, 1, 1.5, 1, 1.5)), (0, (9, 3)))
#: One marker shape and one region hatch per class (class k: ``MARKERS[k % 8]``).
MARKERS = ("o", "^", "s", "D", "v", "P", "X", "*")
HATCHES = (None, "//", "..", "\\\\", "xx", "--", "++", "oo")


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("nn.plot needs matplotlib: pip install 'chainrule[plot]' "
                          f"(or pip install matplotlib); import failed with: {e}") from None
    return plt


def slide_style() -> dict[str, Any]:
    """matplotlib rcParams for figures shown on slides and printed in greyscale:
    ``plt.rcParams.update(nn.plot.slide_style())``.

    160 dpi, saved or shown in Jupyter with ``%config
    InlineBackend.figure_formats = ["retina"]`` (which renders at twice
    ``figure.dpi`` and shows the figure at its ``figure.dpi`` size), 12-pt
    text (a 10-inch-wide figure projected 13.3 inches wide shows it at 16 pt),
    2-pt lines cycling through :data:`COLOURS` and :data:`DASHES` together,
    and constrained layout, so labels of neighbouring panels do not overlap."""
    _pyplot()
    from cycler import cycler

    return {
        "figure.dpi": 80,
        "savefig.dpi": 160,
        "figure.constrained_layout.use": True,
        "font.size": 12,
        "axes.titlesize": 13,
        "axes.labelsize": 12,
        "xtick.labelsize": 12,
        "ytick.labelsize": 12,
        "legend.fontsize": 12,
        "legend.framealpha": 0.9,
        "lines.linewidth": 2.0,
        "lines.markersize": 7.0,
        "axes.prop_cycle": cycler(color=list(COLOURS), linestyle=list(DASHES)),
        "image.cmap": "viridis",
        "hatch.linewidth": 0.6,
    }


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    return _pyplot().subplots(layout="constrained")[1]


def _threshold(y: Sequence[Any] | None, threshold: float | None) -> float:
    if threshold is not None:
        return float(threshold)
    if y is not None and all(float(t) in (0.0, 1.0) for t in y):
        return 0.5  # 0/1 labels: probabilities
    return 0.0      # -1/+1 labels: margins and logits


def decision_grid(model: Any, X: Sequence[Sequence[float]], resolution: int = 100,
                  padding: float = 0.5
                  ) -> tuple[list[float], list[float], list[list[Any]]]:
    """``(xs, ys, Z)``: a ``resolution``² grid over the bounding box of the
    2-D points X widened by ``padding``, and the model's output at each
    point, ``Z[i][j] = model([xs[j], ys[i]])`` as a float (one output) or a
    class index (the argmax of several). No graph is recorded."""
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"decision_grid: resolution must be an int >= 2, got {resolution!r}")
    points = [list(p) for p in X]
    if not points or any(len(p) != 2 for p in points):
        raise ValueError("decision_grid: X must be a non-empty list of 2-D points")
    lo = [min(p[k] for p in points) - padding for k in (0, 1)]
    hi = [max(p[k] for p in points) + padding for k in (0, 1)]
    xs = [lo[0] + (hi[0] - lo[0]) * j / (resolution - 1) for j in range(resolution)]
    ys = [lo[1] + (hi[1] - lo[1]) * i / (resolution - 1) for i in range(resolution)]
    with autograd.no_grad():
        Z = [[_score(model([x, y_])) for x in xs] for y_ in ys]
    return xs, ys, Z


def _score(out: Any) -> Any:
    if isinstance(out, (list, tuple)):
        scores = [_score(o) for o in out]
        return max(range(len(scores)), key=scores.__getitem__)
    return out.data if isinstance(out, Value) else float(out)


def decision_boundary(model: Any, X: Sequence[Sequence[float]], y: Sequence[Any] | None = None,
                      ax: Any = None, resolution: int = 100, padding: float = 0.5,
                      threshold: float | None = None, cmap: str = "viridis") -> Any:
    """Draw the regions a 2-D classifier assigns to each class, its boundary
    and the points X coloured by y; return the matplotlib Axes.

    One output s: class s > threshold (0 for −1/+1 labels, ½ for 0/1 labels,
    or ``threshold``), the boundary is the level set s = threshold. Several
    outputs: the argmax class. Class k is told apart in greyscale too: its
    region is hatched with ``HATCHES[k]`` and its points drawn as
    ``MARKERS[k]`` (the lower class as circles, the upper as triangles), in the
    colours of ``cmap`` (default viridis, whose ends differ in lightness)."""
    xs, ys, Z = decision_grid(model, X, resolution, padding)
    ax = _axes(ax)
    plt = _pyplot()
    multiclass = isinstance(Z[0][0], int)
    style = {"hatch.color": "0.25", "hatch.linewidth": 0.6}
    with plt.rc_context(style):  # older matplotlib reads the hatch style when drawing
        if multiclass:
            n = max(max(max(row) for row in Z) + 1, 2)
            regions = Z
        else:
            n = 2
            t = _threshold(y, threshold)
            regions = [[1 if z > t else 0 for z in row] for row in Z]
        levels = [k - 0.5 for k in range(n + 1)]
        filled = ax.contourf(xs, ys, regions, levels=levels, cmap=cmap, alpha=0.35,
                             hatches=[HATCHES[k % len(HATCHES)] for k in range(n)])
        for setter, value in (("set_hatchcolor", style["hatch.color"]),
                              ("set_hatch_linewidth", style["hatch.linewidth"])):
            if hasattr(filled, setter):  # matplotlib >= 3.10 keeps them per artist
                getattr(filled, setter)(value)
        if not multiclass and min(min(r) for r in Z) < t < max(max(r) for r in Z):
            ax.contour(xs, ys, Z, levels=[t], colors="k", linewidths=2.0)
    px = [p[0] for p in X]
    py = [p[1] for p in X]
    if y is None:  # no labels: plain points (a cmap without colours only warns)
        ax.scatter(px, py, color="0.3", edgecolors="k", s=36)
    else:
        if multiclass:
            classes = [int(float(v)) for v in y]
        else:
            classes = [1 if float(v) > t else 0 for v in y]
        points = ax.scatter(px, py, c=[float(v) for v in y], cmap=cmap, edgecolors="k",
                            linewidths=0.8, s=40)
        points.set_paths([_marker_path(MARKERS[k % len(MARKERS)]) for k in classes])
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    return ax


def _marker_path(marker: str) -> Any:
    """The path scatter draws for ``marker`` (one shape per point)."""
    from matplotlib.markers import MarkerStyle

    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def loss_curves(history: Mapping[str, Sequence[float]], keys: Sequence[str] | None = None,
                ax: Any = None, log: bool = False) -> Any:
    """One line per key of a history (``nn.fit``'s, or any mapping of
    per-epoch lists) against the epoch (1, 2, ...); default keys: every
    ``...loss``. Each key has its own colour and line style (:data:`COLOURS`,
    :data:`DASHES`). Returns the matplotlib Axes."""
    if keys is None:
        keys = [k for k in history if k.endswith("loss")]
    missing = [k for k in keys if k not in history]
    if missing:
        raise KeyError(f"loss_curves: {missing} not in the history (it has {list(history)})")
    if not keys:
        raise ValueError(f"loss_curves: nothing to plot (history keys: {list(history)})")
    ax = _axes(ax)
    for i, k in enumerate(keys):
        values = list(history[k])
        ax.plot(range(1, len(values) + 1), values, label=k, color=COLOURS[i % len(COLOURS)],
                linestyle=DASHES[i % len(DASHES)])
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss" if all(k.endswith("loss") for k in keys) else "value")
    if log:
        ax.set_yscale("log")
    ax.legend(loc="best")
    return ax
