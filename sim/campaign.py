"""One run of a campaign: the scenario dispersed for run ``k``, flown, and
reduced to one row of figures (the per-run table of ``hilander campaign``).

The figures (METRICS) are declared once here, with their unit, which way is
worse and the tolerance a baseline gives them by default; the campaign
summary, the per-run CSV, the baselines and the docs all read this table.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hilander.controller.interface import FlightComputer
from hilander.sim.dispersions import draws, flat_draws, run_seed
from hilander.sim.result import summarize
from hilander.sim.run import Landing, fly
from hilander.sim.scenario import Scenario, check_flyable
from hilander.sim.schema import ScenarioError
from hilander.sim.summary import LandingSummary
from hilander.sim.vehicle import Limits


@dataclass(frozen=True)
class Metric:
    """A per-run figure: its name (with unit), which way is worse
    (``up``, ``down`` or ``both``), a default baseline tolerance and a meaning."""

    name: str
    worse: str
    tolerance: float
    doc: str


METRICS = (
    Metric("touchdown_vertical_speed_mps", "both", 0.01, "rover vertical speed at touchdown"),
    Metric("touchdown_horizontal_speed_mps", "up", 0.01, "rover horizontal speed at touchdown"),
    Metric("distance_to_site_m", "up", 0.05, "touchdown to the site the law chose"),
    Metric("distance_to_target_m", "both", 0.5, "touchdown to the nominal target"),
    Metric("touchdown_time_s", "both", 0.1, "time of touchdown"),
    Metric("tether_cut_delay_s", "both", 0.02, "tether cut after touchdown"),
    Metric("engine_cutoff_delay_s", "up", 0.02, "legs: engine cutoff after the first contact"),
    Metric("propellant_used_kg", "up", 0.5, "propellant burnt in the whole flight"),
    Metric("propellant_at_cut_kg", "down", 0.5, "propellant left at the tether cut"),
    Metric("flyaway_distance_m", "down", 1.0, "descent-stage impact to the rover"),
    Metric("bridle_tension_max_N", "up", 50.0, "largest bridle tension"),
    Metric("limit_use", "up", 0.01, "largest fraction of a limit used (1 = at a limit)"),
    Metric(
        "propellant_ratio",
        "up",
        0.01,
        "propellant to the sky-crane start over the fuel-optimal (sampled runs)",
    ),
)
METRIC_NAMES = tuple(m.name for m in METRICS)
# where each run came down and where its law aimed (site frame: east, north);
# per-run columns for the campaign's map, not figures a baseline checks
POSITION_NAMES = ("touchdown_x_m", "touchdown_y_m", "site_x_m", "site_y_m")
# a failed run checked against the fuel optimum (campaign --check-failures):
# the optimum's propellant to the gate, and 1 if it leaves the law's reserve
CHECK_NAMES = ("optimum_to_gate_kg", "flyable")
VERDICT_ERROR = "error"


def dispersed(scenario: Scenario, campaign_seed: int, run: int) -> Scenario:
    """Run ``run`` of the campaign, named "NAME run K": the dispersions drawn,
    the seed derived."""
    values = draws(scenario.dispersions, campaign_seed, run)
    try:
        s = apply_draws(scenario, values, run_seed(campaign_seed, run))
    except ValueError as e:
        raise ScenarioError(f"{scenario.source}: run {run}: {e}") from None
    return dataclasses.replace(s, name=f"{scenario.name} run {run}")


def apply_draws(scenario: Scenario, values: dict[str, Any], seed: int) -> Scenario:
    """The scenario with the drawn values in place of the nominal ones. The
    law keeps what it was told: a drawn [vehicle] value changes the true
    vehicle only (a written scenario states the law's in [law.vehicle])."""
    by_table: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        table, field = name.split(".", 1)
        by_table.setdefault(table, {})[field] = value
    changes: dict[str, Any] = {
        table: dataclasses.replace(getattr(scenario, table), **fields)
        for table, fields in by_table.items()
    }
    drawn = dataclasses.replace(scenario, seed=seed, dispersions=(), **changes)
    check_flyable(drawn, "the drawn values")  # what is flown is what a written file loads
    return drawn


def fly_run(
    scenario: Scenario,
    campaign_seed: int,
    run: int,
    make: Callable[[], FlightComputer] | None = None,
    label: str | None = None,
    extra: Callable[[Landing, str], dict[str, float]] | None = None,
) -> dict[str, Any]:
    """One row of the per-run table. A run that raises is recorded with
    verdict ``error`` and the exception's message; it never propagates.
    ``extra`` adds figures computed from the landing and its verdict (the
    optimum's ratio, a failure's check against the optimum)."""
    row: dict[str, Any] = {"run": run, "seed": run_seed(campaign_seed, run)}
    row["verdict"] = VERDICT_ERROR
    try:
        values = draws(scenario.dispersions, campaign_seed, run)
        row.update(flat_draws(scenario.dispersions, values))
        s = apply_draws(scenario, values, row["seed"])
        landing = fly(s, None if make is None else make(), name=label)
        summary = summarize(landing)
        figures = {} if extra is None else extra(landing, summary.verdict)
    except Exception as e:  # a run that raises is recorded, never fatal
        row["error"] = f"{type(e).__name__}: {e}".splitlines()[0]
        return row
    row["verdict"] = summary.verdict
    row.update(metrics(summary, s.limits))
    row.update(positions(summary))
    row.update(figures)
    row["violations"] = "; ".join(summary.violations)
    row["violation_kinds"] = summary.violation_kinds
    return row


def metrics(summary: LandingSummary, lim: Limits) -> dict[str, float]:
    """The METRICS of one landing's summary (NaN where it has none)."""
    td, cut, cutoff = summary.touchdown, summary.tether_cut, summary.engine_cutoff
    fa = summary.flyaway
    out: dict[str, float | None] = {
        "touchdown_vertical_speed_mps": td.vertical_speed_mps if td else None,
        "touchdown_horizontal_speed_mps": td.horizontal_speed_mps if td else None,
        "distance_to_site_m": td.distance_to_site_m if td else None,
        "distance_to_target_m": td.distance_to_target_m if td else None,
        "touchdown_time_s": td.time_s if td else None,
        "tether_cut_delay_s": cut.after_touchdown_s if cut else None,
        "engine_cutoff_delay_s": cutoff.after_touchdown_s if cutoff else None,
        "propellant_used_kg": summary.propellant_used_kg,
        "propellant_at_cut_kg": summary.propellant_at_cut_kg,
        "flyaway_distance_m": fa.impact_distance_m if fa else None,
        "bridle_tension_max_N": summary.events.bridle_tension_max_N,
    }
    figures = {k: math.nan if v is None else float(v) for k, v in out.items()}
    figures["limit_use"] = limit_use(figures, lim, summary.scenario.landing_system)
    figures["propellant_ratio"] = math.nan  # filled in on the runs sampled for it
    return figures


def positions(summary: LandingSummary) -> dict[str, float]:
    """The POSITION_NAMES of one landing (NaN where it has none)."""

    def xy(p: tuple[float | None, float | None] | None) -> tuple[float, float]:
        if p is None or p[0] is None or p[1] is None:
            return (math.nan, math.nan)
        return (float(p[0]), float(p[1]))

    td = xy(summary.touchdown.position_m if summary.touchdown else None)
    site = xy(summary.site.position_m)
    return dict(zip(POSITION_NAMES, (*td, *site), strict=True))


def limit_use(f: dict[str, float], lim: Limits, system: str | None = "sky_crane") -> float:
    """The largest fraction of a limit the landing used: 0 in the middle of
    every band, 1 at the edge of one, above 1 past it; NaN with no touchdown
    (or no tether cut; on legs, no engine cutoff after touchdown)."""

    def band(value: float, low: float, high: float) -> float:
        half = (high - low) / 2
        return abs(value - (low + high) / 2) / half if half > 0 else 0.0

    uses = [
        band(
            f["touchdown_vertical_speed_mps"],
            lim.touchdown_vertical_speed_min_mps,
            lim.touchdown_vertical_speed_max_mps,
        ),
        f["touchdown_horizontal_speed_mps"] / lim.touchdown_horizontal_speed_max_mps,
        f["distance_to_site_m"] / lim.site_miss_max_m,
    ]
    if system == "legs":
        uses.append(f["engine_cutoff_delay_s"] / lim.engine_cutoff_delay_max_s)
    elif system != "airbags":
        uses.append(
            band(f["tether_cut_delay_s"], lim.tether_cut_delay_min_s, lim.tether_cut_delay_max_s)
        )
    if lim.propellant_reserve_kg > 0:
        uses.append(lim.propellant_reserve_kg / max(f["propellant_at_cut_kg"], 1e-9))
    if lim.flyaway_distance_min_m > 0:
        uses.append(lim.flyaway_distance_min_m / max(f["flyaway_distance_m"], 1e-9))
    return math.nan if any(math.isnan(u) for u in uses) else max(uses)
