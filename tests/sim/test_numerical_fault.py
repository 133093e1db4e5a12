"""A state gone NaN or inf ends the landing with the verdict numerical_fault
and the telemetry so far, in both loops; the terrain lookups read inside the
grid whatever the state (NaN, inf, huge)."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import numpy as np
import pytest

import hilander.sim.world as world_module
from hilander.controller._core import LawCore
from hilander.controller.interface import Command, SensorFrame
from hilander.controller.reference import ReferenceLaw
from hilander.hil.cli.exits import Exit, of_verdict
from hilander.sim._loop import fly_compiled
from hilander.sim._world import COLUMNS, World
from hilander.sim.result import summarize
from hilander.sim.run import NUMERICAL_FAULT, fly
from hilander.sim.scenario import Scenario, load_scenario
from tests.common.world import bare_world, command


def _unchecked_world(overrides: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """build_world with WorldParams past their ranges (a scenario cannot hold them)."""
    params = world_module.world_params

    def patched(s: Scenario) -> dict[str, Any]:
        return {**params(s), **overrides}

    monkeypatch.setattr(world_module, "world_params", patched)


@pytest.mark.parametrize(
    "overrides",
    [
        {"contact_stiffness_N_per_m": 1e308},  # the segfaults of issue 17
        {"engine_thrust_max_N": 1e308},
        {"rover_mass_kg": 1e-308},
    ],
)
def test_the_compiled_loop_ends_a_non_finite_flight(
    overrides: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _unchecked_world(overrides, monkeypatch)
    landing = fly(load_scenario("default"))
    summary = summarize(landing)
    assert summary.verdict == NUMERICAL_FAULT
    assert summary.violation_kinds == [NUMERICAL_FAULT]
    assert "non-finite" in summary.violations[0]
    assert of_verdict(summary.verdict) == Exit.FAIL
    fault_s = landing.records["numerical_fault_time_s"]
    assert 0 < fault_s < landing.scenario.sim.max_time_s
    assert len(landing.telemetry) >= 1  # the ticks before the fault are kept
    assert np.isfinite(landing.column("stage_z_m")).all()
    assert landing.column("time_s")[-1] <= fault_s
    json.loads(summary.to_json(), parse_constant=_no_constant)  # every number finite or null


def _no_constant(name: str) -> float:
    raise AssertionError(f"{name} in the JSON summary")


def test_a_passing_landing_has_no_fault() -> None:
    landing = fly(load_scenario("default"))
    assert math.isnan(landing.records["numerical_fault_time_s"])
    assert summarize(landing).verdict == "pass"


class InfiniteThrust:
    """The reference law, until it answers an infinite thrust at 10 s (a NaN
    one the world ignores: it keeps the last direction and idles)."""

    def __init__(self) -> None:
        self.law = ReferenceLaw()

    def reset(self, config: object) -> None:
        self.law.reset(config)

    def step(self, frame: SensorFrame) -> Command:
        c = self.law.step(frame)
        if frame.time_s >= 10.0:
            return dataclasses.replace(c, thrust_S_N=(math.inf, 0.0, 1.0))
        return c


class Divides:
    """A Python flight computer whose arithmetic fails at 5 s."""

    def __init__(self) -> None:
        self.law = ReferenceLaw()

    def reset(self, config: object) -> None:
        self.law.reset(config)

    def step(self, frame: SensorFrame) -> Command:
        if frame.time_s >= 5.0:
            return Command(0, (1.0 / 0.0, 0.0, 0.0), 0.0, 0, 0, (0.0, 0.0, 0.0))
        return self.law.step(frame)


def test_the_general_loop_ends_a_non_finite_flight() -> None:
    landing = fly(load_scenario("default"), InfiniteThrust(), name="inf")
    summary = summarize(landing)
    assert summary.verdict == NUMERICAL_FAULT
    assert 10.0 <= landing.records["numerical_fault_time_s"] < 11.0
    assert 10.0 <= landing.column("time_s")[-1] < 11.0
    assert np.isfinite(landing.column("stage_z_m")).all()


def test_a_flight_computer_whose_arithmetic_fails_is_a_numerical_fault() -> None:
    landing = fly(load_scenario("default"), Divides(), name="divides")
    summary = summarize(landing)
    assert summary.verdict == NUMERICAL_FAULT
    assert summary.violation_kinds == [NUMERICAL_FAULT]
    assert "ZeroDivisionError" in summary.violations[0]
    assert landing.column("time_s")[-1] < 5.0


def test_a_flight_computer_error_that_is_not_arithmetic_still_propagates() -> None:
    class Broken(Divides):
        def step(self, frame: SensorFrame) -> Command:
            raise ValueError("a bug, not arithmetic")

    with pytest.raises(ValueError, match="a bug"):
        fly(load_scenario("default"), Broken(), name="broken")


@pytest.mark.parametrize(
    "position",
    [
        (math.nan, 0.0, 100.0),
        (0.0, math.nan, 100.0),
        (math.inf, -math.inf, 100.0),
        (1e308, -1e308, 100.0),
        (-3e9, 3e9, 100.0),  # beyond int's range once divided by the resolution
        (0.5, 0.5, math.nan),
    ],
)
def test_the_terrain_lookup_stays_in_the_grid(position: tuple[float, float, float]) -> None:
    world = bare_world(position_m=position)
    frame = world.sense()
    row = np.empty(len(COLUMNS))
    world.record(command(), row)
    world.command(command())
    for _ in range(3):
        world.advance()
    assert isinstance(frame["radar_altitude_m"], float)
    if not all(math.isfinite(p) for p in position):
        assert world.done
        assert not math.isnan(world.records["numerical_fault_time_s"])


def test_the_terrain_lookup_on_a_real_grid_is_bounded() -> None:
    """A grid of 64 x 64 nodes: points off it, NaN and huge, read the plane."""
    s = load_scenario("default")
    params = world_module.world_params(s)
    relief = np.ones((64, 64))
    geometry = {"x0_m": -32.0, "y0_m": -32.0, "resolution_m": 1.0, "gradient": [0.0, 0.0]}
    for x, y in ((math.nan, 0.0), (1e300, 1e300), (-1e300, 0.0), (31.5, 31.5), (0.0, 0.0)):
        world = World(params, [x, y, 50.0], [0.0, 0.0, 0.0], 1, relief, relief > 0, geometry)
        frame = world.sense()
        assert frame["radar_altitude_m"] == frame["radar_altitude_m"] or math.isnan(x)
    telemetry = np.empty((10, len(COLUMNS)))
    world = World(params, [math.nan, 0.0, 50.0], [0.0, 0.0, 0.0], 1, relief, relief > 0, geometry)
    ticks = fly_compiled(world, LawCore(s.law.to_params()), telemetry)
    assert ticks == 1 and world.done
