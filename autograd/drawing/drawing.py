"""``draw(root, direction=...)`` and the :class:`Drawing` it returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..files import atomic_write
from ..text import check_text
from .display import drawing_bundle
from .dot import DIRECTIONS, DotWriter, Layout, measure, root_name, shows_labels
from .fit import check_fit, choose
from .graph import Plan, Scene, plan, read
from .render import INSTALL_HINT, RenderError, find_renderer, render
from .style import LANGS, Style, default_style
from .words import words

#: Above this many Graphviz nodes a drawing collapses neurons, then cuts off.
DEFAULT_MAX_NODES = 300

SUFFIX_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot",
                  ".jpg": "jpeg", ".jpeg": "jpeg"}


class Drawing:
    """A drawn graph: DOT text (``.source``) and its renderings.

    ``svg()``/``png()`` use the best renderer found (see ``autograd.drawing.render``);
    in Jupyter it displays itself as an SVG and a PNG (see
    :mod:`autograd.drawing.display`) and never raises: without a renderer it
    shows the DOT text and what to install."""

    def __init__(self, source: str, notes: tuple[str, ...] = (), renderer: str | None = None
                 ) -> None:
        self.source = source
        self.notes = notes
        self.renderer = renderer
        self._svg: str | None = None

    def __repr__(self) -> str:
        notes = "".join("; " + n for n in self.notes)
        return f"<Drawing: {self.source.count(chr(10))} lines of DOT{notes}>"

    def __str__(self) -> str:
        return self.source

    def svg(self) -> str:
        """The drawing as an SVG document (text)."""
        if self._svg is None:
            self._svg = render(self.source, "svg", self.renderer).decode("utf-8")
        return self._svg

    def png(self, dpi: float = 144) -> bytes:
        """The drawing as PNG bytes (``dpi`` 144: sharp on slides)."""
        return render(self.source, "png", self.renderer, dpi=dpi)

    def pdf(self) -> bytes:
        """The drawing as PDF bytes: Graphviz's ``dot`` makes it when installed, else
        the SVG is converted to a vector PDF with pip alone (the ``pdf`` extra,
        ``pip install "chainrule[pdf]"``; see ``autograd.drawing.pdf``)."""
        return render(self.source, "pdf", self.renderer)

    def save(self, path: str | Path) -> Path:
        """Write the drawing; the format comes from the suffix (.svg .png .pdf .dot .gv
        .jpg); a format the renderer cannot make raises RenderError saying so.

        The file is written whole or not at all (a temporary file in the same
        folder, renamed): on failure an OSError names ``path`` and no partial
        file is left."""
        path = Path(path)
        fmt = SUFFIX_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise ValueError(f"Drawing.save: cannot tell the format of {str(path)!r} from its "
                             f"suffix {path.suffix!r}; use one of "
                             f"{', '.join(SUFFIX_FORMATS)}")
        if fmt == "dot":
            data: bytes | str = self.source
        elif fmt == "svg":
            data = self.svg()
        else:
            dpi = 144 if fmt in ("png", "jpeg") else None
            data = render(self.source, fmt, self.renderer, dpi=dpi)
        return atomic_write(path, data)

    def to_graphviz(self, **options: Any) -> Any:
        """The same DOT as a ``graphviz.Source`` (the ``graphviz`` package), laid out
        by this drawing's renderer, so ``.render()``, ``.pipe()``, ``.view()`` and
        notebook display work with pip alone; ``options`` go to ``graphviz.Source``
        (``format``, ``engine``, ``filename``...). What still needs Graphviz: see
        ``autograd.drawing.graphviz_objects``."""
        from .interop import to_graphviz

        return to_graphviz(self.source, self.renderer, **options)

    # -- Jupyter -------------------------------------------------------------------
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None
                          ) -> tuple[dict[str, Any], dict[str, Any]]:
        """SVG and PNG (see :mod:`autograd.drawing.display`); text when it cannot render."""
        return drawing_bundle(self)


def why_no_picture(e: Exception) -> str:
    """One line on why a drawing shows as DOT text instead of a picture."""
    if isinstance(e, RenderError) and find_renderer_safe() is None:
        return ("no Graphviz renderer found, showing the DOT text. To see the picture: "
                + INSTALL_HINT)
    return f"rendering failed ({type(e).__name__}: {e}), showing the DOT text."


def find_renderer_safe() -> Any:
    try:
        return find_renderer()
    except Exception:
        return None


def check_options(fn: str, style: Any, renderer: Any, lang: Any = None) -> None:
    """The options ``draw`` and ``step_through`` share: a Style, a renderer name, a language."""
    if style is not None and not isinstance(style, Style):
        raise TypeError(f"{fn}: style must be an autograd.drawing.Style, got "
                        f"{type(style).__name__}")
    if renderer not in (None, "dot", "graphviz-pure", "none"):
        raise ValueError(f"{fn}: renderer must be 'dot', 'graphviz-pure', 'none' or None, "
                         f"got {renderer!r}")
    if lang is not None and lang not in LANGS:
        raise ValueError(f"{fn}: lang must be one of {', '.join(map(repr, LANGS))} or None, "
                         f"got {lang!r}")


def legend_line(t: Scene, s: Style, view: str, stored_grad: bool = False,
                labels: bool = True) -> str:
    """The line that says what a view shows (``labels``: numbers on the edges)."""
    w = words(s.lang)
    if view == "forward":
        return w.forward_stored if stored_grad else w.forward
    text = {"backward": w.backward, "both": w.both}[view] if labels else \
        {"backward": w.backward_bare, "both": w.both_bare}[view]
    return text.format(root=root_name(t, s, w))


def draw(root: Any, direction: str = "forward", *, style: Style | None = None,
         max_nodes: int | None = DEFAULT_MAX_NODES, collapse: bool | str = "auto",
         clusters: bool = True, layers: bool = False, edge_labels: bool | None = None,
         title: str | None = None, renderer: str | None = None, fit: str | None = None,
         stored_grad: bool = False, legend: bool = True, lang: str | None = None) -> Drawing:
    """Draw the graph under ``root``.

    - ``direction``: ``"forward"`` (each node's data, each edge its value; no
      gradient), ``"backward"`` (arrows reversed in the gradient colour; each
      node's ``grad`` = ∂root/∂node, each edge ``upstream × local =
      contribution``, a node used several times showing its gradient as the sum
      of its contributions in the order the engine adds them) or ``"both"``.
      Gradients are the engine's, computed for the drawing: no ``.grad`` is read
      or changed. Every view (and every frame of ``step_through`` with the same
      options) puts each node in the same place.
    - ``stored_grad``: the forward view also shows each node's ``.grad`` as it is
      now (``.grad 8`` after two ``backward()`` calls, or what was set by hand).
    - ``fit``: ``"slide"`` (16:9), ``"slide-4:3"``, ``"a4"``, ``"a4-landscape"``:
      chooses the direction (left to right or top down), the cells' arrangement,
      collapsing, edge numbers, compact texts (``Style(compact=True)``: no op
      nodes, a neuron titled by its activation, no sums in the gradients), a
      batch loss by its first sample (the others by their result, the shared
      parameters inside sample 1's neurons, a chain such as ``(ŷ − 1)^2`` as one
      node) and the font size, so that the drawing fits the page with its text
      at least 18 pt on a slide (8 pt on A4). Notes say what was left out; when
      nothing fits, a note says how small the text is (see ``autograd.drawing.fit``).
    - ``clusters``: neurons (a weighted sum, its activation and its own
      parameters) in a dashed box, named by layer and number (``neuron 1.2``);
      ``collapse``: True draws each neuron as one box, "auto" does so when the
      graph has more than ``max_nodes`` nodes; past ``max_nodes`` even then,
      only the part nearest the root is drawn, with a note. ``layers``: also box
      the neurons of each layer together. A batch loss is drawn one box per
      sample, the parameters they share once; the shared parameters, and each
      sample's inputs, are one table each, in argument order.
    - ``edge_labels``: numbers on the edges; None (auto) leaves them out past
      120 edges; an op with more than 6 inputs never has them (a note says so).
    - ``title``: a line of text above the graph (a str; NUL, other control
      characters but tab and newline, and lone surrogates are refused).
      ``legend``: a line saying what the view shows (default True).
    - ``style``: colours, fonts, number format and language (:class:`Style`);
      ``lang``: ``"en"`` or ``"fr"``, overriding the style's.
    - ``renderer``: ``"dot"``, ``"graphviz-pure"`` or ``"none"`` (default: the best found).
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"draw: direction must be one of {', '.join(map(repr, DIRECTIONS))}, "
                         f"got {direction!r}")
    check_options("draw", style, renderer, lang)
    check_text("draw", "title", title)
    page = check_fit("draw", fit)
    if not isinstance(stored_grad, bool):
        raise TypeError(f"draw: stored_grad must be a bool, got {type(stored_grad).__name__}")
    if stored_grad and direction != "forward":
        raise ValueError("draw: stored_grad=True is for the forward view (the backward view "
                         "shows the gradients it computes)")
    s = style or default_style()
    if lang is not None:
        s = s.replace(lang=lang)
    t = read(root, "draw")
    if page is None:
        p = plan(t, max_nodes=max_nodes, collapse=collapse, clusters=clusters, layers=layers)
        return _drawing(t, p, s, direction, edge_labels=edge_labels, title=title,
                        renderer=renderer, stored_grad=stored_grad, legend=legend)

    def write(st: Style, p: Plan, labels: bool | None, notes: tuple[str, ...]) -> str:
        return _drawing(t, p, st, direction, edge_labels=labels, title=title, renderer=renderer,
                        stored_grad=stored_grad, legend=legend, notes=notes).source

    c = choose(t, s, page, write, max_nodes=max_nodes, collapse=collapse, clusters=clusters,
               layers=layers, edge_labels=edge_labels, renderer=renderer, focus=True)
    return _drawing(t, c.plan, c.style, direction, edge_labels=c.labels, title=title,
                    renderer=renderer, stored_grad=stored_grad, legend=legend, size=c.size,
                    notes=c.notes)


