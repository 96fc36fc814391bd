"""DOT text for a drawn graph: forward, backward or both, and step-through frames.

Layout, left to right: each value is a small table (name, data, grad), each
op a small separate node with the op table's symbol (``Op.label()``), one edge
per use of an input. Node names come from the tape (creation order: ``v3``,
``op3``), never from ``id()``, so the same expression built the same way gives
byte-identical text.

One geometry for every view and every frame: each use is drawn as two edges,
forward (``e3_0``, tail to head, its value above it) and backward (``b3_0``,
``dir=back``, ``upstream × local = contribution`` above it); a view hides the
edges it does not show (``style=invis``: laid out, not drawn). Every cell,
edge label, op node and the header above the graph has a fixed size, the
widest text it takes in any view or frame (:func:`measure`), so Graphviz lays
the forward view, the backward view, ``both`` and every frame of a
step-through out identically. Inputs enter an op top to bottom in argument
order (``ordering=in``).

What a view shows (:class:`Moment` for a step-through frame):

- forward: each value's data, each edge its value; no gradient (or, with
  ``stored_grad``, each node's ``.grad`` as stored, marked ``.grad``);
- backward: ``grad`` = ∂root/∂node from the engine's walk; a node used several
  times shows its gradient as the sum of its contributions, written in the
  order the engine adds them (``grad 7 = 3 + 3 + 1``), slots not received yet
  as ``?`` in a frame;
- a one-line legend says which it is; notes say what was left out.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import fonts
from .graph import Group, Plan, Scene, Use, count_drawn
from .style import Style
from .words import Words, words

DIRECTIONS = ("forward", "backward", "both")
#: Past this many edges, ``edge_labels=None`` (auto) draws edges without numbers.
MAX_LABELLED_EDGES = 120
#: An op with more inputs than this gets no numbers on its input edges (a note says so):
#: its labels would stack in one column, too many to match with their wires.
MAX_FANIN_LABELS = 6
#: Past this many nodes, Graphviz's network simplex passes are capped: long edges
#: across many ranks (a value used all along a chain) otherwise take minutes to lay out.
BIG_GRAPH = 150
#: A name longer than this is shortened (``tanh(…)``).
MAX_NAME = 24
#: A gradient's sum longer than this (characters) is written ``Σ of n``.
MAX_SUM = 30
#: Bold faces with the metrics Graphviz knows; other fonts use ``<b>``.
_BOLD_FACES = {"Helvetica": "Helvetica-Bold", "Arial": "Helvetica-Bold",
               "Times": "Times-Bold", "Times-Roman": "Times-Bold", "Courier": "Courier-Bold"}
CELL_PAD = 4
EDGE_PAD = 1
#: A note longer than this (characters) is wrapped: the header does not widen the picture.
MAX_NOTE = 96


@dataclass(frozen=True)
class Moment:
    """A frame of a step-through: in pass ``"forward"`` or ``"backward"``,
    ``done`` steps are finished; the last one is ``active``."""

    pass_: str
    done: int
    active: bool = True


#: Backward frames (the name older code used).
def Progress(done: int, active: bool = True) -> Moment:  # noqa: N802
    return Moment("backward", done, active)


def quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\r", "\\r") + '"'


def esc(text: str) -> str:
    """Text safe inside an HTML-like label: one line (tab, CR and LF become
    spaces: a cell is one line, and Graphviz refuses some of them alone),
    ``< > & " '`` escaped, and ``\\`` doubled, since Graphviz expands ``\\N``,
    ``\\G`` ... even there."""
    one_line = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return html.escape(one_line, quote=True).replace("\\", "\\\\")


def cell_height(size: float, padding: float) -> int:
    return math.ceil(fonts.line_height(size) + 2 * padding + 2)


# -- names ------------------------------------------------------------------------

def short_name(t: Scene, i: int, s: Style, depth: int = 2, named: bool = True) -> str:
    """How node i is called: its label (unless ``named`` is false), else the
    short formula it holds (``u + v``, ``tanh(n)``, ``w·x+b``), a constant its
    number."""
    v = t.values[i]
    if v.label and named:
        return v.label
    op = v.fn
    if op is None:
        return s.number(v.data)
    sym = op.label()
    if depth == 0:
        return "…"
    kind = op.syntax.kind
    if kind == "pairs":
        return sym
    if len(t.inputs[i]) > 3:
        return f"{sym}(…)"
    args = [_operand(t, u.src, s, depth - 1) for u in t.inputs[i]]
    if kind == "infix" and len(args) == 2:
        text = f"{args[0]} {sym} {args[1]}"
    elif kind == "infix" and len(args) == 1:  # a bound power: x^2
        text = f"{args[0]}{sym}"
    elif kind == "prefix" and len(args) == 1:
        text = f"{sym}{args[0]}"
    else:
        name = sym if all(ch.isalnum() or ch in "σ_ " for ch in sym) else op.syntax.token
        text = f"{name}({', '.join(args)})"
    if len(text) <= MAX_NAME:
        return text
    return f"{sym}(…)" if kind not in ("infix", "prefix", "pairs") else "…"


def _operand(t: Scene, i: int, s: Style, depth: int) -> str:
    v = t.values[i]
    if t.is_constant(i):
        return s.factor(v.data)
    text = short_name(t, i, s, depth)
    if v.label or v.fn is None or v.fn.syntax.kind not in ("infix", "prefix"):
        return text
    return text if text == "…" else f"({text})"


def root_name(t: Scene, s: Style, w: Words) -> str:
    """The root as ∂·/∂node names it: its label, else ``output``."""
    return t.values[t.root].label or w.output


# -- the texts of every cell, in every state -----------------------------------------

class Texts:
    """What each cell and edge label of a scene says, in any view or frame."""

    def __init__(self, t: Scene, p: Plan, s: Style) -> None:
        self.t, self.p, self.s = t, p, s
        self.w = words(s.lang)
        self.owner: dict[int, Group] = p.group_of() if p.collapsed else {}

    def name(self, i: int, group: Group | None = None) -> str:
        """A node's name cell; compact (no op nodes drawn): a named result with
        its formula, ``L = 0.5 × (…)^2``."""
        if group is not None:
            return self.group_title(group)
        v = self.t.values[i]
        k = self.p.samples.get(i, 1) if self.p.focus else 1
        if k > 1:  # a batch by its first sample: another sample's result
            return f"{self.w.sample} {k}"
        depth = 2 + self.folds(i)
        if self.s.compact and v.label and v.fn is not None:
            return f"{v.label} = {short_name(self.t, i, self.s, depth, named=False)}"
        return short_name(self.t, i, self.s, depth)

    def folds(self, i: int) -> int:
        """How many folded ops lead into node i (its name spells them out)."""
        folded, k = self.p.folded, 0
        while True:
            ins = [u.src for u in self.t.inputs[i] if folded.get(u.src) is not None]
            if not ins:
                return k
            i, k = ins[0], k + 1

    def group_title(self, g: Group) -> str:
        """``neuron 1.2: w·x+b → ReLU`` (layer 1, second neuron; its ops); in a
        compact style only the activation: ``neuron 1.2 · ReLU``."""
        if self.s.compact:
            return f"{self.group_name(g)} · {g.activation}" if g.activation else \
                self.group_name(g)
        return f"{self.group_name(g)}: {g.title}"

    def ops_row(self, g: Group) -> bool:
        """Does a collapsed neuron drawn as a column have a row for its ops?"""
        return self.s.cells == "column" and not self.s.compact

    def sample_name(self, k: int) -> str:
        """``sample 2``; for the note of a batch shown by sample 1: ``samples 2–3``."""
        n = self.p.n_samples
        if k == 0:
            return self.w.shared
        if self.p.focus and k == 2 and n > 2:
            return f"{self.w.samples} 2–{n}"
        return f"{self.w.sample} {k}"

    def group_name(self, g: Group) -> str:
        return f"{self.w.neuron} {g.layer}.{g.index}"

    def data(self, i: int, known: bool = True) -> str:
        shown = self.s.number(self.t.values[i].data) if known else "?"
        return f"{self.w.data} {shown}"

    def stored(self, i: int) -> str:
        return f"{self.w.stored} {self.s.number(self.t.values[i].grad)}"

    def grad(self, i: int, received: int | None = None) -> str:
        """``grad ?``, ``grad ? + 1`` (slots in the engine's order, those not
        received yet as ?), ``grad 7 = 3 + 3 + 1``; ``received`` = how many of
        the node's uses (the last ones) have arrived, None = all."""
        t, s, w = self.t, self.s, self.w
        g = w.grad
        if i == t.root:
            return f"{g} {s.number(t.grads[i])}"
        uses = t.users[i]
        n = len(uses)
        k = n if received is None else received
        if k == 0 or n == 0:
            return f"{g} ?" if received is not None or n else f"{g} {s.number(t.grads[i])}"
        if k < n:
            if not self.written(i):
                count = w.received_compact if s.compact else w.received
                return f"{g} ? ({count.format(k=k, n=n)})"
            parts = ["?"] * (n - k) + [s.number(u.contribution) for u in uses[n - k:]]
            return f"{g} " + " + ".join(parts[:1]) + "".join(
                f" + {p}" if p == "?" or not p.startswith("−") else f" − {p[1:]}"
                for p in parts[1:])
        total = s.number(t.grads[i])  # the engine's own number
        if n == 1:
            return f"{g} {total}"
        if self.written(i):
            return f"{g} {total} = {s.terms([u.contribution for u in uses])}"
        return f"{g} {total}" if s.compact else f"{g} {total} = {w.many.format(n=n)}"

    def written(self, i: int) -> bool:
        """Is node i's gradient written out as its sum (at most 4 terms, not too long)?"""
        uses = self.t.users[i]
        if self.s.compact or not 1 < len(uses) <= 4:
            return False
        return len(self.s.terms([u.contribution for u in uses])) <= MAX_SUM

    def grad_states(self, i: int) -> Iterator[str]:
        """Every text the grad cell of node i takes, in any view or frame."""
        n = len(self.t.users[i])
        yield self.grad(i)
        yield self.grad(i, 0)
        if not self.written(i):
            if n > 1:
                yield self.grad(i, n - 1)
        else:
            for k in range(1, n):
                yield self.grad(i, k)

    def forward_label(self, src: int, known: bool = True) -> str:
        return self.s.number(self.t.values[src].data) if known else ""

    def backward_label(self, use: Use, finished: bool = True) -> str:
        """``upstream × local = contribution`` (∂root/∂out × ∂out/∂in)."""
        if not finished:
            return "?"
        s = self.s
        upstream = self.t.grads[use.dst]
        return f"{s.number(upstream)} × {s.factor(use.local)} = {s.number(use.contribution)}"

    def group_backward_label(self, uses: list[Use], finished: bool = True) -> str:
        """What a collapsed neuron passes to one outside input: its contributions."""
        if not finished:
            return "?"
        return self.s.terms([u.contribution for u in uses])


