"""The Limits table of a landing's report: each limit the verdict judges
(hilander.sim.result and its legged and airbag variants), what it requires,
the landing's value, the margin (how far inside the limit, in its unit;
negative: past it) and pass or fail.

A limit with no value to judge (no touchdown, no cut, a stage still in the
air) shows ``-``: the violations above the table say why.
"""

from __future__ import annotations

from dataclasses import dataclass

from hilander.hil.report.html import Cell, Flag, Table, number
from hilander.sim.summary import LandingSummary
from hilander.sim.vehicle import Limits

NOTE = (
    "margin: how far the value is inside its limit, in its unit (negative: past it); "
    "for a band, to the nearer bound"
)


@dataclass(frozen=True)
class Bound:
    """One judged figure: its name, unit, value, and the band it must lie in
    (None: no bound on that side)."""

    name: str
    unit: str
    value: float | None
    low: float | None = None
    high: float | None = None

    def required(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{number(self.low)} to {number(self.high)} {self.unit}"
        if self.high is not None:
            return f"≤ {number(self.high)} {self.unit}"
        return f"≥ {number(self.low or 0.0)} {self.unit}"

    def margin(self) -> float | None:
        if self.value is None:
            return None
        sides = []
        if self.low is not None:
            sides.append(self.value - self.low)
        if self.high is not None:
            sides.append(self.high - self.value)
        return min(sides)

    def row(self) -> list[Cell]:
        m = self.margin()
        if self.value is None or m is None:
            return [self.name, self.required(), None, None, None]
        sign = "+" if m >= 0 else "-"
        return [
            self.name,
            self.required(),
            f"{number(self.value)} {self.unit}",
            f"{sign}{number(abs(m))} {self.unit}",
            Flag("pass" if m >= 0 else "fail"),
        ]


def bounds(s: LandingSummary, lim: Limits) -> list[Bound]:
    """Every numeric limit the verdict of this landing system judges."""
    td = s.touchdown
    out = [
        Bound(
            "touchdown vertical speed",
            "m/s",
            td.vertical_speed_mps if td else None,
            lim.touchdown_vertical_speed_min_mps,
            lim.touchdown_vertical_speed_max_mps,
        ),
        Bound(
            "touchdown horizontal speed",
            "m/s",
            td.horizontal_speed_mps if td else None,
            high=lim.touchdown_horizontal_speed_max_mps,
        ),
        Bound(
            "distance to the chosen site",
            "m",
            td.distance_to_site_m if td else None,
            high=lim.site_miss_max_m,
        ),
    ]
    return out + _system_bounds(s, lim)


def _system_bounds(s: LandingSummary, lim: Limits) -> list[Bound]:
    """The cut or cutoff, the stage's (or backshell's) fall and the propellant."""
    system, out = s.scenario.landing_system, []
    if system == "sky_crane":
        after = s.tether_cut.after_touchdown_s if s.tether_cut else None
        low, high = lim.tether_cut_delay_min_s, lim.tether_cut_delay_max_s
        out.append(Bound("tether cut after touchdown", "s", after, low, high))
    if system == "legs":
        after = s.engine_cutoff.after_touchdown_s if s.engine_cutoff else None
        high = lim.engine_cutoff_delay_max_s
        out.append(Bound("engine cutoff after touchdown", "s", after, 0.0, high))
    if system != "legs":
        what = "backshell" if system == "airbags" else "descent stage"
        whom = "rover" if system == "sky_crane" else "lander"
        distance = s.flyaway.impact_distance_m if s.flyaway else None
        low = lim.flyaway_distance_min_m
        out.append(Bound(f"{what} down from the {whom}", "m", distance, low))
    if system != "airbags":
        at = "engine cutoff" if system == "legs" else "the cut"
        left, low = s.propellant_at_cut_kg, lim.propellant_reserve_kg
        out.append(Bound(f"propellant left at {at}", "kg", left, low))
    return out


def limits_table(s: LandingSummary, lim: Limits) -> Table:
    """The Limits table: a row per bound, then the touchdown's hazard check."""
    rows = [b.row() for b in bounds(s, lim)]
    td = s.touchdown
    if td is not None:
        hazard = "on a hazard" if td.on_hazard else "clear"
        rows.append(
            [
                "touchdown on a hazard",
                "clear",
                hazard,
                None,
                Flag("fail" if td.on_hazard else "pass"),
            ]
        )
    return Table("Limits", ["limit", "required", "value", "margin", "result"], rows, NOTE)
