"""The engine's numbers on W3, bit for bit against the reference written
before the speed work (``tests/w3_reference.py``): every loss of 100 SGD steps,
the last step's 337 gradients and the parameters after it.

Exact equality holds on CPython 3.11, where the reference was written; from
3.12 on, Python's ``sum`` of floats is compensated (Neumaier), so the n-ary
sums round differently and the check there is to 1e-12 relative instead.
"""

from __future__ import annotations

import json
import math
import sys

from w3_reference import GOLDEN, run


def test_w3_numbers_are_the_reference_bit_for_bit() -> None:
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = run()
    exact = sys.version_info[:2] == (3, 11)
    for key in ("losses", "grads", "params"):
        assert len(got[key]) == len(want[key]), key
        for i, (g, w) in enumerate(zip(got[key], want[key])):
            a, b = float.fromhex(g), float.fromhex(w)
            if exact:
                assert g == w, f"{key}[{i}]: {a!r} != reference {b!r}"
            else:
                assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), \
                    f"{key}[{i}]: {a!r} vs {b!r}"
