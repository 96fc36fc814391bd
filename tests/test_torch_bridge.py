"""The PyTorch bridge against the real torch (make test installs torch==2.13.0,
CPU): to_torch gives a float64 module whose outputs and gradients (inputs and
every weight) match chainrule's to 1e-12 relative on random inputs, and
MLP.from_torch reads it back bit for bit; anything else is a clear error."""

from __future__ import annotations

import math
import random
import struct
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value
from nn.torch_bridge import TORCH_ACTIVATIONS

torch = pytest.importorskip(
    "torch", reason="!!! torch is NOT installed: the PyTorch bridge is NOT tested. `make test` "
    "installs it (pip install torch==2.13.0, a CPU wheel); run that, or pip install "
    "'chainrule[torch]' !!!")

RTOL = 1e-12
# Inputs, weights and upstream gradients are O(1): a result that cancels to ~0
# (a softmax layer's input gradient, 5e-17 in chainrule and 8e-17 in torch) is
# rounding noise of O(1) terms, so errors are measured against at least 1e-3
# (an absolute tolerance of 1e-15).
FLOOR = 1e-3
PER_NEURON = [n for n in TORCH_ACTIVATIONS if n not in ("softmax", "log_softmax")]


def examples(k: float) -> settings:
    """k times the current profile's number of examples (ci: 250)."""
    return settings(max_examples=max(1, int(k * settings().max_examples)))


def relative_error(ours: list[float], theirs: list[float]) -> float:
    """max |a − b| / max |b| over a whole tensor (relative to its size)."""
    scale = max((abs(b) for b in theirs), default=0.0)
    worst = max((abs(a - b) for a, b in zip(ours, theirs, strict=True)), default=0.0)
    return 0.0 if worst == 0.0 else worst / max(scale, FLOOR)


def run_both(model: nn.Module, xs: list[list[float]], upstream: list[list[float]],
             ) -> dict[str, tuple[list[float], list[float]]]:
    """Outputs and gradients (inputs, weights, biases, slopes) of loss = Σ y·g in
    chainrule (sample by sample) and in torch (one batch)."""
    t = model.to_torch()
    X = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    G = torch.tensor(upstream, dtype=torch.float64)
    Y = t(X)
    (Y * G).sum().backward()

    model.zero_grad()
    outs, input_grads = [], []
    for x, g in zip(xs, upstream):
        vs = [Value(v) for v in x]
        y = model(vs)
        ys = y if isinstance(y, list) else [y]
        loss = ys[0] * g[0]
        for yk, gk in zip(ys[1:], g[1:]):
            loss = loss + yk * gk
        loss.backward()
        outs += [v.data for v in ys]
        input_grads += [v.grad for v in vs]
    result = {"output": (outs, Y.detach().flatten().tolist()),
              "input grad": (input_grads, X.grad.flatten().tolist())}
    layers = model.layers if isinstance(model, nn.MLP) else [model] if isinstance(
        model, nn.Layer) else None
    neuron_lists = [layer.neurons for layer in layers] if layers else [[model]]
    linears = [m for m in t if isinstance(m, torch.nn.Linear)]
    prelus = [m for m in t if isinstance(m, torch.nn.PReLU)]
    for li, (neurons, lin) in enumerate(zip(neuron_lists, linears, strict=True)):
        result[f"weight grad {li}"] = ([w.grad for n in neurons for w in n.w],
                                       lin.weight.grad.flatten().tolist())
        result[f"bias grad {li}"] = ([n.b.grad for n in neurons], lin.bias.grad.tolist())
    slopes = [[n.act.weight.grad for n in neurons] for neurons in neuron_lists
              if hasattr(neurons[0], "act") and isinstance(neurons[0].act, nn.PReLU)]
    for k, (ours, theirs) in enumerate(zip(slopes, prelus, strict=True)):
        result[f"slope grad {k}"] = (ours, theirs.weight.grad.tolist())
    return result


