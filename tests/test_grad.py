"""``autograd.grad``: gradients as return values, higher orders, user-defined ops."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import pytest

import autograd
from autograd import Op, Value


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(b))


# -- grad leaves .grad alone --------------------------------------------------------------

def test_grad_leaves_every_grad_untouched() -> None:
    x, y = Value(1.5), Value(-0.5)
    mid = x * y
    out = mid.tanh() + x.exp()
    x.grad, y.grad, mid.grad = 7.0, -3.0, 0.25
    gx, gy = autograd.grad(out, [x, y])
    t = math.tanh(-0.75)
    assert (gx, gy) == pytest.approx((-0.5 * (1 - t * t) + math.exp(1.5), 1.5 * (1 - t * t)),
                                     rel=1e-15)
    assert (x.grad, y.grad, mid.grad, out.grad) == (7.0, -3.0, 0.25, 0.0)
    autograd.grad(out, [x, y], create_graph=True)
    assert (x.grad, y.grad, mid.grad, out.grad) == (7.0, -3.0, 0.25, 0.0)


def test_grad_returns_a_tuple_of_floats_in_input_order() -> None:
    x, y = Value(2.0), Value(3.0)
    out = x * y * y
    got = autograd.grad(out, [y, x])
    assert got == (12.0, 9.0) and type(got) is tuple
    assert all(type(g) is float for g in got)
    assert autograd.grad(out, x) == (9.0,)
    assert autograd.grad(out, (x for x in [x])) == (9.0,)
    assert autograd.grad(out, [out]) == (1.0,)


def test_grad_of_an_input_not_in_the_graph_is_zero() -> None:
    x, unrelated = Value(2.0), Value(5.0)
    out = x * x
    assert autograd.grad(out, [x, unrelated]) == (4.0, 0.0)
    gx, gu = autograd.grad(out, [x, unrelated], create_graph=True)
    assert isinstance(gu, Value) and gu.data == 0.0 and gx.data == 4.0
    assert autograd.grad(Value(1.0), [x]) == (0.0,)


def test_grad_twice_gives_the_same_numbers() -> None:
    x = Value(0.7)
    out = (x * x).sin() + x
    assert autograd.grad(out, [x]) == autograd.grad(out, [x])


def test_grad_argument_errors_name_the_type() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match="float"):
        autograd.grad(1.0, [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"inputs\[1\].*str"):
        autograd.grad(x * 2, [x, "y"])  # type: ignore[list-item]


# -- higher orders --------------------------------------------------------------------------

def derivatives(fn: Callable[[Value], Value], x0: float, n: int) -> list[float]:
    """[f, f', f'', ..., f^(n)] at x0 by differentiating the recorded gradient again."""
    x = Value(x0)
    g = fn(x)
    out = [g.data]
    for _ in range(n):
        (g,) = autograd.grad(g, [x], create_graph=True)
        out.append(g.data)
    return out


@pytest.mark.parametrize("x", [-2.0, -0.3, 0.0, 0.9, 3.5])
def test_exp_derivatives_up_to_third(x: float) -> None:
    e = math.exp(x)
    assert derivatives(Value.exp, x, 3) == [e, e, e, e]


@pytest.mark.parametrize("x", [-2.0, -0.3, 0.0, 0.9, 3.5])
def test_cube_derivatives_up_to_third(x: float) -> None:
    got = derivatives(lambda v: v ** 3, x, 4)
    want = [x ** 3, 3 * x ** 2, 6 * x, 6.0, 0.0]
    assert all(close(g, w) for g, w in zip(got, want)), (got, want)


@pytest.mark.parametrize("x", [-2.0, -0.3, 0.0, 0.9, 3.5])
def test_tanh_derivatives_up_to_third(x: float) -> None:
    t = math.tanh(x)
    s = 1.0 - t * t                                  # sech²
    want = [t, s, -2.0 * t * s, -2.0 * s * (1.0 - 3.0 * t * t)]
    got = derivatives(Value.tanh, x, 3)
    assert all(close(g, w) for g, w in zip(got, want)), (got, want)


def test_a_recorded_gradient_can_be_backpropagated() -> None:
    x = Value(1.3)
    (g,) = autograd.grad(x.sin() * x, [x], create_graph=True)  # sin x + x cos x
    g.backward()
    assert close(x.grad, 2 * math.cos(1.3) - 1.3 * math.sin(1.3))


def test_hessian_of_three_variables_is_symmetric_and_analytic() -> None:
    x0, y0, z0 = 0.8, -1.3, 0.6
    xs = x, y, z = [Value(x0), Value(y0), Value(z0)]
    f = x * y * z + x ** 2 * y.sin() + (y * z).exp()
    first = autograd.grad(f, xs, create_graph=True)
    h = [list(autograd.grad(g, xs)) for g in first]
    e = math.exp(y0 * z0)
    want = [
        [2 * math.sin(y0), z0 + 2 * x0 * math.cos(y0), y0],
        [z0 + 2 * x0 * math.cos(y0), -x0 ** 2 * math.sin(y0) + z0 ** 2 * e,
         x0 + e + y0 * z0 * e],
        [y0, x0 + e + y0 * z0 * e, y0 ** 2 * e],
    ]
    for i in range(3):
        for j in range(3):
            assert close(h[i][j], want[i][j]), (i, j, h[i][j], want[i][j])
            assert close(h[i][j], h[j][i], rel=1e-14)


def test_grad_with_create_graph_of_a_deep_chain() -> None:
    x = Value(0.5)
    y = x
    for _ in range(2000):
        y = y * 1.0 + 0.0
    (g,) = autograd.grad(y * y, [x], create_graph=True)
    assert g.data == 1.0
    assert autograd.grad(g, [x]) == (2.0,)


# -- grad() and backward() agree ------------------------------------------------------------

UNARY: list[Callable[[Value], Value]] = [
    Value.tanh, Value.sigmoid, Value.sin, Value.cos, Value.atan, Value.softplus,
    Value.gelu, Value.silu, lambda v: v.tanh().exp(), lambda v: (v * v + 0.5).log(),
    lambda v: (v * v + 0.1).sqrt(), lambda v: v ** 2, lambda v: v.sigmoid() ** 1.5,
]
BINARY: list[Callable[[Value, Value], Value]] = [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b,
    lambda a, b: a / (1.0 + b * b), lambda a, b: autograd.maximum(a, b),
    lambda a, b: autograd.minimum(a, b), lambda a, b: autograd.dot([a, b], [b, a]),
    lambda a, b: autograd.logsumexp([a, b, a]),
]


def random_expression(seed: int, leaves: list[Value] | None = None
                      ) -> tuple[list[Value], Value]:
    """A random DAG over 2-4 leaves whose nodes are reused (shared subexpressions).

    The same seed gives the same structure; ``leaves`` replaces the leaf values."""
    rng = random.Random(seed)
    drawn = [Value(rng.uniform(-2.0, 2.0)) for _ in range(rng.randint(2, 4))]
    leaves = drawn if leaves is None else leaves
    nodes = list(leaves)
    for _ in range(rng.randint(4, 25)):
        if rng.random() < 0.4:
            nodes.append(rng.choice(UNARY)(rng.choice(nodes)))
        else:
            nodes.append(rng.choice(BINARY)(rng.choice(nodes), rng.choice(nodes)))
    return leaves, autograd.sum(nodes[len(leaves):]) if rng.random() < 0.3 else nodes[-1]


@pytest.mark.parametrize("seed", range(60))
def test_grad_and_backward_give_identical_floats(seed: int) -> None:
    leaves, out = random_expression(seed)
    gs = autograd.grad(out, leaves)
    recorded = autograd.grad(out, leaves, create_graph=True)
    out.backward()
    assert list(gs) == [x.grad for x in leaves]
    assert [g.data for g in recorded] == [x.grad for x in leaves]


@pytest.mark.parametrize("seed", range(12))
def test_hessians_of_random_expressions_against_central_differences(seed: int) -> None:
    leaves, out = random_expression(seed)
    point = [x.data for x in leaves]

    def gradient(i: int, p: list[float]) -> float:
        vs = [Value(v) for v in p]
        return autograd.grad(random_expression(seed, vs)[1], vs)[i]

    first = autograd.grad(out, leaves, create_graph=True)
    for i, g in enumerate(first):
        for j, h in enumerate(autograd.grad(g, leaves)):
            step = 1e-6 * max(1.0, abs(point[j]))
            up, down = list(point), list(point)
            up[j] += step
            down[j] -= step
            n = (gradient(i, up) - gradient(i, down)) / (up[j] - down[j])
            assert abs(h - n) <= 1e-6 + 1e-5 * abs(n), (i, j, h, n)


# -- user-defined ops -----------------------------------------------------------------------

CUBE = Op("cube", "³", f=lambda x: x * x * x, df=lambda x, y: 3 * x * x, doc="x³;  3x²")
HYPOT = Op("hypot", "hypot", f=math.hypot, df=lambda a, b, y: (a / y, b / y), arity=2,
           doc="√(a² + b²);  a/h, b/h")
SCALE = Op("scale", lambda p: f"×{p[0]:g}", f=lambda x, k: k * x, df=lambda x, y, k: k,
           param_names=("k",))
def _product_of_others(xs: tuple[object, ...], i: int) -> object:
    """Π_{j≠i} x_j, on floats or on Values (1.0 * Value records a product)."""
    out: object = 1.0
    for j, x in enumerate(xs):
        if j != i:
            out = out * x  # type: ignore[operator]
    return out


PROD = Op("prod", "Π", f=math.prod,
          df=lambda xs, y: [_product_of_others(xs, i) for i in range(len(xs))], arity=None)


def test_a_user_op_records_a_node_and_backpropagates() -> None:
    x = Value(2.0)
    y = CUBE(x)
    assert y.data == 8.0 and y.op == "cube" and y.children == (x,)
    (y * 0.5).backward()
    assert x.grad == 6.0
    assert CUBE(1.5).data == 3.375  # numbers are lifted to Values


def test_a_user_op_differentiates_twice_and_three_times() -> None:
    x = Value(2.0)
    (d1,) = autograd.grad(CUBE(x), [x], create_graph=True)
    (d2,) = autograd.grad(d1, [x], create_graph=True)
    (d3,) = autograd.grad(d2, [x], create_graph=True)
    assert (d1.data, d2.data, d3.data) == (12.0, 12.0, 6.0)


def test_a_binary_user_op() -> None:
    a, b = Value(3.0), Value(4.0)
    h = HYPOT(a, b)
    assert h.data == 5.0 and h.children == (a, b)
    h.backward()
    assert (a.grad, b.grad) == (0.6, 0.8)
    da, db = autograd.grad(HYPOT(a, b), [a, b], create_graph=True)
    # ∂²h/∂a² = b²/h³, ∂²h/∂a∂b = −ab/h³
    assert autograd.grad(da, [a, b]) == pytest.approx((16 / 125, -12 / 125), rel=1e-15)
    assert autograd.grad(db, [a]) == pytest.approx((-12 / 125,), rel=1e-15)


def test_a_user_op_with_a_parameter() -> None:
    triple = SCALE.bind(3.0)
    x = Value(1.5)
    y = triple(x)
    assert y.data == 4.5 and y.op == "scale" and triple.label() == "×3"
    y.backward()
    assert x.grad == 3.0
    assert SCALE.bind(3.0) is triple
    with pytest.raises(TypeError, match="parameter"):
        SCALE.bind()


def test_a_variadic_user_op() -> None:
    xs = [Value(2.0), Value(3.0), Value(4.0)]
    p = PROD(xs)
    assert p.data == 24.0 and p.children == tuple(xs)
    p.backward()
    assert [x.grad for x in xs] == [12.0, 8.0, 6.0]
    assert PROD(*xs).data == 24.0
    g = autograd.grad(PROD(xs), xs, create_graph=True)
    assert [v.data for v in g] == [12.0, 8.0, 6.0]
    assert autograd.grad(g[0], xs) == (0.0, 4.0, 3.0)


def test_user_ops_mix_with_built_in_ones() -> None:
    x = Value(0.5)
    y = CUBE(x.tanh()) + HYPOT(x, 1.0)
    t = math.tanh(0.5)
    want = 3 * t * t * (1 - t * t) + 0.5 / math.hypot(0.5, 1.0)
    assert autograd.grad(y, [x]) == pytest.approx((want,), rel=1e-15)


def test_user_op_definition_errors() -> None:
    with pytest.raises(TypeError, match="name"):
        Op("", "s", f=abs, df=abs)
    with pytest.raises(TypeError, match="callable"):
        Op("bad", "s", f=1.0, df=abs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="arity"):
        Op("bad", "s", f=abs, df=abs, arity=3)
    with pytest.raises(TypeError, match="cube.*1 input"):
        CUBE(Value(1.0), Value(2.0))
    with pytest.raises(TypeError, match="str"):
        CUBE("x")


def test_a_user_op_with_a_wrong_derivative_count_fails_loudly_in_backward() -> None:
    bad = Op("bad2", "?", f=lambda a, b: a + b, df=lambda a, b, y: (1.0,), arity=2)
    y = bad(Value(1.0), Value(2.0))
    with pytest.raises((ValueError, TypeError), match="bad2"):
        y.backward()
    with pytest.raises((ValueError, TypeError), match="bad2"):
        autograd.grad(bad(Value(1.0), Value(2.0)), [y], create_graph=True)
