"""Gradient checking: the engine's derivatives against central differences.

``gradcheck(fn, inputs)`` compares, for every input x_i, the analytical
derivative ∂f/∂x_i (one ``backward()``) with the central difference

    (f(x + h·e_i) − f(x − h·e_i)) / 2h,   h = eps · max(1, |x_i|),

and passes where |analytical − numerical| ≤ atol + rtol·|numerical|. It also
checks that a second ``backward()`` adds exactly the same amounts, that
``grad()`` gives the same numbers as ``backward()``, and that a zero upstream
gradient gives zero gradients. ``gradgradcheck`` does the same one order up:
∂²f/∂x_j∂x_i from ``grad(create_graph=True)`` against central differences of
the first derivatives.

Kinks (relu at 0, abs at 0, max/min ties, clamp bounds...) are conventions, not
derivatives: there the two one-sided slopes differ and central differences give
their average. Every op that is piecewise says which piece its inputs fall in
(``Op.which_branch``); when some node of the graph changes piece between
x − h, x and x + h, the check emits a :class:`KinkWarning` instead of failing.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .backprop import topological_order
from .functional import grad
from .value import Value, to_float

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError", "KinkWarning", "find_kinks"]


class GradcheckError(AssertionError):
    """The engine's derivatives disagree with central differences (or with
    themselves). An ``AssertionError``, so test runners report it as a failure."""


class KinkWarning(UserWarning):
    """An input sits on a kink of a piecewise op (relu, abs, max, clamp...):
    central differences and the derivative convention legitimately differ."""


Fn = Callable[..., Any]


@dataclass(frozen=True)
class _Point:
    """The inputs of a check: labels, float values, and how to call ``fn``."""

    fn: Fn
    labels: tuple[str, ...]
    values: tuple[float, ...]
    by_keyword: bool
    where: str

    def leaves(self, values: Sequence[float] | None = None) -> list[Value]:
        vals = self.values if values is None else values
        return [Value(v, label=lab) for lab, v in zip(self.labels, vals, strict=True)]

    def call(self, leaves: Sequence[Value]) -> Value:
        if self.by_keyword:
            out = self.fn(**dict(zip(self.labels, leaves, strict=True)))
        else:
            out = self.fn(*leaves)
        if not isinstance(out, Value):
            hint = (" (a float: did fn compute with .data, outside the graph?)"
                    if isinstance(out, (int, float)) else "")
            raise TypeError(f"{self.where}: fn must return a Value, got "
                            f"{type(out).__name__}: {out!r}{hint}")
        return out

    def shifted(self, i: int, x: float) -> list[float]:
        vals = list(self.values)
        vals[i] = x
        return vals


def _point(fn: Fn, inputs: Any, where: str) -> _Point:
    if not callable(fn):
        raise TypeError(f"{where}: fn must be callable, got {type(fn).__name__}")
    if isinstance(inputs, Mapping):
        items = list(inputs.items())
        for name, _ in items:
            if not isinstance(name, str):
                raise TypeError(f"{where}: input names must be str, got "
                                f"{type(name).__name__}: {name!r}")
        by_keyword = True
    else:
        if isinstance(inputs, Value) or not hasattr(inputs, "__iter__"):
            inputs = [inputs]
        items = [(None, x) for x in inputs]
        by_keyword = False
    if not items:
        raise ValueError(f"{where}: no inputs to check")
    labels, values = [], []
    for i, (name, x) in enumerate(items):
        at = f"inputs[{name!r}]" if name is not None else f"inputs[{i}]"
        if isinstance(x, Value):
            label, x = (name or x.label or f"x{i}"), x.data
        else:
            label = name or f"x{i}"
            x = to_float(x, f"{where}: {at}")
        if not math.isfinite(x):
            raise ValueError(f"{where}: {at} is {x!r}; central differences need "
                             f"finite inputs")
        labels.append(label)
        values.append(x)
    return _Point(fn, tuple(labels), tuple(values), by_keyword, where)


def _check_settings(where: str, eps: float, atol: float, rtol: float) -> None:
    for name, v in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        v = to_float(v, f"{where}: {name}")
        if not (math.isfinite(v) and v >= 0) or (name == "eps" and v == 0):
            raise ValueError(f"{where}: {name} must be a finite number "
                             f"{'> 0' if name == 'eps' else '>= 0'}, got {v!r}")


def _step(x: float, eps: float) -> tuple[float, float]:
    """x − h and x + h with h = eps·max(1, |x|), rounded to floats."""
    h = eps * max(1.0, abs(x))
    return x - h, x + h


def _close(a: float, n: float, atol: float, rtol: float) -> bool:
    if a == n:
        return True
    return math.isfinite(a) and math.isfinite(n) and abs(a - n) <= atol + rtol * abs(n)


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)


# -- kinks --------------------------------------------------------------------

def _signature(roots: Sequence[Value]) -> list[tuple[str, Any]]:
    """(op name, branch) of every node under the roots, in topological order."""
    sig: list[tuple[str, Any]] = []
    for root in roots:
        for node in topological_order(root):
            op = node.fn
            if op is not None:
                sig.append((op.name, op.which_branch([c.data for c in node.children])))
    return sig


def _kink(label: str, center: list[tuple[str, Any]],
          minus: list[tuple[str, Any]], plus: list[tuple[str, Any]]) -> str | None:
    """A description of the first node whose piece changes, None if none does."""
    if not (len(center) == len(minus) == len(plus)):
        return (f"input {label!r}: the graph has a different shape at x-h, x, x+h "
                f"({len(minus)}, {len(center)}, {len(plus)} op nodes): fn branches "
                f"on its inputs")
    for k, (c, m, p) in enumerate(zip(center, minus, plus)):
        if not (c[0] == m[0] == p[0]):
            return (f"input {label!r}: op node {k} is {m[0]!r}, {c[0]!r}, {p[0]!r} at "
                    f"x-h, x, x+h: fn branches on its inputs")
        if not (c[1] == m[1] == p[1]):
            return (f"input {label!r} sits on a kink: op {c[0]!r} (op node {k} in "
                    f"topological order) is on piece {m[1]!r}, {c[1]!r}, {p[1]!r} "
                    f"at x-h, x, x+h")
    return None


def find_kinks(fn: Fn, inputs: Any, *, eps: float = 1e-6) -> dict[str, str]:
    """The inputs for which some piecewise op of ``fn``'s graph changes piece
    between x − h, x and x + h (h = eps·max(1, |x|)): {label: description}."""
    pt = _point(fn, inputs, "find_kinks")
    _check_settings("find_kinks", eps, 0.0, 0.0)
    center = _signature([pt.call(pt.leaves())])
    found = {}
    for i, label in enumerate(pt.labels):
        xm, xp = _step(pt.values[i], eps)
        minus = _signature([pt.call(pt.leaves(pt.shifted(i, xm)))])
        plus = _signature([pt.call(pt.leaves(pt.shifted(i, xp)))])
        why = _kink(label, center, minus, plus)
        if why is not None:
            found[label] = why
    return found


# -- the report -----------------------------------------------------------------

def _g(x: float) -> str:
    return f"{x:.10g}"


def _feeds(root: Value, leaf: Value) -> str:
    """The ops that take ``leaf`` as an input, e.g. ``mul (node 0), tanh (node 3)``."""
    names = []
    k = 0
    for node in topological_order(root):
        if node.fn is None:
            continue
        if any(c is leaf for c in node.children):
            names.append(f"{node.fn.name} (op node {k})")
        k += 1
    if names:
        return ", ".join(names)
    if root is leaf:
        return "(is the output)"
    return "nothing: not in the graph (did fn use .data?)"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip()
             for r in [header, *rows]]
    return "\n".join("  " + line for line in lines)


def _row(index: str, label: str, a: float, n: float, feeds: str) -> list[str]:
    diff = abs(a - n)
    rel = diff / abs(n) if n != 0 else math.inf if diff else 0.0
    return [index, label, _g(a), _g(n), f"{diff:.3g}", f"{rel:.3g}", feeds]


_HEADER = ["input", "label", "analytical", "numerical", "abs diff", "rel diff", "feeds op"]


def _finish(where: str, problems: list[str], rows: list[list[str]], header: list[str],
            settings: str, n_checked: int, raise_exception: bool) -> bool:
    __tracebackhide__ = True  # pytest: show the caller's line, not this one
    if not problems and not rows:
        return True
    parts = [f"{where} failed ({settings})"]
    if rows:
        parts.append(f"{len(rows)} of {n_checked} derivative(s) differ from central "
                     f"differences:\n{_table(header, rows)}")
    parts.extend(problems)
    if raise_exception:
        raise GradcheckError("\n".join(parts))
    return False


def _warn_kinks(where: str, kinks: dict[int, str], detail: dict[int, str]) -> None:
    for i, why in kinks.items():
        warnings.warn(f"{where}: {why}; central differences and the derivative "
                      f"convention may differ there, so it is not checked"
                      f"{detail.get(i, '')}", KinkWarning, stacklevel=3)


# -- gradcheck -------------------------------------------------------------------

def gradcheck(fn: Fn, inputs: Any, *, eps: float = 1e-6, atol: float = 1e-6,
              rtol: float = 1e-5, raise_exception: bool = True) -> bool:
    """Check ``fn``'s gradient at ``inputs`` against central differences.

    ``fn`` takes Values (one per input, by position, or by keyword when
    ``inputs`` is a mapping ``{name: number}``) and returns a Value. ``inputs``
    are numbers (or Values, whose ``.data`` and ``.label`` are used). Returns
    True, or raises :class:`GradcheckError` with a table of the mismatches
    (returns False instead when ``raise_exception=False``). Inputs sitting on a
    kink give a :class:`KinkWarning` and are not compared.
    """
    __tracebackhide__ = True
    where = "gradcheck"
    pt = _point(fn, inputs, where)
    _check_settings(where, eps, atol, rtol)
    leaves = pt.leaves()
    out = pt.call(leaves)
    problems: list[str] = []
    if not math.isfinite(out.data):
        problems.append(f"fn's value at the inputs is {out.data!r}, not a finite number")
        return _finish(where, problems, [], _HEADER, "", 0, raise_exception)

    # the backward passes below add into every node under out, also Values fn
    # closes over (a model's parameters): give each node its .grad back after
    saved = [(node, node.grad) for node in topological_order(out)]
    try:
        for x in leaves:
            x.grad = 0.0
        out.backward()
        first = [x.grad for x in leaves]
        out.backward()
        twice = [x.grad for x in leaves]
        via_grad = list(grad(out, leaves))
        for x in leaves:
            x.grad = 0.0
        out.backward(0.0)
        zeroed = [x.grad for x in leaves]
    finally:
        for node, g in saved:
            node.grad = g

    for i, label in enumerate(pt.labels):
        a = first[i]
        if not _same(twice[i], 2.0 * a):
            problems.append(f"two backward() passes disagree for input {i} ({label}): "
                            f"{_g(a)} on the first, {_g(twice[i] - a)} on the second")
        if not _same(via_grad[i], a):
            problems.append(f"grad() and backward() disagree for input {i} ({label}): "
                            f"{_g(via_grad[i])} vs {_g(a)}")
        if zeroed[i] != 0.0:
            problems.append(f"a zero upstream gradient gave input {i} ({label}) the "
                            f"gradient {_g(zeroed[i])}, not 0")

    center = _signature([out])
    rows: list[list[str]] = []
    kinks: dict[int, str] = {}
    detail: dict[int, str] = {}
    for i, label in enumerate(pt.labels):
        xm, xp = _step(pt.values[i], eps)
        out_m = pt.call(pt.leaves(pt.shifted(i, xm)))
        out_p = pt.call(pt.leaves(pt.shifted(i, xp)))
        n = (out_p.data - out_m.data) / (xp - xm)
        why = _kink(label, center, _signature([out_m]), _signature([out_p]))
        if why is not None:
            kinks[i] = why
            detail[i] = f" (analytical {_g(first[i])}, numerical {_g(n)})"
        elif not _close(first[i], n, atol, rtol):
            rows.append(_row(str(i), label, first[i], n, _feeds(out, leaves[i])))
    _warn_kinks(where, kinks, detail)
    settings = f"eps={eps:g}, atol={atol:g}, rtol={rtol:g}"
    return _finish(where, problems, rows, _HEADER, settings, len(pt.labels), raise_exception)


# -- gradgradcheck -----------------------------------------------------------------

def gradgradcheck(fn: Fn, inputs: Any, *, eps: float = 1e-6, atol: float = 1e-6,
                  rtol: float = 1e-5, raise_exception: bool = True) -> bool:
    """Check ``fn``'s second derivatives at ``inputs``.

    ∂²f/∂x_j∂x_i is read off ``grad(grad(f, x, create_graph=True)[j], x)[i]``
    and compared with (∂f/∂x_j(x + h·e_i) − ∂f/∂x_j(x − h·e_i)) / 2h. Also
    checks that the create_graph first derivatives equal the plain ones. Same
    arguments, result, errors and kink warnings as :func:`gradcheck`.
    """
    __tracebackhide__ = True
    where = "gradgradcheck"
    pt = _point(fn, inputs, where)
    _check_settings(where, eps, atol, rtol)

    def first_derivatives(values: Sequence[float] | None) -> tuple[Value, list[Value],
                                                                   list[Value]]:
        leaves = pt.leaves(values)
        out = pt.call(leaves)
        return out, leaves, list(grad(out, leaves, create_graph=True))

    out, leaves, gs = first_derivatives(None)
    problems: list[str] = []
    if not math.isfinite(out.data):
        problems.append(f"fn's value at the inputs is {out.data!r}, not a finite number")
        return _finish(where, problems, [], _HEADER, "", 0, raise_exception)
    plain = grad(out, leaves)
    for j, label in enumerate(pt.labels):
        if not _same(gs[j].data, plain[j]):
            problems.append(f"grad(create_graph=True) and grad() disagree for input {j} "
                            f"({label}): {_g(gs[j].data)} vs {_g(plain[j])}")
    # hessian[j][i] = ∂(∂f/∂x_j)/∂x_i, written d2f/dx_i dx_j
    hessian = [list(grad(g, leaves)) for g in gs]
    for j, lj in enumerate(pt.labels):
        for i in range(j):
            hij, hji = hessian[j][i], hessian[i][j]
            if not _close(hij, hji, atol, rtol):
                problems.append(f"the second derivatives are not symmetric: "
                                f"d2f/d{pt.labels[i]}d{lj} = {_g(hij)} but "
                                f"d2f/d{lj}d{pt.labels[i]} = {_g(hji)} (a first "
                                f"derivative is wrong: run gradcheck)")

    # The forward graph must keep its shape and pieces. The derivative graphs
    # may legitimately change shape (a smooth derivative written piecewise, as
    # logsigmoid's); their pieces are compared only where the shapes line up.
    center, center_d = _signature([out]), _signature(gs)
    rows: list[list[str]] = []
    kinks: dict[int, str] = {}
    n_labels = len(pt.labels)
    for i, label in enumerate(pt.labels):
        xm, xp = _step(pt.values[i], eps)
        out_m, _, gs_m = first_derivatives(pt.shifted(i, xm))
        out_p, _, gs_p = first_derivatives(pt.shifted(i, xp))
        why = _kink(label, center, _signature([out_m]), _signature([out_p]))
        minus_d, plus_d = _signature(gs_m), _signature(gs_p)
        if why is None and [n for n, _ in minus_d] == [n for n, _ in center_d] == [
                n for n, _ in plus_d]:
            why = _kink(label, center_d, minus_d, plus_d)
        if why is not None:
            kinks[i] = why
            continue
        for j in range(n_labels):
            n = (gs_p[j].data - gs_m[j].data) / (xp - xm)
            a = hessian[j][i]
            if not _close(a, n, atol, rtol):
                rows.append(_row(f"{j},{i}", f"d2f/d{label}d{pt.labels[j]}", a, n,
                                 _feeds(out, leaves[i])))
    _warn_kinks(where, kinks, {})
    header = ["inputs j,i", "second derivative", *_HEADER[2:]]
    settings = f"eps={eps:g}, atol={atol:g}, rtol={rtol:g}"
    return _finish(where, problems, rows, header, settings, n_labels * n_labels,
                   raise_exception)
