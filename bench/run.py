"""chainrule vs micrograd 0.1.0: ``python bench/run.py [--quick] [--runs N] ...``.

Every measurement runs in a fresh worker process (``bench/worker.py``); runs
are interleaved (run 1 of every case for both engines, then run 2, ...), the
engine that goes first alternating from run to run, so that a change in the
machine's load hits both engines alike. A case an engine fails for a
deterministic reason (RecursionError, MemoryError, timeout, crash) is not
repeated for that engine. W2's memory is measured after the timed runs, once
per engine, in processes of its own. The table shows medians and
micrograd ÷ chainrule.
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


def run_worker(engine: str, case: Case, params: dict[str, Any], *, timeout: float,
               recursion_limit: int, mem_limit_gb: float) -> Outcome:
    """One measurement in a fresh ``python -m bench.worker`` process; failures of
    the process (timeout, crash, bad output) become outcomes, never exceptions."""
    cmd = [sys.executable, "-m", "bench.worker", engine, case.workload, json.dumps(params),
           "--recursion-limit", str(recursion_limit), "--mem-limit-gb", str(mem_limit_gb)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
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
    return outcome


def measure_all(selected: list[Case], runs: int, engines: tuple[str, ...], *,
                timeout: float, recursion_limit: int, mem_limit_gb: float,
                progress: bool = True) -> dict[str, dict[str, list[Outcome]]]:
    """Every case × engine × run, interleaved; outcomes by case id and engine."""
    outcomes: dict[str, dict[str, list[Outcome]]] = {c.id: {e: [] for e in engines}
                                                     for c in selected}
    stopped: set[tuple[str, str]] = set()
    for r in range(runs):
        order = engines if r % 2 == 0 else tuple(reversed(engines))
        for case in selected:
            for engine in order:
                if (case.id, engine) in stopped:
                    continue
                outcome = _one(engine, case, dict(case.params[engine]), f"run {r + 1}/{runs}",
                               timeout, recursion_limit, mem_limit_gb, progress)
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
                               mem_limit_gb, progress)
                outcome["kind"] = kind
                outcomes[case.id][engine].append(outcome)
    return outcomes


def _one(engine: str, case: Case, params: dict[str, Any], what: str, timeout: float,
         recursion_limit: int, mem_limit_gb: float, progress: bool) -> Outcome:
    t0 = time.perf_counter()
    outcome = run_worker(engine, case, params, timeout=timeout,
                         recursion_limit=recursion_limit, mem_limit_gb=mem_limit_gb)
    if progress:
        status = ("ok" if outcome.get("ok") else
                  f"{outcome['error']} ({outcome.get('detail', '')[:80]})")
        print(f"[{what}] {case.label:<34} {engine:<9} {status} "
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
    selected = [c for c in cases(args.scale) if c.workload in args.workloads]
    started = time.perf_counter()
    revision = engine_revision()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    outcomes = measure_all(selected, args.runs, args.engines, timeout=args.timeout,
                           recursion_limit=args.recursion_limit,
                           mem_limit_gb=args.mem_limit_gb)
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
        "markdown": args.markdown, "seconds": time.perf_counter() - started,
        "extra_notes": [
            "micrograd 0.1.0 has no tanh: W1 adds one in micrograd's style "
            "(bench/engines.py). Its backward sorts the graph recursively; the "
            f"workers run with sys.setrecursionlimit({args.recursion_limit:,}).",
            "W2 nodes are the Value objects in the graph under the sum, leaves "
            "included (chainrule: 2n leaves + n products + 1 n-ary sum; micrograd: "
            "2n leaves + n products + n binary additions + the 0 that sum() starts "
            "from). Memory, each in a fresh process of its own: how far the peak "
            "resident memory (ru_maxrss) rises above the resident memory before the "
            "build, and (chainrule only) the peak of the bytes Python allocates "
            "(tracemalloc) while building and backpropagating. tracemalloc makes "
            "micrograd's recursive backward quadratically slow in the graph depth "
            "(18 s at 30,000 terms), so micrograd is measured by RSS only.",
        ],
    }
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"meta": meta, "cases": [c.__dict__ for c in selected],
             "outcomes": outcomes, "summary": rows}, indent=1))
    print(render_markdown(rows, meta) if args.markdown else render_text(rows, meta))
    print(f"\n(benchmark took {fmt_seconds(meta['seconds'])})", file=sys.stderr)
    return 1 if any(r.get("agree") is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
