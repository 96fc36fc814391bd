"""From the workers' outcomes to medians, ratios, cross-checks and tables.

An outcome is what a worker printed (``{"ok": ..., "result"|"error": ...}``)
plus ``"run"``. Times are medians over the runs of one engine on one case;
a ratio is micrograd's median over chainrule's (how many times faster
chainrule is). Both engines must agree on values and gradients; a case where
they do not is flagged, never silently reported.

W3 rows also show the sparsity: the share of the points whose hinge term
relu(1 − y·score) is non-zero, i.e. whose gradient reaches the network (the
mean over the steps, and the first and last step). The ratio depends on it
(chainrule can skip the others' backward work, micrograd cannot) and on the
Python version; the frozen-weights control (lr = 0) shows the dense case. As
micrograd runs fewer W3 steps than chainrule, a second ratio compares the two
over the steps both ran (the first ones, where the hinge terms are densest).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

from .cases import Case

CLOCKS = {"wall": 0, "cpu": 1}
ENGINE_TITLES = {"chainrule": "chainrule", "micrograd": "micrograd 0.1.0"}
MIB = 2**20
#: RSS counts as flat when it grows by at most this much from step 10 to the end.
RSS_FLAT_BYTES = 2 * MIB
#: Issue 11: W3 (micrograd ÷ chainrule, time per step) at least this, per Python version.
W3_TARGETS = {"3.11": 120.0, "3.13": 90.0}


# -- formatting -----------------------------------------------------------------


def fmt_seconds(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1.0:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def fmt_bytes(b: float) -> str:
    return f"{b / MIB:.1f} MiB" if abs(b) >= MIB else f"{b / 1024:.0f} KiB"


def fmt_ratio(r: float | None) -> str:
    return "—" if r is None else f"{r:.1f}×" if r < 100 else f"{r:.0f}×"


# -- cross-checks -----------------------------------------------------------------------


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _all_close(xs: Sequence[float], ys: Sequence[float]) -> bool:
    return len(xs) == len(ys) and all(_close(x, y) for x, y in zip(xs, ys))


def disagreements(workload: str, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """What two engines' results of one workload disagree on (empty when they agree
    to 1e-9 relative): values, gradients, losses and accuracies of common steps."""
    problems = []
    if workload == "W1":
        for key in ("value", "grad"):
            if not _close(a[key], b[key]):
                problems.append(f"{key}: {a[key]!r} vs {b[key]!r}")
    elif workload == "W2":
        if not _close(a["value"], b["value"]):
            problems.append(f"value: {a['value']!r} vs {b['value']!r}")
        for key in ("grads_a", "grads_b"):
            if not _all_close(a[key], b[key]):
                problems.append(f"{key}: {a[key]} vs {b[key]}")
        for who in (a, b):
            if who["grad_error"] != 0.0:
                problems.append(f"a gradient differs from its exact value by {who['grad_error']}")
    elif workload == "W3":
        k = min(a["steps"], b["steps"])
        if not _all_close(a["losses"][:k], b["losses"][:k]):
            problems.append(f"losses of the first {k} steps: {a['losses'][:k]} vs "
                            f"{b['losses'][:k]}")
        if a["accuracies"][:k] != b["accuracies"][:k]:
            problems.append(f"accuracies of the first {k} steps differ")
        if "hinge_active" in a and "hinge_active" in b and (
                a["hinge_active"][:k] != b["hinge_active"][:k]):
            problems.append(f"non-zero hinge terms of the first {k} steps: "
                            f"{a['hinge_active'][:k]} vs {b['hinge_active'][:k]}")
        for who in (a, b):
            if who.get("frozen") and len(set(who["losses"])) > 1:
                problems.append("frozen weights (lr = 0), yet the loss changed from step "
                                "to step")
    elif workload == "W4":
        for key in ("loss", "grad_abs_sum", "accuracy"):
            if not _close(a[key], b[key]):
                problems.append(f"{key}: {a[key]!r} vs {b[key]!r}")
        if not _all_close(a["grads_head"], b["grads_head"]):
            problems.append("parameter gradients differ")
    return problems


# -- summary ----------------------------------------------------------------------


def _rss_growth(rss: Sequence[int | None]) -> int | None:
    """Bytes gained from step 10 (or the first step of a short run) to the last step."""
    if not rss or any(r is None for r in rss):
        return None
    start = rss[min(9, len(rss) - 1)]
    return rss[-1] - start  # type: ignore[operator]


def sparsity(result: dict[str, Any]) -> dict[str, Any]:
    """The share of non-zero hinge terms in a W3 result: mean over the steps, first,
    last (empty for results made before it was recorded)."""
    active, points = result.get("hinge_active"), result.get("points")
    if not active or not points:
        return {}
    shares = [a / points for a in active]
    return {"hinge_mean": sum(shares) / len(shares), "hinge_first": shares[0],
            "hinge_last": shares[-1], "hinge_constant": len(set(active)) == 1}


def summarize_engine(workload: str, outcomes: list[dict[str, Any]], clock: str
                     ) -> dict[str, Any]:
    """Medians (and min/max) of one engine over its runs of one case."""
    i = CLOCKS[clock]
    memory = {o["kind"]: o for o in outcomes if o.get("kind")}
    outcomes = [o for o in outcomes if not o.get("kind")]
    ok = [dict(o["result"], python=o.get("python")) for o in outcomes if o.get("ok")]
    failed = [o for o in outcomes if not o.get("ok")]
    out: dict[str, Any] = {"runs": len(ok), "error": None}
    for kind, o in memory.items():
        out[f"memory_{kind}"] = ({"peak_bytes": o["result"]["peak_bytes"],
                                  "bytes_per_node": o["result"]["bytes_per_node"],
                                  "nodes": o["result"]["nodes"]} if o.get("ok")
                                 else {"error": o.get("error"), "detail": o.get("detail")})
    if failed and not ok:
        first = failed[0]
        out["error"] = first.get("error", "failed")
        out["detail"] = first.get("detail", "")
        return out
    if failed:
        out["error_runs"] = len(failed)
    key = "step" if workload == "W3" else "total"
    times = [r["times"][key][i] for r in ok]
    out.update(median=statistics.median(times), min=min(times), max=max(times))
    for part in ("forward", "backward", "build"):
        if part in ok[0]["times"]:
            out[f"{part}_median"] = statistics.median(r["times"][part][i] for r in ok)
    first = ok[0]
    if workload == "W2":
        out["nodes"] = first["nodes"]
        out["terms"] = first["terms"]
        out["ns_per_node"] = out["median"] / first["nodes"] * 1e9
    if first.get("python"):
        out["python"] = first["python"]
    if workload == "W3":
        out["steps"] = first["steps"]
        out["final_accuracy"] = first["final_accuracy"]
        out["final_loss"] = first["final_loss"]
        out["frozen"] = bool(first.get("frozen"))
        out.update(sparsity(first))
        growths = [_rss_growth(r["rss"]) for r in ok]
        known = [g for g in growths if g is not None]
        if known:
            out["rss_first"] = first["rss"][0]
            out["rss_last"] = first["rss"][-1]
            out["rss_growth_max"] = max(known)
            out["rss_flat"] = max(known) <= RSS_FLAT_BYTES
    return out


def summarize(cases: list[Case], outcomes: dict[str, dict[str, list[dict[str, Any]]]],
              clock: str = "cpu") -> list[dict[str, Any]]:
    """One summary row per case: each engine's medians, the ratio, the cross-check."""
    rows = []
    for case in cases:
        by_engine = outcomes.get(case.id, {})
        engines = {e: summarize_engine(case.workload, runs, clock)
                   for e, runs in by_engine.items()}
        row: dict[str, Any] = {"case": case.id, "workload": case.workload,
                               "label": case.label, "engines": engines,
                               "ratio": None, "problems": [], "python": case.python,
                               "frozen": bool(case.params.get("chainrule", {})
                                              .get("frozen"))}
        c, m = engines.get("chainrule"), engines.get("micrograd")
        if c and m and c.get("median") and m.get("median"):
            row["ratio"] = m["median"] / c["median"]
        ok_c = [o["result"] for o in by_engine.get("chainrule", []) if o.get("ok")]
        ok_m = [o["result"] for o in by_engine.get("micrograd", []) if o.get("ok")]
        if ok_c and ok_m:
            row["problems"] = disagreements(case.workload, ok_c[0], ok_m[0])
            row["agree"] = not row["problems"]
            if case.workload == "W3" and not row["frozen"]:
                row["same_steps"] = same_steps(ok_c, ok_m, clock)
        rows.append(row)
    return rows


