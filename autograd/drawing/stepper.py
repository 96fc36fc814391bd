"""``step_through(root)``: backprop as a sequence of frames, and its players.

Frame 0 seeds ∂root/∂root = 1. Frame k (k ≥ 1) is the k-th backprop step: the
op it handles is highlighted, its inputs receive their contributions
(local derivative × upstream gradient, shown on the edges as ``+= c``), a
node used several times shows its running sum (``grad 4 + ?``, then
``grad 8 = 4 + 4``), gradients not computed yet read ``?``, and nodes whose
gradient is final are marked. Nothing of the user's graph is changed: the
numbers come from :func:`autograd.drawing.graph.read` (the engine's own walk).

Every frame uses the same fixed cell sizes (the widest text each cell takes in
any frame), so Graphviz lays every frame out identically and the nodes stay
put while the numbers appear.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..files import atomic_write
from .display import check_text, data_url, display_size, markup, player_html, stepper_bundle
from .dot import DotWriter, Progress
from .drawing import DEFAULT_MAX_NODES, Drawing, check_options
from .graph import Scene, plan, read
from .render import INSTALL_HINT, RenderError, find_renderer
from .style import Style, default_style

FRAME_FORMATS = ("svg", "png", "dot")
#: More backprop steps than this is no lecture: step_through refuses by default.
DEFAULT_MAX_STEPS = 400


class Stepper:
    """The frames of one backward pass: ``len``, indexing, iteration (Drawings),
    ``save_html``, ``save_frames``, ``widget()`` and a Jupyter player (the HTML
    player of :mod:`autograd.drawing.display`)."""

    def __init__(self, t: Scene, drawings: list[Drawing], captions: list[str],
                 active: list[str | None]) -> None:
        self._scene = t
        self.frames = drawings
        self.captions = captions
        self.active = active  # the DOT id of the op node active in each frame

    def __len__(self) -> int:
        return len(self.frames)

    def __iter__(self) -> Iterator[Drawing]:
        return iter(self.frames)

    def __getitem__(self, k: int) -> Drawing:
        return self.frames[k]

    def __repr__(self) -> str:
        return f"<Stepper: {len(self)} frames (seed + {len(self) - 1} backprop steps)>"

    def svgs(self) -> list[str]:
        """Every frame as SVG, rendered in parallel (one renderer process per frame)."""
        workers = max(1, min(4, os.cpu_count() or 1, len(self.frames)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda frame: frame.svg(), self.frames))

    # -- files ---------------------------------------------------------------------
    def save_frames(self, folder: str | Path, fmt: str = "svg") -> list[Path]:
        """One file per frame, ``frame_000.svg`` ...; ``fmt`` is svg, png or dot.

        Each file is written whole or not at all (see ``Drawing.save``); on a
        failure an OSError names the file, and no partial frame is left."""
        if fmt not in FRAME_FORMATS:
            raise ValueError(f"save_frames: fmt must be one of {', '.join(FRAME_FORMATS)}, "
                             f"got {fmt!r}")
        out = Path(folder)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OSError(e.errno, f"cannot create the folder {str(out)!r}: "
                                   f"{e.strerror or e}") from e
        width = max(3, len(str(len(self) - 1)))
        paths = [out / f"frame_{k:0{width}d}.{fmt}" for k in range(len(self))]
        workers = max(1, min(4, os.cpu_count() or 1, len(self.frames)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda pair: pair[0].save(pair[1]), zip(self.frames, paths)))
        return paths

    def html(self, standalone: bool = True) -> str:
        """A self-contained HTML player (previous / next / play, arrow keys, a click
        on the picture for full size); frame 0 and a line on how to step through
        show without JavaScript. Without a renderer it shows DOT text. Every
        label and caption is escaped: the page runs no code from the graph."""
        try:
            frames, kind, note = self.svgs(), "svg", ""
        except RenderError as e:
            frames, kind = [f.source for f in self.frames], "dot"
            note = (f"no Graphviz renderer found, showing DOT text; to see pictures: "
                    f"{INSTALL_HINT}" if _no_renderer() else f"rendering failed: {e}")
        return player_html(frames, kind, self.captions, self.active, note=note,
                           standalone=standalone)

    def save_html(self, path: str | Path) -> Path:
        """Write the HTML player (one self-contained file, e.g. for slides), whole
        or not at all (an OSError names ``path`` on failure)."""
        return atomic_write(path, self.html(standalone=True))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """The HTML player (see :mod:`autograd.drawing.display`)."""
        return stepper_bundle(self)

    def widget(self) -> Any:
        """An ipywidgets player: Play button and slider linked to the frame shown.

        It needs a live kernel: a saved notebook reopened later, or converted
        with nbconvert, shows "Error displaying widget" or ``VBox(...)`` in its
        place. To keep a player in a saved notebook or an HTML export, display
        the Stepper itself (the HTML player)."""
        try:
            import ipywidgets as widgets  # type: ignore[import-untyped]
        except ImportError:
            raise ImportError("Stepper.widget() needs ipywidgets: pip install ipywidgets "
                              "(or pip install 'chainrule[jupyter]')") from None
        try:
            pictures = [_fitted_img(svg) for svg in self.svgs()]
        except RenderError:
            pictures = [f"<pre>{markup(f.source)}</pre>" for f in self.frames]
        n = len(pictures) - 1
        play = widgets.Play(value=0, min=0, max=n, step=1, interval=1200, description="play")
        slider = widgets.IntSlider(value=0, min=0, max=n, step=1, description="frame",
                                   layout=widgets.Layout(flex="1 1 auto", min_width="8em"))
        widgets.jslink((play, "value"), (slider, "value"))
        # the cell's width, margins included (ipywidgets' default 2 px margins would
        # push a 100 %-wide child out of the cell)
        fill = widgets.Layout(width="100%", max_width="100%", margin="0")
        caption = widgets.HTML(value=markup(self.captions[0]), layout=fill)
        picture = widgets.HTML(value=pictures[0],
                               layout=widgets.Layout(width="100%", max_width="100%", margin="0",
                                                     overflow="auto"))

        def show(change: dict[str, Any]) -> None:
            k = change["new"]
            picture.value = pictures[k]
            caption.value = markup(self.captions[k])

        slider.observe(show, names="value")
        return widgets.VBox([widgets.HBox([play, slider], layout=fill), caption, picture],
                            layout=fill)


def _fitted_img(svg: str) -> str:
    """An SVG frame as an ``<img>`` that shrinks to the cell, not below MIN_SCALE."""
    size = display_size(svg)
    width = f' width="{size.width}"' if size is not None else ""
    fit = "max-width:none" if size is not None and size.scroll else "max-width:100%"
    return f'<img{width} style="{fit};height:auto" src="{data_url(svg)}">'


def _no_renderer() -> bool:
    try:
        return find_renderer() is None
    except Exception:
        return True


def step_through(root: Any, *, style: Style | None = None,
                 max_nodes: int | None = DEFAULT_MAX_NODES, collapse: bool | str = "auto",
                 clusters: bool = True, layers: bool = False, renderer: str | None = None,
                 max_steps: int | None = DEFAULT_MAX_STEPS) -> Stepper:
    """Backprop of ``root`` frame by frame (see the module doc); options as ``draw``.

    A graph with more than ``max_steps`` ops raises ValueError instead of
    building thousands of frames (``max_steps=None`` lifts the limit)."""
    check_options("step_through", style, renderer)
    t = read(root, "step_through")
    if max_steps is not None and len(t.steps) > max_steps:
        raise ValueError(f"step_through: the graph has {len(t.steps)} backprop steps, more than "
                         f"max_steps={max_steps}; step through a smaller expression, draw this "
                         f"one with autograd.draw(root, 'backward'), or pass max_steps=None")
    p = plan(t, max_nodes=max_nodes, collapse=collapse, clusters=clusters, layers=layers)
    s = style or default_style()
    moments = [Progress(k) for k in range(len(t.steps) + 1)]
    captions = [_caption(t, k, s) for k in range(len(moments))]
    for k, caption in enumerate(captions):  # labels reach them: refuse what cannot be shown
        check_text("step_through", f"caption {k} (made from the labels)", caption,
                   optional=False)
    widths: dict[str, int] = {}
    for m in moments:  # measure every frame, then fix each cell at its widest
        w = DotWriter(t, p, s, "backward", m)
        w.source()
        for key, width in w.measured.items():
            widths[key] = max(widths.get(key, 0), width)
    owner = p.group_of() if p.collapsed else {}
    drawings: list[Drawing] = []
    active: list[str | None] = []
    for k, m in enumerate(moments):
        source = DotWriter(t, p, s, "backward", m, widths=widths).source()
        drawings.append(Drawing(source, tuple(p.notes), renderer))
        if k == 0:
            active.append(None)
        else:
            node = t.steps[k - 1]
            g = owner.get(node)
            active.append(f"g{g.output}" if g is not None else f"op{node}")
    return Stepper(t, drawings, captions, active)


def _name(t: Scene, i: int, s: Style, depth: int = 2) -> str:
    """How a caption calls node i: its label, else a short formula of it, e.g.
    ``(u + v)`` or ``tanh(x)``, else its position."""
    v = t.values[i]
    if v.label:
        return v.label
    op = v.fn
    if op is None:
        return s.number(v.data)
    if depth == 0:
        return "…"
    args = [_name(t, u.src, s, depth - 1) for u in t.inputs[i]]
    sym = op.label()
    if len(args) == 2:
        text = f"({args[0]} {sym} {args[1]})"
    elif len(args) == 1 and args[0].startswith("(") and args[0].endswith(")"):
        text = f"{sym}{args[0]}"
    else:
        text = f"{sym}({', '.join(args)})"
    return text if len(text) <= 32 else f"{sym}(…)"


def _caption(t: Scene, k: int, s: Style) -> str:
    root = _name(t, t.root, s)
    if "…" in root:
        root = "output"
    if k == 0:
        return (f"Step 0 of {len(t.steps)}: seed ∂{root}/∂{root} = 1; "
                f"every other gradient is not computed yet (?).")
    i = t.steps[k - 1]
    op = t.values[i].fn
    assert op is not None
    parts = []
    for u in t.inputs[i]:
        parts.append(f"{_name(t, u.src, s)} += {s.number(u.local)} × {s.number(t.grads[i])} "
                     f"= {s.number(u.contribution)}")
    what = op.label() if op.label() == op.name else f"{op.label()} ({op.name})"
    return (f"Step {k} of {len(t.steps)}: through {what} of "
            f"{_name(t, i, s)}: " + "; ".join(parts) + ".")
