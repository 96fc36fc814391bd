"""Gradient checking: the engine's derivatives against central differences.

``gradcheck(fn, inputs, params=...)`` compares, for every checked quantity
x_k (an input of ``fn``, or a Value ``fn`` reads, perturbed in place), the
analytical derivative ∂f/∂x_k that ``backward()`` gives with the central
difference

    D(h) = (f(x + h·e_k) − f(x − h·e_k)) / 2h,   h = eps · max(1, |x_k|).

A derivative passes when |analytical − numerical| ≤ atol + rtol·|numerical|
+ err, where err is what the numerical value itself may be off by:

- rounding: each node's value v is rounded to within ε·|v|, which moves f by
  about ε·Σ |∂f/∂v|·|v| (the adjoints come from the same ``backward()``), so
  D(h) carries up to 4·ε·Σ|∂f/∂v·v| / h;
- truncation, looked at only when D(h) disagrees: D(h/2) is compared, with
  |D(h) − D(h/2)| as its error. That bound holds for the O(h²) error of a
  smooth f and for the O(h) error at a point where f' is continuous but f''
  jumps (softsign at 0), so neither fails a correct derivative, while a wrong
  derivative stays as far from D(h/2) as from D(h).

When the two steps still disagree the segment [x − h, x + h] is examined:
if some op changes piece there (``Op.branch`` with ``smoothness`` below the
order checked: relu at 0, abs, max ties, clamp bounds), leaves its declared
``Op.domain`` (hypot at (0, 0)), raises, or ``fn`` builds a graph of another
shape (a Python ``if`` on a value), the step is halved until the segment is
clean and the check is made there. If no step is clean the point sits on the
kink itself: central differences and the derivative convention legitimately
differ, and the check emits a :class:`KinkWarning` (only then: a kink where
both agree passes silently). A real mismatch raises :class:`GradcheckError`
with a table, and, when one op's local derivative is wrong at the failing
point, names that op.

It also checks that a second ``backward()`` adds exactly the same amounts,
that ``grad()`` gives the same numbers as ``backward()``, that a zero upstream
gradient gives zero gradients, and that every input reaches the output.
``gradgradcheck`` does the same one order up: ∂²f/∂x_j∂x_k from
``backward()`` over ``grad(f, x, create_graph=True)[j]`` against central
differences of the first derivatives.

Both record even inside ``no_grad()``, and leave every node as they found it
(``.grad`` and the ``.data`` of perturbed Values restored exactly), also when
``fn`` raises or the check is interrupted.
"""

from __future__ import annotations

import inspect
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .backprop import topological_order
from .functional import grad
from .modes import enable_grad
from .op import Op
from .text import check_text
from .value import Value, to_float

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError", "KinkWarning", "find_kinks"]


class GradcheckError(AssertionError):
    """The engine's derivatives disagree with central differences (or with
    themselves). An ``AssertionError``, so test runners report it as a failure."""


class KinkWarning(UserWarning):
    """A derivative could not be checked because its point sits on a kink of a
    piecewise op (relu, abs, max, clamp...) or on the edge of an op's declared
    domain, and there central differences and the derivative convention
    legitimately differ. Emitted only when the two values disagree; make it an
    error with ``warnings.simplefilter("error", autograd.KinkWarning)`` or
    pytest's ``-W error::autograd.KinkWarning``."""


Fn = Callable[..., Any]

#: Unit roundoff of float64: every op's result is within ROUNDOFF·|value|.
ROUNDOFF = 2.0 ** -53
#: Safety factor on the rounding-error bound of a central difference.
ROUNDING_FACTOR = 4.0
#: A kink is looked for down to steps this much smaller than the first one.
SMALLEST_STEP = 2.0 ** -20
#: The check's own numbers may be wrong if ``eps`` leaves this range.
EPS_RANGE = (1e-14, 1.0)


class _Undefined(Exception):
    """``fn`` has no finite value at a shifted point (it raised or gave nan/inf)."""


# -- what is checked ----------------------------------------------------------------

