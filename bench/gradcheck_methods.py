"""Which numerical derivative should gradcheck trust? A measurement (issue 13, item 2).

Five ways to get the numerical derivative a gradient check compares with,
run on the same cases:

- ``central``: D(h) = (f(x+h) − f(x−h))/2h, h = 1e-6·max(1, |x|), pass when
  |a − D| ≤ atol + rtol·|D| (chainrule's gradcheck before this change);
- ``richardson-1e-6`` and ``richardson-1e-3``: (4·D(h/2) − D(h))/3, which
  cancels the h² term, at h = 1e-6 and 1e-3 (times max(1, |x|));
- ``sweep``: D(h) for h = 1e-2 ... 1e-10; pass if any step agrees;
- ``adaptive``: chainrule's gradcheck now (see ``autograd/check.py``): D(h)
  with a rounding bound from the adjoints; if it disagrees, D(h/2) with
  |D(h) − D(h/2)| as its error; if still not, a smaller step that does not
  cross a declared kink or domain edge.

Cases: the three false alarms of issue 13 (``softclip(x·y)`` at x = 0,
y = 11 with the README's undeclared softclip; ``(11·x).softsign()`` at 0;
``hypot(x, x)`` at 3e-7 with a declared domain), the correct user ops of
``tests/user_ops.py`` on random expressions (false alarms per example), and
every planted bug that is wrong at first order (examples until the first
failure, on the same list of drawn cases for every method). All at
atol = 1e-6, rtol = 1e-5.

    .venv/bin/python bench/gradcheck_methods.py            # 2,000 correct cases per op
    .venv/bin/python bench/gradcheck_methods.py --cases 300
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import user_ops as U  # noqa: E402

import autograd  # noqa: E402
from autograd import GradcheckError, KinkWarning, Op, grad, gradcheck  # noqa: E402
from autograd.check import _subject, _Undo  # noqa: E402
from autograd.testing import expressions, model_inputs  # noqa: E402

ATOL, RTOL = 1e-6, 1e-5
Case = tuple[Callable[..., Any], dict[str, float], list[Any]]  # fn, inputs, params


def _close(a: float, n: float) -> bool:
    return math.isfinite(n) and abs(a - n) <= ATOL + RTOL * abs(n)


class _Function:
    """f along each checked quantity, and the analytical gradient from the engine."""

    def __init__(self, case: Case) -> None:
        fn, inputs, params = case
        self.subject = _subject(fn, inputs, params or None, "bench")
        self.undo = _Undo()
        self.undo.keep_data(self.subject.params)
        try:
            out, slots = self.subject.call(self.subject.centre)
            self.analytical = list(grad(out, slots))
        finally:
            self.undo.restore()

    def value(self, k: int, delta: float) -> float:
        try:
            return self.subject.call(self.subject.shifted(k, delta))[0].data
        except (ArithmeticError, ValueError):
            return math.nan
        finally:  # the params back at the centre
            n = self.subject.n_inputs
            for p, v in zip(self.subject.params, self.subject.centre[n:]):
                p.data = v

    def d(self, k: int, h: float) -> float:
        return (self.value(k, h) - self.value(k, -h)) / (2 * h)

    def step(self, k: int, base: float) -> float:
        return base * max(1.0, abs(self.subject.centre[k]))


def central(f: _Function, k: int) -> bool:
    return _close(f.analytical[k], f.d(k, f.step(k, 1e-6)))


def richardson(base: float) -> Callable[[_Function, int], bool]:
    def check(f: _Function, k: int) -> bool:
        h = f.step(k, base)
        return _close(f.analytical[k], (4 * f.d(k, h / 2) - f.d(k, h)) / 3)
    return check


def sweep(f: _Function, k: int) -> bool:
    return any(_close(f.analytical[k], f.d(k, f.step(k, 10.0 ** -e))) for e in range(2, 11))


METHODS: dict[str, Callable[[_Function, int], bool]] = {
    "central": central, "richardson-1e-6": richardson(1e-6),
    "richardson-1e-3": richardson(1e-3), "sweep": sweep,
}


def passes(method: str, case: Case) -> bool:
    """True when the method finds no mismatch (a KinkWarning, or the op's df
    raising, counts as no pass)."""
    try:
        return _passes(method, case)
    except ArithmeticError:  # a df that divides by zero: found as well
        return False


def _passes(method: str, case: Case) -> bool:
    fn, inputs, params = case
    if method == "adaptive":
        with warnings.catch_warnings():
            warnings.simplefilter("error", KinkWarning)
            try:
                return gradcheck(fn, inputs, params=params or None, allow_unused=True)
            except (GradcheckError, KinkWarning):
                return False
    f = _Function(case)
    return all(METHODS[method](f, k) for k in range(len(f.subject.centre)))


ALL = [*METHODS, "adaptive"]


# -- the cases ---------------------------------------------------------------------------

README_SOFTCLIP = Op("softclip", "softclip", f=lambda x: x / (1.0 + abs(x)),
                     df=lambda x, y: 1.0 / ((1.0 + abs(x)) * (1.0 + abs(x))))
FALSE_ALARMS: list[tuple[str, Case]] = [
    ("softclip(x*y) at x=0, y=11 (README's op, nothing declared)",
     (lambda x, y: README_SOFTCLIP(x * y), {"x": 0.0, "y": 11.0}, [])),
    ("(11*x).softsign() at x=0 (built-in, smoothness=1)",
     (lambda x: (11 * x).softsign(), {"x": 0.0}, [])),
    ("hypot(x, x) at x=3e-7 (domain: not (0, 0))",
     (lambda x: U.hypot(x, x), {"x": 3e-7}, [])),
]


def drawn(family: str, subject: Any, n: int) -> list[Case]:
    """The first n cases Hypothesis draws (fixed seed) for an op or a model."""
    out: list[Case] = []
    if family == "mlp":
        model = subject()
        strategy = model_inputs(model, nin=2)
    else:
        strategy = expressions(variables=("x", "y"), ops=[subject, *U.COMPANIONS], max_ops=6)

    @settings(max_examples=n, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(case: Any) -> None:
        out.append((case, case.inputs, list(getattr(case, "params", []))))

    collect()
    return out


def failures(method: str, cases: Sequence[Case]) -> list[int]:
    """The (1-based) indices of the cases the method fails."""
    return [i for i, case in enumerate(cases, 1) if not passes(method, case)]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=2000,
                        help="correct cases per op (default 2000)")
    parser.add_argument("--bug-cases", type=int, default=300,
                        help="cases tried per planted bug (default 300)")
    args = parser.parse_args(argv)

    print("## The three false alarms of issue 13 (pass = no false alarm)\n")
    print("| case | " + " | ".join(ALL) + " |")
    print("|---|" + "---|" * len(ALL))
    for name, case in FALSE_ALARMS:
        row = ["pass" if passes(m, case) else "**FAIL**" for m in ALL]
        print(f"| {name} | " + " | ".join(row) + " |")

    print(f"\n## Correct ops on {args.cases:,} random cases each: false alarms "
          f"(and CPU ms per case)\n")
    print("| op | " + " | ".join(ALL) + " |")
    print("|---|" + "---|" * len(ALL))
    for family, subject in U.CORRECT.items():
        cases = drawn(family, subject, args.cases)
        row = []
        for m in ALL:
            t = time.process_time()
            fails = sum(not passes(m, c) for c in cases)
            ms = 1e3 * (time.process_time() - t) / len(cases)
            row.append(f"{fails} ({ms:.2f} ms)")
        print(f"| {family} ({len(cases)}) | " + " | ".join(row) + " |")

    print(f"\n## Planted first-order bugs: the first failing case, and in how many of "
          f"{args.bug_cases} cases the bug shows ('—' = never)\n")
    print("| bug | " + " | ".join(ALL) + " |")
    print("|---|" + "---|" * len(ALL))
    for bug in U.BUGS:
        if "second" in bug.what:
            continue
        cases = drawn(bug.family, bug.subject, args.bug_cases)
        row = []
        for m in ALL:
            found = failures(m, cases)
            row.append(f"{found[0]} ({len(found)})" if found else "—")
        print(f"| {bug.name} | " + " | ".join(row) + " |")
    print(f"\nchainrule {autograd.__version__}, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
