"""Two versions of chainrule against each other on W1-W4: before and after a change.

    python bench/compare.py --baseline main                  # HEAD of main vs this tree
    python bench/compare.py --baseline ../main --runs 7      # another worktree
    python bench/compare.py --baseline HEAD~1 --python 3.11,3.13 --workloads W3
    python bench/compare.py --baseline HEAD~1 --callgrind    # instruction counts

``--baseline`` and ``--candidate`` (default: this checkout's working tree,
uncommitted changes included) are each a directory holding ``autograd/`` and
``nn/`` (a git worktree, a clone), or a git revision of this repository, whose
``autograd/`` and ``nn/`` are exported (``git archive``) to a temporary folder;
nothing in the repository changes. Both versions run the same harness (this
checkout's ``bench/``, copied to a temporary folder), the same workloads, sizes
and interpreters as ``bench/run.py`` (W3 and its frozen control per
``--python`` version), each measurement in a fresh process, the two versions
interleaved and the one going first alternating from run to run. Every worker
reports the file it imported ``autograd`` from; a run that imported the wrong
version stops the comparison.

The table gives each version's median CPU time, baseline ÷ candidate (above 1:
the candidate is faster), W2's bytes per node, and whether the two versions
computed bit-identical results (W1's value and gradient, W2's value and every
gradient, W3's loss at every step, its non-zero hinge terms and its parameters
after the last step, W4's loss and every gradient).

``--callgrind`` counts instructions instead, with valgrind's callgrind (one run
per version and case; about 50 times slower than running natively, so smaller
sizes, see :data:`CALLGRIND_SIZES`). On a shared, loaded machine the CPU time
of the same code varies by 10-30% from run to run; its instruction count by
about 0.1%. Instructions are not time (cache misses, branch mispredictions and
memory allocation weigh differently), so confirm a lever with both.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import callgrind  # noqa: E402
from bench.cases import Case, cases  # noqa: E402
from bench.interpreters import parse_versions  # noqa: E402
from bench.report import fmt_ratio, fmt_seconds, summarize_engine  # noqa: E402
from bench.run import prepare_pythons, run_process, worker_command  # noqa: E402
from bench.worker import DEFAULT_RECURSION_LIMIT  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SIDES = ("baseline", "candidate")
Outcome = dict[str, Any]

#: Sizes under callgrind, per scale: W1 N, W2 terms, W3 (steps, points), W3 frozen
#: steps, W4 points. W3 takes all 100 steps at full scale: with zero-skipping its
#: cost per step falls as the hinge terms turn to 0, so fewer steps would not
#: count the same work.
CALLGRIND_SIZES: dict[str, dict[str, Any]] = {
    "full": {"W1": 10**4, "W2": 10**4, "W3": (100, 100), "W3-frozen": 10, "W4": 64},
    "quick": {"W1": 10**3, "W2": 10**3, "W3": (10, 100), "W3-frozen": 3, "W4": 8},
    "tiny": {"W1": 10, "W2": 100, "W3": (2, 20), "W3-frozen": 2, "W4": 4},
}


class CompareError(RuntimeError):
    """A version that cannot be found or exported, or a run that measured the wrong one."""


@dataclass(frozen=True)
class Tree:
    """One version of chainrule: ``path`` holds its ``autograd/`` and ``nn/``."""

    spec: str
    path: Path
    describe: str


def export_tree(spec: str, into: Path, repo: Path = ROOT) -> Tree:
    """``spec`` as a :class:`Tree`: a directory as it is, else a git revision of
    ``repo`` whose ``autograd/`` and ``nn/`` are extracted under ``into``."""
    as_dir = Path(spec).expanduser()
    if as_dir.is_dir():
        if not (as_dir / "autograd" / "__init__.py").is_file():
            raise CompareError(f"{spec}: a directory without autograd/__init__.py, "
                               f"not a chainrule checkout")
        path = as_dir.resolve()
        return Tree(spec, path, f"{path}{_git_suffix(path)}")
    try:
        sha = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"],
                             cwd=repo, capture_output=True, text=True, timeout=30,
                             check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError) as e:
        raise CompareError(f"{spec!r} is neither a directory nor a git revision of "
                           f"{repo}") from e
    dest = into / f"rev-{sha[:12]}"
    if not dest.exists():
        archive = into / f"rev-{sha[:12]}.tar"
        with archive.open("wb") as f:
            done = subprocess.run(["git", "archive", "--format=tar", sha, "autograd", "nn"],
                                  cwd=repo, stdout=f, stderr=subprocess.PIPE, timeout=120)
        if done.returncode != 0:
            raise CompareError(f"git archive {spec} autograd nn failed: "
                               f"{done.stderr.decode(errors='replace').strip()}")
        dest.mkdir()
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(dest, filter="data")
            else:  # pragma: no cover - Python < 3.10.12 / 3.11.4
                tar.extractall(dest)  # noqa: S202 - our own repository's tree
        archive.unlink()
    return Tree(spec, dest, f"{spec} (commit {sha[:10]})")


def _git_suffix(path: Path) -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=path,
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "autograd", "nn"],
                               cwd=path, capture_output=True, text=True,
                               timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    if not head:
        return ""
    return f" (commit {head}" + (", with uncommitted changes" if dirty else "") + ")"


def copy_harness(into: Path) -> Path:
    """This checkout's ``bench/`` copied to ``into/bench``; ``into`` is the workers'
    working directory, so that they import the harness from there and ``autograd``
    from the tree on PYTHONPATH (the working directory comes first on sys.path)."""
    shutil.copytree(ROOT / "bench", into / "bench",
                    ignore=shutil.ignore_patterns("__pycache__", "results"))
    return into


def compare_cases(scale: str, pythons: list[str] | None, workloads: list[str],
                  use_callgrind: bool) -> list[Case]:
    """The cases of ``bench/run.py`` for chainrule, at callgrind's sizes if asked."""
    selected = [c for c in cases(scale, pythons) if c.workload in workloads]
    if not use_callgrind:
        return selected
    size = CALLGRIND_SIZES[scale]
    out: list[Case] = []
    seen_w1 = False
    for c in selected:
        p = dict(c.params["chainrule"])
        if c.workload == "W1":
            if seen_w1:
                continue
            seen_w1 = True
            p["n"] = size["W1"]
            c = Case(f"W1-{p['n']}", "W1", f"W1 chain, N={p['n']:,}", {}, c.python)
        elif c.workload == "W2":
            p["n"] = size["W2"]
            c = Case(f"W2-{p['n']}", "W2", f"W2 wide, {p['n']:,} products", {}, c.python)
        elif c.workload == "W3" and p.get("frozen"):
            p["steps"] = size["W3-frozen"]
        elif c.workload == "W3":
            p["steps"], p["n"] = size["W3"]
            c = Case(c.id, "W3", f"W3 moons, {p['n']} points, Python {c.python}", {},
                     c.python)
        elif c.workload == "W4":
            p["n"] = size["W4"]
            c = Case(f"W4-{p['n']}", "W4", f"W4 MLP 2-64-64-1, {p['n']} samples", {},
                     c.python)
        out.append(Case(c.id, c.workload, c.label, {"chainrule": p}, c.python, c.max_runs))
    return out


