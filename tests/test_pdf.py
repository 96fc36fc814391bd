"""PDF with pip alone: graphviz-pure's SVG converted to a vector PDF.

Each PDF is read back with Debian's poppler-utils, as a reader would see it:
``pdftoppm`` renders the page (not blank, as much ink as graphviz-pure's own
PNG of the same drawing, the SVG's size in points), ``pdftotext`` must find the
drawing's text (labels, numbers, ∂ Σ × − ·), ``pdffonts`` must list every font
as embedded and ``pdfimages`` no image (vector, not a picture of the graph).

``make test`` installs poppler-utils when missing (as root); where that is
impossible the checks that need it are skipped with a loud reason.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image  # matplotlib's dependency, in the test extra

import nn
from autograd import Value, draw
from autograd.drawing import RenderError, Style, find_renderer
from autograd.drawing.pdf import prepare_svg
from autograd.drawing.render import render

REPO = Path(__file__).resolve().parents[1]
POPPLER = ("pdftoppm", "pdftotext", "pdffonts", "pdfimages")
TITLE = "∂f/∂u = w·1 − 0 = 4, Σ × <&>"


def need_poppler() -> None:
    missing = [t for t in POPPLER if shutil.which(t) is None]
    if missing:
        pytest.skip(f"!!! poppler-utils NOT INSTALLED ({', '.join(missing)} missing): the PDF "
                    f"was NOT rendered back, read or font-checked. Run `make test` as root (it "
                    f"installs Debian's poppler-utils) or apt-get install poppler-utils !!!")


def lecture_f() -> Value:
    u, v, w = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
    f = (u + v) * w
    f.label = "f"
    return f


@pytest.fixture
def no_dot_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH without any `dot`: graphviz-pure lays out, the converter makes the PDF."""
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep)
            if d and not os.path.exists(os.path.join(d, "dot"))]
    monkeypatch.setenv("PATH", os.pathsep.join(dirs))
    monkeypatch.delenv("CHAINRULE_RENDERER", raising=False)
    r = find_renderer()
    assert r is not None and r.name == "graphviz-pure" and "pdf" not in r.formats


