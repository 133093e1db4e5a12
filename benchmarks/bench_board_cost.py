"""Benchmark of the law's cost on the emulated boards: every control step of
every built-in landing, in the target's own units, by phase, against the
budget the board declares.

    python benchmarks/bench_board_cost.py [--target T ...] [--scenario NAME ...] [--json]

For each target (default: both emulated ones) and scenario (default: every
flyable built-in one), a lockstep landing through the whole host session
(`hilander board --firmware TARGET`). Reports per landing: the verdict, the
steps, their cost p50 and max and where the maximum fell (step, time, phase),
the steps over budget; per phase: steps, p50 and max (the session's
``link.board_instructions``); and the lockstep
exchanges per second of wall time (the host's figure, the only one here that
depends on the machine).

The costs are instructions under QEMU's instruction counting: the same on
any host, quiet or loaded.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from hilander.hil.board.targets import EMULATED
from hilander.hil.session import open_board
from hilander.sim.result import summarize
from hilander.sim.scenario import builtin_names, load_scenario
from hilander.sim.schema import ScenarioError


def flyable() -> list[str]:
    names = []
    for name in builtin_names():
        try:
            load_scenario(name)
        except ScenarioError:  # refused before flight (mco-units)
            continue
        names.append(name)
    return names


def start_board(target: str) -> tuple[subprocess.Popen[str], str]:
    script = Path(sys.executable).parent / "hilander"
    proc = subprocess.Popen(
        [str(script), "board", "--firmware", target],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def fly_one(target: str, name: str) -> dict[str, Any]:
    proc, port = start_board(target)
    try:
        with open_board(port) as board:
            start = time.perf_counter()
            landing = board.fly(load_scenario(name))
            wall_s = time.perf_counter() - start
            cost = board.link_summary().to_dict()["board_instructions"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    steps = sum(p["steps"] for p in cost["by_phase"].values())
    return {
        "verdict": summarize(landing).verdict,
        "steps": steps,
        **{k: cost[k] for k in ("p50", "max", "max_step", "max_time_s", "max_phase")},
        **{k: cost[k] for k in ("budget", "over_budget", "by_phase")},
        "exchanges_per_s": steps / wall_s,
    }


def print_table(target: str, results: dict[str, dict[str, Any]]) -> None:
    print(f"\n{target}: instructions per control step")
    print(f"{'scenario':20s} {'p50':>8s} {'max':>11s}  {'where':28s} {'over':>5s} {'exch/s':>7s}")
    for name, r in results.items():
        where = f"step {r['max_step']}, {r['max_phase']}"
        print(
            f"{name:20s} {r['p50']:8.0f} {r['max']:11.0f}  {where:28s} "
            f"{r['over_budget']:5d} {r['exchanges_per_s']:7.0f}"
        )
    phases: dict[str, list[float]] = {}
    for r in results.values():
        for p, f in r["by_phase"].items():
            phases.setdefault(p, []).append(f["max"])
    print("max by phase, over all landings: ", end="")
    print(", ".join(f"{p} {max(m):.0f}" for p, m in phases.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", action="append", choices=EMULATED)
    parser.add_argument("--scenario", action="append")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    names = args.scenario or flyable()
    result = {t: {n: fly_one(t, n) for n in names} for t in args.target or EMULATED}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for target, results in result.items():
        print_table(target, results)


if __name__ == "__main__":
    main()
