"""nn.plot: the decision grid's numbers, what gets drawn, and the missing-matplotlib error."""

from __future__ import annotations

import io
import sys
import warnings

import matplotlib  # the test extra installs it
import pytest

import nn
from nn.plot import decision_boundary, decision_grid, loss_curves

matplotlib.use("Agg")  # no display in CI
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():  # type: ignore[no-untyped-def]
    yield
    plt.close("all")


def linear_model() -> nn.Neuron:
    """s(x) = x₁ − 2·x₂ + 0.5 as an explicit-weight neuron."""
    return nn.Neuron(2, activation=None, weights=[1.0, -2.0], bias=0.5)


def test_decision_grid_evaluates_the_model_on_a_padded_box() -> None:
    X = [[0.0, 0.0], [2.0, 1.0], [1.0, -1.0]]
    xs, ys, Z = decision_grid(linear_model(), X, resolution=5, padding=0.5)
    assert xs == [-0.5, 0.25, 1.0, 1.75, 2.5]
    assert ys == [-1.5, -0.75, 0.0, 0.75, 1.5]
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            assert Z[i][j] == pytest.approx(x - 2 * y + 0.5, abs=1e-15)


def test_decision_grid_of_several_outputs_is_the_argmax_class() -> None:
    model = nn.MLP(2, [3], activation=None, seed=0)  # three linear class scores
    X = [[-1.0, -1.0], [1.0, 1.0]]
    xs, ys, Z = decision_grid(model, X, resolution=4, padding=0.0)
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            scores = [s.data for s in model([x, y])]
            assert Z[i][j] == scores.index(max(scores))


def test_decision_boundary_draws_regions_boundary_and_points() -> None:
    X = [[0.0, 0.0], [2.0, 1.0], [1.0, -1.0], [-1.0, 1.0]]
    y = [1, 1, 1, -1]
    ax = decision_boundary(linear_model(), X, y, resolution=20)
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(points) == 1 and len(points[0].get_offsets()) == 4
    assert [list(p) for p in points[0].get_offsets()] == X
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert [list(c.levels) for c in contours if c.filled] == [[-0.5, 0.5, 1.5]]  # 2 regions
    assert [list(c.levels) for c in contours if not c.filled] == [[0.0]]  # the line s = 0
    assert ax.get_xlim() == (-1.5, 2.5) and ax.get_ylim() == (-1.5, 1.5)
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png")
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


def test_decision_boundary_without_labels_draws_plain_points_without_warnings() -> None:
    X = [[0.0, 0.0], [2.0, 1.0], [1.0, -1.0], [-1.0, 1.0]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = decision_boundary(linear_model(), X, resolution=20)
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(points) == 1 and [list(p) for p in points[0].get_offsets()] == X


def test_decision_boundary_after_training_on_moons() -> None:
    X, y = nn.data.make_moons(40, noise=0.1, seed=0, labels="sign")
    model = nn.MLP(2, [8, 1], seed=0)
    nn.fit(model, X, y, loss="hinge", optimizer=nn.optim.Adam(model, lr=0.05), epochs=20,
           progress=False)
    fig, ax = plt.subplots()
    assert decision_boundary(model, X, y, ax=ax, resolution=15) is ax


def test_loss_curves_plot_every_loss_of_a_history() -> None:
    history = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.2, 0.7, 0.6], "accuracy": [0.5, 0.7, 1]}
    ax = loss_curves(history)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"loss", "val_loss"}
    assert list(lines["val_loss"].get_ydata()) == [1.2, 0.7, 0.6]
    assert list(lines["loss"].get_xdata()) == [1, 2, 3]
    assert ax.get_xlabel() == "epoch"
    ax2 = loss_curves(history, keys=["accuracy"], log=True)
    assert ax2.get_yscale() == "log" and ax2.get_ylabel() == "value"
    with pytest.raises(KeyError, match=r"\['val_accuracy'\] not in the history"):
        loss_curves(history, keys=["val_accuracy"])


def test_history_plot_uses_loss_curves() -> None:
    X, y = nn.data.make_xor()
    model = nn.MLP(2, [4, 1], seed=0)
    h = nn.fit(model, X, nn.data.to_sign(y), loss="hinge", epochs=3, progress=False,
               validation=(X, nn.data.to_sign(y)))
    ax = h.plot()
    assert sorted(line.get_label() for line in ax.get_lines()) == ["loss", "val_loss"]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="resolution must be an int >= 2, got 1"):
        decision_grid(linear_model(), [[0.0, 0.0]], resolution=1)
    with pytest.raises(ValueError, match="2-D points"):
        decision_grid(linear_model(), [[0.0, 0.0, 1.0]])


def test_without_matplotlib_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"chainrule\[plot\]"):
        loss_curves({"loss": [1.0]})


# -- readable projected and in greyscale ---------------------------------------------------

def test_classes_differ_by_marker_shape_and_region_hatching_not_only_colour() -> None:
    X = [[0.0, 0.0], [2.0, 1.0], [1.0, -1.0], [-1.0, 1.0]]
    y = [1, 1, 1, -1]
    ax = decision_boundary(linear_model(), X, y, resolution=20)
    (points,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    paths = points.get_paths()
    assert len(paths) == 4  # one shape per point
    shape = [tuple(map(tuple, p.vertices.round(6))) for p in paths]
    assert shape[0] == shape[1] == shape[2] != shape[3]  # class +1 and class -1 differ
    (filled,) = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled]
    hatches = list(filled.hatches)
    assert hatches[0] != hatches[1] and any(hatches)
    (line,) = [c for c in ax.collections if isinstance(c, ContourSet) and not c.filled]
    assert min(line.get_linewidths()) >= 2.0


def test_multiclass_regions_get_one_hatch_and_one_marker_each() -> None:
    model = nn.MLP(2, [3], activation=None, seed=0)
    X = [[-1.0, -1.0], [1.0, 1.0], [1.0, -1.0], [-1.0, 1.0]]
    Z = decision_grid(model, X, resolution=20)[2]
    y = [Z[0][0], Z[-1][-1], Z[0][-1], Z[-1][0]]  # the class of each corner
    ax = decision_boundary(model, X, y, resolution=20)
    (filled,) = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled]
    assert len(set(filled.hatches)) == len(filled.hatches) == max(max(r) for r in Z) + 1
    (points,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    shapes = {tuple(map(tuple, p.vertices.round(6))) for p in points.get_paths()}
    assert len(shapes) == len(set(y))


def test_loss_curves_differ_by_line_style_not_only_colour() -> None:
    history = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.7], "test_loss": [1.3, 0.8]}
    lines = loss_curves(history).get_lines()
    assert len({line.get_linestyle() for line in lines}) == 3
    assert len({line.get_color() for line in lines}) == 3


def test_slide_style_is_sharp_large_and_dashed() -> None:
    style = nn.plot.slide_style()
    with plt.rc_context(style):
        assert plt.rcParams["savefig.dpi"] >= 150
        assert plt.rcParams["font.size"] >= 12
        assert plt.rcParams["figure.constrained_layout.use"]
        cycle = plt.rcParams["axes.prop_cycle"].by_key()
        assert len(set(map(str, cycle["linestyle"]))) == len(cycle["color"]) >= 5
        fig, ax = plt.subplots()
        first, second = ax.plot([0, 1]), ax.plot([1, 0])
        assert first[0].get_linestyle() != second[0].get_linestyle()