@dataclass
class _Subject:
    """The quantities of one check: ``fn``'s inputs (fresh leaves each call)
    followed by ``params`` (the caller's Values, perturbed in place)."""

    fn: Fn
    where: str
    index: tuple[str, ...]  # "0", "1", "params[0]": where each came from
    labels: tuple[str, ...]
    centre: tuple[float, ...]
    n_inputs: int
    params: tuple[Value, ...]
    keywords: tuple[str, ...] | None  # input names when inputs came as a mapping

    def call(self, values: Sequence[float]) -> tuple[Value, list[Value]]:
        """``fn`` at ``values`` (params set in place: the caller restores them):
        its output and the Values that stand for each quantity."""
        n = self.n_inputs
        leaves = [Value(v, label=lab) for lab, v in zip(self.labels[:n], values[:n])]
        for p, v in zip(self.params, values[n:]):
            if p.data != v:
                p.data = v
        if self.keywords is not None:
            out = self.fn(**dict(zip(self.keywords, leaves)))
        else:
            out = self.fn(*leaves)
        if not isinstance(out, Value):
            hint = (" (a number: did fn compute with .data or float(), outside the graph?)"
                    if isinstance(out, (int, float)) else "")
            raise TypeError(f"{self.where}: fn must return a Value, got "
                            f"{type(out).__name__}: {_shown(out)}{hint}")
        return out, leaves + list(self.params)

    def describe(self, k: int) -> str:
        """``input 0 ('x')`` or ``params[2] ('w1.0')``: quantity k in a message."""
        what = "input " if k < self.n_inputs else ""
        return f"{what}{self.index[k]} ({self.labels[k]!r})"

    def shifted(self, k: int, delta: float) -> list[float]:
        values = list(self.centre)
        values[k] = self.centre[k] + delta
        return values


