"""Optimisers with ``torch.optim``'s names, defaults and float64 update rules.

``SGD``, ``Adam``, ``AdamW``, ``RMSprop``, ``Adagrad`` take ``params`` as a list
of Values or a list of parameter groups (dicts), as torch does;
``decay_groups`` builds the groups that exclude biases from weight decay.
``LineSearchGD`` is full-batch descent with a backtracking step.
Learning-rate schedules live in ``nn.optim.lr_scheduler`` (= ``nn.lr_scheduler``).
"""

from typing import Any

from .adagrad import Adagrad
from .adam import Adam, AdamW
from .groups import decay_groups, is_bias
from .line_search import LineSearchGD, LineSearchResult
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "LineSearchGD",
           "LineSearchResult", "decay_groups", "is_bias", "lr_scheduler"]


def __getattr__(name: str) -> Any:
    # nn.optim.lr_scheduler is loaded on first use: nn.lr_scheduler itself imports
    # nn.optim, so an eager import here would be circular.
    if name == "lr_scheduler":
        import importlib

        return importlib.import_module("nn.optim.lr_scheduler")
    raise AttributeError(f"module 'nn.optim' has no attribute {name!r}")
