"""The course's loss functions; each returns a ``Value``.

Regression and margin losses take one prediction/target pair (numbers or
Values) or two equally long sequences of them and reduce the per-element
terms by ``reduction="mean"`` (default) or ``"sum"``:

=================  =====================================================
``mse``            (p − t)²
``l1``             |p − t|
``l2``             ½·(p − t)², summed by default: ½·Σ(p − t)²
``bce``            −[t·ln p + (1 − t)·ln(1 − p)], logs clamped at −100
``bce_with_logits`` the same with p = σ(x), computed as (1 − t)·x − ln σ(x)
``logistic``       ln(1 + e^(−y·s)) = −ln σ(y·s)
``exponential``    e^(−y·s)
``hinge``          max(0, 1 − y·s)
``squared_hinge``  max(0, 1 − y·s)²
``quadratic_margin`` (1 − y·s)²
=================  =====================================================

Margin labels y must be −1 or +1. ``multiclass_hinge`` and
``cross_entropy`` take one sample's class scores and a class index (or a
batch: a list of score lists and a list of indices, reduced). PyTorch
agrees where it has the loss: ``mse``/``l1`` = MSELoss/L1Loss, ``bce`` =
BCELoss, ``bce_with_logits`` = BCEWithLogitsLoss, ``logistic`` =
SoftMarginLoss, ``multiclass_hinge`` = C·MultiMarginLoss for C classes,
``cross_entropy`` = CrossEntropyLoss, ``kl_divergence(p, q)`` =
``kl_div(q.log(), p, reduction="sum")``.
"""

from __future__ import annotations

import math
import operator
import struct
from collections.abc import Iterable
from typing import Any

import autograd
from autograd import Op, Value
from autograd.op import log as _log  # ln on a float (IEEE) or a Value (recorded)

from .module import Module

Scalar = Any  # a real number or a Value
REDUCTIONS = ("mean", "sum")
#: The losses of the form loss(predictions, targets) over a batch: what
#: ``nn.fit(loss=name)`` accepts.
LOSSES = ("mse", "l1", "l2", "bce", "bce_with_logits", "logistic", "exponential", "hinge",
          "squared_hinge", "quadratic_margin", "multiclass_hinge", "cross_entropy")
_ACCEPTED = "a number or a Value (int, float, NumPy number, Fraction)"


# -- helpers -------------------------------------------------------------------------

def _is_seq(x: Any) -> bool:
    return not isinstance(x, (Value, str, bytes)) and hasattr(x, "__len__")


def _is_bool(x: Any) -> bool:
    """Python and NumPy booleans (``np.True_`` is no ``bool``, but == 1)."""
    return isinstance(x, bool) or getattr(getattr(x, "dtype", None), "kind", None) == "b"


def _scalar(x: Any, fn: str, what: str) -> Scalar:
    if isinstance(x, Value):
        return x
    if _is_bool(x):
        raise ValueError(f"{fn}: {what} must be {_ACCEPTED}, got {x!r} ({type(x).__name__}) "
                         f"(booleans are refused: write 1.0/0.0, or -1/+1 for labels)")
    if not isinstance(x, (int, float)):
        try:
            return Value(x).data  # NumPy scalars, Fractions...
        except TypeError:
            raise TypeError(f"{fn}: {what} must be {_ACCEPTED}, got "
                            f"{type(x).__name__}: {x!r}") from None
    return x


def _data(x: Scalar) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _probability(x: Scalar, fn: str, what: str) -> Scalar:
    """A target probability: in [0, 1] (NaN refused), as torch's BCELoss demands."""
    if not 0.0 <= _data(x) <= 1.0:
        raise ValueError(f"{fn}: {what} must be a probability in [0, 1], got {_data(x)!r}")
    return x


