"""Drawing the computation graph: ``draw`` (forward, backward, both) and
``step_through`` (backprop frame by frame).

Modules: ``graph`` (what is drawn: uses, local derivatives, gradients,
neurons), ``dot`` (the DOT text), ``style`` (colours, fonts, numbers),
``render`` (dot / graphviz-pure / none), ``drawing`` (``draw``, ``Drawing``),
``stepper`` (``step_through``, ``Stepper``), ``display`` (Jupyter display, the HTML
player and escaping: everything that reaches a browser).
"""

from .drawing import Drawing, draw
from .render import NoRendererError, Renderer, RenderError, available_renderers, find_renderer
from .stepper import Stepper, step_through
from .style import Style, default_style, set_default_style

__all__ = ["draw", "Drawing", "step_through", "Stepper", "Style", "default_style",
           "set_default_style",
           "RenderError", "NoRendererError", "Renderer", "available_renderers", "find_renderer"]
