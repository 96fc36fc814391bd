"""The course notebooks: each one runs, fast, gives the same outputs every
time, and the committed ``.ipynb`` is what its source in ``notebooks/src/``
produces.

Every notebook is executed here with a real Jupyter kernel (nbclient +
ipykernel, started with this interpreter through a temporary kernelspec, see
``notebooks/build.py``), twice at the same time in two kernels: a cell that
raises fails the test with nbclient's message naming the cell (a cell that
runs past ``build.TIMEOUT`` fails instead of hanging CI; how long notebooks
take is measured, not asserted: the README's table), and the two runs must
show the same outputs (tqdm
timings masked), which holds because every notebook is seeded. The committed
notebook must have the same cells and the same kinds of outputs; outputs
that merely changed since it was built (another engineer's drawing style, a
last digit) give a warning naming the rebuild command,
``python notebooks/build.py NN``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook tests need nbformat "
                                                  "(pip install -e '.[test]')")
pytest.importorskip("nbclient", reason="the notebook tests need nbclient")
pytest.importorskip("ipykernel", reason="the notebook tests need ipykernel")

from kernel import build  # noqa: E402  (after the importorskips)
from seeds import ROOT  # noqa: E402

SOURCES = build.sources()
IDS = [s.stem for s in SOURCES]


@pytest.fixture(scope="module")
def kernel() -> Iterator[str]:
    with build.venv_kernel() as name:
        yield name


def test_the_nine_notebooks_are_numbered_in_course_order() -> None:
    numbers = [s.stem[:2] for s in SOURCES]
    assert numbers == [f"{k:02d}" for k in range(1, 10)], numbers
    assert sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")) == \
        sorted(build.target(s).name for s in SOURCES)


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_notebook_opens_with_a_title_and_what_it_teaches(source: Path) -> None:
    cells = build.parse(source.read_text(encoding="utf-8"), str(source))
    kind, text = cells[0]
    assert kind == "markdown"
    assert text.startswith(f"# {int(source.stem[:2])}. "), text.splitlines()[0]
    assert "**What this teaches.**" in text
    assert any(k == "code" for k, _ in cells)


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_committed_notebook_is_built_from_its_source(source: Path) -> None:
    path = build.target(source)
    assert path.exists(), f"{path} is missing: run python notebooks/build.py {source.stem[:2]}"
    committed = nbformat.read(path, as_version=4)
    fresh = build.notebook(source)
    assert [(c.cell_type, c.source) for c in committed.cells] == \
        [(c.cell_type, c.source) for c in fresh.cells], \
        f"{path.name} is stale: run python notebooks/build.py {source.stem[:2]}"
    nbformat.validate(committed)
    code = [c for c in committed.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), f"{path.name} was not executed"
    assert any(c.outputs for c in code)
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    text = path.read_text(encoding="utf-8")
    assert str(ROOT) not in text, f"{path.name} shows a path of the machine it was built on"
    if "%matplotlib inline" in text:  # plots are embedded, so a Git host shows them
        assert '"image/png"' in text


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_notebook_runs_and_gives_the_same_outputs_twice(source: Path, kernel: str) -> None:
    """Two runs at once, each in its own kernel: no error, identical outputs
    (timings masked). Outputs that differ from the
    committed notebook only warn: a change elsewhere in the package (a drawing
    style, a last digit) makes a notebook stale, not wrong."""
    first, second = build.notebook(source), build.notebook(source)
    seconds = build.execute_together([first, second], kernel)  # raises on a cell error
    print(f"{source.stem}: {seconds[0]:.1f} s and {seconds[1]:.1f} s")

    code = [c.source for c in first.cells if c.cell_type == "code"]
    for cell in first.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", (cell.source, out)
            if out.output_type == "stream" and out.name == "stderr":
                assert "Warning" not in out.text and "Traceback" not in out.text, \
                    f"{source.stem}: a cell wrote a warning:\n{cell.source}\n{out.text}"
    one, two = build.outputs(first), build.outputs(second)
    for k, (a, b) in enumerate(zip(one, two)):
        assert a == b, f"{source.stem}, code cell {k}: different outputs on two runs " \
                       f"(unseeded randomness?):\n{code[k]}"
    assert sum(map(len, one)) > 0, f"{source.stem} shows nothing"

    committed = build.outputs(nbformat.read(build.target(source), as_version=4))
    kinds = lambda cells: [[sorted(o) for o in outs] for outs in cells]
    assert kinds(committed) == kinds(one), \
        f"{source.stem}: the committed notebook lacks outputs; run python " \
        f"notebooks/build.py {source.stem[:2]}"
    stale = [k for k, (a, b) in enumerate(zip(one, committed)) if a != b]
    if stale:
        warnings.warn(f"{source.stem}: code cells {stale} now give other outputs than the "
                      f"committed notebook shows; rebuild it with python notebooks/build.py "
                      f"{source.stem[:2]}", stacklevel=1)


# -- the builder itself ----------------------------------------------------------------

def test_parse_splits_code_and_markdown_cells() -> None:
    text = ('"""doc, not a cell"""\n# %% [markdown]\n# # Title\n#\n# $x^2$\n'
            "# %%\nx = 1\n\nprint(x)\n# %%\ny = 2\n")
    assert build.parse(text) == [("markdown", "# Title\n\n$x^2$"),
                                 ("code", "x = 1\n\nprint(x)"), ("code", "y = 2")]


def test_parse_refuses_bad_sources() -> None:
    with pytest.raises(ValueError, match=r"nb.py:3: a Markdown cell line must start"):
        build.parse("# %% [markdown]\n# ok\nnot a comment\n", "nb.py")
    with pytest.raises(ValueError, match="empty code cell"):
        build.parse("# %%\n\n# %%\nx = 1\n", "nb.py")
    with pytest.raises(ValueError, match="no cells"):
        build.parse("x = 1\n", "nb.py")


def test_normalise_masks_timings_but_not_numbers() -> None:
    bar = "fit: 100%|██████████| 30/30 [00:03<00:00,  9.51epoch/s, loss=0.1234]"
    other = "fit: 100%|██████████| 30/30 [01:07<00:00,  1.02s/epoch, loss=0.1234]"
    assert build.normalise(bar) == build.normalise(other) == \
        "fit: 100%|██████████| 30/30 [TIME, loss=0.1234]"
    assert build.normalise(bar) != build.normalise(bar.replace("0.1234", "0.1235"))
    # tqdm pads its last refresh to the one before: trailing spaces vary run to run
    padded = "fit: 100%|█| 40/40 [00:01<00:00, 31.2epoch/s, accuracy=0.99] \nacc 0.990\n"
    assert build.normalise(padded) == build.normalise(padded.replace("] \n", "]\n")) == \
        "fit: 100%|█| 40/40 [TIME, accuracy=0.99]\nacc 0.990\n"
    assert build.normalise("a  b\n") == "a  b\n"  # spaces inside a line stay
    for text in ("loss 0.25 after 3 epochs", 'xmlns="http://www.w3.org/2000/svg"',
                 "x = [0.0, 1.0] -> s = +0.5"):
        assert build.normalise(text) == text
