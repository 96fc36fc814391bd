"""Lecture-grade diagrams (issue 10): each fix pinned from the DOT or the rendered SVG.

The graphs are the course's (``tests/seeds.py``, the gallery's seeds): f =
(u+v)·w, micrograd's tanh neuron, x·x + x, a + a, the 3-2-1 softplus network
with its L2 loss, MLP(2, [4, 4, 1]) and a 3-point batch loss.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seeds import SEEDS

import autograd
import nn
from autograd import Value, draw, step_through
from autograd.drawing import Style
from autograd.text import check_text

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def centres(svg: str) -> dict[str, tuple[float, float]]:
    """Each node's centre (from its outline or its cells), by DOT id."""
    root = ET.fromstring(svg.encode("utf-8"))
    out = {}
    for g in root.iter(f"{SVG}g"):
        if "node" not in (g.get("class") or "").split():
            continue
        xs, ys = [], []
        for el in g.iter():
            if el.tag == f"{SVG}path":  # a rounded box
                numbers = [float(v) for v in re.findall(r"-?[0-9.]+", el.get("d") or "")]
                xs += numbers[0::2]
                ys += numbers[1::2]
            elif el.tag == f"{SVG}polygon":
                for point in (el.get("points") or "").split():
                    x, y = point.split(",")
                    xs.append(float(x))
                    ys.append(float(y))
            elif el.tag == f"{SVG}ellipse":
                xs.append(float(el.get("cx") or 0))
                ys.append(float(el.get("cy") or 0))
        out[g.get("id") or ""] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return out


def relative(layout: dict[str, tuple[float, float]], anchor: str) -> dict[str, tuple[float, ...]]:
    ax, ay = layout[anchor]
    return {k: (round(x - ax, 1), round(y - ay, 1)) for k, (x, y) in layout.items()}


# -- 1. the forward view shows no computed gradient -------------------------------------

@pytest.mark.parametrize("name", list(SEEDS))
def test_no_grad_in_a_forward_view_before_backward(name: str) -> None:
    root = SEEDS[name]()
    d = draw(root, "forward")
    assert "grad" not in d.source
    for text in texts(d.svg()):
        assert "grad" not in text and not re.search(r" × .* = ", text), text
    assert all(n.grad == 0.0 for n in autograd.topological_order(root))


def test_forward_frames_show_values_appearing_and_no_gradient() -> None:
    s = step_through(SEEDS["f"](), passes="forward")
    assert repr(s) == "<Stepper: 3 frames (inputs + 2 forward steps)>"
    assert s.captions == ["Step 0 of 2: the inputs are given; every other value is not "
                          "computed yet (?).",
                          "Step 1 of 2: u + v = 2 + 3 = 5.", "Step 2 of 2: f = 5 × 4 = 20."]
    first = texts(s[0].svg())
    assert "data ?" in first and "data 2" in first and "data 20" not in first
    assert "data 5" in texts(s[1].svg()) and "data 20" in texts(s[2].svg())
    for frame in s:
        assert "grad" not in frame.source
    assert 'id="op3", class="op active"' in s[1].source


# -- 2. a value is read on its own wire; 7. inputs in argument order --------------------

def _y(layout: dict[str, tuple[float, float]], node: str) -> float:
    return layout[node][1]


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_inputs_enter_top_to_bottom_in_argument_order(rankdir: str) -> None:
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")
    root = autograd.sum([c, a, b]) * (b * a)  # argument order c, a, b; then b, a
    root.label = "r"
    layout = centres(draw(root, "forward", style=Style(rankdir=rankdir)).svg())
    axis = 1 if rankdir == "LR" else 0  # top to bottom, or left to right
    pos = {label: layout[f"v{i}"][axis] for i, label in enumerate("abc")}
    assert pos["c"] < pos["a"] < pos["b"] or pos["b"] < pos["a"], pos


