"""chainrule vs micrograd 0.1.0: ``python bench/run.py [--quick] [--runs N] [--python 3.11,3.13]``.

Every measurement runs in a fresh worker process (``bench/worker.py``); runs
are interleaved (run 1 of every case for both engines, then run 2, ...), the
engine that goes first alternating from run to run, so that a change in the
machine's load hits both engines alike. A case an engine fails for a
deterministic reason (RecursionError, MemoryError, timeout, crash) is not
repeated for that engine. W2's memory is measured after the timed runs, once
per engine, in processes of its own. The table shows medians and
micrograd ÷ chainrule.

``--python 3.11,3.13`` runs W3 and its frozen-weights control once per
version (``bench/interpreters.py`` finds each interpreter and prepares a
virtual environment for it when needed); W1, W2 and W4 run on the interpreter
running this script. ``make bench`` passes ``--python 3.11,3.13``.

Exit status 1 when the engines disagree or a version asked for could not run
(the table is printed all the same, saying why), else 0.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cases import SCALES, Case, cases  # noqa: E402
from bench.engines import ENGINES  # noqa: E402
from bench.interpreters import (  # noqa: E402
    InterpreterError,
    bench_python,
    current_version,
    parse_versions,
)
from bench.report import CLOCKS, fmt_seconds, render_markdown, render_text, summarize  # noqa: E402
from bench.worker import DEFAULT_RECURSION_LIMIT  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MICROGRAD_VERSION = "0.1.0"
CLOCK_NOTES = {
    "cpu": "time.process_time of the worker: the machine is shared, and CPU time is "
           "disturbed far less than the wall clock by other jobs",
    "wall": "time.perf_counter",
}

Outcome = dict[str, Any]
#: W2's memory measurements per engine. tracemalloc makes micrograd's recursive
#: backward quadratically slow in the graph depth (18 s at 30,000 terms, past
#: any timeout at 100,000), so micrograd gets the resident-memory one only.
MEMORY_KINDS = {"chainrule": ("rss", "tracemalloc"), "micrograd": ("rss",)}


def worker_command(python: str, engine: str, workload: str, params: dict[str, Any], *,
                   recursion_limit: int, mem_limit_gb: float | None) -> list[str]:
    """The command line of one ``bench.worker`` run."""
    cmd = [python, "-m", "bench.worker", engine, workload, json.dumps(params),
           "--recursion-limit", str(recursion_limit)]
    if mem_limit_gb:
        cmd += ["--mem-limit-gb", str(mem_limit_gb)]
    return cmd


def run_process(cmd: list[str], *, cwd: Path, pythonpath: str, timeout: float,
                env_extra: dict[str, str] | None = None) -> Outcome:
    """Run a worker command; its last line of output as the outcome. Failures of the
    process (timeout, crash, bad output) become outcomes, never exceptions."""
    env = dict(os.environ, PYTHONPATH=pythonpath, **(env_extra or {}))
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": "timeout", "detail": f"killed after {timeout:g} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        how = (f"killed by signal {-proc.returncode}" if proc.returncode < 0
               else f"exit status {proc.returncode}")
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
        return {"ok": False, "error": "crashed", "detail": f"{how}: {tail}"}
    try:
        outcome: Outcome = json.loads(lines[-1])
    except json.JSONDecodeError:
        return {"ok": False, "error": "bad output", "detail": lines[-1][:200]}
    if not isinstance(outcome, dict) or "ok" not in outcome:
        return {"ok": False, "error": "bad output", "detail": lines[-1][:200]}
    return outcome


def run_worker(engine: str, case: Case, params: dict[str, Any], *, timeout: float,
               recursion_limit: int, mem_limit_gb: float, python: str | None = None
               ) -> Outcome:
    """One measurement of this checkout in a fresh ``python -m bench.worker``
    process (``python``, default this interpreter); see :func:`run_process`."""
    cmd = worker_command(python or sys.executable, engine, case.workload, params,
                         recursion_limit=recursion_limit, mem_limit_gb=mem_limit_gb)
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return run_process(cmd, cwd=ROOT, pythonpath=pythonpath, timeout=timeout)


def measure_all(selected: list[Case], runs: int, engines: tuple[str, ...], *,
                timeout: float, recursion_limit: int, mem_limit_gb: float,
                progress: bool = True, interpreters: dict[str, str] | None = None
                ) -> dict[str, dict[str, list[Outcome]]]:
    """Every case × engine × run, interleaved; outcomes by case id and engine.
    A case with ``max_runs`` stops there; a case with ``python`` runs on
    ``interpreters[case.python]``."""
    outcomes: dict[str, dict[str, list[Outcome]]] = {c.id: {e: [] for e in engines}
                                                     for c in selected}
    stopped: set[tuple[str, str]] = set()
    for r in range(runs):
        order = engines if r % 2 == 0 else tuple(reversed(engines))
        for case in selected:
            if case.max_runs is not None and r >= case.max_runs:
                continue
            python = (interpreters or {}).get(case.python) if case.python else None
            for engine in order:
                if (case.id, engine) in stopped:
                    continue
                shown_runs = min(runs, case.max_runs or runs)
                outcome = _one(engine, case, dict(case.params[engine]),
                               f"run {r + 1}/{shown_runs}", timeout, recursion_limit,
                               mem_limit_gb, progress, python)
                outcome["run"] = r
                outcomes[case.id][engine].append(outcome)
                if not outcome.get("ok"):
                    stopped.add((case.id, engine))
    for case in selected:  # W2's memory, once per engine, each in a fresh process
        if case.workload != "W2":
            continue
        for engine in engines:
            for kind in MEMORY_KINDS[engine]:
                params = dict(case.params[engine], memory=kind)
                outcome = _one(engine, case, params, kind, timeout, recursion_limit,
                               mem_limit_gb, progress, None)
                outcome["kind"] = kind
                outcomes[case.id][engine].append(outcome)
    return outcomes


def _one(engine: str, case: Case, params: dict[str, Any], what: str, timeout: float,
         recursion_limit: int, mem_limit_gb: float, progress: bool,
         python: str | None) -> Outcome:
    t0 = time.perf_counter()
    outcome = run_worker(engine, case, params, timeout=timeout,
                         recursion_limit=recursion_limit, mem_limit_gb=mem_limit_gb,
                         python=python)
    if progress:
        status = ("ok" if outcome.get("ok") else
                  f"{outcome['error']} ({outcome.get('detail', '')[:80]})")
        print(f"[{what}] {case.label:<44} {engine:<9} {status} "
              f"({fmt_seconds(time.perf_counter() - t0)} with start-up)",
              file=sys.stderr, flush=True)
    return outcome


def engine_revision() -> str:
    """The git commit of the code measured, and whether autograd/ or nn/ had
    uncommitted changes (the table then describes a working tree, not a commit)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "autograd", "nn"],
                               cwd=ROOT, capture_output=True, text=True,
                               timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown revision"
    if not head:
        return "unknown revision"
    return f"commit {head}" + (" with uncommitted changes in autograd/ or nn/" if dirty else "")


