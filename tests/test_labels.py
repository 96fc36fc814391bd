"""Labels of what nn creates, readable on a slide and unique within a model.

Every index counts from 1, as in the course's formulas: in an MLP weight i of
neuron j of layer l is ``w[l,j,i]`` (Python path ``layers.{l-1}.neurons.{j-1}.w.{i-1}``),
its bias ``b[l,j]``, a PReLU slope ``a[l,j]``; a Layer on its own drops the
layer (``w[j,i]``), a Neuron on its own is ``w1, w2, ..., b, a``; inputs given
as numbers become ``x1, x2, ...``.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value

_PATH = re.compile(r"^layers\.(\d+)\.neurons\.(\d+)\.(?:(w)\.(\d+)|(b)|act\.(weight))$")


def label_from_path(name: str) -> str:
    """The documented rule, from a parameter's 0-based path to its 1-based label."""
    m = _PATH.match(name)
    assert m, name
    layer, neuron = int(m.group(1)) + 1, int(m.group(2)) + 1
    if m.group(3):
        return f"w[{layer},{neuron},{int(m.group(4)) + 1}]"
    return f"{'b' if m.group(5) else 'a'}[{layer},{neuron}]"


@settings(max_examples=max(1, settings().max_examples))
@given(st.integers(1, 5), st.lists(st.integers(1, 5), min_size=1, max_size=4),
       st.sampled_from(["relu", "prelu", "tanh", "rrelu", None]),
       st.sampled_from([None, "prelu", "softmax", "sigmoid"]))
def test_every_mlp_parameter_is_labelled_by_the_rule_and_labels_are_unique(nin, nouts, act, out):
    model = nn.MLP(nin, nouts, activation=act, output_activation=out, seed=0)
    named = list(model.named_parameters())
    labels = [p.label for _, p in named]
    assert labels == [label_from_path(name) for name, _ in named]
    assert len(set(labels)) == len(labels)


def test_the_course_example_and_the_python_path_say_the_same():
    model = nn.MLP(3, [2, 1], seed=0)
    w = model.layers[0].neurons[1].w[2]       # W⁽¹⁾ row 2, column 3: multiplies x3
    assert w.label == "w[1,2,3]"
    assert model.layers[1].neurons[0].b.label == "b[2,1]"
    assert [p.label for p in model.layers[0].neurons[0].parameters()] == \
        ["w[1,1,1]", "w[1,1,2]", "w[1,1,3]", "b[1,1]"]


def test_a_neuron_and_a_layer_on_their_own():
    n = nn.Neuron(2, "tanh", weights=[-3.0, 1.0], bias=6.8813735870195432)
    assert [p.label for p in n.parameters()] == ["w1", "w2", "b"]
    assert [p.label for p in nn.Neuron(2, "prelu").parameters()] == ["w1", "w2", "b", "a"]
    layer = nn.Layer(2, 2, "prelu")
    assert [p.label for p in layer.parameters()] == \
        ["w[1,1]", "w[1,2]", "b[1]", "a[1]", "w[2,1]", "w[2,2]", "b[2]", "a[2]"]
    assert nn.PReLU().weight.label == "a"


def test_inputs_given_as_numbers_become_x1_x2_and_values_keep_theirs():
    model = nn.MLP(3, [2, 1], seed=0)
    out = model([0.5, -1.0, 2.0])
    leaves = [v for v in autograd.topological_order(out) if not v.op]
    inputs = [v for v in leaves if v.label and v.label.startswith("x")]
    assert sorted(v.label for v in inputs) == ["x1", "x2", "x3"]
    assert {v.data for v in inputs} == {0.5, -1.0, 2.0}
    assert all(v.label for v in leaves)  # every leaf of an MLP graph is named
    mine = Value(0.5, label="height")
    out = model([mine, Value(1.0), 2.0])
    labels = {v.label for v in autograd.topological_order(out) if not v.op}
    assert "height" in labels and "x3" in labels and None in labels  # a Value stays as given
    assert "x1" not in labels and "x2" not in labels
    n = nn.Neuron(2, "tanh")
    assert {c.label for c in n([2.0, 0.0]).children} >= {"x1", "x2", "w1", "b"}
    layer = nn.Layer(2, 3)
    assert {v.label for v in autograd.topological_order(layer([1.0, 2.0])[0])} >= {"x1", "x2"}


def test_labels_survive_from_weights_and_a_save_load_round_trip(tmp_path):
    model = nn.MLP.from_weights([[[1.0, 2.0]], [[3.0]]], [[0.5], [-0.5]])
    assert [p.label for p in model.parameters()] == \
        ["w[1,1,1]", "w[1,1,2]", "b[1,1]", "w[2,1,1]", "b[2,1]"]
    model.save(tmp_path / "m.json")
    back = nn.load(tmp_path / "m.json")
    assert [p.label for p in back.parameters()] == [p.label for p in model.parameters()]


def test_labels_are_what_the_drawing_shows():
    out = nn.MLP(2, [1], seed=0)([0.5, -1.0])
    source = autograd.draw(out).source
    for label in ("w[1,1,1]", "w[1,1,2]", "b[1,1]", "x1", "x2"):
        assert f'tooltip="{label}"' in source, label
