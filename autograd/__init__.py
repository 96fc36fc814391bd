"""chainrule's engine: scalar reverse-mode autodiff on a recorded graph.

Read in this order (each module imports only the ones before it):
``floats`` (IEEE math), ``syntax`` (how ops are written), ``op`` (what an op
is), ``ops`` (the table of every op), ``backprop`` (the one order and the one
chain-rule walk), ``value`` (the ``Value`` node and recording), ``fused``
(an op made of two), ``functional`` (``grad``), ``functions`` (several inputs,
a layer of neurons), ``tape`` (the graph as a program, which drawing and
exporters read). Then ``check``/``testing`` (gradient checks), ``symbolic``
(SymPy), ``drawing/``, ``expr``/``cli`` (the command line).
"""

from .backprop import StaleGraphError, topological_order
from .check import GradcheckError, KinkWarning, gradcheck, gradgradcheck
from .drawing import Drawing, Stepper, draw, step_through
from .drawing.interop import draw_dot
from .functional import grad
from .functions import (
    activation_op,
    dot,
    log_softmax,
    logsumexp,
    maximum,
    mean,
    minimum,
    neurons,
    prelu,
    softmax,
    sum,
)
from .fused import fuse
from .modes import AnomalyError, detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .op import Op
from .ops import TABLE as OPS
from .symbolic import to_sympy
from .value import Value
from .version import __version__

__all__ = [
    "__version__", "Value", "StaleGraphError", "Op", "OPS", "grad", "no_grad", "enable_grad",
    "is_grad_enabled",
    "detect_anomaly", "AnomalyError", "maximum", "minimum", "sum", "mean", "dot",
    "logsumexp", "softmax", "log_softmax", "prelu", "topological_order", "neurons",
    "activation_op", "fuse",
    "draw", "step_through", "Drawing", "Stepper", "draw_dot",
    "gradcheck", "gradgradcheck", "GradcheckError", "KinkWarning", "to_sympy",
]
