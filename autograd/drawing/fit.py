"""``fit="slide"``: a drawing chosen to be read on a page.

A page is a size and the smallest text that is readable on it: 18 pt on a
slide (a 16:9 slide is 13.33 × 7.5 in, PowerPoint's and Beamer's 16:9 at
1:1), 8 pt on A4 paper (the usual floor for figures in print).
:func:`choose` tries, from the most detailed to the most compact, the ways a
graph can be drawn — left to right or top down, value cells in a row or in a
column, every node or neurons collapsed into boxes, numbers on the edges or
not, full or compact texts (no op nodes, no sums in the gradients), and for
``draw`` a batch loss by its first sample — with all text at the smallest readable
size, lays each out with the renderer and keeps the first that fits the page;
its text is then made as large as the page allows. When none fits, the one
whose text comes out largest is kept, with a note saying how large. Numbers
left off the edges to fit are said in a note too.
Graphviz's ``size`` attribute keeps the result within the page either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .graph import Plan, Scene, count_drawn, plan
from .render import RenderError, render
from .style import Style
from .words import words


@dataclass(frozen=True)
class Page:
    """A page a drawing is fitted to: its size (inches), the smallest and the
    largest text (points) used on it."""

    name: str
    width: float
    height: float
    min_pt: float
    max_pt: float


PAGES = {
    "slide": Page("slide", 13.333, 7.5, 18.0, 28.0),
    "slide-4:3": Page("slide-4:3", 10.0, 7.5, 18.0, 28.0),
    "a4": Page("a4", 7.27, 10.69, 8.0, 14.0),
    "a4-landscape": Page("a4-landscape", 10.69, 7.27, 8.0, 14.0),
}
#: A plan that draws more nodes than this is not tried at full detail (it cannot be
#: read on one page at the page's text size, and laying it out costs time).
MAX_FIT_NODES = 90
#: Directions and cell arrangements, most familiar first.
SHAPES = (("LR", "row"), ("TB", "row"), ("LR", "column"), ("TB", "column"))


@dataclass(frozen=True)
class Choice:
    """What :func:`choose` picked: a style (font size, direction, cells), a plan,
    edge labels on or off (None: auto), the page size and notes."""

    style: Style
    plan: Plan
    labels: bool | None
    size: tuple[float, float]
    notes: tuple[str, ...] = ()


def check_fit(fn: str, fit: object) -> Page | None:
    if fit is None:
        return None
    if not isinstance(fit, str) or fit not in PAGES:
        raise ValueError(f"{fn}: fit must be None or one of {', '.join(map(repr, PAGES))}, "
                         f"got {fit!r}")
    return PAGES[fit]


def sized(s: Style, points: float, rankdir: str, cells: str) -> Style:
    """``s`` with all text at ``points`` and tight spacing, for a page."""
    k = points / 18.0
    return s.replace(fontsize=points, edge_fontsize=points, rankdir=rankdir, cells=cells,
                     nodesep=round(0.12 * k, 3), ranksep=round(0.25 * k, 3))


def layout_size(source: str, renderer: str | None) -> tuple[float, float]:
    """The size (inches) Graphviz lays ``source`` out at, from its ``plain`` output."""
    first = render(source, "plain", renderer).split(b"\n", 1)[0].split()
    return float(first[2]), float(first[3])


Writer = Callable[[Style, Plan, bool | None, tuple[str, ...]], str]


def choose(t: Scene, s: Style, page: Page, write: Writer, *,
           max_nodes: int | None, collapse: bool | str, clusters: bool, layers: bool,
           edge_labels: bool | None, renderer: str | None,
           say_labels_left_out: bool = True, focus: bool = False) -> Choice:
    """The most detailed drawing of ``t`` that fits ``page`` (see the module doc).
    ``write(style, plan, labels, notes)`` gives the DOT of the view to measure.
    ``say_labels_left_out=False``: no note when the edge numbers are left out (the
    step-through's captions say each step's numbers). ``focus``: when nothing
    else fits, a batch loss by its first sample (``plan(..., focus=True)``)."""
    collapses = [False, True] if collapse == "auto" else [collapse]
    label_options: list[bool | None] = [None, False] if edge_labels is None else [edge_labels]
    plans = [plan(t, max_nodes=max_nodes, collapse=c, clusters=clusters, layers=layers)
             for c in collapses]
    if len(plans) == 2 and not plans[1].collapsed:
        plans = plans[:1]  # nothing to collapse
    small = min(plans, key=lambda p: count_drawn(t, p))
    stages = [plans]
    if focus and collapse in (True, "auto"):  # last: a batch by its first sample
        focused = [plan(t, max_nodes=max_nodes, collapse=True, clusters=clusters,
                        layers=layers, focus=True, fold=fold) for fold in (False, True)]
        if focused[0].focus:
            stages.append(focused)
    size = (page.width, page.height)
    tried: list[tuple[float, Style, Plan, bool | None, tuple[str, ...]]] = []
    for stage, (labels, compact) in ((stage, d) for stage in stages
                                     for d in _detail(label_options, s.compact)):
        # the numbers the user did not turn off, left out to fit: a note says so
        extra = _left_out(s.lang, labels is False and edge_labels is None
                          and say_labels_left_out, compact and not s.compact)
        for p in stage:
            if p is not small and count_drawn(t, p) > MAX_FIT_NODES:
                continue
            if p.folded and labels is not False:  # an edge past a fold has no one number
                continue
            for rankdir, cells in SHAPES:
                base = sized(s.replace(compact=compact), page.min_pt, rankdir, cells)
                try:
                    w, h = layout_size(write(base, p, labels, extra), renderer)
                except RenderError:  # nothing to measure with: the first way, shrunk to fit
                    return Choice(base, p, labels, size, extra)
                scale = min(page.width / w, page.height / h)
                tried.append((scale, base, p, labels, extra))
                if scale >= 1.0:
                    return _grown(base, page, scale, rankdir, cells, p, labels, extra, write,
                                  renderer)
    scale, base, p, labels, extra = max(tried, key=lambda x: x[0])

    def too_small(scale: float) -> str:
        shown = page.min_pt * scale
        return words(s.lang).fit_small.format(
            size=f"{shown:.0f}" if shown >= 10 else f"{shown:.1f}", page=page.name,
            min=f"{page.min_pt:g}")

    # the note takes room too: the size it states is measured with it in the picture
    w, h = layout_size(write(base, p, labels, extra + (too_small(scale),)), renderer)
    scale = min(scale, page.width / w, page.height / h)
    return Choice(base, p, labels, size, extra + (too_small(scale),))


def _left_out(lang: str, labels: bool, compact: bool) -> tuple[str, ...]:
    """The note that says what was left out to fit (one line)."""
    w = words(lang)
    parts = [part for part, left in ((w.fit_no_labels, labels), (w.fit_compact, compact))
             if left]
    return (w.fit_left_out.format(what="; ".join(parts)),) if parts else ()


def _detail(label_options: list[bool | None], compact: bool
            ) -> list[tuple[bool | None, bool]]:
    """Full texts with edge numbers on, then off; then compact ones (no op
    nodes, neurons titled by their activation, gradients without their sums)."""
    return [(labels, c) for c in ((compact,) if compact else (False, True))
            for labels in label_options]


def _grown(s: Style, page: Page, scale: float, rankdir: str, cells: str, p: Plan,
           labels: bool | None, notes: tuple[str, ...], write: Writer,
           renderer: str | None) -> Choice:
    """The fitting way with its text as large as the page allows (up to ``max_pt``)."""
    points = min(page.max_pt, page.min_pt * scale * 0.97)
    size = (page.width, page.height)
    while points > page.min_pt + 0.5:
        bigger = sized(s, round(points, 1), rankdir, cells)
        w, h = layout_size(write(bigger, p, labels, notes), renderer)
        if w <= page.width and h <= page.height:
            return Choice(bigger, p, labels, size, notes)
        points = points * min(page.width / w, page.height / h) * 0.97
    return Choice(sized(s, page.min_pt, rankdir, cells), p, labels, size, notes)
