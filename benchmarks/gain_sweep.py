"""Sweep the augmented Apollo gain over corner and random envelope cases.

    python benchmarks/gain_sweep.py [GAIN ...]      (default: 6 7 8 9 10 12)

For each gain: how many landings fail their limits, and the propellant used
(mean, 95th percentile, max) over the 64 corners of the envelope (altitude
1.5/2.2 km, descent 60/100 m/s, horizontal 0/40 m/s toward or away from the
target, offset 0/600 m, mass -5/+5 %, 15 m/s cross wind) and 60 random cases.
The figures in docs/law.md come from this script.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import sys
from collections.abc import Iterator

import numpy as np

from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import Scenario, load_scenario
from hilander.sim.settings import InitialState, WindParams

Vec3 = tuple[float, float, float]


def cases() -> Iterator[tuple[Vec3, Vec3, float]]:
    corners = itertools.product([1500, 2200], [60, 100], [0, 40], [0, 600], [0.95, 1.05], [1, -1])
    for alt, descent, speed, offset, mass, away in corners:
        yield (offset, 0.0, alt), (away * speed, 0.0, -descent), mass
    rng = np.random.default_rng(5)
    for _ in range(60):
        alt, descent, speed = rng.uniform(1500, 2200), rng.uniform(60, 100), rng.uniform(0, 40)
        heading, offset, bearing = (
            rng.uniform(0, 2 * math.pi),
            rng.uniform(0, 600),
            rng.uniform(0, 2 * math.pi),
        )
        yield (
            (offset * math.cos(bearing), offset * math.sin(bearing), alt),
            (speed * math.cos(heading), speed * math.sin(heading), -descent),
            rng.uniform(0.95, 1.05),
        )


def scenario(base: Scenario, gain: float, position: Vec3, velocity: Vec3, mass: float) -> Scenario:
    v = base.vehicle
    vehicle = dataclasses.replace(
        v,
        rover_mass_kg=v.rover_mass_kg * mass,
        descent_stage_dry_mass_kg=v.descent_stage_dry_mass_kg * mass,
    )
    return dataclasses.replace(
        base,
        vehicle=vehicle,
        initial=InitialState(position, velocity),
        law=base.law.replace(guidance_gain=gain),
        wind=WindParams((0.0, 15.0), 1.0, 3.0),
    )


def main() -> None:
    base = load_scenario("default")
    gains = [float(g) for g in sys.argv[1:]] or [6.0, 7.0, 8.0, 9.0, 10.0, 12.0]
    print("| gain k | landings | failed | propellant used, mean [kg] | p95 [kg] | max [kg] |")
    print("|---|---|---|---|---|---|")
    for gain in gains:
        used, failed = [], 0
        for position, velocity, mass in cases():
            s = summarize(fly(scenario(base, gain, position, velocity, mass)))
            used.append(s.propellant_used_kg)
            failed += s.verdict != "pass"
        print(
            f"| {gain:g} | {len(used)} | {failed} | {np.mean(used):.1f} | "
            f"{np.percentile(used, 95):.1f} | {np.max(used):.1f} |"
        )


if __name__ == "__main__":
    main()
