"""PDF with pip alone: a drawing's SVG turned into a vector PDF.

Graphviz's own ``dot`` writes PDF itself and is preferred when it is installed
(see ``autograd.drawing.render``). graphviz-pure writes no PDF, so chainrule
lays the graph out as SVG and converts that with ``vl-convert-python`` (the
``pdf`` extra: ``pip install "chainrule[pdf]"``), whose converter (svg2pdf)
keeps every path and text vector: the text stays selectable, and the fonts are
embedded as subsets. It ships Liberation Sans, which has Helvetica's metrics,
so labels fill their boxes exactly as Graphviz measured them, on any machine,
with or without system fonts.

Two things of Graphviz's SVG are adjusted first, both on our own output:

- the page size: Graphviz gives it in points (``width="711pt"``); the converter
  would turn 1 pt into 4/3 pt, so the unit is dropped and 1 unit = 1 pt, the
  size Graphviz's own PDF has;
- font families: Graphviz writes ``Helvetica,sans-Serif``; the converter knows
  only the lower-case generic names, and drops text whose families it cannot
  find, so generic names are lower-cased and a list without one gets
  ``sans-serif`` at its end. Graphviz's PostScript names also get the fonts
  made with the same widths (Times: Liberation Serif, Times New Roman...), so a
  system that has one uses it; text in Times or Courier on a system with none
  of them falls back to its serif or monospace font, whose widths may differ.
"""

from __future__ import annotations

import re

from .render import RenderError

#: The pip extra that brings the converter.
PDF_EXTRA_HINT = ('pip install "chainrule[pdf]" (SVG to PDF with pip alone), or install '
                  "Graphviz so that `dot` is on PATH (e.g. apt-get install graphviz)")

_GENERIC = ("serif", "sans-serif", "monospace", "cursive", "fantasy")
#: Fonts with the widths of Graphviz's PostScript fonts (those it measures text with).
_SAME_WIDTHS = {
    "helvetica": ("Liberation Sans", "Arial", "Nimbus Sans", "TeX Gyre Heros"),
    "arial": ("Liberation Sans", "Helvetica", "Nimbus Sans"),
    "times": ("Liberation Serif", "Times New Roman", "Nimbus Roman", "TeX Gyre Termes"),
    "times-roman": ("Times", "Liberation Serif", "Times New Roman", "Nimbus Roman"),
    "times new roman": ("Liberation Serif", "Times", "Nimbus Roman"),
    "courier": ("Liberation Mono", "Courier New", "Nimbus Mono PS", "TeX Gyre Cursor"),
    "courier new": ("Liberation Mono", "Courier", "Nimbus Mono PS"),
}
_SVG_TAG = re.compile(r"<svg\b[^>]*>")
_PT_SIZE = re.compile(r'\b(width|height)="([0-9.]+)pt"')
_FONT_FAMILY = re.compile(r'font-family="([^"]*)"')


def converter_available() -> bool:
    """Whether the SVG → PDF converter (the ``pdf`` extra) is installed."""
    try:
        import vl_convert  # noqa: F401
    except ImportError:
        return False
    return True


def _families(match: re.Match[str]) -> str:
    names: list[str] = []
    for name in (n.strip() for n in match.group(1).split(",")):
        if not name or name in names:
            continue
        names.append(name.lower() if name.lower() in _GENERIC else name)
        names += [n for n in _SAME_WIDTHS.get(name.lower(), ()) if n not in names]
    generic = [n for n in names if n in _GENERIC]
    names = [n for n in names if n not in _GENERIC] + (generic or ["sans-serif"])
    return f'font-family="{",".join(names)}"'


def prepare_svg(svg: str) -> str:
    """Graphviz's SVG as the converter should read it: page size in points as
    plain units, generic font families it knows (see the module docstring)."""
    tag = _SVG_TAG.search(svg)
    if tag is None:
        raise RenderError("cannot make PDF: the renderer's SVG has no <svg> element")
    root = _PT_SIZE.sub(lambda m: f'{m.group(1)}="{m.group(2)}"', tag.group(0))
    svg = svg[:tag.start()] + root + svg[tag.end():]
    return _FONT_FAMILY.sub(_families, svg)


def svg_to_pdf(svg: str) -> bytes:
    """A one-page vector PDF of Graphviz's ``svg`` (text selectable, fonts embedded).

    Raises RenderError saying what to install when the converter is missing, and
    when the conversion fails."""
    try:
        import vl_convert
    except ImportError:
        raise RenderError(f"cannot make pdf without Graphviz's dot: the SVG to PDF "
                          f"converter (vl-convert-python) is not installed; "
                          f"{PDF_EXTRA_HINT}") from None
    try:
        pdf = vl_convert.svg_to_pdf(prepare_svg(svg))
    except Exception as e:  # the converter's own errors (bad SVG, ...)
        raise RenderError(f"converting SVG to PDF failed ({type(e).__name__}: {e})") from e
    if not pdf.startswith(b"%PDF-"):
        raise RenderError("converting SVG to PDF gave no PDF")
    return bytes(pdf)
