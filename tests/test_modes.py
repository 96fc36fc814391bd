"""Recording modes: ``no_grad`` (per thread, per asyncio task) and ``detect_anomaly``."""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Callable

import pytest

import autograd
from autograd import AnomalyError, Op, Value, detect_anomaly, is_grad_enabled, no_grad

# -- no_grad ------------------------------------------------------------------------------


def run_together(*targets: Callable[[], None]) -> None:
    """Start one thread per target and wait (10 s at most) for all of them."""
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)


def test_no_grad_builds_no_graph() -> None:
    x = Value(2.0)
    square = Op("square", "²", f=lambda v: v * v, df=lambda v, y: 2 * v)
    with no_grad():
        assert not is_grad_enabled()
        outs = [x * 3.0 + 1.0, x.tanh(), autograd.sum([x, x]), autograd.dot([x], [x]),
                autograd.maximum(x, 1.0), square(x), 2.0 ** x, -x, abs(x)]
        outs += autograd.softmax([x, 1.0])
    assert is_grad_enabled()
    for out in outs:
        assert out.op == "" and out.children == (), out
    assert [o.data for o in outs[:6]] == [7.0, math.tanh(2.0), 4.0, 4.0, 2.0, 4.0]
    outs[0].backward()
    assert x.grad == 0.0 and outs[0].grad == 1.0


def test_no_grad_values_are_ordinary_leaves_afterwards() -> None:
    x = Value(2.0)
    with no_grad():
        c = x * 5.0
    y = c * x
    y.backward()
    assert x.grad == 10.0 and c.grad == 2.0 and y.children == (c, x)


def test_no_grad_nests_and_restores_even_on_errors() -> None:
    with no_grad():
        with autograd.enable_grad():
            assert is_grad_enabled()
            assert (Value(1.0) + 1.0).op == "add"
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            raise ZeroDivisionError
    assert is_grad_enabled() and (Value(1.0) * 2.0).op == "mul"


def test_no_grad_is_private_to_a_thread() -> None:
    quiet_inside = threading.Event()
    loud_done = threading.Event()
    seen: dict[str, tuple[str, bool]] = {}

    def quiet() -> None:
        with no_grad():
            quiet_inside.set()
            assert loud_done.wait(10)  # the other thread records while we are inside
            seen["quiet"] = ((Value(1.0) * 2.0).op, is_grad_enabled())

    def loud() -> None:
        assert quiet_inside.wait(10)
        seen["loud"] = ((Value(1.0) * 2.0).op, is_grad_enabled())
        loud_done.set()

    run_together(quiet, loud)
    assert seen == {"quiet": ("", False), "loud": ("mul", True)}
    assert is_grad_enabled()


def test_a_thread_started_inside_no_grad_records() -> None:
    seen: list[str] = []
    with no_grad():
        t = threading.Thread(target=lambda: seen.append((Value(1.0) + 2.0).op))
        t.start()
        t.join(10)
    assert seen == ["add"]


def test_no_grad_is_private_to_an_asyncio_task() -> None:
    async def main() -> list[tuple[str, bool]]:
        inside, recorded = asyncio.Event(), asyncio.Event()

        async def quiet() -> tuple[str, bool]:
            with no_grad():
                inside.set()
                await recorded.wait()  # the other task runs while we are inside
                return (Value(1.0) + 1.0).op, is_grad_enabled()

        async def loud() -> tuple[str, bool]:
            await inside.wait()
            result = (Value(1.0) + 1.0).op, is_grad_enabled()
            recorded.set()
            return result

        return list(await asyncio.gather(quiet(), loud()))

    assert asyncio.run(main()) == [("", False), ("add", True)]
    assert is_grad_enabled()


# -- detect_anomaly: forward ----------------------------------------------------------------

@pytest.mark.parametrize(("build", "op", "shown"), [
    (lambda: Value(-1.0, label="a").log(), "log", "-1.0"),
    (lambda: Value(-4.0).sqrt(), "sqrt", "-4.0"),
    (lambda: Value(0.0) / Value(0.0), "div", "0.0"),
    (lambda: Value(math.inf) - math.inf, "sub", "inf"),
    (lambda: Value(math.inf) * 0.0, "mul", "inf"),
    (lambda: Value(-8.0) ** (1 / 3), "powc", "-8.0"),
    (lambda: (Value(2.0) - 3.5).log1p().exp(), "log1p", "-1.5"),
    (lambda: Value(math.inf).sin(), "sin", "inf"),
])
def test_detect_anomaly_names_the_first_nan_op_in_forward(build: Callable[[], Value], op: str,
                                                          shown: str) -> None:
    with detect_anomaly():
        with pytest.raises(AnomalyError, match=f"'{op}'") as info:
            build()
    assert shown in str(info.value)
    assert "forward" in str(info.value)


def test_detect_anomaly_names_labelled_inputs() -> None:
    with detect_anomaly(), pytest.raises(AnomalyError, match="a=-1.0"):
        Value(-1.0, label="a").log()


def test_anomaly_error_is_a_runtime_error() -> None:
    assert issubclass(AnomalyError, RuntimeError)


def test_detect_anomaly_accepts_infinities() -> None:
    with detect_anomaly():
        x = Value(0.0)
        values = [Value(1000.0).exp(), Value(1.0) / 0.0, Value(0.0) ** -1.0, x.log() * 2.0]
        out = x.log()
        out.backward()
    assert [v.data for v in values] == [math.inf, math.inf, math.inf, -math.inf]
    assert out.data == -math.inf and x.grad == math.inf


def test_normal_mode_returns_nan_silently() -> None:
    assert math.isnan(Value(-1.0).log().data)
    assert math.isnan((Value(0.0) / 0.0).data)
    x = Value(0.0)
    (x.sqrt() * 0.0).backward()
    assert math.isnan(x.grad)


