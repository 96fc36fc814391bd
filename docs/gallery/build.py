"""Render the drawing gallery: every graph of the course at slide size, in one command.

    python docs/gallery/build.py                 # docs/gallery/*.svg and README.md
    python docs/gallery/build.py --review DIR    # also PNGs, in colour and greyscale, to look at
    make gallery                                 # the same as the first line

The seeds: f = (u+v)·w; micrograd's tanh neuron; x·x + x and a + a; the 3-2-1
softplus network of notebook 3 with its L2 loss; MLP(2, [4, 4, 1]); a
3-point batch loss through MLP(2, [3, 1]). Each is drawn forward, backward and
both with ``fit="slide"``, and the neuron is stepped through, forward and
backward. ``tests/test_gallery.py`` keeps the DOT of every picture as a golden
file (``tests/golden/gallery/``) and checks it from the rendered SVG.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

import autograd  # noqa: E402
import nn  # noqa: E402
from autograd import Value  # noqa: E402
from autograd.files import atomic_write  # noqa: E402

VIEWS = ("forward", "backward", "both")


def lecture_f() -> Value:
    """f = (u + v) · w at u = 2, v = 3, w = 4."""
    u, v, w = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
    f = (u + v) * w
    f.label = "f"
    return f


def neuron() -> Value:
    """micrograd's neuron: o = tanh(x1·w1 + x2·w2 + b), built op by op as in the lecture."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def square_plus() -> Value:
    """g = x·x + x at x = 3: x used three times."""
    x = Value(3.0, label="x")
    g = x * x + x
    g.label = "g"
    return g


def twice() -> Value:
    """s = a + a at a = 3: one input used twice by one op."""
    a = Value(3.0, label="a")
    s = a + a
    s.label = "s"
    return s


def softplus_321() -> Value:
    """Notebook 3's network: 3 inputs, 2 softplus neurons, a linear output, L2 loss."""
    model = nn.MLP.from_weights([[[0.2, -0.4, 0.1], [-0.3, 0.1, 0.5]], [[0.7, -1.2]]],
                                [[0.1, -0.2], [0.3]], activation="softplus")
    loss = nn.losses.l2(model([1.0, -2.0, 0.5]), 1.5)
    loss.label = "L"
    return loss


def mlp_441() -> Value:
    """MLP(2, [4, 4, 1]) (ReLU, linear output) at x = (0.5, −1)."""
    model = nn.MLP(2, [4, 4, 1], seed=0)
    y = model([0.5, -1.0])
    y.label = "y"
    return y


def batch_loss() -> Value:
    """The mean squared error of MLP(2, [3, 1]) over 3 points."""
    model = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    points = [[1.0, 0.5], [-0.5, 1.5], [0.0, -1.0]]
    targets = [1.0, -1.0, 0.5]
    loss = nn.losses.mse([model(p) for p in points], targets)
    loss.label = "loss"
    return loss


SEEDS: dict[str, Callable[[], Value]] = {
    "f": lecture_f, "neuron": neuron, "square_plus": square_plus, "twice": twice,
    "softplus_321": softplus_321, "mlp_441": mlp_441, "batch": batch_loss,
}
TITLES = {
    "f": "f = (u + v) · w", "neuron": "o = tanh(x1·w1 + x2·w2 + b)",
    "square_plus": "g = x·x + x", "twice": "s = a + a",
    "softplus_321": "3-2-1 softplus network, L = ½(ŷ − y)²",
    "mlp_441": "MLP(2, [4, 4, 1])", "batch": "mean squared error of MLP(2, [3, 1]) on 3 points",
}


def drawings() -> dict[str, autograd.Drawing]:
    """Every picture of the gallery, by file stem (``f_forward``, ``neuron_step_b3`` ...)."""
    out: dict[str, autograd.Drawing] = {}
    for name, make in SEEDS.items():
        for view in VIEWS:
            out[f"{name}_{view}"] = autograd.draw(make(), view, fit="slide", title=TITLES[name])
    stepper = autograd.step_through(neuron(), passes="forward+backward", fit="slide",
                                    title=TITLES["neuron"])
    n = len(stepper) // 2
    for k, frame in enumerate(stepper):
        out[f"neuron_step_{'f' if k < n else 'b'}{k % n}"] = frame
    return out


def stepper_captions() -> list[str]:
    return autograd.step_through(neuron(), passes="forward+backward").captions


def index(names: list[str]) -> str:
    """The gallery's README: every picture with what it shows."""
    lines = ["# Drawing gallery", "",
             "Every graph of the course drawn with `fit=\"slide\"` (16:9, text at least",
             "18 pt at slide size), forward, backward and both, and micrograd's neuron",
             "stepped through, forward then backward. Rendered by `make gallery`",
             "(`python docs/gallery/build.py`); the DOT of each picture is a golden file",
             "in `tests/golden/gallery/`.", ""]
    for seed in SEEDS:
        lines += [f"## {TITLES[seed]}", ""]
        for view in VIEWS:
            lines += [f"![{seed} {view}]({seed}_{view}.svg)", ""]
    lines += ["## The neuron, step by step", ""]
    for name, text in zip([n for n in names if n.startswith("neuron_step_")],
                          stepper_captions()):
        lines += [f"![{text}]({name}.svg)", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder (default: docs/gallery)")
    parser.add_argument("--review", type=Path, default=None,
                        help="also write PNGs (colour and greyscale) here, to look at")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    pictures = drawings()
    for stem, drawing in pictures.items():
        drawing.save(args.out / f"{stem}.svg")
        if args.review is not None:
            args.review.mkdir(parents=True, exist_ok=True)
            png = args.review / f"{stem}.png"
            drawing.save(png)
            from PIL import Image

            Image.open(png).convert("L").save(args.review / f"{stem}_grey.png")
    atomic_write(args.out / "README.md", index(list(pictures)))
    print(f"wrote {len(pictures)} pictures to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