def tool(*argv: str | Path) -> str:
    done = subprocess.run([str(a) for a in argv], capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, (argv, done.stderr)
    return done.stdout.decode("utf-8")


class ReadBack:
    """A PDF as poppler reads it: text, font rows, page (grey, 72 dpi: 1 px = 1 pt)."""

    def __init__(self, pdf: bytes, folder: Path) -> None:
        assert pdf.startswith(b"%PDF-"), pdf[:20]
        path = folder / "read_back.pdf"
        path.write_bytes(pdf)
        self.text = tool("pdftotext", "-enc", "UTF-8", path, "-")
        self.fonts = tool("pdffonts", path).splitlines()[2:]
        self.images = tool("pdfimages", "-list", path).splitlines()[2:]
        tool("pdftoppm", "-r", "72", "-gray", "-singlefile", "-png", path, folder / "page")
        self.page = Image.open(folder / "page.png").convert("L")
        self.page.load()

    def assert_vector_with_embedded_fonts(self) -> None:
        assert self.images == [], f"raster images in the PDF, not vector graphics: {self.images}"
        assert self.fonts, "no font in the PDF: the text was not written as text"
        for row in self.fonts:
            emb = row.split()[-5]  # ... emb sub uni object-id generation
            assert emb == "yes", f"font not embedded: {row}"


def ink(image: Image.Image) -> float:
    """The share of pixels darker than mid grey."""
    histogram = image.convert("L").histogram()
    return sum(histogram[:128]) / sum(histogram)


def svg_size_pt(svg: str) -> tuple[float, float]:
    m = re.search(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"', svg)
    assert m, svg[:400]
    return float(m.group(1)), float(m.group(2))


# -- the converter's PDF, read back -----------------------------------------------------------

def test_pdf_without_dot_is_vector_with_the_text_and_embedded_fonts(
        no_dot_on_path: None, tmp_path: Path) -> None:
    need_poppler()
    d = draw(lecture_f(), "both", title=TITLE)
    back = ReadBack(d.pdf(), tmp_path)
    lines = [line.replace(" ", "") for line in back.text.splitlines()]  # cells: one per line
    for expected in ("u data 2", "v data 3", "w data 4", "data 5", "f data 20", "grad 4",
                     "grad 5", "grad 1", "1 × 4 = 4", "4 × 1 = 4", "1 × 5 = 5", "+", "×", TITLE):
        assert expected.replace(" ", "") in lines, (expected, lines)
    back.assert_vector_with_embedded_fonts()
    assert any("Bold" in row for row in back.fonts), back.fonts  # bold value labels

    # the page has the SVG's size in points and as much ink as graphviz-pure's PNG
    width_pt, height_pt = svg_size_pt(d.svg())
    assert abs(back.page.width - width_pt) <= 1.5, (back.page.size, width_pt)
    assert abs(back.page.height - height_pt) <= 1.5, (back.page.size, height_pt)
    assert ink(back.page) > 0.02, "the page is (nearly) blank"
    png = Image.open(io.BytesIO(d.png(dpi=72)))
    white = Image.new("RGBA", png.size, "white")
    reference = Image.alpha_composite(white, png.convert("RGBA"))
    # (thin dashed lines anti-alias differently at 72 dpi: a blank or half-drawn page is far off)
    assert 0.7 < ink(back.page) / ink(reference) < 1.3, (ink(back.page), ink(reference))


def test_save_pdf_and_a_big_network(no_dot_on_path: None, tmp_path: Path) -> None:
    need_poppler()
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    d = draw(nn.MLP(2, [16, 16, 1], seed=0)(x), "backward")  # collapsed neurons: HTML tables
    out = d.save(tmp_path / "mlp.pdf")
    back = ReadBack(out.read_bytes(), tmp_path)
    back.assert_vector_with_embedded_fonts()
    lines = back.text.splitlines()
    words = " ".join(back.text.split())
    for expected in ("x1 data 0.5", "x2 data −1", "neuron 1.1: w·x+b → ReLU", "neuron 3.1: w·x+b"):
        assert expected in words, (expected, lines)
    assert len(re.findall(r"^grad −?[0-9.]+", back.text, re.M)) == 35, lines  # 33 neurons, 2 x
    assert d.notes[0] in lines
    assert ink(back.page) > 0.01


def test_a_font_the_converter_lacks_falls_back_instead_of_dropping_text(
        no_dot_on_path: None, tmp_path: Path) -> None:
    need_poppler()
    d = draw(lecture_f(), "backward", style=Style(fontname="No Such Font Anywhere"))
    back = ReadBack(d.pdf(), tmp_path)
    assert "data 20" in back.text and "1×5=5" in back.text.replace(" ", ""), back.text
    back.assert_vector_with_embedded_fonts()


def test_command_line_writes_pdf_with_pip_alone(tmp_path: Path) -> None:
    """`-o f.pdf` with graphviz-pure and no PATH at all (it is found next to Python)."""
    need_poppler()
    env = {k: v for k, v in os.environ.items() if k != "CHAINRULE_RENDERER"}
    env.update(PATH="", PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "autograd", "draw", "(u+v)*w", "u=2", "v=3",
                           "w=4", "-d", "both", "-o", "f.pdf"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "wrote f.pdf" in done.stdout
    back = ReadBack((tmp_path / "f.pdf").read_bytes(), tmp_path)
    assert "data 20" in back.text and "1×5=5" in back.text.replace(" ", ""), back.text
    back.assert_vector_with_embedded_fonts()


# -- errors and the choice of path ------------------------------------------------------------

def test_without_the_converter_pdf_is_a_clear_error_and_no_file(
        no_dot_on_path: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "vl_convert", None)  # import vl_convert -> ImportError
    d = draw(lecture_f())
    with pytest.raises(RenderError, match=r'pip install "chainrule\[pdf\]".*apt-get install '
                                          r"graphviz"):
        d.pdf()
    with pytest.raises(RenderError, match="vl-convert-python"):
        d.save(tmp_path / "f.pdf")
    assert not (tmp_path / "f.pdf").exists()
    assert d.save(tmp_path / "f.svg").read_text(encoding="utf-8").count("<svg") == 1


def test_a_dot_that_makes_pdf_still_makes_its_own(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A system `dot` with PDF is used for PDF, not the converter (here a fake `dot`
    whose PDF is a marker)."""
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\n"
                    "if [ \"$1\" = '-T?' ]; then echo 'Format: \"?\" not recognized. "
                    "Use one of: pdf png svg' >&2; exit 1; fi\n"
                    "cat >/dev/null; printf '%%PDF-1.4 from dot'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("CHAINRULE_RENDERER", raising=False)
    monkeypatch.setitem(sys.modules, "vl_convert", None)  # the converter must not be needed
    assert render("digraph { a }", "pdf") == b"%PDF-1.4 from dot"
    assert draw(lecture_f()).pdf() == b"%PDF-1.4 from dot"


def test_converter_failure_is_a_render_error() -> None:
    from autograd.drawing.pdf import svg_to_pdf
    with pytest.raises(RenderError, match="no <svg> element"):
        svg_to_pdf("<html>not an svg</html>")


def test_prepare_svg_sets_points_and_known_font_families() -> None:
    svg = ('<?xml version="1.0"?>\n<svg width="711pt" height="134pt" viewBox="0 0 711 134">'
           '<text font-family="Helvetica,sans-Serif">a</text>'
           '<text font-family="Times,serif">b</text>'
           '<text font-family="My Font">c</text>'
           '<rect width="3pt"/></svg>')
    out = prepare_svg(svg)
    assert '<svg width="711" height="134" viewBox="0 0 711 134">' in out
    assert 'font-family="Helvetica,Liberation Sans,Arial,Nimbus Sans,TeX Gyre Heros,' \
           'sans-serif"' in out  # lower-case generic, last; fonts with Helvetica's widths
    assert 'font-family="Times,Liberation Serif,Times New Roman,Nimbus Roman,' \
           'TeX Gyre Termes,serif"' in out
    assert 'font-family="My Font,sans-serif"' in out  # never a list the converter cannot use
    assert '<rect width="3pt"/>' in out  # only the root element's size changes
