"""Instruction counts of a workload's measured region, with valgrind's callgrind.

On a shared machine wall and CPU time vary by tens of percent from run to run;
the number of instructions a region executes does not (to about 0.1%), so it
tells two versions of the engine apart where timings cannot. It is a proxy:
a cache miss or a branch mispredicted costs more than an instruction.

The worker runs with ``--region-markers``: it calls ``os.getppid()`` right
before the measured region and ``os.getpgrp()`` right after it (neither is
called by Python or chainrule otherwise). callgrind, started with
``--dump-before=getppid --dump-before=getpgrp``, then writes three dumps:
start-up and setup (``OUT.1``), the region (``OUT.2``) and the rest (``OUT``).
:func:`region_instructions` checks the triggers and reads the region's total.
Python runs about 50 times slower under callgrind, hence small sizes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

START_MARK = "getppid"
END_MARK = "getpgrp"


class CallgrindError(RuntimeError):
    """valgrind is missing, or its output is not the three dumps expected."""


def valgrind() -> str:
    """The valgrind executable; CallgrindError when it is not installed."""
    exe = shutil.which("valgrind")
    if exe is None:
        raise CallgrindError("valgrind is not installed (Debian: apt-get install valgrind); "
                             "instruction counts need it")
    return exe


def command(worker_cmd: list[str], out_file: Path) -> list[str]:
    """``worker_cmd`` (which must pass ``--region-markers``) under callgrind,
    writing its dumps to ``out_file`` and ``out_file.N``."""
    if "--region-markers" not in worker_cmd:
        raise ValueError("callgrind.command: the worker must run with --region-markers")
    return [valgrind(), "--tool=callgrind", f"--callgrind-out-file={out_file}",
            f"--dump-before={START_MARK}", f"--dump-before={END_MARK}",
            "--dump-instr=no", "--compress-strings=no", *worker_cmd]


_FIELD = re.compile(r"^(desc: Trigger|summary|totals):\s*(.*)$", re.MULTILINE)


def _dump_fields(path: Path) -> tuple[str, int]:
    """(trigger, instructions) of one callgrind dump file."""
    head = path.read_text(errors="replace")
    fields: dict[str, str] = {}
    for key, value in _FIELD.findall(head):
        fields.setdefault(key, value.strip())
    trigger = fields.get("desc: Trigger", "")
    total = fields.get("summary") or fields.get("totals")
    if total is None:
        raise CallgrindError(f"{path}: no 'summary:' or 'totals:' line (not a callgrind dump?)")
    return trigger, int(total.split()[0])


def region_instructions(out_file: Path) -> int:
    """Instructions executed between the two markers, from the dumps of one run."""
    dumps = sorted(out_file.parent.glob(out_file.name + ".*"),
                   key=lambda p: int(p.suffix[1:]) if p.suffix[1:].isdigit() else -1)
    triggers = [(p, *_dump_fields(p)) for p in dumps]
    expected = [f"--dump-before={START_MARK}", f"--dump-before={END_MARK}"]
    got = [t for _, t, _ in triggers]
    if got != expected:
        raise CallgrindError(f"callgrind wrote dumps triggered by {got}, expected {expected}: "
                             f"the markers {START_MARK}() and {END_MARK}() must each be "
                             f"called exactly once, around the measured region")
    return triggers[1][2]