# -- sizes: measured once, over every view and frame ---------------------------------

@dataclass
class Layout:
    """Fixed sizes shared by every view and frame of one scene and plan."""

    widths: dict[str, int] = field(default_factory=dict)
    labels: bool = True
    quiet: set[int] = field(default_factory=set)  # ops whose input edges carry no numbers
    notes: list[str] = field(default_factory=list)
    header_width: int = 0
    header_rows: int = 0
    stored_grad: bool = False

    def keep(self, key: str, width: int) -> None:
        if width > self.widths.get(key, 0):
            self.widths[key] = width


def measure(t: Scene, p: Plan, s: Style, *, edge_labels: bool | None = None,
            stored_grad: bool = False, title: str | None = None,
            header: list[list[str]] | None = None, notes: list[str] | None = None) -> Layout:
    """The size of every cell: the widest text it takes in any view or frame.

    ``header``: the lines above the graph in each view or frame (title,
    legend, notes, caption); the header box is as wide as the widest line and
    as tall as the most lines."""
    tx = Texts(t, p, s)
    w = tx.w
    lay = Layout(stored_grad=stored_grad)
    size, esize = s.fontsize, s.edge_fontsize
    uses = drawn_uses(t, p, tx.owner)
    if p.folded:  # an edge past a folded op stands for several: it has no one number
        lay.labels = False
    elif edge_labels is None:
        lay.labels = len(uses) <= MAX_LABELLED_EDGES
        if not lay.labels:
            lay.notes.append(w.no_labels.format(n=len(uses)))
    else:
        lay.labels = bool(edge_labels)
    fanin: list[str] = []
    for i, v in enumerate(t.values):
        if i in p.hidden or i in p.folded:
            continue
        g = tx.owner.get(i)
        if g is not None and i != g.output:
            continue
        name = f"g{i}" if g is not None else f"v{i}"
        if t.is_constant(i):
            lay.keep(f"{name}.const", fonts.cell_width(tx.name(i), size, padding=CELL_PAD + 2))
            continue
        bold = bool(v.label) or g is not None
        if g is not None and tx.ops_row(g):
            lay.keep(f"{name}.name", fonts.cell_width(tx.group_name(g), size, True, CELL_PAD))
            lay.keep(f"{name}.ops", fonts.cell_width(g.title, size, False, CELL_PAD))
        else:
            lay.keep(f"{name}.name", fonts.cell_width(tx.name(i, g), size, bold, CELL_PAD))
        for known in (True, False):
            lay.keep(f"{name}.data", fonts.cell_width(tx.data(i, known), size, padding=CELL_PAD))
        for text in tx.grad_states(i):  # bold in the frame that computes it
            lay.keep(f"{name}.grad", fonts.cell_width(text, size, True, CELL_PAD))
        if stored_grad:
            lay.keep(f"{name}.grad", fonts.cell_width(tx.stored(i), size, padding=CELL_PAD))
        if v.fn is not None and g is None:
            symbol = v.fn.label()
            lay.keep(f"op{i}", fonts.cell_width(symbol, size, padding=6))
            if len(t.inputs[i]) > MAX_FANIN_LABELS:
                lay.quiet.add(i)
                fanin.append(symbol)
    if fanin and lay.labels:
        ops = ", ".join(dict.fromkeys(fanin))
        lay.notes.append(w.fanin.format(n=" / ".join(sorted({str(len(t.inputs[i]))
                                                             for i in lay.quiet})),
                                        ops=ops, limit=MAX_FANIN_LABELS))
    if lay.labels:
        for key, use_list, head in uses:
            if head in lay.quiet:
                continue
            src = use_list[0].src
            lay.keep(f"e{key}", fonts.cell_width(tx.forward_label(src), esize, padding=EDGE_PAD))
            if head in tx.owner or len(use_list) > 1:
                texts = [tx.group_backward_label(use_list), "?"]
            else:
                texts = [tx.backward_label(use_list[0]), "?"] if not t.is_constant(src) else []
            for text in texts:  # bold in the frame that computes it
                lay.keep(f"b{key}", fonts.cell_width(text, esize, True, EDGE_PAD))
    if p.focus:  # a batch by its first sample
        lay.notes.insert(0, w.focus.format(n=len(p.groups), samples=tx.sample_name(2),
                                           full=p.full_count))
    elif p.collapsed:
        collapsed = w.collapsed_compact if s.compact else w.collapsed
        lay.notes.insert(0, collapsed.format(n=len(p.groups), full=p.full_count))
    lay.notes.extend(notes or [])
    if len(p.hidden) > p.focus:
        lay.notes.append(w.hidden.format(n=len(p.hidden), total=len(t.values),
                                         max_nodes=p.max_nodes))
    if p.hidden:
        lay.keep("hidden", fonts.cell_width(w.hidden_node.format(n=len(p.hidden)), size,
                                            padding=CELL_PAD + 4))
    for g in p.groups:
        if not p.collapsed:
            lay.keep(f"cluster_g{g.output}", fonts.cell_width(tx.group_title(g), esize,
                                                              padding=2))
    for k in range(0 if p.shared else 1, 0 if p.focus else p.n_samples + 1):
        lay.keep(f"cluster_s{k}", fonts.cell_width(tx.sample_name(k), esize, True, 2))
    for variant in header or [[]]:
        lines = header_lines(title, variant, lay.notes)
        lay.header_rows = max(lay.header_rows, len(lines))
        for k, line in enumerate(lines):
            bold = bool(title) and k == 0
            lay.header_width = max(lay.header_width, fonts.cell_width(
                line, esize if not bold else s.fontsize, bold, 2))
    return lay


