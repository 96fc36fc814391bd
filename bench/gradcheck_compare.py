"""The closing table of issue 13: every planted bug, chainrule's property test
next to ``torch.autograd.gradcheck`` on the same ops.

chainrule: the property test of ``tests/test_user_ops.py`` (what the README
shows: ``expressions(ops=[op, "add", "mul", "tanh", "exp"])`` or
``model_inputs(model, nin=2)``, then ``assert_gradients_match``), at the
fixed seed: caught or not, how many examples ran until the first failure, and
the size of the shrunk counterexample. Also with ``second_order=False``.

torch 2.13 (float64): the same op as a ``torch.autograd.Function`` whose
``backward`` has the same bug (``float(x)`` becomes ``x.detach()``), checked
the way its documentation shows, at random points ``torch.randn`` draws (β
cycling through the op's examples, ``logmeanexp`` on 5 numbers, the MLP's
weights and input all checked): ``gradcheck`` alone, and ``gradcheck`` then
``gradgradcheck``, with torch's default tolerances; examples until the first
failure, up to ``--tries``. torch does not shrink: a failing case is the
random point itself.

    .venv/bin/pip install torch==2.13.0
    .venv/bin/python bench/gradcheck_compare.py [--tries 1000]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_user_ops as T  # noqa: E402
import user_ops as U  # noqa: E402

torch.set_default_dtype(torch.float64)
Tensor = torch.Tensor


def function(f: Callable[..., Tensor], df: Callable[..., tuple[Tensor, ...]]) -> Any:
    """A torch op: value f(*xs), local derivatives df(*xs, y) times the upstream
    gradient; backward is written in torch ops, so it can be differentiated."""

    class Op(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, *xs: Tensor) -> Tensor:
            y = f(*xs)
            ctx.save_for_backward(*xs, y)
            return y

        @staticmethod
        def backward(ctx: Any, g: Tensor) -> tuple[Tensor, ...]:
            *xs, y = ctx.saved_tensors
            return tuple(g * d for d in df(*xs, y))

    return Op.apply


def _round4(y: Tensor) -> Tensor:
    factor = torch.tensor([float(f"{v:.4g}") / v if v else 1.0
                           for v in y.detach().reshape(-1).tolist()]).reshape(y.shape)
    return y * factor


# -- the ops, each with its bugs ------------------------------------------------------------

def softclip(df: Callable[[Tensor, Tensor], Tensor]) -> Any:
    return function(lambda x: x / (1 + x.abs()), lambda x, y: (df(x, y),))


SOFTCLIP = {
    None: softclip(lambda x, y: 1 / ((1 + x.abs()) * (1 + x.abs()))),
    "softclip_no_square": softclip(lambda x, y: 1 / (1 + x.abs())),
    "softclip_no_abs": softclip(lambda x, y: 1 / ((1 + x) * (1 + x))),
    "softclip_flat_tail": softclip(lambda x, y: torch.where(
        x.abs() > 5, torch.zeros_like(x), 1 / ((1 + x.abs()) * (1 + x.abs())))),
    "softclip_typo": softclip(lambda x, y: 1 / ((1.0001 + x.abs()) * (1.0001 + x.abs()))),
    "softclip_float": softclip(lambda x, y: 1 / ((1 + x.detach().abs()) ** 2)),
}


def swish(beta: float, df: Callable[[Tensor, Tensor, float], Tensor]) -> Any:
    return function(lambda x: x * torch.sigmoid(beta * x), lambda x, y: (df(x, y, beta),))


def _d_swish(s: Tensor, x: Tensor, b: float) -> Tensor:
    return s + b * x * s * (1 - s)


SWISH: dict[str | None, Callable[[Tensor, Tensor, float], Tensor]] = {
    None: lambda x, y, b: _d_swish(torch.sigmoid(b * x), x, b),
    "swish_beta_no_inner": lambda x, y, b: _d_swish(torch.sigmoid(b * x), x, 1.0),
    "swish_beta_sign": lambda x, y, b: (lambda s: s - b * x * s * (1 - s))(torch.sigmoid(b * x)),
    "swish_beta_sigmoid_of_x": lambda x, y, b: _d_swish(torch.sigmoid(x), x, b),
    "swish_beta_math": lambda x, y, b: _d_swish(torch.sigmoid(b * x.detach()), x.detach(), b),
}


def hypot(df: Callable[[Tensor, Tensor, Tensor], tuple[Tensor, Tensor]]) -> Any:
    return function(torch.hypot, df)


HYPOT = {
    None: hypot(lambda a, b, y: (a / y, b / y)),
    "hypot_swapped": hypot(lambda a, b, y: (b / y, a / y)),
    "hypot_no_division": hypot(lambda a, b, y: (a, b)),
    "hypot_first_twice": hypot(lambda a, b, y: (a / y, a / y)),
    "hypot_squared": hypot(lambda a, b, y: (a / (y * y), b / (y * y))),
    "hypot_rounded": hypot(lambda a, b, y: (a / _round4(y), b / _round4(y))),
}


def _lme(x: Tensor) -> Tensor:
    m = x.max().detach()
    return m + torch.log(torch.exp(x - m).mean())


def logmeanexp(df: Callable[[Tensor, Tensor], Tensor]) -> Any:
    return function(_lme, lambda x, y: (df(x, y),))


def _first_for_last(x: Tensor, y: Tensor) -> Tensor:
    w = torch.exp(x - y) / len(x)
    return torch.cat([w[:-1], (torch.exp(x[0] - y) / len(x)).reshape(1)])


LOGMEANEXP = {
    None: logmeanexp(lambda x, y: torch.exp(x - y) / len(x)),
    "logmeanexp_unnormalised": logmeanexp(lambda x, y: torch.exp(x - y)),
    "logmeanexp_mean": logmeanexp(lambda x, y: torch.ones_like(x) / len(x)),
    "logmeanexp_first_for_last": logmeanexp(_first_for_last),
    "logmeanexp_three": logmeanexp(lambda x, y: torch.where(
        torch.arange(len(x)) < 3, torch.exp(x - y) / len(x), torch.zeros_like(x))),
}

TANH = {
    None: function(torch.tanh, lambda x, y: (1 - y * y,)),
    "mlp_activation_no_square": function(torch.tanh, lambda x, y: (1 - y,)),
    "mlp_activation_float": function(torch.tanh, lambda x, y: (1 - y.detach() ** 2,)),
}


def _mlp(bug: str) -> Callable[..., Tensor]:
    act = TANH.get(bug, TANH[None])

    def forward(x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) -> Tensor:
        h = act(w1 @ x + b1)
        if bug == "mlp_detached_hidden":
            h = h.detach()
        return w2 @ h + b2
    return forward


# -- examples until the first failure ----------------------------------------------------------

def torch_case(bug: U.Bug, k: int, gen: torch.Generator) -> tuple[Callable[..., Tensor],
                                                                      tuple[Tensor, ...]]:
    def randn(*shape: int) -> Tensor:
        return torch.randn(*shape, generator=gen).requires_grad_()

    name = bug.name
    if bug.family == "softclip":
        return SOFTCLIP[name], (randn(()),)
    if bug.family == "swish_beta":
        (beta,) = U.swish_beta.examples[k % len(U.swish_beta.examples)]
        return swish(beta, SWISH[name]), (randn(()),)
    if bug.family == "hypot":
        return HYPOT[name], (randn(()), randn(()))
    if bug.family == "logmeanexp":
        return LOGMEANEXP[name], (randn(5),)
    model = U.TinyMLP()
    weights = (torch.tensor([[w.data for w in ws] for ws in model.w1]),
               torch.tensor([b.data for b in model.b1]),
               torch.tensor([w.data for w in model.w2]), torch.tensor(model.b2.data))
    return _mlp(name), (randn(2), *(w.clone().requires_grad_() for w in weights))


def torch_first_failure(bug: U.Bug, tries: int, second: bool) -> int | None:
    gen = torch.Generator().manual_seed(0)
    for k in range(1, tries + 1):
        fn, xs = torch_case(bug, k, gen)
        try:
            ok = torch.autograd.gradcheck(fn, xs, raise_exception=False)
            if ok and second:
                ok = torch.autograd.gradgradcheck(fn, xs, raise_exception=False)
        except Exception:  # noqa: BLE001 - torch refusing the case counts as finding it
            ok = False
        if not ok:
            return k
    return None


def chainrule(bug: U.Bug, second_order: bool) -> tuple[int | None, str]:
    """(examples until the first failure, shrunk size) of the property test."""
    original = T.check
    if not second_order:
        T.check = lambda case: T.assert_gradients_match(
            case, case.inputs, params=getattr(case, "params", None), second_order=False)
    try:
        found = T.run_until_caught(bug)
    finally:
        T.check = original
    if found["error"] is None:
        return None, "—"
    case = found["last"]
    if bug.family == "mlp":
        return found["first"], f"inputs {case.x} (the model is given)"
    code = case.code()
    ops = [line.split(" = ", 1)[1] for line in code.splitlines()
           if re.match(r"(t\d+|out) = ", line)]
    point = ", ".join(f"{n}={x:g}" for n, x in case.inputs.items())
    return found["first"], f"{len(ops)} op: `{'; '.join(ops)}` at {point}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=1000,
                        help="random points torch gets per bug (default 1000)")
    args = parser.parse_args(argv)
    start = time.process_time()
    for name, ok in (("softclip", SOFTCLIP[None]), ("hypot", HYPOT[None])):
        xs = (torch.randn((), requires_grad=True),) * (1 if name == "softclip" else 2)
        assert torch.autograd.gradcheck(ok, xs), name  # the correct torch ops pass
    print("| planted bug | what is wrong | chainrule: caught, examples to failure | "
          "chainrule: shrunk case | chainrule, first order only | "
          f"torch gradcheck (of {args.tries}) | torch gradcheck + gradgradcheck |")
    print("|---|---|---|---|---|---|---|")
    caught = {"chainrule": 0, "first": 0, "torch": 0, "torch2": 0}

    def show(k: int | None, key: str) -> str:
        if k is None:
            return "**not caught**"
        caught[key] += 1
        return f"yes, {k}"

    for bug in U.BUGS:
        k, shrunk = chainrule(bug, True)
        k1, _ = chainrule(bug, False)
        t1 = torch_first_failure(bug, args.tries, second=False)
        t2 = torch_first_failure(bug, args.tries, second=True)
        print(f"| {bug.name} | {bug.what} | {show(k, 'chainrule')} | {shrunk} | "
              f"{show(k1, 'first')} | {show(t1, 'torch')} | {show(t2, 'torch2')} |")
    n = len(U.BUGS)
    print(f"| **caught** | | **{caught['chainrule']} of {n}** | | {caught['first']} of {n} | "
          f"{caught['torch']} of {n} | {caught['torch2']} of {n} |")
    print(f"\ntorch {torch.__version__}, {time.process_time() - start:.0f} s CPU")


if __name__ == "__main__":
    main()
