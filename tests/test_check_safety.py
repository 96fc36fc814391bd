"""A check that fails or is interrupted leaves no trace (issue 9, item 2).

gradcheck and gradgradcheck change the caller's nodes while they work: they
zero and fill ``.grad`` (backward passes) and perturb the ``.data`` of
``params`` in place. Whatever stops them — the user's op raising on its k-th
call, for every k; a KeyboardInterrupt at any line of the checking code; a
timer firing at a random moment — every node must end exactly as it was, and
the next check must give exactly the same result as before.

(The core's own passes, ``backward()`` and ``grad()``, are made safe in the
core; the timer here fires only while the checking code or the user's code
runs, see ``_interrupt_in_checking_code``.)
"""

from __future__ import annotations

import math
import os
import random
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import GradcheckError, Op, Value, gradcheck, gradgradcheck

CHECK_DIR = os.path.dirname(autograd.check.__file__)
CHECKING = (os.path.join(CHECK_DIR, "check.py"), os.path.join(CHECK_DIR, "testing") + os.sep)


class Boom(Exception):
    """Raised by the planted op."""


class Model:
    """Parameters mid-training (non-zero .grad waiting for a step), an op whose
    derivative (or value) can be made to raise on its k-th call."""

    def __init__(self) -> None:
        self.w = [Value(0.3, label="w0"), Value(-1.2, label="w1"), Value(0.7, label="w2")]
        self.b = Value(0.25, label="b")
        for k, p in enumerate(self.params()):
            p.grad = 0.125 * (k + 1)
        self.calls = {"df": 0, "f": 0}
        self.raise_at: dict[str, int] = {}
        self.act = Op("planted_tanh", "tanh", f=self._f, df=self._df)

    def _tick(self, what: str) -> None:
        self.calls[what] += 1
        if self.calls[what] == self.raise_at.get(what):
            raise Boom(f"{what} call {self.calls[what]}")

    def _f(self, x: float) -> float:
        self._tick("f")
        return math.tanh(x)

    def _df(self, x: Any, y: Any) -> Any:
        self._tick("df")
        return 1.0 - y * y

    def params(self) -> list[Value]:
        return [*self.w, self.b]

    def __call__(self, x: Value, y: Value) -> Value:
        h = self.act(self.w[0] * x + self.w[1] * y + self.b)
        return self.act(h * self.w[2] + x) * y

    def state(self) -> list[tuple[float, float]]:
        return [(p.data, p.grad) for p in self.params()]


CHECKS: dict[str, Callable[[Model], bool]] = {
    "gradcheck": lambda m: gradcheck(m, [0.4, -0.9], params=m.params()),
    "gradgradcheck": lambda m: gradgradcheck(m, [0.4, -0.9], params=m.params()),
}


def reference(check: str) -> tuple[list[tuple[float, float]], dict[str, int], tuple]:
    """A clean run: the state it leaves, how often f and df run, and the gradient."""
    m = Model()
    before = m.state()
    assert CHECKS[check](m) is True
    assert m.state() == before
    return before, dict(m.calls), _gradient(m)


def _gradient(m: Model) -> tuple[float, ...]:
    x, y = Value(0.4), Value(-0.9)
    return autograd.grad(m(x, y), [x, y, *m.params()])


def assert_untouched_and_exact(m: Model, before: list[tuple[float, float]],
                               check: str, gradient: tuple) -> None:
    assert m.state() == before  # .data and .grad of every parameter, exactly
    m.raise_at.clear()
    assert _gradient(m) == gradient  # the graph gives the same numbers
    assert CHECKS[check](m) is True  # and the next check runs as if nothing happened
    assert m.state() == before


