"""One walk: every reader of a graph shows exactly the numbers backward() makes.

backward, grad(), grad(create_graph=True), the tape, the drawing and the
step-through all take the one order (by creation) and the one accumulation
rule (a node's gradient is the sum of its contributions in the order its
users were made), so their numbers are equal with ``==``, not approx.
"""

from __future__ import annotations

import math
import re

from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, draw, grad, step_through
from autograd.drawing import Style
from autograd.drawing.graph import read
from autograd.tape import Tape

UNARY = ("tanh", "sigmoid", "relu", "sin", "softplus")
BINARY = ("+", "*", "-")


@st.composite
def dags(draw_: st.DrawFn) -> tuple[list[Value], Value]:
    """Random DAGs of + * - tanh sigmoid relu sin softplus sum over 1-3 leaves,
    nodes reused freely (shared subexpressions, a + a, x * x)."""
    n_leaves = draw_(st.integers(1, 3))
    leaves = [Value(draw_(st.floats(-2, 2, allow_subnormal=False)), label=f"x{i}")
              for i in range(n_leaves)]
    nodes: list[Value] = list(leaves)
    for _ in range(draw_(st.integers(1, 12))):
        kind = draw_(st.sampled_from(("unary", "binary", "binary", "sum")))
        pick = st.sampled_from(nodes)
        if kind == "unary":
            nodes.append(getattr(draw_(pick), draw_(st.sampled_from(UNARY)))())
        elif kind == "binary":
            a, b, op = draw_(pick), draw_(pick), draw_(st.sampled_from(BINARY))
            nodes.append(a + b if op == "+" else a * b if op == "*" else a - b)
        else:
            nodes.append(autograd.sum([draw_(pick) for _ in range(draw_(st.integers(1, 4)))]))
    return leaves, nodes[-1] if nodes[-1] not in leaves else nodes[-1] * 1.0


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@given(dags())
def test_every_reader_shows_the_numbers_backward_makes(case: tuple[list[Value], Value]) -> None:
    leaves, root = case
    nodes = autograd.topological_order(root)
    via_grad = grad(root, nodes)
    via_graph = [g.data for g in grad(root, nodes, create_graph=True)]
    via_tape = Tape.of(root).gradients()
    scene = read(root)
    stepper_scene = step_through(root, renderer="none", max_steps=None)._scene
    root.backward()
    via_backward = [node.grad for node in nodes]
    for i, node in enumerate(nodes):
        b = via_backward[i]
        for name, got in (("grad()", via_grad[i]), ("create_graph", via_graph[i]),
                          ("tape", via_tape[i]), ("drawing", scene.grads[i]),
                          ("step_through", stepper_scene.grads[i])):
            assert same(got, b), f"{name} gives {got!r} for node {i} ({node!r}), backward {b!r}"
    assert scene.values == nodes


def test_the_case_that_used_to_differ() -> None:
    x = Value(0.251, label="x")
    f = (x + x) * (x * x)
    shown = read(f).grads[0]
    (g,) = grad(f, [x])
    f.backward()
    assert shown == g == x.grad == 0.378006
    assert "grad 0.378" in draw(f, "backward").source


def test_the_order_is_creation_and_the_tape_replays_it() -> None:
    w = Value(4.0, label="w")
    u, v = Value(2.0, label="u"), Value(3.0, label="v")
    f = (u + v) * w
    tape = Tape.of(f)
    assert [n.label for n in tape.nodes[:3]] == ["w", "u", "v"]
    assert tape.args == ((), (), (), (1, 2), (3, 0))
    assert [op.name if op else "" for op in tape.ops] == ["", "", "", "add", "mul"]
    assert tape.replay() == tape.data() == [4.0, 2.0, 3.0, 5.0, 20.0]
    assert tape.replay([1.0, 2.0, 3.0])[-1] == 5.0
    assert tape.users()[0] == [(4, 1)] and tape.steps() == [4, 3]
    assert tape.local_derivatives()[4] == (4.0, 5.0)


