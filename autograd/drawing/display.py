"""Everything of chainrule that reaches a browser: Jupyter display and the HTML player.

One display path per displayable type:

- a :class:`~autograd.drawing.Drawing` shows as ``image/svg+xml`` + ``image/png``
  (:func:`drawing_bundle`), never as HTML. Trusted JupyterLab/Notebook shows the
  SVG, an untrusted notebook (a freshly cloned one) the PNG, since JupyterLab
  renders SVG only when trusted; nbconvert's sanitizer and code-hosting
  viewers keep the PNG. HTML with inline SVG would be stripped to a run-on
  line of text by every sanitizer.
- a :class:`~autograd.drawing.Stepper` shows as the HTML player
  (:func:`player_html`): frame 0 is an ``<img>`` and a line saying how to
  step through, which is all a sanitizer leaves; the frames, captions and
  buttons come alive only where scripts run.

Trust: every text that reaches HTML goes through :func:`markup` (element text
and attribute values: ``& < > " '`` escaped) or :func:`script_json` (data inside
``<script>``: JSON whose ``< > &`` and U+2028/U+2029 are ``\\u`` escapes, so no
``</script>``, ``<!--`` or line terminator can end or change the script).
Pictures are SVG documents from Graphviz loaded as ``<img>`` (base64 ``data:``
URLs): an image never runs scripts or handlers, whatever its text holds.

Size: a drawing is shown at its natural size (Graphviz points × 4/3 pixels),
shrunk to the width of a notebook cell but never below :data:`MIN_SCALE`; a
drawing too wide for that is shown at ``MIN_SCALE`` and the output scrolls
sideways (``unconfined`` in Jupyter's metadata). In the player a click on the
picture switches between that size and the full size.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass
from typing import Any

from ..text import check_text

#: Smallest scale a drawing is shown at: 14 pt node text → 12.4 px, 12 pt edge text → 10.7 px.
MIN_SCALE = 2 / 3
#: Width (px) of a notebook output area on a laptop (JupyterLab at 1280 px with its side
#: bar open gives 848): wider drawings are shrunk to it, down to MIN_SCALE.
CELL_WIDTH = 800
#: Pixels per Graphviz point (CSS: 96 px per inch, 72 pt per inch).
PX_PER_PT = 4 / 3
#: PNG resolution at scale 1: 1.5 image pixels per CSS pixel, sharp on most screens.
PNG_DPI = 144

NOTEBOOK_HINT = "run the cell (or trust the notebook) to step through"
PAGE_HINT = "turn on JavaScript to step through"


# -- escaping -------------------------------------------------------------------------

def markup(text: str) -> str:
    """``text`` as inert HTML element text or a quoted attribute value."""
    return html.escape(text, quote=True)


_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                  "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: Any) -> str:
    """``data`` as JSON that can sit inside a ``<script>`` element.

    ``< > &`` only occur inside JSON strings, where ``\\u003c`` ... mean the same
    characters, so the script's text holds no ``</script``, ``<!--`` or ``]]>``;
    U+2028/U+2029 are escaped too (line terminators in older JavaScript)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m.group()], text)


# -- size -----------------------------------------------------------------------------

_SVG_TAG = re.compile(r"<svg\b[^>]*>")
_LENGTH = re.compile(r'\b(width|height)="([0-9.]+)(pt|px)?"')


@dataclass(frozen=True)
class Size:
    """How big a drawing is shown: ``width`` × ``height`` CSS pixels at ``scale``;
    ``scroll`` when that is wider than a cell (shown unconfined, scrolling)."""

    width: int
    height: int
    scale: float
    scroll: bool


def svg_size(svg: str) -> tuple[float, float] | None:
    """The natural size (CSS px) of a Graphviz SVG document, or None if unknown."""
    tag = _SVG_TAG.search(svg)
    if tag is None:
        return None
    found: dict[str, float] = {}
    for name, number, unit in _LENGTH.findall(tag.group()):
        found[name] = float(number) * (PX_PER_PT if unit in ("pt", "") else 1.0)
    if "width" not in found or "height" not in found:
        return None
    return found["width"], found["height"]