def same_steps(chainrule: list[dict[str, Any]], micrograd: list[dict[str, Any]],
               clock: str) -> dict[str, Any] | None:
    """W3 over the steps both engines ran (1..k): each engine's median over its runs
    of its mean time per step there, and micrograd ÷ chainrule. None when both ran
    the same steps (the main ratio says it) or the step times are missing."""
    k = min(min(r["steps"] for r in chainrule), min(r["steps"] for r in micrograd))
    if all(r["steps"] == k for r in chainrule + micrograd):
        return None
    i = CLOCKS[clock]
    try:
        c, m = (statistics.median(sum(t[i] for t in r["step_times"][:k]) / k for r in runs)
                for runs in (chainrule, micrograd))
    except (KeyError, IndexError, TypeError):
        return None
    return {"steps": k, "chainrule": c, "micrograd": m, "ratio": m / c if c else None}


def _w3_version(row: dict[str, Any]) -> str | None:
    """``3.X`` that ran a W3 row: the case's, else (older files) the worker's."""
    if row.get("python"):
        return str(row["python"])
    full = row["engines"].get("chainrule", {}).get("python")
    return ".".join(full.split(".")[:2]) if full else None


def targets(rows: list[dict[str, Any]], missing: dict[str, str] | None = None
            ) -> list[tuple[str, bool | None, str]]:
    """The issues' targets (full scale): (name, met, measured). ``missing``: the
    Python versions asked for that could not be run, with the reason."""
    by_case = {r["case"]: r for r in rows}
    out: list[tuple[str, bool | None, str]] = []
    w3_rows = [r for r in rows if r["workload"] == "W3" and not r.get("frozen")]
    for w3 in w3_rows:
        version = _w3_version(w3)
        r = w3["ratio"]
        if version in W3_TARGETS:
            goal = W3_TARGETS[version]
            out.append((f"W3 on Python {version} at least {goal:.0f}× faster than micrograd",
                        None if r is None else r >= goal, fmt_ratio(r)))
        c = w3["engines"].get("chainrule", {})
        if "rss_flat" in c:
            out.append((f"resident memory flat over the W3 steps (Python {version})",
                        c["rss_flat"],
                        f"+{fmt_bytes(c['rss_growth_max'])} from step 10 to step "
                        f"{c['steps']}, the most of any run; flat means at most "
                        f"+{fmt_bytes(RSS_FLAT_BYTES)}"))
    for version, why in (missing or {}).items():
        if version in W3_TARGETS:
            out.append((f"W3 on Python {version} at least {W3_TARGETS[version]:.0f}× faster "
                        f"than micrograd", None, why))
    w1 = by_case.get(f"W1-{10**6}")
    if w1:
        c = w1["engines"].get("chainrule", {})
        done = c.get("error") is None and c.get("runs", 0) > 0
        out.append(("W1 at N=1e6 completes", done,
                    fmt_seconds(c["median"]) if done else str(c.get("error"))))
    for row in rows:
        if row["workload"] == "W2":
            c = row["engines"].get("chainrule", {})
            heap, rss = c.get("memory_tracemalloc", {}), c.get("memory_rss", {})
            if heap.get("bytes_per_node") is not None:
                also = (f"; resident memory: {rss['bytes_per_node']:.0f} B/node"
                        if rss.get("bytes_per_node") is not None else "")
                out.append(("W2 at most 200 bytes per node", heap["bytes_per_node"] <= 200,
                            f"{heap['bytes_per_node']:.0f} B/node allocated by Python "
                            f"(tracemalloc){also}"))
    return out


