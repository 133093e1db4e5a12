"""The verdict a 6-DOF world adds ([sim] dynamics = "6dof"): the descent
stage's attitude at touchdown, and a legged lander's tip-over.

The stage must touch down within touchdown_tilt_max_rad of vertical and
turning slower than touchdown_rate_max_radps (a sky crane: the stage as the
rover's wheels touch; a lander: as its first footpad does). A legged lander
has tipped over when, at the end (the state that persists: a lean that
recovers is not a tip-over), it leans over an edge of its support polygon
past its stability angle, tip_over_tilt_rad (lean_rad: the centre of mass
projected along the vertical onto the footpads' plane, its reach toward the
nearest edge over its height; on any slope, past the angle of a vehicle's
own geometry is the centre of mass outside the support polygon). A sky
crane's rover is a point mass in this version: no tip-over is judged for it.
"""

from __future__ import annotations

import math

import numpy as np

from hilander.sim.run import Landing
from hilander.sim.summary import Attitude, LandingSummary, Violation
from hilander.sim.vehicle import Limits

RATE_COLUMNS = ("rate_x_radps", "rate_y_radps", "rate_z_radps")


def _num(x: float, digits: int = 4) -> float | None:
    return None if not math.isfinite(x) else round(float(x), digits)


def attitude(landing: Landing) -> Attitude | None:
    """The stage's attitude figures of a 6-DOF landing (None in 3-DOF)."""
    if landing.scenario.sim.dynamics != "6dof":
        return None
    rec = landing.records
    tilt = landing.column("tilt_rad")
    rates = np.stack([landing.column(c) for c in RATE_COLUMNS], axis=-1)
    rate = np.sqrt((rates**2).sum(axis=-1)) if len(rates) else rates
    return Attitude(
        touchdown_tilt_rad=_num(rec["touchdown_tilt_rad"]),
        touchdown_rate_radps=_num(rec["touchdown_rate_radps"]),
        tilt_max_after_touchdown_rad=_num(rec["tilt_max_after_touchdown_rad"]),
        lean_rad=_num(rec["lean_rad"]),
        tilt_max_rad=_num(float(tilt.max())) if len(tilt) else None,
        rate_max_radps=_num(float(rate.max())) if len(rate) else None,
    )


def sixdof_violations(summary: LandingSummary, lim: Limits) -> list[Violation]:
    """Every 6-DOF limit the landing broke, as (kind, one sentence)."""
    a, td = summary.attitude, summary.touchdown
    if a is None or td is None or td.stowed:
        return []
    out: list[Violation] = []
    tilt, rate = a.touchdown_tilt_rad, a.touchdown_rate_radps
    if tilt is not None and tilt > lim.touchdown_tilt_max_rad:
        text = (
            f"descent stage tilted {math.degrees(tilt):.1f} deg at touchdown, over "
            f"{math.degrees(lim.touchdown_tilt_max_rad):.1f} deg"
        )
        out.append(("touchdown_tilt", text))
    if rate is not None and rate > lim.touchdown_rate_max_radps:
        text = (
            f"descent stage turning at {rate} rad/s at touchdown, "
            f"over {lim.touchdown_rate_max_radps:g} rad/s"
        )
        out.append(("touchdown_rate", text))
    lean = a.lean_rad
    legged = summary.scenario.landing_system == "legs"
    if legged and lean is not None and lean > lim.tip_over_tilt_rad:
        text = (
            f"lander tipped over: it stays leaning {math.degrees(lean):.1f} deg over its "
            f"support polygon's edge, past its stability angle of "
            f"{math.degrees(lim.tip_over_tilt_rad):.1f} deg"
        )
        out.append(("tip_over", text))
    return out