def display_size(svg: str) -> Size | None:
    """The size to show ``svg`` at: its natural size, shrunk to :data:`CELL_WIDTH`
    but never below :data:`MIN_SCALE`; at that scale and still wider, it scrolls."""
    natural = svg_size(svg)
    if natural is None:
        return None
    w, h = natural
    scale = min(1.0, max(MIN_SCALE, CELL_WIDTH / w)) if w > 0 else 1.0
    scroll = w * MIN_SCALE > CELL_WIDTH
    return Size(max(1, round(w * scale)), max(1, round(h * scale)), scale, scroll)


def scaled_svg(svg: str, scale: float) -> str:
    """``svg`` with the width and height of its root scaled (the viewBox keeps the
    drawing whole), so that it shows at that size by itself."""
    if scale == 1.0:
        return svg

    def one(m: re.Match[str]) -> str:
        name, number, unit = m.groups()
        return f'{name}="{float(number) * scale:.2f}{unit or ""}"'

    tag = _SVG_TAG.search(svg)
    if tag is None:
        return svg
    return svg[:tag.start()] + _LENGTH.sub(one, tag.group()) + svg[tag.end():]


def data_url(svg: str) -> str:
    """An SVG document as a ``data:`` URL (base64: only ``A-Z a-z 0-9 + / =``)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# -- Jupyter: a drawing ---------------------------------------------------------------

def drawing_bundle(drawing: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Jupyter display of a Drawing: ``(data, metadata)`` with ``image/svg+xml``
    and ``image/png`` at the size of :func:`display_size`. Never raises: without a
    renderer (or when rendering fails) it is text, the DOT source with what to
    install."""
    from .drawing import why_no_picture

    plain = repr(drawing)
    try:
        svg = drawing.svg()
        size = display_size(svg)
        scale = size.scale if size is not None else 1.0
        png = drawing.png(dpi=PNG_DPI * scale)
    except Exception as e:  # a notebook cell must not fail over a picture
        return {"text/plain": f"{plain}\n{why_no_picture(e)}\n{drawing.source}"}, {}
    data: dict[str, Any] = {"text/plain": plain, "image/svg+xml": scaled_svg(svg, scale),
                            "image/png": base64.b64encode(png).decode("ascii")}
    if size is None:
        return data, {}
    png_meta: dict[str, Any] = {"width": size.width, "height": size.height}
    svg_meta: dict[str, Any] = {}
    if size.scroll:
        png_meta["unconfined"] = svg_meta["unconfined"] = True
    metadata: dict[str, Any] = {"image/png": png_meta}
    if svg_meta:
        metadata["image/svg+xml"] = svg_meta
    return data, metadata


# -- the step-through player ---------------------------------------------------------

_PLAYER_CSS = """
.cr-player{font-family:Helvetica,Arial,sans-serif;max-width:100%;outline:none;position:relative}
.cr-player .cr-bar{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;margin:.3em 0}
.cr-player .cr-bar:empty{display:none}
.cr-player button{font-size:1em;padding:.2em .8em;cursor:pointer}
.cr-player .cr-caption{margin:.3em 0;min-height:2.6em;white-space:pre-wrap}
.cr-player .cr-view{overflow:auto;max-width:100%}
.cr-player img.cr-frame{max-width:100%;height:auto;cursor:zoom-in;display:block}
.cr-player img.cr-frame.cr-scroll,.cr-player img.cr-frame.cr-full{max-width:none}
.cr-player img.cr-frame.cr-full{cursor:zoom-out}
.cr-player pre.cr-frame{white-space:pre;overflow:auto;max-height:40em}
.cr-player .cr-hint{font-style:italic;color:#555;margin:.3em 0}
.cr-player .cr-note{color:#8a4b00}
.cr-player .cr-caption.cr-hidden{position:absolute;width:1px;height:1px;overflow:hidden;
clip:rect(0 0 0 0);white-space:nowrap;margin:0;min-height:0}
"""

