"""One measurement in a fresh process: ``python -m bench.worker ENGINE WORKLOAD PARAMS``.

PARAMS is a JSON object of keyword arguments for the workload. The worker
prints one JSON line: ``{"ok": true, "result": {...}}``, or ``{"ok": false,
"error": "RecursionError", "detail": ...}`` when the engine fails (micrograd's
recursive topological sort hits Python's recursion limit on deep graphs), and
exits without tearing the graph down (``os._exit``), which can take seconds.
Every outcome also says which Python ran it and where ``autograd`` was
imported from (so that a comparison of two checkouts can check it measured
the right one).

``--region-markers`` (for ``valgrind --tool=callgrind``): the workload calls
``os.getppid()`` right before its measured region and ``os.getpgrp()`` right
after it, so that ``--dump-before=getppid --dump-before=getpgrp`` counts the
region's instructions in a dump of its own (``bench/callgrind.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from typing import Any

from . import workloads
from .engines import ENGINES, make_engine
from .workloads import WORKLOADS

#: micrograd's backward recurses once per level of the graph. Python's default
#: limit (1,000) fails W1 at every N and W2; the runner raises it to this.
DEFAULT_RECURSION_LIMIT = 1_000_000


def _limit_memory(gigabytes: float) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux/macOS
        return
    soft = int(gigabytes * 2**30)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def measure(engine_name: str, workload: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run one workload; the outcome as a JSON-ready dict (engine failures caught)."""
    if workload not in WORKLOADS:
        raise ValueError(f"unknown workload {workload!r}: use one of {', '.join(WORKLOADS)}")
    engine = make_engine(engine_name)
    try:
        return {"ok": True, "result": WORKLOADS[workload](engine, **params)}
    except RecursionError as e:
        return {"ok": False, "error": "RecursionError",
                "detail": f"{e} (sys.getrecursionlimit() = {sys.getrecursionlimit()})"}
    except MemoryError:
        return {"ok": False, "error": "MemoryError", "detail": "out of memory"}


def provenance() -> dict[str, Any]:
    """The Python version of this process and the file ``autograd`` came from."""
    ag = sys.modules.get("autograd")
    return {"python": platform.python_version(),
            "autograd": getattr(ag, "__file__", None) if ag is not None else None}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=ENGINES)
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("params", type=json.loads, help="JSON object of workload arguments")
    parser.add_argument("--recursion-limit", type=int, default=DEFAULT_RECURSION_LIMIT)
    parser.add_argument("--mem-limit-gb", type=float, default=None)
    parser.add_argument("--region-markers", action="store_true",
                        help="call os.getppid() / os.getpgrp() around the measured region")
    args = parser.parse_args(argv)
    if not isinstance(args.params, dict):
        parser.error(f"params must be a JSON object, got {type(args.params).__name__}")
    sys.setrecursionlimit(args.recursion_limit)
    if args.mem_limit_gb:
        _limit_memory(args.mem_limit_gb)
    if args.region_markers:
        workloads.set_region_markers(os.getppid, os.getpgrp)
    outcome = measure(args.engine, args.workload, args.params)
    outcome.update(provenance())
    sys.stdout.write(json.dumps(outcome) + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