def _shown(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def _subject(fn: Fn, inputs: Any, params: Any, where: str) -> _Subject:
    if not callable(fn):
        raise TypeError(f"{where}: fn must be callable, got {type(fn).__name__}")
    keywords: tuple[str, ...] | None = None
    items: list[tuple[str | None, Any]]
    if inputs is None:
        items = []
    elif isinstance(inputs, Mapping):
        items = list(inputs.items())
        for name, _ in items:
            if not isinstance(name, str):
                raise TypeError(f"{where}: input names must be str, got "
                                f"{type(name).__name__}: {_shown(name)}")
            check_text(where, f"input name {name!r}", name)  # it labels the input's Value
        keywords = tuple(name for name, _ in items)  # type: ignore[misc]
    elif isinstance(inputs, Value) or isinstance(inputs, (int, float)) or (
            not isinstance(inputs, (str, bytes)) and not hasattr(inputs, "__iter__")):
        items = [(None, inputs)]
    elif isinstance(inputs, (str, bytes)):
        raise TypeError(f"{where}: inputs must be numbers, a sequence or a mapping of "
                        f"numbers, got {type(inputs).__name__}: {_shown(inputs)}")
    else:
        items = [(None, x) for x in inputs]
    index, labels, values = [], [], []
    seen: dict[int, str] = {}
    for i, (name, x) in enumerate(items):
        at = f"inputs[{name!r}]" if name is not None else f"inputs[{i}]"
        if isinstance(x, Value):
            seen[id(x)] = at
            label, x = (name or x.label or f"x{i}"), x.data
        else:
            label = name or f"x{i}"
            x = _number(x, f"{where}: {at}")
        _finite(x, where, at)
        index.append(str(i))
        labels.append(label)
        values.append(x)
    n_inputs = len(values)
    kept: list[Value] = []
    if params is not None:
        if isinstance(params, Value) or not hasattr(params, "__iter__") or isinstance(
                params, (str, bytes, Mapping)):
            raise TypeError(f"{where}: params must be an iterable of Values (such as "
                            f"model.parameters()), got {type(params).__name__}")
        for j, p in enumerate(params):
            at = f"params[{j}]"
            if not isinstance(p, Value):
                raise TypeError(f"{where}: {at} must be a Value (a parameter fn reads), "
                                f"got {type(p).__name__}: {_shown(p)}")
            if id(p) in seen:
                raise ValueError(f"{where}: {at} is the same Value as {seen[id(p)]}: "
                                 f"check each Value once")
            seen[id(p)] = at
            _finite(p.data, where, at)
            kept.append(p)
            index.append(at)
            labels.append(p.label or at)
            values.append(p.data)
    if not values:
        raise ValueError(f"{where}: nothing to check: give inputs, or params (the "
                         f"Values fn reads, e.g. model.parameters())")
    _signature_fits(fn, n_inputs, keywords, where)
    return _Subject(fn, where, tuple(index), tuple(labels), tuple(values), n_inputs,
                    tuple(kept), keywords)


def _signature_fits(fn: Fn, n: int, keywords: tuple[str, ...] | None, where: str) -> None:
    """TypeError now, naming the check, if fn cannot take the inputs at all
    (rather than Python's error from deep inside the check)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # a builtin without a signature: try it
        return
    try:
        if keywords is not None:
            signature.bind(**dict.fromkeys(keywords))
        else:
            signature.bind(*[None] * n)
    except TypeError as e:
        given = (f"the keywords {', '.join(keywords)}" if keywords is not None
                 else f"{n} positional input(s)")
        raise TypeError(f"{where}: fn{signature} cannot take {given} ({e})") from None


def _number(x: Any, what: str) -> float:
    """``to_float``, with every refusal naming ``what`` (a Decimal sNaN makes
    ``float()`` itself raise a ValueError that names nothing)."""
    try:
        return to_float(x, what)
    except ValueError as e:
        if str(e).startswith(what):
            raise
        raise ValueError(f"{what} {_shown(x)} is no usable number: {e}") from None


def _finite(x: float, where: str, at: str) -> None:
    if not math.isfinite(x):
        raise ValueError(f"{where}: {at} is {x!r}; central differences need finite values")


@dataclass(frozen=True)
class _Settings:
    eps: float
    atol: float
    rtol: float

    def __str__(self) -> str:
        return f"eps={self.eps:g}, atol={self.atol:g}, rtol={self.rtol:g}"

    def step(self, x: float) -> float:
        return self.eps * max(1.0, abs(x))

    def allowed(self, numerical: float, error: float) -> float:
        return self.atol + self.rtol * abs(numerical) + error


def _settings(where: str, eps: Any, atol: Any, rtol: Any) -> _Settings:
    got = []
    for name, v in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        if isinstance(v, bool) or getattr(getattr(v, "dtype", None), "kind", None) == "b":
            raise TypeError(f"{where}: {name} must be a real number, not a bool ({v!r})")
        x = _number(v, f"{where}: {name}")
        if name == "eps":
            lo, hi = EPS_RANGE
            if not (lo <= x <= hi):
                raise ValueError(f"{where}: eps must be between {lo:g} and {hi:g} (a "
                                 f"smaller step is lost in float64 rounding, a larger one "
                                 f"is no derivative), got {x!r}")
        elif not (math.isfinite(x) and x >= 0):
            raise ValueError(f"{where}: {name} must be a finite number >= 0, got {x!r}")
        got.append(x)
    return _Settings(*got)


def _flag(where: str, name: str, v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError(f"{where}: {name} must be True or False, got "
                        f"{type(v).__name__}: {_shown(v)}")
    return v


# -- leaving everything as it was ------------------------------------------------------

class _Undo:
    """What a check changes on the caller's nodes (``.data`` of perturbed
    params, ``.grad`` of every node a backward pass reaches), kept before the
    change and put back by :meth:`restore`, which finishes even when it is
    interrupted itself."""

    def __init__(self) -> None:
        self._kept: list[tuple[Value, bool, float]] = []

    def keep_data(self, values: Iterable[Value]) -> None:
        self._kept.extend((v, True, v.data) for v in values)

    def keep_grads(self, nodes: Iterable[Value]) -> None:
        self._kept.extend((v, False, v.grad) for v in nodes)

    def restore(self) -> None:
        """Put every kept number back, latest first (so each node ends with the
        value it had before the check). An interrupt here does not stop it: the
        loop resumes where it was and the interrupt is raised at the end."""
        kept = self._kept
        k = len(kept)
        pending: BaseException | None = None
        while k:
            try:
                while k:
                    node, is_data, x = kept[k - 1]
                    if is_data:
                        node.data = x
                    else:
                        node.grad = x
                    k -= 1
            except BaseException as e:  # Ctrl-C in the middle: finish, then raise
                pending = pending or e
        kept.clear()  # (a second restore() finds nothing left to do)
        if pending is not None:
            raise pending


def _restoring(subject: _Subject, work: Callable[[_Undo], None]) -> None:
    """Run ``work`` with recording on, then put back everything it kept. The
    restore is written twice: a Ctrl-C that lands on the first one's call
    (before it can start) is caught by the second, which finds the same list."""
    undo = _Undo()
    try:
        with enable_grad():
            try:
                undo.keep_data(subject.params)
                work(undo)
            finally:
                undo.restore()
    finally:
        undo.restore()


# -- the numbers -------------------------------------------------------------------------

def _short(x: float) -> str:
    """A number in a report: 10 significant digits."""
    return f"{x:.10g}"


def _close(a: float, n: float, allowed: float) -> bool:
    if a == n:
        return True
    return math.isfinite(a) and math.isfinite(n) and abs(a - n) <= allowed


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)


def _rounding(root: Value, nodes: Sequence[Value]) -> float:
    """ε·Σ |∂root/∂v|·|v| over the nodes: how far rounding can move root's value
    (first order), read off the ``.grad`` a backward pass from root just left
    in ``nodes`` (zeroed before it)."""
    total = 0.0
    for node in nodes:
        g = node.grad
        if g:
            total += abs(g * node.data)
    return ROUNDOFF * total if math.isfinite(total) else math.inf


Phi = Callable[[Sequence[float]], list[float]]


@dataclass
class _Outcome:
    """The verdict on one derivative: passed, failed (with the numbers) or not
    checkable (a kink or domain edge: ``kink`` says where)."""

    passed: bool
    numerical: float = math.nan
    allowed: float = 0.0
    kink: tuple[str, str] | None = None  # (what the point sits on, details)


def _difference(subject: _Subject, phi: Phi, k: int, h: float) -> tuple[list[float], float]:
    """D(h) for each component of phi, and the half-width actually used."""
    minus, plus = subject.shifted(k, -h), subject.shifted(k, h)
    width = plus[k] - minus[k]
    fm, fp = phi(minus), phi(plus)
    return [(p - m) / width for p, m in zip(fp, fm)], width / 2.0


def _judge(subject: _Subject, phi: Phi, k: int, analytical: Sequence[float],
           noise: Sequence[float], s: _Settings, order: int) -> list[_Outcome]:
    """Compare ``analytical[j]`` (∂phi_j/∂x_k) with central differences of phi
    along quantity k, with the steps and error bounds of the module docstring."""
    comps = range(len(analytical))
    outcome = [_Outcome(True) for _ in comps]
    h = s.step(subject.centre[k])

    def settle(pending: list[int], h: float) -> list[int]:
        """Try D(h), then D(h/2) with |D(h) − D(h/2)| as error; what still fails."""
        try:
            d1, w1 = _difference(subject, phi, k, h)
        except _Undefined:
            return pending
        left = []
        for j in pending:
            err = ROUNDING_FACTOR * noise[j] / w1
            if not (math.isfinite(err) and _close(analytical[j], d1[j], s.allowed(d1[j], err))):
                left.append(j)
            outcome[j] = _Outcome(True, d1[j], s.allowed(d1[j], err))
        if not left:
            return left
        try:
            d2, w2 = _difference(subject, phi, k, h / 2.0)
        except _Undefined:
            for j in left:
                outcome[j].passed = False
            return left
        still = []
        for j in left:
            err = abs(d1[j] - d2[j]) + ROUNDING_FACTOR * noise[j] / w2
            outcome[j] = _Outcome(True, d2[j], s.allowed(d2[j], err))
            if not (math.isfinite(err) and _close(analytical[j], d2[j], outcome[j].allowed)):
                outcome[j].passed = False
                still.append(j)
        return still

    pending = settle(list(comps), h)
    if not pending:
        return outcome
    cut = _piece_change(subject, k, h, order)
    if cut is None:
        for j in pending:
            outcome[j].passed = False
        return outcome
    smaller = h
    while cut is not None and smaller > h * SMALLEST_STEP:
        smaller /= 2.0
        cut = _piece_change(subject, k, smaller, order)
    if cut is not None:  # on the kink itself: no step is clean
        for j in pending:
            outcome[j].passed = True
            outcome[j].kink = cut
        return outcome
    for j in pending:
        outcome[j] = _Outcome(True)
    for j in settle(pending, smaller):
        outcome[j].passed = False
    return outcome


# -- kinks and domain edges ---------------------------------------------------------

_Walk = list[tuple[Op, tuple[float, ...]]]


def _walk(roots: Sequence[Value]) -> _Walk:
    """(op, input values) of every op node under the roots, in topological order."""
    found: _Walk = []
    for root in roots:
        for node in topological_order(root):
            op = node.fn
            if op is not None:
                found.append((op, tuple(c.data for c in node.children)))
    return found


def _evaluate_walks(subject: _Subject, values: Sequence[float], order: int
                    ) -> tuple[_Walk, _Walk] | str:
    """The walks of fn's graph (and of its derivatives' graphs, for order 2)
    at ``values``, or why there is none (fn raised, or is not finite)."""
    try:
        out, slots = subject.call(values)
    except (ArithmeticError, ValueError) as e:
        return f"fn raises {type(e).__name__} ({e})"
    if not math.isfinite(out.data):
        return f"fn's value is {out.data!r}"
    if order == 1:
        return _walk([out]), []
    try:
        derivatives = grad(out, slots, create_graph=True)
    except (ArithmeticError, ValueError) as e:
        return f"the derivative raises {type(e).__name__} ({e})"
    return _walk([out]), _walk(list(derivatives))


_KINK, _EDGE, _BRANCH, _UNDEFINED = ("a kink", "the edge of a declared domain",
                                     "a branch of fn", "the edge of where fn is defined")


def _piece_change(subject: _Subject, k: int, h: float, order: int
                  ) -> tuple[str, str] | None:
    """Why [x − h, x + h] along quantity k is no smooth segment, None if it is.

    Looks at every op node at x − h, x and x + h: the graph's shape, each op's
    piece (``branch``, for ops whose ``smoothness`` is below ``order``) and its
    declared domain, also where an input crosses 0 on the way (hypot(x, x)
    at x = ±h passes through (0, 0))."""
    label = subject.labels[k]
    walks = []
    for d, at in ((-h, "x-h"), (0.0, "x"), (h, "x+h")):
        w = _evaluate_walks(subject, subject.shifted(k, d), order)
        if isinstance(w, str):
            return _UNDEFINED, f"at {label} {at}, {w}"
        walks.append(w)
    (fm, dm), (fc, dc), (fp, dp) = walks
    why = _compare_walks(fm, fc, fp, order, "")
    if why is None and order > 1:
        why = _compare_walks(dm, dc, dp, 1, " of the derivative graph")
    return why


def _compare_walks(minus: _Walk, centre: _Walk, plus: _Walk, order: int,
                   graph: str) -> tuple[str, str] | None:
    if not (len(minus) == len(centre) == len(plus)) or any(
            not (m[0].name == c[0].name == p[0].name)
            for m, c, p in zip(minus, centre, plus)):
        return _BRANCH, (f"fn builds a graph{graph} of another shape at x-h, x, x+h "
                         f"({len(minus)}, {len(centre)}, {len(plus)} op nodes): it "
                         f"branches on its inputs")
    for node, ((op, xm), (_, xc), (_, xp)) in enumerate(zip(minus, centre, plus)):
        where = f"op {_op(op)} (op node {node}{graph}, inputs {_inputs(xc)})"
        if op.domain is not None:
            for xs, at in ((xc, "x"), (xm, "x-h"), (xp, "x+h")):
                if not op.in_domain(xs):
                    return _EDGE, f"{where} is outside its declared domain at {at}"
            crossing = _zero_crossing(op, xm, xp)
            if crossing is not None:
                return _EDGE, (f"{where} leaves its declared domain between x-h and x+h "
                               f"(at inputs {_inputs(crossing)})")
        if op.branch is not None and op.smoothness < order:
            pieces = (op.which_branch(xm), op.which_branch(xc), op.which_branch(xp))
            if not pieces[0] == pieces[1] == pieces[2]:
                return _KINK, (f"{where} is on piece {pieces[0]!r}, {pieces[1]!r}, "
                               f"{pieces[2]!r} at x-h, x, x+h")
    return None


def _zero_crossing(op: Op, xm: tuple[float, ...], xp: tuple[float, ...]
                   ) -> tuple[float, ...] | None:
    """The inputs, on the straight line from xm to xp, where an input that
    changes sign is 0, if the op's domain excludes them."""
    for j, (a, b) in enumerate(zip(xm, xp)):
        if a * b < 0:
            t = a / (a - b)
            point = [u + t * (v - u) for u, v in zip(xm, xp)]
            point[j] = 0.0
            for i, (u, v) in enumerate(zip(xm, xp)):
                if u * v <= 0 and abs(point[i]) <= abs(u - v) * 1e-9:
                    point[i] = 0.0  # crossing 0 at the same place
            if not op.in_domain(point):
                return tuple(point)
    return None


