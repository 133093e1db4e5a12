"""The Limits table of a landing's report: each limit the verdict judges
(hilander.sim.result and its legged and airbag variants), what it requires,
the landing's value, the margin (how far inside the limit, in its unit;
negative: past it), the result and the violation's kind.

The result is the verdict's own, never judged again here: a row fails when
the summary's ``violation_kinds`` holds its kind, and passes when the judge
checked it and found nothing. A limit the judge did not check for this
landing (a touchdown stowed under the stage, a cut that never came) says
``not judged: why``; its value and margin stay as figures. Every violation
kind with no numeric row (``no_touchdown``, ``tether_not_cut``, ...) is a
fail row of its own, with the violation's sentence as its value: every
fail row is in ``violation_kinds``, and every kind has its fail row.
"""

from __future__ import annotations

from dataclasses import dataclass

from hilander.hil.report.html import Cell, Flag, Table, number
from hilander.sim.run import NUMERICAL_FAULT
from hilander.sim.summary import LandingSummary
from hilander.sim.vehicle import Limits

NOTE = (
    "result: the verdict's (summary.json violation_kinds); margin: how far the value is "
    "inside its limit, in its unit (negative: past it); for a band, to the nearer bound"
)
COLUMNS = ["limit", "required", "value", "margin", "result", "violation"]

# Every violation kind with no numeric row: (the limit, what it requires).
OWN_ROWS = {
    "no_touchdown": ("touchdown", "a touchdown"),
    "touchdown_stowed": ("rover released before touchdown", "not stowed under the stage"),
    "tether_not_cut": ("tether cut", "cut after touchdown"),
    "tether_cut_early": ("tether cut with the rover down", "after touchdown"),
    "stage_impact_before_cut": ("descent stage down after the cut", "not before the cut"),
    "stage_still_flying": ("descent stage down", "before the end of the simulation"),
    "propellant_exhausted": ("propellant lasts", "not exhausted before the cut or cutoff"),
    "engine_not_cut": ("engine cutoff", "engines cut off"),
    "engine_cutoff_early": ("engine cutoff on the ground", "after the legs touch"),
    "body_impact": ("lander body clear of the ground", "on its legs only"),
    "rad_not_fired": ("RAD rockets", "fired"),
    "bridle_not_cut": ("bridle cut", "cut"),
    "bridle_cut_late": ("bridle cut before the first impact", "above the ground"),
    "aborted": ("flight flown to its end", "not aborted"),
    NUMERICAL_FAULT: ("simulation finite", "no NaN or inf"),
}


@dataclass(frozen=True)
class Bound:
    """One judged figure: its name, unit, value, the band it must lie in
    (None: no bound on that side), its violation kind, and why the judge
    did not check it for this landing ("": it did)."""

    name: str
    unit: str
    value: float | None
    low: float | None = None
    high: float | None = None
    kind: str = ""
    unjudged: str = ""

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

    def row(self, kinds: list[str]) -> list[Cell]:
        m = self.margin()
        value = None if self.value is None else f"{number(self.value)} {self.unit}"
        margin = None if m is None else f"{'+' if m >= 0 else '-'}{number(abs(m))} {self.unit}"
        return [self.name, self.required(), value, margin, *result(self.kind, self.unjudged, kinds)]


def result(kind: str, unjudged: str, kinds: list[str]) -> list[Cell]:
    """The result and violation cells of a row: the verdict's."""
    if kind in kinds:
        return [Flag("fail"), kind]
    if unjudged:
        return [f"not judged: {unjudged}", ""]
    return [Flag("pass"), ""]


def _unjudged(kinds: list[str], *why: tuple[bool, str]) -> str:
    """The first reason that holds, after a numerical fault (which ends all judging)."""
    if NUMERICAL_FAULT in kinds:
        return "the simulation went non-finite"
    return next((text for holds, text in why if holds), "")


def bounds(s: LandingSummary, lim: Limits) -> list[Bound]:
    """Every numeric limit the verdict of this landing system judges."""
    td, kinds = s.touchdown, s.violation_kinds
    skip = _unjudged(
        kinds, (td is None, "no touchdown"), (td is not None and td.stowed, "touched down stowed")
    )
    out = [
        Bound(
            "touchdown vertical speed",
            "m/s",
            td.vertical_speed_mps if td else None,
            lim.touchdown_vertical_speed_min_mps,
            lim.touchdown_vertical_speed_max_mps,
            "touchdown_vertical_speed",
            skip,
        ),
        Bound(
            "touchdown horizontal speed",
            "m/s",
            td.horizontal_speed_mps if td else None,
            high=lim.touchdown_horizontal_speed_max_mps,
            kind="touchdown_horizontal_speed",
            unjudged=skip,
        ),
        Bound(
            "distance to the chosen site",
            "m",
            td.distance_to_site_m if td else None,
            high=lim.site_miss_max_m,
            kind="site_miss",
            unjudged=skip,
        ),
    ]
    return out + _system_bounds(s, lim)