def test_a_fused_network_shows_the_numbers_of_the_unfused_one() -> None:
    """nn's neurons are fused nodes (affine + activation); the drawing shows their
    two steps, with exactly the numbers the same network built from dot and an
    activation gives — including the intermediate value's gradient."""
    import nn

    for act in ("relu", "tanh", "sigmoid", "leaky_relu"):
        m = nn.MLP(3, [4, 3, 1], activation=act, seed=5)
        x = [0.4, -1.1, 0.8]
        fused = m(x)
        h: list = [Value(v) for v in x]
        for li, layer in enumerate(m.layers):
            zs = [autograd.dot(n.w, h, bias=n.b) for n in layer.neurons]
            h = zs if li == len(m.layers) - 1 else [getattr(z, act)() for z in zs]
        unfused = h[0]
        scene = read(fused)
        flat = read(unfused)
        assert sorted(v.data for v in scene.values if v.fn is not None) == \
            sorted(v.data for v in flat.values if v.fn is not None)
        params = m.parameters()
        fused_grads = grad(fused, params)
        assert fused_grads == grad(unfused, params)
        by_value = {id(v): g for v, g in zip(scene.values, scene.grads)}
        assert [by_value[id(p)] for p in params] == list(fused_grads)
        assert sorted(g for v, g in zip(scene.values, scene.grads) if v.fn is not None) == \
            sorted(g for v, g in zip(flat.values, flat.grads) if v.fn is not None)


def _cell(source: str, node: str, prefix: str) -> str | None:
    """The text of node ``node``'s cell that starts with ``prefix`` (``grad``, ``data``)."""
    line = next((ln for ln in source.splitlines() if ln.lstrip().startswith(f"{node} [")),
                None)
    if line is None:
        return None
    m = re.search(rf">({re.escape(prefix)} [^<]*)<", line)
    return m.group(1) if m else None


@given(dags())
def test_every_number_a_view_or_frame_writes_is_the_engines(
        case: tuple[list[Value], Value]) -> None:
    """The backward view, the forward view, and every frame of both passes write the
    engine's numbers: each node's gradient, each sum term by term in the order the
    engine adds them (which, summed from 0.0 by ``sum`` as the engine does, is its
    gradient exactly; ``sum`` of floats is compensated from Python 3.12 on, so not
    ``+=`` one by one), each edge's upstream × local = contribution, each value as
    recorded."""
    _, root = case
    nodes = autograd.topological_order(root)
    expected = list(grad(root, nodes))
    scene = read(root)
    number = Style().number
    for i in range(len(nodes)):
        if i == scene.root or not scene.users[i]:
            continue
        # the engine's order (users by creation) and the engine's sum
        total = sum((use.contribution for use in scene.users[i]), 0.0)
        assert same(total, expected[i]), (i, total, expected[i])
    backward = draw(root, "backward", max_nodes=None, edge_labels=True).source
    forward = draw(root, "forward", max_nodes=None).source
    for i, node in enumerate(nodes):
        shown = _cell(backward, f"v{i}", "grad")
        if shown is None:  # a constant: no gradient shown
            assert scene.is_constant(i)
            continue
        head, _, terms = shown[len("grad "):].partition(" = ")
        assert head == number(expected[i]), (i, shown)
        if terms and "Σ" not in terms:
            written = [u.contribution for u in scene.users[i]]
            assert terms == Style().terms(written), (i, shown)
        assert _cell(forward, f"v{i}", "data") == f"data {number(node.data)}"
    for dst in range(len(nodes)):
        for use in scene.inputs[dst]:
            if scene.is_constant(use.src) or len(scene.inputs[dst]) > 6:
                continue
            label = re.search(rf'id="b{dst}_{use.pos}".*?>([^<>]+)</font>', backward)
            assert label is not None, (dst, use.pos)
            assert label.group(1) == (f"{number(expected[dst])} × {Style().factor(use.local)} "
                                      f"= {number(use.contribution)}")
    s = step_through(root, passes="forward+backward", max_steps=None, renderer="none")
    n = len(scene.steps)
    for k, frame in enumerate(s):
        for i, node in enumerate(nodes):
            data = _cell(frame.source, f"v{i}", "data")
            if data is not None and data != "data ?":
                assert data == f"data {number(node.data)}", (k, i, data)
            g = _cell(frame.source, f"v{i}", "grad")
            if k > n and g is not None and "?" not in g:  # backward frames, once final
                assert g.split(" = ")[0] == f"grad {number(expected[i])}", (k, i, g)
