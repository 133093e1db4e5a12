"""Convex guidance in real time (docs/law.md, "Real time"): a replan cut into
the solver's units of work (an ADMM iteration; a factorisation counts
FACTOR_UNITS) and spread over control steps, plan_iterations_per_tick a
step, the plan in hand (before the first, the Apollo law) flown meanwhile.

The slicing changes when a plan is adopted, never what it is: the search in
slices is the search in one call, bit for bit; the plan a sliced replan
adopts is the one-shot replan's from the step it began on. A slice never
costs more than its budget (one unit when a unit costs more)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hilander.controller import CompiledLaw, LawConfig, ReferenceLaw, Status
from hilander.controller._cvx_search import py_search_sliced, py_solve
from hilander.controller.reference_convex import CHECK_UNITS, FACTOR_UNITS, Sliced, Steps, finish
from hilander.controller.reference_cvx_search import solve_free_steps
from hilander.controller.reference_plan import PlanState, replan
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from tests.common.convex import MSL_LIKE, as_dicts, problems
from tests.common.law import DRY_KG, VEHICLE, flat_map, frame, with_map

T = TypeVar("T")
UNIT_MAX = CHECK_UNITS + FACTOR_UNITS  # an iteration that may rebalance the penalty (and refactor)
BUDGET = 16
SLICED = LawConfig(**VEHICLE, guidance="convex", plan_iterations_per_tick=BUDGET)
START = {"nav_position_S_m": (-200.0, 150.0, 1789.3), "nav_velocity_S_mps": (15.0, -5.0, -85.0)}
SITE = [0.0, 0.0, 0.0]


@settings(max_examples=25, deadline=None)
@given(case=problems(slew=True), budget=st.integers(1, 300))
def test_the_search_in_slices_is_the_search_bit_for_bit(
    case: tuple[object, float], budget: int
) -> None:
    """Any budget: the same plan, time, iterations and residual as one call;
    every slice within its budget (or one unit), and full: it stops only
    where the next unit would not fit."""
    p, _ = case
    whole = py_solve(*as_dicts(p))  # type: ignore[arg-type]
    sliced, slices = py_search_sliced(*as_dicts(p), budget)  # type: ignore[arg-type]
    assert sliced == whole
    assert all(0 < s <= max(budget, UNIT_MAX) for s in slices), slices
    assert all(s > budget - UNIT_MAX for s in slices[:-1]), slices


def _slices(steps: Steps[T], budget: int) -> tuple[list[int], T]:
    """The slicing rule, written again: units while they fit in budget, one
    at least; the cost of each slice, and the value."""
    slices, used, need = [], 0, next(steps)
    while True:
        if used and used + need > budget:
            slices, used = [*slices, used], 0
        used += need
        try:
            need = next(steps)
        except StopIteration as done:
            return [*slices, used], done.value


@pytest.mark.parametrize("budget", [1, 4, 16, 100])
def test_the_reference_cuts_the_search_into_the_compiled_slices(budget: int) -> None:
    """The reference's units are the compiled ones: the MSL-like search
    (8,960 iterations in 18 solves) in the same slices, to the same final
    time and, within the copies' tolerance, the same propellant."""
    compiled, slices = py_search_sliced(*as_dicts(MSL_LIKE), budget)
    mine, (plan, spent) = _slices(solve_free_steps(MSL_LIKE), budget)
    assert mine == slices
    job, calls = Sliced(solve_free_steps(MSL_LIKE)), 1  # and the law's driver, call for call
    while not job.advance(budget)[0]:
        calls += 1
    assert calls == len(slices)
    assert (plan.time_of_flight_s, spent) == (compiled[1], compiled[-1])
    assert plan.propellant_kg == pytest.approx(compiled[2], rel=1e-9)


def _first_plan_steps(config: LawConfig, law: object) -> int:
    """Steps of a still frame until the law's command leaves the Apollo law's
    (the first plan adopted); asserts the Apollo law flew until then, with
    STATUS_PLANNING its only other status bit."""
    apollo = type(law)()
    apollo.reset(config.replace(guidance="apollo"))  # type: ignore[attr-defined]
    for k in range(400):
        f = frame(k, config, **START)
        c, a = law.step(f), apollo.step(f)  # type: ignore[attr-defined]
        if c.thrust_S_N != a.thrust_S_N:
            assert not c.status & Status.PLANNING, k
            return k
        assert c.status == a.status | Status.PLANNING, k
    raise AssertionError("no plan in 400 steps")


