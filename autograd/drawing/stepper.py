"""``step_through(root)``: the forward and backward passes as a sequence of frames.

Backward (``passes="backward"``, the default): frame 0 seeds ∂root/∂root = 1;
frame k (k ≥ 1) is the k-th backprop step: the op it handles is highlighted,
its inputs receive their contributions (``upstream × local = contribution`` on
the edges), a node used several times shows its sum filling in, slot by slot
in the order the engine adds them (``grad ? + 1``, then ``grad 7 = 3 + 3 + 1``),
gradients not computed yet read ``?``, and nodes whose gradient is final are
marked.

Forward (``passes="forward"``): frame 0 shows the inputs; frame k computes the
k-th op node in the order the forward pass did (``u + v = 2 + 3 = 5``), values
not computed yet reading ``?``. ``"forward+backward"`` plays both, forward first.

Every frame carries its step and caption in the picture (above the graph), and
every frame has the geometry of ``draw(root, ...)`` with the same options: the
nodes stay where they are while the numbers appear. Nothing of the user's graph
is changed: the numbers come from :func:`autograd.drawing.graph.read` (the
recorded values and the engine's own walk).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..files import atomic_write
from .display import check_text, data_url, display_size, markup, player_html, stepper_bundle
from .dot import DotWriter, Moment, measure, short_name, wrap
from .drawing import DEFAULT_MAX_NODES, Drawing, check_options
from .fit import check_fit, choose
from .graph import Plan, Scene, plan, read
from .render import INSTALL_HINT, RenderError, find_renderer
from .style import Style, default_style
from .words import words

FRAME_FORMATS = ("svg", "png", "pdf", "dot")
PASSES = ("backward", "forward", "forward+backward")
#: More steps than this is no lecture: step_through refuses by default.
DEFAULT_MAX_STEPS = 400
#: Captions in a frame are wrapped at this many characters a line.
CAPTION_WIDTH = 90
#: A step's caption names at most this many inputs (a wide sum: the first ones, then
#: how many more), so that a frame stays a picture with a sentence above it.
MAX_CAPTION_PARTS = 6


class Stepper:
    """The frames of one step-through: ``len``, indexing, iteration (Drawings),
    ``captions``, ``save_html``, ``save_frames``, ``widget()`` and a Jupyter
    player (the HTML player of :mod:`autograd.drawing.display`)."""

    def __init__(self, t: Scene, drawings: list[Drawing], captions: list[str],
                 active: list[str | None], passes: str = "backward",
                 captions_in_frames: bool = False) -> None:
        self._scene = t
        self.captions_in_frames = captions_in_frames
        self.frames = drawings
        self.captions = captions
        self.active = active  # the DOT id of the op node active in each frame
        self.passes = passes

    def __len__(self) -> int:
        return len(self.frames)

    def __iter__(self) -> Iterator[Drawing]:
        return iter(self.frames)

    def __getitem__(self, k: int) -> Drawing:
        return self.frames[k]

    def __repr__(self) -> str:
        n = len(self._scene.steps)
        what = {"backward": f"seed + {n} backprop steps",
                "forward": f"inputs + {n} forward steps",
                "forward+backward": f"inputs + {n} forward steps, seed + {n} backprop steps"}
        return f"<Stepper: {len(self)} frames ({what[self.passes]})>"

    def svgs(self) -> list[str]:
        """Every frame as SVG, rendered in parallel (one renderer process per frame)."""
        workers = max(1, min(4, os.cpu_count() or 1, len(self.frames)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda frame: frame.svg(), self.frames))

    # -- files ---------------------------------------------------------------------
    def save_frames(self, folder: str | Path, fmt: str = "svg") -> list[Path]:
        """One file per frame, ``frame_000.svg`` ...; ``fmt`` is svg, png, pdf or dot
        (PDF with pip alone: see ``Drawing.pdf``).

        Each file is written whole or not at all (see ``Drawing.save``); on a
        failure an OSError names the file, and no partial frame is left."""
        if fmt not in FRAME_FORMATS:
            raise ValueError(f"save_frames: fmt must be one of {', '.join(FRAME_FORMATS)}, "
                             f"got {fmt!r}")
        if fmt == "pdf":
            from .pdf import converter_available

            r = find_renderer(self.frames[0].renderer) if self.frames else None
            if r is not None and "pdf" not in r.formats and not converter_available():
                from .pdf import PDF_EXTRA_HINT

                raise RenderError(f"save_frames: cannot make PDF: {PDF_EXTRA_HINT}")
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
                           captions_in_frames=self.captions_in_frames and kind == "svg",
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
                 max_steps: int | None = DEFAULT_MAX_STEPS, passes: str = "backward",
                 lang: str | None = None, captions: bool = True, title: str | None = None,
                 edge_labels: bool | None = None, fit: str | None = None) -> Stepper:
    """The passes over ``root`` frame by frame (see the module doc); options as ``draw``.

    - ``passes``: ``"backward"`` (default), ``"forward"`` or ``"forward+backward"``.
    - ``lang``: ``"en"`` or ``"fr"`` (captions and the drawing's words), overriding
      the style's.
    - ``captions``: each frame carries its step and caption above the graph
      (default True: PNG and PDF frames keep them on a slide); the player shows
      the caption as text as well.
    - ``fit``: ``"slide"``, ... as ``draw``: every frame laid out for the page.

    A graph with more than ``max_steps`` ops raises ValueError instead of
    building thousands of frames (``max_steps=None`` lifts the limit)."""
    check_options("step_through", style, renderer, lang)
    check_text("step_through", "title", title)
    if passes not in PASSES:
        raise ValueError(f"step_through: passes must be one of {', '.join(map(repr, PASSES))}, "
                         f"got {passes!r}")
    if not isinstance(captions, bool):
        raise TypeError(f"step_through: captions must be a bool, got {type(captions).__name__}")
    t = read(root, "step_through")
    if max_steps is not None and len(t.steps) > max_steps:
        raise ValueError(f"step_through: the graph has {len(t.steps)} steps, more than "
                         f"max_steps={max_steps}; step through a smaller expression, draw this "
                         f"one with autograd.draw(root, 'backward'), or pass max_steps=None")
    s = style or default_style()
    if lang is not None:
        s = s.replace(lang=lang)
    page = check_fit("step_through", fit)
    moments = [Moment(pass_, k) for pass_ in passes.split("+") for k in range(len(t.steps) + 1)]
    texts = [caption(t, m, s, both=passes == "forward+backward") for m in moments]
    for k, text in enumerate(texts):  # labels reach them: refuse what cannot be shown
        check_text("step_through", f"caption {k} (made from the labels)", text, optional=False)
    lines = [wrap(text, CAPTION_WIDTH) if captions else [] for text in texts]
    size: tuple[float, float] | None = None
    notes: tuple[str, ...] = ()
    if page is None:
        p = plan(t, max_nodes=max_nodes, collapse=collapse, clusters=clusters, layers=layers)
    else:
        def write(st: Style, p: Plan, labels: bool | None, notes: tuple[str, ...]) -> str:
            lay = measure(t, p, st, edge_labels=labels, title=title, header=lines,
                          notes=list(notes))
            return DotWriter(t, p, st, "backward", moments[-1], layout=lay, title=title,
                             header=lines[-1]).source()

        c = choose(t, s, page, write, max_nodes=max_nodes, collapse=collapse,
                   clusters=clusters, layers=layers, edge_labels=edge_labels,
                   renderer=renderer, say_labels_left_out=not captions)
        s, p, edge_labels, size, notes = c.style, c.plan, c.labels, c.size, c.notes
    lay = measure(t, p, s, edge_labels=edge_labels, title=title, header=lines,
                  notes=list(notes))
    owner = p.group_of() if p.collapsed else {}
    drawings: list[Drawing] = []
    active: list[str | None] = []
    for m, header in zip(moments, lines):
        view = "forward" if m.pass_ == "forward" else "backward"
        source = DotWriter(t, p, s, view, m, layout=lay, title=title, header=header,
                           size=size).source()
        drawings.append(Drawing(source, tuple(lay.notes), renderer))
        if m.done == 0:
            active.append(None)
            continue
        node = (t.forward_steps if m.pass_ == "forward" else t.steps)[m.done - 1]
        g = owner.get(node)
        active.append(f"g{g.output}" if g is not None
                      else f"v{node}" if s.compact else f"op{node}")  # compact: no op nodes
    return Stepper(t, drawings, texts, active, passes, captions)


def _called(t: Scene, i: int, s: Style) -> str:
    """A node's name inside a sentence: an expression in parentheses."""
    name = short_name(t, i, s)
    v = t.values[i]
    return f"({name})" if not v.label and v.fn is not None and " " in name else name


def _formula(t: Scene, i: int, s: Style) -> str:
    """The op of node i applied to its inputs' numbers: ``2 + 3``, ``tanh(0.8814)``,
    ``(−3)·2 + 1·0 + 6.881``."""
    op = t.values[i].fn
    assert op is not None
    xs = [t.values[u.src].data for u in t.inputs[i]]
    sym, kind = op.label(), op.syntax.kind
    if kind == "infix" and len(xs) == 2:
        return f"{s.number(xs[0])} {sym} {s.factor(xs[1])}"
    if kind == "infix" and len(xs) == 1:
        return f"{s.factor(xs[0])}{sym}"
    if kind == "prefix" and len(xs) == 1:
        return f"{sym}{s.factor(xs[0])}"
    if kind == "pairs" and len(xs) >= 2:
        n = len(xs) // 2
        terms = " + ".join(f"{s.factor(a)}·{s.factor(b)}" for a, b in zip(xs[:n], xs[n:2 * n]))
        return terms + (f" + {s.factor(xs[-1])}" if len(xs) % 2 else "")
    inner = ", ".join(s.number(x) for x in xs) if len(xs) <= 6 else "…"
    return f"{sym}({inner})"


def _op_name(i: int, t: Scene) -> str:
    op = t.values[i].fn
    assert op is not None
    return op.label() if op.label() == op.name else f"{op.label()} ({op.name})"


def caption(t: Scene, m: Moment, s: Style, both: bool = False) -> str:
    """What frame ``m`` shows, as a sentence."""
    w = words(s.lang)
    n = len(t.steps)
    colon = " : " if s.lang == "fr" else ": "
    if both:
        name = w.forward_pass if m.pass_ == "forward" else w.backward_pass
        head = w.pass_step.format(pass_=name, k=m.done, n=n)
    else:
        head = w.step.format(k=m.done, n=n)
    if m.pass_ == "forward":
        if m.done == 0:
            return f"{head}{colon}{w.given}."
        i = t.forward_steps[m.done - 1]
        return head + colon + w.computed.format(node=short_name(t, i, s),
                                                formula=_formula(t, i, s),
                                                value=s.number(t.values[i].data)) + "."
    root = t.values[t.root].label or w.output
    if m.done == 0:
        return f"{head}{colon}{w.seed.format(root=root)}."
    i = t.steps[m.done - 1]
    up = s.number(t.grads[i])
    uses = [u for u in t.inputs[i] if not t.is_constant(u.src)]
    shown = uses if len(uses) <= MAX_CAPTION_PARTS else uses[:MAX_CAPTION_PARTS - 1]
    parts = [f"{_called(t, u.src, s)} += {up} × {s.factor(u.local)} = "
             f"{s.number(u.contribution)}" for u in shown]
    if len(shown) < len(uses):  # a wide sum: its first inputs, then how many more
        parts.append(w.more.format(n=len(uses) - len(shown)))
    sep = " ; " if s.lang == "fr" else "; "
    upstream = f"∂{root}/∂{_called(t, i, s)} = {up}"
    return head + colon + w.through.format(op=_op_name(i, t), node=_called(t, i, s),
                                           upstream=upstream,
                                           parts=sep.join(parts) or w.constant_skip) + "."
