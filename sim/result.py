"""The summary of a landing and its verdict against the limits.

``summarize(landing)`` returns a ``LandingSummary`` (hilander.sim.summary),
the output contract of ``hilander sim --json``: see docs/quickstart.md for
every key.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from hilander.controller.interface import Phase, Status
from hilander.sim.result_airbags import airbag_violations, bridle_cut
from hilander.sim.result_legs import engine_cutoff, legged_violations
from hilander.sim.result_sixdof import attitude, sixdof_violations
from hilander.sim.run import NUMERICAL_FAULT, Landing
from hilander.sim.summary import (
    Events,
    Flyaway,
    Guidance,
    LandingSummary,
    Number,
    PhaseStart,
    ScenarioRef,
    SimFigures,
    Site,
    TetherCut,
    Touchdown,
    Violation,
)
from hilander.sim.vehicle import Limits


def _num(x: float, digits: int = 4) -> float | None:
    """A JSON-friendly number: rounded, None for NaN or inf (a numerical fault's)."""
    return None if x is None or not math.isfinite(x) else round(float(x), digits)


def phases(landing: Landing) -> list[PhaseStart]:
    """Each phase entered, in order, with the time it started."""
    phase, time_s = landing.column("phase"), landing.column("time_s")
    out: list[PhaseStart] = []
    previous = None
    for p, t in zip(phase, time_s, strict=True):
        if p != previous:
            out.append(PhaseStart(Phase(int(p)).label, _num(t, 3)))
            previous = p
    return out


def touchdown(landing: Landing) -> Touchdown | None:
    rec = landing.records
    if math.isnan(rec["touchdown_time_s"]):
        return None
    vx, vy, vz = rec["touchdown_velocity_S_mps"]
    x, y, _ = rec["touchdown_position_S_m"]
    site = site_S_m(landing)
    return Touchdown(
        time_s=_num(rec["touchdown_time_s"], 3),
        vertical_speed_mps=_num(-vz),
        horizontal_speed_mps=_num(math.hypot(vx, vy)),
        position_m=(_num(x, 3), _num(y, 3)),
        distance_to_target_m=_num(math.hypot(x, y), 3),
        distance_to_site_m=_num(math.hypot(x - site[0], y - site[1]), 3),
        on_hazard=bool(rec["touchdown_on_hazard"]),
        stowed=bool(rec["touchdown_attached"]) and not landing.scenario.vehicle.legged,
    )


def site_S_m(landing: Landing) -> tuple[float, float, float]:
    """The landing site the law flew to at the end."""
    if not len(landing.telemetry):
        return (math.nan, math.nan, math.nan)
    last = landing.telemetry[-1]
    c = landing.columns
    return (
        float(last[c.index("site_x_m")]),
        float(last[c.index("site_y_m")]),
        float(last[c.index("site_z_m")]),
    )


def tether_cut(rec: dict[str, Any], touched: bool) -> TetherCut | None:
    if math.isnan(rec["cut_time_s"]):
        return None
    after = rec["cut_time_s"] - rec["touchdown_time_s"] if touched else math.nan
    return TetherCut(time_s=_num(rec["cut_time_s"], 3), after_touchdown_s=_num(after, 3))


def flyaway(rec: dict[str, Any]) -> Flyaway | None:
    """Where the descent stage came down after the cut, or None."""
    if math.isnan(rec["cut_time_s"]) or math.isnan(rec["stage_impact_time_s"]):
        return None
    ix, iy, _ = rec["stage_impact_position_S_m"]
    rx, ry, _ = rec["rover_position_S_m"]
    return Flyaway(
        impact_distance_m=_num(math.hypot(ix - rx, iy - ry), 2),
        impact_time_s=_num(rec["stage_impact_time_s"], 3),
        impact_speed_mps=_num(rec["stage_impact_speed_mps"], 2),
    )


def summarize(landing: Landing) -> LandingSummary:
    """The summary of a landing: what happened, and its verdict."""
    rec, s = landing.records, landing.scenario
    td = touchdown(landing)
    site = site_S_m(landing)
    system = s.vehicle.landing_system
    summary = LandingSummary(
        scenario=ScenarioRef(s.name, s.source, s.seed, s.preset, system),
        controller=landing.controller,
        verdict="pass",
        violations=[],
        violation_kinds=[],
        touchdown=td,
        tether_cut=tether_cut(rec, td is not None) if system == "sky_crane" else None,
        engine_cutoff=engine_cutoff(rec, td is not None) if system == "legs" else None,
        bridle_cut=bridle_cut(rec, td is not None) if system == "airbags" else None,
        propellant_used_kg=_num(
            s.vehicle.propellant_mass_kg - _last(landing.column("propellant_kg")), 3
        ),
        propellant_at_cut_kg=_num(rec["propellant_at_cut_kg"], 3),
        flyaway=flyaway(rec),
        site=Site((_num(site[0], 3), _num(site[1], 3)), _num(math.hypot(site[0], site[1]), 3)),
        phases=phases(landing),
        events=_events(rec),
        sim=_sim(landing),
        attitude=attitude(landing),
        guidance=guidance(landing),
    )
    return judged(summary, landing, rec)


def guidance(landing: Landing) -> Guidance | None:
    """Convex guidance's figures, or None for the Apollo law."""
    if landing.scenario.law.guidance != "convex":
        return None
    status = landing.column("status").astype(int)
    infeasible = (status & int(Status.PLAN_INFEASIBLE)) != 0
    first = landing.column("time_s")[infeasible][:1]
    first_s = _num(first[0], 3) if len(first) else None
    planning = (status & int(Status.PLANNING)) != 0
    return Guidance(
        name="convex",
        plan_infeasible_s=first_s,
        plan_infeasible_steps=int(infeasible.sum()),
        planning_steps=int(planning.sum()),
        planning_longest_s=_num(_longest_run(planning) / landing.scenario.law.control_rate_Hz, 3),
    )


def _longest_run(flags: Any) -> int:
    """The most consecutive True in flags."""
    longest = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest


def judged(summary: LandingSummary, landing: Landing, rec: dict[str, Any]) -> LandingSummary:
    """The summary with its violations and verdict."""
    s = landing.scenario
    found = violations(summary, rec, s.limits, s.vehicle.landing_system)
    found += sixdof_violations(summary, s.limits)
    verdict = "fail" if found else "pass"
    if landing.aborted is not None:
        verdict = landing.aborted.kind
        found.insert(0, ("aborted", f"flight aborted: {landing.aborted.reason}"))
        if verdict == NUMERICAL_FAULT:  # what else it broke is moot: the numbers failed
            found = [(NUMERICAL_FAULT, landing.aborted.reason)]
    fault_s = rec["numerical_fault_time_s"]
    if not math.isnan(fault_s):  # what else it broke is moot: the numbers went wrong
        text = (
            f"the simulation went non-finite (NaN or inf) at {fault_s:.3f} s: parameters "
            "outside what the plant step can integrate (stiffness over mass, thrust, rates)"
        )
        found, verdict = [(NUMERICAL_FAULT, text)], NUMERICAL_FAULT
    return dataclasses.replace(
        summary,
        verdict=verdict,
        violations=[text for _, text in found],
        violation_kinds=[kind for kind, _ in found],
    )


def _last(column: Any) -> float:
    return float(column[-1]) if len(column) else math.nan


def _sim(landing: Landing) -> SimFigures:
    return SimFigures(
        steps=landing.plant_steps,
        control_ticks=len(landing.telemetry),
        wall_time_s=round(landing.wall_time_s, 6),
        plant_rate_Hz=landing.scenario.sim.plant_rate_Hz,
        control_rate_Hz=landing.scenario.vehicle.control_rate_Hz,
    )


def _events(rec: dict[str, Any]) -> Events:
    return Events(
        hazard_map_s=_num(rec["hazard_time_s"], 3),
        rover_release_s=_num(rec["release_time_s"], 3),
        tether_cut_s=_num(rec["cut_time_s"], 3),
        engine_cutoff_s=_num(rec["cutoff_time_s"], 3),
        rad_fire_s=_num(rec["rad_fire_time_s"], 3),
        propellant_out_s=_num(rec["propellant_out_time_s"], 3),
        bridle_tension_max_N=_num(rec["bridle_tension_max_N"], 1),
    )


def num(x: Number) -> float:
    """A summary figure as a float to compare (NaN where it has none)."""
    return math.nan if x is None else x


def violations(
    summary: LandingSummary, rec: dict[str, Any], lim: Limits, system: str = "sky_crane"
) -> list[Violation]:
    """Every limit the landing broke, as (kind, one sentence)."""
    touchdown = _touchdown_violations(summary.touchdown, lim, system)
    if system == "legs":
        return touchdown + legged_violations(summary, rec, lim)
    if system == "airbags":
        return touchdown + airbag_violations(summary, rec) + _flyaway_violations(summary, lim)
    return (
        touchdown
        + _tether_violations(summary, lim)
        + _stage_violations(summary, rec, lim)
        + _propellant_violations(summary, rec, lim)
    )


def _stage_violations(summary: LandingSummary, rec: dict[str, Any], lim: Limits) -> list[Violation]:
    impact, cut = rec["stage_impact_time_s"], summary.tether_cut
    if not math.isnan(impact) and (cut is None or impact < rec["cut_time_s"]):
        text = f"descent stage hit the ground at {impact:.2f} s, before the tether cut"
        return [("stage_impact_before_cut", text)]
    if cut is not None and summary.flyaway is None:
        text = "descent stage still flying when the simulation ended (max_time_s)"
        return [("stage_still_flying", text)]
    return _flyaway_violations(summary, lim)


def _flyaway_violations(summary: LandingSummary, lim: Limits) -> list[Violation]:
    fa = summary.flyaway
    if fa and num(fa.impact_distance_m) < lim.flyaway_distance_min_m:
        text = (
            f"descent stage came down {fa.impact_distance_m} m from "
            f"the rover, under {lim.flyaway_distance_min_m:g} m"
        )
        return [("flyaway_distance", text)]
    return []


def _propellant_violations(
    summary: LandingSummary, rec: dict[str, Any], lim: Limits
) -> list[Violation]:
    out_s, cut = rec["propellant_out_time_s"], summary.tether_cut
    if not math.isnan(out_s) and (cut is None or out_s < rec["cut_time_s"]):
        return [("propellant_exhausted", f"propellant exhausted at {out_s:.2f} s, before the cut")]
    if cut is not None and num(summary.propellant_at_cut_kg) < lim.propellant_reserve_kg:
        text = (
            f"{summary.propellant_at_cut_kg} kg of propellant left at the cut, "
            f"under the {lim.propellant_reserve_kg:g} kg reserve"
        )
        return [("propellant_reserve", text)]
    return []


def _tether_violations(summary: LandingSummary, lim: Limits) -> list[Violation]:
    cut, td = summary.tether_cut, summary.touchdown
    if cut is None:
        return [("tether_not_cut", "tether never cut")]
    after = num(cut.after_touchdown_s)
    if td is None or after < 0:
        return [
            ("tether_cut_early", f"tether cut at {cut.time_s} s, before the rover touched down")
        ]
    if not lim.tether_cut_delay_min_s <= after <= lim.tether_cut_delay_max_s:
        return [
            (
                "tether_cut_delay",
                f"tether cut {cut.after_touchdown_s} s after touchdown, outside "
                f"[{lim.tether_cut_delay_min_s:g}, {lim.tether_cut_delay_max_s:g}] s",
            )
        ]
    return []


def _touchdown_violations(
    td: Touchdown | None, lim: Limits, system: str = "sky_crane"
) -> list[Violation]:
    if td is None:
        return [
            ("no_touchdown", f"{'rover' if system == 'sky_crane' else 'lander'} never touched down")
        ]
    if td.stowed:
        text = (
            "rover hit the ground still stowed under the descent stage at "
            f"{td.vertical_speed_mps} m/s"
        )
        return [("touchdown_stowed", text)]
    out = []
    v, h = td.vertical_speed_mps, td.horizontal_speed_mps
    low, high = lim.touchdown_vertical_speed_min_mps, lim.touchdown_vertical_speed_max_mps
    if not low <= num(v) <= high:
        text = f"touchdown vertical speed {v} m/s outside [{low:g}, {high:g}] m/s"
        out.append(("touchdown_vertical_speed", text))
    if num(h) > (h_max := lim.touchdown_horizontal_speed_max_mps):
        text = f"touchdown horizontal speed {h} m/s over {h_max:g} m/s"
        out.append(("touchdown_horizontal_speed", text))
    if td.on_hazard:
        x, y = td.position_m
        out.append(("touchdown_on_hazard", f"touchdown on a hazard at ({x}, {y}) m"))
    miss = td.distance_to_site_m
    if num(miss) > lim.site_miss_max_m:
        text = f"touchdown {miss} m from the chosen site, over {lim.site_miss_max_m:g} m"
        out.append(("site_miss", text))
    return out
