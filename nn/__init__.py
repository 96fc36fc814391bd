"""chainrule's networks: modules, layers, losses, optimisers, data, training.

Built only on the public ``autograd`` API.
"""

from . import construct, data, losses, lr_scheduler, optim, plot
from .activations import PReLU, RReLU, activation
from .ensemble import Ensemble
from .layers import MLP, Layer, Neuron
from .module import Module
from .serialize import load
from .training import EarlyStopping, History, evaluate, fit

__all__ = ["Module", "Neuron", "Layer", "MLP", "activation", "PReLU", "RReLU", "load",
           "losses", "data", "construct", "Ensemble", "optim", "lr_scheduler", "plot", "fit",
           "evaluate", "History", "EarlyStopping"]
