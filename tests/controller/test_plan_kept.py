"""A site search that moves the site to a cell no plan reaches gives way to
the site it left, when a plan reached that one and the map shows its cell
safe (``PlanState.kept``, design C in controller/_plan.pyx): the reference
and the compiled law alike, on a map, and a landing that touched down on a
hazard without it. The C copy is held to the compiled one by the law's
back-to-back tests (tests/firmware/test_law_back_to_back.py,
``kept-site+convex``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from hilander.controller import CompiledLaw, Event, LawConfig, ReferenceLaw, SensorFrame, Status
from hilander.controller.reference_guidance import SiteQuery
from hilander.controller.reference_plan import PlanState
from hilander.controller.reference_search import SiteSearch
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from tests.common.law import VEHICLE, flat_map, frame, with_map

# The default scenario's powered-descent start, 200 m west and 150 m north
# of the site, 1.8 km over flat ground; 278 kg of propellant: a plan reaches
# the site, none a cell 180 m from it.
START = {
    "nav_position_S_m": (-200.0, 150.0, 1789.3),
    "nav_velocity_S_mps": (15.0, -5.0, -85.0),
    "radar_altitude_m": 1789.3,
}
CONFIG = LawConfig(
    **{**VEHICLE, "propellant_mass_kg": 278.0},
    guidance="convex",
    site_clearance_min_m=100.0,
)
# A 640 m map of 40 m cells; hazards ring the four cells about the site, so
# those are safe but short of 100 m clear, and the search prefers a cell
# clear by 100 m, 180 m away.
RING = [(i, j) for i in range(6, 10) for j in range(6, 10) if not (7 <= i <= 8 and 7 <= j <= 8)]
CENTRE = [(i, j) for i in (7, 8) for j in (7, 8)]
SEARCH_ENDS = 7  # the map comes on step 1, and its search takes 6 steps


Step = tuple[Status, bool, tuple[float, float, float]]


def _fly(
    law: type | CompiledLaw | ReferenceLaw,
    hazards: list[tuple[int, int]],
    config: LawConfig = CONFIG,
) -> list[Step]:
    """(status, a site selected so far, site) on each of 10 steps; the map
    comes on step 1. law: a law, or its class."""
    law = law() if isinstance(law, type) else law
    law.reset(config)
    out = []
    for k in range(10):
        f: SensorFrame = frame(k, config, **START)
        if k == 1:
            f = with_map(f, flat_map(16, 40.0, hazards))
        c = law.step(f)
        out.append((Status(c.status), bool(c.events & Event.SITE_SELECTED), c.site_S_m))
    return out


def test_a_site_no_plan_reaches_gives_way_to_the_site_it_left() -> None:
    flights = [_fly(cls, RING) for cls in (ReferenceLaw, CompiledLaw)]
    for steps in flights:
        status, _, site = steps[0]
        assert not status & Status.PLAN_INFEASIBLE and site == (0.0, 0.0, 0.0)
        assert not steps[SEARCH_ENDS - 1][1]
        status, selected, site = steps[SEARCH_ENDS]
        assert selected, "the search ends and selects"
        assert status & Status.PLAN_INFEASIBLE, "no plan to the cell it chose"
        assert site == (0.0, 0.0, 0.0), "the site it left"
        assert not steps[SEARCH_ENDS + 1][0] & Status.PLAN_INFEASIBLE, "flown as a plan to it"
    assert flights[0] == flights[1]


def test_a_site_on_a_hazard_is_not_kept() -> None:
    """The site's own cells are hazards: no plan to the cell the search
    chose, and the least miss toward it flies (its end the site, the bit on)."""
    flights = [_fly(cls, RING + CENTRE) for cls in (ReferenceLaw, CompiledLaw)]
    for steps in flights:
        status, selected, site = steps[SEARCH_ENDS]
        assert selected and status & Status.PLAN_INFEASIBLE
        assert float(np.hypot(site[0], site[1])) > 20.0, "the least miss's end"
        assert steps[-1][0] & Status.PLAN_INFEASIBLE
    np.testing.assert_allclose(flights[0][SEARCH_ENDS][2], flights[1][SEARCH_ENDS][2], atol=1e-3)


def test_a_search_that_ends_lets_a_failed_law_plan_again() -> None:
    """With 260 kg no plan reaches the site from the first step, nor the
    least miss's widest disc: the Apollo law flies (``PlanState.failed``).
    The map's search ends on step SEARCH_ENDS, and convex guidance plans
    again from that step (none reaches the new cell either, so the Apollo law
    flies on): the replan's time is that step's, in both copies alike."""
    config = dataclasses.replace(CONFIG, propellant_mass_kg=260.0, site_clearance_min_m=60.0)
    flights, plans = [], []
    for cls in (ReferenceLaw, CompiledLaw):
        law = cls()
        flights.append(_fly(law, RING + CENTRE, config))
        state = law.s.plan if isinstance(law, ReferenceLaw) else law._core.state_dict()["plan"]
        plans.append(state if isinstance(state, dict) else dataclasses.asdict(state))
    assert flights[0] == flights[1]
    status, selected, site = flights[0][SEARCH_ENDS]
    assert flights[0][0][0] & Status.PLAN_INFEASIBLE and flights[0][0][2] == (0.0, 0.0, 0.0)
    assert selected and status & Status.PLAN_INFEASIBLE and site == (-20.0, -140.0, 0.0)
    for plan in plans:
        assert plan["failed"] and not plan["valid"]
        assert (
            plan["next_replan_s"] == SEARCH_ENDS / config.control_rate_Hz + config.replan_period_s
        )


def _query(x_m: float, y_m: float) -> SiteQuery:
    return SiteQuery(
        nominal_S_m=(0.0, 0.0),
        current_S_m=(x_m, y_m),
        tgo_s=30.0,
        accel_divert_mps2=3.0,
        mass_kg=2000.0,
        exhaust_velocity_mps=2157.0,
        cost_safe_max=0.03,
        clearance_min_m=100.0,
        clearance_pref_m=120.0,
        divert_max_m=600.0,
        weight_clearance=1.0,
        weight_distance=1.0,
        weight_propellant=1.0,
        propellant_scale_kg=20.0,
    )


@pytest.mark.parametrize(
    ("x_m", "y_m", "hazards", "tier"),
    [
        (0.0, 0.0, RING, 1),  # the ring's inside, on the corner of 4 cells: safe, 40 m clear
        (-60.0, -60.0, RING, 2),  # on the ring
        (-20.0, -180.0, RING, 0),  # the cell the search chooses: 100 m clear
        (500.0, 0.0, RING, -1),  # off the map
        (0.0, 0.0, [(8, 8)], 2),  # one of the 4 cells at the corner a hazard: the worst
        (0.0, 0.0, [(7, 7)], 2),  # whichever comes first
    ],
)
def test_the_search_tells_the_worst_tier_of_the_cells_under_its_site(
    x_m: float, y_m: float, hazards: list[tuple[int, int]], tier: int
) -> None:
    search = SiteSearch(flat_map(16, 40.0, hazards), _query(x_m, y_m))
    assert search.advance(search.units)
    assert search.here_tier == tier


def test_a_site_on_a_hazardous_corner_is_not_kept() -> None:
    """The site at the corner of four cells, one of them a hazard: not
    kept, as the ring's centre all hazards is not."""
    flights = [_fly(cls, [*RING, (8, 8)]) for cls in (ReferenceLaw, CompiledLaw)]
    for steps in flights:
        status, selected, site = steps[SEARCH_ENDS]
        assert selected and status & Status.PLAN_INFEASIBLE
        assert site != (0.0, 0.0, 0.0)
    np.testing.assert_allclose(flights[0][SEARCH_ENDS][2], flights[1][SEARCH_ENDS][2], atol=1e-3)


