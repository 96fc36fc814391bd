"""The benchmark harness at toy sizes, so that it cannot rot.

Each workload runs on both engines through the same code (bench/workloads.py);
the engines must agree on values and gradients, and W3's loss must decrease.
Then bench/run.py runs end to end (fresh worker processes, JSON, table, with
``--python`` naming the running version), and a worker failure (micrograd's
RecursionError, a timeout, a Python version that is not there) is reported, not
raised. bench/compare.py runs end to end on a git revision against this tree,
refuses a version that imports the wrong autograd, and counts instructions
under the real valgrind (skipped, loudly, where valgrind is not installed).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import callgrind, interpreters, workloads  # noqa: E402
from bench.cases import cases, w3_case_id  # noqa: E402
from bench.compare import CompareError, Tree, export_tree, measure_side  # noqa: E402
from bench.engines import Chainrule, Micrograd, copy_weights  # noqa: E402
from bench.report import disagreements, render_text, summarize, targets  # noqa: E402
from bench.run import run_worker  # noqa: E402
from bench.workloads import digest, w1_chain, w2_wide, w3_moons, w4_mlp  # noqa: E402

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


def test_w3_records_the_non_zero_hinge_terms_of_every_step() -> None:
    c, m = w3_moons(CHAINRULE, steps=4, n=20), w3_moons(MICROGRAD, steps=4, n=20)
    assert c["hinge_active"] == m["hinge_active"]
    assert all(0 <= a <= 20 for a in c["hinge_active"])
    # At the start nearly every point is inside the margin; training empties it.
    assert c["hinge_active"][0] > c["hinge_active"][-1]
    bad = dict(m, hinge_active=[a + 1 for a in m["hinge_active"]])
    assert any("hinge" in p for p in disagreements("W3", c, bad))


def test_w3_frozen_weights_repeat_step_one() -> None:
    model = CHAINRULE.mlp(2, [16, 16, 1], seed=3)
    initial = digest([float(p.data) for p in model.parameters()])
    for engine in (CHAINRULE, MICROGRAD):
        moving = w3_moons(engine, steps=1, n=20)
        frozen = w3_moons(engine, steps=3, n=20, frozen=True)
        assert frozen["frozen"] is True
        assert frozen["losses"] == [moving["losses"][0]] * 3
        assert frozen["hinge_active"] == [moving["hinge_active"][0]] * 3
        assert frozen["params_digest"] == initial != moving["params_digest"]
    changed = dict(frozen, losses=[1.0, 0.5, 0.25])
    assert any("frozen" in p for p in disagreements("W3", changed, frozen))


def test_the_workloads_mark_their_measured_region_once() -> None:
    calls: list[str] = []
    workloads.set_region_markers(lambda: calls.append("start"), lambda: calls.append("end"))
    try:
        for run in (lambda: w1_chain(CHAINRULE, 10), lambda: w2_wide(CHAINRULE, 10),
                    lambda: w3_moons(CHAINRULE, steps=2, n=10),
                    lambda: w4_mlp(CHAINRULE, n=2)):
            calls.clear()
            run()
            assert calls == ["start", "end"]
    finally:
        workloads.set_region_markers(workloads._no_mark, workloads._no_mark)


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
    here = interpreters.current_version()
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--tiny",
                           "--python", here, "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    expected = {c.id for c in cases("tiny", [here])}
    assert {w3_case_id(here), w3_case_id(here, frozen=True)} <= expected
    assert set(data["outcomes"]) == expected
    for case_id, by_engine in data["outcomes"].items():
        for engine in ("chainrule", "micrograd"):
            runs = by_engine[engine]
            timed = [o for o in runs if "kind" not in o]
            assert len(timed) == 1 and all(o["ok"] for o in runs), (case_id, engine, runs)
            assert all(o["python"].startswith(here + ".") for o in timed)
            kinds = sorted(o["kind"] for o in runs if "kind" in o)
            if case_id.startswith("W2"):
                assert kinds == (["rss", "tracemalloc"] if engine == "chainrule" else ["rss"])
            else:
                assert kinds == []
    frozen = data["outcomes"][w3_case_id(here, frozen=True)]["chainrule"][0]["result"]
    assert frozen["frozen"] is True and len(set(frozen["losses"])) == 1
    assert all(row["agree"] for row in data["summary"])
    assert data["meta"]["interpreters"] == {here: os.path.relpath(sys.executable, ROOT)
                                            if Path(sys.executable).is_relative_to(ROOT)
                                            else sys.executable}
    assert "micrograd ÷ chainrule" in proc.stdout
    assert f"W3 moons, 20 points, Python {here}: non-zero hinge terms per step" in proc.stdout
    assert f"W3 frozen weights (lr = 0), Python {here}: time per step" in proc.stdout
    assert "% at every step" in proc.stdout and "ENGINES DISAGREE" not in proc.stdout
    again = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--report",
                            str(out), "--markdown"], capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("| workload | chainrule | micrograd 0.1.0 |")
    assert all(f"| {c.label}" in again.stdout for c in cases("tiny", [here]))


def test_a_python_version_that_is_not_there_is_reported_loudly() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--tiny",
                           "--workloads", "W3", "--python", "3.99"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "PYTHON 3.99 NOT MEASURED: Python 3.99 not found" in proc.stdout
    assert "W3 will NOT be measured on Python 3.99" in proc.stderr
    bad = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--python", "3.x"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "'3.x' is not a Python version like 3.11" in bad.stderr


def test_interpreters_skip_a_shim_that_does_not_run(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    here = interpreters.current_version()
    shims = tmp_path / "shims"
    shims.mkdir()
    shim = shims / f"python{here}"
    shim.write_text("#!/bin/sh\necho 'pyenv: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    pyenv = tmp_path / "pyenv"
    for patch in ("1", "10"):  # the newest patch release wins: 10, not 1
        bindir = pyenv / "versions" / f"{here}.{patch}" / "bin"
        bindir.mkdir(parents=True)
        (bindir / "python").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PYENV_ROOT", str(pyenv))
    found = interpreters.candidates(here)
    assert found[0] == str(shim)
    assert found[1:3] == [str(pyenv / "versions" / f"{here}.{p}" / "bin" / "python")
                          for p in ("10", "1")]
    assert interpreters.find_python(here) == found[1]
    with pytest.raises(interpreters.InterpreterError, match="Python 3.99 not found"):
        interpreters.find_python("3.99")
    assert interpreters.parse_versions("3.11, 3.13,3.11") == ["3.11", "3.13"]
    for bad in ("3", "3.11.7", "python3.11", ""):
        with pytest.raises(ValueError, match="--python"):
            interpreters.parse_versions(bad)


def test_a_bench_venv_gets_chainrule_and_micrograd_from_the_index(tmp_path: Path) -> None:
    """The commands that make .venv-bench-3.X, recorded instead of run (the real
    ones take minutes): a venv, then pip with this checkout and micrograd 0.1.0."""
    here = interpreters.current_version()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    ran: list[list[str]] = []

    def record(cmd: Any) -> int:
        ran.append(list(cmd))
        return 0

    with pytest.raises(interpreters.InterpreterError, match="was made, but"):
        interpreters.bench_python(here, root=tmp_path, log=lambda m: None, run=record)
    venv = tmp_path / f".venv-bench-{here}"
    assert ran[0][1:] == ["-m", "venv", str(venv)]
    assert interpreters.find_python(here) == ran[0][0]
    assert ran[-1] == [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-e",
                       str(tmp_path), "micrograd==0.1.0"]
    assert not (venv / ".installed").exists()
    ran.clear()
    with pytest.raises(interpreters.InterpreterError, match="failed"):
        interpreters.bench_python(here, root=tmp_path, log=lambda m: None,
                                  run=lambda cmd: ran.append(list(cmd)) or 1)
    assert len(ran) == 1


def test_w3_is_also_compared_over_the_steps_both_engines_ran() -> None:
    from bench.report import same_steps
    c = [{"steps": 4, "step_times": [[0, 0.04], [0, 0.02], [0, 0.01], [0, 0.01]]},
         {"steps": 4, "step_times": [[0, 0.06], [0, 0.04], [0, 0.01], [0, 0.01]]}]
    m = [{"steps": 2, "step_times": [[0, 1.0], [0, 2.0]]}]
    got = same_steps(c, m, "cpu")
    assert got is not None and got["steps"] == 2
    assert math.isclose(got["chainrule"], 0.04) and math.isclose(got["micrograd"], 1.5)
    assert math.isclose(got["ratio"], 37.5)
    assert same_steps(c, [dict(m[0], steps=4, step_times=c[0]["step_times"])], "cpu") is None


def test_targets_per_python_version() -> None:
    def w3(version: str, ratio: float) -> dict[str, Any]:
        return {"case": w3_case_id(version), "workload": "W3", "python": version,
                "frozen": False, "ratio": ratio, "engines": {}}

    rows = [w3("3.11", 125.0), w3("3.13", 85.0), w3("3.12", 10.0),
            dict(w3("3.11", 40.0), case="frozen", frozen=True)]
    got = {name: met for name, met, _ in targets(rows, {"3.10": "not found"})}
    assert got == {"W3 on Python 3.11 at least 120× faster than micrograd": True,
                   "W3 on Python 3.13 at least 90× faster than micrograd": False}
    got = {name: met for name, met, _ in targets([w3("3.11", 125.0)], {"3.13": "not found"})}
    assert got["W3 on Python 3.13 at least 90× faster than micrograd"] is None


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


# -- bench/compare.py ---------------------------------------------------------------------


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


def test_compare_a_git_revision_with_this_tree(tmp_path: Path) -> None:
    out = tmp_path / "compare.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "compare.py"), "--baseline",
                           "HEAD", "--tiny", "--workloads", "W1,W2,W3", "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    data = json.loads(out.read_text())
    sha = _git("rev-parse", "HEAD").strip()
    assert data["meta"]["baseline"] == f"HEAD (commit {sha[:10]})"
    for case_id, by_side in data["outcomes"].items():
        for side, where in (("baseline", f"rev-{sha[:12]}"), ("candidate", str(ROOT))):
            for o in by_side[side]:
                assert o["ok"], (case_id, side, o)
                assert where in o["autograd"], (side, o["autograd"])
    assert {r["label"] for r in data["rows"]} == {c.label for c in cases("tiny")
                                                  if c.workload != "W4"}
    w2 = next(r for r in data["rows"] if r["workload"] == "W2")
    assert all(w2["sides"][s]["memory_tracemalloc"]["bytes_per_node"] > 0
               for s in ("baseline", "candidate"))
    assert "baseline ÷ candidate" in proc.stdout
    if not _git("status", "--porcelain", "--", "autograd", "nn").strip():
        # this tree is HEAD: the results must be the same bit for bit
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert all(r["differences"] == [] for r in data["rows"])
        assert proc.stdout.count("bit-identical") == len(data["rows"])


def test_compare_refuses_a_tree_that_imports_another_autograd(tmp_path: Path) -> None:
    with pytest.raises(CompareError, match="not a chainrule checkout"):
        export_tree(str(tmp_path), tmp_path)
    with pytest.raises(CompareError, match="neither a directory nor a git revision"):
        export_tree("no-such-revision-of-chainrule", tmp_path)
    impostor = tmp_path / "impostor"
    (impostor / "autograd").mkdir(parents=True)
    # a tree shadowed by the installed chainrule: the worker runs, on the wrong code
    (impostor / "autograd" / "__init__.py").write_text(
        "import sys\n"
        f"sys.path[:] = [p for p in sys.path if not p.startswith({str(impostor)!r})]\n"
        "del sys.modules['autograd']\n"
        "import autograd\n")
    harness = tmp_path / "harness"
    shutil.copytree(ROOT / "bench", harness / "bench",
                    ignore=shutil.ignore_patterns("__pycache__"))
    case = next(c for c in cases("tiny") if c.id == "W1-10")
    tree = export_tree(str(impostor), tmp_path)
    with pytest.raises(CompareError, match="imported autograd from .*/autograd/__init__.py, "
                                           "not from"):
        measure_side(tree, harness, case, {"n": 10}, python=sys.executable, timeout=120,
                     mem_limit_gb=4, use_callgrind=False, scratch=tmp_path)


def _valgrind_or_skip() -> None:
    if shutil.which("valgrind") is None:
        pytest.skip("!!! valgrind NOT INSTALLED: bench/compare.py --callgrind (instruction "
                    "counts) is NOT tested. Install it: apt-get install valgrind (make test "
                    "does, as root) !!!")


def test_callgrind_counts_only_the_marked_region(tmp_path: Path) -> None:
    _valgrind_or_skip()
    counts = []
    for n in (20_000, 40_000):
        out = tmp_path / f"cg{n}" / "callgrind.out"
        out.parent.mkdir()
        script = ("import os\nos.getppid()\n"
                  f"x = sum(i * i for i in range({n}))\nos.getpgrp()\n")
        cmd = callgrind.command([sys.executable, "-S", "-I", "-c", script,
                                 "--region-markers"], out)
        subprocess.run(cmd, capture_output=True, check=True, timeout=300)
        counts.append(callgrind.region_instructions(out))
    # twice the loop, twice the instructions: start-up and shut-down are not counted
    assert 1.9 < counts[1] / counts[0] < 2.1, counts


def test_callgrind_dumps_other_than_start_and_end_are_refused(tmp_path: Path) -> None:
    """A marker called twice (or never) is refused, not silently miscounted."""
    out = tmp_path / "callgrind.out"

    def dumps(*triggers: str) -> None:
        for f in tmp_path.glob("callgrind.out*"):
            f.unlink()
        for i, trigger in enumerate(triggers, 1):
            (tmp_path / f"callgrind.out.{i}").write_text(
                f"version: 1\ncreator: callgrind-3.19.0\npart: {i}\n"
                f"desc: Trigger: {trigger}\nevents: Ir\nsummary: {1000 * i}\n")
        out.write_text("part: 9\ndesc: Trigger: Program termination\nsummary: 5\n")

    dumps("--dump-before=getppid", "--dump-before=getpgrp")
    assert callgrind.region_instructions(out) == 2000
    for wrong in (("--dump-before=getppid", "--dump-before=getppid", "--dump-before=getpgrp"),
                  ("--dump-before=getpgrp",), ()):
        dumps(*wrong)
        with pytest.raises(callgrind.CallgrindError, match="exactly once"):
            callgrind.region_instructions(out)


def test_callgrind_on_a_real_worker(tmp_path: Path) -> None:
    _valgrind_or_skip()
    harness = tmp_path / "harness"
    shutil.copytree(ROOT / "bench", harness / "bench",
                    ignore=shutil.ignore_patterns("__pycache__"))
    case = next(c for c in cases("tiny") if c.id == "W1-10")
    tree = Tree("this tree", ROOT, "this tree")
    counted = measure_side(tree, harness, case, {"n": 10}, python=sys.executable,
                           timeout=600, mem_limit_gb=None, use_callgrind=True, scratch=tmp_path)
    assert counted["ok"], counted
    timed = w1_chain(CHAINRULE, 10)
    assert counted["result"]["value"] == timed["value"]
    assert counted["result"]["grad"] == timed["grad"]
    # 10 tanh links: thousands of instructions each, not the ~10^9 of start-up
    assert 10_000 < counted["instructions"] < 20_000_000, counted["instructions"]