def _op(op: Op) -> str:
    """``'swish'``, or ``'swish' beta=0.5`` for a bound op: an op in a message;
    a fused op (a neuron) is named by its steps, ``'affine' then 'tanh'``."""
    if op.parts:
        return " then ".join(_op(part) for part in op.parts)
    bound = "".join(f" {n}={_short(p)}" for n, p in zip(op.param_names, op.params))
    return f"{op.name!r}{bound}"


def _inputs(xs: Sequence[float]) -> str:
    return "(" + ", ".join(_short(x) for x in xs) + ")"


def find_kinks(fn: Fn, inputs: Any = None, *, params: Any = None,
               eps: float = 1e-6) -> dict[str, str]:
    """The quantities for which some op of ``fn``'s graph changes piece, or
    leaves its declared domain, between x − h and x + h (h = eps·max(1, |x|)),
    every piecewise op counted: ``{label: description}``."""
    subject = _subject(fn, inputs, params, "find_kinks")
    s = _settings("find_kinks", eps, 0.0, 0.0)
    found = {}

    def look(undo: _Undo) -> None:
        for k, label in enumerate(subject.labels):
            why = _piece_change(subject, k, s.step(subject.centre[k]), order=99)
            if why is not None:
                found[label] = why[1]

    _restoring(subject, look)
    return found


