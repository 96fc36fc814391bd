"""The small traps of nn's arguments: an unknown activation, a loss name that
is no loss, and every loss's targets (bools — NumPy's too —, complex numbers,
strings, labels that are not ±1, probabilities outside [0, 1], class indices
out of range) are refused with a message that lists what is accepted."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value
from nn import losses


def examples(k: float) -> settings:
    """k times the current profile's number of examples (ci: 250)."""
    return settings(max_examples=max(1, int(k * settings().max_examples)))


# -- activations and loss names -------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: nn.MLP(2, [1], activation="nope"),          # no hidden layer: still checked
    lambda: nn.MLP(2, [3, 1], activation="nope"),
    lambda: nn.MLP(2, [1], output_activation="nope"),
    lambda: nn.Layer(2, 1, "nope"),
    lambda: nn.Neuron(2, "nope"),
])
def test_unknown_activation_names_list_the_accepted_ones(make: Any) -> None:
    accepted = r"unknown activation 'nope'; accepted: .*relu, .*prelu, rrelu, identity"
    with pytest.raises(ValueError, match=accepted):
        make()


def test_activations_that_are_not_names_or_callables_are_type_errors() -> None:
    with pytest.raises(TypeError, match="activation must be a name, a callable or None"):
        nn.MLP(2, [1], activation=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="acts on a whole layer"):
        nn.Neuron(2, "softmax")
    assert nn.MLP(2, [1], activation="softmax") is not None  # layer-wide: fine for a layer


@pytest.mark.parametrize("name", ["Value", "Op", "BCE", "REDUCTIONS", "l2_penalty",
                                  "kl_divergence", "_scalar", "autograd", "math", "hingee"])
def test_fit_takes_only_real_loss_names(name: str) -> None:
    X, y = [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0]
    with pytest.raises(ValueError, match=rf"unknown loss '{name}': use one of mse, l1, .*"
                                         r"cross_entropy, or a callable"):
        nn.fit(nn.MLP(2, [1], seed=0), X, y, loss=name, epochs=1, progress=False)


def test_every_name_of_LOSSES_trains() -> None:
    X = [[0.0, 1.0], [1.0, 0.0]]
    targets = {"bce": [0.0, 1.0], "bce_with_logits": [0.0, 1.0], "multiclass_hinge": [0, 1],
               "cross_entropy": [0, 1]}
    for name in losses.LOSSES:
        y = targets.get(name, [1.0, -1.0])
        out = "sigmoid" if name == "bce" else None
        nouts = [2] if name in ("multiclass_hinge", "cross_entropy") else [1]
        model = nn.MLP(2, nouts, output_activation=out, seed=0)
        history = nn.fit(model, X, y, loss=name, epochs=1, progress=False)
        assert math.isfinite(history["loss"][0]), name


# -- every loss's targets, generated ---------------------------------------------------------

ELEMENTWISE = ["mse", "l1", "l2", "bce", "bce_with_logits"]
MARGIN = ["logistic", "exponential", "hinge", "squared_hinge", "quadratic_margin"]
CLASSES = ["multiclass_hinge", "cross_entropy"]

BOOLS = st.sampled_from([True, False, np.True_, np.False_, np.bool_(1)])
NOT_NUMBERS = st.sampled_from([None, "1", "", b"1", [1.0], {1.0: 1}, object()]) | \
    st.complex_numbers(allow_nan=False, allow_infinity=False, min_magnitude=0)


def _call(name: str, target: Any, batch: bool) -> Value:
    fn = getattr(losses, name)
    if name in CLASSES:
        return fn([[0.5, -0.5, 1.0]] * 2, [0, target]) if batch else fn([0.5, -0.5, 1.0], target)
    if name == "bce":
        return fn([0.3, 0.6], [1.0, target]) if batch else fn(0.3, target)
    return fn([0.3, -0.6], [1.0, target]) if batch else fn(0.3, target)


def _refused(name: str, target: Any, batch: bool) -> str:
    with pytest.raises((ValueError, TypeError)) as info:
        _call(name, target, batch)
    message = str(info.value)
    assert message.startswith(f"{name}:"), message  # says which loss
    return message


@examples(2)
@given(st.sampled_from(ELEMENTWISE + MARGIN + CLASSES), BOOLS, st.booleans())
def test_boolean_targets_are_refused_by_every_loss(name: str, target: Any, batch: bool) -> None:
    message = _refused(name, target, batch)
    assert "bool" in message or "class index" in message


@examples(2)
@given(st.sampled_from(ELEMENTWISE + MARGIN + CLASSES), NOT_NUMBERS, st.booleans())
def test_targets_that_are_no_numbers_are_refused_by_every_loss(name: str, target: Any,
                                                               batch: bool) -> None:
    message = _refused(name, target, batch)
    assert re.search(r"must (both )?be|class index", message), message


@examples(2)
@given(st.sampled_from(MARGIN),
       st.floats(allow_nan=True).filter(lambda y: y not in (-1.0, 1.0)) | st.integers(-5, 5)
       .filter(lambda y: y not in (-1, 1)), st.booleans(), st.booleans())
def test_margin_labels_other_than_plus_minus_one_are_refused(name: str, y: Any, batch: bool,
                                                             numpy: bool) -> None:
    target = np.float64(y) if numpy else y
    assert "labels must be -1 or +1" in _refused(name, target, batch)
    # and the good labels, in every spelling, are taken
    for good in (1, -1, 1.0, np.int64(-1), np.float32(1.0), Value(-1.0)):
        assert isinstance(_call(name, good, batch), Value)


@examples(2)
@given(st.sampled_from(["bce", "bce_with_logits"]),
       st.floats(allow_nan=True).filter(lambda t: not 0.0 <= t <= 1.0), st.booleans())
def test_bce_targets_outside_0_1_are_refused(name: str, t: float, batch: bool) -> None:
    assert "probability in [0, 1]" in _refused(name, t, batch)
    assert isinstance(_call(name, np.float64(0.25), batch), Value)


@examples(2)
@given(st.sampled_from(CLASSES),
       st.integers().filter(lambda k: not 0 <= k < 3) | st.floats() |
       st.sampled_from([np.int64(3), np.int8(-1), "0"]), st.booleans())
def test_class_indices_out_of_range_or_not_ints_are_refused(name: str, k: Any,
                                                            batch: bool) -> None:
    assert "class index in [0, 3)" in _refused(name, k, batch)


def test_multiclass_hinge_margin_is_checked() -> None:
    for bad in (True, math.nan, math.inf, "1"):
        with pytest.raises(ValueError, match="margin must be a finite real number"):
            losses.multiclass_hinge([1.0, 2.0], 0, margin=bad)  # type: ignore[arg-type]
