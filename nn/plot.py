"""Plots for the course: the decision boundary of a 2-D classifier and loss curves.

matplotlib is imported only when a plot is drawn (``pip install
"chainrule[plot]"``); the grid of scores is computed here in plain Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import autograd
from autograd import Value


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("nn.plot needs matplotlib: pip install 'chainrule[plot]' "
                          f"(or pip install matplotlib); import failed with: {e}") from None
    return plt


def _axes(ax: Any) -> Any:
    return _pyplot().subplots()[1] if ax is None else ax


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
                      threshold: float | None = None, cmap: str = "Spectral") -> Any:
    """Draw the regions a 2-D classifier assigns to each class, its boundary
    and the points X coloured by y; return the matplotlib Axes.

    One output s: class s > threshold (0 for −1/+1 labels, ½ for 0/1 labels,
    or ``threshold``), the boundary is the level set s = threshold. Several
    outputs: the argmax class."""
    xs, ys, Z = decision_grid(model, X, resolution, padding)
    ax = _axes(ax)
    multiclass = isinstance(Z[0][0], int)
    if multiclass:
        n = max(max(row) for row in Z) + 1
        levels = [k - 0.5 for k in range(n + 1)]
        ax.contourf(xs, ys, Z, levels=levels, cmap=cmap, alpha=0.6)
    else:
        t = _threshold(y, threshold)
        classes = [[1.0 if z > t else 0.0 for z in row] for row in Z]
        ax.contourf(xs, ys, classes, levels=[-0.5, 0.5, 1.5], cmap=cmap, alpha=0.6)
        if min(min(r) for r in Z) < t < max(max(r) for r in Z):
            ax.contour(xs, ys, Z, levels=[t], colors="k", linewidths=1.0)
    px = [p[0] for p in X]
    py = [p[1] for p in X]
    if y is None:  # no labels: plain points (a cmap without colours only warns)
        ax.scatter(px, py, color="0.3", edgecolors="k", s=25)
    else:
        ax.scatter(px, py, c=[float(v) for v in y], cmap=cmap, edgecolors="k", s=25)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    return ax


def loss_curves(history: Mapping[str, Sequence[float]], keys: Sequence[str] | None = None,
                ax: Any = None, log: bool = False) -> Any:
    """One line per key of a history (``nn.fit``'s, or any mapping of
    per-epoch lists) against the epoch; default keys: every ``...loss``.
    Returns the matplotlib Axes."""
    if keys is None:
        keys = [k for k in history if k.endswith("loss")]
    missing = [k for k in keys if k not in history]
    if missing:
        raise KeyError(f"loss_curves: {missing} not in the history (it has {list(history)})")
    if not keys:
        raise ValueError(f"loss_curves: nothing to plot (history keys: {list(history)})")
    ax = _axes(ax)
    for k in keys:
        values = list(history[k])
        ax.plot(range(1, len(values) + 1), values, label=k)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss" if all(k.endswith("loss") for k in keys) else "value")
    if log:
        ax.set_yscale("log")
    ax.legend()
    return ax
