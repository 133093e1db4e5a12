"""Benchmark of the 6-DOF landing's cost against the 3-DOF one (issue 22).

    python benchmarks/bench_sixdof.py [--repeat N] [--json]

Flies the default scenario in the compiled loop (world built before each
timing, no Python per step) with `[sim] dynamics = "3dof"` and `"6dof"`,
alternating the two so that a change in the machine's load falls on both,
and reports for each the median and the best of N landings (ms), ns per
plant step, and the ratio of the 6-DOF median to the 3-DOF median (issue 22's
goal: at most 2.5).

Timings are wall-clock (time.perf_counter) on a shared machine: read the
median, not the best, as the typical figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import numpy as np

from hilander.controller._core import LawCore
from hilander.sim._loop import fly_compiled
from hilander.sim._world import COLUMNS
from hilander.sim.run import fly, telemetry_rows
from hilander.sim.scenario import Scenario, builtin_text, parse_scenario
from hilander.sim.world import build_world

DYNAMICS = ("3dof", "6dof")


def scenario(dynamics: str) -> Scenario:
    """The built-in default scenario in the given dynamics (it has no [sim] table)."""
    text = builtin_text("default") + f'\n[sim]\ndynamics = "{dynamics}"\n'
    return parse_scenario(text, f"<default, {dynamics}>")


def landing_s(s: Scenario) -> tuple[float, int]:
    """Seconds of one landing in the compiled loop, and its plant steps."""
    world, _, _ = build_world(s)
    law = LawCore(s.law.to_params())
    telemetry = np.empty((telemetry_rows(s), len(COLUMNS)))
    start = time.perf_counter()
    fly_compiled(world, law, telemetry)
    elapsed = time.perf_counter() - start
    return elapsed, int(world.state_dict()["step"])


def measure(repeat: int) -> dict[str, Any]:
    scenarios = {d: scenario(d) for d in DYNAMICS}
    for s in scenarios.values():
        fly(s)  # warm the caches: terrain, hazard-map statistics, imports
    times: dict[str, list[float]] = {d: [] for d in DYNAMICS}
    steps = dict.fromkeys(DYNAMICS, 0)
    for _ in range(repeat):
        for d in DYNAMICS:
            elapsed, steps[d] = landing_s(scenarios[d])
            times[d].append(elapsed)
    result: dict[str, Any] = {}
    for d in DYNAMICS:
        median, best = statistics.median(times[d]), min(times[d])
        result[d] = {
            "plant_steps": steps[d],
            "landing_ms": {"median": median * 1e3, "best": best * 1e3},
            "ns_per_plant_step": {"median": median / steps[d] * 1e9},
        }
    result["ratio_6dof_to_3dof"] = {
        "median": result["6dof"]["landing_ms"]["median"] / result["3dof"]["landing_ms"]["median"],
        "best": result["6dof"]["landing_ms"]["best"] / result["3dof"]["landing_ms"]["best"],
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.repeat)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for d in DYNAMICS:
        r = result[d]
        print(
            f"{d}: landing median {r['landing_ms']['median']:.2f} ms "
            f"(best {r['landing_ms']['best']:.2f}), {r['plant_steps']} plant steps, "
            f"{r['ns_per_plant_step']['median']:.0f} ns a step"
        )
    ratio = result["ratio_6dof_to_3dof"]
    print(f"6dof / 3dof: {ratio['median']:.2f} (median), {ratio['best']:.2f} (best)")


if __name__ == "__main__":
    main()