def test_neuron_inputs_in_argument_order() -> None:
    layout = centres(draw(SEEDS["neuron"](), "both").svg())
    # x1 (v0) above w1 (v2) into x1·w1; x2 (v1) above w2 (v3) into x2·w2
    assert _y(layout, "v0") < _y(layout, "v2") and _y(layout, "v1") < _y(layout, "v3")


def test_forward_label_sits_on_its_own_wire() -> None:
    """Each use's value is the label of its own edge (one row, no blank row above or
    below), and the backward number is another edge's label."""
    src = draw(SEEDS["square_plus"](), "forward").source
    labels = re.findall(r'id="(e\d+_\d)".*?<tr><td[^>]*>(.*?)</td></tr></table>>', src)
    assert [(k, re.sub("<[^>]+>", "", v)) for k, v in labels] == \
        [("e1_0", "3"), ("e1_1", "3"), ("e2_0", "9"), ("e2_1", "3")]


# -- 3. backward edges show the multiplication; 5. numbers ------------------------------

def test_backward_edges_read_upstream_times_local_equals_contribution() -> None:
    o = SEEDS["neuron"]()
    src = draw(o, "backward", edge_labels=True).source
    # o = tanh(n): upstream 1 × local 1 − tanh² = 0.5; n = ... + b: 0.5 × 1 = 0.5;
    # x1·w1: ∂/∂x1 = w1 = −3, upstream 0.5
    assert ">1 × 0.5 = 0.5<" in src and ">0.5 × 1 = 0.5<" in src
    assert ">0.5 × (−3) = −1.5<" in src and ">0.5 × 2 = 1<" in src


def test_no_minus_zero_anywhere() -> None:
    """An off ReLU passes exact (signed) zeros: they read 0."""
    x = Value(-1.0, label="x")
    w = Value(2.0, label="w")
    y = (x * w).relu() * -3.0 + (x * 0.0)
    y.label = "y"
    for view in ("forward", "backward", "both"):
        src = draw(y, view).source
        svg_text = " ".join(texts(draw(y, view).svg()))
        for text in (src, svg_text):
            assert not re.search(r"(?<![\w.])[-−]0(?![\w.])", text), text
            assert not re.search(r"(?<![\w.])[-−]0\.0*(?![1-9])", text)
    back = " ".join(texts(draw(y, "backward").svg()))
    assert "grad 0" in back and "−" in back  # real minus signs for the negative numbers


def test_sums_are_written_with_a_minus() -> None:
    x = Value(3.0, label="x")
    g = x * 2.0 - x * 5.0  # contributions 2, then 1 × (−5)... in creation order
    g.label = "g"
    line = next(ln for ln in draw(g, "backward").source.splitlines() if ">x</font>" in ln)
    assert ">grad −3 = 2 − 5<" in line


# -- 4. fan-in ------------------------------------------------------------------------

def test_a_wide_fan_in_leaves_its_numbers_out_with_a_note() -> None:
    xs = [Value(float(k), label=f"x{k}") for k in range(16)]
    root = autograd.sum(xs).tanh()
    root.label = "t"
    d = draw(root, "both")
    assert any("no numbers on the 16 inputs of Σ (more than 6 inputs" in n for n in d.notes)
    assert not re.search(r'-> op16 \[[^\]]*label=', d.source)
    small = draw(autograd.sum(xs[:5]), "both")
    assert len(re.findall(r'-> op5 \[[^\]]*label=', small.source)) == 10


# -- 6. names and constants; 14. the name's baseline -------------------------------------

