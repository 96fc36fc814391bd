"""Big graphs stay readable: neurons clustered or collapsed, a cut-off past max_nodes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import autograd
import nn
from autograd import Op, Value, draw
from autograd.drawing import Style

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def mlp_output() -> Value:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    y = model(x)
    y.label = "y"
    return y


def test_mlp_collapses_into_one_box_per_neuron_by_default(mlp_output: Value) -> None:
    d = draw(mlp_output, "backward")
    assert any("33 neurons collapsed" in n for n in d.notes)
    boxes = re.findall(r'^  (g\d+) \[id="g\d+", class="group', d.source, re.M)
    assert len(boxes) == 33
    # the two shared inputs stay visible, every neuron box gets an edge from each
    assert ">x1</font>" in d.source and ">x2</font>" in d.source
    x1 = re.search(r'^  (v\d+) \[.*>x1</font>', d.source, re.M)
    assert x1 is not None
    assert len(re.findall(rf"^  {x1.group(1)} -> g\d+ ", d.source, re.M)) == 16
    # 16·2 + 16·16 + 16 edges between inputs and boxes, no numbers on them (too many)
    assert len(re.findall(r"-> g\d+ \[", d.source)) == 32 + 256 + 16
    assert any("edge labels left out" in n for n in d.notes)
    root = ET.fromstring(d.svg().encode("utf-8"))
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert len({i for i in ids if i and re.fullmatch(r"g\d+", i)}) == 33


def test_collapsed_box_shows_the_neuron_output_and_its_gradient(mlp_output: Value) -> None:
    d = draw(mlp_output, "backward", collapse=True)
    root_box = next(line for line in d.source.splitlines()
                    if re.match(r"  g\d+ ", line) and "grad 1<" in line)
    number = Style().number
    assert f"data {number(mlp_output.data)}" in root_box
    # a hidden neuron's gradient is ∂y/∂(its activation), as autograd.grad gives it
    hidden_out = mlp_output.children[16]  # y = affine(w_1..w_16, x_1..x_16, b)
    (expected,) = autograd.grad(mlp_output, [hidden_out])
    assert f"data {number(hidden_out.data)}" in d.source
    assert f"grad {number(expected)} " in d.source or f"grad {number(expected)}<" in d.source


def test_full_mlp_draws_each_neuron_as_a_cluster(mlp_output: Value) -> None:
    d = draw(mlp_output, "forward", collapse=False, max_nodes=None)
    assert d.source.count("subgraph cluster_g") == 33
    assert d.source.count("w·x+b → ReLU") == 32
    assert not d.notes or all("collapsed" not in n for n in d.notes)
    plain = draw(mlp_output, "forward", collapse=False, max_nodes=None, clusters=False)
    assert "subgraph" not in plain.source


def test_past_max_nodes_only_the_part_nearest_the_root_is_drawn(mlp_output: Value) -> None:
    d = draw(mlp_output, "backward", collapse=False, max_nodes=60)
    assert any("values not shown" in n and "max_nodes=60" in n for n in d.notes)
    assert 'hidden [id="hidden"' in d.source
    drawn = len(re.findall(r'^\s+(?:v|op|g)\d+ \[id=', d.source, re.M))
    assert 0 < drawn <= 59
    assert ">y</font>" in d.source  # the root is always there
    ET.fromstring(d.svg().encode("utf-8"))


def test_clusters_are_found_by_shape_for_a_user_defined_nary_op() -> None:
    """No op is named in the drawing code: any variadic op with its activation groups."""
    wsum = Op("wsum", "Σw", f=lambda xs: sum(xs), df=lambda xs, y: [1.0] * len(xs), arity=None)
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")
    y = wsum(a, b, c).tanh()
    src = draw(y).source
    assert "subgraph cluster_g" in src and "Σw → tanh" in src


def test_max_nodes_none_never_collapses(mlp_output: Value) -> None:
    d = draw(mlp_output, "forward", max_nodes=None)
    assert d.notes == () or all("collapsed" not in n for n in d.notes)
    assert 'class="group' not in d.source


@pytest.mark.parametrize("collapse", [True, False])
def test_layers_box_the_neurons_of_each_layer(mlp_output: Value, collapse: bool) -> None:
    d = draw(mlp_output, "backward", collapse=collapse, max_nodes=None, layers=True)
    assert 'label="layer 1 (16 neurons)"' in d.source
    assert 'label="layer 2 (16 neurons)"' in d.source
    assert 'label="layer 3 (1 neuron)"' in d.source
    layer1 = d.source.split("subgraph cluster_layer1 {")[1].split("subgraph cluster_layer2")[0]
    assert len(re.findall(r"^\s+(?:g|v)\d+ \[id=\"(?:g|v)\d+\", class=\"group", layer1,
                          re.M)) == (16 if collapse else 0)
    ET.fromstring(d.svg().encode("utf-8"))


def test_a_long_chain_is_cut_and_laid_out_with_capped_passes() -> None:
    x = Value(0.5, label="x")
    y = x
    for k in range(4000):  # x is used all along the chain: long edges for Graphviz
        y = (y * 1.0001).tanh() if k % 2 else y + x
    d = draw(y, "backward")
    assert any("values not shown" in n and "max_nodes=300" in n for n in d.notes)
    assert "nslimit=2, nslimit1=2" in d.source
    assert 'hidden [id="hidden"' in d.source
    ET.fromstring(d.svg().encode("utf-8"))
    small = draw(Value(1.0, label="a") * 2.0)
    assert "nslimit" not in small.source