@pytest.mark.parametrize("what", ["df", "f"])
@pytest.mark.parametrize("check", list(CHECKS))
def test_an_op_raising_on_its_kth_call_for_every_k(check: str, what: str) -> None:
    before, calls, gradient = reference(check)
    assert calls[what] > 5
    for k in range(1, calls[what] + 1):
        m = Model()
        m.raise_at[what] = k
        with pytest.raises(Boom, match=f"{what} call {k}$"):
            CHECKS[check](m)
        assert_untouched_and_exact(m, before, check, gradient)


# -- KeyboardInterrupt at every line of the checking code -------------------------------

@contextmanager
def _interrupt_at_line(k: int, counter: list[int]) -> Iterator[None]:
    """Raise KeyboardInterrupt at the k-th line executed in check.py or
    autograd/testing (counting all of them into ``counter`` when k is 0)."""

    def local(frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            counter[0] += 1
            if counter[0] == k:
                raise KeyboardInterrupt(f"line {k}")
        return local

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename.startswith(CHECKING):
            return local
        return None

    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(old)


def _lines(check: str) -> int:
    counter = [0]
    m = Model()
    with _interrupt_at_line(0, counter):
        CHECKS[check](m)
    return counter[0]


LINES = {check: _lines(check) for check in CHECKS}


@pytest.mark.parametrize("check", list(CHECKS))
@settings(max_examples=max(50, settings().max_examples))
@given(data=st.data())
def test_a_keyboard_interrupt_at_any_line_of_the_check(check: str, data: Any) -> None:
    before, _, gradient = REFERENCE[check]
    k = data.draw(st.integers(1, LINES[check]), label="line")
    m = Model()
    with pytest.raises(KeyboardInterrupt, match=f"line {k}$"):
        with _interrupt_at_line(k, [0]):
            CHECKS[check](m)
    assert_untouched_and_exact(m, before, check, gradient)


REFERENCE = {check: reference(check) for check in CHECKS}


def test_every_line_count_is_large_enough_to_mean_something() -> None:
    assert all(n > 500 for n in LINES.values()), LINES


# -- a timer at random moments ------------------------------------------------------------

@contextmanager
def _interrupt_in_checking_code(delay: float, fired: list[bool]) -> Iterator[None]:
    """SIGALRM after ``delay`` seconds; it raises KeyboardInterrupt (and sets
    ``fired[0]``) if the interrupted line belongs to the checking code or to
    this test's op, and otherwise (the core's passes) tries again 20 µs later."""

    def handler(signum: int, frame: Any) -> None:
        name = frame.f_code.co_filename if frame is not None else ""
        if name.startswith(CHECKING) or name == __file__:
            fired[0] = True
            raise KeyboardInterrupt("timer")
        signal.setitimer(signal.ITIMER_REAL, 2e-5)

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, delay)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer (POSIX)")
@pytest.mark.parametrize("check", list(CHECKS))
def test_a_timer_interrupting_at_random_moments(check: str) -> None:
    before, _, gradient = REFERENCE[check]
    durations = []
    for _ in range(3):
        start = time.perf_counter()
        CHECKS[check](Model())
        durations.append(time.perf_counter() - start)
    rng = random.Random(20261129)
    runs = max(80, settings().max_examples // 2)
    interrupted = 0
    for _ in range(runs):
        m = Model()
        fired = [False]
        try:
            with _interrupt_in_checking_code(rng.uniform(0.0, sorted(durations)[1]), fired):
                CHECKS[check](m)
        except KeyboardInterrupt:
            assert fired[0]
            interrupted += 1
        assert_untouched_and_exact(m, before, check, gradient)
    assert interrupted >= runs // 8  # many runs were really cut short


def test_a_gradcheck_error_also_leaves_everything_as_it_was() -> None:
    m = Model()
    m.act = Op("wrong_tanh", "tanh", f=math.tanh, df=lambda x, y: 1.0 - y)
    before = m.state()
    with pytest.raises(GradcheckError):
        gradcheck(m, [0.4, -0.9], params=m.params())
    with pytest.raises(GradcheckError):
        gradgradcheck(m, [0.4, -0.9], params=m.params())
    assert m.state() == before
