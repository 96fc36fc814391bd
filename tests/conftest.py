"""Hypothesis profiles for the whole suite.

- ``default``: quick, for local runs (``pytest``).
- ``ci``: many more examples and a fixed, derandomized seed, so every CI run
  checks the same thousands of cases and a failure reproduces exactly.

``HYPOTHESIS_PROFILE=ci|default`` picks one; otherwise ``ci`` is used whenever
the ``CI`` environment variable is set to anything but ``""``/``0``/``false``
(``.ci/run`` sets ``CI=true``). Tests that need more cases than the profile's
``max_examples`` ask for a multiple of it (see ``examples()`` in the tests).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", max_examples=250, deadline=None, derandomize=True, database=None,
    print_blob=True, suppress_health_check=[HealthCheck.too_slow])


def _profile() -> str:
    chosen = os.environ.get("HYPOTHESIS_PROFILE", "").strip()
    if chosen:
        return chosen
    ci = os.environ.get("CI", "").strip().lower()
    return "ci" if ci not in ("", "0", "false", "no") else "default"


settings.load_profile(_profile())
