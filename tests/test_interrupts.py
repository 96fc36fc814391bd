"""A failed or interrupted pass leaves no trace (issue: trust).

Any exception, KeyboardInterrupt included, at any point of backward() or
grad() leaves every node as it was (or, once the write-back has begun, with
every .grad fully updated — never half), and no scratch state behind, so the
next call is exact. A pass started from inside another one raises clearly.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

import autograd
from autograd import Op, Value, grad
from autograd.tape import Tape


class Boom(Exception):
    pass


def counting_op(fail_at: int, exc: type[BaseException]) -> tuple[Op, list[int]]:
    """x·1.5 whose derivative raises ``exc`` on its ``fail_at``-th call."""
    calls = [0]

    def df(x: Any, y: Any) -> Any:
        calls[0] += 1
        if calls[0] == fail_at:
            raise exc("injected")
        return 1.5

    return Op("scale", "×1.5", lambda x: 1.5 * x, df), calls


def network(op: Op) -> tuple[list[Value], Value]:
    """A DAG with shared nodes where ``op`` appears many times."""
    xs = [Value(0.1 * (i + 1), label=f"x{i}") for i in range(6)]
    h = [op(x * xs[(i + 1) % 6]).tanh() for i, x in enumerate(xs)]
    mid = [op(a + b) for a, b in zip(h, h[1:])]
    return xs, autograd.sum([op(m * m) for m in mid]) + op(h[0])


def state(nodes: list[Value]) -> list[tuple[float, Any]]:
    return [(n.grad, n._g) for n in nodes]


def expected_grads() -> list[float]:
    op, _ = counting_op(-1, Boom)
    xs, root = network(op)
    root.backward()
    return [x.grad for x in xs]


CALLS: dict[str, Callable[[Value, list[Value]], Any]] = {
    "backward": lambda root, xs: root.backward(),
    "grad": lambda root, xs: grad(root, xs),
    "grad(create_graph=True)": lambda root, xs: grad(root, xs, create_graph=True),
    "tape gradients": lambda root, xs: Tape.of(root).gradients(),
    "draw": lambda root, xs: autograd.draw(root, "backward", renderer="none"),
    "step_through": lambda root, xs: autograd.step_through(root, renderer="none",
                                                           max_steps=None),
}


@pytest.mark.parametrize("exc", [Boom, KeyboardInterrupt])
@pytest.mark.parametrize("call", list(CALLS))
def test_a_derivative_failing_at_every_call_leaves_the_graph_as_it_was(
        exc: type[BaseException], call: str) -> None:
    want = expected_grads()
    probe, calls = counting_op(-1, Boom)
    xs, root = network(probe)
    CALLS[call](root, xs)
    total = calls[0]
    assert total > 10
    for k in range(1, total + 1):
        op, _ = counting_op(k, exc)
        xs, root = network(op)
        nodes = autograd.topological_order(root)
        for n in nodes:
            n.grad = 0.25
        before = state(nodes)
        with pytest.raises(exc, match="injected"):
            CALLS[call](root, xs)
        assert state(nodes) == before, f"failing at derivative call {k}: the graph changed"
        for n in nodes:
            n.grad = 0.0
        root.backward()  # the op's counter is past k now: this pass succeeds
        assert [x.grad for x in xs] == want, f"after failing at derivative call {k}"


def test_grad_set_to_none_before_backward_is_a_clean_zero() -> None:
    a = Value(2.0)
    f = a * a
    a.grad = None
    f.backward()
    f.backward()
    assert a.grad == 8.0


def test_random_interrupts_never_leave_half_a_pass() -> None:
    """A timer raises at random moments of long passes; afterwards every .grad
    is either untouched or fully updated, no scratch is left, and the next pass
    is exact."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal,
                                                                                 "setitimer"):
        pytest.skip("needs POSIX interval timers on the main thread")
    rng = random.Random(7)
    xs = [Value(0.01 * i, label=f"x{i}") for i in range(200)]
    root = autograd.sum([(x * xs[(i * 7) % 200]).tanh() for i, x in enumerate(xs)] * 10)
    nodes = autograd.topological_order(root)
    root.backward()
    once = [n.grad for n in nodes]
    for n in nodes:
        n.grad = 0.0
    start = time.perf_counter()
    root.backward()  # how long one pass takes here: the timer fires within 1.3x that
    took = time.perf_counter() - start
    for n in nodes:
        n.grad = 0.0
    previous = signal.signal(signal.SIGALRM, _raise_boom)
    interrupted = completed = 0
    try:
        for _ in range(400):
            if interrupted >= 20 and completed >= 3:
                break
            before = [n.grad for n in nodes]
            try:
                signal.setitimer(signal.ITIMER_REAL, rng.uniform(0.0, 1.3 * took))
                try:
                    root.backward()
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                completed += 1
            except Boom:
                interrupted += 1
            after = [n.grad for n in nodes]
            assert all(n._g is None for n in nodes)
            if after != before:  # then it is exactly one more pass
                assert after == [b + g for b, g in zip(before, once)]
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert interrupted >= 5 and completed >= 1, (interrupted, completed)
    for n in nodes:
        n.grad = 0.0
    root.backward()
    assert [n.grad for n in nodes] == once


