"""Benchmark of a landing's summary: ``summarize(landing)`` (the typed
record) and its ``to_json()``, beside the landing itself.

    python benchmarks/bench_summary.py [--repeat 5]

Wall-clock on a shared machine: run it twice and read the slower.
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable

from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario


def best_us(call: Callable[[], object], number: int, repeat: int) -> float:
    return min(timeit.repeat(call, number=number, repeat=repeat)) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scenario = load_scenario("default")
    landing = fly(scenario)
    summary = summarize(landing)
    figures = {
        "summarize_us": best_us(lambda: summarize(landing), 2000, args.repeat),
        "to_json_us": best_us(summary.to_json, 2000, args.repeat),
        "landing_us": best_us(lambda: fly(scenario), 20, args.repeat),
    }
    for name, value in figures.items():
        print(f"{name:<14}{value:10.1f}")


if __name__ == "__main__":
    main()
