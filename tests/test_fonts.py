"""A drawing fits its text in the fonts a student's machine has (issues 10 and 14).

Graphviz writes ``font-family="Helvetica,sans-Serif"``; a Linux machine with
only DejaVu Sans (this one: ``fc-list`` lists DejaVu only) draws the text in
DejaVu Sans, 10 to 20 % wider than Helvetica. Three checks:

- the width tables of ``autograd.drawing.fonts`` are those of the font files
  (DejaVu Sans from matplotlib, Helvetica's AFM metrics), read again here;
- every fixed-size cell of every seed's DOT, in every view and frame, holds
  its text measured with DejaVu Sans's own advance widths (fontTools);
- in headless Chromium, where DejaVu Sans is the font that draws, no text
  runs past the right edge of its cell.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import matplotlib
import pytest
from browser import chromium, needs_browser, shot_on_failure
from fontTools.ttLib import TTFont
from matplotlib._afm import AFM
from seeds import SEEDS

from autograd import draw, step_through
from autograd.drawing import fonts

FONTS = Path(matplotlib.__file__).parent / "mpl-data" / "fonts"


class Font:
    """Advance widths of one TrueType font, in points at a size."""

    def __init__(self, path: Path) -> None:
        font = TTFont(path)
        self.cmap = font.getBestCmap()
        self.hmtx = font["hmtx"]
        self.upm = font["head"].unitsPerEm

    def width(self, text: str, size: float) -> float:
        total = 0
        for ch in text:
            glyph = self.cmap.get(ord(ch))
            total += self.hmtx[glyph][0] if glyph else self.upm  # missing: 1 em
        return total * size / self.upm


DEJAVU = Font(FONTS / "ttf" / "DejaVuSans.ttf")
DEJAVU_BOLD = Font(FONTS / "ttf" / "DejaVuSans-Bold.ttf")


def test_the_width_tables_are_the_fonts() -> None:
    with open(FONTS / "pdfcorefonts" / "Helvetica.afm", "rb") as fh:
        helvetica = AFM(fh)
    with open(FONTS / "pdfcorefonts" / "Helvetica-Bold.afm", "rb") as fh:
        helvetica_bold = AFM(fh)
    for ch in fonts.CHARS:
        ascii_ = ord(ch) < 128
        for bold, font, afm in ((False, DEJAVU, helvetica), (True, DEJAVU_BOLD, helvetica_bold)):
            d = round(font.width(ch, 1000))
            h = afm.get_width_char(ord(ch)) if ascii_ else 0
            assert fonts.real_width(ch, 1000, bold) == max(d, h), (ch, bold)
        if ascii_:
            assert fonts.estimates(ch, 1000)[0] == helvetica.get_width_char(ord(ch)), ch
    # a character in no table counts 1 em; graphviz-pure counts a space per byte
    assert fonts.real_width("漢", 10) == 10
    assert fonts.estimates("−", 1000) == (3 * 278, 3 * 278)


_CELL = re.compile(r'<td align="left" width="(\d+)" height="\d+" fixedsize="true">(.*?)</td>')
_SIZE = re.compile(r'(?:fontsize|edge_fontsize)=([0-9.]+)')


def cells(source: str) -> list[tuple[int, str, bool, str]]:
    """Every fixed-size cell of a DOT text: (width, text, bold, what), its text unescaped."""
    out = []
    for line in source.splitlines():
        what = ("edge" if " -> " in line else "header" if "rankdir=" in line else
                "graph" if line.lstrip().startswith("graph") else "node")
        for width, body in _CELL.findall(line):
            bold = "-Bold" in body or "<b>" in body
            text = html.unescape(re.sub(r"<[^>]+>", "", body)).replace("\\\\", "\\")
            out.append((int(width), text, bold, what))
    return out


def sizes(source: str) -> tuple[float, float]:
    node = float(re.search(r'node \[fontname="[^"]*", fontsize=([0-9.]+)', source).group(1))
    edge = float(re.search(r'edge \[fontname="[^"]*", fontsize=([0-9.]+)', source).group(1))
    return node, edge


def all_sources() -> list[tuple[str, str]]:
    """The DOT of every seed in every view, at slide fit, in French, and the neuron's frames."""
    out = []
    for name, make in SEEDS.items():
        for view in ("forward", "backward", "both"):
            out.append((f"{name} {view}", draw(make(), view, title=name).source))
        out.append((f"{name} slide", draw(make(), "both", fit="slide").source))
    for k, frame in enumerate(step_through(SEEDS["neuron"](), passes="forward+backward")):
        out.append((f"neuron frame {k}", frame.source))
    out.append(("f fr", draw(SEEDS["f"](), "both", lang="fr").source))
    return out


