"""nn.optim against hostile input: eps = 0 gives PyTorch's nan instead of
ZeroDivisionError, hyper-parameters are checked the same way at construction
and in load_state_dict, and a fuzz pass over Optimizer.load_state_dict: any
mutated state dict either loads (and the next step runs) or is refused with
a ValueError/TypeError that leaves the optimiser exactly as it was."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from autograd import Value
from nn import optim
from nn.optim.floatmath import addcdiv, div, sqrt

nan = math.nan


def examples(k: float) -> settings:
    """k times the current profile's number of examples (ci: 250)."""
    return settings(max_examples=max(1, int(k * settings().max_examples)))


# -- eps = 0 --------------------------------------------------------------------------------

# torch 2.13.0 (CPU, float64, foreach=False): two parameters [1.5, -2.0], lr=0.1, eps=0,
# gradients [0, 0.5] then [0, 0]; the parameter after each step. The first parameter's
# zero gradient makes 0/0 = nan, as in torch.
EPS0 = [
    ("Adam", {}, [[nan, -2.1], [nan, -2.167005825413654]]),
    ("Adam", {"amsgrad": True}, [[nan, -2.1], [nan, -2.1669723141210286]]),
    ("AdamW", {}, [[nan, -2.098], [nan, -2.1629078254136536]]),
    ("RMSprop", {}, [[nan, -2.9999999999999996], [nan, -2.9999999999999996]]),
    ("RMSprop", {"centered": True}, [[nan, -3.005037815259212], [nan, -3.005037815259212]]),
    ("RMSprop", {"momentum": 0.9}, [[nan, -2.9999999999999996], [nan, -3.899999999999999]]),
    ("Adagrad", {}, [[nan, -2.1], [nan, -2.1]]),
]


