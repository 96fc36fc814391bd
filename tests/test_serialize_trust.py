"""nn.load and load_state_dict against files and dicts from strangers.

Every failure of ``nn.load`` is one ValueError starting ``nn.load('path'):``
(naming the parameter where there is one); sizes and structure are checked
before anything is allocated (tracemalloc measures it); at most
max_file_bytes(...) bytes are read; a model passed in stays unchanged. Fuzz
passes (Hypothesis): random bytes, random JSON, real files truncated, with
bytes flipped or fields replaced, hostile configs, mutated state dicts.
"""

from __future__ import annotations

import copy
import json
import os
import pickle
import random
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import nn
from autograd import Value
from nn import serialize


def examples(k: float) -> settings:
    """k times the current profile's number of examples (ci: 250)."""
    return settings(max_examples=max(1, int(k * settings().max_examples)),
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@contextmanager
def peak_allocation() -> Iterator[list[int]]:
    """The largest number of bytes allocated at once inside the block."""
    out = [0]
    tracemalloc.start()
    try:
        yield out
    finally:
        out[0] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def model_file(model: nn.Module | None = None) -> dict[str, Any]:
    model = model or nn.MLP(2, [3, 1], seed=0)
    return json.loads(serialize.to_text(model))


def write(path: Path, content: Any) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def refused(path: Path, model: nn.Module | None = None, **kwargs: Any) -> str:
    """The message of nn.load's ValueError; checks it names the file and that
    ``model`` (if given) did not change."""
    before = None if model is None else model.state_dict()
    with pytest.raises(ValueError) as info:
        nn.load(path, model=model, **kwargs)
    message = str(info.value)
    assert message.startswith(f"nn.load({str(path)!r}): "), message
    assert type(info.value) is ValueError
    if model is not None:
        assert model.state_dict() == before
    return message


# -- the examples, one by one ---------------------------------------------------------

def test_a_188_byte_file_describing_ten_billion_parameters_allocates_nothing(tmp_path):
    doc = {"format": "chainrule.nn", "version": 1, "class": "MLP",
           "config": {"nin": 100000, "nouts": [100000]},
           "state_dict": {"layers.0.neurons.0.w.0": 0.5, "layers.0.neurons.0.b": 0.0}}
    path = write(tmp_path / "m.json", doc)
    assert os.path.getsize(path) < 200
    with peak_allocation() as peak:
        message = refused(path)
    assert "10,000,100,000 parameters, more than the limit of 1,000,000" in message
    assert peak[0] < 1_000_000, peak  # no parameter was made


def test_a_config_within_the_limit_but_not_matching_the_stored_values_builds_nothing(tmp_path):
    doc = model_file()
    doc["config"]["nouts"] = [900, 900, 1]  # 900·3 + 900·901 + 901 = 814,501 parameters
    path = write(tmp_path / "m.json", doc)
    with peak_allocation() as peak:
        message = refused(path)
    assert "814,501 parameters but the file stores 13 values" in message
    assert peak[0] < 1_000_000, peak


@pytest.mark.parametrize("name, content, expected", [
    ("pickle", pickle.dumps({"a": 1.0}), "byte 0x80 at offset 0 is not ASCII (a pickle?"),
    ("utf16", json.dumps(model_file()).encode("utf-16"), "UTF-16 text"),
    ("utf16-no-bom", json.dumps(model_file()).encode("utf-16-le"), "NUL bytes"),
    ("utf8-bom", b"\xef\xbb\xbf" + json.dumps(model_file()).encode(), "not ASCII"),
    ("latin1", '{"format": "chainrule.nn", "x": "\u00e9"}'.encode("latin-1"), "not ASCII"),
    ("empty", b"", "not JSON"),
    ("not json", b"{not json", "not JSON"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "100,000 JSON objects and arrays"),
    ("deep-but-few", b"[" * (serialize.MAX_DEPTH + 1) + b"]" * (serialize.MAX_DEPTH + 1),
     f"nested {serialize.MAX_DEPTH + 1} deep"),
    ("long number", b"[" + b"1" * 5000 + b"]", "a number of more than 1000 characters"),
    ("a list", b"[1, 2, 3]", "not a chainrule model file"),
    ("wrong format", json.dumps({**model_file(), "format": "pickle"}).encode(),
     "not a chainrule model file"),
    ("version true", json.dumps({**model_file(), "version": True}).encode(),
     "file version True"),
    ("version 1.0", json.dumps({**model_file(), "version": 1.0}).encode(),
     "file version 1.0"),
    ("version 2", json.dumps({**model_file(), "version": 2}).encode(), "file version 2"),
    ("extra key", json.dumps({**model_file(), "code": "import os"}).encode(),
     "unexpected key(s) in the file: 'code'"),
    ("no state", json.dumps({k: v for k, v in model_file().items() if k != "state_dict"})
     .encode(), 'no "state_dict" object'),
    ("state list", json.dumps({**model_file(), "state_dict": [1.0]}).encode(),
     'no "state_dict" object (got list)'),
    ("unknown class", json.dumps({**model_file(), "class": "os.system"}).encode(),
     "unknown model class 'os.system'"),
    ("not rebuildable", json.dumps({**model_file(), "class": "PReLU"}).encode(),
     "PReLU does not say how many parameters its config makes"),
    ("nan", json.dumps(model_file()).replace("0.0", "NaN", 1).encode(),
     "parameter 'layers.0.neurons.0.b' is NaN"),
    ("400 digits", json.dumps(model_file()).replace("0.0", "9" * 400, 1).encode(),
     "parameter 'layers.0.neurons.0.b' is 999999999999...9999 (400 characters)"),
    ("400 digits in config", json.dumps(model_file()).replace('"nin": 2', '"nin": ' + "9" * 400)
     .encode(), "nin must be a positive int, got number out of the float64 range"),
    ("1e400", json.dumps(model_file()).replace("0.0", "1e400", 1).encode(),
     "parameter 'layers.0.neurons.0.b' is 1e400"),
    ("string value", json.dumps(model_file()).replace("0.0", '"0.0"', 1).encode(),
     "parameter 'layers.0.neurons.0.b' must be a real number"),
    ("bool value", json.dumps(model_file()).replace("0.0", "true", 1).encode(),
     "parameter 'layers.0.neurons.0.b' must be a real number"),
    ("bool nin", json.dumps(model_file()).replace('"nin": 2', '"nin": true').encode(),
     "nin must be a positive int, got bool"),
    ("unknown activation", json.dumps(model_file()).replace('"relu"', '"nope"').encode(),
     "unknown activation 'nope'; accepted: atan, tanh, sigmoid, relu"),
    ("config key", json.dumps({**model_file(), "config": {"nin": 2, "nouts": [1], "x": 1}})
     .encode(), "MLP config has keys ['nin', 'nouts', 'x']"),
])
def test_hostile_files_are_one_value_error_naming_the_file(tmp_path, name, content, expected):
    path = write(tmp_path / "m.json", content)
    assert expected in refused(path)
    target = nn.MLP(2, [3, 1], seed=5)
    if name not in ("unknown class", "not rebuildable"):
        refused(path, model=target)  # and the model to fill stays as it was


def test_a_folder_a_missing_file_and_a_device_are_value_errors(tmp_path):
    assert "a folder" in refused(tmp_path)
    assert "No such file or directory" in refused(tmp_path / "missing.json")
    if os.path.exists("/dev/zero"):
        assert "not a regular file" in refused(Path("/dev/zero"))


def test_a_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(20 * 2**30)  # 20 GiB, sparse: only the size says so
    with peak_allocation() as peak:
        message = refused(path)
    assert f"larger than {serialize.max_file_bytes():,} bytes" in message
    assert peak[0] < 1_000_000


def test_the_read_is_capped_by_max_parameters(tmp_path):
    small = nn.MLP(2, [3, 1], seed=0)  # 13 parameters
    path = tmp_path / "m.json"
    small.save(path)
    assert nn.load(path, max_parameters=13).state_dict() == small.state_dict()
    assert "13 parameters, more than the limit of 12" in refused(path, max_parameters=12)
    assert serialize.max_file_bytes(10) == serialize.BASE_BYTES + 10 * 128
    write(path, " " * serialize.max_file_bytes(10) + "{}")  # one byte too many
    assert f"larger than {serialize.max_file_bytes(10):,} bytes" in \
        refused(path, max_parameters=10)
    many = "[" + ",".join("0" * 10_200) + "]"  # 10,200 values in 20 KB
    write(path, many)
    assert "values in the file, more than the limit" in refused(path, max_parameters=100)
    with pytest.raises(ValueError, match="max_parameters must be a positive int"):
        nn.load(path, max_parameters=0)


def test_a_model_that_holds_itself_is_refused_by_load_and_save(tmp_path):
    path = tmp_path / "m.json"
    nn.MLP(2, [3, 1], seed=0).save(path)
    loop = nn.MLP(2, [3, 1], seed=1)
    loop.layers[0].neurons[1].parent = loop  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match=r"^nn\.load\(.*'layers\.0\.neurons\.1\.parent' .*a cycle"):
        nn.load(path, model=loop)
    assert loop.layers[0].neurons[0].w[0].data == nn.MLP(2, [3, 1], seed=1).layers[0] \
        .neurons[0].w[0].data  # unchanged
    with pytest.raises(ValueError, match="layers.0.neurons.1.parent.*a cycle"):
        loop.save(tmp_path / "loop.json")
    assert not (tmp_path / "loop.json").exists()
    lst = nn.MLP(2, [1], seed=0)
    lst.extra = []  # type: ignore[attr-defined]
    lst.extra.append(lst.extra)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="'extra.0' .*a cycle"):
        lst.state_dict()