def header_lines(title: str | None, header: list[str], notes: list[str]) -> list[str]:
    """The lines above the graph: the title, the legend or caption, the notes
    (each wrapped at ``MAX_NOTE`` characters)."""
    lines = ([title] if title else []) + header
    for note in notes:
        lines.extend(wrap(note, MAX_NOTE))
    return lines


def wrap(text: str, width: int) -> list[str]:
    """A caption as lines of at most ``width`` characters, broken after ``; `` or
    ``: `` where it can (a clause stays whole), else between words."""
    lines: list[str] = []
    for clause in (text.replace(" ; ", " ;\0").replace("; ", ";\0").replace(" : ", " :\0")
                   .replace(": ", ":\0").split("\0")):
        if lines and len(lines[-1]) + 1 + len(clause) <= width:
            lines[-1] += " " + clause
        else:
            lines.extend(textwrap.wrap(clause, width) or [""])
    return lines


def shows_labels(t: Scene, p: Plan, edge_labels: bool | None) -> bool:
    """Are there numbers on the edges (``edge_labels``; None: up to
    :data:`MAX_LABELLED_EDGES` edges; never past a fold)?"""
    if p.folded:
        return False
    if edge_labels is None:
        return len(drawn_uses(t, p, p.group_of() if p.collapsed else {})) <= MAX_LABELLED_EDGES
    return bool(edge_labels)