def _pairs(prediction: Any, target: Any, fn: str,
           names: tuple[str, str] = ("prediction", "target")) -> list[tuple[Scalar, Scalar]]:
    """Matched (prediction, target) pairs; a clear error when shapes differ."""
    ps, ts = _is_seq(prediction), _is_seq(target)
    if not ps and not ts:
        return [(_scalar(prediction, fn, names[0]), _scalar(target, fn, names[1]))]
    if ps != ts:
        raise ValueError(f"{fn}: {names[0]} and {names[1]} must both be single values or "
                         f"both sequences, got {type(prediction).__name__} and "
                         f"{type(target).__name__}")
    if len(prediction) != len(target):
        raise ValueError(f"{fn}: {len(prediction)} {names[0]}s but {len(target)} "
                         f"{names[1]}s")
    if len(prediction) == 0:
        raise ValueError(f"{fn}: empty {names[0]} sequence (the loss of nothing is "
                         f"undefined)")
    return [(_scalar(p, fn, f"{names[0]}[{i}]"), _scalar(t, fn, f"{names[1]}[{i}]"))
            for i, (p, t) in enumerate(zip(prediction, target))]


def _check_reduction(reduction: str, fn: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be 'mean' or 'sum', got {reduction!r}")


def _reduce(terms: list[Any], reduction: str, fn: str) -> Value:
    _check_reduction(reduction, fn)
    if len(terms) == 1:
        t = terms[0]
        return t if isinstance(t, Value) else Value(t)
    return autograd.mean(terms) if reduction == "mean" else autograd.sum(terms)


def _elementwise(prediction: Any, target: Any, reduction: str, fn: str,
                 term: Any, names: tuple[str, str] = ("prediction", "target")) -> Value:
    _check_reduction(reduction, fn)
    return _reduce([term(p, t) for p, t in _pairs(prediction, target, fn, names)],
                   reduction, fn)


def _as_value(x: Scalar) -> Value:
    return x if isinstance(x, Value) else Value(x)


# -- regression ----------------------------------------------------------------------

def mse(prediction: Any, target: Any, reduction: str = "mean") -> Value:
    """Mean (or sum) of (p − t)²."""
    return _elementwise(prediction, target, reduction, "mse",
                        lambda p, t: _as_value(p - t) ** 2)


def l1(prediction: Any, target: Any, reduction: str = "mean") -> Value:
    """Mean (or sum) of |p − t|."""
    return _elementwise(prediction, target, reduction, "l1",
                        lambda p, t: abs(_as_value(p - t)))


def l2(prediction: Any, target: Any, reduction: str = "sum") -> Value:
    """½·Σ(p − t)² (the course's L2 loss); ``reduction="mean"`` gives ½·mean."""
    _check_reduction(reduction, "l2")
    return 0.5 * _reduce([_as_value(p - t) ** 2 for p, t in _pairs(prediction, target, "l2")],
                         reduction, "l2")


def _clamped_log(x: float) -> float:
    """ln x clamped below at −100 (PyTorch's BCELoss)."""
    return max(_log(x), -100.0)


def _bce_f(p: float, t: float) -> float:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"bce: probability must lie in [0, 1], got {p!r} "
                         f"(for scores use bce_with_logits)")
    return -(t * _clamped_log(p) + (1.0 - t) * _clamped_log(1.0 - p))


# PyTorch's BCE backward divides by max(p(1 − p), EPSILON) with EPSILON the
# float32 constant 1e-12 (9.99999996e-13 exactly); we copy it, so a student's
# gradient at p = 0 or 1 matches torch's to the last digit.
_BCE_EPS = struct.unpack("f", struct.pack("f", 1e-12))[0]


def _bce_df(p: Any, t: Any, y: Any) -> tuple[Any, Any]:
    # PyTorch's: ∂/∂p = (p − t)/max(p(1 − p), ε), ∂/∂t = ln(1 − p) − ln p.
    q = p * (1.0 - p)
    return (p - t) / (q if q > _BCE_EPS else _BCE_EPS), _log(1.0 - p) - _log(p)


#: Binary cross-entropy as one node (p, t), exactly as torch's BCELoss.
BCE = Op("bce", "BCE", _bce_f, _bce_df, arity=2,
         doc="−[t ln p + (1−t) ln(1−p)], logs ≥ −100;  ∂/∂p = (p−t)/max(p(1−p), 1e-12)")