@pytest.fixture(scope="module")
def sources() -> list[tuple[str, str]]:
    return all_sources()


def test_every_cell_holds_its_text_in_dejavu_sans(sources: list[tuple[str, str]]) -> None:
    for name, source in sources:
        check_cells(name, source)


def check_cells(name: str, source: str) -> None:
    node_size, edge_size = sizes(source)
    checked = 0
    for width, text, bold, what in cells(source):
        size = edge_size if what in ("edge", "graph", "header") else node_size
        if what == "header" and bold:
            size = node_size  # the title
        font = DEJAVU_BOLD if bold else DEJAVU
        # left-aligned: the text starts after the padding and a 1 pt border
        pad = {"node": 4, "edge": 1, "graph": 2, "header": 2}[what]
        need = font.width(text, size) + pad + 1
        assert need <= width, (name, text, f"needs {need:.1f} pt, cell {width} pt")
        checked += 1
    assert checked > 5


@needs_browser
def test_in_chromium_with_dejavu_sans_no_text_leaves_its_cell(tmp_path: Path) -> None:
    """The real thing: SVGs drawn by Chromium with this machine's fonts (DejaVu only)."""
    pages = []
    for name in ("f", "neuron", "square_plus", "softplus_321", "batch"):
        for view in ("both", "forward"):
            pages.append((f"{name}_{view}", draw(SEEDS[name](), view, title=name).svg()))
    frames = step_through(SEEDS["neuron"](), passes="forward+backward")
    pages += [(f"neuron_frame_{k}", f.svg()) for k, f in enumerate(frames)]
    script = """() => {
      const probe = document.createElementNS('http://www.w3.org/2000/svg', 'text');
      probe.setAttribute('font-family', 'Helvetica,sans-Serif');
      probe.setAttribute('font-size', '100');
      probe.textContent = 'grad 6 = 1 + 5';
      document.querySelector('svg').appendChild(probe);
      const probeWidth = probe.getComputedTextLength();
      probe.remove();
      const bad = [];
      let checked = 0;
      for (const g of document.querySelectorAll('g.node')) {
        const boxes = [...g.querySelectorAll('polygon')]
          .filter(p => p.getAttribute('stroke') && p.getAttribute('stroke') !== 'none')
          .map(p => p.getBBox());
        for (const t of g.querySelectorAll('text')) {
          const b = t.getBBox();
          const x = b.x + 0.5, y = b.y + b.height / 2;
          const cell = boxes.filter(c => c.x <= x && x <= c.x + c.width
                                     && c.y <= y && y <= c.y + c.height)
                            .sort((p, q) => p.width - q.width)[0];
          if (!cell) continue;
          checked += 1;
          if (b.x + b.width > cell.x + cell.width + 0.5)
            bad.push([g.id, t.textContent, b.x + b.width - cell.x - cell.width]);
        }
      }
      return {probeWidth, bad, checked};
    }"""
    with chromium() as browser:
        page = browser.new_page()
        for name, svg in pages:
            page.set_content(f"<!DOCTYPE html><html><body>{svg}</body></html>")
            with shot_on_failure(page, f"fonts_{name}"):
                got = page.evaluate(script)
                # DejaVu Sans draws it: "grad 6 = 1 + 5" is 747 units at 100 pt
                # (Helvetica's or Arial's would be 565)
                assert abs(got["probeWidth"] - DEJAVU.width("grad 6 = 1 + 5", 100)) < 20, got
                assert got["checked"] > 5, (name, got)
                assert not got["bad"], (name, got["bad"])