def _raise_boom(signum: int, frame: Any) -> None:
    raise Boom("timer")


def test_a_pass_inside_a_pass_raises_clearly_and_changes_nothing() -> None:
    inner_root = Value(3.0) * Value(4.0)

    def df(x: Any, y: Any) -> float:
        inner_root.backward()  # re-entrant use
        return 1.0

    reentrant = Op("reentrant", "r", lambda x: x, df)
    x = Value(2.0)
    y = reentrant(x) * 2.0
    with pytest.raises(RuntimeError, match="passes cannot nest"):
        y.backward()
    assert x.grad == 0.0 and x._g is None and y._g is None
    reentrant.df = lambda x, y: 1.0
    y.backward()
    assert x.grad == 2.0


# -- one interrupt at any line: fault injection with a trace function --------------

class Injected(BaseException):
    """Stands for Ctrl-C (a BaseException, as KeyboardInterrupt is)."""


ENGINE = os.path.dirname(autograd.__file__)
DRAWING = os.path.join(ENGINE, "drawing")  # reads the graph through the engine: not counted


def interrupted_at(k: int, call: Callable[[], object]) -> bool:
    """Run ``call``, raising :class:`Injected` as the engine (autograd/) enters
    its k-th line or function: where a signal handler can raise (Python runs
    one between bytecodes, at function entries included). True if it fired."""
    seen = [0]

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        name = frame.f_code.co_filename
        if not name.startswith(ENGINE) or name.startswith(DRAWING):
            return None  # not the engine: its lines are not counted
        if frame.f_code.co_name == "exclusive":
            # not the lock's generator: CPython runs a signal handler at a call, a
            # resumption or a loop's back edge, never between its finally and the
            # one assignment in it, as a tracer can; and a tracer's exception as
            # it resumes skips its finally on 3.10, where a signal's would not
            return tracer
        if event in ("call", "line"):
            seen[0] += 1
            if seen[0] == k:
                raise Injected(f"at {frame.f_code.co_name}:{frame.f_lineno}")
        return tracer

    sys.settrace(tracer)
    try:
        call()
    except Injected:
        return True
    finally:
        sys.settrace(None)
    return False


def _small_graph() -> tuple[Value, list[Value]]:
    x, y = Value(0.5, label="x"), Value(-1.5, label="y")
    h = (x * y + x).tanh()
    root = autograd.sum([h * h, h.relu(), x * 2.0])
    return root, autograd.topological_order(root)


@pytest.mark.parametrize("what", ["backward", "grad", "grad_graph", "order", "draw"])
def test_one_interrupt_at_any_line_of_a_pass_leaves_no_trace(what: str) -> None:
    """For every k: an interrupt as the engine reaches its k-th line or call.
    Afterwards no mark is left, another pass can start, every .grad is as it was
    or exactly one pass more — and the next pass is exact."""
    root, nodes = _small_graph()
    root.backward()
    once = [n.grad for n in nodes]
    for n in nodes:
        n.grad = 0.0
    call: Callable[[], object] = {
        "backward": root.backward,
        "grad": lambda: grad(root, nodes[:2]),
        "grad_graph": lambda: grad(root, nodes[:2], create_graph=True),
        "order": lambda: autograd.topological_order(root),
        "draw": lambda: autograd.draw(root, "backward", renderer="none").source,
    }[what]
    k = fired = 0
    while True:
        k += 1
        before = [n.grad for n in nodes]
        if not interrupted_at(k, call):
            break  # past the last line: the pass ran whole
        fired += 1
        after = [n.grad for n in nodes]
        assert all(n._g is None for n in nodes), (what, k)
        assert after == before or after == [b + g for b, g in zip(before, once)], (what, k)
        for n in nodes:
            n.grad = 0.0
    assert fired > 20, fired  # it did interrupt the pass at many places
    for n in nodes:
        n.grad = 0.0
    root.backward()  # not refused as nested, and exact
    assert [n.grad for n in nodes] == once