def test_a_landing_keeps_a_site_the_plan_reaches() -> None:
    """tests/data/kept-site.toml (run 620 of the envelope at 2x): the map's
    search moved the site from the nominal one to a cell 46 m away that no
    plan reaches; the least miss toward it ended 3.3 m from a hazard, and
    the landing touched down on it. Kept, the nominal site (a safe cell by
    the map) is flown to, and the landing passes on it."""
    path = Path(__file__).parents[1] / "data" / "kept-site.toml"
    summary = summarize(fly(load_scenario(str(path))))
    assert summary.verdict == "pass", summary.violations
    assert summary.site.distance_to_target_m == 0.0
    assert summary.touchdown is not None and summary.touchdown.distance_to_site_m < 5.0


@pytest.mark.parametrize(
    ("valid", "missed", "new", "tier", "kept"),
    [
        (True, False, [40.0, 0.0, 1.0], 1, True),  # a plan to it, safe, the site moved
        (True, False, [40.0, 0.0, 1.0], 0, True),
        (True, False, [0.0, 0.0, 0.0], 0, False),  # the search chose the same site
        (True, False, [40.0, 0.0, 1.0], 2, False),  # a hazard under it
        (True, False, [40.0, 0.0, 1.0], -1, False),  # off the map
        (True, True, [40.0, 0.0, 1.0], 0, False),  # the least miss flies to it
        (False, False, [40.0, 0.0, 1.0], 0, False),  # no plan in hand
    ],
)
def test_which_site_a_search_leaves_is_kept(
    valid: bool, missed: bool, new: list[float], tier: int, kept: bool
) -> None:
    pl = PlanState(valid=valid, missed=missed, failed=not valid)
    pl.leave([0.0, 0.0, 0.0], new, tier)
    assert not pl.valid and not pl.failed, "plan again, after a failure too"
    assert pl.kept == ([0.0, 0.0, 0.0] if kept else None)


def test_no_plan_at_the_start_plans_again_after_the_map() -> None:
    """tests/data/no-plan-then-map.toml (run 1599 of the envelope at 2x): at
    0.00 s no plan at the plan's 0.8 ceiling reaches the site, nor the
    widest disc, and the Apollo law flies; it landed 306 m from the site the
    map's search chose at 0.48 s. A site search that ends lets convex
    guidance plan again: the least miss finds a plan then, and the landing
    passes on its end."""
    path = Path(__file__).parents[1] / "data" / "no-plan-then-map.toml"
    summary = summarize(fly(load_scenario(str(path))))
    assert summary.verdict == "pass", summary.violations
    assert summary.touchdown is not None and summary.touchdown.distance_to_site_m < 5.0
    assert summary.guidance is not None, "convex guidance flew"
    assert summary.guidance.plan_infeasible_steps > 0, "and said it found no plan to the site"