def drawn_uses(t: Scene, p: Plan, owner: dict[int, Group]
               ) -> list[tuple[str, list[Use], int]]:
    """The edges into ops or boxes that are drawn: ``(key, uses, head)``; a use into an
    op is ``"{op}_{pos}"``, the uses of one outside input by a collapsed neuron
    are one edge ``"{box}_{k}"``."""
    out: list[tuple[str, list[Use], int]] = []
    for i, v in enumerate(t.values):
        if v.fn is None or i in p.hidden or i in p.folded:
            continue
        g = owner.get(i)
        if g is None:
            out.extend((f"{i}_{u.pos}", [u], i) for u in t.inputs[i]
                       if u.src not in p.hidden and p.folded.get(u.src, 0) is not None)
            continue
        if i != g.output:
            continue
        for k, (src, us) in enumerate(outside_uses(t, g)):
            if src not in p.hidden:
                out.append((f"{i}_{k}", us, i))
    return out


def outside_uses(t: Scene, g: Group) -> list[tuple[int, list[Use]]]:
    """The inputs a collapsed group takes from outside it, by source, each with
    its uses in (member, position) order: one drawn edge per source."""
    members = set(g.members)
    outside: dict[int, list[Use]] = {}
    for m in g.members:
        for u in t.inputs[m]:
            if u.src not in members:
                outside.setdefault(u.src, []).append(u)
    return [(src, sorted(us, key=lambda u: (u.dst, u.pos))) for src, us in sorted(outside.items())]


# -- writing one view or frame -------------------------------------------------------