# -- tables -----------------------------------------------------------------------------


def _cell_time(e: dict[str, Any] | None, spread: bool) -> str:
    if e is None:
        return "not run"
    if e.get("error"):
        return str(e["error"])
    text = fmt_seconds(e["median"])
    if spread and e["runs"] > 1:
        text += f" [{fmt_seconds(e['min'])}–{fmt_seconds(e['max'])}]"
    return text


def _cell_memory(mem: dict[str, Any] | None) -> str:
    if mem is None:
        return "not measured"
    if mem.get("error"):
        return str(mem["error"])
    if mem["peak_bytes"] is None:
        return "too small to see"
    return (f"{fmt_bytes(mem['peak_bytes'])} = {mem['bytes_per_node']:.0f} B/node "
            f"({mem['nodes']:,} nodes)")


def _cell_sparsity(e: dict[str, Any] | None) -> str:
    if not e or "hinge_mean" not in e:
        return "—"
    if e["hinge_constant"]:
        return f"{e['hinge_first']:.0%} at every step"
    return (f"mean {e['hinge_mean']:.0%} (step 1: {e['hinge_first']:.0%}, "
            f"step {e['steps']}: {e['hinge_last']:.0%})")


def table_rows(rows: list[dict[str, Any]], spread: bool = False) -> list[list[str]]:
    """[workload, chainrule, micrograd, ratio] cells for every line of the table."""
    out = []
    for row in rows:
        c, m = row["engines"].get("chainrule"), row["engines"].get("micrograd")
        w = row["workload"]
        name = row["label"]
        if w == "W1":
            out.append([name, _cell_time(c, spread), _cell_time(m, spread),
                        fmt_ratio(row["ratio"])])
        elif w == "W2":
            cells = [_cell_time(e, spread) + (f" ({e['ns_per_node']:,.0f} ns/node)"
                                               if e and "ns_per_node" in e else "")
                     for e in (c, m)]
            out.append([f"{name}: build + backward", *cells, fmt_ratio(row["ratio"])])
            for kind, title in (("rss", "peak resident memory growth"),
                                ("tracemalloc", "peak bytes allocated (tracemalloc)")):
                mems = [(e or {}).get(f"memory_{kind}") for e in (c, m)]
                if not any(mems):
                    continue
                cells = [_cell_memory(mem) for mem in mems]
                ratio = None
                if all(mem and mem.get("peak_bytes") for mem in mems):
                    ratio = mems[1]["peak_bytes"] / mems[0]["peak_bytes"]  # type: ignore[index]
                out.append([f"{name}: {title}", *cells, fmt_ratio(ratio)])
        elif w == "W3":
            per_step = "time per step" if row.get("frozen") else "time per SGD step"
            cells = [_cell_time(e, spread) + (f" ({e['steps']} steps)"
                                               if e and "steps" in e else "")
                     for e in (c, m)]
            out.append([f"{name}: {per_step}", *cells, fmt_ratio(row["ratio"])])
            same = row.get("same_steps")
            if same:
                out.append([f"{name}: time per SGD step over steps 1–{same['steps']} "
                            f"(both engines)", fmt_seconds(same["chainrule"]),
                            fmt_seconds(same["micrograd"]), fmt_ratio(same["ratio"])])
            if any(e and "hinge_mean" in e for e in (c, m)):
                out.append([f"{name}: non-zero hinge terms per step",
                            *(_cell_sparsity(e) for e in (c, m)), ""])
            if row.get("frozen"):
                continue
            acc = [f"{e['final_accuracy']:.0%} after {e['steps']} steps"
                   if e and "final_accuracy" in e else "—" for e in (c, m)]
            out.append([f"{name}: final accuracy", *acc, ""])
            rss = [f"{fmt_bytes(e['rss_first'])} after step 1, {fmt_bytes(e['rss_last'])} "
                   f"after step {e['steps']}"
                   + (f" (+{fmt_bytes(e['rss_growth_max'])} since step 10: "
                      f"{'flat' if e['rss_flat'] else 'GROWS'})" if e["steps"] > 10 else "")
                   if e and "rss_first" in e else "—"
                   for e in (c, m)]
            out.append([f"{name}: resident memory (RSS) over the steps", *rss, ""])
        else:
            out.append([f"{name}: forward + backward", _cell_time(c, spread),
                        _cell_time(m, spread), fmt_ratio(row["ratio"])])
    return out


