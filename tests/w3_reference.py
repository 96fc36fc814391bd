"""W3 (micrograd's moons demo) run with the public API, for bit-for-bit checks.

``python tests/w3_reference.py`` (CPython 3.11) rewrites
``tests/golden/w3_reference.json``: every loss of 100 SGD steps, then every
gradient of the last step and every parameter after it, as ``float.hex``.
The file was written by the engine before the speed work (issue 11), so the
test that reads it proves later engines give the same numbers bit for bit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import autograd  # noqa: E402
import nn  # noqa: E402
from bench.data import make_moons  # noqa: E402

GOLDEN = Path(__file__).parent / "golden" / "w3_reference.json"
STEPS = 100


def run(steps: int = STEPS) -> dict[str, Any]:
    """The bench's W3: MLP(2,[16,16,1], seed=3) on 100 moons (seed 3, noise 0.1),
    loss mean(relu(1 − y·s)) + 1e-4·Σp², SGD with lr = 1 − 0.9k/100."""
    X, y = make_moons(100, 0.1, 3)
    model = nn.MLP(2, [16, 16, 1], seed=3)
    params = model.parameters()
    losses = []
    for k in range(steps):
        scores = [model(list(row)) for row in X]
        terms = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        loss = autograd.mean(terms) + 1e-4 * autograd.dot(params, params)
        model.zero_grad()
        loss.backward()
        losses.append(loss.data)
        lr = 1.0 - 0.9 * k / 100
        grads = [p.grad for p in params]
        for p in params:
            p.data -= lr * p.grad
    return {"losses": [x.hex() for x in losses], "grads": [g.hex() for g in grads],
            "params": [p.data.hex() for p in params]}


if __name__ == "__main__":
    if sys.version_info[:2] != (3, 11):
        sys.exit("write the reference with CPython 3.11 (float sums differ from 3.12 on)")
    GOLDEN.write_text(json.dumps(run(), indent=0) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
