"""The ``graphviz`` Python package: ``draw_dot`` (the micrograd lecture's
picture) and the ``graphviz.Source`` behind ``Drawing.to_graphviz()``.

Both return objects of the package (``graphviz.Digraph``, ``graphviz.Source``)
whose ``.pipe()``, ``.render()``, ``.view()`` and notebook display work with
pip alone: they are laid out by chainrule's renderer (a system ``dot``, else
graphviz-pure; see ``autograd.drawing.graphviz_objects`` for what still needs
Graphviz itself). The package is imported on first use, not with ``autograd``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..backprop import topological_order
from ..value import Value

if TYPE_CHECKING:
    from .graphviz_objects import Digraph, Source

__all__ = ["draw_dot", "to_graphviz", "record_text"]

#: The lecture's spelling of the ops it has (micrograd's ``_op``); other ops
#: show the op table's symbol.
LECTURE_SYMBOLS = {"add": "+", "mul": "*"}
RANKDIRS = ("LR", "TB")

#: Characters that would break a record label: its structure ({ } | < >), a DOT
#: string's quote, and & (Graphviz reads character entities in every label).
#: They become entities, which Graphviz decodes after parsing the record.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "{": "&#123;",
             "}": "&#125;", "|": "&#124;"}


def record_text(text: str) -> str:
    """``text`` safe inside one field of a Graphviz record label.

    ``{ } | < > " &`` become character entities; a backslash becomes ``\\\\``
    (Graphviz's escape for one backslash: an entity would be decoded before
    Graphviz reads ``\\N``, ``\\l``..., so it cannot protect one); a line break
    becomes Graphviz's centred line break ``\\n``, other control characters
    spaces."""
    out = []
    for ch in text:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch < " " or ch == "\x7f":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _nodes(root: Value) -> list[Value]:
    """Every node under ``root`` once, inputs before their users: the one walk
    of ``draw_dot`` (linear in nodes + edges)."""
    return topological_order(root)


def _symbol(node: Value) -> str:
    op = node.fn
    if op is None:
        return ""
    if node.op == "powc" and len(op.params) == 1:  # x**k: the lecture's **k
        k = op.params[0]
        return f"**{int(k) if float(k).is_integer() else k}"
    return LECTURE_SYMBOLS.get(op.name, op.label())


def draw_dot(root: Value, format: str = "svg", rankdir: str = "LR") -> Digraph:  # noqa: A002
    """The graph under ``root`` as a ``graphviz.Digraph``, drawn as in the micrograd
    lecture: one record ``{ label | data 2.0000 | grad 4.0000 }`` per value, and
    per op a small oval (``+``, ``*``, ``tanh``...) with an arrow into its value
    and an arrow from each input (one per use: ``a + a`` has two).

    ``.grad`` is shown as stored (call ``backward()`` first), like the lecture's;
    ``autograd.draw(root, "backward")`` computes gradients itself. ``format`` is
    the Digraph's output format (``"svg"``, ``"png"``, ``"pdf"``...), ``rankdir``
    ``"LR"`` (left to right) or ``"TB"`` (top to bottom). The result displays in
    Jupyter and renders with pip alone."""
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot: root must be a Value, got {type(root).__name__}")
    if not isinstance(format, str) or not format:
        raise TypeError(f"draw_dot: format must be a format name such as 'svg', got "
                        f"{format!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_dot: rankdir must be 'LR' or 'TB', got {rankdir!r}")
    from .graphviz_objects import Digraph

    dot = Digraph(format=format, graph_attr={"rankdir": rankdir})
    nodes = _nodes(root)
    ids = {node: f"v{k}" for k, node in enumerate(nodes)}
    for node in nodes:
        name = ids[node]
        label = record_text("" if node.label is None else str(node.label))
        dot.node(name, label=f"{{ {label} | data {node.data:.4f} | grad {node.grad:.4f} }}",
                 shape="record")
        if node.fn is not None:
            dot.node(name + "op", label=record_text(_symbol(node)))
            dot.edge(name + "op", name)
            for child in node.children:
                dot.edge(ids[child], name + "op")
    return dot


def to_graphviz(source: str, renderer: str | None = None, **options: Any) -> Source:
    """DOT ``source`` as a ``graphviz.Source`` laid out by ``renderer`` (chainrule's:
    ``"dot"``, ``"graphviz-pure"``, None for the best found); ``options`` go to
    ``graphviz.Source`` (``format``, ``engine``, ``filename``, ``directory``...)."""
    from .graphviz_objects import Source

    gv = Source(source, **options)
    gv.chainrule_renderer = renderer
    return gv
