"""Drawings and step-throughs displayed by a real Jupyter kernel (nbclient + ipykernel).

A cell that just says ``draw(f)`` shows the picture (SVG and PNG, no HTML);
``step_through(f)`` shows the HTML player; with no renderer the cell still
succeeds and shows DOT text and what to install.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat", reason="needs nbformat (pip install -e '.[test]')")
nbclient = pytest.importorskip("nbclient", reason="needs nbclient (pip install -e '.[test]')")
pytest.importorskip("ipykernel", reason="needs ipykernel (pip install -e '.[test]')")

from kernel import run_cells  # noqa: E402  (after the importorskips)

SETUP = """\
from autograd import Value, draw, step_through
u, v, w = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
f = (u + v) * w
f.label = "f"
"""


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """Run the cells once in a kernel started with this interpreter; the cells."""
    return run_cells([
        SETUP,
        "draw(f)",
        "step_through(f)",
        "step_through(f).widget()",
        "import os\nos.environ['CHAINRULE_RENDERER'] = 'none'\ndraw(f, 'backward')",
        "step_through(f)",
    ], tmp_path_factory.mktemp("draw-kernel"))


def _data(cell: Any) -> dict[str, Any]:
    results = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert len(results) == 1, cell.outputs
    assert not [o for o in cell.outputs if o.output_type == "error"]
    return dict(results[0]["data"])


def test_a_cell_with_draw_shows_svg_and_png_once_each(executed: list[Any]) -> None:
    cell = executed[1]
    data = _data(cell)
    assert set(data) == {"text/plain", "image/svg+xml", "image/png"}  # no HTML copy
    assert "<svg" in data["image/svg+xml"] and 'id="v4"' in data["image/svg+xml"]
    assert base64.b64decode(data["image/png"])[:4] == b"\x89PNG"
    result = next(o for o in cell.outputs if o.output_type == "execute_result")
    assert result.metadata["image/png"]["width"] > 100


def test_step_through_shows_the_html_player(executed: list[Any]) -> None:
    data = _data(executed[2])
    assert set(data) == {"text/html", "text/plain"}
    page = data["text/html"]
    assert 'class="cr-player"' in page and page.count('class="cr-frame"') == 1
    assert "run the cell (or trust the notebook) to step through" in page
    assert "<script>" in page


def test_widget_is_an_ipywidgets_view(executed: list[Any]) -> None:
    assert "application/vnd.jupyter.widget-view+json" in _data(executed[3])


def test_without_renderer_the_cell_shows_dot_and_the_install_line(executed: list[Any]) -> None:
    data = _data(executed[4])
    assert set(data) == {"text/plain"}
    assert "pip install graphviz-pure" in data["text/plain"]
    assert "digraph chainrule" in data["text/plain"]
    player = _data(executed[5])["text/html"]
    assert "pip install graphviz-pure" in player and "digraph chainrule" in player
