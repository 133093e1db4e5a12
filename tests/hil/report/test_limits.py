"""The Limits table against the verdict: a row fails exactly where the
summary's violation_kinds say so, each kind has its fail row, and a limit
the judge did not check for the landing says "not judged", never fail or
pass: default landings, the quickstart's hover law that crashes, naive
logic in the fault scenarios, aborted flights and a numerical fault."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from hilander.controller import Command, LawConfig, SensorFrame
from hilander.hil.report.files import write_run
from hilander.hil.report.html import Flag
from hilander.hil.report.limits import COLUMNS, limits_table
from hilander.sim.result import summarize
from hilander.sim.run import FlightAborted, fly
from hilander.sim.scenario import load_scenario
from hilander.sim.summary import LandingSummary
from tests.common.naive import NAIVE
from tests.common.reportparse import parse_report


class Hover:
    """The quickstart's own controller (docs/quickstart.md): hovers, and falls."""

    def reset(self, config: LawConfig) -> None:
        self.config = config

    def step(self, frame: SensorFrame) -> Command:
        weight_N = frame.mass_estimate_kg * self.config.gravity_mps2
        max_N = self.config.engine_count * self.config.engine_thrust_max_N
        return Command(
            step=frame.step,
            thrust_S_N=(0.0, 0.0, weight_N),
            throttle=weight_N / max_N,
            phase=0,
            events=0,
            site_S_m=(0.0, 0.0, 0.0),
        )


class LinkLost(Hover):
    """A board that goes silent after 5 s."""

    def step(self, frame: SensorFrame) -> Command:
        if frame.time_s > 5.0:
            raise FlightAborted("link_lost", "at t = 5 s: no answer")
        return super().step(frame)


class DividesByZero(Hover):
    """A law whose arithmetic fails after 5 s: a numerical fault."""

    def step(self, frame: SensorFrame) -> Command:
        if frame.time_s > 5.0:
            raise ZeroDivisionError("float division by zero")
        return super().step(frame)


FAILING_NAIVE = [
    "mpl-leg-latch",
    "schiaparelli-imu",
    "msl-gravity",
    "msl-radar-dust",
    "engine-out",
    "dust-storm",
    "hakuto-terrain-step",
]
LANDINGS: list[tuple[str, Any]] = [
    ("default", None),
    ("phoenix", None),
    ("mer", None),
    ("default", Hover),
    ("phoenix", Hover),
    ("mer", Hover),
    ("default", LinkLost),
    ("phoenix", DividesByZero),
    *[(name, NAIVE[name]) for name in FAILING_NAIVE],
]


def _judged(name: str, computer: Any) -> tuple[LandingSummary, list[list[Any]]]:
    scenario = load_scenario(name)
    landing = fly(scenario, None if computer is None else computer())
    summary = summarize(landing)
    rows = limits_table(summary, scenario.limits).rows
    return summary, [[c.text if isinstance(c, Flag) else c for c in r] for r in rows]


@pytest.mark.parametrize(
    ("name", "computer"),
    LANDINGS,
    ids=[f"{n}-{'compiled' if c is None else c.__name__}" for n, c in LANDINGS],
)
def test_every_fail_row_is_a_violation_and_every_violation_a_fail_row(
    name: str, computer: Any
) -> None:
    summary, rows = _judged(name, computer)
    kinds = summary.violation_kinds
    assert (summary.verdict == "pass") == (computer is None)
    failed = [r[5] for r in rows if r[4] == "fail"]
    assert sorted(failed) == sorted(kinds)
    for row in rows:
        assert row[4] == "pass" or row[4] == "fail" or row[4].startswith("not judged: "), row
        assert (row[4] == "fail") == bool(row[5]), row


def test_the_hover_crash_fails_the_cut_and_the_stowed_touchdown_not_the_speeds(
    tmp_path: Path,
) -> None:
    landing = fly(load_scenario("default"), Hover())
    summary = summarize(landing)
    write_run(tmp_path, landing, summary)
    header, *rows = parse_report(tmp_path).tables["Limits"]
    assert header == COLUMNS
    by_name = {r[0]: r for r in rows}
    assert summary.violation_kinds == [
        "touchdown_stowed",
        "tether_not_cut",
        "stage_impact_before_cut",
    ]
    for limit in (
        "touchdown vertical speed",
        "distance to the chosen site",
        "touchdown on a hazard",
    ):
        assert by_name[limit][4] == "not judged: touched down stowed"
    # the figures stay: a 75 m/s fall, well past the band
    assert float(by_name["touchdown vertical speed"][2].split()[0]) > 50.0
    assert by_name["tether cut after touchdown"][4] == "not judged: tether never cut"
    assert by_name["propellant left at the cut"][4] == "not judged: no cut"
    assert by_name["rover released before touchdown"][4:] == ["fail", "touchdown_stowed"]
    assert by_name["tether cut"][2] == "tether never cut"
    assert [r[5] for r in rows if r[4] == "fail"] == summary.violation_kinds


def test_a_numerical_fault_judges_nothing_else() -> None:
    summary, rows = _judged("phoenix", DividesByZero)
    assert summary.violation_kinds == ["numerical_fault"]
    assert [r[4] for r in rows[:-1]] == ["not judged: the simulation went non-finite"] * (
        len(rows) - 1
    )
    assert rows[-1][0] == "simulation finite" and rows[-1][4] == "fail"


def test_a_6dof_landing_has_its_attitude_rows_and_a_tip_over_fails_its_row() -> None:
    """[sim] dynamics = "6dof": the stage's tilt and rate at touchdown, and on
    legs the lean after it (tip-over), each a row judged as the verdict."""
    scenario = load_scenario("viking")
    scenario = dataclasses.replace(scenario, sim=dataclasses.replace(scenario.sim, dynamics="6dof"))
    summary = summarize(fly(scenario))
    names = {r[0]: r for r in limits_table(summary, scenario.limits).rows}
    for name in (
        "stage tilt at touchdown",
        "stage rate at touchdown",
        "lean after touchdown (tip-over)",
    ):
        assert isinstance(names[name][4], Flag) and names[name][4].text == "pass"
    assert summary.attitude is not None
    leaned = dataclasses.replace(summary.attitude, lean_rad=3.0)
    tipped = dataclasses.replace(
        summary, attitude=leaned, violation_kinds=["tip_over"], violations=["tipped over"]
    )
    rows = {r[0]: r for r in limits_table(tipped, scenario.limits).rows}
    row = rows["lean after touchdown (tip-over)"]
    assert isinstance(row[4], Flag) and row[4].text == "fail" and row[5] == "tip_over"
    in_3dof = limits_table(summarize(fly(load_scenario("viking"))), scenario.limits)
    assert "stage tilt at touchdown" not in {r[0] for r in in_3dof.rows}
