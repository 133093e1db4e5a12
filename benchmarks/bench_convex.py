"""Benchmark of the convex powered-descent solver: on this machine (the
Cython copy, wall time) and on the emulated boards (the C copy in float32,
instructions under QEMU's instruction counting, the same on any host).

    python benchmarks/bench_convex.py [--target T ...] [--no-qemu] [--json]

The case is an MSL-like divert (2.1 t, 25 kN, 600 m and 300 m out at 1.5 km,
40 m/s across and 80 m/s down, to a gate 20 m up at 0.75 m/s down; 20
nodes), the same as firmware_stub/hal/cortex-m/bench_convex.c flies:
- search: the final-time search from cold (8-point grid, golden section);
- cold: one solve at the found final time from zero;
- warm: the same solve again from the last one's iterate;
- units (emulated only): the search again with MSL's turn rate, step by
  step as the law spreads it over control steps, the costliest step of each
  kind (set-up, iteration, check, balance), and from them the instructions
  one unit of work costs at most (a kind's costliest over its units: the
  slice budget plan_iterations_per_tick times this bounds a step's solver
  work).
The emulated figures need `make -C firmware_stub bench-convex`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from hilander.controller._cvx_search import py_solve
from hilander.controller.reference_convex import CHECK_UNITS, FACTOR_UNITS
from hilander.hil.board.targets import ICOUNT_SHIFT

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests package, for the case
from tests.common.convex import MSL_LIKE, as_dicts  # noqa: E402

MACHINES = {"qemu": "mps2-an385", "qemu-m4f": "mps2-an386"}
# the units of work a step of each kind costs at most (reference_convex)
UNITS = {
    "iteration": 1,
    "check": CHECK_UNITS,
    "set-up": FACTOR_UNITS,
    "balance": CHECK_UNITS + FACTOR_UNITS,
}


def host() -> dict[str, Any]:
    """Wall time of the Cython solver: best of 5 (search) and of 50 (solves)."""
    pd, sd = as_dicts(MSL_LIKE)
    out: dict[str, Any] = {}
    best = min(_timed(lambda: py_solve(pd, sd)) for _ in range(5))
    found = py_solve(pd, sd)
    out["search"] = {
        "status": found[0],
        "iterations": found[7],
        "ms": best * 1e3,
        "tf_s": found[1],
        "propellant_kg": found[2],
    }
    tf = found[1]
    cold = min(_timed(lambda: py_solve(pd, sd, tf)) for _ in range(50))
    plan = py_solve(pd, sd, tf)
    out["cold"] = {"status": plan[0], "iterations": plan[3], "ms": cold * 1e3}
    warm = min(_timed(lambda: py_solve(pd, sd, tf, True)) for _ in range(50))
    plan = py_solve(pd, sd, tf, True)
    out["warm"] = {"status": plan[0], "iterations": plan[3], "ms": warm * 1e3}
    return out


def _timed(f: Any) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def emulated(target: str) -> dict[str, Any]:
    """The bench firmware's lines, until it says done (QEMU then killed)."""
    elf = ROOT / "firmware_stub" / "build" / target / "bench-convex.elf"
    if not elf.exists():
        raise SystemExit(f"{elf} is missing: make -C firmware_stub bench-convex")
    args = [
        "qemu-system-arm",
        "-M",
        MACHINES[target],
        "-icount",
        f"shift={ICOUNT_SHIFT},align=off,sleep=on",
        "-nographic",
        "-serial",
        "stdio",
        "-monitor",
        "none",
        "-kernel",
        str(elf),
    ]
    out: dict[str, Any] = {}
    with subprocess.Popen(args, stdout=subprocess.PIPE, text=True) as qemu:
        assert qemu.stdout is not None
        for line in qemu.stdout:
            if line.startswith("done"):
                break
            words = line.split()
            fields = {k: int(v) for k, v in (w.split("=") for w in words[2:])}
            if line.startswith("solve "):
                out[words[1].rsplit("-", 1)[1]] = fields
            elif line.startswith("unit ") and words[1] in UNITS:
                out.setdefault("units", {})[words[1]] = fields
        qemu.kill()
    if "units" in out:
        kinds = out["units"]
        out["unit_instructions_max"] = max(
            kinds[k]["instructions_max"] / n for k, n in UNITS.items() if kinds[k]["count"]
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--target",
        action="append",
        choices=sorted(MACHINES),
        help="an emulated target (repeatable; default both)",
    )
    ap.add_argument("--no-qemu", action="store_true", help="the host figures only")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    results: dict[str, Any] = {"host": host()}
    targets = [] if a.no_qemu else (a.target or sorted(MACHINES))
    results.update({t: emulated(t) for t in targets})
    if a.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return 0
    h = results["host"]
    for what in ("search", "cold", "warm"):
        print(
            f"host      {what:7s} {h[what]['iterations']:6d} iterations  "
            f"{h[what]['ms']:8.2f} ms  status {h[what]['status']}"
        )
    for t in targets:
        for what in ("search", "cold", "warm"):
            r = results[t][what]
            per = r["instructions"] / max(r["iterations"], 1)
            print(
                f"{t:9s} {what:7s} {r['iterations']:6d} iterations  "
                f"{r['instructions'] / 1e6:8.1f} M instructions ({per / 1e3:.0f} k each)"
                f"  status {r['status']}"
            )
        for kind, r in results[t]["units"].items():
            print(
                f"{t:9s} {kind:9s} x{r['count']:<5d} {UNITS[kind]} units  "
                f"{r['instructions_max']:8d} max  {r['instructions_mean']:8d} mean"
            )
        print(
            f"{t:9s} a unit of work: {results[t]['unit_instructions_max']:.0f} instructions at most"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
