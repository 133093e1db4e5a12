"""Convex guidance in real time on the emulated Cortex-M4F, in the board's own
units (instructions under QEMU's instruction counting, the same quiet or
loaded): with its replans spread over the steps, plan_iterations_per_tick
units a step, every step of a convex landing fits the budget the slice is
chosen for (docs/law.md, "Real time"; the unit's cost: docs/performance.md).

One unit of the solver's work costs at most UNIT_INSTRUCTIONS on this
target on the bench's case (benchmarks/bench_convex.py, held by
test_convex_bench; a few per cent more on a landing's problems), so a step
of B units costs about B times that, and the law's own work besides.
- At the 168 MHz of an STM32F4-class part (the issue's goal: half of a
  20 ms period is 1,680,000 instructions) it is 20: every step fits.
- At the emulated part's own clock (25 MHz, 250,000 instructions a step,
  which it declares in BOARD_INFO) it would be 3, but a factorisation is
  one unit of 5 and costs 308,000 instructions (a solve's set-up; 405,000
  with the check before a rebalance): those steps do not fit. A strict
  xfail, as the Cortex-M3's timing test: CI says so the day it passes.
Skipped, with the reason, where QEMU or the ARM toolchain is missing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from hilander.hil.analysis.timing import step_budget
from hilander.hil.session import open_board
from hilander.sim.result import summarize
from hilander.sim.scenario import Scenario, load_scenario
from tests.common.qemu import start_qemu, stop

UNIT_INSTRUCTIONS = 72_728  # the M4F's, with MSL's turn rate (docs/performance.md)
PART_168_MHZ = 1_680_000  # half of 20 ms at 168 MHz
DATA = Path(__file__).parents[1] / "data"
FACTORISATION = "a factorisation is one unit: 308-405 k instructions on the M4F"


@pytest.fixture(scope="module")
def m4f() -> Iterator[str]:
    qemu, port = start_qemu("pty", "qemu-m4f")
    try:
        yield port
    finally:
        stop(qemu)


def _sliced(s: Scenario, units: int) -> Scenario:
    law = s.law.replace(guidance="convex", plan_iterations_per_tick=units)
    return dataclasses.replace(s, law=law)


def _fly(port: str, s: Scenario) -> tuple[str, list[int], int]:
    with open_board(port) as session:
        landing = session.fly(s)
        costs = list(session.controller.stats.instructions)
        budget = step_budget(session)
    return summarize(landing).verdict, costs, budget


@pytest.mark.qemu
def test_at_20_units_a_step_a_convex_landing_fits_a_168_mhz_part(m4f: str) -> None:
    """tests/data/overshoot.toml: its first search (about 9,200 iterations)
    and every replan sliced; every step within the 168 MHz part's budget
    (measured: 1,517,497 at most, 75,900 a unit, a little over the bench
    case's; with each replan in one step, its costliest is 1,210 M
    instructions: a divert's first search)."""
    verdict, costs, _ = _fly(m4f, _sliced(load_scenario(str(DATA / "overshoot.toml")), 20))
    assert verdict == "pass"
    assert max(costs) <= min(PART_168_MHZ, 1.1 * 20 * UNIT_INSTRUCTIONS), max(costs)


@pytest.fixture(scope="module")
def three_units(m4f: str) -> tuple[str, list[int], int]:
    """The default landing at 3 units a step."""
    return _fly(m4f, _sliced(load_scenario("default"), 3))


@pytest.mark.qemu
def test_at_3_units_a_step_the_landing_passes(three_units: tuple[str, list[int], int]) -> None:
    """The Apollo law flies the approach until the late first plan
    (docs/law.md), and the landing passes."""
    verdict, _, budget = three_units
    assert verdict == "pass" and budget == 250_000


@pytest.mark.qemu
@pytest.mark.xfail(strict=True, raises=AssertionError, reason=FACTORISATION)
def test_at_3_units_a_step_it_fits_the_emulated_parts_own_budget(
    three_units: tuple[str, list[int], int],
) -> None:
    """Its steps with a factorisation cost up to 487,219 instructions of the
    250,000."""
    _, costs, budget = three_units
    assert max(costs) <= budget, max(costs)
