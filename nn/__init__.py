"""chainrule's networks: modules, layers, losses, optimisers, data, training.

Built only on the public ``autograd`` API.
"""

from .layers import MLP, Layer, Neuron, activation
from .module import Module

__all__ = ["Module", "Neuron", "Layer", "MLP", "activation"]
