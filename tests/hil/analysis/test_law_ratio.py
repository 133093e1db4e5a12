"""The law against the fuel-optimal bound (docs/optimal.md, "The law against
the bound"): its propellant to the sky-crane start over the optimum's to the
same state, for built-in scenarios, dispersed runs and the away corners."""

from __future__ import annotations

import dataclasses
import math

import pytest

pytest.importorskip("cvxpy", reason="the analysis extra (cvxpy, Clarabel) is not installed")

from hilander.hil.analysis.optimal import Options, propellant_ratio
from hilander.sim.campaign import dispersed
from hilander.sim.run import fly
from hilander.sim.scenario import Scenario, load_scenario
from hilander.sim.settings import InitialState

OPTIONS = Options(nodes=40)
TARGET = 1.10  # issue 6: within 1.10 of the optimum


def away_corner(altitude_m: float, descent_mps: float, bearing_rad: float) -> Scenario:
    """600 m off the target and moving away from it at 40 m/s."""
    c, s = math.cos(bearing_rad), math.sin(bearing_rad)
    start = InitialState((600.0 * c, 600.0 * s, altitude_m), (40.0 * c, 40.0 * s, -descent_mps))
    return dataclasses.replace(load_scenario("default"), initial=start)


def ratio(s: Scenario) -> float:
    return propellant_ratio(fly(s), OPTIONS)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["default", "windy", "engine-out", "latency"])
def test_the_law_is_within_the_target_on_the_built_in_scenarios(name: str) -> None:
    assert 1.0 < ratio(load_scenario(name)) <= TARGET


@pytest.mark.slow
@pytest.mark.parametrize("run", range(6))
def test_the_law_is_within_the_target_on_dispersed_runs(run: int) -> None:
    assert 1.0 < ratio(dispersed(load_scenario("default"), 1, run)) <= TARGET


# The starts that move away from the target, where ZEM/ZEV with a fixed
# time-to-go crashes and the augmented Apollo family alone burned 15 % over
# (0.3.0: 18 %): the turn-round brings them within the target too.
@pytest.mark.slow
@pytest.mark.parametrize(
    ("altitude_m", "descent_mps", "bearing_rad"),
    [(1500.0, 100.0, 0.0), (1500.0, 100.0, 2.2), (2200.0, 60.0, 0.0), (2200.0, 60.0, 2.2)],
)
def test_the_law_is_within_the_target_at_the_away_corners(
    altitude_m: float, descent_mps: float, bearing_rad: float
) -> None:
    assert 1.0 < ratio(away_corner(altitude_m, descent_mps, bearing_rad)) <= TARGET


@pytest.mark.slow
def test_the_law_is_within_the_target_on_the_away_scenario() -> None:
    assert 1.0 < ratio(load_scenario("away")) <= TARGET
