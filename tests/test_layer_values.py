"""A layer reads its parameters' values once per data version (speed issue):
whatever a user does to the parameters between two calls — writes a weight's
.data, replaces a Value in a row, replaces a row, a bias or a neuron — the
next call computes with what the parameters are now, bit for bit the numbers
of the neuron computed on its own."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, dot, neurons


def reference(weights: list[list[Value]], xs: list[Value], biases: list[Value]) -> list[float]:
    """Each neuron on its own: dot(w, x, bias=b) then relu, as separate nodes."""
    return [dot(w, xs, bias=b).relu().data for w, b in zip(weights, biases)]


ACTIONS = ["write weight", "replace weight", "replace row", "write bias", "replace bias",
           "write input", "nothing"]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4),
       st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 2 ** 31),
                          st.floats(-3, 3)), max_size=12))
def test_neurons_follow_every_change_of_the_parameters(nin: int, nout: int,
                                                       actions: list[tuple[str, int, float]]
                                                       ) -> None:
    rng = random.Random(nin * 31 + nout)
    weights = [[Value(rng.uniform(-1, 1)) for _ in range(nin)] for _ in range(nout)]
    biases = [Value(rng.uniform(-1, 1)) for _ in range(nout)]
    xs = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
    assert [v.data for v in neurons(weights, xs, biases, "relu")] == reference(weights, xs,
                                                                               biases)
    for action, k, number in actions:
        j, i = k % nout, (k // nout) % nin
        if action == "write weight":
            weights[j][i].data = number
        elif action == "replace weight":
            weights[j][i] = Value(number)
        elif action == "replace row":
            weights[j] = [Value(number + t) for t in range(nin)]
        elif action == "write bias":
            biases[j].data = number
        elif action == "replace bias":
            biases[j] = Value(number)
        elif action == "write input":
            xs[i] = Value(number)
        got = neurons(weights, xs, biases, "relu")
        assert [v.data for v in got] == reference(weights, xs, biases), action
        # and the nodes are made of the Values the rows hold now
        assert all(v.children[:nin] == tuple(w) and v.children[-1] is b
                   for v, w, b in zip(got, weights, biases))


def test_a_model_follows_a_replaced_weight_neuron_and_row() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    x = [0.5, -1.5]

    def by_hand() -> float:
        h = [max(0.0, sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data)
             for n in model.layers[0].neurons]
        out = model.layers[1].neurons[0]
        return sum(w.data * hi for w, hi in zip(out.w, h)) + out.b.data

    assert model(x).data == pytest.approx(by_hand(), rel=1e-12)
    first = model.layers[0].neurons[0]
    first.w[1] = Value(7.0)  # a Value replaced in a row: no .data write anywhere
    assert model(x).data == pytest.approx(by_hand(), rel=1e-12)
    first.w = [Value(-2.0), Value(0.25)]  # the row replaced
    assert model(x).data == pytest.approx(by_hand(), rel=1e-12)
    first.b = Value(3.0)
    assert model(x).data == pytest.approx(by_hand(), rel=1e-12)
    model.layers[0].neurons[2] = nn.Neuron(2, activation="relu", weights=[1.0, 1.0], bias=0.5)
    assert model(x).data == pytest.approx(by_hand(), rel=1e-12)


def test_a_replaced_neuron_with_another_activation_is_used_as_it_is() -> None:
    layer = nn.Layer(2, 2, activation="relu", rng=random.Random(1))
    x = [Value(-3.0), Value(-4.0)]
    before = [v.data for v in layer(x)]
    layer.neurons[1] = nn.Neuron(2, activation="tanh", weights=[1.0, 1.0], bias=0.0)
    after = layer(x)
    assert after[0].data == before[0]
    assert after[1].data == pytest.approx(-0.9999983369439447)  # tanh(-7), not relu's 0


def test_rows_of_the_wrong_length_and_non_values_are_refused_every_time() -> None:
    ws = [[Value(1.0), Value(2.0)]]
    bs = [Value(0.0)]
    xs = [Value(1.0), Value(1.0)]
    assert neurons(ws, xs, bs)[0].data == 3.0
    ws[0].append(Value(5.0))  # the same row object, now too long
    with pytest.raises(ValueError, match="3 weights for 2 inputs"):
        neurons(ws, xs, bs)
    ws[0].pop()
    ws[0][0] = 1.0  # a number where a parameter belongs
    with pytest.raises(TypeError, match="every weight and bias must be a Value"):
        neurons(ws, xs, bs)


def test_affine_value_keeps_ieee_results_and_the_sign_of_zero_on_every_python() -> None:
    """Σ w·x + b is math.sumprod + b from 3.12 on and sum(map(mul), b) before: the
    special values and the sign of a zero are the same either way."""
    from autograd.ops import affine_value

    inf, nan = float("inf"), float("nan")
    assert math.copysign(1.0, affine_value([-0.0, 0.0], [1.0, -1.0], -0.0)) == -1.0
    assert math.copysign(1.0, affine_value([0.0], [1.0], -0.0)) == 1.0
    assert affine_value([1e308, 1e308], [10.0, 10.0], 0.0) == inf
    assert math.isnan(affine_value([inf, 1.0], [0.0, 1.0], 0.0))
    assert math.isnan(affine_value([inf, -inf], [1.0, 1.0], 0.0))
    assert math.isnan(affine_value([nan, 1.0], [1.0, 1.0], 0.0))
    assert affine_value([2.0, 3.0], [4.0, 5.0], 1.0) == 24.0
    # a layer's nodes have the value dot(w, x, bias=b) has, on any Python
    ws = [[Value(0.1 * (i + j) - 0.3) for i in range(16)] for j in range(4)]
    xs = [Value(0.7 - 0.05 * i) for i in range(16)]
    bs = [Value(-0.2 * j) for j in range(4)]
    assert [v.data for v in neurons(ws, xs, bs)] == [dot(w, xs, bias=b).data
                                                       for w, b in zip(ws, bs)]