def _drawing(t: Scene, p: Plan, s: Style, direction: str, *, edge_labels: bool | None,
             title: str | None, renderer: str | None, stored_grad: bool, legend: bool,
             size: tuple[float, float] | None = None, notes: tuple[str, ...] = ()) -> Drawing:
    lay = view_layout(t, p, s, edge_labels=edge_labels, title=title, stored_grad=stored_grad,
                      legend=legend, notes=notes)
    header = [legend_line(t, s, direction, stored_grad, lay.labels)] if legend else []
    writer = DotWriter(t, p, s, direction, layout=lay, title=title, header=header,
                       stored_grad=stored_grad, size=size)
    return Drawing(writer.source(), tuple(lay.notes), renderer)


def view_layout(t: Scene, p: Plan, s: Style, *, edge_labels: bool | None, title: str | None,
                stored_grad: bool = False, legend: bool = True, notes: tuple[str, ...] = ()
                ) -> Layout:
    """The sizes every view of ``t`` shares (its header holds any view's legend)."""
    labels = shows_labels(t, p, edge_labels)
    variants = ([[legend_line(t, s, view, stored_grad and view == "forward", labels)]
                 for view in DIRECTIONS] if legend else [[]])
    return measure(t, p, s, edge_labels=edge_labels, stored_grad=stored_grad, title=title,
                   header=variants, notes=list(notes))
