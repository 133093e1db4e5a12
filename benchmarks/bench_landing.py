"""Benchmark of the desk simulation on a built-in scenario (the default one).

    python benchmarks/bench_landing.py [--repeat N] [--scenario NAME] [--json]

Reports, each as the median and the best of N repetitions on one core:
- a landing in the compiled loop (world already built), ns per plant step;
- building the world: terrain cached (same terrain seed) and generated anew;
- landings per second on one core, with and without building the world;
- the same landing with the pure-Python reference law in the general loop,
  and with the compiled law in the general loop (to separate the law from the
  per-tick Python overhead of the general loop);
- one law step, compiled against reference, on the frames of a real landing:
  the compiled law replayed in C (sim._loop.replay_law, no Python per step)
  and through its Python facade (CompiledLaw.step, dict conversions
  included), against the reference law's step.

Timings are wall-clock (time.perf_counter) on a shared machine: read the
median, not the best, as the typical figure. Instruction counts, which do not
vary, come from valgrind (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from hilander.controller import CompiledLaw, ReferenceLaw
from hilander.controller._core import LawCore
from hilander.controller.interface import SensorFrame, frame_from_dict, frame_to_dict
from hilander.sim._loop import fly_compiled, replay_law
from hilander.sim._world import COLUMNS
from hilander.sim.run import fly, telemetry_rows
from hilander.sim.scenario import Scenario, load_scenario
from hilander.sim.terrain import generate_terrain
from hilander.sim.world import build_world


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, best) seconds of fn over `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def loop_only(s: Scenario, repeat: int) -> tuple[tuple[float, float], int]:
    """The compiled loop alone; the world is built before each timing."""
    times, steps = [], 0
    for _ in range(repeat):
        world, _, _ = build_world(s)
        law = LawCore(s.law.to_params())
        telemetry = np.empty((telemetry_rows(s), len(COLUMNS)))
        start = time.perf_counter()
        fly_compiled(world, law, telemetry)
        times.append(time.perf_counter() - start)
        steps = int(world.state_dict()["step"])
    return (statistics.median(times), min(times)), steps


def new_terrain(s: Scenario) -> Callable[[], object]:
    seeds = iter(range(1_000_000))

    def build() -> object:  # a new seed each call: never a cache hit
        return generate_terrain(s.terrain, s.vehicle, next(seeds))

    return build


def recorded_frames(s: Scenario) -> list[SensorFrame]:
    world, _, hazard_map = build_world(s)
    law, frames = CompiledLaw(), []
    law.reset(s.law)
    rows = np.empty((telemetry_rows(s), len(COLUMNS)))
    from hilander.controller.interface import command_to_dict  # noqa: PLC0415

    while not world.done:
        sensed = world.sense()
        frame = frame_from_dict(sensed, hazard_map if sensed["hazard_map_ready"] else None)
        frames.append(frame)
        command = command_to_dict(law.step(frame))
        world.command(command)
        world.record(command, rows[world.tick])
        world.advance()
    return frames


def replay_time(s: Scenario, frames: list[SensorFrame]) -> float:
    """Seconds per step of the compiled law replayed in C (best of 5)."""
    m = next((f.hazard_map for f in frames if f.hazard_map is not None), None)
    dicts = [frame_to_dict(f) for f in frames]
    best = float("inf")
    for _ in range(5):
        law = LawCore(s.law.to_params())
        if m is not None:  # a lander without a hazard sensor has none
            law.load_hazard_map(m.cost, m.elevation_m, m.cell_size_m, m.origin_S_m)
        best = min(best, replay_law(law, dicts)[1])
    return best / len(frames)


def law_step_time(law: Any, s: Scenario, frames: list[SensorFrame]) -> float:
    """Seconds per step of a law over the frames of a whole landing (best of 3)."""
    best = float("inf")
    for _ in range(3):
        law.reset(s.law)
        start = time.perf_counter()
        for frame in frames:
            law.step(frame)
        best = min(best, time.perf_counter() - start)
    return best / len(frames)


def measure(repeat: int, name: str = "default") -> dict[str, Any]:
    s = load_scenario(name)
    fly(s)  # warm the caches: terrain, hazard-map statistics, imports
    (loop_median, loop_best), steps = loop_only(s, repeat)
    build_cached = timed(lambda: build_world(s), repeat)
    build_new = timed(new_terrain(s), max(3, repeat // 4))
    full = timed(lambda: fly(s), repeat)
    reference = timed(lambda: fly(s, ReferenceLaw()), max(3, repeat // 10))
    general = timed(lambda: fly(s, CompiledLaw()), max(3, repeat // 10))
    frames = recorded_frames(s)
    step_replayed = replay_time(s, frames)
    step_facade = law_step_time(CompiledLaw(), s, frames)
    step_reference = law_step_time(ReferenceLaw(), s, frames)
    return {
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "plant_steps": steps,
        "control_ticks": len(frames),
        "landing_loop_ms": {"median": loop_median * 1e3, "best": loop_best * 1e3},
        "ns_per_plant_step": {"median": loop_median / steps * 1e9, "best": loop_best / steps * 1e9},
        "build_world_ms_terrain_cached": {"median": build_cached[0] * 1e3},
        "build_terrain_ms_new_seed": {"median": build_new[0] * 1e3},
        "landings_per_s_one_core": {
            "loop_only": 1.0 / loop_median,
            "with_world_build_terrain_cached": 1.0 / full[0],
            "with_new_terrain": 1.0 / (full[0] + build_new[0]),
        },
        "reference_landing_ms": {"median": reference[0] * 1e3},
        "compiled_law_general_loop_ms": {"median": general[0] * 1e3},
        "speedup_landing_compiled_vs_reference": reference[0] / loop_median,
        "law_step_us": {
            "compiled_in_C": step_replayed * 1e6,
            "compiled_through_facade": step_facade * 1e6,
            "reference": step_reference * 1e6,
        },
        "speedup_law_step_compiled_vs_reference": step_reference / step_replayed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--scenario", default="default", help="a built-in scenario or a file")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.repeat, args.scenario)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        if isinstance(value, dict):
            text = ", ".join(f"{k} {v:.3g}" for k, v in value.items())
        else:
            text = f"{value:.3g}" if isinstance(value, float) else str(value)
        print(f"{key:<42} {text}")


if __name__ == "__main__":
    main()