@st.composite
def bridged_models(draw: st.DrawFn) -> tuple[nn.Module, int, int]:
    """(model, inputs, outputs) with random weights and biases."""
    kind = draw(st.sampled_from(["mlp", "mlp", "layer", "neuron"]))
    nin = draw(st.integers(1, 4))
    act = draw(st.sampled_from(PER_NEURON + ["identity", None]))
    rng = random.Random(draw(st.integers(0, 10**6)))
    model: nn.Module
    if kind == "neuron":
        model, nout = nn.Neuron(nin, act, rng=rng), 1
    elif kind == "layer":
        nout = draw(st.integers(1, 4))
        model = nn.Layer(nin, nout, draw(st.sampled_from(PER_NEURON + ["softmax",
                                                                         "log_softmax", None])),
                         rng=rng)
    else:
        nouts = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
        model, nout = nn.MLP(nin, nouts, act, draw(st.sampled_from(
            [None, "sigmoid", "softmax", "log_softmax", "tanh", "prelu"])), seed=0), nouts[-1]
    for p in model.parameters():  # biases and slopes too, not only the init's
        p.data = rng.uniform(-1.0, 1.0)
    return model.eval(), nin, nout  # RReLU: its eval slope (training draws differ by design)


def _uses(model: nn.Module, name: str) -> bool:
    specs = [layer._spec for layer in model.layers] if isinstance(model, nn.MLP) else \
        [model._spec]  # type: ignore[attr-defined]
    return any(isinstance(s, str) and s == name for s in specs)


@examples(2)
@given(bridged_models(), st.data())
def test_outputs_and_gradients_match_torch_to_1e12(case, data):
    model, n_in, n_out = case
    batch = data.draw(st.integers(1, 4))
    floats = st.floats(-2.0, 2.0, allow_nan=False)
    xs = data.draw(st.lists(st.lists(floats, min_size=n_in, max_size=n_in), min_size=batch,
                            max_size=batch))
    gs = data.draw(st.lists(st.lists(floats, min_size=n_out, max_size=n_out), min_size=batch,
                            max_size=batch))
    for what, (ours, theirs) in run_both(model, xs, gs).items():
        if "grad" in what and _uses(model, "hardsigmoid"):
            continue  # torch's backward uses float32 1/6: pinned in its own test below
        assert relative_error(ours, theirs) <= RTOL, (what, ours, theirs)


def test_hardsigmoid_gradients_differ_only_by_torchs_float32_one_sixth():
    layer = nn.Layer(1, 1, "hardsigmoid", weights=[[1.0]], biases=[0.0])
    out = run_both(layer, [[0.5], [-1.0]], [[1.0], [1.0]])
    assert relative_error(*out["output"]) == 0.0
    ours, theirs = out["input grad"]
    sixth32 = struct.unpack("f", struct.pack("f", 1 / 6))[0]  # 0.1666666716337204
    assert ours == [1 / 6, 1 / 6] and theirs == [sixth32, sixth32]


# -- round trips, bit for bit ------------------------------------------------------------------

def _name(spec: Any) -> Any:
    return None if spec in (None, "identity") else spec


@examples(1)
@given(bridged_models())
def test_chainrule_to_torch_and_back_is_exact(case):
    model = case[0]
    back = nn.MLP.from_torch(model.to_torch())
    assert [p.data for p in back.parameters()] == [p.data for p in model.parameters()]
    if isinstance(model, nn.MLP):
        assert back.state_dict() == model.state_dict()  # same names, same bits
        mine, theirs = model.config(), back.config()
        assert _name(theirs["output_activation"]) == _name(mine["output_activation"])
        if len(model.layers) > 1:
            assert _name(theirs["activation"]) == _name(mine["activation"])


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_torch_to_chainrule_and_back_is_exact(dtype):
    torch.manual_seed(0)
    t = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.PReLU(5), torch.nn.Linear(5, 4),
                            torch.nn.PReLU(1), torch.nn.Linear(4, 2),
                            torch.nn.LogSoftmax(dim=1)).to(getattr(torch, dtype))
    with torch.no_grad():
        for p in t.parameters():
            p.uniform_(-1, 1)
    model = nn.MLP.from_torch(t)
    assert model.config()["activation"] == "prelu"
    assert model.config()["output_activation"] == "log_softmax"
    again = model.to_torch()
    for k in (0, 1, 2, 4):  # the Linears and the per-neuron PReLU: exactly, in float64
        for a, b in zip(again[k].parameters(), t[k].parameters(), strict=True):
            assert a.dtype == torch.float64 and torch.equal(a, b.to(torch.float64))
    assert torch.equal(again[3].weight, t[3].weight.double().expand(4))  # one shared slope
    assert isinstance(again[5], torch.nn.LogSoftmax)