def test_the_apollo_law_flies_until_the_sliced_first_plan_ends(law_cls: type) -> None:
    """The first plan's search (about 9,000 iterations) takes hundreds of
    steps at 16 units a step; both copies hand over to it on the same step,
    the one the reference's job ends on."""
    job, steps = (
        Sliced(
            replan(SLICED, PlanState(dry_mass_kg=DRY_KG), list(SITE), frame(0, SLICED, **START))
        ),
        1,
    )
    while not job.advance(BUDGET)[0]:
        steps += 1
    law = law_cls()
    law.reset(SLICED)
    assert _first_plan_steps(SLICED, law) == steps - 1
    assert steps > 100


def test_a_sliced_replan_adopts_the_plan_of_the_step_it_began_on() -> None:
    """The plan adopted after hundreds of steps is the one-shot replan's from
    step 0: the same accelerations, and its start time and state step 0's;
    the next replan, overdue, starts on the next step."""
    law = ReferenceLaw()
    law.reset(SLICED)
    k = _first_plan_steps(SLICED, law)
    whole = PlanState(dry_mass_kg=DRY_KG)
    assert finish(replan(SLICED, whole, list(SITE), frame(0, SLICED, **START)))
    sliced = law.s.plan
    assert sliced.start_s == 0.0 and sliced.position_m == whole.position_m
    assert np.array_equal(sliced.accel_mps2, whole.accel_mps2)
    assert sliced.next_replan_s == SLICED.replan_period_s  # past: the next starts at once
    assert k / SLICED.control_rate_Hz > sliced.next_replan_s and law.s.plan.job is None
    law.step(frame(k + 1, SLICED, **START))
    assert law.s.plan.job is not None


def test_a_map_ends_the_replan_under_way_and_the_next_starts_after_its_search() -> None:
    """A hazard map's site search takes the solver's buffer: the job under
    way ends (the Apollo law flies on), and on the step the search chooses
    the site, a new first plan starts."""
    law = ReferenceLaw()
    law.reset(SLICED)
    law.step(frame(0, SLICED, **START))
    assert law.s.plan.job is not None
    law.step(with_map(frame(1, SLICED, **START), flat_map()))
    assert law.s.search is not None
    for k in range(2, 100):
        law.step(frame(k, SLICED, **START))
        if law.s.search is None:
            break
        assert law.s.plan.job is None and not law.s.plan.valid
    assert k > 2 and law.s.plan.job is not None  # begun on the step the site was chosen


def test_a_site_search_in_one_step_still_ends_the_replan(law_cls: type) -> None:
    """With a map's whole search in one step (site_search_rows_per_tick 192)
    the map's step begins the search and so ends the replan under way (no
    STATUS_PLANNING at its end), the next step chooses the site and starts a
    first plan to it, and the plan adopted starts from that step; both
    copies alike, command for command."""
    fast = SLICED.replace(site_search_rows_per_tick=192, plan_iterations_per_tick=200)
    frames = [frame(k, fast, **START) for k in range(120)]
    frames[1] = with_map(frames[1], flat_map(hazards=[(8, 8)]))
    ref, law = ReferenceLaw(), law_cls()
    ref.reset(fast)
    law.reset(fast)
    first_start = None
    for k, f in enumerate(frames):
        a, b = ref.step(f), law.step(f)
        assert np.allclose(a.thrust_S_N, b.thrust_S_N, rtol=1e-6), k
        assert a.status == b.status, k
        if k == 1:
            assert a.status & Status.SITE_SEARCH and not a.status & Status.PLANNING
        if first_start is None and ref.s.plan.valid:
            first_start = ref.s.plan.start_s
    assert first_start == frames[2].time_s