def measure_side(tree: Tree, harness: Path, case: Case, params: dict[str, Any], *,
                 python: str, timeout: float, mem_limit_gb: float | None,
                 use_callgrind: bool, scratch: Path) -> Outcome:
    """One run of ``case`` on ``tree``: timed, or under callgrind (then the outcome
    carries ``instructions``). The outcome must have imported autograd from ``tree``."""
    cmd = worker_command(python, "chainrule", case.workload, params,
                         recursion_limit=DEFAULT_RECURSION_LIMIT,
                         mem_limit_gb=None if use_callgrind else mem_limit_gb)
    out_file = None
    if use_callgrind:
        out_file = Path(tempfile.mkdtemp(dir=scratch)) / "callgrind.out"
        cmd = callgrind.command([*cmd, "--region-markers"], out_file)
    outcome = run_process(cmd, cwd=harness, pythonpath=str(tree.path), timeout=timeout,
                          env_extra={"PYTHONHASHSEED": "0"})
    if outcome.get("ok"):
        where = outcome.get("autograd")
        if not where or not Path(where).resolve().is_relative_to(tree.path):
            raise CompareError(f"the {case.label} worker for {tree.describe} imported "
                               f"autograd from {where}, not from {tree.path}: the "
                               f"comparison would be meaningless")
        if out_file is not None:
            try:
                outcome["instructions"] = callgrind.region_instructions(out_file)
            except (callgrind.CallgrindError, OSError, ValueError) as e:
                outcome = {"ok": False, "error": "callgrind", "detail": str(e)}
    if out_file is not None:
        shutil.rmtree(out_file.parent, ignore_errors=True)
    return outcome