def _check_micrograd() -> None:
    try:
        version = metadata.version("micrograd")
    except metadata.PackageNotFoundError:
        sys.exit("bench: micrograd is not installed; run `make bench`, or "
                 "`pip install -e '.[bench]'` first")
    if version != MICROGRAD_VERSION:
        sys.exit(f"bench: expected micrograd=={MICROGRAD_VERSION}, found {version}; "
                 f"run `pip install micrograd=={MICROGRAD_VERSION}`")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/run.py", description="Benchmark chainrule "
                                "against micrograd 0.1.0: workloads W1-W4 of issue 2.")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true",
                      help="smaller sizes and 3 runs (about a minute)")
    size.add_argument("--tiny", action="store_true",
                      help="toy sizes, 1 run: a check that the harness works (the smoke test)")
    p.add_argument("--runs", type=int, default=None, help="runs per engine and case "
                   "(default 5; 3 with --quick, 1 with --tiny)")
    p.add_argument("--workloads", default="W1,W2,W3,W4",
                   help="comma-separated subset of W1,W2,W3,W4")
    p.add_argument("--python", metavar="VERSIONS", default=None,
                   help="run W3 and its frozen control on each of these Python versions "
                        "(e.g. 3.11,3.13; found as python3.X on PATH or under ~/.pyenv, "
                        "each given a .venv-bench-3.X with chainrule and micrograd when "
                        "needed); default: the running interpreter only")
    p.add_argument("--engines", default=",".join(ENGINES), help=argparse.SUPPRESS)
    p.add_argument("--json", metavar="PATH", help="write every outcome and the summary here")
    p.add_argument("--markdown", action="store_true", help="print the README table")
    p.add_argument("--report", metavar="PATH",
                   help="measure nothing: print the table of a file written by --json")
    p.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                   help="which time the table reports (default: cpu)")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds before a worker is killed (reported as a timeout)")
    p.add_argument("--recursion-limit", type=int, default=DEFAULT_RECURSION_LIMIT,
                   help="sys.setrecursionlimit in the workers (micrograd's backward "
                        "recurses once per graph level)")
    p.add_argument("--mem-limit-gb", type=float, default=8.0,
                   help="address-space limit of each worker (MemoryError beyond it)")
    args = p.parse_args(argv)
    wanted = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    unknown = sorted(set(wanted) - {"W1", "W2", "W3", "W4"})
    if unknown or not wanted:
        p.error(f"--workloads: unknown {', '.join(unknown) or '(none given)'}; "
                f"use a subset of W1,W2,W3,W4")
    args.workloads = wanted
    try:
        args.pythons = parse_versions(args.python) if args.python is not None else None
    except ValueError as e:
        p.error(str(e))
    engines = tuple(e.strip() for e in args.engines.split(",") if e.strip())
    if not engines or set(engines) - set(ENGINES):
        p.error(f"--engines: use a subset of {','.join(ENGINES)}")
    args.engines = engines
    args.scale = "tiny" if args.tiny else "quick" if args.quick else "full"
    if args.runs is None:
        args.runs = {"full": 5, "quick": 3, "tiny": 1}[args.scale]
    if args.runs < 1:
        p.error(f"--runs must be at least 1, got {args.runs}")
    return args


