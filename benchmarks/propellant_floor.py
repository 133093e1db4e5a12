"""Where a law's propellant goes over the fuel optimum: the part its gate costs.

    python benchmarks/propellant_floor.py benchmarks/convex/envelope.toml -n 300 --every 10

The campaign's propellant ratio (``campaign --optimal-every``) holds a law
to the optimum from the powered-descent start to the law's own sky-crane
start, an optimum that brakes at full thrust down to 20 m. A law with
hilander's terminal phases must pass the gate (``gate_altitude_m`` over its
site, descending at ``gate_speed_mps``) and brake from there at the gate's
constant deceleration. For each sampled run (run k of the file's campaign,
seed 1, k a multiple of --every) this prints, over that same optimum:

- ``law``: the law's own propellant (the campaign's ``propellant_ratio``);
- ``gate``: the optimum to the gate over the site the law landed for, plus
  the terminal descent from the gate at its constant deceleration: what any
  law that passes the gate spends at least;
- ``ceiling``: the same with the optimum held to ``plan_throttle_max`` of
  the thrust, as convex guidance plans (docs/law.md).

Needs the analysis extra (cvxpy): ``pip install 'hilander[analysis]'``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import statistics
import sys
from multiprocessing import Pool

import numpy as np

from hilander.hil.analysis.optimal import (
    PAST_THE_DESCENT,
    Options,
    Target,
    Vehicle,
    law_segment,
    optimum_for,
    solve_free_time,
)
from hilander.sim.campaign import dispersed
from hilander.sim.run import Landing, fly
from hilander.sim.scenario import Scenario, load_scenario

NODES = 40  # as the campaign's ratio: the optimum moves < 0.1 % from 40 to 60 nodes


def site_of(landing: Landing) -> tuple[float, float, float]:
    """The site the law flew for at its sky-crane start."""
    i = int(np.flatnonzero(np.isin(landing.column("phase"), PAST_THE_DESCENT))[0])
    return tuple(float(landing.column(f"site_{a}_m")[i]) for a in "xyz")  # type: ignore[return-value]


def through_the_gate_kg(s: Scenario, site: tuple[float, float, float], ceiling: float) -> float:
    """The optimum to the gate over the site (its thrust held to ceiling of
    the engines'), plus the terminal descent from the gate at its constant
    deceleration to the sky-crane start."""
    law, vehicle = s.law, Vehicle.of(s)
    v = dataclasses.replace(vehicle, thrust_max_N=vehicle.thrust_max_N * ceiling)
    gate = Target(
        (site[0], site[1], site[2] + law.gate_altitude_m), (0.0, 0.0, -law.gate_speed_mps)
    )
    to_gate, _ = solve_free_time(
        v, s.initial.position_m, s.initial.velocity_mps, gate, Options(NODES)
    )
    decel_mps2 = law.gate_decel_mps2
    brake_s = (law.gate_speed_mps - law.sky_crane_speed_mps) / decel_mps2
    at_gate_kg = vehicle.mass_kg - to_gate.propellant_kg
    # the mass flow per kg of mass: the thrust holds it up and brakes it
    flow_per_s = vehicle.alpha_s_per_m * (vehicle.gravity_mps2 + decel_mps2)
    return to_gate.propellant_kg + at_gate_kg * (1.0 - math.exp(-flow_per_s * brake_s))


def one_run(args: tuple[str, int]) -> tuple[int, float, float, float]:
    path, k = args
    s = dispersed(load_scenario(path), 1, k)
    landing = fly(s)
    seg = law_segment(landing)
    if seg is None:
        return k, math.nan, math.nan, math.nan
    best, _ = optimum_for(s, seg.target, Options(NODES))
    site = site_of(landing)
    gate = through_the_gate_kg(s, site, 1.0)
    ceiling = through_the_gate_kg(s, site, s.law.plan_throttle_max)
    return k, *(x / best.propellant_kg for x in (seg.propellant_kg, gate, ceiling))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("-n", type=int, default=300, help="the campaign's runs (default 300)")
    ap.add_argument("--every", type=int, default=10, help="sample every this many runs")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    with Pool(a.workers) as pool:
        rows = pool.map(one_run, [(a.scenario, k) for k in range(0, a.n, a.every)])
    print(f"{'run':>5} {'law':>7} {'gate':>7} {'ceiling':>7}")
    for k, *ratios in rows:
        print(f"{k:>5} " + " ".join(f"{r:7.4f}" for r in ratios))
    for name, col in (("law", 1), ("gate", 2), ("ceiling", 3)):
        got = [r[col] for r in rows if not math.isnan(r[col])]
        print(f"{name}: mean {statistics.fmean(got):.4f}, max {max(got):.4f}, over {len(got)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
