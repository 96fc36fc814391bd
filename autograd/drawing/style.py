"""How drawings look: colours, fonts, sizes and number formats, chosen once.

Every drawing reads one :class:`Style`. The default is made for a projector
and for greyscale print: dark text on white, forward edges solid and black,
backward edges (dashed in the "both" view) in a dark orange that prints as a
mid grey, gradients not known yet in a light grey, the active step of a
step-through drawn thick on a strong yellow that prints darker than the pale
green of finished nodes.

Change it per drawing (``draw(f, style=Style(number_format="{:.2f}"))``) or for
the whole session (``autograd.drawing.set_default_style(...)``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Style:
    """Colours (any Graphviz colour: ``"#rrggbb"`` or a name), fonts and formats."""

    fontname: str = "Helvetica"
    fontsize: float = 14.0
    edge_fontsize: float = 12.0
    number_format: str = "{:.4g}"
    text_color: str = "#111111"
    value_fill: str = "#ffffff"
    leaf_fill: str = "#eef3fb"
    op_fill: str = "#e6e6e6"
    border_color: str = "#333333"
    forward_color: str = "#111111"
    grad_color: str = "#a04000"
    pending_color: str = "#a6a6a6"
    active_fill: str = "#ffc34d"
    done_fill: str = "#e3f2e3"
    cluster_color: str = "#8a8a8a"
    background: str = "white"
    rankdir: str = "LR"
    nodesep: float = 0.25
    ranksep: float = 0.45

    def number(self, x: float) -> str:
        """``x`` as shown on a drawing: ``number_format``, and nan/inf spelled out."""
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return self.number_format.format(x)

    def replace(self, **changes: Any) -> Style:
        """A copy with some fields changed; unknown names raise TypeError."""
        return replace(self, **changes)


_default = Style()


def default_style() -> Style:
    """The style used when a drawing is given none."""
    return _default


def set_default_style(style: Style | None = None, **changes: Any) -> Style:
    """Set the session's default style (a Style, or fields to change); returns it."""
    global _default
    if style is not None and not isinstance(style, Style):
        raise TypeError(f"set_default_style: expected a Style, got {type(style).__name__}")
    _default = (style or _default).replace(**changes) if changes else (style or Style())
    return _default
