"""Benchmark of the 6-DOF world's rigid-body step (sim/_rigid.pyx).

    python benchmarks/bench_rigid.py [--repeat N] [--steps N] [--json]

Reports, as the median and the best of N repetitions on one core, ns per plant
step of one body stepped in compiled code (no Python per step), over 100 s of
flight at 1 kHz by default:
- rigid_step alone (no engines), the body tumbling at a few tenths of rad/s;
- engine_wrench of eight canted engines (MSL's descent stage has eight), the
  force turned into the site frame, then rigid_step: the plant's per-step cost
  of one rigid body under its engines.

Timings are wall-clock (time.perf_counter) on a shared machine: read the
median, not the best, as the typical figure.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from typing import Any

import numpy as np

from hilander.sim._rigid import py_mass_properties, py_rigid_run

ENGINES = 8
CANT_RAD = 0.3


Vec3 = tuple[float, float, float]


def engine_layout() -> tuple[list[Vec3], list[Vec3], float, list[float]]:
    angles = [2 * math.pi * i / ENGINES for i in range(ENGINES)]
    position = [(1.5 * math.cos(a), 1.5 * math.sin(a), -0.5) for a in angles]
    direction = [
        (-math.sin(CANT_RAD) * math.cos(a), -math.sin(CANT_RAD) * math.sin(a), math.cos(CANT_RAD))
        for a in angles
    ]
    throttle = [0.5 + 0.002 * math.cos(a) for a in angles]  # a little torque, as an allocator's
    return position, direction, 3060.0, throttle


def per_step_ns(engines: Any, steps: int, repeat: int) -> tuple[float, float]:
    """(median, best) ns per step of `steps` steps, recorded only at the end."""
    mass, com, inertia, _ = py_mass_properties(
        1200.0, (0.0, 0.0, 0.8), (3000.0, 3200.0, 4500.0), 390.0, (0.0, 0.0, 0.6), 0.5
    )
    start = np.array([0, 0, 2000.0, 0, 0, -80.0, 1.0, 0, 0, 0, 0.1, -0.2, 0.3])
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        py_rigid_run(
            start, mass, com, inertia, (0, 0, 0), (0, 0, 0), 3.71, 1e-3, steps, steps, engines
        )
        times.append((time.perf_counter() - begin) / steps * 1e9)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = {
        "rigid_step_ns": per_step_ns(None, args.steps, args.repeat),
        "engine_wrench_and_rigid_step_ns": per_step_ns(engine_layout(), args.steps, args.repeat),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name, (median, best) in result.items():
        print(f"{name:34s} median {median:7.1f}  best {best:7.1f}")


if __name__ == "__main__":
    main()