def test_ensembles_nest_but_their_sizes_are_counted_first(tmp_path):
    inner = nn.Ensemble([nn.MLP(2, [2, 1], seed=0), nn.MLP(2, [3, 1], seed=1)])
    outer = nn.Ensemble([inner, nn.MLP(2, [1], seed=2)])
    path = tmp_path / "e.json"
    outer.save(path)
    back = nn.load(path)
    assert back.state_dict() == outer.state_dict()
    doc = json.loads(path.read_text())
    doc["config"]["models"][1]["config"]["nouts"] = [10**6, 1]
    write(path, doc)
    assert "more than the limit" in refused(path)
    doc["config"]["models"][1] = {"class": "MLP"}
    write(path, doc)
    assert 'Ensemble member 1 must be {"class": ..., "config": ...}' in refused(path)


class Custom(nn.Module):
    """A user's module: no parameter_count, so not rebuilt from a file."""

    def __init__(self, n: int = 2) -> None:
        self.w = [Value(float(i)) for i in range(n)]

    def config(self) -> dict[str, Any]:
        return {"n": len(self.w)}


def test_a_users_class_is_rebuilt_only_if_it_counts_its_parameters(tmp_path):
    path = tmp_path / "c.json"
    Custom(3).save(path)
    assert "does not say how many parameters its config makes" in refused(path)
    into = Custom(3)
    nn.load(path, model=into)
    assert [p.data for p in into.parameters()] == [0.0, 1.0, 2.0]


