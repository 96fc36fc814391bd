"""``nn.optim.lr_scheduler``: the schedules of :mod:`nn.lr_scheduler`, at torch's path."""

from nn.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LRScheduler,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)

__all__ = ["LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR",
           "PolynomialLR", "CosineAnnealingLR"]
