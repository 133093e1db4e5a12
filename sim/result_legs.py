"""The verdict of a legged landing: on its legs, engines cut off on contact.

A legged lander has no rover, tether or flyaway. It passes when its
footpads touch within the speed limits, clear of hazards, near the site,
when its engines are cut off after the first contact and soon enough, and
when its body never hits the ground.
"""

from __future__ import annotations

import math
from typing import Any

from hilander.sim.summary import EngineCutoff, LandingSummary, Violation
from hilander.sim.vehicle import Limits


def engine_cutoff(rec: dict[str, Any], touched: bool) -> EngineCutoff | None:
    """When the engines were cut off, and how long after the first leg contact."""
    if math.isnan(rec["cutoff_time_s"]):
        return None
    after = rec["cutoff_time_s"] - rec["touchdown_time_s"] if touched else math.nan
    return EngineCutoff(
        time_s=round(rec["cutoff_time_s"], 3),
        after_touchdown_s=None if math.isnan(after) else round(after, 3),
    )


def legged_violations(summary: LandingSummary, rec: dict[str, Any], lim: Limits) -> list[Violation]:
    """Every limit a legged landing broke, as (kind, one sentence)."""
    return (
        _cutoff_violations(summary, lim)
        + _body_violations(rec)
        + _propellant_violations(summary, rec, lim)
    )


def _cutoff_violations(summary: LandingSummary, lim: Limits) -> list[Violation]:
    cut = summary.engine_cutoff
    if cut is None:
        return [("engine_not_cut", "engines never cut off")]
    after = cut.after_touchdown_s
    if after is None or after < 0:
        text = f"engines cut off at {cut.time_s} s, in the air before the legs touched"
        return [("engine_cutoff_early", text)]
    if after > lim.engine_cutoff_delay_max_s:
        text = (
            f"engines cut off {after} s after the legs touched, "
            f"over {lim.engine_cutoff_delay_max_s:g} s"
        )
        return [("engine_cutoff_late", text)]
    return []


def _body_violations(rec: dict[str, Any]) -> list[Violation]:
    impact = rec["stage_impact_time_s"]
    if math.isnan(impact):
        return []
    speed = rec["stage_impact_speed_mps"]
    text = f"lander body hit the ground at {impact:.2f} s at {speed:.2f} m/s"
    return [("body_impact", text)]


def _propellant_violations(
    summary: LandingSummary, rec: dict[str, Any], lim: Limits
) -> list[Violation]:
    out_s, cutoff_s = rec["propellant_out_time_s"], rec["cutoff_time_s"]
    if not math.isnan(out_s) and (math.isnan(cutoff_s) or out_s < cutoff_s):
        return [("propellant_exhausted", f"propellant exhausted at {out_s:.2f} s, before cutoff")]
    left = summary.propellant_at_cut_kg
    if left is not None and left < lim.propellant_reserve_kg:
        text = (
            f"{left} kg of propellant left at engine cutoff, "
            f"under the {lim.propellant_reserve_kg:g} kg reserve"
        )
        return [("propellant_reserve", text)]
    return []
