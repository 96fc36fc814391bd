"""How each op is written: the one syntax table, kept on the op itself.

Every :class:`~autograd.op.Op` carries a :class:`Syntax`: how Python code
writes it (``a + b``, ``x.tanh()``, ``autograd.maximum(a, b)``,
``autograd.sum([a, b])``, ``cube(x)``), which names call it in an expression
string (the command line's ``tanh(x)``, ``max(a, b)``, ``ln(x)``), and whether
``nn`` takes it as an activation by name. The expression parser, the command
line's op list, the Hypothesis strategies, the printed counterexamples and
``nn``'s activations all read it; nothing else keeps a list of op spellings.

Kinds of syntax (Python code; expression string):

- ``infix``: ``a + b``, and ``x ** 2.0`` for the bound power; the same operator.
- ``prefix``: ``-x``; ``-x``.
- ``builtin``: ``abs(x)``; ``abs(x)``.
- ``method``: ``x.tanh()``, ``x.elu(alpha=0.5)``; ``tanh(x)``, ``elu(x, 0.5)``.
- ``function``: ``autograd.maximum(a, b)``; ``maximum(a, b)`` or ``max(a, b)``.
- ``list``: ``autograd.sum([a, b, c])``; ``sum(a, b, c)``.
- ``pairs``: ``autograd.dot([w1, w2], [x1, x2], bias=b)``; not in expressions.
- ``call``: a user's op, ``cube(x)`` or ``swish.bind(1.5)(x)``; ``cube(x)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

KINDS = ("infix", "prefix", "builtin", "method", "function", "list", "pairs", "call")

__all__ = ["Syntax", "KINDS", "literal"]


@dataclass(frozen=True)
class Syntax:
    """How one op is written.

    ``kind``: one of :data:`KINDS`; ``token``: the operator (infix, prefix), or
    the builtin, method, function or op name; ``names``: the names that call it
    in an expression string (the first is the main one; empty: not callable by
    name); ``activation``: ``nn`` accepts it as an activation by name.
    """

    kind: str
    token: str
    names: tuple[str, ...] = ()
    activation: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Syntax kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if not isinstance(self.token, str) or not self.token:
            raise ValueError(f"Syntax token must be a non-empty str, got {self.token!r}")

    def python(self, args: Sequence[str], params: Sequence[float] = (),
               param_names: Sequence[str] = ()) -> str:
        """Python code applying the op to the expressions ``args`` (strings),
        with its bound ``params``: what a printed counterexample shows."""
        k, t = self.kind, self.token
        if k == "infix":
            right = literal(params[0]) if params else args[1]
            return f"{args[0]} {t} {right}"
        if k == "prefix":
            return f"{t}{args[0]}"
        if k == "builtin":
            return f"{t}({', '.join(args)})"
        if k == "method":
            named = ", ".join(f"{n}={p!r}" for n, p in zip(param_names, params))
            return f"{args[0]}.{t}({named})"
        if k == "function":
            return f"autograd.{t}({', '.join(args)})"
        if k == "list":
            return f"autograd.{t}([{', '.join(args)}])"
        if k == "pairs":
            n = len(args) // 2
            bias = f", bias={args[-1]}" if len(args) % 2 else ""
            return f"autograd.{t}([{', '.join(args[:n])}], [{', '.join(args[n:2 * n])}]{bias})"
        bound = f".bind({', '.join(map(repr, params))})" if params else ""
        return f"{t}{bound}({', '.join(args)})"


def literal(x: float) -> str:
    """A float as Python source, parenthesised when negative (``x ** (-1.0)``)."""
    s = repr(x)
    return f"({s})" if s.startswith("-") else s
