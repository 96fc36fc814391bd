"""state_dict / load_state_dict / save / nn.load: JSON round trips, and every
corrupt file refused with a clear error while the model stays unchanged."""

from __future__ import annotations

import json
import math

import pytest

import nn


def outputs(model, points=([0.5, -1.0], [2.0, 0.25], [-1.5, -0.5])):
    res = []
    for p in points:
        out = model(list(p))
        res.append([v.data for v in out] if isinstance(out, list) else out.data)
    return res


# -- state dicts ------------------------------------------------------------------------

def test_state_dict_is_a_copy_by_parameter_name():
    m = nn.MLP(2, [3, 1], seed=0)
    sd = m.state_dict()
    assert list(sd) == [n for n, _ in m.named_parameters()]
    assert all(type(v) is float for v in sd.values())
    sd["layers.0.neurons.0.b"] = 99.0
    assert m.layers[0].neurons[0].b.data == 0.0


def test_load_state_dict_round_trip():
    a, b = nn.MLP(2, [4, 4, 1], seed=1), nn.MLP(2, [4, 4, 1], seed=2)
    assert outputs(a) != outputs(b)
    b.load_state_dict(a.state_dict())
    assert outputs(a) == outputs(b) and a.state_dict() == b.state_dict()


def test_load_state_dict_non_strict_ignores_extra_and_missing():
    m = nn.MLP(2, [1], seed=0)
    m.load_state_dict({"layers.0.neurons.0.b": 2.5, "other": 1.0}, strict=False)
    assert m.layers[0].neurons[0].b.data == 2.5


# -- files ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {},
    {"activation": "tanh", "output_activation": "softmax"},
    {"activation": "prelu", "output_activation": "sigmoid"},
    {"activation": "leaky_relu", "init": "he"},
])
def test_save_and_load_round_trip(tmp_path, kwargs):
    model = nn.MLP(2, [5, 3], seed=4, **kwargs)
    path = tmp_path / "model.json"
    model.save(path)
    text = path.read_text()
    doc = json.loads(text)  # plain JSON, readable by anything
    assert doc["format"] == "chainrule.nn" and doc["class"] == "MLP"
    assert doc["config"]["nouts"] == [5, 3]
    loaded = nn.load(path)
    assert isinstance(loaded, nn.MLP)
    assert loaded.state_dict() == model.state_dict()
    assert outputs(loaded) == outputs(model)
    assert repr(loaded) == repr(model)


def test_load_into_an_existing_model(tmp_path):
    a, b = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=9)
    a.save(tmp_path / "a.json")
    assert nn.load(tmp_path / "a.json", model=b) is b
    assert b.state_dict() == a.state_dict()


def test_custom_activation_needs_an_instance_to_load(tmp_path):
    def act(v):
        return v.tanh() * 2

    model = nn.MLP(2, [3, 1], activation=act, seed=0)
    model.save(tmp_path / "m.json")
    with pytest.raises(ValueError, match="no config to rebuild a MLP"):
        nn.load(tmp_path / "m.json")
    other = nn.MLP(2, [3, 1], activation=act, seed=5)
    nn.load(tmp_path / "m.json", model=other)
    assert outputs(other) == outputs(model)


def test_layer_and_neuron_round_trip(tmp_path):
    for model in (nn.Layer(3, 2, "tanh"), nn.Neuron(3, "sigmoid"),
                  nn.Layer(3, 4, "softmax")):
        model.save(tmp_path / "part.json")
        back = nn.load(tmp_path / "part.json")
        assert type(back) is type(model) and repr(back) == repr(model)
        out, ref = back([0.5, -1.0, 2.0]), model([0.5, -1.0, 2.0])
        if isinstance(out, list):
            assert [v.data for v in out] == [v.data for v in ref]
        else:
            assert out.data == ref.data


def test_ensemble_round_trip(tmp_path):
    ens = nn.Ensemble([nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [2, 2, 1], activation="tanh",
                                                       seed=1)])
    ens.save(tmp_path / "e.json")
    back = nn.load(tmp_path / "e.json")
    assert isinstance(back, nn.Ensemble)
    assert outputs(back) == outputs(ens)


def test_save_refuses_non_finite_parameters(tmp_path):
    m = nn.MLP(2, [2, 1], seed=0)
    m.layers[1].neurons[0].w[1].data = math.nan
    with pytest.raises(ValueError, match="'layers.1.neurons.0.w.1' is nan"):
        m.save(tmp_path / "bad.json")
    assert not (tmp_path / "bad.json").exists()


