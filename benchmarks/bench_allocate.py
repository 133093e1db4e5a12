"""Benchmark of the engine allocator on the emulated boards: the C copy in
float32 (hl_allocate_warm), instructions under QEMU's instruction counting
(the same on any host), cold and warm.

    python benchmarks/bench_allocate.py [--target T ...] [--json]

Cases (firmware_stub/hal/cortex-m/bench_allocate.c): an MSL-like hover, the
same at its ceiling asked for 3 kN m of pitch, and the 16-engine case that
took the most solves (27) of those hypothesis found; each cold, then warm
from the cold answer's held set for the same request ("same") and for 1 %
more torque ("next"). Sweeps: a hover with a slow pitch and roll sweep (400
calls, up to 7 kN m; MSL-like and a ring of sixteen), every call cold or
each from the previous call's held set (the calls after the first).
The emulated figures need `make -C firmware_stub bench-allocate`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from hilander.hil.board.targets import ICOUNT_SHIFT

ROOT = Path(__file__).resolve().parents[1]
MACHINES = {"qemu": "mps2-an385", "qemu-m4f": "mps2-an386"}


def emulated(target: str) -> dict[str, Any]:
    """The bench firmware's lines, until it says done (QEMU then killed)."""
    elf = ROOT / "firmware_stub" / "build" / target / "bench-allocate.elf"
    if not elf.exists():
        raise SystemExit(f"{elf} is missing: make -C firmware_stub bench-allocate")
    args = ["qemu-system-arm", "-M", MACHINES[target], "-icount"]
    args += [f"shift={ICOUNT_SHIFT},align=off,sleep=on", "-nographic", "-serial", "stdio"]
    args += ["-monitor", "none", "-kernel", str(elf)]
    out: dict[str, Any] = {"case": {}, "sweep": {}}
    with subprocess.Popen(args, stdout=subprocess.PIPE, text=True) as qemu:
        assert qemu.stdout is not None
        for line in qemu.stdout:
            if line.startswith("done"):
                break
            what, name, *words = line.split()
            fields = dict(w.split("=") for w in words)
            start = fields.pop("start")
            out[what].setdefault(name, {})[start] = {k: int(v) for k, v in fields.items()}
        qemu.kill()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--target",
        action="append",
        choices=sorted(MACHINES),
        help="an emulated target (repeatable; default both)",
    )
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    results = {t: emulated(t) for t in a.target or sorted(MACHINES)}
    if a.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return 0
    for t, r in results.items():
        for name, starts in r["case"].items():
            for start, f in starts.items():
                print(
                    f"{t:9s} {name:18s} {start:5s} {f['solves']:3d} solves "
                    f"{f['instructions']:9,d} instructions  bits {f['bits']}"
                )
        for name, starts in r["sweep"].items():
            for start, f in starts.items():
                print(
                    f"{t:9s} sweep {name:12s} {start:5s} {f['solves_mean_x100'] / 100:5.2f} solves "
                    f"a call ({f['solves_max']} at most)  {f['instructions_mean']:9,d} "
                    f"instructions a call ({f['instructions_max']:,d} at most)"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