def test_load_state_dict_refuses_two_values_for_one_shared_parameter():
    shared = nn.PReLU()
    m = nn.MLP(2, [2, 1], activation=shared, seed=0)
    state = m.state_dict()
    state["layers.0.neurons.1.act.weight"] = 0.5
    before = m.state_dict()
    with pytest.raises(ValueError, match="are one shared parameter, but the state gives"):
        m.load_state_dict(state)
    assert m.state_dict() == before
    state["layers.0.neurons.0.act.weight"] = 0.5
    m.load_state_dict(state)
    assert shared.weight.data == 0.5


def test_load_state_dict_takes_numpy_numbers_and_refuses_numpy_bools():
    np = pytest.importorskip("numpy")
    m = nn.MLP(2, [1], seed=0)
    state = {k: np.float32(1.5) for k in m.state_dict()}
    m.load_state_dict(state)
    assert set(m.state_dict().values()) == {1.5}
    state["layers.0.neurons.0.b"] = np.True_
    with pytest.raises(TypeError, match="got bool"):
        m.load_state_dict(state)
    state["layers.0.neurons.0.b"] = 10**400
    with pytest.raises(ValueError, match="an integer of 401 digits is too large"):
        m.load_state_dict(state)


# -- saving: whole or not at all ---------------------------------------------------------------