def measure(trees: dict[str, Tree], harness: Path, selected: list[Case], runs: int, *,
            interpreters: dict[str, str], timeout: float, mem_limit_gb: float,
            use_callgrind: bool, scratch: Path, progress: bool = True
            ) -> dict[str, dict[str, list[Outcome]]]:
    """Every case × version × run, interleaved; outcomes by case id and side. W2's
    bytes per node (tracemalloc) once per version, after the timed runs."""
    outcomes: dict[str, dict[str, list[Outcome]]] = {c.id: {s: [] for s in SIDES}
                                                     for c in selected}
    stopped: set[tuple[str, str]] = set()
    runs = 1 if use_callgrind else runs
    for r in range(runs):
        order = SIDES if r % 2 == 0 else tuple(reversed(SIDES))
        for case in selected:
            if not use_callgrind and case.max_runs is not None and r >= case.max_runs:
                continue
            python = interpreters[case.python] if case.python else sys.executable
            for side in order:
                if (case.id, side) in stopped:
                    continue
                outcome = _one(trees[side], harness, case, dict(case.params["chainrule"]),
                               python, f"run {r + 1}/{runs}", side, timeout, mem_limit_gb,
                               use_callgrind, scratch, progress)
                outcome["run"] = r
                outcomes[case.id][side].append(outcome)
                if not outcome.get("ok"):
                    stopped.add((case.id, side))
    if not use_callgrind:
        for case in selected:
            if case.workload != "W2":
                continue
            for side in SIDES:
                params = dict(case.params["chainrule"], memory="tracemalloc")
                outcome = _one(trees[side], harness, case, params, sys.executable,
                               "tracemalloc", side, timeout, mem_limit_gb, False, scratch,
                               progress)
                outcome["kind"] = "tracemalloc"
                outcomes[case.id][side].append(outcome)
    return outcomes


def _one(tree: Tree, harness: Path, case: Case, params: dict[str, Any], python: str,
         what: str, side: str, timeout: float, mem_limit_gb: float, use_callgrind: bool,
         scratch: Path, progress: bool) -> Outcome:
    t0 = time.perf_counter()
    outcome = measure_side(tree, harness, case, params, python=python, timeout=timeout,
                           mem_limit_gb=mem_limit_gb, use_callgrind=use_callgrind,
                           scratch=scratch)
    if progress:
        status = ("ok" if outcome.get("ok") else
                  f"{outcome['error']} ({outcome.get('detail', '')[:80]})")
        print(f"[{what}] {case.label:<44} {side:<9} {status} "
              f"({fmt_seconds(time.perf_counter() - t0)})", file=sys.stderr, flush=True)
    return outcome


# -- results ----------------------------------------------------------------------------

#: What must be bit-identical between the versions, per workload.
EXACT_KEYS = {"W1": ("value", "grad"), "W2": ("value", "grads_digest"),
              "W3": ("losses", "hinge_active", "params_digest", "final_loss"),
              "W4": ("loss", "grads_digest")}


