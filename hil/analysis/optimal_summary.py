"""The summary of ``hilander optimal``: the law's segment beside the fuel
optimum to the same terminal state, and their ratio (docs/optimal.md lists
every key). A plain dict: the optimal command's contract is its JSON."""

from __future__ import annotations

import math
from typing import Any

from hilander.hil.analysis.optimal import LawSegment, Options, Solution, Target, Vehicle
from hilander.sim.scenario import Scenario


def _target_what(s: Scenario, which: str, law_failed: bool) -> str:
    if which == "gate":
        why = " (the law never reached its segment's end)" if law_failed else ""
        return (
            f"the law's gate over the nominal site ({s.law.gate_altitude_m:g} m up, "
            f"descending at {s.law.gate_speed_mps:g} m/s){why}"
        )
    if which == "ground":
        return "at rest on the ground at the nominal site"
    if s.vehicle.legged:
        return (
            "the lander's state where the law arms leg-contact sensing "
            f"({s.law.td_arm_altitude_m:g} m above the ground)"
        )
    return (
        "the descent stage's state at the law's sky-crane start (its aim: "
        f"{s.law.sky_crane_altitude_m:g} m above its site, descending at "
        f"{s.law.sky_crane_speed_mps:g} m/s)"
    )


def optimal_summary(
    s: Scenario,
    controller: str,
    seg: LawSegment | None,
    best: Solution,
    solves: int,
    opt: Options,
    target: Target,
    which: str = "law",
) -> dict[str, Any]:
    """The summary; ``which`` names the target flown to (``target_of``). The
    ratio only where the optimum ends where the law's segment did."""
    return {
        "scenario": {"name": s.name, "source": s.source, "seed": s.seed, "preset": s.preset},
        "target": {
            "what": _target_what(s, which, seg is None),
            "position_m": [round(x, 3) for x in target.position_m],
            "velocity_mps": [round(x, 4) for x in target.velocity_mps],
        },
        "optimal": _optimal_part(s, best, solves, opt),
        "law": {
            "controller": controller,
            "propellant_kg": None if seg is None else round(seg.propellant_kg, 3),
            "time_of_flight_s": None if seg is None else round(seg.time_s, 3),
        },
        "ratio": round(seg.propellant_kg / best.propellant_kg, 4)
        if which == "law" and seg is not None
        else None,
    }


def _optimal_part(s: Scenario, best: Solution, solves: int, opt: Options) -> dict[str, Any]:
    veh = Vehicle.of(s)
    return {
        "propellant_kg": round(best.propellant_kg, 3),
        "time_of_flight_s": round(best.time_of_flight_s, 3),
        "nodes": opt.nodes,
        "glide_slope_deg": None
        if opt.glide_slope_rad is None
        else math.degrees(opt.glide_slope_rad),
        "thrust_min_N": round(veh.thrust_min_N, 1),
        "thrust_max_N": round(veh.thrust_max_N, 1),
        "solves": solves,
        "solve_time_s": round(best.solve_time_s, 4),
    }