# -- refusing corrupt files -------------------------------------------------------------------

def _saved(tmp_path, edit):
    """A file of MLP(2, [3, 1]) after ``edit(doc)``; returns (path, fresh target model)."""
    source = nn.MLP(2, [3, 1], seed=0)
    doc = json.loads(json.dumps({"format": "chainrule.nn", "version": 1, "class": "MLP",
                                 "config": source.config(),
                                 "state_dict": source.state_dict()}))
    edit(doc)
    path = tmp_path / "corrupt.json"
    path.write_text(json.dumps(doc) if isinstance(doc, dict) else doc)
    return path, nn.MLP(2, [3, 1], seed=7)


def _drop(key):
    return lambda d: d["state_dict"].pop(key)


def _set(key, value):
    return lambda d: d["state_dict"].__setitem__(key, value)


CORRUPT = [
    (_drop("layers.0.neurons.1.b"), ValueError, r"missing 1 key\(s\): 'layers.0.neurons.1.b'"),
    (_drop("layers.0.neurons.1.w.0"), ValueError,
     "size mismatch for 'layers.0.neurons.1.w': the state has 1 entries, MLP has 2"),
    (_set("layers.0.neurons.9.b", 1.0), ValueError, "unexpected 1 key"),
    (_set("layers.0.neurons.1.w.2", 1.0), ValueError,
     "size mismatch for 'layers.0.neurons.1.w': the state has 3 entries, MLP has 2"),
    (_set("layers.0.neurons.1.b", "0.5"), ValueError,
     r"parameter 'layers.0.neurons.1.b' must be a real number .*, got str: '0.5'"),
    (_set("layers.0.neurons.1.b", None), ValueError, "got NoneType"),
    (_set("layers.0.neurons.1.b", True), ValueError, "got bool"),
    (_set("layers.0.neurons.1.b", [1.0]), ValueError, "got list"),
    (lambda d: d.__setitem__("format", "pickle"), ValueError, "not a chainrule model file"),
    (lambda d: d.__setitem__("version", 2), ValueError, "file version 2"),
    (lambda d: d.__setitem__("class", "Ensemble"), ValueError, "holds a 'Ensemble', not a 'MLP'"),
    (lambda d: d.pop("state_dict"), ValueError, "no \"state_dict\""),
]


@pytest.mark.parametrize("edit,error,message", CORRUPT)
def test_corrupt_files_are_refused_and_the_model_is_unchanged(tmp_path, edit, error, message):
    path, target = _saved(tmp_path, edit)
    before = target.state_dict()
    with pytest.raises(error, match=message):
        nn.load(path, model=target)
    assert target.state_dict() == before


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_in_files_are_refused(tmp_path, token):
    path, target = _saved(tmp_path, lambda d: None)
    text = path.read_text()
    key = '"layers.1.neurons.0.b": '
    start = text.index(key) + len(key)
    end = start + len(text[start:].split(",")[0].split("}")[0])
    path.write_text(text[:start] + token + text[end:])
    before = target.state_dict()
    with pytest.raises(ValueError, match="non-finite|inf"):
        nn.load(path, model=target)
    assert target.state_dict() == before


def test_not_json_and_missing_config(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not a valid model file"):
        nn.load(bad)
    path, _ = _saved(tmp_path, lambda d: d.__setitem__("class", "NoSuchNet"))
    with pytest.raises(ValueError, match="unknown model class 'NoSuchNet'"):
        nn.load(path)
    path, _ = _saved(tmp_path, lambda d: d["config"].__setitem__("nouts", "many"))
    with pytest.raises(ValueError, match="cannot rebuild MLP from config"):
        nn.load(path)


def test_load_state_dict_validates_before_changing_anything():
    m = nn.MLP(2, [2, 1], seed=0)
    before = m.state_dict()
    state = dict(before)
    state["layers.0.neurons.0.w.0"] = 5.0  # a good value first ...
    state["layers.1.neurons.0.b"] = float("nan")  # ... then a bad one
    with pytest.raises(ValueError, match="'layers.1.neurons.0.b' is nan"):
        m.load_state_dict(state)
    assert m.state_dict() == before
    with pytest.raises(TypeError, match="mapping"):
        m.load_state_dict([1.0, 2.0])
