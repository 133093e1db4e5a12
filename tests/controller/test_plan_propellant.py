"""The propellant convex guidance plans with: what was loaded (`propellant_mass_kg`,
told) less what the mass estimate has fallen by since the law's start, not
the estimate less a dry mass it is told. A campaign's `[vehicle]` draws
change the true masses only; booked from a told dry mass, a stage 165 kg
lighter than told found no plan with propellant it had (run 26 of the 2x
campaign) and one 83 kg heavier planned with propellant it did not have
(run 123). The C copy is held to the Cython one in tests/firmware."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hilander.controller import CompiledLaw, LawConfig, ReferenceLaw
from hilander.controller.reference_plan import PlanState, convex_problem
from hilander.sim.campaign import dispersed
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from tests.common.law import MASS_KG, VEHICLE, frame

CONVEX = LawConfig(**VEHICLE, guidance="convex")
START = {"nav_position_S_m": (-200.0, 150.0, 1789.3), "nav_velocity_S_mps": (15.0, -5.0, -85.0)}
WIDE_2X = Path(__file__).resolve().parents[2] / "benchmarks" / "convex" / "wide-2x.toml"


def booked_dry_kg(law: Any) -> float:
    """The dry mass the law's plans end at (before the reserve)."""
    if isinstance(law, ReferenceLaw):
        return float(law.s.plan.dry_mass_kg)
    return float(law._core.state_dict()["plan"]["dry_mass_kg"])


@pytest.mark.parametrize("law_cls", [CompiledLaw, ReferenceLaw])
@pytest.mark.parametrize("true_dry_kg", [1554.0, 1719.0, 1802.0])
def test_the_plan_books_the_propellant_loaded(law_cls: type, true_dry_kg: float) -> None:
    """Whatever the vehicle weighs, the first plan may spend the 390 kg
    loaded less the reserve; ten steps later, less what the estimate fell by."""
    law = law_cls()
    law.reset(CONVEX)
    m0 = true_dry_kg + VEHICLE["propellant_mass_kg"]
    law.step(frame(0, CONVEX, mass_estimate_kg=m0, **START))
    assert booked_dry_kg(law) == m0 - 390.0
    later = frame(10, CONVEX, mass_estimate_kg=m0 - 12.5, **START)
    q = convex_problem(CONVEX, PlanState(dry_mass_kg=booked_dry_kg(law)), [0.0, 0.0, 0.0], later)
    assert q.mass_kg - q.dry_mass_kg == pytest.approx(390.0 - 12.5 - CONVEX.plan_reserve_kg)


def test_a_load_larger_than_the_vehicle_books_no_negative_dry_mass(law_cls: type) -> None:
    """A law told more propellant than its vehicle weighs (a wrong PARAMS)
    books a dry mass of 1 kg, not a negative one the solver takes a log of."""
    law = law_cls()
    law.reset(CONVEX.replace(propellant_mass_kg=5000.0))
    law.step(frame(0, CONVEX, mass_estimate_kg=MASS_KG, **START))
    assert booked_dry_kg(law) == 1.0


@pytest.mark.parametrize(
    ("run", "dry_offset_kg", "to_the_site"), [(26, -165, True), (193, -146, True), (123, 83, False)]
)
def test_a_stage_off_its_told_mass_plans_with_what_it_has(
    run: int, dry_offset_kg: int, to_the_site: bool
) -> None:
    """2x runs that failed when the law booked its propellant from the dry
    mass it was told (18.7, 10.4 and 4.4 kg at the cut, under the 20 kg
    reserve). The lighter stages (26 and 193 found no plan and flew the
    Apollo law) now plan to the gate on every replan; the heavier one, which
    planned with propellant it did not have, now says from the first step
    that no plan reaches its site and flies the least miss. All land with
    the reserve."""
    s = dispersed(load_scenario(str(WIDE_2X)), 1, run)
    v = s.vehicle
    assert round(v.rover_mass_kg + v.descent_stage_dry_mass_kg - 1719.0) == dry_offset_kg
    summary = summarize(fly(s))
    assert summary.verdict == "pass", summary.violations
    g = summary.guidance
    assert g is not None and (g.plan_infeasible_steps == 0) == to_the_site
    if not to_the_site:
        assert g.plan_infeasible_s == 0.0
    assert summary.propellant_at_cut_kg is not None and summary.propellant_at_cut_kg > 40.0
