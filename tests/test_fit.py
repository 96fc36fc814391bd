"""nn.fit: the micrograd moons recipe, the loop against a hand-written one,
history, validation, early stopping and the progress bar."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

import nn
from autograd import Value
from nn import losses, optim
from nn.lr_scheduler import LambdaLR, MultiStepLR
from nn.training import EarlyStopping, accuracy, evaluate, fit


def moons(seed: int = 1) -> tuple[list[list[float]], list[int]]:
    return nn.data.make_moons(100, noise=0.1, seed=seed, labels="sign")


def test_micrograd_moons_recipe_reaches_full_training_accuracy() -> None:
    # micrograd's demo: MLP(2, [16, 16, 1]), 100 points, SVM loss mean(relu(1 − y·s))
    # + 1e-4·Σp², full-batch SGD with lr = 1.0 − 0.9·k/100, 100 steps.
    X, y = moons(seed=1)
    model = nn.MLP(2, [16, 16, 1], seed=1)
    opt = optim.SGD(model.parameters(), lr=1.0)
    sched = LambdaLR(opt, lambda k: 1.0 - 0.9 * k / 100)
    history = fit(model, X, y, loss="hinge", optimizer=opt, scheduler=sched, epochs=100,
                  penalty=1e-4, progress=False)
    assert history["lr"] == [1.0 - 0.9 * k / 100 for k in range(100)]
    assert history["loss"][-1] < history["loss"][0] / 10
    assert history["accuracy"][0] < 0.95
    assert evaluate(model, X, y)["accuracy"] == 1.0
    scores = [model(x).data for x in X]
    assert all((s > 0) == (t > 0) for s, t in zip(scores, y))


def hand_loop(model, X, y, opt, sched, epochs, batch_size, seed, lam):  # type: ignore[no-untyped-def]
    """What fit should do, written out: per batch zero_grad/backward/step, per epoch
    scheduler.step(); returns the per-epoch mean objective."""
    loader = nn.data.DataLoader(X, y, batch_size, shuffle=True, seed=seed)
    out = []
    for _ in range(epochs):
        total = 0.0
        for xb, yb in loader:
            j = losses.hinge([model(x) for x in xb], yb) + lam * losses.l2_penalty(model)
            opt.zero_grad()
            j.backward()
            opt.step()
            total += j.data * len(xb)
        sched.step()
        out.append(total / len(X))
    return out


def test_fit_is_the_hand_written_minibatch_loop_bit_for_bit() -> None:
    X, y = moons(seed=3)
    runs = []
    for use_fit in (True, False):
        model = nn.MLP(2, [4, 1], seed=5)
        opt = optim.SGD(optim.decay_groups(model, 5e-4), lr=0.2, momentum=0.9)
        sched = MultiStepLR(opt, milestones=[2, 3])
        if use_fit:
            h = fit(model, X, y, loss=losses.hinge, optimizer=opt, scheduler=sched, epochs=4,
                    batch_size=32, seed=7, penalty=1e-3, progress=False)
            curve = h["loss"]
            assert h["lr"] == [0.2, 0.2, 0.2 * 0.1, 0.2 * 0.1 * 0.1]
        else:
            curve = hand_loop(model, X, y, opt, sched, 4, 32, 7, 1e-3)
        runs.append((curve, [p.data for p in model.parameters()]))
    assert runs[0] == runs[1]


def test_history_with_validation_and_custom_metric() -> None:
    X, y = moons(seed=2)
    Xt, Xv, yt, yv = nn.data.train_test_split(X, y, test_size=0.25, seed=0)
    model = nn.MLP(2, [8, 1], seed=0)

    def positive_rate(preds, targets):  # type: ignore[no-untyped-def]
        return sum(p > 0 for p in preds) / len(preds)

    h = fit(model, Xt, yt, loss="logistic", optimizer=optim.Adam(model.parameters(), lr=0.05),
            epochs=3, batch_size=25, metrics=["accuracy", positive_rate],
            validation=(Xv, yv), progress=False)
    assert set(h) == {"loss", "lr", "accuracy", "positive_rate", "val_loss", "val_accuracy",
                      "val_positive_rate"}
    assert all(len(v) == 3 for v in h.values()) and h.epochs == 3
    final = evaluate(model, Xv, yv, loss="logistic", metrics=["accuracy", positive_rate])
    assert final == {"loss": h["val_loss"][-1], "accuracy": h["val_accuracy"][-1],
                     "positive_rate": h["val_positive_rate"][-1]}
    assert "3 epochs" in repr(h)


def test_regression_targets_get_no_accuracy() -> None:
    X, y = nn.data.make_regression(20, seed=0)
    model = nn.MLP(3, [4, 1], seed=0)
    h = fit(model, X, y, loss="mse", epochs=2, optimizer=optim.SGD(model, lr=0.01),
            progress=False)
    assert set(h) == {"loss", "lr"}


def test_xor_with_two_outputs_and_cross_entropy() -> None:
    X, y = nn.data.make_xor()
    model = nn.MLP(2, [8, 2], seed=0)
    h = fit(model, X, y, loss="cross_entropy", optimizer=optim.Adam(model, lr=0.05),
            epochs=150, progress=False)
    assert h["accuracy"][-1] == 1.0 and h["loss"][-1] < 0.05


def test_early_stopping_stops_and_restores_the_best_parameters() -> None:
    X, y = moons(seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    scripted = iter([0.5, 0.6, 0.6, 0.55, 0.9, 0.9])  # best at epoch 1, then no gain
    seen: list[list[float]] = []

    def score(preds, targets):  # type: ignore[no-untyped-def]
        seen.append([p.data for p in model.parameters()])  # parameters after the epoch
        return next(scripted)

    h = fit(model, X, y, loss="hinge", optimizer=optim.SGD(model, lr=0.1), epochs=6,
            metrics=[score], early_stopping=EarlyStopping(patience=2, monitor="score"),
            progress=False)
    assert h.stopped_epoch == 3 and h.best_epoch == 1 and h.epochs == 4
    assert [p.data for p in model.parameters()] == seen[1]
    assert seen[1] != seen[3]


def test_early_stopping_patience_as_int_watches_val_loss() -> None:
    X, y = moons(seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    # lr so large the validation loss cannot keep improving
    h = fit(model, X, y, loss="hinge", optimizer=optim.SGD(model, lr=50.0), epochs=30,
            validation=(X, y), early_stopping=1, progress=False)
    assert h.stopped_epoch is not None and h.epochs < 30
    best = min(range(h.epochs), key=h["val_loss"].__getitem__)
    assert h.best_epoch == best
    assert evaluate(model, X, y, "hinge")["loss"] == h["val_loss"][best]


# -- the progress bar ----------------------------------------------------------------------

def small_run(progress):  # type: ignore[no-untyped-def]
    X, y = nn.data.make_xor()
    model = nn.MLP(2, [4, 1], seed=0)
    return fit(model, X, nn.data.to_sign(y), loss="hinge", optimizer=optim.SGD(model, lr=0.1),
               epochs=3, progress=progress)


def test_progress_bar_on_a_given_stream_shows_loss_and_accuracy() -> None:
    out = io.StringIO()
    h = small_run(out)
    text = out.getvalue()
    assert "fit: 100%" in text and "3/3" in text and "epoch" in text
    assert f"loss={h['loss'][-1]:.4g}" in text and "accuracy=" in text


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    small_run(True)  # pytest's captured stderr is not a terminal: no bar
    assert capsys.readouterr().err == ""
    tty = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", tty)
    small_run(True)
    assert "fit: 100%" in tty.getvalue()
    tty2 = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", tty2)
    small_run(False)  # asked off
    assert tty2.getvalue() == ""


# -- metrics and errors ------------------------------------------------------------------------

def test_accuracy_conventions() -> None:
    assert accuracy([0.3, -2.0, 0.1], [1, -1, -1]) == 2 / 3        # signs, threshold 0
    assert accuracy([0.7, 0.2, 0.4], [1, 0, 1]) == 2 / 3           # probabilities, ½
    assert accuracy([0.7, 0.2, 0.4], [1, 0, 1], threshold=0.3) == 1.0
    assert accuracy([[0.1, 2.0, 0.3], [5.0, 1.0, 1.0]], [1, 2]) == 0.5  # argmax
    assert accuracy([Value(1.0)], [1]) == 1.0


def test_bad_arguments_are_refused() -> None:
    X, y = nn.data.make_xor()
    model = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match="unknown loss 'hingee'"):
        fit(model, X, y, loss="hingee", progress=False)
    with pytest.raises(ValueError, match="X has 4 samples but y has 3"):
        fit(model, X, y[:3], loss="hinge", progress=False)
    with pytest.raises(ValueError, match="batch_size must be an int >= 1, got 0"):
        fit(model, X, y, loss="hinge", batch_size=0, progress=False)
    with pytest.raises(TypeError, match="optimizer must be an nn.optim optimiser, got str"):
        fit(model, X, y, loss="hinge", optimizer="sgd", progress=False)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        fit(model, X, y, loss="hinge", metrics=["f1"], progress=False)
    with pytest.raises(ValueError, match="monitors 'val_loss'"):
        fit(model, X, nn.data.to_sign(y), loss="hinge", epochs=1, progress=False,
            early_stopping=EarlyStopping(monitor="val_loss"))


def test_a_nan_loss_stops_training_with_a_clear_error() -> None:
    X, y = nn.data.make_xor()
    model = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(FloatingPointError, match="loss is nan at epoch 0, batch 0"):
        fit(model, X, y, loss=lambda p, t: losses.mse(p, t) * float("nan"), progress=False)


def test_in_a_jupyter_kernel_the_bar_is_a_widget(tmp_path: Path) -> None:
    # A real kernel (ipykernel on this interpreter, through a temporary kernelspec):
    # its stderr is no terminal, yet progress=True must show tqdm's notebook widget.
    from kernel import run_cells

    code = ("import nn\n"
            "X, y = nn.data.make_xor()\n"
            "m = nn.MLP(2, [4, 1], seed=0)\n"
            "h = nn.fit(m, X, nn.data.to_sign(y), loss='hinge', epochs=3)\n"
            "print(h.epochs)")
    (cell,) = run_cells([code], tmp_path)
    outputs = cell.outputs
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for o in outputs)
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "3" in text and "fit:" not in text  # the bar is the widget, not text


def test_fit_with_line_search_descends_and_stops_at_the_tolerance() -> None:
    # least squares for y = 2x − 1 with one linear neuron: convex, line search converges
    X = [[x / 4] for x in range(-4, 5)]
    y = [2 * x[0] - 1 for x in X]
    model = nn.Neuron(1, activation=None, weights=[0.0], bias=0.0)
    opt = optim.LineSearchGD(model.parameters(), tol=1e-9)
    h = fit(model, X, y, loss="mse", optimizer=opt, epochs=500, progress=False)
    assert all(b < a for a, b in zip(h["loss"], h["loss"][1:]))  # every step decreased it
    assert opt.converged and h.stopped_epoch == h.epochs - 1 < 499
    assert model.w[0].data == pytest.approx(2.0, abs=1e-8)
    assert model.b.data == pytest.approx(-1.0, abs=1e-8)
