"""The user-op suite of issue 13: ops of one's own and a hand-written MLP,
each with planted bugs (``tests/user_ops.py``), tested with ``autograd.testing``
the way the README shows.

- Every planted bug is caught at the fixed seed, and the shrunk
  counterexample is small, plain (0, ±1, ±10... not 8e-184) and runs as
  printed: its code imports the buggy op under the name it calls it by.
- The correct versions pass many random examples with no warning at all:
  ``CORRECT_EXAMPLES`` each (2,000 under the CI profile, 100 otherwise;
  ``CHAINRULE_USER_OPS_EXAMPLES=10000`` runs the full pass of the issue,
  about 5 minutes on one core).

``bench/gradcheck_compare.py`` prints the closing table (bug × caught,
examples to failure, shrunk size) next to ``torch.autograd.gradcheck``.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
import user_ops as U
from hypothesis import HealthCheck, Phase, given, settings

import autograd
from autograd.testing import Expression, assert_gradients_match, expressions, model_inputs

pytestmark = pytest.mark.filterwarnings("error")  # no warning of any kind

_PROFILE_EXAMPLES = settings().max_examples
CORRECT_EXAMPLES = int(os.environ.get("CHAINRULE_USER_OPS_EXAMPLES", "0")) or (
    2000 if _PROFILE_EXAMPLES >= 250 else 100)


def strategy(family: str, subject: Any) -> Any:
    """What a user writes: the op with a few table ops, or inputs for the model."""
    if family == "mlp":
        return model_inputs(subject(), nin=2)
    return expressions(variables=("x", "y"), ops=[subject, *U.COMPANIONS], max_ops=6)


def check(case: Any) -> None:
    """The README's assertion: first and second derivatives."""
    assert_gradients_match(case, case.inputs, params=getattr(case, "params", None))


@pytest.mark.parametrize("family", list(U.CORRECT))
def test_the_correct_versions_pass_with_no_warning(family: str) -> None:
    subject = U.CORRECT[family]
    seen = {"cases": 0, "operands": 0}

    @settings(max_examples=CORRECT_EXAMPLES, derandomize=True, database=None,
              deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(strategy(family, subject))
    def prop(case: Any) -> None:
        seen["cases"] += 1
        if isinstance(case, Expression):  # the op under test is in every expression
            steps = [s for s in case.steps if s.op.name == family]
            assert steps, case
            seen["operands"] = max(seen["operands"], *(len(s.operands) for s in steps))
        check(case)

    prop()
    assert seen["cases"] == CORRECT_EXAMPLES
    if family == "logmeanexp":  # variadic: up to 8 operands
        assert seen["operands"] == 8


def run_until_caught(bug: U.Bug) -> dict[str, Any]:
    """Run the property on the buggy op at the fixed seed: the exception, how
    many examples ran until the first failure, and the shrunk case."""
    record: dict[str, Any] = {"calls": 0, "first": None, "last": None, "error": None}

    @settings(max_examples=300, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate, Phase.shrink], report_multiple_bugs=False,
              print_blob=False, suppress_health_check=[HealthCheck.too_slow])
    @given(strategy(bug.family, bug.subject))
    def prop(case: Any) -> None:
        record["calls"] += 1
        try:
            check(case)
        except Exception:
            if record["first"] is None:
                record["first"] = record["calls"]
            record["last"] = case  # the final failing call is the shrunk case
            raise

    try:
        prop()
    except Exception as e:  # noqa: BLE001 - any failure is the bug being found
        record["error"] = e
    return record


@pytest.mark.parametrize("bug", U.BUGS, ids=lambda b: b.name)
def test_every_planted_bug_is_caught_and_shrinks_to_a_runnable_case(bug: U.Bug) -> None:
    found = run_until_caught(bug)
    assert found["error"] is not None, f"{bug.name} ({bug.what}) was not caught"
    assert found["first"] is not None
    case = found["last"]
    if bug.family == "mlp":
        assert all(abs(x) in (0.0, 0.5, 1.0, 2.0, 3.0, 10.0, 0.1) for x in case.x), case
        return
    assert isinstance(found["error"], (autograd.GradcheckError, ArithmeticError)), \
        found["error"]
    code = case.code()
    lines = [line for line in code.splitlines() if re.match(r"(t\d+|out) = ", line)]
    assert len(lines) <= 2, code  # minimal: the op itself, at most one more op
    assert f"from user_ops import {bug.name} as {bug.family}" in code, code
    numbers = [float(x) for x in re.findall(r"Value\(([-\d.e]+),", code)]
    assert all(len(repr(abs(x))) <= 6 for x in numbers), code  # 0.0, 10.0, 0.5...
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # runs as printed (test-only exec of our own printed code)
    assert namespace["out"].data == case(**case.inputs).data


def test_the_buggy_op_is_named_in_the_failure() -> None:
    found = run_until_caught(next(b for b in U.BUGS if b.name == "hypot_swapped"))
    text = str(found["error"])
    assert "op 'hypot' explains it" in text, text