# Finds its player through document.currentScript (the script sits inside it),
# else wires every player not wired yet: every display of the same player
# works, with no id that two displays could share.
_PLAYER_JS = """
(function () {
  function wire(root) {
    if (!root || root.getAttribute("data-cr-ready")) return;
    var store = root.querySelector("script.cr-data");
    if (!store) return;
    var data = JSON.parse(store.textContent);
    root.setAttribute("data-cr-ready", "1");
    root.setAttribute("tabindex", "0");
    var n = data.captions.length;
    var picture = root.querySelector(".cr-frame");
    var view = root.querySelector(".cr-view");
    var caption = root.querySelector(".cr-caption");
    var hint = root.querySelector(".cr-hint");
    if (hint) hint.parentNode.removeChild(hint);
    var bar = root.querySelector(".cr-bar");
    function button(cls, text, title) {
      var b = document.createElement("button");
      b.type = "button"; b.className = cls; b.textContent = text; b.title = title;
      bar.appendChild(b);
      return b;
    }
    var prev = button("cr-prev", "\\u25c0 previous", "previous (\\u2190)");
    var play = button("cr-play", "play", "play");
    var next = button("cr-next", "next \\u25b6", "next (\\u2192)");
    var counter = document.createElement("span");
    counter.className = "cr-counter";
    bar.appendChild(counter);
    var first = data.kind === "svg" ? picture.getAttribute("src") : picture.textContent;
    var k = 0, timer = null;
    function show(i) {
      k = Math.max(0, Math.min(n - 1, i));
      var frame = k === 0 ? first : data.frames[k - 1];
      if (data.kind === "svg") {
        picture.setAttribute("src", k === 0 ? first : "data:image/svg+xml;base64," + frame);
        picture.setAttribute("alt", "frame " + k + " of " + (n - 1) + ": " + data.captions[k]);
      } else {
        picture.textContent = frame;
      }
      picture.setAttribute("data-active", data.active[k] || "");
      caption.textContent = data.captions[k];
      counter.textContent = "frame " + k + " / " + (n - 1);
      root.setAttribute("data-frame", String(k));
    }
    function stop() {
      if (timer) { clearInterval(timer); timer = null; play.textContent = "play"; }
    }
    prev.addEventListener("click", function () { stop(); show(k - 1); });
    next.addEventListener("click", function () { stop(); show(k + 1); });
    play.addEventListener("click", function () {
      if (timer) { stop(); return; }
      if (k === n - 1) show(0);
      play.textContent = "pause";
      timer = setInterval(function () {
        show(k + 1);
        if (k >= n - 1) stop();
      }, 1200);
    });
    // The picture fills the room it has, between min_scale and full size (below
    // that it scrolls); a click switches to full size and back.
    function fit() {
      var natural = data.natural[0];
      if (!natural) return;
      var room = view.clientWidth || data.shown[0];
      var width = picture.classList.contains("cr-full") ? natural :
        Math.max(Math.round(natural * data.min_scale), Math.min(natural, room));
      picture.setAttribute("width", String(width));
      picture.classList.toggle("cr-scroll", width > room);
    }
    if (data.kind === "svg" && data.shown) {
      picture.addEventListener("click", function () {
        picture.classList.toggle("cr-full");
        fit();
      });
      window.addEventListener("resize", fit);
      fit();
    }
    root.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight") { stop(); show(k + 1); e.preventDefault(); }
      if (e.key === "ArrowLeft") { stop(); show(k - 1); e.preventDefault(); }
    });
    show(0);
  }
  var me = document.currentScript;
  if (me && me.parentNode) wire(me.parentNode);
  var all = document.querySelectorAll("div.cr-player");
  for (var i = 0; i < all.length; i++) wire(all[i]);
})();
"""