def extra_notes(workloads: list[str], recursion_limit: int) -> list[str]:
    """How W1 and W2 are measured, for the workloads that ran."""
    out = []
    if "W1" in workloads:
        out.append("micrograd 0.1.0 has no tanh: W1 adds one in micrograd's style "
                   "(bench/engines.py). Its backward sorts the graph recursively; the "
                   f"workers run with sys.setrecursionlimit({recursion_limit:,}).")
    if "W2" in workloads:
        out.append("W2 nodes are the Value objects in the graph under the sum, leaves "
                   "included (chainrule: 2n leaves + n products + 1 n-ary sum; micrograd: "
                   "2n leaves + n products + n binary additions + the 0 that sum() starts "
                   "from). Memory, each in a fresh process of its own: how far the peak "
                   "resident memory (ru_maxrss) rises above the resident memory before the "
                   "build, and (chainrule only) the peak of the bytes Python allocates "
                   "(tracemalloc) while building and backpropagating. tracemalloc makes "
                   "micrograd's recursive backward quadratically slow in the graph depth "
                   "(18 s at 30,000 terms), so micrograd is measured by RSS only.")
    return out


def prepare_pythons(versions: list[str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """The interpreter of each version (``bench_python``; None: the running one),
    and the versions that cannot run with the reason, each announced loudly."""
    interpreters: dict[str, str] = {}
    missing: dict[str, str] = {}
    if versions is None:
        return {current_version(): sys.executable}, missing
    for version in versions:
        try:
            interpreters[version] = bench_python(
                version, log=lambda m: print(m, file=sys.stderr, flush=True))
        except InterpreterError as e:
            missing[version] = str(e)
            bar = "!" * 78
            print(f"{bar}\n!!! W3 will NOT be measured on Python {version}:\n!!! {e}\n{bar}",
                  file=sys.stderr, flush=True)
    return interpreters, missing


def _shown_path(exe: str) -> str:
    try:
        return str(Path(exe).relative_to(ROOT))
    except ValueError:
        return exe


def report_saved(path: str, clock: str, markdown: bool) -> int:
    """Print the table of a run saved with ``--json`` (summarised again with ``clock``)."""
    try:
        saved = json.loads(Path(path).read_text())
        selected = [Case(**c) for c in saved["cases"]]
        meta, outcomes = saved["meta"], saved["outcomes"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.exit(f"bench: cannot read {path} as the output of --json: {e}")
    meta.update(clock=clock, clock_note=CLOCK_NOTES[clock], markdown=markdown)
    rows = summarize(selected, outcomes, clock)
    print(render_markdown(rows, meta) if markdown else render_text(rows, meta))
    return 1 if any(r.get("agree") is False for r in rows) else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:
        return report_saved(args.report, args.clock, args.markdown)
    assert args.scale in SCALES
    if "micrograd" in args.engines:
        _check_micrograd()
    started = time.perf_counter()
    interpreters, missing = prepare_pythons(args.pythons if "W3" in args.workloads else None)
    selected = [c for c in cases(args.scale, args.pythons) if c.workload in args.workloads
                and (c.python is None or c.python in interpreters)]
    revision = engine_revision()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    outcomes = measure_all(selected, args.runs, args.engines, timeout=args.timeout,
                           recursion_limit=args.recursion_limit,
                           mem_limit_gb=args.mem_limit_gb, interpreters=interpreters)
    rows = summarize(selected, outcomes, args.clock)
    shown = " ".join(sys.argv[1:] if argv is None else argv)
    meta: dict[str, Any] = {
        "command": f"python bench/run.py {shown}".strip(),
        "scale": args.scale, "runs": args.runs, "clock": args.clock,
        "clock_note": CLOCK_NOTES[args.clock], "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores"
                   + (f", load average {load:.1f} at the start" if load is not None else ""),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "revision": revision,
        "interpreters": {v: _shown_path(exe) for v, exe in interpreters.items()},
        "pythons_missing": missing,
        "markdown": args.markdown, "seconds": time.perf_counter() - started,
        "extra_notes": extra_notes(args.workloads, args.recursion_limit),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"meta": meta, "cases": [c.__dict__ for c in selected],
             "outcomes": outcomes, "summary": rows}, indent=1))
    print(render_markdown(rows, meta) if args.markdown else render_text(rows, meta))
    print(f"\n(benchmark took {fmt_seconds(meta['seconds'])})", file=sys.stderr)
    disagree = any(r.get("agree") is False for r in rows)
    return 1 if disagree or missing else 0


if __name__ == "__main__":
    sys.exit(main())
