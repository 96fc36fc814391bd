"""The benchmark harness at toy sizes, so that it cannot rot.

Each workload runs on both engines through the same code (bench/workloads.py);
the engines must agree on values and gradients, and W3's loss must decrease.
Then bench/run.py runs end to end (fresh worker processes, JSON, table), and a
worker failure (micrograd's RecursionError, a timeout) is reported, not raised.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.cases import cases  # noqa: E402
from bench.engines import Chainrule, Micrograd, copy_weights  # noqa: E402
from bench.report import disagreements, render_text, summarize  # noqa: E402
from bench.run import run_worker  # noqa: E402
from bench.workloads import w1_chain, w2_wide, w3_moons, w4_mlp  # noqa: E402

CHAINRULE, MICROGRAD = Chainrule(), Micrograd()


def test_w1_chain_both_engines_match_the_chain_rule_by_hand() -> None:
    for n in (10, 100):
        c, m = w1_chain(CHAINRULE, n), w1_chain(MICROGRAD, n)
        y, dy = 0.5, 1.0
        for _ in range(n):
            y = math.tanh(y * 1.0001 + 0.001)
            dy *= (1.0 - y * y) * 1.0001
        for r in (c, m):
            assert math.isclose(r["value"], y, rel_tol=1e-12)
            assert math.isclose(r["grad"], dy, rel_tol=1e-9)
            assert all(t >= 0 for t in r["times"]["total"])
        assert disagreements("W1", c, m) == []


def test_w2_wide_exact_gradients_node_counts_and_memory() -> None:
    n = 200
    c, m = w2_wide(CHAINRULE, n), w2_wide(MICROGRAD, n)
    assert disagreements("W2", c, m) == []
    assert c["nodes"] == 3 * n + 1  # 2n leaves, n products, one n-ary sum
    assert m["nodes"] == 4 * n + 1  # 2n leaves, n products, n additions, sum()'s 0
    for engine in (CHAINRULE, MICROGRAD):
        heap = w2_wide(engine, n, memory="tracemalloc")
        assert heap["grad_error"] == 0.0  # ∂s/∂a_i = b_i exactly
        assert heap["peak_bytes"] > 0
        assert heap["bytes_per_node"] == heap["peak_bytes"] / heap["nodes"]
        rss = w2_wide(engine, n, memory="rss")  # too small to pass pytest's peak: None
        assert rss["peak_bytes"] is None or rss["peak_bytes"] >= 0
        assert "times" not in heap and "times" not in rss


def test_w3_same_start_same_losses_and_the_loss_decreases() -> None:
    c_model = CHAINRULE.mlp(2, [3, 3, 1], seed=7)
    m_model = MICROGRAD.mlp(2, [3, 3, 1], seed=7)
    assert [p.data for p in c_model.parameters()] == [p.data for p in m_model.parameters()]
    c, m = w3_moons(CHAINRULE, steps=4, n=20), w3_moons(MICROGRAD, steps=4, n=20)
    assert disagreements("W3", c, m) == []
    for r in (c, m):
        assert r["losses"][-1] < r["losses"][0]
        assert r["final_loss"] < r["losses"][0]
        assert 0.0 <= r["final_accuracy"] <= 1.0
        assert len(r["rss"]) == 4 and len(r["step_times"]) == 4


def test_copy_weights_refuses_a_different_shape() -> None:
    try:
        copy_weights(CHAINRULE.mlp(2, [3, 1], seed=0), MICROGRAD.mlp(2, [4, 1], seed=0))
    except ValueError as e:
        assert "layer 0 has 3 vs 4 neurons" in str(e)
    else:
        raise AssertionError("copy_weights accepted MLPs of different shapes")


def test_w4_engines_agree() -> None:
    c, m = w4_mlp(CHAINRULE, n=4), w4_mlp(MICROGRAD, n=4)
    assert c["n_params"] == m["n_params"] == 64 * 3 + 64 * 65 + 65
    assert disagreements("W4", c, m) == []
    assert c["grad_abs_sum"] > 0


def test_run_py_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--tiny",
                           "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    expected = {c.id for c in cases("tiny")}
    assert set(data["outcomes"]) == expected
    for case_id, by_engine in data["outcomes"].items():
        for engine in ("chainrule", "micrograd"):
            runs = by_engine[engine]
            timed = [o for o in runs if "kind" not in o]
            assert len(timed) == 1 and all(o["ok"] for o in runs), (case_id, engine, runs)
            kinds = sorted(o["kind"] for o in runs if "kind" in o)
            if case_id.startswith("W2"):
                assert kinds == (["rss", "tracemalloc"] if engine == "chainrule" else ["rss"])
            else:
                assert kinds == []
    assert all(row["agree"] for row in data["summary"])
    assert "micrograd ÷ chainrule" in proc.stdout
    assert "W3 moons" in proc.stdout and "ENGINES DISAGREE" not in proc.stdout
    again = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--report",
                            str(out), "--markdown"], capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("| workload | chainrule | micrograd 0.1.0 |")
    assert all(f"| {c.label}" in again.stdout for c in cases("tiny"))


def test_a_failing_worker_is_reported_not_raised() -> None:
    case = next(c for c in cases("tiny") if c.id == "W1-100")
    failed = run_worker("micrograd", case, {"n": 100}, timeout=120, recursion_limit=150,
                        mem_limit_gb=4)
    assert failed["ok"] is False and failed["error"] == "RecursionError"
    fine = run_worker("chainrule", case, {"n": 100}, timeout=120, recursion_limit=10**6,
                      mem_limit_gb=4)
    assert fine["ok"] is True
    rows = summarize([case], {case.id: {"chainrule": [fine], "micrograd": [failed]}})
    assert rows[0]["ratio"] is None
    text = render_text(rows, {"command": "test", "scale": "tiny", "runs": 1, "clock": "cpu",
                              "clock_note": "", "python": "", "machine": "", "date": ""})
    assert "RecursionError" in text
    slow = run_worker("chainrule", case, {"n": 100}, timeout=0.001, recursion_limit=10**6,
                      mem_limit_gb=4)
    assert slow["ok"] is False and slow["error"] == "timeout"