def test_a_sliced_convex_landing_passes_on_both_copies() -> None:
    """tests/data/overshoot.toml flown at 16 units a step: the reference and
    the compiled law hand over on the same steps and land the same summary
    (the site 1.3 m away: 10.9 m with each replan in one step); the summary
    counts the steps with a replan under way, and the longest run of them
    (none with each replan in one step)."""
    s = load_scenario(str(Path(__file__).parents[1] / "data" / "overshoot.toml"))
    s = dataclasses.replace(s, law=s.law.replace(plan_iterations_per_tick=BUDGET))
    a, b = summarize(fly(s)), summarize(fly(s, ReferenceLaw()))
    assert a.verdict == "pass", a.violations
    assert a.touchdown is not None and a.touchdown.distance_to_site_m < 5.0
    assert a.guidance is not None and a.guidance.planning_steps > 300
    assert 5.0 < a.guidance.planning_longest_s < 10.0  # the first search
    whole = summarize(fly(dataclasses.replace(s, law=s.law.replace(plan_iterations_per_tick=0))))
    assert whole.guidance is not None and whole.guidance.planning_steps == 0
    da, db = a.to_dict(), b.to_dict()
    for d in (da, db):
        d.pop("sim"), d.pop("controller")
    assert da == db


def test_the_replan_keeps_the_step_it_began_on() -> None:
    """The frame is the caller's, which may change it after the job began (a
    loop that reuses its frame): the job solves and adopts from its copy."""
    f = frame(0, SLICED, **START)
    pl, whole = PlanState(dry_mass_kg=DRY_KG), PlanState(dry_mass_kg=DRY_KG)
    job = Sliced(replan(SLICED, pl, list(SITE), f))
    job.advance(BUDGET)
    f.nav_position_S_m, f.time_s = (0.0, 0.0, 900.0), 5.0
    while not job.advance(BUDGET)[0]:
        pass
    assert finish(replan(SLICED, whole, list(SITE), frame(0, SLICED, **START)))
    assert pl.valid and pl.start_s == 0.0 and pl.position_m == whole.position_m
    assert np.array_equal(pl.accel_mps2, whole.accel_mps2)


def test_a_sliced_first_plan_that_finds_none_says_so_as_its_search_ends() -> None:
    """With 260 kg no plan reaches the site, nor the least miss's widest
    disc. In slices, the least miss's search runs for many steps after the
    first search ends; STATUS_PLAN_INFEASIBLE is set from the step that
    first search ends on (within one replan, as each replan in one step
    says it), not only when the least miss's ends; both copies alike."""
    config = SLICED.replace(propellant_mass_kg=260.0, plan_iterations_per_tick=250)
    ref, law = ReferenceLaw(), CompiledLaw()
    ref.reset(config)
    law.reset(config)
    said, ended, statuses = None, None, []
    for k in range(80):
        f = frame(k, config, **START)
        a, b = ref.step(f), law.step(f)
        assert a.status == b.status and np.allclose(a.thrust_S_N, b.thrust_S_N, rtol=1e-6), k
        statuses.append(Status(a.status))
        said = k if said is None and ref.s.plan.unreached else said
        ended = k if ended is None and ref.s.plan.failed else ended
    assert said is not None and ended is not None and 10 < said < ended - 10
    assert not any(s & Status.PLAN_INFEASIBLE for s in statuses[:said])
    assert all(s & Status.PLAN_INFEASIBLE for s in statuses[said:])


@pytest.mark.parametrize(("rows", "maps"), [(192, (25,)), (8, (25, 26))])
def test_a_site_search_drops_the_bit_of_the_search_it_ends(
    rows: int, maps: tuple[int, ...]
) -> None:
    """The first search finds no plan (the bit on from then), and a map's
    site search ends the job under way: the first search to the site it
    chooses says nothing until it ends, on both copies (a search in one
    step, and a second map on the step after the first: the job is dropped
    where fly_plan does not run)."""
    config = SLICED.replace(
        propellant_mass_kg=260.0, plan_iterations_per_tick=250, site_search_rows_per_tick=rows
    )
    ref, law = ReferenceLaw(), CompiledLaw()
    ref.reset(config)
    law.reset(config)
    statuses = []
    for k in range(60):
        f = frame(k, config, **START)
        f = with_map(f, flat_map()) if k in maps else f
        a, b = ref.step(f), law.step(f)
        assert a.status == b.status and np.allclose(a.thrust_S_N, b.thrust_S_N, rtol=1e-6), k
        statuses.append(Status(a.status))
    assert (
        statuses[maps[0] - 1] & Status.PLAN_INFEASIBLE and statuses[maps[0] - 1] & Status.PLANNING
    )
    after = statuses[maps[-1] + 2 :]
    assert any(s & Status.PLANNING and not s & Status.PLAN_INFEASIBLE for s in after)