def test_nn_labels_show_and_constants_are_styled_apart() -> None:
    src = draw(SEEDS["softplus_321"](), "backward", collapse=False, max_nodes=None).source
    for label in ("w[1,1,1]", "w[1,2,3]", "b[1,2]", "w[2,1,2]", "b[2,1]", "x1", "x3", "L"):
        assert f">{label}</font>" in src, label
    constants = re.findall(r'^  (v\d+) \[id="v\d+", class="value constant", shape=box, '
                           r'style="rounded".*label="([^"]+)"\];', src, re.M)
    assert sorted(text for _, text in constants) == ["0.5", "1.5"]  # ½ and the target
    for name, _ in constants:  # no gradient, no edge number for a constant
        assert not re.search(rf"{name} -> op\d+ \[id=\"b[^\]]*label=", src)
    # nor an arrow in the gradient's colour: a plain grey line, in every backward view
    grad = Style().grad_color
    for direction, kwargs in (("backward", {"collapse": False}), ("both", {"fit": "slide"}),
                              ("backward", {"fit": "a4"})):
        src = draw(SEEDS["softplus_321"](), direction, **kwargs).source
        # (fit may choose a compact drawing: no op nodes, edges into the values)
        into_ops = re.findall(r'^  (v\d+) -> (?:op|g|v)\d+ \[id="[be][^"]*", class="([^"]*)", '
                              r'dir=(\w+), color="([^"]*)"', src, re.M)
        from_constants = [e for e in into_ops if e[0] in {n for n, _ in constants}]
        assert len(from_constants) == 2, (direction, from_constants)
        for _, cls, arrow, colour in from_constants:
            assert "constant" in cls and arrow == "none" and grad not in colour, (cls, colour)


def test_an_intermediate_value_shows_the_formula_it_holds() -> None:
    src = draw(SEEDS["f"](), "backward").source
    assert '<font color="#3f3f3f">u + v</font>' in src
    assert "(x1 × w1) + (x2 × w2)" in draw(SEEDS["neuron"](), "backward").source


def test_name_and_data_share_a_baseline() -> None:
    root = ET.fromstring(draw(SEEDS["f"](), "both").svg().encode("utf-8"))
    for g in root.iter(f"{SVG}g"):
        if g.get("id") in ("v0", "v4", "v3"):
            ys = {t.get("y") for t in g.iter(f"{SVG}text")}
            assert len(ys) == 1, (g.get("id"), ys)


# -- 8. fit a page ---------------------------------------------------------------------