def _same(a: list[float], b: list[float]) -> bool:
    return all((math.isnan(x) and math.isnan(y)) or x == y for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("name, options, rows", EPS0)
def test_eps_zero_with_a_zero_gradient_gives_torchs_nan(name: str, options: dict[str, Any],
                                                        rows: list[list[float]]) -> None:
    ps = [Value(1.5), Value(-2.0)]
    opt = getattr(optim, name)(ps, lr=0.1, eps=0.0, **options)
    for grads, expected in zip(([0.0, 0.5], [0.0, 0.0]), rows, strict=True):
        for p, g in zip(ps, grads):
            p.grad = g
        opt.step()  # no ZeroDivisionError
        assert _same([p.data for p in ps], expected), (name, options, [p.data for p in ps])


def test_ieee_division_and_square_root_helpers() -> None:
    assert math.isnan(div(0.0, 0.0)) and math.isnan(div(-0.0, 0.0))
    assert div(1.0, 0.0) == math.inf and div(1.0, -0.0) == -math.inf
    assert div(-2.0, 0.0) == -math.inf and div(-2.0, -0.0) == math.inf
    assert math.isnan(div(nan, 0.0)) and div(3.0, 2.0) == 1.5
    assert addcdiv(1.0, 0.0, 0.0, -0.1) != addcdiv(1.0, 0.0, 0.0, -0.1)  # nan
    assert addcdiv(1.0, 2.0, 0.0, -0.5) == -math.inf
    assert math.isnan(sqrt(-1e-300)) and sqrt(4.0) == 2.0
    assert math.copysign(1.0, sqrt(-0.0)) == -1.0


def test_centered_rmsprop_with_a_negative_variance_gives_nan_not_an_exception() -> None:
    # square_avg < grad_avg² can only come from rounding or a loaded state; torch: sqrt → nan
    p = Value(1.0)
    opt = optim.RMSprop([p], lr=0.1, centered=True)
    opt.load_state_dict({"state": {0: {"step": 3.0, "square_avg": 1.0, "grad_avg": 2.0}},
                         "param_groups": [{**opt.state_dict()["param_groups"][0]}]})
    p.grad = 0.0
    opt.step()
    assert math.isnan(p.data)


# -- hyper-parameters: one set of rules, at construction and when loading ------------------------

BAD_OPTIONS = [
    ("SGD", {"lr": math.inf}, ValueError, "invalid lr inf"),
    ("SGD", {"lr": -1e-3}, ValueError, "invalid lr"),
    ("SGD", {"lr": "0.1"}, TypeError, "lr must be a real number, got str"),
    ("SGD", {"lr": True}, TypeError, "lr must be a real number, got bool"),
    ("SGD", {"lr": 10**400}, ValueError, "invalid lr"),
    ("SGD", {"momentum": nan}, ValueError, "invalid momentum nan"),
    ("SGD", {"nesterov": "yes"}, TypeError, "nesterov must be True or False"),
    ("SGD", {"nesterov": True, "momentum": 0.0}, ValueError, "nesterov momentum requires"),
    ("Adam", {"betas": (0.9,)}, TypeError, "betas must be a pair"),
    ("Adam", {"betas": (1.0, 0.999)}, ValueError, "invalid beta1 1.0"),
    ("Adam", {"betas": (0.9, -0.1)}, ValueError, "invalid beta2 -0.1"),
    ("Adam", {"eps": -1e-8}, ValueError, "invalid eps"),
    ("Adam", {"amsgrad": 1}, TypeError, "amsgrad must be True or False"),
    ("AdamW", {"weight_decay": None}, TypeError, "weight_decay must be a real number"),
    ("RMSprop", {"alpha": -0.5}, ValueError, "invalid alpha"),
    ("RMSprop", {"centered": None}, TypeError, "centered must be True or False"),
    ("Adagrad", {"lr_decay": math.inf}, ValueError, "invalid lr_decay"),
    ("Adagrad", {"initial_accumulator_value": -1.0}, ValueError,
     "invalid initial_accumulator_value"),
]


@pytest.mark.parametrize("name, options, error, message", BAD_OPTIONS)
def test_bad_options_are_refused_at_construction(name, options, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        getattr(optim, name)([Value(1.0)], **options)


@pytest.mark.parametrize("name, options, error, message", BAD_OPTIONS)
def test_bad_options_are_refused_by_load_state_dict(name, options, error, message) -> None:  # type: ignore[no-untyped-def]
    opt, ps = _trained(name, {})
    sd = opt.state_dict()
    sd["param_groups"][0].update(options)
    before = _snapshot(opt)
    with pytest.raises(error, match=message):
        opt.load_state_dict(sd)
    assert _snapshot(opt) == before


BAD_BUFFERS = [
    ("Adam", "exp_avg_sq", -1.0, "exp_avg_sq is -1.0, must be a finite number >= 0"),
    ("Adam", "exp_avg", math.inf, "exp_avg is inf, must be a finite number"),
    ("Adam", "step", 2.5, "step is 2.5, must be a whole number >= 0"),
    ("Adam", "step", -1.0, "step is -1.0"),
    ("Adam", "step", "3", "step must be a real number, got str"),
    ("Adam", "exp_avg", True, "exp_avg must be a real number, got bool"),
    ("Adam", "exp_avg", 10**400, "exp_avg is too large"),
    ("Adam", "momentum_buffer", 0.0, "unknown buffer 'momentum_buffer'"),
    ("RMSprop", "square_avg", -1e-300, "square_avg is -1e-300"),
    ("Adagrad", "sum", nan, "sum is nan"),
    ("SGD", "exp_avg", 0.0, "unknown buffer 'exp_avg'; SGD keeps momentum_buffer"),
]


@pytest.mark.parametrize("name, key, value, message", BAD_BUFFERS)
def test_bad_buffers_are_refused_and_nothing_changes(name, key, value, message) -> None:  # type: ignore[no-untyped-def]
    opt, ps = _trained(name, {"momentum": 0.9} if name == "SGD" else {})
    sd = opt.state_dict()
    sd["state"][1][key] = value
    before = _snapshot(opt)
    with pytest.raises((ValueError, TypeError), match=message):
        opt.load_state_dict(sd)
    assert _snapshot(opt) == before


def test_missing_buffers_and_bad_indices_are_refused() -> None:
    opt, _ = _trained("Adam", {})
    sd = opt.state_dict()
    del sd["state"][0]["exp_avg_sq"]
    with pytest.raises(ValueError, match="missing buffer"):
        opt.load_state_dict(sd)
    for bad in (-1, True, "1_0", " 1", "٣", 1.0, None):
        sd = opt.state_dict()
        sd["param_groups"][0]["params"][0] = bad
        with pytest.raises(ValueError, match="parameter ind"):
            opt.load_state_dict(sd)
    sd = opt.state_dict()
    sd["param_groups"][0]["params"] = [0, 0]
    with pytest.raises(ValueError, match="appears twice"):
        opt.load_state_dict(sd)
    sd = opt.state_dict()
    sd["state"]["7"] = sd["state"].pop(0)
    with pytest.raises(ValueError, match="unknown parameter 7"):
        opt.load_state_dict(sd)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        opt.load_state_dict({**opt.state_dict(), "extra": 1})
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        opt.load_state_dict([1, 2])  # type: ignore[arg-type]


def test_a_json_round_trip_and_a_changed_lr_load() -> None:
    opt, ps = _trained("RMSprop", {"momentum": 0.5, "centered": True})
    sd = json.loads(json.dumps(opt.state_dict()))
    sd["param_groups"][0]["lr"] = 0.5
    twin, qs = _trained("RMSprop", {"momentum": 0.5, "centered": True}, steps=0)
    twin.load_state_dict(sd)
    assert twin.param_groups[0]["lr"] == 0.5 and twin.param_groups[0]["params"] == qs[:2]
    assert [twin.state[q] for q in qs] == [opt.state[p] for p in ps]


# -- fuzz: mutated state dicts ------------------------------------------------------------------

SETUPS = [
    ("SGD", {"lr": 0.1, "momentum": 0.9}), ("SGD", {"lr": 0.1, "nesterov": True,
                                                   "momentum": 0.5}),
    ("Adam", {}), ("Adam", {"amsgrad": True}), ("AdamW", {"weight_decay": 0.1}),
    ("RMSprop", {"centered": True, "momentum": 0.9}), ("Adagrad", {"lr_decay": 0.01}),
    ("LineSearchGD", {}),
]


def _trained(name: str, options: dict[str, Any], steps: int = 2,
             ) -> tuple[optim.Optimizer, list[Value]]:
    ps = [Value(0.5), Value(-1.5), Value(2.0)]
    groups = [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.05}]
    opt = getattr(optim, name)(groups, **options)
    for k in range(steps):
        if name == "LineSearchGD":
            def closure() -> Value:
                for p in ps:
                    p.grad = 0.0
                loss = ps[0] * ps[0] + (ps[1] - 1.0) ** 2 + ps[2] ** 2
                loss.backward()
                return loss
            opt.step(closure)
        else:
            for i, p in enumerate(ps):
                p.grad = 0.25 * (i + 1) - 0.1 * k
            opt.step()
    return opt, ps


def _snapshot(opt: optim.Optimizer) -> str:
    groups = [{k: (v if k != "params" else [id(p) for p in v]) for k, v in g.items()}
              for g in opt.param_groups]
    state = {id(p): s for p, s in opt.state.items()}
    return repr((groups, sorted(state.items())))


HOSTILE = st.sampled_from([
    nan, math.inf, -math.inf, -1.0, -1e-300, 0.0, 1.0, 0.5, 2.5, 1e308, 10**400, -(10**30),
    True, False, None, "0.1", "", [], {}, [0.9], [0.9, 0.999], (0.9, 1.0), [0.9, 0.999, 1.0],
    {"a": 1}, 3, -3, "0", "007", "-1", " 1", "1e3", complex(1, 0),
])
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=4),
    max_leaves=12)