def test_linear_without_bias_and_identity_modules():
    lin = torch.nn.Linear(2, 1, bias=False, dtype=torch.float64)
    model = nn.MLP.from_torch(torch.nn.Sequential(lin, torch.nn.Identity()))
    assert model.layers[0].neurons[0].b.data == 0.0
    assert [w.data for w in model.layers[0].neurons[0].w] == lin.weight[0].tolist()
    single = nn.MLP.from_torch(lin)
    assert single.state_dict() == model.state_dict()


def test_training_mode_is_copied_both_ways():
    m = nn.MLP(2, [3, 1], activation="rrelu", seed=0)
    assert m.to_torch().training is True
    t = m.eval().to_torch()
    assert t.training is False and isinstance(t[1], torch.nn.RReLU)
    assert nn.MLP.from_torch(t).training is False


# -- what is refused ---------------------------------------------------------------------------

@pytest.mark.parametrize("make, message", [
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Dropout()),
     "module 1 is Dropout, which chainrule does not support; supported: torch.nn.Linear"),
    (lambda: torch.nn.Sequential(torch.nn.Conv1d(1, 1, 1)), "module 0 is Conv1d"),
    (lambda: torch.nn.Sequential(torch.nn.Sequential(torch.nn.Linear(2, 1))),
     "module 0 is Sequential"),
    (lambda: torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(2, 1)),
     "comes before any Linear"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Tanh()),
     "follows another activation"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 2),
                                 torch.nn.Tanh(), torch.nn.Linear(2, 1)),
     r"different activations \['relu', 'tanh'\]"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.LeakyReLU(0.2)),
     "'leaky_relu' has negative_slope=0.01, not 0.2"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.GELU(approximate="tanh")),
     "approximate='none'"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Softmax(dim=0)),
     "only dim=-1"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(2, 1)),
     "Linear 1 takes 2 inputs but Linear 0 gives 3"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.PReLU(2)),
     "a PReLU with 2 slopes after a Linear of 3 outputs"),
    (lambda: torch.nn.Sequential(), "no Linear layer"),
])
def test_from_torch_refuses_what_an_mlp_cannot_hold(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        nn.MLP.from_torch(make())


def test_from_torch_wants_a_torch_module_and_to_torch_a_named_activation():
    with pytest.raises(TypeError, match="expected a torch.nn.Sequential"):
        nn.MLP.from_torch([torch.nn.Linear(2, 1)])
    with pytest.raises(ValueError, match="callable activation .*no torch equivalent"):
        nn.MLP(2, [2, 1], activation=lambda v: v.tanh()).to_torch()
    with pytest.raises(ValueError, match="uses 'atan', which has no torch.nn module"):
        nn.Layer(2, 2, "atan").to_torch()
    with pytest.raises(TypeError, match="only Neuron, Layer and MLP"):
        nn.Ensemble([nn.MLP(2, [1])]).to_torch()


def test_a_missing_torch_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[torch\]'"):
        nn.MLP(2, [1]).to_torch()


def test_import_nn_does_not_import_torch():
    code = ("import sys, nn; m = nn.MLP(2, [3, 1], seed=0); m([1.0, 2.0]); "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_weights_are_laid_out_as_torch_does():
    m = nn.MLP.from_weights([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[7.0, 8.0]]],
                            [[0.1, 0.2], [0.3]], activation="tanh")
    t = m.to_torch()
    assert t[0].weight.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]  # weight[j, i]
    assert t[0].bias.tolist() == [0.1, 0.2] and t[2].bias.tolist() == [0.3]
    assert t[0].weight.dtype == torch.float64
    y = t(torch.tensor([[1.0, -1.0, 0.5]], dtype=torch.float64))
    assert y.shape == (1, 1)
    assert math.isclose(y.item(), m([1.0, -1.0, 0.5]).data, rel_tol=1e-15)


def test_a_gradient_that_cancels_to_zero_is_compared_to_its_terms_size():
    """Σ softmax is 1, so with equal upstream gradients the input's gradient is 0
    up to rounding: chainrule's and torch's noise differ, and both pass."""
    layer = nn.Layer(1, 2, "softmax", weights=[[0.3], [-0.7]], biases=[0.1, 0.2])
    ours, theirs = run_both(layer, [[1.0]], [[1.0, 1.0]])["input grad"]
    assert abs(ours[0]) < 1e-15 and abs(theirs[0]) < 1e-15
    assert relative_error(ours, theirs) <= RTOL
