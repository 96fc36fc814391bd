"""nn.Module, Neuron, Layer, MLP and the activations: structure, names, inits,
micrograd equivalence, and real training (XOR, micrograd's moons recipe)."""

from __future__ import annotations

import itertools
import math
import random
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from training_loops import train_mse

import autograd
import nn
from autograd import Value
from nn.activations import NAMES, PReLU, RReLU


def _central(f, x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


# -- structure and names ------------------------------------------------------------

def test_named_parameters_are_stable_readable_paths():
    m = nn.MLP(2, [3, 1], seed=0)
    names = [n for n, _ in m.named_parameters()]
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1",
                         "layers.0.neurons.0.b", "layers.0.neurons.1.w.0"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert len(names) == 3 * (2 + 1) + (3 + 1) == len(m.parameters())
    assert names == [n for n, _ in nn.MLP(2, [3, 1], seed=5).named_parameters()]


def test_parameters_dedup_shared_values_and_zero_grad():
    shared = PReLU()
    m = nn.MLP(2, [3, 1], activation=shared, seed=0)
    names = [n for n, p in m.named_parameters() if p is shared.weight]
    assert len(names) == 3  # listed under each neuron that uses it ...
    assert sum(p is shared.weight for p in m.parameters()) == 1  # ... but one parameter
    out = m([1.0, -2.0])
    out.backward()
    assert any(p.grad != 0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())


def test_repr_is_readable():
    m = nn.MLP(2, [16, 16, 1])
    text = repr(m)
    assert "Layer(2, 16, activation='relu')" in text
    assert "Layer(16, 1, activation=None)" in text
    assert "337 parameters" in text
    assert repr(m.layers[0].neurons[0]) == "Neuron(2, activation='relu')"


def test_neuron_is_one_fused_node_of_its_affine_step_and_activation():
    n = nn.Neuron(3, "tanh", weights=[1.0, 2.0, 3.0], bias=0.5)
    out = n([1.0, 1.0, 1.0])
    assert out.op == "affine_tanh" and out.data == math.tanh(6.5)
    assert [p.name for p in out.fn.parts] == ["affine", "tanh"]
    assert len(out.children) == 2 * 3 + 1 and out.children[-1] is n.b
    lin = nn.Neuron(2, None, weights=[1.0, 1.0])([2.0, 3.0])
    assert lin.op == "affine" and lin.data == 5.0
    # a callable activation cannot be fused: affine node, then the callable
    odd = nn.Neuron(2, lambda z: z * z, weights=[1.0, 1.0])([2.0, 3.0])
    assert odd.op == "mul" and odd.children[0].op == "affine"


def test_mlp_graph_has_one_node_per_neuron():
    m = nn.MLP(2, [16, 16, 1], seed=0)
    out = m([0.3, -0.7])
    inner = [v for v in autograd.topological_order(out) if v.op]
    assert len(inner) == 16 + 16 + 1
    assert {v.op for v in inner} == {"affine_relu", "affine"}


def test_inputs_may_be_numbers_or_values_and_get_gradients():
    n = nn.Neuron(2, None, weights=[3.0, -4.0], bias=1.0)
    x = [Value(2.0), 5.0]
    out = n(x)
    out.backward()
    assert out.data == 3 * 2 - 4 * 5 + 1
    assert x[0].grad == 3.0
    assert [w.grad for w in n.w] == [2.0, 5.0] and n.b.grad == 1.0


def test_bad_construction_and_inputs_are_refused_clearly():
    with pytest.raises(ValueError, match="nouts"):
        nn.MLP(2, [])
    with pytest.raises(ValueError, match="nin"):
        nn.MLP(0, [1])
    with pytest.raises(TypeError, match="seed"):
        nn.MLP(2, [1], seed="1")
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        nn.MLP(2, [1], seed=0)([1, 2, 3])
    with pytest.raises(ValueError, match="unknown init"):
        nn.MLP(2, [1], init="zeros")
    with pytest.raises(TypeError, match="str"):
        nn.MLP(2, [1], seed=0)([1.0, "a"])
    with pytest.raises(TypeError, match="MLP expects a sequence of 2 inputs, got float"):
        nn.MLP(2, [1], seed=0)(3.0)
    with pytest.raises(TypeError, match=r"weights\[0\]\[0\]\[1\] must be a real number, got str"):
        nn.MLP.from_weights([[[1.0, "x"]]])
    with pytest.raises(TypeError, match=r"Neuron: weights\[1\] must be a real number"):
        nn.Neuron(2, weights=[1.0, None])


# -- micrograd equivalence ------------------------------------------------------------

def test_mlp_is_micrograds_weights_outputs_and_gradients():
    import micrograd.nn as micrograd_nn  # a test dependency (pyproject's test extra)

    random.seed(1337)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = nn.MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    X, y = nn.data.make_moons(12, noise=0.1, seed=3, labels="sign")
    totals = []
    for model in (theirs, ours):
        scores = [model(x) for x in X]
        losses = [(1 + -yi * s).relu() for yi, s in zip(y, scores)]
        total = sum(losses) * (1.0 / len(losses))
        total.backward()
        totals.append(total.data)
    assert totals[1] == pytest.approx(totals[0], rel=1e-12)
    for a, b in zip(ours.parameters(), theirs.parameters()):
        assert a.grad == pytest.approx(b.grad, rel=1e-10, abs=1e-14)


# -- initialisation and seeds -----------------------------------------------------------

def test_seed_reproduces_and_distinguishes_models():
    a, b, c = nn.MLP(3, [5, 2], seed=7), nn.MLP(3, [5, 2], seed=7), nn.MLP(3, [5, 2], seed=8)
    assert a.state_dict() == b.state_dict() != c.state_dict()
    random.seed(4)
    d = nn.MLP(3, [5, 2])
    random.seed(4)
    assert nn.MLP(3, [5, 2]).state_dict() == d.state_dict()  # seed=None: global random


def test_micrograd_init_is_uniform_with_zero_bias():
    m = nn.MLP(4, [50, 50], seed=1)
    ws = [p.data for n, p in m.named_parameters() if ".w." in n]
    bs = [p.data for n, p in m.named_parameters() if n.endswith(".b")]
    assert all(-1 <= w <= 1 for w in ws) and max(ws) > 0.95 and min(ws) < -0.95
    assert bs == [0.0] * 100


@pytest.mark.parametrize("init", ["xavier", "glorot"])
def test_xavier_init_bounds(init):
    m = nn.MLP(30, [20], init=init, seed=2)
    bound = math.sqrt(6 / (30 + 20))
    ws = [p.data for n, p in m.named_parameters() if ".w." in n]
    assert all(abs(w) <= bound for w in ws) and max(map(abs, ws)) > 0.9 * bound


@pytest.mark.parametrize("init", ["he", "kaiming"])
def test_he_init_standard_deviation(init):
    m = nn.MLP(50, [100], init=init, seed=3)
    ws = [p.data for n, p in m.named_parameters() if ".w." in n]
    assert statistics.pstdev(ws) == pytest.approx(math.sqrt(2 / 50), rel=0.05)
    assert abs(statistics.fmean(ws)) < 0.01


def test_custom_init_callable():
    m = nn.MLP(2, [3], init=lambda rng, fan_in, fan_out: 1.0 / fan_in, seed=0)
    assert {p.data for n, p in m.named_parameters() if ".w." in n} == {0.5}


# -- explicit weights -------------------------------------------------------------------

def test_from_weights_sets_every_value_and_round_trips():
    ws = [[[1.0, -2.0], [0.5, 0.25], [3.0, 0.0]], [[1.0, -1.0, 2.0]]]
    bs = [[0.1, 0.2, 0.3], [-0.5]]
    m = nn.MLP.from_weights(ws, bs)
    assert m.weights() == (ws, bs)
    x = [2.0, 1.0]
    hidden = [max(0.0, sum(w * xi for w, xi in zip(row, x)) + b) for row, b in zip(ws[0], bs[0])]
    expected = sum(w * h for w, h in zip(ws[1][0], hidden)) + bs[1][0]
    assert m(x).data == pytest.approx(expected, abs=1e-15)


def test_from_weights_refuses_inconsistent_shapes():
    with pytest.raises(ValueError, match="neuron 1 of layer 0 has 1 weights"):
        nn.MLP.from_weights([[[1.0, 2.0], [1.0]]])
    with pytest.raises(ValueError, match="layer 1 has 1 neurons but 2 biases"):
        nn.MLP.from_weights([[[1.0]], [[1.0]]], [[0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="neuron 0 of layer 1 has 1 weights, the layer has 2"):
        nn.MLP.from_weights([[[1.0], [2.0]], [[1.0]]])


# -- activations ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_every_named_activation_is_its_value_method(name):
    n = nn.Neuron(2, name, weights=[0.75, -0.5], bias=0.125)
    out = n([1.0, 2.0])
    z = 0.75 - 1.0 + 0.125
    assert out.op == f"affine_{name}" and out.fn.parts[1].name == name
    assert out.data == getattr(Value(z), name)().data
    unfused = getattr(autograd.dot([Value(0.75), Value(-0.5)], [1.0, 2.0], Value(0.125)), name)()
    assert out.data == unfused.data


@pytest.mark.parametrize("name", ["identity", "linear", None])
def test_identity_adds_no_node(name):
    out = nn.Neuron(1, name, weights=[2.0])([3.0])
    assert out.op == "affine" and out.data == 6.0


def test_callable_activation_and_unknown_names():
    out = nn.Neuron(1, lambda v: v.leaky_relu(0.2), weights=[1.0])([-1.0])
    assert out.data == pytest.approx(-0.2) and out.op == "leaky_relu"
    with pytest.raises(ValueError, match="unknown activation 'swish2'"):
        nn.Neuron(1, "swish2")
    with pytest.raises(ValueError, match="whole layer"):
        nn.Neuron(1, "softmax")
    with pytest.raises(TypeError, match="activation must be"):
        nn.Neuron(1, 3)


def test_prelu_value_and_gradients_and_it_learns():
    p = PReLU()
    assert p.weight.data == 0.25
    x = Value(-2.0)
    y = p(x)
    y.backward()
    assert y.data == -0.5 and x.grad == 0.25 and p.weight.grad == -2.0
    x2, p2 = Value(3.0), PReLU(0.1)
    y2 = p2(x2)
    y2.backward()
    assert y2.data == 3.0 and x2.grad == 1.0 and p2.weight.grad == 0.0
    # second derivative ∂²y/∂x∂a = 1 on the negative side
    x3, p3 = Value(-1.5), PReLU(0.3)
    (dx,) = autograd.grad(p3(x3), [x3], create_graph=True)
    (dxa,) = autograd.grad(dx, [p3.weight])
    assert dx.data == 0.3 and dxa == 1.0
    m = nn.MLP(1, [2, 1], activation="prelu", seed=0)
    assert any(n.endswith("act.weight") for n, _ in m.named_parameters())
    assert len(m.parameters()) == 2 * 2 + 2 + 3


def test_prelu_gradient_matches_central_differences():
    for x0, a0 in [(-1.3, 0.25), (0.7, 0.4), (-0.2, -0.5)]:
        p, x = PReLU(a0), Value(x0)
        p(x).backward()
        assert x.grad == pytest.approx(_central(lambda t: PReLU(a0)(Value(t)).data, x0),
                                       abs=1e-6)
        num_a = _central(lambda a: PReLU(a)(Value(x0)).data, a0)
        assert p.weight.grad == pytest.approx(num_a, abs=1e-6)


def test_rrelu_random_slope_in_training_mean_in_eval():
    r = RReLU(seed=0)
    slopes = {r(Value(-1.0)).data for _ in range(50)}
    assert len(slopes) == 50
    assert all(-1 / 3 <= s <= -1 / 8 for s in slopes)
    r.eval()
    assert r(Value(-2.0)).data == -2.0 * (1 / 8 + 1 / 3) / 2
    assert r(Value(4.0)).data == 4.0
    x = Value(-1.0)
    r(x).backward()
    assert x.grad == (1 / 8 + 1 / 3) / 2
    with pytest.raises(ValueError, match="lower <= upper"):
        RReLU(0.5, 0.1)


def test_train_and_eval_reach_rrelu_inside_an_mlp():
    m = nn.MLP(2, [8, 1], activation="rrelu", seed=1)
    x = [-1.0, 2.0]
    pre = [sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data for n in m.layers[0].neurons]
    assert any(z < 0 for z in pre)  # some unit is on its random-slope side
    train_outs = {m(x).data for _ in range(5)}
    assert len(train_outs) == 5
    m.eval()
    assert all(not mod.training for mod in m.modules())
    assert len({m(x).data for _ in range(5)}) == 1
    m.train()
    assert all(mod.training for mod in m.modules())
    first = nn.MLP(2, [8, 1], activation="rrelu", seed=1)
    second = nn.MLP(2, [8, 1], activation="rrelu", seed=1)
    assert [first(x).data for _ in range(4)] == [second(x).data for _ in range(4)]


@pytest.mark.parametrize("out_act,lo,hi", [("sigmoid", 0, 1), ("tanh", -1, 1)])
def test_bounded_output_activations(out_act, lo, hi):
    m = nn.MLP(2, [4, 3], output_activation=out_act, seed=0)
    outs = m([5.0, -3.0])
    assert len(outs) == 3 and all(lo < o.data < hi for o in outs)
    assert {o.op for o in outs} == {f"affine_{out_act}"}


def test_softmax_output_acts_on_the_whole_layer():
    ws = [[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]
    m = nn.MLP.from_weights(ws, [[0.0, 0.5, -1.0]], output_activation="softmax")
    probs = m([2.0, 1.0])
    logits = [2.0, 1.5, 2.0]
    z = sum(math.exp(v) for v in logits)
    assert [p.data for p in probs] == pytest.approx([math.exp(v) / z for v in logits],
                                                    rel=1e-14)
    assert sum(p.data for p in probs) == pytest.approx(1.0, rel=1e-15)
    probs[0].backward()
    s0 = math.exp(2.0) / z
    w00 = m.layers[0].neurons[0].w[0]  # ∂p0/∂z0 · ∂z0/∂w00 = s0(1 − s0)·x0
    assert w00.grad == pytest.approx(s0 * (1 - s0) * 2.0, rel=1e-12)


# -- learning for real -----------------------------------------------------------------------

def _xor_data():
    X, y = nn.data.make_xor(labels="sign")
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] and y == [-1, 1, 1, -1]
    return X, y


def test_xor_is_provably_not_separable_by_one_neuron():
    """A neuron act(w·x + b) with a monotone activation decides by a threshold
    on w·x + b, i.e. by the sign of w·x + b' for some b'. Suppose some
    (w1, w2, b) puts class +1 strictly above and class −1 at or below it:
        −b ≥ 0,  w2 + b > 0,  w1 + b > 0,  −(w1 + w2 + b) ≥ 0.
    With multipliers λ = (1, 1, 1, 1) the left sides add up to 0 identically
    (a Farkas certificate), while the right sides add up to > 0: impossible."""
    X, y = _xor_data()
    lam = [1, 1, 1, 1]
    # Σ λ_i·y_i·(x_i, 1) = 0: the combination vanishes for every (w1, w2, b) ...
    combo = [sum(li * yi * v for li, yi, v in zip(lam, y, col))
             for col in ([x[0] for x in X], [x[1] for x in X], [1.0] * 4)]
    assert combo == [0, 0, 0]
    # ... yet it is a sum of terms each ≥ 0, with those of class +1 (λ > 0) > 0.
    assert all(li >= 0 for li in lam) and any(li > 0 for li, yi in zip(lam, y) if yi > 0)
    # Consequence, checked on a grid of integer/half-integer hyperplanes:
    # no neuron gets all four points right.
    grid = [k / 2 for k in range(-8, 9)]
    for w1, w2, b in itertools.product(grid, grid, grid):
        signs = [w1 * x[0] + w2 * x[1] + b > 0 for x in X]
        assert signs != [yi > 0 for yi in y]
    # And training a single tanh neuron by gradient descent gets at most 3 of 4.
    neuron = nn.MLP(2, [1], output_activation="tanh", seed=0)
    loss = train_mse(neuron, neuron.parameters, X, y, steps=300, lr=0.2)
    correct = sum((neuron(x).data > 0) == (yi > 0) for x, yi in zip(X, y))
    assert correct <= 3
    assert loss.data > 0.5  # the best a hyperplane can do leaves a large error


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_xor_is_learned_by_a_small_mlp_with_plain_sgd(seed):
    X, y = _xor_data()
    model = nn.MLP(2, [4, 1], activation="tanh", seed=seed)
    loss = train_mse(model, model.parameters, X, y, steps=300, lr=0.2)
    assert loss.data < 1e-3
    assert [model(x).data > 0 for x in X] == [False, True, True, False]


def test_micrograd_moons_recipe_reaches_full_training_accuracy():
    """micrograd's demo: MLP(2, [16, 16, 1]), SVM max-margin loss + 1e-4·L2,
    100 full-batch SGD steps with learning rate 1 − 0.9·k/100."""
    X, y = nn.data.make_moons(100, noise=0.1, seed=1337, labels="sign")
    model = nn.MLP(2, [16, 16, 1], seed=1337)
    accuracy, first_loss = 0.0, None
    for k in range(100):
        scores = [model(x) for x in X]
        loss = nn.losses.hinge(scores, y) + 1e-4 * nn.losses.l2_penalty(model)
        first_loss = loss.data if first_loss is None else first_loss
        accuracy = sum((s.data > 0) == (yi > 0) for s, yi in zip(scores, y)) / len(y)
        model.zero_grad()
        loss.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= lr * p.grad
    assert accuracy == 1.0
    assert loss.data < 0.1 * first_loss


# -- wiring: every parameter's gradient against central differences ---------------------------

SMOOTH = ["tanh", "sigmoid", "softplus", "gelu", "silu", "atan", "logsigmoid", "tanhshrink"]


@settings(max_examples=40, deadline=None)
@given(nin=st.integers(1, 3), sizes=st.lists(st.integers(1, 3), min_size=1, max_size=3),
       act=st.sampled_from(SMOOTH), out=st.sampled_from([None, "sigmoid", "tanh", "softmax"]),
       seed=st.integers(0, 2**16), x=st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_mlp_parameter_gradients_match_central_differences(nin, sizes, act, out, seed, x):
    model = nn.MLP(nin, sizes, activation=act, output_activation=out, seed=seed)
    x = x[:nin]
    coeffs = [1.0 + 0.5 * k for k in range(sizes[-1])]  # a scalar of every output

    def objective() -> Value:
        y = model(x)
        ys = y if isinstance(y, list) else [y]
        return autograd.dot(coeffs, ys)

    model.zero_grad()
    objective().backward()
    for name, p in model.named_parameters():
        h = 1e-6 * max(1.0, abs(p.data))
        keep = p.data
        p.data = keep + h
        up = objective().data
        p.data = keep - h
        down = objective().data
        p.data = keep
        numeric = (up - down) / (2 * h)
        assert abs(p.grad - numeric) <= 1e-6 + 1e-5 * abs(numeric), name
