"""Hypothesis strategies for gradient-check tests of your own ops and models.

Needs the ``testing`` extra (``pip install chainrule[testing]``, i.e. Hypothesis);
the rest of the package never imports this one.

- :func:`expressions`: random expression DAGs over the op table and your
  own ops, each with a point where every op is inside its domain and off its
  kinks; an :class:`Expression` prints as the code that builds it
  (:mod:`autograd.testing.expressions`).
- :func:`op_calls`: one op with safe inputs.
- :func:`mlps`: small random MLPs with any activation;
  :func:`model_inputs`: inputs for a model of your own
  (:mod:`autograd.testing.networks`).
- :func:`values`, :func:`magnitudes`: numbers to draw
  (:mod:`autograd.testing.values`).
- :func:`assert_gradients_match`: ``gradcheck`` and ``gradgradcheck`` as one
  test assertion.

What is safe for an op is read from its own declarations (``domain``,
``branch``, ``examples``, ``inputs_ok``): :mod:`autograd.testing.guards`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..check import gradcheck, gradgradcheck
from .expressions import Expression, Step, expressions, op_calls
from .guards import DOMAIN_MARGIN, KINK_MARGIN, MARGIN, MAX_OPERANDS, VALUE_BOUND
from .networks import ModelInput, Network, mlps, model_inputs
from .values import magnitudes, values

__all__ = ["values", "magnitudes", "expressions", "Expression", "Step", "op_calls",
           "mlps", "Network", "model_inputs", "ModelInput", "assert_gradients_match",
           "MARGIN", "KINK_MARGIN", "DOMAIN_MARGIN", "VALUE_BOUND", "MAX_OPERANDS"]


def assert_gradients_match(fn: Callable[..., Any], inputs: Any = None, *, params: Any = None,
                           eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-5,
                           second_order: bool = True, allow_unused: bool = False) -> None:
    """Assert that ``fn``'s first and second derivatives at ``inputs`` (and with
    respect to ``params``, Values fn reads) match central differences: raises
    ``GradcheckError`` (an ``AssertionError``) with a table of mismatches.
    ``second_order=False`` checks first derivatives only (cheaper: a wrong
    second derivative, or a ``df`` that computes with ``float()``, then
    passes)."""
    __tracebackhide__ = True  # pytest: point at the test, not at this helper
    if not isinstance(second_order, bool):
        raise TypeError(f"assert_gradients_match: second_order must be True or False, "
                        f"got {second_order!r}")
    settings = dict(params=params, eps=eps, atol=atol, rtol=rtol, allow_unused=allow_unused)
    gradcheck(fn, inputs, **settings)
    if second_order:
        gradgradcheck(fn, inputs, **settings)