def bce(probability: Any, target: Any, reduction: str = "mean") -> Value:
    """Binary cross-entropy of probabilities p ∈ [0, 1] against targets t ∈ [0, 1]:
    −[t·ln p + (1 − t)·ln(1 − p)], each log clamped at −100 as PyTorch does.
    A target outside [0, 1] (or NaN, or a bool) is refused, as by torch."""
    return _elementwise(probability, target, reduction, "bce",
                        lambda p, t: BCE(p, _probability(t, "bce", "target")),
                        ("probability", "target"))


def bce_with_logits(logit: Any, target: Any, reduction: str = "mean") -> Value:
    """bce(σ(x), t) computed stably as (1 − t)·x − ln σ(x); gradient σ(x) − t.
    Targets must lie in [0, 1] (torch does not check; a target of 2 is no
    probability and gives a meaningless loss)."""
    def term(x: Scalar, t: Scalar) -> Value:
        t = _probability(t, "bce_with_logits", "target")
        return _as_value(x) * (1.0 - t) - _as_value(x).logsigmoid()
    return _elementwise(logit, target, reduction, "bce_with_logits", term,
                        ("logit", "target"))


# -- margin losses (y in {-1, +1}) ----------------------------------------------------

def _margin(score: Any, y: Any, reduction: str, fn: str, term: Any) -> Value:
    for label in (y if _is_seq(y) else [y]):
        if _is_bool(label):
            raise ValueError(f"{fn}: labels must be -1 or +1 (an int, float, NumPy number "
                             f"or Value), got {label!r} ({type(label).__name__})")
    def checked(s: Scalar, label: Scalar) -> Value:
        yv = _data(label)
        if yv not in (-1.0, 1.0):
            raise ValueError(f"{fn}: labels must be -1 or +1, got {yv!r} (class indices "
                             f"0/1? use 2*y - 1, or nn.data's labels='sign')")
        return term(_as_value(s) * yv)
    return _elementwise(score, y, reduction, fn, checked, ("score", "label"))


def logistic(score: Any, y: Any, reduction: str = "mean") -> Value:
    """ln(1 + e^(−y·s)), computed as −ln σ(y·s) (no overflow)."""
    return _margin(score, y, reduction, "logistic", lambda m: -m.logsigmoid())


def exponential(score: Any, y: Any, reduction: str = "mean") -> Value:
    """e^(−y·s) (AdaBoost's loss)."""
    return _margin(score, y, reduction, "exponential", lambda m: (-m).exp())


def hinge(score: Any, y: Any, reduction: str = "mean") -> Value:
    """max(0, 1 − y·s) (the SVM loss; gradient 0 at y·s = 1)."""
    return _margin(score, y, reduction, "hinge", lambda m: (1.0 - m).relu())


def squared_hinge(score: Any, y: Any, reduction: str = "mean") -> Value:
    """max(0, 1 − y·s)²."""
    return _margin(score, y, reduction, "squared_hinge", lambda m: (1.0 - m).relu() ** 2)


def quadratic_margin(score: Any, y: Any, reduction: str = "mean") -> Value:
    """(1 − y·s)² (least squares on ±1 labels)."""
    return _margin(score, y, reduction, "quadratic_margin", lambda m: (1.0 - m) ** 2)


# -- classification on class scores ---------------------------------------------------

def _class_index(target: Any, n: int, fn: str) -> int:
    """An int (or NumPy integer) in [0, n); bools and floats are refused."""
    k = None
    if not _is_bool(target):
        try:
            k = operator.index(target)
        except TypeError:
            k = None
    if k is None or not 0 <= k < n:
        raise ValueError(f"{fn}: target must be a class index in [0, {n}), got "
                         f"{type(target).__name__}: {target!r}")
    return k


def _scores(scores: Any, fn: str) -> list[Scalar]:
    if not _is_seq(scores) or len(scores) == 0:
        raise ValueError(f"{fn}: scores must be a non-empty sequence of class scores, "
                         f"got {type(scores).__name__}: {scores!r}")
    return [_scalar(s, fn, f"scores[{i}]") for i, s in enumerate(scores)]


