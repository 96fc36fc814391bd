"""``draw(root, direction=...)`` and the :class:`Drawing` it returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..files import atomic_write
from ..text import check_text
from .display import drawing_bundle
from .dot import DIRECTIONS, DotWriter
from .graph import plan, read
from .render import INSTALL_HINT, RenderError, find_renderer, render
from .style import Style, default_style

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
        """The drawing as PDF bytes (needs a renderer that makes PDF: Graphviz's ``dot``)."""
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


def check_options(fn: str, style: Any, renderer: Any) -> None:
    """The options ``draw`` and ``step_through`` share: a Style and a renderer name."""
    if style is not None and not isinstance(style, Style):
        raise TypeError(f"{fn}: style must be an autograd.drawing.Style, got "
                        f"{type(style).__name__}")
    if renderer not in (None, "dot", "graphviz-pure", "none"):
        raise ValueError(f"{fn}: renderer must be 'dot', 'graphviz-pure', 'none' or None, "
                         f"got {renderer!r}")


def draw(root: Any, direction: str = "forward", *, style: Style | None = None,
         max_nodes: int | None = DEFAULT_MAX_NODES, collapse: bool | str = "auto",
         clusters: bool = True, layers: bool = False, edge_labels: bool | None = None,
         title: str | None = None, renderer: str | None = None) -> Drawing:
    """Draw the graph under ``root``.

    - ``direction``: ``"forward"`` (values on the edges), ``"backward"`` (arrows
      reversed in the gradient colour, each edge labelled with its local
      derivative ∂out/∂in and its contribution local × upstream, a node used
      several times showing its gradient as the sum of its contributions) or
      ``"both"``. Gradients are ∂root/∂node, computed here: no ``.grad`` is read
      or changed.
    - ``clusters``: neurons (an n-ary op, its activation and its own parameters)
      in a dashed box; ``collapse``: True draws each neuron as one box, "auto"
      does so when the graph has more than ``max_nodes`` nodes; past
      ``max_nodes`` even then, only the part nearest the root is drawn, with a note.
      ``layers``: also box the neurons of each layer together.
    - ``edge_labels``: numbers on the edges; None (auto) leaves them out past
      120 edges.
    - ``title``: a line of text above the graph (a str; NUL, other control
      characters but tab and newline, and lone surrogates are refused).
    - ``style``: colours, fonts and number format (:class:`Style`).
    - ``renderer``: ``"dot"``, ``"graphviz-pure"`` or ``"none"`` (default: the best found).
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"draw: direction must be one of {', '.join(map(repr, DIRECTIONS))}, "
                         f"got {direction!r}")
    check_options("draw", style, renderer)
    check_text("draw", "title", title)
    t = read(root, "draw")
    p = plan(t, max_nodes=max_nodes, collapse=collapse, clusters=clusters, layers=layers)
    s = style or default_style()
    widths: dict[str, int] | None = None
    if direction != "both":  # forward and backward get the same geometry
        widths = {}
        for view in ("forward", "backward"):
            probe = DotWriter(t, p, s, view, title=title, edge_labels=edge_labels)
            probe.source()
            for key, width in probe.measured.items():
                widths[key] = max(widths.get(key, 0), width)
    writer = DotWriter(t, p, s, direction, title=title, edge_labels=edge_labels,
                       widths=widths)
    source = writer.source()
    return Drawing(source, tuple(writer.notes), renderer)