def test_detect_anomaly_under_no_grad_still_checks_values() -> None:
    with no_grad(), detect_anomaly():
        assert (Value(1.0) * 2.0).op == ""
        with pytest.raises(AnomalyError, match="'log'"):
            Value(-1.0).log()
    assert math.isnan(Value(-1.0).log().data)


# -- detect_anomaly: backward ---------------------------------------------------------------

def sqrt_at_zero_times_zero() -> tuple[Value, Value]:
    """√x·0 at x = 0: forward 0, but ∂/∂x = ∞ · 0 = nan inside the sqrt node."""
    x = Value(0.0, label="x")
    return x, x.sqrt() * 0.0


def sqrt_of_x_times_zero() -> tuple[Value, Value]:
    """√(x·0) at x = 1: forward 0; √' = ∞ reaches the mul node, whose 0 makes nan."""
    x = Value(1.0, label="x")
    return x, (x * 0.0).sqrt()


def pow_of_a_negative_base() -> tuple[Value, Value]:
    """(-2)**y at y = 2: forward 4; ∂/∂y = 4·ln(-2) = nan."""
    y = Value(2.0, label="y")
    return y, Value(-2.0) ** y


@pytest.mark.parametrize(("build", "op"), [
    (sqrt_at_zero_times_zero, "sqrt"),
    (sqrt_of_x_times_zero, "mul"),
    (pow_of_a_negative_base, "pow"),
])
def test_detect_anomaly_names_the_first_nan_gradient(build: Callable[[], tuple[Value, Value]],
                                                     op: str) -> None:
    x, out = build()
    assert math.isfinite(out.data)
    with detect_anomaly():
        with pytest.raises(AnomalyError, match=f"'{op}'") as info:
            out.backward()
    message = str(info.value)
    assert "backward" in message and x.label in message  # type: ignore[operator]
    assert x.grad == 0.0  # nothing was added
    # normal mode: the same graph backpropagates and gives nan silently
    out.backward()
    assert math.isnan(x.grad)


def test_detect_anomaly_checks_grad_too() -> None:
    x, out = sqrt_at_zero_times_zero()
    with detect_anomaly(), pytest.raises(AnomalyError, match="'sqrt'"):
        autograd.grad(out, [x])
    assert math.isnan(autograd.grad(out, [x])[0])


def test_detect_anomaly_passes_clean_graphs_unchanged() -> None:
    x = Value(0.7)
    out = (x * x).tanh() + x.exp()
    with detect_anomaly():
        checked = autograd.grad(out, [x])
        out.backward()
    assert checked == autograd.grad(out, [x]) == (x.grad,)


def test_detect_anomaly_is_private_to_a_thread() -> None:
    inside, done = threading.Event(), threading.Event()
    seen: list[float] = []

    def checking() -> None:
        with detect_anomaly():
            inside.set()
            assert done.wait(10)

    def plain() -> None:
        assert inside.wait(10)
        seen.append(Value(-1.0).log().data)  # no AnomalyError here
        done.set()

    run_together(checking, plain)
    assert len(seen) == 1 and math.isnan(seen[0])


def test_detect_anomaly_checks_recorded_gradients_too() -> None:
    x, out = sqrt_at_zero_times_zero()
    with detect_anomaly(), pytest.raises(AnomalyError):
        autograd.grad(out, [x], create_graph=True)
    (g,) = autograd.grad(out, [x], create_graph=True)
    assert math.isnan(g.data)


# -- the switches are reusable context managers and decorators -------------------------

def test_a_switch_object_can_be_entered_again_and_nested() -> None:
    off = no_grad()
    x = Value(2.0)
    for _ in range(3):
        with off:
            assert (x * x).op == ""
            with off:
                assert not is_grad_enabled()
            assert not is_grad_enabled()
        assert is_grad_enabled() and (x * x).op == "mul"
    on = autograd.enable_grad()
    with off, on:
        assert is_grad_enabled()
    with off:
        with on:
            with off:
                assert not is_grad_enabled()
            assert is_grad_enabled()
        assert not is_grad_enabled()


def test_no_grad_and_enable_grad_decorate_with_and_without_parentheses() -> None:
    x = Value(3.0)

    @no_grad
    def bare(v: Value) -> Value:
        assert not is_grad_enabled()
        return v * v

    @no_grad()
    def called(v: Value) -> Value:
        return v * v

    @autograd.enable_grad
    def inside(v: Value) -> Value:
        return v * v

    assert bare(x).op == "" and called(x).op == "" and bare.__name__ == "bare"
    with no_grad():
        assert inside(x).op == "mul"
    assert is_grad_enabled()

    @detect_anomaly
    def boom(v: Value) -> Value:
        return v.log()

    with pytest.raises(AnomalyError):
        boom(Value(-1.0))
    assert boom.__wrapped__ is not None  # functools.wraps


def test_a_decorated_coroutine_runs_in_the_mode_and_other_tasks_do_not() -> None:
    x = Value(2.0)
    seen: dict[str, str] = {}

    @no_grad
    async def quiet() -> None:
        await asyncio.sleep(0.01)
        seen["quiet"] = (x * x).op

    async def loud() -> None:
        await asyncio.sleep(0.005)
        seen["loud"] = (x * x).op

    async def both() -> None:
        await asyncio.gather(quiet(), loud())

    asyncio.run(both())
    assert seen == {"quiet": "", "loud": "mul"}


def test_switches_refuse_what_they_cannot_decorate() -> None:
    with pytest.raises(TypeError, match="takes no arguments, or decorates a function"):
        no_grad(3)  # type: ignore[call-overload]