def _system_bounds(s: LandingSummary, lim: Limits) -> list[Bound]:
    """The cut or cutoff, the stage's (or backshell's) fall and the propellant."""
    system, kinds = s.scenario.landing_system, s.violation_kinds
    out = []
    if system == "sky_crane":
        after = s.tether_cut.after_touchdown_s if s.tether_cut else None
        low, high = lim.tether_cut_delay_min_s, lim.tether_cut_delay_max_s
        skip = _unjudged(
            kinds,
            (s.tether_cut is None, "tether never cut"),
            ("tether_cut_early" in kinds, "cut before touchdown"),
        )
        out.append(
            Bound("tether cut after touchdown", "s", after, low, high, "tether_cut_delay", skip)
        )
    if system == "legs":
        after = s.engine_cutoff.after_touchdown_s if s.engine_cutoff else None
        skip = _unjudged(
            kinds,
            (s.engine_cutoff is None, "engines never cut off"),
            ("engine_cutoff_early" in kinds, "cut off before touchdown"),
        )
        high = lim.engine_cutoff_delay_max_s
        out.append(
            Bound(
                "engine cutoff after touchdown", "s", after, 0.0, high, "engine_cutoff_late", skip
            )
        )
    return out + _fall(s, lim) + _propellant(s, lim) + _attitude(s, lim)


def _attitude(s: LandingSummary, lim: Limits) -> list[Bound]:
    """6-DOF: the stage's tilt and rate at touchdown, a lander's lean after it."""
    a, td, kinds = s.attitude, s.touchdown, s.violation_kinds
    if a is None:
        return []
    skip = _unjudged(
        kinds, (td is None, "no touchdown"), (td is not None and td.stowed, "touched down stowed")
    )
    rows = [
        ("stage tilt at touchdown", "rad", a.touchdown_tilt_rad, lim.touchdown_tilt_max_rad),
        ("stage rate at touchdown", "rad/s", a.touchdown_rate_radps, lim.touchdown_rate_max_radps),
    ]
    kinds_of = ["touchdown_tilt", "touchdown_rate"]
    if s.scenario.landing_system == "legs":
        lean = a.lean_rad
        rows.append(("lean after touchdown (tip-over)", "rad", lean, lim.tip_over_tilt_rad))
        kinds_of.append("tip_over")
    return [
        Bound(name, unit, value, None, high, kind, skip)
        for (name, unit, value, high), kind in zip(rows, kinds_of, strict=True)
    ]


def _fall(s: LandingSummary, lim: Limits) -> list[Bound]:
    """Where the descent stage (or backshell) came down from the rover (or lander)."""
    system, kinds = s.scenario.landing_system, s.violation_kinds
    if system == "legs":
        return []
    what = "backshell" if system == "airbags" else "descent stage"
    whom = "rover" if system == "sky_crane" else "lander"
    skip = _unjudged(
        kinds,
        ("stage_impact_before_cut" in kinds, "down before the cut"),
        (s.flyaway is None, f"the {what} never came down after a cut"),
    )
    distance = s.flyaway.impact_distance_m if s.flyaway else None
    low = lim.flyaway_distance_min_m
    return [
        Bound(f"{what} down from the {whom}", "m", distance, low, None, "flyaway_distance", skip)
    ]


def _propellant(s: LandingSummary, lim: Limits) -> list[Bound]:
    """The propellant left at the cut (sky crane) or the engine cutoff (legs)."""
    system, kinds = s.scenario.landing_system, s.violation_kinds
    if system == "airbags":
        return []
    at = "engine cutoff" if system == "legs" else "the cut"
    cut = s.engine_cutoff if system == "legs" else s.tether_cut
    skip = _unjudged(
        kinds,
        ("propellant_exhausted" in kinds, "propellant exhausted"),
        (cut is None or s.propellant_at_cut_kg is None, f"no {at.removeprefix('the ')}"),
    )
    left, low = s.propellant_at_cut_kg, lim.propellant_reserve_kg
    return [Bound(f"propellant left at {at}", "kg", left, low, None, "propellant_reserve", skip)]


def _hazard_row(s: LandingSummary) -> list[Cell]:
    """Whether the touchdown is clear of hazards: judged as the speeds are."""
    td, kinds = s.touchdown, s.violation_kinds
    skip = _unjudged(
        kinds, (td is None, "no touchdown"), (td is not None and td.stowed, "touched down stowed")
    )
    value = None if td is None else ("on a hazard" if td.on_hazard else "clear")
    return [
        "touchdown on a hazard",
        "clear",
        value,
        None,
        *result("touchdown_on_hazard", skip, kinds),
    ]


def own_rows(s: LandingSummary) -> list[list[Cell]]:
    """A fail row for each violation with no numeric row, its sentence as the value."""
    rows: list[list[Cell]] = []
    for kind, text in zip(s.violation_kinds, s.violations, strict=True):
        if kind in NUMERIC_KINDS:
            continue
        name, required = OWN_ROWS.get(kind, (kind.replace("_", " "), "-"))
        rows.append([name, required, text, None, Flag("fail"), kind])
    return rows


NUMERIC_KINDS = frozenset(
    {
        "touchdown_vertical_speed",
        "touchdown_horizontal_speed",
        "site_miss",
        "touchdown_on_hazard",
        "tether_cut_delay",
        "engine_cutoff_late",
        "flyaway_distance",
        "propellant_reserve",
        "touchdown_tilt",
        "touchdown_rate",
        "tip_over",
    }
)


def limits_table(s: LandingSummary, lim: Limits) -> Table:
    """The Limits table: a row per bound, the touchdown's hazard check, then
    a row for each violation that has no bound."""
    kinds = s.violation_kinds
    rows = [b.row(kinds) for b in bounds(s, lim)]
    rows.append(_hazard_row(s))
    return Table("Limits", COLUMNS, rows + own_rows(s), NOTE)