# -- which op explains a mismatch -------------------------------------------------------

def _local_mismatches(root: Value, order: int, s: _Settings) -> list[tuple[str, str]]:
    """Op nodes under root whose own derivative (order 1: ``df``; order 2: the
    derivative of ``df`` as recorded under create_graph) disagrees with central
    differences of the op alone at the node's inputs: (op name, details)."""
    found = []
    node_k = -1
    what = "df" if order == 1 else "the derivative of df (as create_graph records it)"
    for node in topological_order(root):
        op = node.fn
        if op is None:
            continue
        node_k += 1
        xs = [c.data for c in node.children]
        for which, a, n in _local_derivatives(op, xs, order, s):
            found.append((op.name, f"op {_op(op)} at op node {node_k}, inputs "
                                   f"{_inputs(xs)}: {what} gives {_short(a)} for {which}, "
                                   f"central differences {_short(n)}"))
    return found


def _local_derivatives(op: Op, xs: list[float], order: int, s: _Settings
                       ) -> list[tuple[str, float, float]]:
    """The local derivatives of one op at ``xs`` that disagree with central
    differences of the op alone: (which, analytical, numerical). Inputs on a
    kink or domain edge of the op are skipped."""
    bad: list[tuple[str, float, float]] = []
    try:
        y = op.value(xs)
        if order == 1:
            rows = [[float(d)] for d in op.derivatives(xs, y)]  # rows[m][0] = ∂y/∂x_m
        else:
            ins = [Value(x) for x in xs]
            ds = op.derivatives(ins, op(*ins))
            # rows[m][j] = ∂(∂y/∂x_j)/∂x_m, as backward over the recorded df gives it
            per_j = [list(grad(d, ins)) if isinstance(d, Value) else [0.0] * len(xs)
                     for d in ds]
            rows = [[per_j[j][m] for j in range(len(xs))] for m in range(len(xs))]
    except (ArithmeticError, ValueError, TypeError):
        return bad

    def local(point: list[float]) -> list[float]:
        if order == 1:
            return [op.value(point)]
        return [float(d) for d in op.derivatives(point, op.value(point))]

    for m, x in enumerate(xs):
        h = s.step(x)
        estimates = []
        try:
            for step in (h, h / 2.0):
                minus, plus = list(xs), list(xs)
                minus[m], plus[m] = x - step, x + step
                if (op.which_branch(minus) != op.which_branch(plus)
                        or not (op.in_domain(minus) and op.in_domain(plus))):
                    raise _Undefined
                width = plus[m] - minus[m]
                estimates.append([(p - q) / width for p, q in zip(local(plus), local(minus))])
        except (_Undefined, ArithmeticError, ValueError, TypeError):
            continue
        d1, d2 = estimates
        for j, a in enumerate(rows[m]):
            scale = max(abs(y), 1.0) if order == 1 else max(abs(a), abs(d2[j]), 1.0)
            err = abs(d1[j] - d2[j]) + ROUNDING_FACTOR * 8 * ROUNDOFF * scale / (h / 2)
            if not _close(a, d2[j], s.allowed(d2[j], err)):
                which = f"input {m}" if order == 1 else f"inputs {j},{m}"
                bad.append((which, a, d2[j]))
    return bad