def test_save_writes_through_a_temporary_file_and_leaves_nothing_on_failure(tmp_path,
                                                                           monkeypatch):
    path = tmp_path / "m.json"
    nn.MLP(2, [3, 1], seed=0).save(path)
    old = path.read_bytes()

    def full_disk(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match=f"cannot write {str(path)!r}: No space left"):
        nn.MLP(2, [3, 1], seed=1).save(path)
    monkeypatch.undo()
    assert path.read_bytes() == old  # the old file, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]  # no *.tmp left
    with pytest.raises(OSError, match="cannot write .*nowhere"):
        nn.MLP(2, [1], seed=0).save(tmp_path / "nowhere" / "m.json")
    with pytest.raises(OSError, match="cannot write"):
        nn.MLP(2, [1], seed=0).save(tmp_path)  # a folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]


def test_the_saved_text_is_plain_json_one_parameter_per_line(tmp_path):
    m = nn.MLP(2, [3, 1], seed=0, activation="prelu")
    path = tmp_path / "m.json"
    m.save(path)
    text = path.read_text()
    assert text.isascii() and text.endswith("}\n")
    doc = json.loads(text)
    assert doc == serialize.to_json(m)
    lines = text.splitlines()
    for name, x in m.state_dict().items():
        assert f'  "{name}": {x!r},' in lines or f'  "{name}": {x!r}' in lines


# -- round trips, generated ----------------------------------------------------------------------

ACTIVATIONS = ["relu", "tanh", "prelu", "rrelu", "gelu", "identity", None]
OUTPUTS = [None, "sigmoid", "softmax", "log_softmax", "tanh", "prelu"]


@st.composite
def models(draw: st.DrawFn) -> nn.Module:
    kind = draw(st.sampled_from(["mlp", "mlp", "layer", "neuron", "ensemble"]))
    nin = draw(st.integers(1, 4))
    if kind == "neuron":
        return nn.Neuron(nin, draw(st.sampled_from(ACTIVATIONS)), rng=random.Random(1))
    if kind == "layer":
        return nn.Layer(nin, draw(st.integers(1, 4)), draw(st.sampled_from(ACTIVATIONS +
                                                                           OUTPUTS)),
                        rng=random.Random(2))
    mlp = nn.MLP(nin, draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)),
                 draw(st.sampled_from(ACTIVATIONS)), draw(st.sampled_from(OUTPUTS)),
                 init=draw(st.sampled_from(["uniform", "he", "xavier"])), seed=draw(
                     st.integers(0, 9)))
    if kind == "ensemble":
        return nn.Ensemble([mlp, nn.MLP(nin, [2, 1], seed=1)])
    return mlp


@examples(1)
@given(models())
def test_generated_models_round_trip_exactly(tmp_path_factory, model):
    path = tmp_path_factory.getbasetemp() / "round-trip.json"
    model.save(path)
    back = nn.load(path)
    assert type(back) is type(model) and back.config() == model.config()
    assert back.state_dict() == model.state_dict()  # bit for bit
    assert serialize.planned_parameters(serialize.class_key(type(model)), model.config(),
                                        "test") == len(model.state_dict())


# -- fuzz: files ----------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=5),
    max_leaves=20)
HOSTILE_VALUES = st.sampled_from([
    None, True, False, 0, -1, 1, 2, 100000, 10**9, 10**400, -(10**18), 0.5, -0.0, 1e308,
    "relu", "nope", "", "MLP", "Ensemble", "os.system", [], [1], [100000], [0], [1, -1],
    {}, {"models": []}, {"nin": 2}, [[1]], "prelu", "softmax", {"class": "MLP", "config": {}},
])


def _edit(draw: st.DrawFn, doc: Any, value: Any) -> None:
    """Replace one randomly chosen entry anywhere inside ``doc`` by ``value``."""
    node = doc
    for _ in range(draw(st.integers(1, 5))):
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], (dict, list)) or not node[key] or draw(st.booleans()):
                node[key] = value
                return
            node = node[key]
        elif isinstance(node, list) and node:
            i = draw(st.integers(0, len(node) - 1))
            if not isinstance(node[i], (dict, list)) or not node[i] or draw(st.booleans()):
                node[i] = value
                return
            node = node[i]
        else:
            return


