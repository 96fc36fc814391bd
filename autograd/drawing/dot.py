"""DOT text for a drawn graph: forward, backward or both, and step-through frames.

Layout, left to right: each value is a small table (label, data, grad), each
op a small separate node with the op table's symbol (``Op.label()``), one edge
per use of an input. Node names come from the topological position (``v3``,
``op3``), never from ``id()``, so the same expression built the same way gives
byte-identical text.

Backward edges keep their forward tail and head and are drawn with
``dir=back``: Graphviz then lays the graph out exactly as the forward view, and
the arrows point from the output towards the inputs.

Step-through frames pass a :class:`Progress` (how many backprop steps are
done) and fixed cell widths, so that every frame has the same geometry and the
nodes stay where they are while the numbers appear.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from .graph import Group, Plan, Scene, Use, count_drawn
from .style import Style

DIRECTIONS = ("forward", "backward", "both")
#: Past this many edges, ``edge_labels=None`` (auto) draws edges without numbers.
MAX_LABELLED_EDGES = 120
#: Past this many nodes, Graphviz's network simplex passes are capped: long edges
#: across many ranks (a value used all along a chain) otherwise take minutes to lay out.
BIG_GRAPH = 150


@dataclass(frozen=True)
class Progress:
    """A moment of backprop: ``done`` steps finished; the last one is ``active``."""

    done: int
    active: bool = True


def quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def esc(text: str) -> str:
    """Text safe inside an HTML-like label: ``< > & "`` escaped, and ``\\``
    doubled, since Graphviz expands ``\\N``, ``\\G`` ... even there."""
    return html.escape(text, quote=True).replace("\\", "\\\\")


def text_width(text: str, size: float, bold: bool = False) -> int:
    """A generous estimate of the width of ``text`` in points (Helvetica-like)."""
    em = 0.0
    for ch in text:
        em += 0.3 if ch in " .,:;|il1" else (0.9 if ch in "mwMW∂Σ" else 0.62)
    return math.ceil(em * size * (1.1 if bold else 1.0)) + 10


class DotWriter:
    """Writes the DOT text of one view of a scene."""

    def __init__(self, t: Scene, p: Plan, style: Style, direction: str,
                 progress: Progress | None = None, widths: dict[str, int] | None = None,
                 title: str | None = None, edge_labels: bool | None = None) -> None:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(map(repr, DIRECTIONS))}, "
                             f"got {direction!r}")
        self.t, self.p, self.s = t, p, style
        self.direction = direction
        self.progress = progress
        self.widths = widths
        self.measured: dict[str, int] = {}
        self.title = title
        self.edge_labels = edge_labels
        self._labels = edge_labels is not False
        self.notes: list[str] = list(p.notes)
        self.step_of = t.step_of()
        self.owner: dict[int, Group] = p.group_of() if p.collapsed else {}
        self.done = len(t.steps) if progress is None else progress.done
        self.active = (t.steps[self.done - 1] if progress is not None and progress.active
                       and self.done > 0 else None)

    # -- what is known at this moment -------------------------------------------
    def _finished(self, use: Use) -> bool:
        return self.step_of[use.dst] < self.done

    def _received(self, i: int) -> list[Use]:
        return [u for u in self.t.users[i] if self._finished(u)]

    def _complete(self, i: int) -> bool:
        return i == self.t.root or all(self._finished(u) for u in self.t.users[i])

    def grad_text(self, i: int) -> str:
        """``grad ?``, ``grad 4 + ?`` (partial), ``grad 8 = 4 + 4`` (a sum of uses)."""
        num = self.s.number
        if i == self.t.root:
            return f"grad {num(1.0)}"
        parts = [u.contribution for u in self._received(i)]
        if not parts:
            return "grad ?"
        total = 0.0  # the running sum as backward adds it (same order)
        for c in parts:
            total += c
        if not self._complete(i):
            shown = " + ".join(map(num, parts)) if len(parts) <= 3 else num(total)
            return f"grad {shown} + ?"
        total = self.t.grads[i]  # complete: the engine's own number (equal by the order)
        if len(parts) == 1 or self.direction == "forward":
            return f"grad {num(total)}"
        if len(parts) <= 4:
            return f"grad {num(total)} = {' + '.join(map(num, parts))}"
        return f"grad {num(total)} = Σ of {len(parts)}"

    # -- pieces -------------------------------------------------------------------
    def _cell(self, key: str, text: str, *, color: str | None = None, bold: bool = False,
              size: float | None = None, align: str = "center", padding: int = 4) -> str:
        size = size or self.s.fontsize
        self.measured[key] = text_width(text, size, bold)
        body = esc(text)
        if not body:
            body = " "
        if bold:
            body = f"<b>{body}</b>"
        if color:
            body = f'<font color="{color}">{body}</font>'
        fixed = ""
        if self.widths is not None and key in self.widths:
            fixed = (f' width="{self.widths[key]}" height="{math.ceil(size * 1.3) + 2 * padding}"'
                     f' fixedsize="true"')
        return f'<td align="{align}"{fixed}>{body}</td>'

    def _node_state(self, i: int) -> str:
        """``receiving`` (gets a contribution now), ``done`` (gradient final), ``pending``,
        or ``""`` outside a step-through."""
        if self.progress is None:
            return ""
        if self.active is not None and any(u.dst == self.active and self._finished(u)
                                           for u in self.t.users[i]):
            return "receiving"
        if self._complete(i) and (i == self.t.root or self._received(i)):
            return "done"
        return "pending"

    def _value_node(self, i: int, name: str, title: str | None = None) -> str:
        s, v = self.s, self.t.values[i]
        state = self._node_state(i)
        fill = {"receiving": s.active_fill, "done": s.done_fill}.get(
            state, s.leaf_fill if v.fn is None and title is None else s.value_fill)
        grad_color = s.pending_color if state == "pending" else s.grad_color
        cells = []
        label = title if title is not None else v.label
        if label:
            cells.append(self._cell(f"{name}.name", label, bold=True))
        cells.append(self._cell(f"{name}.data", f"data {s.number(v.data)}"))
        cells.append(self._cell(f"{name}.grad", self.grad_text(i), color=grad_color,
                                bold=state == "receiving"))
        table = (f'<table border="0" cellborder="1" cellspacing="0" cellpadding="4" '
                 f'bgcolor="{fill}" color="{s.border_color}"><tr>{"".join(cells)}</tr></table>')
        kind = "group" if title is not None else ("value leaf" if v.fn is None else "value")
        classes = " ".join(c for c in (kind, state) if c)
        tooltip = v.label or ("input" if v.fn is None else v.op)
        return (f'  {name} [id={quote(name)}, class={quote(classes)}, shape=plain, '
                f'tooltip={quote(tooltip)}, label=<{table}>];')

    def _op_node(self, i: int) -> str:
        s, op = self.s, self.t.values[i].fn
        assert op is not None
        symbol = op.label()
        state = ""
        fill, pen = s.op_fill, 1.0
        if self.progress is not None:
            if i == self.active:
                state, fill, pen = "active", s.active_fill, 3.0
            elif self.step_of[i] < self.done:
                state, fill = "done", s.done_fill
            else:
                state = "pending"
        shape = "circle" if len(symbol) <= 2 else "box"
        style = "filled" if shape == "circle" else "rounded,filled"
        classes = " ".join(c for c in ("op", state) if c)
        return (f'  op{i} [id="op{i}", class={quote(classes)}, shape={shape}, '
                f'style={quote(style)}, fillcolor="{fill}", penwidth={pen:g}, '
                f'margin="0.04,0.02", width=0.4, height=0.4, '
                f'tooltip={quote(op.name)}, label={quote(symbol)}];')

    def _edge_label(self, key: str, rows: list[tuple[str, str | None, bool]]) -> str:
        size = self.s.edge_fontsize
        cells = "".join(
            "<tr>" + self._cell(f"{key}.{k}", text, color=color, bold=bold, size=size,
                                padding=1) + "</tr>"
            for k, (text, color, bold) in enumerate(rows))
        return f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{cells}</table>>'

    def _backward_rows(self, local: float | None, contribution: float | None,
                       finished: bool, active: bool) -> list[tuple[str, str | None, bool]]:
        s = self.s
        rows: list[tuple[str, str | None, bool]] = []
        if local is not None:
            rows.append((f"local {s.number(local)}", s.text_color, False))
        shown = s.number(contribution) if finished and contribution is not None else "?"
        rows.append((f"+= {shown}", s.grad_color if finished else s.pending_color, active))
        return rows

    def _use_edges(self, tail: str, head: str, eid: str, value: float, local: float | None,
                   contribution: float, finished: bool, active: bool) -> list[str]:
        s = self.s
        out = []
        if self.direction in ("forward", "both"):
            rows: list[tuple[str, str | None, bool]] = [(s.number(value), s.forward_color,
                                                         False)]
            if self.widths is not None and self.direction == "forward" and local is not None:
                rows.append(("", None, False))  # as tall as the backward label: same layout
            label = ", label=" + self._edge_label(eid, rows) if self._labels else ""
            out.append(f'  {tail} -> {head} [id="{eid}", class="forward", '
                       f'color="{s.forward_color}"{label}];')
        if self.direction in ("backward", "both"):
            bid = eid if self.direction == "backward" else "b" + eid[1:]
            color = s.grad_color if finished or self.progress is None else s.pending_color
            dash = "dashed" if self.direction == "both" else "solid"
            pen = 2.5 if active else 1.2
            label = (", label=" + self._edge_label(
                bid, self._backward_rows(local, contribution, finished, active))
                if self._labels else "")
            cls = "backward active" if active else "backward"
            out.append(f'  {tail} -> {head} [id="{bid}", class="{cls}", dir=back, '
                       f'color="{color}", style={dash}, penwidth={pen:g}{label}];')
        return out

    # -- the whole graph ----------------------------------------------------------
    def source(self) -> str:
        """The DOT text; with ``edge_labels=None`` edges lose their labels past
        :data:`MAX_LABELLED_EDGES` (numbers on hundreds of edges help nobody)."""
        edges = self._edges()
        if self.edge_labels is None and len(edges) > MAX_LABELLED_EDGES:
            self._labels = False
            self.notes.append(f"edge labels left out ({len(edges)} edges; "
                              f"draw(..., edge_labels=True) shows them)")
            edges = self._edges()
        t, p, s = self.t, self.p, self.s
        lines = [
            "digraph chainrule {",
            f'  graph [rankdir={s.rankdir}, bgcolor="{s.background}", '
            f'fontname={quote(s.fontname)}, '
            f'fontsize={s.edge_fontsize:g}, nodesep={s.nodesep:g}, ranksep={s.ranksep:g}, '
            f'labelloc=t, labeljust=l, fontcolor="{s.text_color}"'
            + (", nslimit=2, nslimit1=2" if count_drawn(t, p) > BIG_GRAPH else "")
            + (f", label={self._graph_label()}" if self._graph_label() else "") + "];",
            f'  node [fontname={quote(s.fontname)}, fontsize={s.fontsize:g}, '
            f'fontcolor="{s.text_color}", color="{s.border_color}"];',
            f'  edge [fontname={quote(s.fontname)}, fontsize={s.edge_fontsize:g}, arrowsize=0.7];',
        ]
        in_cluster = {m: g for g in p.groups for m in g.members} if not p.collapsed else {}
        blocks: dict[int, list[str]] = {g.output: [] for g in p.groups}  # per neuron
        for i, v in enumerate(t.values):
            if i in p.hidden:
                continue
            if i in self.owner:
                g = self.owner[i]
                if i == g.output:
                    blocks[i].append(self._value_node(i, f"g{i}", title=g.title))
                continue
            target = blocks[in_cluster[i].output] if i in in_cluster else lines
            target.append(self._value_node(i, f"v{i}"))
            if v.fn is not None:
                target.append(self._op_node(i))
        layers: dict[int, list[str]] = {}
        for g in p.groups:
            block = blocks[g.output]
            if not p.collapsed:
                block = ([f"  subgraph cluster_g{g.output} {{",
                          f'    graph [label={quote(g.title)}, style="rounded,dashed", '
                          f'color="{s.cluster_color}", fontcolor="{s.cluster_color}"];']
                         + ["  " + line for line in block] + ["  }"])
            if p.layers:
                layers.setdefault(g.layer, []).extend("  " + line for line in block)
            else:
                lines.extend(block)
        for layer, block in sorted(layers.items()):
            count = sum(1 for g in p.groups if g.layer == layer)
            name = f"layer {layer} ({count} neuron{'s' if count > 1 else ''})"
            lines.append(f"  subgraph cluster_layer{layer} {{")
            lines.append(f'    graph [label={quote(name)}, '
                         f'style="rounded", color="{s.cluster_color}", '
                         f'fontcolor="{s.cluster_color}"];')
            lines.extend(block)
            lines.append("  }")
        if p.hidden:
            lines.append(f'  hidden [id="hidden", class="hidden", shape=note, style=dashed, '
                         f'color="{s.pending_color}", fontcolor="{s.pending_color}", '
                         f'label={quote(f"… {len(p.hidden)} more values")}];')
        lines.extend(edges)
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _graph_label(self) -> str:
        """Title and notes as a quoted DOT string, one left-aligned line each."""
        parts = ([self.title] if self.title else []) + self.notes
        if not parts:
            return ""
        return '"' + "".join(quote(part)[1:-1] + "\\l" for part in parts) + '"'

    def _name(self, i: int) -> str:
        g = self.owner.get(i)
        return f"g{g.output}" if g is not None else f"v{i}"

    def _edges(self) -> list[str]:
        t, p, s = self.t, self.p, self.s
        out: list[str] = []
        hidden_heads: list[str] = []
        for i, v in enumerate(t.values):
            if v.fn is None or i in p.hidden:
                continue
            g = self.owner.get(i)
            finished = self.step_of[i] < self.done
            active = i == self.active
            if g is None:
                for u in t.inputs[i]:
                    if u.src in p.hidden:
                        if f"op{i}" not in hidden_heads:
                            hidden_heads.append(f"op{i}")
                        continue
                    out.extend(self._use_edges(self._name(u.src), f"op{i}", f"e{i}_{u.pos}",
                                               t.values[u.src].data, u.local, u.contribution,
                                               finished, active))
                pen = 2.5 if active else 1.0
                if self.direction == "forward":
                    color = s.forward_color
                elif finished or active or self.progress is None:
                    color = s.grad_color
                else:
                    color = s.pending_color
                arrow = {"forward": "forward", "backward": "back", "both": "both"}[self.direction]
                out.append(f'  op{i} -> v{i} [id="r{i}", class="result", dir={arrow}, '
                           f'color="{color}", penwidth={pen:g}];')
                continue
            # a collapsed neuron: one edge per outside input, contributions summed
            if i != g.output:
                continue
            outside: dict[int, list[Use]] = {}
            for m in g.members:
                for u in t.inputs[m]:
                    if u.src not in g.members:
                        outside.setdefault(u.src, []).append(u)
            steps = [self.step_of[m] for m in g.members if t.values[m].fn is not None]
            g_finished = max(steps) < self.done
            g_active = self.active in g.members
            for k, (src, uses) in enumerate(sorted(outside.items())):
                if src in p.hidden:
                    if f"g{i}" not in hidden_heads:
                        hidden_heads.append(f"g{i}")
                    continue
                total = 0.0
                for u in uses:
                    total += u.contribution
                out.extend(self._use_edges(self._name(src), f"g{i}", f"e{i}_{k}",
                                           t.values[src].data, None, total, g_finished,
                                           g_active))
        for k, head in enumerate(hidden_heads):
            out.append(f'  hidden -> {head} [id="h{k}", class="hidden", style=dotted, '
                       f'color="{s.pending_color}"];')
        return out