def _explain(subject: _Subject, order: int, s: _Settings) -> str:
    """A paragraph naming the op whose local derivative is wrong, if one is.
    At second order a wrong ``df`` shows too, so it is looked for first."""
    try:
        out, _ = subject.call(subject.centre)
        found = _local_mismatches(out, 1, s)
        if not found and order == 2:
            found = _local_mismatches(out, 2, s)
    except (ArithmeticError, ValueError, TypeError):
        return ""
    if not found:
        checked = "local derivative" if order == 1 else (
            "local derivative, and its derivative as create_graph records it,")
        return (f"Every op's {checked} agrees with central differences at this point, "
                f"so the graph itself is wrong: a value taken out of it (.data, float(), "
                f"math.*) or a Value made inside fn from another's number.")
    names = sorted({name for name, _ in found})
    head = (f"op {names[0]!r} explains it, its own derivative is wrong" if len(names) == 1
            else f"ops {', '.join(map(repr, names))} have a wrong derivative here")
    shown = [detail for _, detail in found[:5]]
    shown += [f"... and {len(found) - 5} more"] if len(found) > 5 else []
    return head + ":\n" + "\n".join("  " + line for line in shown)


# -- the report ----------------------------------------------------------------------------

def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip()
             for r in [header, *rows]]
    return "\n".join("  " + line for line in lines)


def _row(index: str, label: str, a: float, o: _Outcome) -> list[str]:
    n = o.numerical
    diff = abs(a - n)
    rel = diff / abs(n) if n != 0 else (math.inf if diff else 0.0)
    return [index, label, _short(a), _short(n), f"{diff:.3g}", f"{o.allowed:.3g}",
            f"{rel:.3g}"]


_HEADER = ["input", "label", "analytical", "numerical", "abs diff", "allowed", "rel diff"]


@dataclass
class _Report:
    where: str
    settings: _Settings
    problems: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    header: list[str] = field(default_factory=lambda: list(_HEADER))
    n_checked: int = 0
    explanation: str = ""
    kinks: list[str] = field(default_factory=list)

    def text(self) -> str:
        parts = [f"{self.where} failed ({self.settings})"]
        if self.rows:
            parts.append(f"{len(self.rows)} of {self.n_checked} derivative(s) differ from "
                         f"central differences:\n{_table(self.header, self.rows)}")
        if self.explanation:
            parts.append(self.explanation)
        parts.extend(self.problems)
        return "\n".join(parts)


