"""How drawings look: colours, fonts, sizes, number formats and language, chosen once.

Every drawing reads one :class:`Style`. The default is made for a projector
and for greyscale print, where states differ by more than colour:

- values: a table ``name | data | grad`` (``cells="column"``: one above the
  other, narrower); inputs and parameters (labelled
  leaves) have a bold name on a pale fill, intermediate values show the short
  formula they hold, constants (unlabelled leaves) are small rounded boxes
  with their number only;
- forward edges solid and near-black, backward edges in a dark orange that
  prints as a mid grey (dashed in the ``both`` view);
- in a step-through, what is not known yet reads ``?`` in a dark grey with a
  dashed border, the active step is drawn with a thick border on a strong
  amber (darker in grey than anything else), finished nodes have a solid border
  on a pale green.

Numbers: ``number_format`` (4 significant digits), a real minus sign (−), no
``-0``, sums written ``a − b``; ``lang="fr"`` writes the words in French and
a decimal comma.

Change it per drawing (``draw(f, style=Style(number_format="{:.2f}"))``) or for
the whole session (``autograd.drawing.set_default_style(lang="fr")``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

LANGS = ("en", "fr")
MINUS = "\u2212"
_ZERO = re.compile(r"-(?=[0.]*(?:$|[eE]))")


@dataclass(frozen=True)
class Style:
    """Colours (any Graphviz colour: ``"#rrggbb"`` or a name), fonts, formats, language.

    ``compact``: fewer, shorter texts for big graphs on small pages — no op
    nodes (an op's inputs go into its value, whose name says the op), a
    neuron titled by its activation (``neuron 1.2 · ReLU``), a gradient
    without its sum. ``fit=`` turns it on when the page needs it."""

    fontname: str = "Helvetica"
    fontsize: float = 14.0
    edge_fontsize: float = 12.0
    number_format: str = "{:.4g}"
    lang: str = "en"
    cells: str = "row"
    text_color: str = "#111111"
    name_color: str = "#3f3f3f"
    value_fill: str = "#ffffff"
    leaf_fill: str = "#e8eef8"
    op_fill: str = "#e6e6e6"
    border_color: str = "#333333"
    forward_color: str = "#111111"
    grad_color: str = "#a04000"
    pending_color: str = "#5f5f5f"
    active_fill: str = "#ffb020"
    done_fill: str = "#dff0df"
    cluster_color: str = "#6f6f6f"
    background: str = "white"
    rankdir: str = "LR"
    nodesep: float = 0.25
    ranksep: float = 0.45
    compact: bool = False

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"Style: lang must be one of {', '.join(map(repr, LANGS))}, "
                             f"got {self.lang!r}")
        if self.cells not in ("row", "column"):
            raise ValueError(f"Style: cells must be 'row' (name | data | grad) or 'column' "
                             f"(one above the other), got {self.cells!r}")
        if not isinstance(self.compact, bool):
            raise TypeError(f"Style: compact must be a bool, got {type(self.compact).__name__} "
                            f"{self.compact!r}")
        if self.rankdir not in ("LR", "TB", "RL", "BT"):
            raise ValueError(f"Style: rankdir must be 'LR', 'TB', 'RL' or 'BT', "
                             f"got {self.rankdir!r}")
        for name in ("fontsize", "edge_fontsize"):
            size = getattr(self, name)
            if isinstance(size, bool) or not isinstance(size, (int, float)) \
                    or not 4 <= size <= 200:
                raise ValueError(f"Style: {name} must be a number of points in [4, 200], "
                                 f"got {size!r}")
        try:
            self.number_format.format(1.5)
        except (ValueError, IndexError, KeyError, AttributeError, TypeError) as e:
            raise ValueError(f"Style: number_format {self.number_format!r} cannot format "
                             f"a float: {e}") from None

    def number(self, x: float) -> str:
        """``x`` as shown on a drawing: ``number_format``, a real minus sign, no
        ``-0`` (a zero, or a number that rounds to zero, has no sign), nan and
        inf spelled out, a decimal comma in French."""
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else MINUS + "inf"
        text = self.number_format.format(x)
        text = _ZERO.sub("", text, count=1) if text.startswith("-") else text
        if self.lang == "fr":
            text = text.replace(".", ",")
        return text.replace("-", MINUS)

    def terms(self, values: Sequence[float]) -> str:
        """A sum as written by hand: ``3 + 3 − 1`` (each term after the first
        with its own sign)."""
        out = ""
        for k, x in enumerate(values):
            shown = self.number(x)
            if k == 0:
                out = shown
            elif shown.startswith(MINUS):
                out += f" {MINUS} {shown[1:]}"
            else:
                out += f" + {shown}"
        return out

    def factor(self, x: float) -> str:
        """``x`` as the right factor of a product: ``(−2)`` in parentheses when negative."""
        shown = self.number(x)
        return f"({shown})" if shown.startswith(MINUS) else shown

    def scaled(self, fontsize: float) -> Style:
        """The same style with every size scaled to node text of ``fontsize`` points
        (edge text, node and rank separation in proportion)."""
        k = fontsize / self.fontsize
        return replace(self, fontsize=fontsize, edge_fontsize=self.edge_fontsize * k,
                       nodesep=self.nodesep * k, ranksep=self.ranksep * k)

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