def page_of(svg: str) -> tuple[float, float, float]:
    """(width pt, height pt, smallest font size as shown) of a Graphviz SVG."""
    m = re.search(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"', svg)
    assert m, svg[:300]
    w, h = map(float, m.groups())
    scaled = re.search(r'class="graph" transform="scale\(([0-9.]+) ', svg)
    scale = float(scaled.group(1)) if scaled else 1.0
    smallest = min(float(s) for s in re.findall(r'font-size="([0-9.]+)"', svg))
    return w, h, smallest * scale


@pytest.mark.parametrize("name", list(SEEDS))
def test_fit_slide_fits_16_9_with_text_of_18_pt_or_says_how_small(name: str) -> None:
    d = draw(SEEDS[name](), "both", fit="slide")
    w, h, text = page_of(d.svg())
    assert w <= 960.5 and h <= 540.5, (w, h)
    small = [n for n in d.notes if "at slide size" in n]
    if small:
        shown = float(re.search(r"text is ([0-9.]+) pt", small[0]).group(1))
        assert abs(shown - text) <= 1.0 and text < 18, (small, text)
    else:
        assert text >= 18 - 0.05, text


@pytest.mark.parametrize("name", list(SEEDS))
@pytest.mark.parametrize("view", ["forward", "backward", "both"])
def test_every_graph_of_the_course_is_readable_on_a_slide(name: str, view: str) -> None:
    """Each seed graph — the 3-2-1 network, MLP(2, [4, 4, 1]) and the batch loss
    included — fits a 16:9 slide with all its text at 18 pt or more."""
    d = draw(SEEDS[name](), view, fit="slide")
    assert not [n for n in d.notes if "at slide size" in n], (name, d.notes)
    w, h, text = page_of(d.svg())
    assert w <= 960.5 and h <= 540.5 and text >= 18 - 0.05, (w, h, text)


def test_numbers_left_off_the_edges_to_fit_are_said_in_a_note() -> None:
    """The neuron fits a slide at 18 pt only without its edge numbers: the picture says
    so (in the drawing, in each frame, in French); with edge_labels=True they are back."""
    fitted = draw(SEEDS["neuron"](), "backward", fit="slide")
    note = "to fit the page: no numbers on the edges (edge_labels=True)"
    assert note in fitted.notes and note in texts(fitted.svg())
    assert not any(" × " in t and " = " in t for t in texts(fitted.svg()))
    # frames: their captions say each step's numbers (no note, no room taken); without
    # captions there is room for the numbers on the edges
    frames = step_through(SEEDS["neuron"](), fit="slide")
    assert frames[3].notes == () and "0.5 × 1 = 0.5" in frames.captions[3]
    bare = step_through(SEEDS["neuron"](), fit="slide", captions=False)
    assert bare[5].notes == () and "0.5 × 2 = 1" in bare[5].source
    french = draw(SEEDS["neuron"](), "backward", fit="slide", lang="fr")
    assert "pour tenir sur la page : arêtes sans nombres (edge_labels=True)" in french.notes
    shown = draw(SEEDS["neuron"](), "backward", fit="slide", edge_labels=True)
    assert note not in shown.notes and "0.5 × 1 = 0.5" in texts(shown.svg())
    assert draw(SEEDS["f"](), "backward", fit="slide").notes == ()  # f keeps its numbers


def test_fit_a4_and_a_bad_page() -> None:
    for name in ("f", "neuron"):
        d = draw(SEEDS[name](), "both", fit="a4")
        w, h, text = page_of(d.svg())
        assert w <= 7.27 * 72 + 0.5 and h <= 10.69 * 72 + 0.5 and text >= 8 - 0.05
    with pytest.raises(ValueError, match="fit must be None or one of 'slide'"):
        draw(SEEDS["f"](), fit="poster")


# -- 8. what a fit leaves out to reach 18 pt: compact texts, a batch by sample 1 --------

def _cells(src: str, node: str) -> list[str]:
    """The texts of one node's cells, in order."""
    line = re.search(rf"^\s+{node} \[id=.*$", src, re.M)
    assert line, node
    return [re.sub("<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", line.group(0))]


def test_compact_drops_op_nodes_and_sums_and_names_neurons_by_activation() -> None:
    full = draw(SEEDS["softplus_321"](), "backward", collapse=True)
    compact = draw(SEEDS["softplus_321"](), "backward", collapse=True,
                   style=Style(compact=True))
    assert ' [id="op' in full.source and ' [id="op' not in compact.source
    assert " -> op" not in compact.source and 'class="result"' not in compact.source
    # every op's inputs go straight into its value, with the same numbers on them
    assert len(re.findall(r' -> v\d+ \[id="b', compact.source)) == \
        len(re.findall(r' -> op\d+ \[id="b', full.source))
    assert "neuron 1.1 · softplus" in compact.source and "neuron 2.1<" in compact.source
    assert "w·x+b → softplus" in full.source and "w·x+b → softplus" not in compact.source
    # x1 feeds two neurons: its sum is written in full, only the total in compact
    assert "grad −0.1958 = −0.08446 − 0.1113" in full.source
    assert "grad −0.1958<" in compact.source and "−0.08446 − 0.1113" not in \
        "".join(texts(compact.svg()))
    # a named result shows the op it holds, which has no node of its own
    assert "L = 0.5 × (…^2)" in compact.source
    # gradients are the engine's either way
    root = SEEDS["softplus_321"]()
    root.backward()
    assert f"grad {Style().number(_first_input(root, 'x1').grad)}<" in compact.source


def test_compact_must_be_a_bool() -> None:
    for bad in ("yes", 1, None):
        with pytest.raises(TypeError, match="Style: compact must be a bool, got"):
            Style(compact=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="compact must be a bool"):
        draw(SEEDS["f"](), style=Style().replace(compact="no"))


def test_a_compact_step_through_names_a_node_that_is_drawn_as_active() -> None:
    """Each frame's active id (the player's data-active) is a node of that frame:
    the op node, or in a compact drawing (no op nodes) the value it computes."""
    full = step_through(SEEDS["f"]())
    frames = step_through(SEEDS["f"](), style=Style(compact=True))
    assert [a and a.replace("op", "v") for a in full.active] == frames.active
    assert frames.active[1:] and all(a is not None and a.startswith("v")
                                     for a in frames.active[1:])
    for a, frame in zip(frames.active[1:], list(frames)[1:]):
        assert re.search(rf'^  {a} \[id="{a}", class="value', frame.source, re.M)
        assert ' [id="op' not in frame.source


def test_a_batch_that_does_not_fit_is_drawn_by_its_first_sample() -> None:
    root = SEEDS["batch"]()
    d = draw(root, "backward", fit="slide")
    src = d.source
    note = ("sample 1 in full (4 neurons as boxes), samples 2–3 by their result only "
            "(fit=None: all 78 nodes)")
    assert note in d.notes
    nodes = re.findall(r"^\s+([vg]\d+) \[id=", src, re.M)
    cells = {_cells(src, n)[0]: (n, _cells(src, n)) for n in nodes}  # by name
    # sample 1's inputs and four neurons; the other samples by their result
    assert sorted(name for name in cells if name.startswith("neuron")) == \
        ["neuron 1.1 · tanh", "neuron 1.2 · tanh", "neuron 1.3 · tanh", "neuron 2.1"]
    names = [_cells(src, n)[0] for n in nodes]
    inputs = re.search(r"^\s+inputs1 \[id=.*$", src, re.M)
    assert inputs and re.findall(r">(x\d)<", inputs.group(0)) == ["x1", "x2"]
    assert "x1" not in names and not re.search(r"^\s+inputs[23] ", src, re.M)
    assert "sample 2" in names and "sample 3" in names
    assert not [n for n in names if n.startswith(("w[", "b["))]  # inside the neurons
    assert "… 22 more values" in src and "subgraph cluster_s" not in src
    # every number is the engine's: each sample's term gets 1/3 of the mean's gradient
    root.backward()
    assert cells["sample 2"][1][2] == cells["sample 3"][1][2] == "grad 0.3333"
    assert f">grad {Style().number(_first_input(root, 'x1').grad)}<" in inputs.group(0)
    # top to bottom: neurons 1.1 to 1.3, samples 1 to 3 (x1 above x2: a table)
    layout = centres(d.svg())
    y = {name: layout[node][1] for name, (node, _) in cells.items()}
    assert y["neuron 1.1 · tanh"] < y["neuron 1.2 · tanh"] < y["neuron 1.3 · tanh"], y
    assert y["(w·x+b − 1)^2"] < y["sample 2"] < y["sample 3"], y


def _first_input(root: Value, label: str) -> Value:
    """The first value named ``label`` under ``root`` (sample 1's, in a batch)."""
    from autograd.tape import Tape
    return next(v for v in Tape.of(root).nodes if v.label == label)


def test_a_chain_on_one_value_is_folded_into_its_last_node() -> None:
    """Drawn by sample 1, a batch's ``(ŷ − 1)^2`` is one node named by the whole
    chain; the edge from the network's output goes into it, with no number (it
    skips the folded ``ŷ − 1``), and the target 1 has no node."""
    d = draw(SEEDS["batch"](), "backward", fit="slide")
    src = d.source
    node = re.search(r"^  (v\d+) \[.*>\(w·x\+b − 1\)\^2<", src, re.M)
    assert node, src
    out = re.findall(rf"^  (g\d+) -> {node.group(1)} \[id=\"(\w+)\"", src, re.M)
    assert len(out) == 1 and "label=" not in re.search(
        rf"^  {out[0][0]} -> {node.group(1)} .*$", src, re.M).group(0)
    assert "w·x+b − 1<" not in src and 'label="1"' not in src
    # never folded with numbers on the edges: an edge past a fold has no one number
    shown = draw(SEEDS["batch"](), "backward", fit="slide", edge_labels=True)
    assert "w·x+b − 1<" in shown.source and "(w·x+b − 1)^2" not in shown.source
    from autograd.drawing.dot import measure
    from autograd.drawing.graph import plan, read
    t = read(SEEDS["batch"]())
    p = plan(t, max_nodes=None, collapse=True, clusters=True, focus=True, fold=True)
    assert p.folded and not measure(t, p, Style(), edge_labels=True).labels


def test_a_long_note_is_wrapped_in_the_picture_not_in_notes() -> None:
    d = draw(SEEDS["batch"](), "backward", fit="slide")
    long = [n for n in d.notes if len(n) > 96]
    lines = texts(d.svg())
    for n in d.notes:
        if len(n) <= 96:
            assert n in lines, n
    for n in long:
        assert n not in lines and all(len(line) <= 96 for line in lines)
        assert " ".join(line for line in lines if line and line in n) == n


# -- 9. a batch: one box per sample, the shared parameters once --------------------------

def test_a_batch_is_one_box_per_sample_with_the_shared_parameters_once() -> None:
    d = draw(SEEDS["batch"](), "backward", collapse=True)
    src = d.source
    assert src.count("subgraph cluster_s") == 4  # 3 samples and the shared parameters
    for k in (1, 2, 3):
        block = src.split(f"subgraph cluster_s{k} {{")[1].split("subgraph cluster_s")[0]
        titles = re.findall(r">(neuron \d\.\d: [^<]+)<", block)
        assert sorted(titles) == ["neuron 1.1: w·x+b → tanh", "neuron 1.2: w·x+b → tanh",
                                  "neuron 1.3: w·x+b → tanh", "neuron 2.1: w·x+b"], titles
        assert ">x1</font>" in block and ">x2</font>" in block
    shared = src.split("subgraph cluster_s0 {")[1].split("\n  }")[0]
    labels = re.findall(r">([wb]\[[\d,]+\])</font>", shared)
    assert len(labels) == len(set(labels)) == 13  # 9 + 4 parameters, each drawn once
    w = re.search(r'port="p(\d+)"', shared.split(">w[1,1,1]<", 1)[1])  # its row's port
    heads = set(re.findall(rf"^  shared:p{w.group(1)}:e -> (g\d+) ", src, re.M))
    assert len(heads) == 3  # neuron 1.1 of each sample


def _creation_order(root: Value, first: str) -> list[str]:
    from autograd.tape import Tape
    return [v.label for v in Tape.of(root).nodes if v.label and v.label[0] in first]


@pytest.mark.parametrize("rankdir", ["LR", "TB", "RL", "BT"])
@pytest.mark.parametrize("cells", ["row", "column"])
def test_a_batch_keeps_argument_order_in_its_tables(rankdir: str, cells: str) -> None:
    """The shared parameters, and each sample's inputs, are one table each, in
    creation (argument) order down or across, as the renderer draws them; each
    value's edges leave from its own port, on the side that faces its users."""
    root = SEEDS["batch"]()
    d = draw(root, "backward", collapse=True, edge_labels=False,
             style=Style(rankdir=rankdir, cells=cells))
    src = d.source
    params = list(dict.fromkeys(_creation_order(root, "wb")))
    assert len(params) == 13
    tables = {m.group(1): m.group(0) for m in
              re.finditer(r'^\s+(shared|inputs\d) \[id=.*$', src, re.M)}
    assert sorted(tables) == ["inputs1", "inputs2", "inputs3", "shared"]
    assert re.findall(r">([wb]\[[\d,]+\])<", tables["shared"]) == params
    for k in (1, 2, 3):
        assert re.findall(r">(x\d)<", tables[f"inputs{k}"]) == ["x1", "x2"]
    side = {"LR": "e", "TB": "s", "RL": "w", "BT": "n"}[rankdir]
    ports = re.findall(rf"^  shared:p(\d+):{side} -> g\d+ ", src, re.M)
    assert len(ports) == 13 * 3 and len(set(ports)) == 13  # each to its 3 neurons
    # as drawn: top to bottom (left to right), first to last
    root_svg = ET.fromstring(d.svg().encode("utf-8"))
    group = next(g for g in root_svg.iter(f"{SVG}g") if g.get("id") == "shared")
    axis = "y" if rankdir in ("LR", "RL") else "x"
    drawn = sorted((float(t.get(axis) or 0), t.text) for t in group.iter(f"{SVG}text")
                   if t.text and t.text[0] in "wb" and "[" in t.text)
    assert [text for _, text in drawn] == params


def test_a_table_row_takes_the_colour_of_its_state_in_each_frame() -> None:
    frames = step_through(SEEDS["batch"](), collapse=True, edge_labels=False)
    s = Style()
    fills = []
    for frame in frames:
        table = re.search(r"^\s+shared \[id=.*$", frame.source, re.M).group(0)
        row = re.search(r'<td bgcolor="([^"]+)"[^>]*>(?:<[^>]+>)*w\[1,1,1\]<', table)
        fills.append(row.group(1))
    # it receives in the three frames where a neuron 1.1 sends it its part, and is
    # plain (waiting) before, in between, and done only after the last
    assert fills[0] == s.leaf_fill and fills.count(s.active_fill) == 3, fills
    assert set(fills) <= {s.leaf_fill, s.active_fill, s.done_fill}
    last = len(fills) - 1 - fills[::-1].index(s.active_fill)
    assert all(f == s.done_fill for f in fills[last + 1:])
    assert s.done_fill not in fills[:last]


def test_neurons_are_named_by_layer_and_number() -> None:
    src = draw(SEEDS["mlp_441"](), "backward", collapse=True).source
    titles = re.findall(r">(neuron \d\.\d)(?::[^<]*)?<", src)
    assert sorted(titles) == sorted([f"neuron 1.{j}" for j in range(1, 5)]
                                    + [f"neuron 2.{j}" for j in range(1, 5)] + ["neuron 3.1"])


# -- 11. one geometry --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["f", "neuron", "square_plus", "twice", "softplus_321"])
def test_one_geometry_across_views_and_frames(name: str) -> None:
    make = SEEDS[name]
    views = {view: centres(draw(make(), view, title="t").svg())
             for view in ("forward", "backward", "both")}
    assert views["forward"] == views["backward"] == views["both"]
    root_id = max(views["both"], key=lambda k: int(re.sub(r"\D", "", k) or 0)
                  if k.startswith(("v", "g")) else -1)
    reference = relative(views["both"], root_id)
    s = step_through(make(), passes="forward+backward", title="t")
    frames = [centres(frame.svg()) for frame in s]
    for k, layout in enumerate(frames):
        assert layout == frames[0], f"frame {k} moved a node"
        assert relative(layout, root_id) == reference, f"frame {k} differs from the drawing"


def test_frames_without_captions_are_the_drawing_exactly() -> None:
    make = SEEDS["f"]
    drawn = centres(draw(make(), "backward", legend=False).svg())
    for frame in step_through(make(), captions=False):
        assert centres(frame.svg()) == drawn


# -- 12. frames carry their step and caption ----------------------------------------------

def test_every_frame_carries_its_step_and_caption() -> None:
    s = step_through(SEEDS["neuron"](), passes="forward+backward")
    assert len(s) == 12
    for caption, frame in zip(s.captions, s):
        shown = " ".join(t for t in texts(frame.svg()))
        assert caption in shown or all(part in shown for part in caption.split("; ")), caption
    assert s.captions[6].startswith("Backward pass, step 0 of 5: seed ∂o/∂o = 1")
    assert s.captions[1].startswith("Forward pass, step 1 of 5: x1 × w1 = 2 × (−3) = −6")


# -- 13. greyscale: states differ by more than colour --------------------------------------

def test_states_differ_by_line_style_and_weight_not_only_colour() -> None:
    s = step_through(SEEDS["f"]())
    one = s[1].source
    line = {m.group(1): m.group(0) for m in re.finditer(r'^  ((?:v|op)\d+) \[.*$', one, re.M)}
    assert 'style="filled,bold"' in line["v2"] and "penwidth=3" in line["v2"]  # receiving w
    assert 'style="filled,dashed"' in line["v0"]  # u waits
    assert 'style="filled"' in line["v4"] and "penwidth=1.5" in line["v4"]  # f done
    assert "penwidth=3" in line["op4"] and 'style="filled,dashed"' in line["op3"]
    assert re.search(r'id="b3_0"[^\]]*style=dotted', one)  # an edge not walked yet
    assert re.search(r'id="b4_1"[^\]]*style=solid, penwidth=2.5', one)  # the active step


# -- go beyond: French ---------------------------------------------------------------------

def test_lang_fr_words_captions_and_decimal_comma() -> None:
    d = draw(SEEDS["neuron"](), "backward", lang="fr", edge_labels=True)
    shown = texts(d.svg())
    assert "valeur 0,8814" in shown and "grad 0,5" in shown
    assert any(t.startswith("passe arrière : grad = ∂o/∂nœud") for t in shown)
    assert ">1 × 0,5 = 0,5<" in d.source
    s = step_through(SEEDS["f"](), lang="fr", passes="forward+backward")
    assert s.captions[1] == "Passe avant, étape 1 sur 2 : u + v = 2 + 3 = 5."
    assert s.captions[4] == ("Passe arrière, étape 1 sur 2 : à travers × (mul) de f : amont "
                             "∂f/∂f = 1 ; (u + v) += 1 × 4 = 4 ; w += 1 × 5 = 5.")
    french = Style(lang="fr")
    assert "valeur 2" in draw(SEEDS["f"](), style=french).source
    with pytest.raises(ValueError, match="lang must be one of 'en', 'fr'"):
        draw(SEEDS["f"](), lang="de")
    with pytest.raises(ValueError, match="lang must be one of 'en', 'fr'"):
        Style(lang="de")


# -- leftovers: any text check_text lets through draws -------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=12))
def test_any_label_that_check_text_accepts_draws(label: str) -> None:
    try:
        check_text("test", "label", label)
    except ValueError:
        return
    x = Value(1.5, label=label)
    y = x * 2.0
    y.label = label
    for view in ("forward", "both"):
        svg = draw(y, view, renderer="graphviz-pure").svg()
        ET.fromstring(svg.encode("utf-8"))


@pytest.mark.parametrize("label", ["\t", "\n", "\r", "\t\n", " \n "])
def test_whitespace_labels_draw(label: str) -> None:
    x = Value(1.0, label=label)
    ET.fromstring(draw(x * 2.0, "both").svg().encode("utf-8"))
    assert len(step_through(x * 2.0)) == 2


def test_save_frames_as_pdf(tmp_path: Any) -> None:
    paths = step_through(SEEDS["f"]()).save_frames(tmp_path, fmt="pdf")
    assert [p.name for p in paths] == ["frame_000.pdf", "frame_001.pdf", "frame_002.pdf"]
    assert all(p.read_bytes()[:5] == b"%PDF-" for p in paths)


def test_nn_is_not_imported_by_drawing() -> None:
    import autograd.drawing.graph as graph

    assert "nn" not in vars(graph) and nn.MLP  # nn is used by the tests only
