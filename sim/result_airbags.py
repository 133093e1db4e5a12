"""The verdict of an airbag landing: RADs fired, bridle cut above the ground,
the lander's first impact on its airbags within their limits.

An airbag lander has no tether, engine cutoff or flyaway. Its backshell's
fall after the cut is reported (``flyaway``) and judged against
``flyaway_distance_min_m`` like a descent stage's.
"""

from __future__ import annotations

import math
from typing import Any

from hilander.sim.summary import BridleCut, LandingSummary, Violation


def bridle_cut(rec: dict[str, Any], touched: bool) -> BridleCut | None:
    """When the bridle was cut, and how long before the first impact."""
    if math.isnan(rec["cut_time_s"]):
        return None
    before = rec["touchdown_time_s"] - rec["cut_time_s"] if touched else math.nan
    return BridleCut(
        time_s=round(rec["cut_time_s"], 3),
        before_touchdown_s=None if math.isnan(before) else round(before, 3),
    )


def airbag_violations(summary: LandingSummary, rec: dict[str, Any]) -> list[Violation]:
    """The RADs and the bridle, as (kind, one sentence)."""
    out: list[Violation] = []
    if math.isnan(rec["rad_fire_time_s"]):
        out.append(("rad_not_fired", "RAD rockets never fired"))
    cut = summary.bridle_cut
    if cut is None:
        out.append(("bridle_not_cut", "bridle never cut"))
    elif cut.before_touchdown_s is not None and cut.before_touchdown_s < 0:
        text = f"bridle cut at {cut.time_s} s, after the lander hit the ground"
        out.append(("bridle_cut_late", text))
    return out
