"""Ops and a model a user might write, each correct once and with planted bugs.

The four ops of issue 13 — ``softclip`` (C¹ but not C² at 0), ``swish_beta``
(a parameter), binary ``hypot`` (undefined at (0, 0)) and variadic
``logmeanexp`` — and a hand-written 2-layer MLP. Every buggy version keeps
the op's name, so a printed counterexample reads ``softclip(x)``; the module
names them ``<op>_<bug>``. ``BUGS`` lists them with what the bug is.

``tests/test_user_ops.py`` proves that the property tests catch every bug
and pass the correct versions; ``bench/gradcheck_compare.py`` runs the same
cases through ``torch.autograd.gradcheck``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import autograd
from autograd import Op, Value
from autograd.op import div, exp, sigmoid

# -- softclip(x) = x / (1 + |x|) ------------------------------------------------------


def _softclip(x: float) -> float:
    return x / (1.0 + abs(x))


def _softclip_op(df: Callable[..., Any]) -> Op:
    return Op("softclip", "softclip", f=_softclip, df=df, branch=lambda x: x > 0,
              smoothness=1, doc="x/(1+|x|): its second derivative jumps at 0")


softclip = _softclip_op(lambda x, y: 1.0 / ((1.0 + abs(x)) * (1.0 + abs(x))))
softclip_no_square = _softclip_op(lambda x, y: 1.0 / (1.0 + abs(x)))
softclip_no_abs = _softclip_op(lambda x, y: 1.0 / ((1.0 + x) * (1.0 + x)))
softclip_flat_tail = _softclip_op(  # "saturated": 0 beyond 5 (true slope 1/36 at 5)
    lambda x, y: 0.0 if abs(x) > 5.0 else 1.0 / ((1.0 + abs(x)) * (1.0 + abs(x))))
softclip_typo = _softclip_op(  # 1.0001 for 1: off by 2e-4/(1+|x|), relatively
    lambda x, y: 1.0 / ((1.0001 + abs(x)) * (1.0001 + abs(x))))
softclip_float = _softclip_op(  # right numbers, but float() cuts the recorded graph
    lambda x, y: 1.0 / ((1.0 + abs(float(x))) * (1.0 + abs(float(x)))))

# -- swish_beta(x) = x·σ(βx) ----------------------------------------------------------


def _swish(x: float, beta: float) -> float:
    return x * sigmoid(beta * x)


def _swish_op(df: Callable[..., Any]) -> Op:
    return Op("swish_beta", "swish", f=_swish, df=df, param_names=("beta",),
              examples=((1.0,), (0.5,), (2.0,)), doc="x·σ(βx)")


def _d_swish(x: Any, y: Any, b: float) -> Any:
    s = sigmoid(b * x)
    return s + b * x * s * (1.0 - s)


swish_beta = _swish_op(_d_swish)
swish_beta_no_inner = _swish_op(  # forgot the inner derivative β (right for β = 1)
    lambda x, y, b: (lambda s: s + x * s * (1.0 - s))(sigmoid(b * x)))
swish_beta_sign = _swish_op(
    lambda x, y, b: (lambda s: s - b * x * s * (1.0 - s))(sigmoid(b * x)))
swish_beta_sigmoid_of_x = _swish_op(  # σ(x) for σ(βx) (right for β = 1)
    lambda x, y, b: (lambda s: s + b * x * s * (1.0 - s))(sigmoid(x)))
swish_beta_math = _swish_op(  # math.exp on float(x): right value, no recorded graph
    lambda x, y, b: (lambda s: s + b * float(x) * s * (1.0 - s))(
        1.0 / (1.0 + math.exp(-b * float(x)))))

# -- hypot(a, b) = √(a² + b²) ----------------------------------------------------------


def _hypot_op(df: Callable[..., Any]) -> Op:
    return Op("hypot", "hypot", f=math.hypot, df=df, arity=2,
              domain=lambda a, b: a != 0 or b != 0, doc="√(a² + b²), undefined at (0, 0)")


hypot = _hypot_op(lambda a, b, y: (div(a, y), div(b, y)))
hypot_swapped = _hypot_op(lambda a, b, y: (div(b, y), div(a, y)))
hypot_no_division = _hypot_op(lambda a, b, y: (a, b))
hypot_first_twice = _hypot_op(lambda a, b, y: (div(a, y), div(a, y)))
hypot_squared = _hypot_op(lambda a, b, y: (div(a, y * y), div(b, y * y)))
hypot_rounded = _hypot_op(  # y rounded to 4 significant digits in the derivative
    lambda a, b, y: (div(a, _round4(y)), div(b, _round4(y))))


def _round4(y: Any) -> Any:
    """y to 4 significant digits (a Value gets a constant factor, so it stays recorded)."""
    x = float(y)
    if x == 0 or not math.isfinite(x):
        return y
    return y * (float(f"{x:.4g}") / x)

# -- logmeanexp(x_1..x_n) = ln((1/n) Σ e^x_i) -------------------------------------------


def _logmeanexp(xs: Sequence[float]) -> float:
    m = max(xs)
    return m + math.log(sum(math.exp(x - m) for x in xs) / len(xs))


def _lme_op(df: Callable[..., Any]) -> Op:
    return Op("logmeanexp", "LME", f=_logmeanexp, df=df, arity=None,
              doc="ln mean e^x_i, shifted by the max")


logmeanexp = _lme_op(lambda xs, y: [exp(x - y) / len(xs) for x in xs])
logmeanexp_unnormalised = _lme_op(lambda xs, y: [exp(x - y) for x in xs])  # right for n = 1
logmeanexp_mean = _lme_op(lambda xs, y: [1.0 / len(xs)] * len(xs))  # right when all equal
logmeanexp_first_for_last = _lme_op(  # the last weight uses x_1 (right for n = 1)
    lambda xs, y: [exp(x - y) / len(xs) for x in xs[:-1]] + [exp(xs[0] - y) / len(xs)])
logmeanexp_three = _lme_op(  # written for 3 operands: 0 beyond (right for n <= 3)
    lambda xs, y: [exp(x - y) / len(xs) if i < 3 else 0.0 for i, x in enumerate(xs)])

# -- a hand-written 2-layer MLP -----------------------------------------------------------

mytanh = Op("mytanh", "tanh", f=math.tanh, df=lambda x, y: 1.0 - y * y, doc="tanh")
mytanh_no_square = Op("mytanh", "tanh", f=math.tanh, df=lambda x, y: 1.0 - y)
mytanh_float = Op("mytanh", "tanh", f=math.tanh,
                  df=lambda x, y: 1.0 - float(y) * float(y))


class TinyMLP:
    """nin → hidden (activation) → 1, weights from a seeded uniform [-1, 1]."""

    def __init__(self, nin: int = 2, hidden: int = 3, seed: int = 0,
                 activation: Op = mytanh, detach_hidden: bool = False) -> None:
        rng = random.Random(seed)
        self.w1 = [[Value(rng.uniform(-1, 1), label=f"w1.{j}.{k}") for k in range(nin)]
                   for j in range(hidden)]
        self.b1 = [Value(rng.uniform(-1, 1), label=f"b1.{j}") for j in range(hidden)]
        self.w2 = [Value(rng.uniform(-1, 1), label=f"w2.{j}") for j in range(hidden)]
        self.b2 = Value(rng.uniform(-1, 1), label="b2")
        self.activation = activation
        self.detach_hidden = detach_hidden

    def parameters(self) -> list[Value]:
        return [w for ws in self.w1 for w in ws] + self.b1 + self.w2 + [self.b2]

    def __call__(self, xs: Sequence[Any]) -> Value:
        h = [self.activation(autograd.dot(ws, list(xs), b)) for ws, b in zip(self.w1, self.b1)]
        if self.detach_hidden:  # the planted bug: the hidden layer taken out of the graph
            h = [Value(v.data) for v in h]
        return autograd.dot(self.w2, h, self.b2)


# -- the catalogue ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bug:
    """One planted bug: the buggy op (or model), the correct one, what is wrong."""

    name: str
    family: str  # softclip, swish_beta, hypot, logmeanexp, mlp
    subject: Any  # the buggy Op, or a TinyMLP factory for the MLP
    what: str


CORRECT: dict[str, Any] = {
    "softclip": softclip, "swish_beta": swish_beta, "hypot": hypot,
    "logmeanexp": logmeanexp, "mlp": lambda: TinyMLP(),
}

BUGS: list[Bug] = [
    Bug("softclip_no_square", "softclip", softclip_no_square, "1/(1+|x|) for 1/(1+|x|)²"),
    Bug("softclip_no_abs", "softclip", softclip_no_abs, "1/(1+x)²: wrong for x < 0"),
    Bug("softclip_flat_tail", "softclip", softclip_flat_tail, "0 for |x| > 5"),
    Bug("softclip_typo", "softclip", softclip_typo, "1.0001 for 1 (off by ~1e-4)"),
    Bug("softclip_float", "softclip", softclip_float,
        "float(x) in df: right first, wrong second derivative"),
    Bug("swish_beta_no_inner", "swish_beta", swish_beta_no_inner,
        "forgot the inner β (right for β = 1)"),
    Bug("swish_beta_sign", "swish_beta", swish_beta_sign, "− for +"),
    Bug("swish_beta_sigmoid_of_x", "swish_beta", swish_beta_sigmoid_of_x,
        "σ(x) for σ(βx) (right for β = 1)"),
    Bug("swish_beta_math", "swish_beta", swish_beta_math,
        "math.exp(float(x)) in df: wrong second derivative"),
    Bug("hypot_swapped", "hypot", hypot_swapped, "partials swapped (right for a = b)"),
    Bug("hypot_no_division", "hypot", hypot_no_division, "(a, b) for (a, b)/y"),
    Bug("hypot_first_twice", "hypot", hypot_first_twice, "∂/∂b = a/y"),
    Bug("hypot_squared", "hypot", hypot_squared, "divided by y² (right for y = 1)"),
    Bug("hypot_rounded", "hypot", hypot_rounded, "y to 4 digits (off by < 5e-4)"),
    Bug("logmeanexp_unnormalised", "logmeanexp", logmeanexp_unnormalised,
        "softmax·n (right for 1 operand)"),
    Bug("logmeanexp_mean", "logmeanexp", logmeanexp_mean, "1/n each (right when all equal)"),
    Bug("logmeanexp_first_for_last", "logmeanexp", logmeanexp_first_for_last,
        "last weight from x_1 (right for 1 operand)"),
    Bug("logmeanexp_three", "logmeanexp", logmeanexp_three, "0 beyond the 3rd operand"),
    Bug("mlp_detached_hidden", "mlp", lambda: TinyMLP(detach_hidden=True),
        "hidden layer rebuilt from .data"),
    Bug("mlp_activation_no_square", "mlp", lambda: TinyMLP(activation=mytanh_no_square),
        "tanh' = 1 − y"),
    Bug("mlp_activation_float", "mlp", lambda: TinyMLP(activation=mytanh_float),
        "float(y) in tanh': wrong second derivatives"),
]

#: The ops each family's expressions draw besides the op under test.
COMPANIONS = ["add", "mul", "tanh", "exp"]