def player_html(frames: list[str], kind: str, captions: list[str], active: list[str | None],
                *, note: str = "", standalone: bool = True,
                captions_in_frames: bool = False) -> str:
    """The step-through player around rendered frames.

    ``frames`` are SVG documents (``kind="svg"``) or DOT text shown as such
    (``kind="dot"``, when there is no renderer). Without scripts (an untrusted
    notebook, a sanitizing viewer, a browser with JavaScript off) it shows
    caption 0, frame 0 and one line saying how to step through; with them,
    previous / play / next buttons, the arrow keys, the picture fitted to the
    room it has (not below MIN_SCALE: it scrolls instead) and a click on it to
    switch to the full size and back. ``captions_in_frames``: the pictures
    carry their captions, so the caption line is kept for screen readers and
    scripts but not shown twice."""
    if kind not in ("svg", "dot"):
        raise ValueError(f"player_html: kind must be 'svg' or 'dot', got {kind!r}")
    if not frames or len(frames) != len(captions) or len(frames) != len(active):
        raise ValueError(f"player_html: {len(frames)} frames, {len(captions)} captions and "
                         f"{len(active)} active ids; expected the same number, at least one")
    for k, caption in enumerate(captions):
        check_text("player_html", f"caption {k}", caption, optional=False)
    n = len(frames)
    data: dict[str, Any] = {"kind": kind, "captions": captions,
                            "active": [a or "" for a in active]}
    hint = NOTEBOOK_HINT if not standalone else PAGE_HINT
    hint_line = f"Frame 0 of {n - 1} shown; {hint}."
    if kind == "svg":
        size = display_size(frames[0])
        natural = svg_size(frames[0])
        data["frames"] = [base64.b64encode(f.encode("utf-8")).decode("ascii")
                          for f in frames[1:]]
        data["natural"] = [round(natural[0]), round(natural[1])] if natural else [0, 0]
        data["min_scale"] = MIN_SCALE
        attrs = ""
        if size is not None:
            data["shown"] = [size.width, size.height]
            attrs = f' width="{size.width}"' + (' class="cr-frame cr-scroll"' if size.scroll
                                                else ' class="cr-frame"')
        else:
            attrs = ' class="cr-frame"'
        picture = (f'<img{attrs} src="{data_url(frames[0])}" data-active="" '
                   f'alt="{markup(f"frame 0 of {n - 1}: {captions[0]}")}" '
                   'title="click: full size / fitted">')
    else:
        data["frames"] = frames[1:]
        picture = f'<pre class="cr-frame" data-active="">{markup(frames[0])}</pre>'
    note_html = f'<p class="cr-note">{markup(note)}</p>' if note else ""
    widget = (
        '<div class="cr-player" data-frame="0">'
        f"<style>{_PLAYER_CSS}</style>{note_html}"
        '<div class="cr-bar"></div>'
        f'<div class="cr-caption{" cr-hidden" if captions_in_frames else ""}" '
        'aria-live="polite">'
        f"{markup(captions[0])}</div>"
        f'<div class="cr-view">{picture}</div>'
        f'<p class="cr-hint">{markup(hint_line)}</p>'
        f'<script type="application/json" class="cr-data">{script_json(data)}</script>'
        f"<script>{_PLAYER_JS}</script></div>"
    )
    if not standalone:
        return widget
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>chainrule: backprop step by step</title></head><body>"
            + widget + "</body></html>\n")


def stepper_bundle(stepper: Any) -> dict[str, str]:
    """The Jupyter display of a Stepper: the HTML player (never raises)."""
    plain = repr(stepper)
    try:
        page = stepper.html(standalone=False)
    except Exception as e:  # a notebook cell must not fail over a picture
        return {"text/plain": f"{plain}\nthe player could not be built: "
                              f"{type(e).__name__}: {e}"}
    return {"text/html": page, "text/plain": plain}
