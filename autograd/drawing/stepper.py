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

import hashlib
import html
import json
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .dot import DotWriter, Progress
from .drawing import DEFAULT_MAX_NODES, Drawing, check_options, svg_body
from .graph import Scene, plan, read
from .render import INSTALL_HINT, RenderError, find_renderer
from .style import Style, default_style

FRAME_FORMATS = ("svg", "png", "dot")
#: More backprop steps than this is no lecture: step_through refuses by default.
DEFAULT_MAX_STEPS = 400


class Stepper:
    """The frames of one backward pass: ``len``, indexing, iteration (Drawings),
    ``save_html``, ``save_frames``, ``widget()`` and a Jupyter player."""

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
        """One file per frame, ``frame_000.svg`` ...; ``fmt`` is svg, png or dot."""
        if fmt not in FRAME_FORMATS:
            raise ValueError(f"save_frames: fmt must be one of {', '.join(FRAME_FORMATS)}, "
                             f"got {fmt!r}")
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        width = max(3, len(str(len(self) - 1)))
        paths = [out / f"frame_{k:0{width}d}.{fmt}" for k in range(len(self))]
        workers = max(1, min(4, os.cpu_count() or 1, len(self.frames)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda pair: pair[0].save(pair[1]), zip(self.frames, paths)))
        return paths

    def html(self, standalone: bool = True) -> str:
        """A self-contained HTML player (previous / next / play, arrow keys);
        frame 0 shows without JavaScript. Without a renderer it shows DOT text."""
        try:
            bodies = [svg_body(svg) for svg in self.svgs()]
            note = ""
        except RenderError as e:
            bodies = [f"<pre>{html.escape(f.source)}</pre>" for f in self.frames]
            none = _no_renderer()
            note = (f"no Graphviz renderer found, showing DOT text; to see pictures: "
                    f"{INSTALL_HINT}" if none else f"rendering failed: {e}")
        return player_html(bodies, self.captions, self.active, note, standalone)

    def save_html(self, path: str | Path) -> Path:
        """Write the HTML player (one self-contained file, e.g. for slides)."""
        path = Path(path)
        path.write_text(self.html(standalone=True), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        try:
            return self.html(standalone=False)
        except Exception as e:  # never raise in a notebook
            return f"<pre>chainrule step_through: {html.escape(repr(e))}</pre>"

    def widget(self) -> Any:
        """An ipywidgets player: Play button and slider linked to the frame shown."""
        try:
            import ipywidgets as widgets  # type: ignore[import-untyped]
        except ImportError:
            raise ImportError("Stepper.widget() needs ipywidgets: pip install ipywidgets "
                              "(or pip install 'chainrule[jupyter]')") from None
        try:
            bodies = [svg_body(svg) for svg in self.svgs()]
        except RenderError:
            bodies = [f"<pre>{html.escape(f.source)}</pre>" for f in self.frames]
        n = len(bodies) - 1
        play = widgets.Play(value=0, min=0, max=n, step=1, interval=1200, description="play")
        slider = widgets.IntSlider(value=0, min=0, max=n, step=1, description="frame")
        widgets.jslink((play, "value"), (slider, "value"))
        caption = widgets.HTML(value=html.escape(self.captions[0]))
        picture = widgets.HTML(value=bodies[0])

        def show(change: dict[str, Any]) -> None:
            k = change["new"]
            picture.value = bodies[k]
            caption.value = html.escape(self.captions[k])

        slider.observe(show, names="value")
        return widgets.VBox([widgets.HBox([play, slider]), caption, picture])


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


_PLAYER_CSS = """
.cr-player{font-family:Helvetica,Arial,sans-serif;max-width:100%}
.cr-player .cr-bar{display:flex;gap:.5em;align-items:center;margin:.3em 0}
.cr-player button{font-size:1em;padding:.2em .8em;cursor:pointer}
.cr-player .cr-caption{margin:.3em 0;min-height:2.6em}
.cr-player .cr-frame svg{max-width:100%;height:auto}
.cr-player .cr-note{color:#8a4b00}
"""

_PLAYER_JS = """
(function(){
  var root = document.getElementById(%(pid)s);
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  var frames = root.querySelectorAll(".cr-frame");
  var captions = %(captions)s;
  var caption = root.querySelector(".cr-caption");
  var counter = root.querySelector(".cr-counter");
  var playBtn = root.querySelector(".cr-play");
  var k = 0, timer = null;
  function show(i){
    k = Math.max(0, Math.min(frames.length - 1, i));
    for (var j = 0; j < frames.length; j++) frames[j].style.display = (j === k) ? "" : "none";
    caption.textContent = captions[k];
    counter.textContent = "frame " + k + " / " + (frames.length - 1);
    root.dataset.frame = String(k);
  }
  function stop(){
    if (timer) { clearInterval(timer); timer = null; playBtn.textContent = "play"; }
  }
  root.querySelector(".cr-prev").addEventListener("click", function(){ stop(); show(k - 1); });
  root.querySelector(".cr-next").addEventListener("click", function(){ stop(); show(k + 1); });
  playBtn.addEventListener("click", function(){
    if (timer) { stop(); return; }
    if (k === frames.length - 1) show(0);
    playBtn.textContent = "pause";
    timer = setInterval(function(){
      show(k + 1);
      if (k >= frames.length - 1) stop();
    }, 1200);
  });
  root.addEventListener("keydown", function(e){
    if (e.key === "ArrowRight") { stop(); show(k + 1); e.preventDefault(); }
    if (e.key === "ArrowLeft") { stop(); show(k - 1); e.preventDefault(); }
  });
  root.querySelector(".cr-bar").style.visibility = "visible";
  show(0);
})();
"""


def player_html(bodies: list[str], captions: list[str], active: list[str | None],
                note: str = "", standalone: bool = True) -> str:
    """The HTML player around pre-rendered frames (SVG or ``<pre>`` DOT)."""
    digest = hashlib.sha256("\0".join(bodies).encode("utf-8")).hexdigest()[:12]
    pid = f"cr-player-{digest}"
    frames = []
    for k, body in enumerate(bodies):
        hidden = "" if k == 0 else ' style="display:none"'
        frames.append(f'<div class="cr-frame" data-frame="{k}" data-active="{active[k] or ""}"'
                      f"{hidden}>{body}</div>")
    note_html = f'<p class="cr-note">{html.escape(note)}</p>' if note else ""
    script = _PLAYER_JS % {"pid": json.dumps(pid),
                           "captions": json.dumps(captions, ensure_ascii=False)}
    widget = (
        f'<div class="cr-player" id="{pid}" tabindex="0" data-frame="0">'
        f"<style>{_PLAYER_CSS}</style>{note_html}"
        f'<div class="cr-bar" style="visibility:hidden">'
        f'<button type="button" class="cr-prev" title="previous (←)">◀ previous</button>'
        f'<button type="button" class="cr-play" title="play">play</button>'
        f'<button type="button" class="cr-next" title="next (→)">next ▶</button>'
        f'<span class="cr-counter">frame 0 / {len(bodies) - 1}</span></div>'
        f'<div class="cr-caption">{html.escape(captions[0])}</div>'
        + "".join(frames) + f"<script>{script}</script></div>"
    )
    if not standalone:
        return widget
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>chainrule: backprop step by step</title></head><body>"
            + widget + "</body></html>\n")