HEADER = ["workload", ENGINE_TITLES["chainrule"], ENGINE_TITLES["micrograd"],
          "micrograd ÷ chainrule"]


def render_text(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """A plain-text table with min–max spreads, cross-checks, failures and targets."""
    cells = [HEADER, *table_rows(rows, spread=True)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += ["", notes(rows, meta)]
    return "\n".join(lines)


def render_markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """The README table: medians, ratios, then the notes."""
    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(r) + " |" for r in table_rows(rows)]
    out += ["", notes(rows, meta)]
    return "\n".join(out)


def python_notes(rows: list[dict[str, Any]], meta: dict[str, Any]) -> list[str]:
    """Which interpreter ran the W3 rows of each version, and the versions that
    could not run (the other rows run on the interpreter named first in the notes)."""
    lines = []
    seen: dict[str, str] = {}
    for r in rows:
        if r["workload"] != "W3" or not r.get("python"):
            continue
        full = {e.get("python") for e in r["engines"].values() if e.get("python")}
        exe = (meta.get("interpreters") or {}).get(r["python"], "")
        seen.setdefault(r["python"], f"Python {', '.join(sorted(full)) or r['python']}"
                        + (f" ({exe})" if exe else ""))
    if seen:
        lines.append("W3 and its frozen control ran on " + "; ".join(seen.values())
                     + f"; W1, W2 and W4 on Python {meta.get('python', '?')}.")
    for version, why in (meta.get("pythons_missing") or {}).items():
        lines.append(f"PYTHON {version} NOT MEASURED: {why}")
    if any(r.get("frozen") for r in rows):
        lines.append("W3 frozen weights: the same steps with lr = 0, so every step computes "
                     "what step 1 did and the hinge terms stay as dense as at the start; "
                     "fewer steps and runs (every step is the same computation).")
    return lines


def notes(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """How the numbers were made, cross-check results, failures and targets."""
    lines = [f"Command: `{meta['command']}` ({meta['scale']} scale). {meta['runs']} run(s) per "
             f"engine and case, each in a fresh process, engines interleaved; medians of "
             f"{meta['clock']} time ({meta['clock_note']}). Python {meta['python']}, "
             f"{meta['machine']}, {meta['date']}"
             + (f", chainrule at {meta['revision']}" if meta.get("revision") else "") + "."]
    lines += python_notes(rows, meta)
    agree = [r for r in rows if r.get("agree")]
    disagree = [r for r in rows if r.get("agree") is False]
    if agree:
        lines.append(f"Both engines gave the same values and gradients (to 1e-9) on "
                     f"{len(agree)} of {len(rows)} cases.")
    for r in disagree:
        lines.append(f"ENGINES DISAGREE on {r['label']}: {'; '.join(r['problems'])}")
    for r in rows:
        for name, e in r["engines"].items():
            if e.get("error"):
                lines.append(f"{r['label']}, {name}: {e['error']} — {e.get('detail', '')}")
            for kind in ("rss", "tracemalloc"):
                mem = e.get(f"memory_{kind}") or {}
                if mem.get("error"):
                    lines.append(f"{r['label']}, {name}, memory ({kind}): {mem['error']} — "
                                 f"{mem.get('detail', '')}")
            if e.get("error_runs"):
                lines.append(f"{r['label']}, {name}: {e['error_runs']} run(s) failed")
    if meta.get("extra_notes"):
        lines += meta["extra_notes"]
    if meta["scale"] == "full":
        for name, met, measured in targets(rows, meta.get("pythons_missing")):
            verdict = "met" if met else ("MISSED" if met is False else "not measured")
            lines.append(f"Target: {name}: {verdict} ({measured}).")
    return "\n\n".join(lines) if meta.get("markdown") else "\n".join(lines)