@st.composite
def mutated_state_dicts(draw: st.DrawFn) -> tuple[str, dict[str, Any], Any]:
    name, options = draw(st.sampled_from(SETUPS))
    opt, _ = _trained(name, options)
    sd: Any = copy.deepcopy(opt.state_dict())
    if draw(st.booleans()):
        sd = json.loads(json.dumps(sd))  # string state keys, lists for tuples
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["option", "new option", "buffer", "new buffer", "params",
                                      "state key", "drop", "whole", "groups", "benign",
                                      "benign"]))
        value = copy.deepcopy(draw(HOSTILE | JSONISH))  # never the strategy's own objects
        if where == "benign":  # a valid change: it must load
            where, value = draw(st.sampled_from(["option", "buffer"])), draw(
                st.floats(0.0, 0.9) | st.integers(0, 5).map(float))
        if not isinstance(sd, dict):
            break
        groups, state = sd.get("param_groups"), sd.get("state")
        if where == "option" and isinstance(groups, list) and groups and \
                isinstance(groups[0], dict):
            g = draw(st.sampled_from(groups))
            if isinstance(g, dict) and g:
                g[draw(st.sampled_from(sorted(g)))] = value
        elif where == "new option" and isinstance(groups, list) and groups and \
                isinstance(groups[0], dict):
            groups[0][draw(st.sampled_from(["initial_lr", "name", "foo", "lr"]))] = value
        elif where == "buffer" and isinstance(state, dict) and state:
            bufs = state[draw(st.sampled_from(sorted(state, key=str)))]
            if isinstance(bufs, dict) and bufs:
                bufs[draw(st.sampled_from(sorted(bufs)))] = value
        elif where == "new buffer" and isinstance(state, dict) and state:
            bufs = state[draw(st.sampled_from(sorted(state, key=str)))]
            if isinstance(bufs, dict):
                bufs[draw(st.sampled_from(["momentum_buffer", "step", "sum", "grad_avg",
                                           "exp_avg", "zzz"]))] = value
        elif where == "params" and isinstance(groups, list) and groups and \
                isinstance(groups[0], dict):
            ids = groups[0].get("params")
            if isinstance(ids, list) and ids:
                ids[draw(st.integers(0, len(ids) - 1))] = value
        elif where == "state key" and isinstance(state, dict) and state:
            key = draw(st.sampled_from(sorted(state, key=str)))
            state[value if isinstance(value, (int, str)) else str(value)] = state.pop(key)
        elif where == "drop" and isinstance(sd, dict) and sd:
            sd.pop(draw(st.sampled_from(sorted(sd))))
        elif where == "whole":
            sd = value
        elif where == "groups" and isinstance(sd, dict):
            sd["param_groups" if draw(st.booleans()) else "state"] = value
    return name, options, sd


@examples(4)
@given(mutated_state_dicts())
def test_fuzz_optimizer_load_state_dict(case: tuple[str, dict[str, Any], Any]) -> None:
    name, options, sd = case
    opt, ps = _trained(name, options)
    before = _snapshot(opt)
    try:
        opt.load_state_dict(sd)
    except (ValueError, TypeError) as e:
        event(f"refused: {type(e).__name__}")
        assert type(opt).__name__ in str(e)  # says who refused
        assert _snapshot(opt) == before
        return
    event("loaded")
    # accepted: every option and buffer passed the constructor's rules, so a step runs
    for group in opt.param_groups:
        rebuilt = type(opt)([{**group, "params": [Value(0.0)]}])
        assert {k: v for k, v in rebuilt.param_groups[0].items() if k != "params"} == \
            {k: v for k, v in group.items() if k != "params"}
    for s in opt.state.values():
        assert all(type(v) is float and math.isfinite(v) for v in s.values())
    if name != "LineSearchGD":
        for p in ps:
            p.grad = 0.5
        opt.step()
