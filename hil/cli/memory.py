"""``hilander memory``: flash, RAM and the worst-case stack of the Cortex-M
firmware, against each target's budgets (hil/board/memory.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from hilander.hil.board.firmware import build_firmware, firmware_dir
from hilander.hil.board.memory import MemoryReport, memory_report
from hilander.hil.board.targets import EMULATED, TARGETS
from hilander.hil.cli.exits import Exit


def add_memory_command(sub: Any) -> None:
    p = sub.add_parser("memory", help="flash, RAM and worst-case stack of the Cortex-M firmware")
    p.add_argument(
        "--firmware",
        action="append",
        choices=EMULATED,
        help="the target (default: every Cortex-M one); repeat for several",
    )
    p.add_argument(
        "--firmware-dir",
        type=Path,
        metavar="DIR",
        help=(
            "a firmware_stub/ of your own (default: this checkout's, else the"
            " installed sources, built in ~/.cache/hilander)"
        ),
    )
    p.add_argument("--json", action="store_true", help="print the reports as one JSON object")


def run_memory(args: argparse.Namespace) -> int:
    folder = firmware_dir(args.firmware_dir)
    reports = []
    for name in args.firmware or EMULATED:
        build_firmware(folder, name)
        reports.append(memory_report(folder, TARGETS[name]))
    if args.json:
        print(json.dumps({r.target: r.to_dict() for r in reports}, indent=2))
    else:
        print("\n\n".join(memory_text(r) for r in reports))
    return Exit.PASS if all(r.within_budgets() for r in reports) else Exit.FAIL


def memory_text(r: MemoryReport) -> str:
    s = r.stack
    lines = [
        f"{r.target}: {TARGETS[r.target].about}",
        _line("flash", r.flash_B, r.flash_budget_B),
        _line("RAM", r.ram_B, r.ram_budget_B, f" (data + bss + {r.stack_region_B} B stack)"),
        _line("stack", s.worst_B, r.stack_budget_B, " (static worst case)"),
        f"  deepest path  {' > '.join(s.path)}",
        f"  + handler     {' > '.join(s.handler_path)}, exception frame {s.exception_frame_B} B",
    ]
    lines += [f"  PROBLEM       {p}" for p in s.problems]
    return "\n".join(lines)


def _line(what: str, used: int, budget: int, note: str = "") -> str:
    mark = "" if used <= budget else "  OVER BUDGET"
    return f"  {what:<12}  {used:>7,} B of {budget:>7,} B ({100 * used / budget:.0f} %){note}{mark}"