def exact_differences(workload: str, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """What two versions' results of one workload do not have bit for bit alike."""
    out = []
    for key in EXACT_KEYS[workload]:
        if key not in a or key not in b:
            out.append(f"{key}: not reported by both")
        elif a[key] != b[key]:
            if key == "losses":
                pairs = list(zip(a[key], b[key]))
                first = next((i for i, (x, y) in enumerate(pairs) if x != y), len(pairs))
                out.append(f"losses differ from step {first + 1}")
            elif key.endswith("digest"):
                out.append(f"{key.removesuffix('_digest')} differ")
            else:
                out.append(f"{key}: {a[key]!r} vs {b[key]!r}")
    return out


def summarize(selected: list[Case], outcomes: dict[str, dict[str, list[Outcome]]],
              use_callgrind: bool) -> list[dict[str, Any]]:
    """One row per case: each side's median time (or instructions), the ratio
    baseline ÷ candidate, the bit-for-bit check."""
    rows = []
    for case in selected:
        by_side = outcomes.get(case.id, {})
        row: dict[str, Any] = {"case": case.id, "label": case.label,
                               "workload": case.workload, "sides": {}, "ratio": None}
        for side in SIDES:
            runs = by_side.get(side, [])
            if use_callgrind:
                ok = [o for o in runs if o.get("ok")]
                row["sides"][side] = ({"instructions": ok[0]["instructions"], "error": None}
                                      if ok else {"error": _first_error(runs)})
            else:
                row["sides"][side] = summarize_engine(case.workload, runs, "cpu")
        key = "instructions" if use_callgrind else "median"
        b, c = (row["sides"][s].get(key) for s in SIDES)
        if b and c:
            row["ratio"] = b / c
        results = [[o["result"] for o in by_side.get(s, []) if o.get("ok") and "kind" not in o]
                   for s in SIDES]
        if all(results):
            row["differences"] = exact_differences(case.workload, results[0][0], results[1][0])
            runs_alike = all(exact_differences(case.workload, results[i][0], r) == []
                             for i in (0, 1) for r in results[i][1:])
            if not runs_alike:
                row["differences"].append("a version gave different results in two runs")
        rows.append(row)
    return rows


def _first_error(runs: list[Outcome]) -> str:
    bad = [o for o in runs if not o.get("ok")]
    return f"{bad[0].get('error')}: {bad[0].get('detail', '')}" if bad else "not run"


def _cell(side: dict[str, Any], use_callgrind: bool) -> str:
    if side.get("error"):
        return str(side["error"]).split(":")[0]
    if use_callgrind:
        return f"{side['instructions']:,}"
    text = fmt_seconds(side["median"])
    if side.get("runs", 0) > 1:
        text += f" [{fmt_seconds(side['min'])}–{fmt_seconds(side['max'])}]"
    mem = side.get("memory_tracemalloc") or {}
    if mem.get("bytes_per_node") is not None:
        text += f"; {mem['bytes_per_node']:.0f} B/node"
    return text


def table(rows: list[dict[str, Any]], meta: dict[str, Any], markdown: bool) -> str:
    """The comparison as a text or Markdown table, then how it was made."""
    use_callgrind = meta["callgrind"]
    what = "instructions (callgrind)" if use_callgrind else "CPU time"
    header = ["workload", f"baseline: {what}", f"candidate: {what}",
              "baseline ÷ candidate", "results"]
    body = []
    for r in rows:
        same = r.get("differences")
        verdict = ("not compared" if same is None else
                   "bit-identical" if not same else "DIFFER: " + "; ".join(same))
        body.append([r["label"], *(_cell(r["sides"][s], use_callgrind) for s in SIDES),
                     fmt_ratio(r["ratio"]) if r["ratio"] is None or r["ratio"] >= 10
                     else f"{r['ratio']:.3f}", verdict])
    notes = [f"Command: `{meta['command']}`. Baseline: {meta['baseline']}. Candidate: "
             f"{meta['candidate']}. "
             + ("One run per version and case under valgrind --tool=callgrind, "
                "instructions between the workload's first and last clock reading."
                if use_callgrind else
                f"{meta['runs']} run(s) per version and case ({meta['scale']} scale), each in "
                f"a fresh process, versions interleaved; medians [min–max] of CPU time.")
             + f" Python {meta['python']}, {meta['machine']}, {meta['date']}."]
    for r in rows:
        for s in SIDES:
            err = r["sides"][s].get("error")
            if err:
                notes.append(f"{r['label']}, {s}: {err}")
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(b) + " |" for b in body]
        return "\n".join(lines + [""] + notes)
    cells = [header, *body]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines + [""] + notes)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/compare.py", description="Two versions of "
                                "chainrule on W1-W4: time (or instructions), bit-identity.")
    p.add_argument("--baseline", required=True, metavar="PATH|REV",
                   help="a chainrule checkout (directory) or a git revision of this repository")
    p.add_argument("--candidate", default=str(ROOT), metavar="PATH|REV",
                   help="the same; default: this checkout's working tree")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="bench/run.py's quick sizes")
    size.add_argument("--tiny", action="store_true", help="toy sizes (the smoke test)")
    p.add_argument("--runs", type=int, default=None,
                   help="runs per version and case (default 5; 3 --quick; 1 --tiny)")
    p.add_argument("--workloads", default="W1,W2,W3,W4", help="subset of W1,W2,W3,W4")
    p.add_argument("--python", metavar="VERSIONS", default=None,
                   help="W3 (and its frozen control) on each of these Python versions, "
                        "as in bench/run.py")
    p.add_argument("--callgrind", action="store_true",
                   help="count instructions with valgrind's callgrind instead of timing")
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument("--mem-limit-gb", type=float, default=8.0)
    p.add_argument("--json", metavar="PATH", help="write every outcome and the rows here")
    p.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = p.parse_args(argv)
    wanted = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    unknown = sorted(set(wanted) - {"W1", "W2", "W3", "W4"})
    if unknown or not wanted:
        p.error(f"--workloads: unknown {', '.join(unknown) or '(none given)'}")
    args.workloads = wanted
    try:
        args.pythons = parse_versions(args.python) if args.python is not None else None
    except ValueError as e:
        p.error(str(e))
    args.scale = "tiny" if args.tiny else "quick" if args.quick else "full"
    if args.runs is None:
        args.runs = {"full": 5, "quick": 3, "tiny": 1}[args.scale]
    if args.runs < 1:
        p.error(f"--runs must be at least 1, got {args.runs}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    if args.callgrind:
        try:
            callgrind.valgrind()
        except callgrind.CallgrindError as e:
            sys.exit(f"bench/compare.py: {e}")
    with tempfile.TemporaryDirectory(prefix="chainrule-compare-") as tmp:
        scratch = Path(tmp)
        try:
            trees = {"baseline": export_tree(args.baseline, scratch),
                     "candidate": export_tree(args.candidate, scratch)}
        except CompareError as e:
            sys.exit(f"bench/compare.py: {e}")
        harness = copy_harness(scratch / "harness")
        interpreters, missing = prepare_pythons(args.pythons if "W3" in args.workloads
                                                else None)
        selected = [c for c in compare_cases(args.scale, args.pythons, args.workloads,
                                             args.callgrind)
                    if c.python is None or c.python in interpreters]
        try:
            outcomes = measure(trees, harness, selected, args.runs, interpreters=interpreters,
                               timeout=args.timeout, mem_limit_gb=args.mem_limit_gb,
                               use_callgrind=args.callgrind, scratch=scratch)
        except CompareError as e:
            sys.exit(f"bench/compare.py: {e}")
    rows = summarize(selected, outcomes, args.callgrind)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    shown = " ".join(sys.argv[1:] if argv is None else argv)
    meta = {"command": f"python bench/compare.py {shown}".strip(), "scale": args.scale,
            "runs": args.runs, "callgrind": args.callgrind,
            "baseline": trees["baseline"].describe, "candidate": trees["candidate"].describe,
            "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores"
                       + (f", load average {load:.1f} at the end" if load is not None else ""),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "pythons_missing": missing, "seconds": time.perf_counter() - started}
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"meta": meta, "cases": [c.__dict__ for c in selected], "outcomes": outcomes,
             "rows": rows}, indent=1))
    print(table(rows, meta, args.markdown))
    for version, why in missing.items():
        print(f"PYTHON {version} NOT MEASURED: {why}")
    print(f"\n(comparison took {fmt_seconds(meta['seconds'])})", file=sys.stderr)
    differ = any(r.get("differences") for r in rows)
    failed = any(r["sides"][s].get("error") for r in rows for s in SIDES)
    return 1 if differ or failed else 0


if __name__ == "__main__":
    sys.exit(main())