def _user_stacklevel() -> int:
    """The stacklevel of the first frame outside the autograd package, counted
    from the caller of this function's caller (``warnings.warn``'s level 1)."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def _finish(report: _Report, raise_exception: bool) -> bool:
    __tracebackhide__ = True  # pytest: show the caller's line, not this one
    for text in report.kinks:
        warnings.warn(text, KinkWarning, stacklevel=_user_stacklevel())
    if not report.problems and not report.rows:
        return True
    if raise_exception:
        raise GradcheckError(report.text())
    return False


def _unused(subject: _Subject, slots: Sequence[Value], reached: set[Value],
            allow_unused: bool) -> list[str]:
    if allow_unused:
        return []
    problems = []
    for k, slot in enumerate(slots):
        if slot not in reached:
            problems.append(
                f"{subject.describe(k)} does not reach fn's output, "
                f"so its gradient is 0 whatever fn computes: did fn use .data or float(), "
                f"or compute with Values of its own (check those with params=)? Pass "
                f"allow_unused=True if fn really ignores it")
    return problems


# -- gradcheck -------------------------------------------------------------------------------

def gradcheck(fn: Fn, inputs: Any = None, *, params: Any = None, eps: float = 1e-6,
              atol: float = 1e-6, rtol: float = 1e-5, raise_exception: bool = True,
              allow_unused: bool = False) -> bool:
    """Check ``fn``'s gradient against central differences.

    ``fn`` takes Values (one per input, by position, or by keyword when
    ``inputs`` is a mapping ``{name: number}``) and returns a Value. ``inputs``
    are numbers (or Values, whose ``.data`` and ``.label`` are used).
    ``params`` are Values ``fn`` reads itself (``model.parameters()``): they
    are perturbed in place and restored exactly. Returns True, or raises
    :class:`GradcheckError` with a table of the mismatches (returns False
    instead when ``raise_exception=False``). A quantity that does not reach
    the output is an error unless ``allow_unused=True``. A point on a kink
    where the two values differ gives a :class:`KinkWarning` instead.
    """
    __tracebackhide__ = True
    where = "gradcheck"
    s = _settings(where, eps, atol, rtol)
    raise_exception = _flag(where, "raise_exception", raise_exception)
    allow_unused = _flag(where, "allow_unused", allow_unused)
    subject = _subject(fn, inputs, params, where)
    report = _Report(where, s, n_checked=len(subject.centre))
    _restoring(subject, lambda undo: _first_order(subject, s, undo, report, allow_unused))
    return _finish(report, raise_exception)


def _backward_from_zero(root: Value, slots: Sequence[Value], undo: _Undo
                        ) -> tuple[list[Value], set[Value], list[float]]:
    """One backward from ``root`` with every ``.grad`` under it first kept (for
    the undo) and set to 0: (the nodes, them as a set, ∂root/∂slot per slot)."""
    nodes = topological_order(root)
    reached = set(nodes)
    undo.keep_grads(nodes)
    for node in nodes:
        node.grad = 0.0
    root.backward()
    return nodes, reached, [x.grad if x in reached else 0.0 for x in slots]


def _first_order(subject: _Subject, s: _Settings, undo: _Undo, report: _Report,
                 allow_unused: bool) -> None:
    out, slots = subject.call(subject.centre)
    if not math.isfinite(out.data):
        report.problems.append(f"fn's value at the point is {out.data!r}, not a finite "
                               f"number")
        return
    nodes, reached, first = _backward_from_zero(out, slots, undo)
    noise = _rounding(out, nodes)
    out.backward()
    twice = [x.grad if x in reached else 0.0 for x in slots]
    via_grad = list(grad(out, slots))
    for node in nodes:
        node.grad = 0.0
    out.backward(0.0)
    zeroed = [x.grad if x in reached else 0.0 for x in slots]

    report.problems.extend(_unused(subject, slots, reached, allow_unused))
    for k in range(len(slots)):
        a, at = first[k], subject.describe(k)
        if not _same(twice[k], 2.0 * a):
            report.problems.append(f"two backward() passes disagree for {at}: "
                                   f"{_short(a)} on the first, {_short(twice[k] - a)} "
                                   f"on the second")
        if not _same(via_grad[k], a):
            report.problems.append(f"grad() and backward() disagree for {at}: "
                                   f"{_short(via_grad[k])} vs {_short(a)}")
        if zeroed[k] != 0.0 and math.isfinite(a):  # 0·inf, 0·nan: nan, as IEEE
            report.problems.append(f"a zero upstream gradient gave {at} the gradient "
                                   f"{_short(zeroed[k])}, not 0")

    def phi(values: Sequence[float]) -> list[float]:
        try:
            y = subject.call(values)[0].data
        except (ArithmeticError, ValueError) as e:
            raise _Undefined from e
        if not math.isfinite(y):
            raise _Undefined
        return [y]

    for k, label in enumerate(subject.labels):
        (o,) = _judge(subject, phi, k, [first[k]], [noise], s, order=1)
        if o.kink is not None:
            report.kinks.append(_kink_text(subject, k, o, first[k], "gradcheck"))
        elif not o.passed:
            report.rows.append(_row(subject.index[k], label, first[k], o))
    if report.rows:
        report.explanation = _explain(subject, 1, s)


def _kink_text(subject: _Subject, k: int, o: _Outcome, a: float, where: str) -> str:
    assert o.kink is not None
    place, detail = o.kink
    return (f"{where}: {subject.describe(k)} sits on {place}: {detail} (at every step "
            f"down to eps·{SMALLEST_STEP:.2g}); central differences and the derivative "
            f"convention legitimately differ there (analytical {a:.6g}, numerical "
            f"{o.numerical:.6g}), so it is not checked")


# -- gradgradcheck -------------------------------------------------------------------------

def gradgradcheck(fn: Fn, inputs: Any = None, *, params: Any = None, eps: float = 1e-6,
                  atol: float = 1e-6, rtol: float = 1e-5, raise_exception: bool = True,
                  allow_unused: bool = False) -> bool:
    """Check ``fn``'s second derivatives.

    ∂²f/∂x_j∂x_k is what ``backward()`` over
    ``grad(f, x, create_graph=True)[j]`` gives x_k, compared with
    (∂f/∂x_j(x + h·e_k) − ∂f/∂x_j(x − h·e_k)) / 2h. Also checks that the
    create_graph first derivatives equal the plain ones and that the mixed
    derivatives are symmetric. Same arguments, result, errors and kink
    warnings as :func:`gradcheck`.
    """
    __tracebackhide__ = True
    where = "gradgradcheck"
    s = _settings(where, eps, atol, rtol)
    raise_exception = _flag(where, "raise_exception", raise_exception)
    allow_unused = _flag(where, "allow_unused", allow_unused)
    subject = _subject(fn, inputs, params, where)
    n = len(subject.centre)
    report = _Report(where, s, header=["inputs j,k", "second derivative", *_HEADER[2:]],
                     n_checked=n * n)
    _restoring(subject, lambda undo: _second_order(subject, s, undo, report, allow_unused))
    return _finish(report, raise_exception)


def _second_order(subject: _Subject, s: _Settings, undo: _Undo, report: _Report,
                  allow_unused: bool) -> None:
    out, slots = subject.call(subject.centre)
    if not math.isfinite(out.data):
        report.problems.append(f"fn's value at the point is {out.data!r}, not a finite "
                               f"number")
        return
    reached = set(topological_order(out))
    report.problems.extend(_unused(subject, slots, reached, allow_unused))
    gs = list(grad(out, slots, create_graph=True))
    plain = grad(out, slots)
    labels = subject.labels
    for j in range(len(labels)):
        if not _same(gs[j].data, plain[j]):
            report.problems.append(
                f"grad(create_graph=True) and grad() disagree for {subject.describe(j)}: "
                f"{_short(gs[j].data)} vs {_short(plain[j])}")
    # hessian[j][k] = ∂(∂f/∂x_j)/∂x_k, from backward() over the recorded ∂f/∂x_j
    hessian: list[list[float]] = []
    noise: list[float] = []
    for g in gs:
        nodes, _, row = _backward_from_zero(g, slots, undo)
        hessian.append(row)
        noise.append(_rounding(g, nodes))
    for j, lj in enumerate(labels):
        for k in range(j):
            hjk, hkj = hessian[j][k], hessian[k][j]
            if not _close(hjk, hkj, s.allowed(hkj, 0.0)):
                report.problems.append(
                    f"the second derivatives are not symmetric: d2f/d{labels[k]}d{lj} = "
                    f"{_short(hjk)} but d2f/d{lj}d{labels[k]} = {_short(hkj)} (a first "
                    f"derivative is wrong: run gradcheck)")

    def phi(values: Sequence[float]) -> list[float]:
        try:
            o, xs = subject.call(values)
            if not math.isfinite(o.data):
                raise _Undefined
            return [float(d) for d in grad(o, xs)]
        except (ArithmeticError, ValueError) as e:
            raise _Undefined from e

    for k, label in enumerate(labels):
        column = [hessian[j][k] for j in range(len(labels))]
        for j, o in enumerate(_judge(subject, phi, k, column, noise, s, order=2)):
            if o.kink is not None:
                report.kinks.append(_kink_text(subject, k, o, column[j], "gradgradcheck"))
                break
            if not o.passed:
                report.rows.append(_row(f"{j},{k}", f"d2f/d{label}d{labels[j]}",
                                        column[j], o))
    if report.rows:
        report.explanation = _explain(subject, 2, s)
