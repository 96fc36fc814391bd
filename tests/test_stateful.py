"""A stateful test: random sequences of building, backward, zero_grad and grad()
on one growing graph, every value and gradient compared with a naive reference.

The reference knows nothing of the engine: its own math for each op, values by
recursion over the recorded structure, and each ∂root/∂node by forward-mode
differentiation (seed the node with tangent 1 and push tangents up to the
root), the other way round from the engine's reverse sweep.
"""

from __future__ import annotations

import math

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, precondition, rule

import autograd
from autograd import Value
from autograd.testing import values

# name -> (value, local derivatives) of the reference; c is a constant operand
UNARY = {
    "neg": (lambda a: -a, lambda a: (-1.0,)),
    "tanh": (math.tanh, lambda a: (1.0 - math.tanh(a) ** 2,)),
    "sin": (math.sin, lambda a: (math.cos(a),)),
    "square": (lambda a: a * a, lambda a: (2.0 * a,)),
    "relu": (lambda a: max(a, 0.0), lambda a: (1.0 if a > 0 else 0.0,)),
    "sigmoid": (lambda a: 0.5 + 0.5 * math.tanh(0.5 * a),
                lambda a: (0.25 * (1.0 - math.tanh(0.5 * a) ** 2),)),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "sub": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "mul": (lambda a, b: a * b, lambda a, b: (b, a)),
}
ENGINE = {
    "neg": lambda a: -a, "tanh": lambda a: a.tanh(), "sin": lambda a: a.sin(),
    "square": lambda a: a ** 2, "relu": lambda a: a.relu(), "sigmoid": lambda a: a.sigmoid(),
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
}
ENGINE_OP = {name: name for name in ENGINE} | {"square": "powc"}
LIMIT = 1e3  # only combine nodes this small, so nothing overflows


def close(a: float, b: float, scale: float = 1.0) -> bool:
    """Equal up to rounding; ``scale`` bounds the sum of |terms| that made b."""
    return abs(a - b) <= 1e-9 * abs(b) + 1e-12 * (1.0 + scale)


class GraphMachine(RuleBasedStateMachine):
    nodes = Bundle("nodes")

    def __init__(self) -> None:
        super().__init__()
        self.engine: list[Value] = []
        self.op: list[str] = []           # "" for a leaf
        self.kids: list[tuple[int, ...]] = []
        self.value: list[float] = []
        self.expected_grad: list[float] = []
        self.grad_scale: list[float] = []  # Σ|terms| of expected_grad, for rounding

    # -- the naive reference ----------------------------------------------------
    def _add(self, node: Value, op: str, kids: tuple[int, ...], value: float) -> int:
        self.engine.append(node)
        self.op.append(op)
        self.kids.append(kids)
        self.value.append(value)
        self.expected_grad.append(0.0)
        self.grad_scale.append(0.0)
        return len(self.engine) - 1

    def _local(self, i: int) -> tuple[float, ...]:
        args = [self.value[k] for k in self.kids[i]]
        table = UNARY if len(args) == 1 else BINARY
        return table[self.op[i]][1](*args)

    def _below(self, root: int) -> set[int]:
        seen, todo = set(), [root]
        while todo:
            i = todo.pop()
            if i not in seen:
                seen.add(i)
                todo.extend(self.kids[i])
        return seen

    def _d(self, root: int, wrt: int) -> tuple[float, float]:
        """∂root/∂wrt by forward mode (tangent 1 at wrt, 0 at other leaves),
        and the same sum over |terms| (how large rounding errors can be)."""
        tangent: dict[int, tuple[float, float]] = {}

        def t(i: int) -> tuple[float, float]:
            if i == wrt:
                return 1.0, 1.0
            if i not in tangent:
                total, size = 0.0, 0.0
                for d, k in zip(self._local(i) if self.kids[i] else (), self.kids[i]):
                    tk, sk = t(k)
                    total += d * tk
                    size += abs(d) * sk
                tangent[i] = total, size
            return tangent[i]

        return t(root)

    # -- rules ------------------------------------------------------------------------
    @rule(target=nodes, x=values(-2.0, 2.0))
    def leaf(self, x: float) -> int:
        return self._add(Value(x), "", (), x)

    @rule(target=nodes, op=st.sampled_from(sorted(UNARY)), a=nodes)
    def unary(self, op: str, a: int) -> int:
        if abs(self.value[a]) > LIMIT:
            return a
        node = ENGINE[op](self.engine[a])
        return self._add(node, op, (a,), UNARY[op][0](self.value[a]))

    @rule(target=nodes, op=st.sampled_from(sorted(BINARY)), a=nodes, b=nodes)
    def binary(self, op: str, a: int, b: int) -> int:
        if max(abs(self.value[a]), abs(self.value[b])) > LIMIT:
            return a
        node = ENGINE[op](self.engine[a], self.engine[b])
        return self._add(node, op, (a, b), BINARY[op][0](self.value[a], self.value[b]))

    @rule(root=nodes, gradient=values(-2.0, 2.0))
    def backward(self, root: int, gradient: float) -> None:
        self.engine[root].backward(gradient)
        for i in self._below(root):
            d, size = self._d(root, i)
            self.expected_grad[i] += d * gradient
            self.grad_scale[i] += size * abs(gradient)

    @rule(root=nodes)
    def zero_grad(self, root: int) -> None:
        self.engine[root].zero_grad()
        for i in self._below(root):
            self.expected_grad[i] = 0.0
            self.grad_scale[i] = 0.0

    @precondition(lambda self: len(self.engine) > 0)
    @rule(root=nodes, wrt=st.lists(nodes, min_size=1, max_size=3))
    def grad(self, root: int, wrt: list[int]) -> None:
        got = autograd.grad(self.engine[root], [self.engine[i] for i in wrt])
        below = self._below(root)
        for i, g in zip(wrt, got):
            expected, size = self._d(root, i) if i in below else (0.0, 0.0)
            assert close(g, expected, size), (root, i, g, expected)

    # -- after every step ---------------------------------------------------------------
    @invariant()
    def values_and_gradients_match(self) -> None:
        for i, node in enumerate(self.engine):
            assert close(node.data, self.value[i]), (i, node.data, self.value[i])
            assert close(node.grad, self.expected_grad[i], self.grad_scale[i]), (
                i, node.grad, self.expected_grad[i])

    @invariant()
    def structure_matches(self) -> None:
        index = {id(node): i for i, node in enumerate(self.engine)}
        for i, node in enumerate(self.engine):
            assert [index.get(id(c)) for c in node.children] == list(self.kids[i])
            assert node.op == ENGINE_OP.get(self.op[i], "")


GraphMachine.TestCase.settings = settings(
    settings(), max_examples=max(1, settings().max_examples // 2), stateful_step_count=40)
TestGraph = GraphMachine.TestCase