@st.composite
def hostile_files(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["bytes", "json", "truncated", "flipped", "edited", "edited",
                                 "config", "keys"]))
    source = draw(models())
    text = serialize.to_text(source)
    if kind == "bytes":
        return kind, draw(st.binary(max_size=300))
    if kind == "json":
        doc = draw(JSON)
        if isinstance(doc, dict) and draw(st.booleans()):
            doc.update({"format": "chainrule.nn", "version": 1})
        return kind, json.dumps(doc).encode()
    if kind == "truncated":
        return kind, text.encode()[:draw(st.integers(0, len(text) - 1))]
    if kind == "flipped":
        data = bytearray(text.encode())
        for _ in range(draw(st.integers(1, 3))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return kind, bytes(data)
    doc = json.loads(text)
    if kind == "edited":
        for _ in range(draw(st.integers(1, 2))):
            _edit(draw, doc, copy.deepcopy(draw(HOSTILE_VALUES | JSON)))
    elif kind == "config":  # a plausible config with hostile sizes
        doc["class"] = "MLP"
        doc["config"] = {"nin": draw(st.integers(1, 10**12)),
                         "nouts": draw(st.lists(st.integers(1, 10**12), min_size=1,
                                                max_size=4)),
                         "activation": draw(st.sampled_from(ACTIVATIONS))}
    else:  # keys of the state dict renamed, dropped or added
        state = doc["state_dict"]
        names = sorted(state)
        for _ in range(draw(st.integers(1, 3))):
            what = draw(st.sampled_from(["drop", "add", "rename"]))
            name = draw(st.sampled_from(names))
            if what == "drop":
                state.pop(name, None)
            elif what == "add":
                state[draw(st.text(max_size=30))] = 0.5
            elif name in state:
                state[name + draw(st.sampled_from([".0", "x", ".w.9", ""]))] = state.pop(name)
    return kind, json.dumps(doc).encode()


def _target_for(data: bytes) -> nn.Module | None:
    """A model of the file's own class and config to fill, when it has one."""
    try:
        doc = json.loads(data)
        return serialize.build(doc["class"], doc["config"], "test", max_parameters=500)
    except Exception:
        return None


@examples(8)
@given(hostile_files(), st.booleans())
def test_fuzz_nn_load(tmp_path_factory, case, fill):
    kind, data = case
    path = tmp_path_factory.getbasetemp() / "fuzz-model.json"  # one file, rewritten
    path.write_bytes(data)
    target = _target_for(data) if fill else None
    before = None if target is None else target.state_dict()
    with peak_allocation() as peak:
        try:
            model = nn.load(path, model=target)
        except ValueError as e:
            event(f"{kind}: refused")
            assert type(e) is ValueError
            assert str(e).startswith(f"nn.load({str(path)!r}): "), str(e)
            if target is not None:
                assert target.state_dict() == before
            model = None
    assert peak[0] < 4_000_000, (kind, peak[0])  # nothing was allocated from the sizes
    if model is not None:
        event(f"{kind}: loaded")
        stored = json.loads(data)["state_dict"]
        assert model.state_dict() == {k: float(v) for k, v in stored.items()}
        assert target is None or model is target


# -- fuzz: load_state_dict -------------------------------------------------------------------------

@st.composite
def mutated_states(draw: st.DrawFn) -> tuple[nn.Module, Any]:
    model = draw(models())
    state: Any = dict(model.state_dict())
    for _ in range(draw(st.integers(0, 3))):
        if not isinstance(state, dict):
            break
        what = draw(st.sampled_from(["value", "value", "drop", "add", "key", "whole", "ok"]))
        names = sorted(state, key=repr) if state else [""]
        name = draw(st.sampled_from(names))
        if what == "value":
            state[name] = copy.deepcopy(draw(HOSTILE_VALUES | st.floats() | JSON))
        elif what == "drop":
            state.pop(name, None)
        elif what == "add":
            state[draw(st.text(max_size=20))] = draw(st.floats(-1, 1))
        elif what == "key" and name in state:
            state[draw(st.integers() | st.none() | st.text(max_size=5))] = state.pop(name)
        elif what == "whole":
            state = draw(JSON)
        else:
            state[name] = draw(st.floats(-10, 10))
    return model, state


@examples(4)
@given(mutated_states(), st.booleans())
def test_fuzz_module_load_state_dict(case, strict):
    model, state = case
    before = model.state_dict()
    try:
        model.load_state_dict(state, strict=strict)
    except (ValueError, TypeError) as e:
        event(f"refused: {type(e).__name__}")
        assert str(e).startswith("load_state_dict: ")
        assert model.state_dict() == before  # all or nothing
        return
    event("loaded")
    after = model.state_dict()
    for name, value in after.items():
        assert value == (float(state[name]) if name in state else before[name])