class DotWriter:
    """Writes the DOT text of one view (or one frame) of a scene."""

    def __init__(self, t: Scene, p: Plan, style: Style, direction: str,
                 moment: Moment | None = None, layout: Layout | None = None,
                 title: str | None = None, header: list[str] | None = None,
                 stored_grad: bool = False, size: tuple[float, float] | None = None) -> None:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(map(repr, DIRECTIONS))}, "
                             f"got {direction!r}")
        self.t, self.p, self.s = t, p, style
        self.direction = direction
        self.moment = moment
        self.tx = Texts(t, p, style)
        self.lay = layout or measure(t, p, style, title=title, header=[header or []],
                                     stored_grad=stored_grad)
        self.title = title
        self.header = header or []
        self.stored_grad = stored_grad
        self.size = size
        self.owner = self.tx.owner
        # a batch's shared parameters, and each sample's inputs, drawn as one
        # table each (see _table): node -> its table's DOT id
        self.in_table: dict[int, str] = {}
        columns: dict[str, list[int]] = {"shared": p.shared}
        for i, k in sorted(p.samples.items()):
            if k and t.values[i].fn is None and not t.is_constant(i):
                columns.setdefault(f"inputs{k}", []).append(i)
        for table, column in columns.items():
            drawn = [x for x in column
                     if x not in p.hidden and x not in self.owner and x not in p.folded]
            if len(drawn) > 1:
                self.in_table.update((x, table) for x in drawn)
        self.step_of = t.step_of()
        n_ops = len(t.steps)
        self.forward_done: set[int] = set()
        self.active: int | None = None
        if moment is None:
            self.done = n_ops
        elif moment.pass_ == "forward":
            self.done = 0  # no backward step
            order = t.forward_steps
            self.forward_done = set(order[:moment.done])
            if moment.active and moment.done > 0:
                self.active = order[moment.done - 1]
        else:
            self.done = moment.done
            if moment.active and moment.done > 0:
                self.active = t.steps[moment.done - 1]

    @property
    def _port(self) -> str:
        """Edges leave a value on the side that faces its users."""
        return {"LR": ", tailport=e", "TB": ", tailport=s", "RL": ", tailport=w",
                "BT": ", tailport=n"}[self.s.rankdir]

    @property
    def notes(self) -> list[str]:
        return self.lay.notes

    # -- what is known at this moment -------------------------------------------
    @property
    def _forward_frame(self) -> bool:
        return self.moment is not None and self.moment.pass_ == "forward"

    def _shows_grads(self) -> bool:
        return self.direction != "forward" and not self._forward_frame

    def _known(self, i: int) -> bool:
        """Is node i's value known (a forward frame computes them one by one)?"""
        if not self._forward_frame or self.t.values[i].fn is None:
            return True
        return i in self.forward_done

    def _finished(self, use: Use) -> bool:
        return self.step_of[use.dst] < self.done

    def _received(self, i: int) -> int:
        """How many uses of node i have sent their contribution (the last ones)."""
        return sum(1 for u in self.t.users[i] if self._finished(u))

    def _state(self, i: int) -> str:
        """A value's state in a frame: ``receiving`` (computed, or given its
        contribution, by the active op), ``done``, ``pending`` (not known yet), or
        ``""`` outside a step-through."""
        t = self.t
        if self.moment is None:
            return ""
        if self._forward_frame:
            if t.values[i].fn is None:
                return ""
            if i == self.active:
                return "receiving"
            return "done" if i in self.forward_done else "pending"
        if i != t.root and self.active is not None and any(
                u.dst == self.active for u in t.users[i]):
            return "receiving"
        if i == t.root or (t.users[i] and all(self._finished(u) for u in t.users[i])):
            return "done"
        return "pending"

    def _op_state(self, i: int) -> str:
        if self.moment is None:
            return ""
        if i == self.active:
            return "active"
        if self._forward_frame:
            return "done" if i in self.forward_done else "pending"
        return "done" if self.step_of[i] < self.done else "pending"

    # -- pieces -------------------------------------------------------------------
    def _text(self, text: str, *, color: str | None = None, bold: bool = False) -> str:
        body = esc(text) or " "
        if bold:
            face = _BOLD_FACES.get(self.s.fontname)
            body = f'<font face="{face}">{body}</font>' if face else f"<b>{body}</b>"
        if color:
            body = f'<font color="{color}">{body}</font>'
        return body

    def _cell(self, key: str, text: str, *, size: float, padding: int, color: str | None = None,
              bold: bool = False, align: str = "left", width: int | None = None) -> str:
        width = width or self.lay.widths.get(key) or fonts.cell_width(text, size, bold, padding)
        return (f'<td align="{align}" width="{width}" height="{cell_height(size, padding)}" '
                f'fixedsize="true">{self._text(text, color=color, bold=bold)}</td>')

    def _value_node(self, i: int, name: str, group: Group | None = None) -> str:
        s, t, tx = self.s, self.t, self.tx
        v = t.values[i]
        state = self._state(i)
        size = s.fontsize
        if t.is_constant(i) and group is None:
            return self._constant_node(i, name)
        fill = {"receiving": s.active_fill, "done": s.done_fill}.get(
            state, s.leaf_fill if v.fn is None else s.value_fill)
        column = s.cells == "column"
        keys = [f"{name}.name", f"{name}.data", f"{name}.grad"]
        ops_row = group is not None and tx.ops_row(group)
        if ops_row:
            keys.insert(1, f"{name}.ops")
        width = max(self.lay.widths.get(k, 0) for k in keys) if column else None  # one column
        if ops_row:
            assert group is not None
            cells = [self._cell(keys[0], tx.group_name(group), size=size, padding=CELL_PAD,
                                bold=True, width=width),
                     self._cell(keys[1], group.title, size=size, padding=CELL_PAD, width=width)]
        else:
            cells = [self._cell(keys[0], tx.name(i, group), size=size, padding=CELL_PAD,
                                bold=bool(v.label) or group is not None,
                                color=s.text_color if v.label or group else s.name_color,
                                width=width)]
        cells += self._number_cells(i, name, state, width, width)
        rows = "".join(f"<tr>{c}</tr>" for c in cells) if column else f'<tr>{"".join(cells)}</tr>'
        table = (f'<table border="0" cellborder="1" cellspacing="0" cellpadding="{CELL_PAD}" '
                 f'color="{s.border_color}">{rows}</table>')
        kind = "group" if group is not None else ("value leaf" if v.fn is None else "value")
        classes = " ".join(c for c in (kind, state) if c)
        line = {"receiving": ', penwidth=3, style="filled,bold"',
                "pending": ', penwidth=1.5, style="filled,dashed"',
                "done": ', penwidth=1.5, style="filled"'}.get(state, ', penwidth=1, style="filled"')
        tooltip = v.label or ("input" if v.fn is None else v.op)
        order = (', ordering="in"' if group is not None
                 or (s.compact and len(t.inputs[i]) > 1) else "")  # compact: it is its op
        return (f'  {name} [id={quote(name)}, class={quote(classes)}, shape=box, margin=0, '
                f'width=0, height=0{order}, '
                f'fillcolor="{fill}", color="{s.border_color}"{line}, '
                f'tooltip={quote(tooltip)}, label=<{table}>];')

    def _number_cells(self, i: int, name: str, state: str, data_width: int | None = None,
                      grad_width: int | None = None) -> list[str]:
        """The data and grad cells of node i (grad empty in a forward view, so
        every view has the same geometry), of the widths given if any."""
        s, tx, size = self.s, self.tx, self.s.fontsize
        known = self._known(i)
        text_color = s.pending_color if state == "pending" else s.text_color
        cells = [self._cell(f"{name}.data", tx.data(i, known), size=size, padding=CELL_PAD,
                            color=text_color if not known else None, width=data_width)]
        if self._shows_grads():
            received = None if self.moment is None else self._received(i)
            grad_text = tx.grad(i, received)
            pending = "?" in grad_text
            cells.append(self._cell(f"{name}.grad", grad_text, size=size, padding=CELL_PAD,
                                    color=s.pending_color if pending else s.grad_color,
                                    bold=state == "receiving", width=grad_width))
        elif self.stored_grad:
            cells.append(self._cell(f"{name}.grad", tx.stored(i), size=size, padding=CELL_PAD,
                                    color=s.grad_color, width=grad_width))
        else:
            cells.append(self._cell(f"{name}.grad", "", size=size, padding=CELL_PAD,
                                    width=grad_width))
        return cells

    def _table(self, table: str) -> str:
        """The parameters a batch's samples share, or one sample's inputs, as one
        table in creation (argument) order: Graphviz keeps a table's order, not
        always a column of nodes'. The values follow one another down (left to
        right drawings) or across (top down), each as its node would be (its
        cells in a row or a column); the value's cell that faces its users is
        the port its edges leave from; its cells take the colour of its state in
        a step-through."""
        s, tx, lay = self.s, self.tx, self.lay
        column = sorted(x for x, name in self.in_table.items() if name == table)
        down = s.rankdir in ("LR", "RL")  # the values one under the other
        in_row = s.cells == "row"  # each value's cells side by side
        kinds = ("name", "data", "grad")
        widths = {k: max(lay.widths.get(f"v{x}.{k}", 0) for x in column) for k in kinds}
        if not in_row:  # a value's cells one under the other: one width
            widths = dict.fromkeys(kinds, max(widths.values()))
        # the cell that faces the users: across a row, its end; down a column, the middle
        facing = (-1 if s.rankdir in ("LR", "TB") else 0) if in_row == down else 1
        values: list[list[str]] = []
        for x in column:
            state = self._state(x)
            fill = {"receiving": s.active_fill, "done": s.done_fill}.get(state, s.leaf_fill)
            cells = [self._cell(f"v{x}.name", tx.name(x), size=s.fontsize, padding=CELL_PAD,
                                bold=True, width=widths["name"])]
            cells += self._number_cells(x, f"v{x}", state, widths["data"], widths["grad"])
            cells[facing] = cells[facing].replace("<td ", f'<td port="p{x}" ', 1)
            values.append([c.replace("<td ", f'<td bgcolor="{fill}" ', 1) for c in cells])
        if in_row and down:  # a row per value
            rows = ["".join(cells) for cells in values]
        elif in_row:  # one row of all the values
            rows = ["".join(c for cells in values for c in cells)]
        elif down:  # a row per cell
            rows = [c for cells in values for c in cells]
        else:  # a column per value
            rows = ["".join(cells[k] for cells in values) for k in range(3)]
        html_table = (f'<table border="0" cellborder="1" cellspacing="0" '
                      f'cellpadding="{CELL_PAD}" color="{s.border_color}">'
                      + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>")
        kind = "shared" if table == "shared" else "inputs"
        tooltip = tx.w.shared if kind == "shared" else "inputs"
        return (f'  {table} [id="{table}", class="value leaf {kind}", shape=plain, '
                f'tooltip={quote(tooltip)}, label=<{html_table}>];')

    def _constant_node(self, i: int, name: str) -> str:
        s = self.s
        width = self.lay.widths.get(f"{name}.const") or fonts.cell_width(
            self.tx.name(i), s.fontsize, padding=CELL_PAD + 2)
        height = cell_height(s.fontsize, CELL_PAD)
        return (f'  {name} [id={quote(name)}, class="value constant", shape=box, '
                f'style="rounded", color="{s.cluster_color}", fontcolor="{s.text_color}", '
                f'fixedsize=true, width={width / 72:.4f}, height={height / 72:.4f}, '
                f'tooltip="constant", label={quote(self.tx.name(i))}];')

    def _op_node(self, i: int) -> str:
        s, op = self.s, self.t.values[i].fn
        assert op is not None
        symbol = op.label()
        state = self._op_state(i)
        fill = {"active": s.active_fill, "done": s.done_fill}.get(state, s.op_fill)
        pen, dash = {"active": (3.0, ",bold"), "pending": (1.5, ",dashed")}.get(state, (1.0, ""))
        width = self.lay.widths.get(f"op{i}") or fonts.cell_width(symbol, s.fontsize, padding=6)
        circle = len(symbol) <= 2
        shape = "circle" if circle else "box"
        if circle:
            w = h = max(width, 30) / 72
        else:
            w, h = max(width, 30) / 72, cell_height(s.fontsize, CELL_PAD) / 72
        style = ("filled" if circle else "rounded,filled") + dash
        classes = " ".join(c for c in ("op", state) if c)
        order = ', ordering="in"' if len(self.t.inputs[i]) > 1 else ""
        return (f'  op{i} [id="op{i}", class={quote(classes)}, shape={shape}, '
                f'style={quote(style)}, fillcolor="{fill}", penwidth={pen:g}, fixedsize=true, '
                f'width={w:.4f}, height={h:.4f}{order}, '
                f'tooltip={quote(op.name)}, label={quote(symbol)}];')

    def _edge_label(self, key: str, text: str, color: str | None, bold: bool = False) -> str:
        size = self.s.edge_fontsize
        cell = self._cell(key, text, size=size, padding=EDGE_PAD, color=color, bold=bold)
        return (f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="{EDGE_PAD}">'
                f'<tr>{cell}</tr></table>>')

    def _use_edges(self, tail: str, head: str, key: str, uses: list[Use], head_node: int,
                   group: bool) -> list[str]:
        """The forward and the backward edge of one use (or of one input of a
        collapsed neuron). The one this view does not show is laid out but
        hidden, its label empty (the same size: the same layout)."""
        s, t, tx = self.s, self.t, self.tx
        src = uses[0].src
        labelled = self.lay.labels and head_node not in self.lay.quiet
        if group:
            g = self.owner[head_node]
            finished = max(self.step_of[m] for m in g.members if t.values[m].fn) < self.done
            active = self.active in g.members
        else:
            finished = self._finished(uses[0])
            active = head_node == self.active
        port = "" if ":" in tail else self._port  # a table's port names its side
        forward = self._forward_frame
        if not labelled:
            return [self._bare_edge(tail, head, key, src, finished, active)]
        # forward: the value of the input, on its wire
        show = self.direction in ("forward", "both") or forward
        known = self._known(src)
        label = ""
        if labelled:
            text = tx.forward_label(src, known) if show else ""
            label = ", label=" + self._edge_label(f"e{key}", text, s.forward_color)
        style = ("dotted" if forward and not known else "solid") if show else "invis"
        pen = 2.5 if active and forward else 1.2
        color = s.forward_color if known else s.pending_color
        out = [f'  {tail} -> {head} [id="e{key}", class="forward", color="{color}", '
               f'style={style}, penwidth={pen:g}{port}{label}];']
        # backward: upstream × local = contribution (a collapsed neuron: its contributions)
        show = self.direction in ("backward", "both") and not forward
        in_frame = self.moment is not None and not forward
        done = finished or not in_frame
        label = ""
        if labelled and (group or not t.is_constant(src)):
            text = ""
            if show:
                text = (tx.group_backward_label(uses, done) if group
                        else tx.backward_label(uses[0], done))
            color = s.grad_color if done else s.pending_color
            label = ", label=" + self._edge_label(f"b{key}", text, color, bold=active and in_frame)
        if not show:
            style = "invis"
        elif not done:
            style = "dotted"
        else:
            style = "dashed" if self.direction == "both" else "solid"
        color = s.grad_color if done else s.pending_color
        pen = 2.5 if active and in_frame else 1.2
        cls = "backward active" if active and in_frame else "backward"
        arrow = "back"
        if not group and t.is_constant(src):  # an operand that receives no gradient
            color, arrow, cls, pen = s.pending_color, "none", cls + " constant", 1.0
        out.append(f'  {tail} -> {head} [id="b{key}", class="{cls}", dir={arrow}, '
                   f'color="{color}", style={style}, penwidth={pen:g}{port}{label}];')
        return out

    def _bare_edge(self, tail: str, head: str, key: str, src: int, finished: bool,
                   active: bool) -> str:
        """One use without numbers: one edge in every view (the same layout),
        forward, backward, or both directions in two colours side by side."""
        s = self.s
        forward = self._forward_frame
        in_frame = self.moment is not None
        if forward or self.direction == "forward":
            known = self._known(src)
            color = s.forward_color if known else s.pending_color
            arrow, cls, style = "forward", "forward", "solid" if known else "dotted"
        else:
            done = finished or not in_frame
            color = s.grad_color if done else s.pending_color
            arrow, cls, style = "back", "backward", "solid" if done else "dotted"
            if self.direction == "both":
                color, arrow, cls = f"{s.forward_color}:{s.grad_color}", "both", \
                    "forward backward"
            if self.t.is_constant(src) and src not in self.owner:  # receives no gradient
                color, arrow, cls = s.pending_color, "none", cls + " constant"
        pen = 2.5 if active and in_frame else 1.2
        return (f'  {tail} -> {head} [id="e{key}", class="{cls}", dir={arrow}, '
                f'color="{color}", style={style}, penwidth={pen:g}];')

    # -- the whole graph ----------------------------------------------------------
    def source(self) -> str:
        """The DOT text."""
        t, p, s = self.t, self.p, self.s
        edges = self._edges()
        big = count_drawn(t, p) > BIG_GRAPH
        graph = [f"rankdir={s.rankdir}", f'bgcolor="{s.background}"',
                 f"fontname={quote(s.fontname)}", f"fontsize={s.edge_fontsize:g}",
                 f"nodesep={s.nodesep:g}", f"ranksep={s.ranksep:g}",
                 "labelloc=t", "labeljust=l", f'fontcolor="{s.text_color}"']
        if big:
            graph.append("nslimit=2, nslimit1=2")
        if self.size is not None:
            graph.append(f'size="{self.size[0]:g},{self.size[1]:g}"')
        header = self._header()
        if header:
            graph.append(f"label={header}")
        lines = [
            "digraph chainrule {",
            f"  graph [{', '.join(graph)}];",
            f'  node [fontname={quote(s.fontname)}, fontsize={s.fontsize:g}, '
            f'fontcolor="{s.text_color}", color="{s.border_color}"];',
            f'  edge [fontname={quote(s.fontname)}, fontsize={s.edge_fontsize:g}, arrowsize=0.7];',
        ]
        in_cluster = {m: g for g in p.groups for m in g.members} if not p.collapsed else {}
        blocks: dict[int, list[str]] = {g.output: [] for g in p.groups}  # per neuron
        samples: dict[int, list[str]] = {k: [] for k in range(0, p.n_samples + 1)}
        shared = set(p.shared)
        for i, v in enumerate(t.values):
            if i in p.hidden or i in p.folded:
                continue
            if i in self.owner:
                g = self.owner[i]
                if i == g.output:
                    blocks[i].append(self._value_node(i, f"g{i}", group=g))
                continue
            if i in self.in_table:
                continue
            k = 0 if i in shared else p.samples.get(i)
            target = (blocks[in_cluster[i].output] if i in in_cluster
                      else samples[k] if k is not None else lines)
            target.append(self._value_node(i, f"v{i}"))
            if v.fn is not None and not s.compact:  # compact: the value's name says its op
                target.append(self._op_node(i))
        for table in dict.fromkeys(self.in_table.values()):
            k = 0 if table == "shared" else int(table.removeprefix("inputs"))
            (lines if p.focus and k else samples[k]).append(self._table(table))
        layers: dict[int, list[str]] = {}
        for g in p.groups:
            block = blocks[g.output]
            if not p.collapsed:
                label = self._cluster_label(f"cluster_g{g.output}", self.tx.group_title(g))
                block = ([f"  subgraph cluster_g{g.output} {{",
                          f'    graph [label={label}, style="rounded,dashed", '
                          f'color="{s.cluster_color}"];']
                         + ["  " + line for line in block] + ["  }"])
            if g.sample:
                samples[g.sample].extend("  " + line for line in block)
            elif p.layers:
                layers.setdefault(g.layer, []).extend("  " + line for line in block)
            else:
                lines.extend(block)
        for layer, block in sorted(layers.items()):
            count = sum(1 for g in p.groups if g.layer == layer)
            w = self.tx.w
            name = f"{w.layer} {layer} ({count} {w.neuron}{'s' if count > 1 else ''})"
            lines.append(f"  subgraph cluster_layer{layer} {{")
            lines.append(f"    graph [label={quote(name)}, style=\"rounded\", "
                         f'color="{s.cluster_color}", fontcolor="{s.cluster_color}"];')
            lines.extend(block)
            lines.append("  }")
        for k, block in samples.items():
            if not block:
                continue
            if p.focus and k:  # a batch by sample 1: no boxes, the others' results
                lines.extend(block)  # (named by their sample) beside its result
                continue
            name = self.tx.sample_name(k)
            lines.append(f"  subgraph cluster_s{k} {{")
            lines.append(f"    graph [label={self._cluster_label(f'cluster_s{k}', name, True)}, "
                         f'style="rounded", color="{s.cluster_color}", penwidth=1.5];')
            lines.extend(block)
            lines.append("  }")
        if p.hidden:
            text = self.tx.w.hidden_node.format(n=len(p.hidden))
            width = self.lay.widths.get("hidden", 100)
            lines.append(f'  hidden [id="hidden", class="hidden", shape=note, style=dashed, '
                         f'color="{s.pending_color}", fontcolor="{s.pending_color}", '
                         f'fixedsize=true, width={width / 72:.4f}, '
                         f'height={cell_height(s.fontsize, CELL_PAD) / 72:.4f}, '
                         f'label={quote(text)}];')
        lines.extend(edges)
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _cluster_label(self, key: str, text: str, bold: bool = False) -> str:
        s = self.s
        size = s.edge_fontsize
        width = self.lay.widths.get(key) or fonts.cell_width(text, size, bold, 2)
        body = self._text(text, color=s.cluster_color, bold=bold)
        return (f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr>'
                f'<td align="left" width="{width}" height="{cell_height(size, 2)}" '
                f'fixedsize="true">{body}</td></tr></table>>')

    def _header(self) -> str:
        """Title, legend or caption, notes: one left-aligned line each, in a box of
        the same size in every view and frame."""
        s, lay = self.s, self.lay
        lines = header_lines(self.title, self.header, lay.notes)
        if not lines or lay.header_rows == 0:
            return ""
        rows = []
        for k in range(lay.header_rows):
            text = lines[k] if k < len(lines) else ""
            bold = bool(self.title) and k == 0
            size = s.fontsize if bold else s.edge_fontsize
            rows.append(f'<tr><td align="left" width="{lay.header_width}" '
                        f'height="{cell_height(size, 2)}" fixedsize="true">'
                        f"{self._text(text, bold=bold)}</td></tr>")
        return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="2">'
                + "".join(rows) + "</table>>")

    def _name(self, i: int) -> str:
        """The DOT end of an edge from node i (a shared parameter: its table port)."""
        g = self.owner.get(i)
        if g is not None:
            return f"g{g.output}"
        if i in self.in_table:
            side = {"LR": "e", "TB": "s", "RL": "w", "BT": "n"}[self.s.rankdir]
            return f"{self.in_table[i]}:p{i}:{side}"
        return f"v{i}"

    def _edges(self) -> list[str]:
        t, p, s = self.t, self.p, self.s
        out: list[str] = []
        hidden_heads: dict[str, None] = {}
        for i, v in enumerate(t.values):
            if v.fn is None or i in p.hidden or i in p.folded:
                continue
            g = self.owner.get(i)
            if g is None:
                head = f"v{i}" if s.compact else f"op{i}"
                for u in t.inputs[i]:
                    if u.src in p.hidden:
                        hidden_heads[head] = None
                        continue
                    if u.src in p.folded:  # from where the folded chain starts
                        start = p.folded[u.src]
                        if start is None:
                            continue
                        u = u._replace(src=start)
                    out.extend(self._use_edges(self._name(u.src), head, f"{i}_{u.pos}",
                                               [u], i, False))
                if not s.compact:
                    out.append(self._result_edge(i))
                continue
            if i != g.output:
                continue
            for k, (src, uses) in enumerate(outside_uses(t, g)):
                if src in p.hidden:
                    hidden_heads[f"g{i}"] = None
                    continue
                out.extend(self._use_edges(self._name(src), f"g{i}", f"{i}_{k}", uses, i, True))
        for k, head in enumerate(hidden_heads):
            out.append(f'  hidden -> {head} [id="h{k}", class="hidden", style=dotted, '
                       f'color="{s.pending_color}"];')
        return out

    def _result_edge(self, i: int) -> str:
        s = self.s
        active = i == self.active
        pen = 2.5 if active else 1.0
        if self.direction == "forward" or self._forward_frame:
            known = self._known(i)
            color = s.forward_color if known else s.pending_color
            style = "solid" if known else "dotted"
            arrow = "forward"
        else:
            in_frame = self.moment is not None
            finished = not in_frame or self.step_of[i] < self.done or active
            color = s.grad_color if finished else s.pending_color
            style = "solid" if finished else "dotted"
            arrow = "back" if self.direction == "backward" else "both"
        return (f'  op{i} -> v{i} [id="r{i}", class="result", dir={arrow}, '
                f'color="{color}", style={style}, penwidth={pen:g}];')