def _per_sample(scores: Any, target: Any, reduction: str, fn: str, one: Any) -> Value:
    """``one(scores, target)`` for one sample, or reduced over a batch of them."""
    _check_reduction(reduction, fn)
    if _is_seq(scores) and len(scores) > 0 and _is_seq(scores[0]):
        if not _is_seq(target) or len(target) != len(scores):
            raise ValueError(f"{fn}: a batch of {len(scores)} score lists needs as many "
                             f"targets, got {target!r}")
        return _reduce([one(s, t) for s, t in zip(scores, target)], reduction, fn)
    return one(scores, target)


def multiclass_hinge(scores: Any, target: Any, margin: float = 1.0,
                     reduction: str = "mean") -> Value:
    """Σ over j ≠ target of max(0, s_j − s_target + margin) (Weston–Watkins SVM)."""
    if _is_bool(margin) or not isinstance(margin, (int, float)) or not math.isfinite(margin):
        raise ValueError(f"multiclass_hinge: margin must be a finite real number, got "
                         f"{type(margin).__name__}: {margin!r}")

    def one(s: Any, t: Any) -> Value:
        xs = _scores(s, "multiclass_hinge")
        k = _class_index(t, len(xs), "multiclass_hinge")
        st = _as_value(xs[k])
        return autograd.sum([(_as_value(xs[j]) - st + margin).relu()
                             for j in range(len(xs)) if j != k])
    return _per_sample(scores, target, reduction, "multiclass_hinge", one)


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Value:
    """−ln softmax(logits)[target] = logsumexp(logits) − logits[target], through
    ``autograd.log_softmax`` (shifted by the max: exact ½ gradients at [1e4, 1e4, 0])."""
    def one(s: Any, t: Any) -> Value:
        xs = _scores(s, "cross_entropy")
        k = _class_index(t, len(xs), "cross_entropy")
        return -autograd.log_softmax(xs)[k]
    return _per_sample(logits, target, reduction, "cross_entropy", one)


def kl_divergence(p: Any, q: Any) -> Value:
    """Σ p_i·ln(p_i/q_i) over two distributions (terms with p_i = 0 are 0)."""
    pairs = _pairs(p, q, "kl_divergence", ("p", "q"))
    terms: list[Any] = []
    for i, (pi, qi) in enumerate(pairs):
        pd = pi.data if isinstance(pi, Value) else pi
        if not pd >= 0:
            raise ValueError(f"kl_divergence: p[{i}] = {pd!r} is not a probability")
        qd = qi.data if isinstance(qi, Value) else qi
        if not qd >= 0:
            raise ValueError(f"kl_divergence: q[{i}] = {qd!r} is not a probability")
        if pd == 0:
            continue  # 0·ln(0/q) = 0
        terms.append(pi * (_log(pi) - _log(qi)))
    return autograd.sum(terms)


# -- regularisers ---------------------------------------------------------------------

def _params(params: Module | Iterable[Any], fn: str) -> list[Any]:
    if isinstance(params, Module):
        return list(params.parameters())
    if isinstance(params, Value) or not hasattr(params, "__iter__"):
        raise TypeError(f"{fn}: expected a Module or an iterable of Values, got "
                        f"{type(params).__name__}")
    return [_scalar(p, fn, "parameter") for p in params]


def l2_penalty(params: Module | Iterable[Any]) -> Value:
    """Σ w² over ``params`` (a Module or Values), as one dot node; gradient 2w."""
    ps = _params(params, "l2_penalty")
    return autograd.dot(ps, ps)


def l1_penalty(params: Module | Iterable[Any]) -> Value:
    """Σ |w| over ``params`` (a Module or Values); gradient sign(w), 0 at 0."""
    return autograd.sum([abs(_as_value(p)) for p in _params(params, "l1_penalty")])


__all__ = ["LOSSES", "mse", "l1", "l2", "bce", "bce_with_logits", "logistic", "exponential",
           "hinge", "squared_hinge", "quadratic_margin", "multiclass_hinge", "cross_entropy",
           "kl_divergence", "l2_penalty", "l1_penalty", "BCE", "REDUCTIONS"]
