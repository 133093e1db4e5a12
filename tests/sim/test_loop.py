"""The closed loop: both loops alike, the reference law alike, deterministic."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from hilander.controller import Command, CompiledLaw, ReferenceLaw, SensorFrame
from hilander.sim.catalog import flyable_names
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import Scenario, load_scenario
from hilander.sim.summary import LandingSummary


def without_wall_time(summary: LandingSummary) -> LandingSummary:
    sim = dataclasses.replace(summary.sim, wall_time_s=0.0)
    return dataclasses.replace(summary, sim=sim, controller="")


def test_default_landing_passes(default_scenario: Scenario) -> None:
    s = summarize(fly(default_scenario))
    assert s.verdict == "pass", s.violations
    assert [p.name for p in s.phases] == [
        "powered_approach",
        "divert",
        "constant_velocity",
        "sky_crane",
        "touchdown_detection",
        "tether_cut",
        "flyaway",
    ]
    assert s.touchdown.distance_to_target_m > 10.0  # the divert was flown


@pytest.mark.parametrize("name", flyable_names())
def test_every_builtin_scenario_passes(name: str) -> None:
    s = summarize(fly(load_scenario(name)))
    assert s.verdict == "pass", s.violations


def test_general_loop_with_the_compiled_law_is_identical(default_scenario: Scenario) -> None:
    a, b = fly(default_scenario), fly(default_scenario, CompiledLaw())
    assert np.array_equal(a.telemetry, b.telemetry, equal_nan=True)
    assert a.records == b.records or all(
        x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y))
        for x, y in zip(a.records.values(), b.records.values(), strict=True)
    )


@pytest.mark.parametrize("name", ["default", "phoenix", "tianwen1", "mer"])
def test_reference_law_flies_the_same_landing(name: str) -> None:
    scenario = load_scenario(name)
    a, b = fly(scenario), fly(scenario, ReferenceLaw())
    assert a.telemetry.shape == b.telemetry.shape
    assert np.nanmax(np.abs(a.telemetry - b.telemetry)) < 1e-6
    assert without_wall_time(summarize(a)) == without_wall_time(summarize(b))


def test_same_seed_same_result_other_seed_other_result(default_scenario: Scenario) -> None:
    first = without_wall_time(summarize(fly(default_scenario)))
    assert first == without_wall_time(summarize(fly(default_scenario)))
    other = summarize(fly(default_scenario.with_seed(99)))
    assert other.touchdown.position_m != first.touchdown.position_m


def test_command_latency_is_flown(default_scenario: Scenario) -> None:
    late = dataclasses.replace(
        default_scenario, sim=dataclasses.replace(default_scenario.sim, command_latency_s=0.1)
    )
    s0, s1 = summarize(fly(default_scenario)), summarize(fly(late))
    assert s1.verdict == "pass", s1.violations
    assert s1.touchdown.time_s != s0.touchdown.time_s


class Wrapped:
    """A user's flight computer: here the reference law behind the protocol."""

    def __init__(self) -> None:
        self.inner = ReferenceLaw()
        self.frames = 0

    def reset(self, config: object) -> None:
        self.inner.reset(config)

    def step(self, frame: SensorFrame) -> Command:
        self.frames += 1
        return self.inner.step(frame)


def test_any_flight_computer_plugs_in(default_scenario: Scenario) -> None:
    fc = Wrapped()
    landing = fly(default_scenario, fc, name="wrapped")
    assert fc.frames == len(landing.telemetry)
    assert summarize(landing).controller == "wrapped"


class Recorder:
    """Flies the compiled law and keeps every frame and command."""

    def __init__(self) -> None:
        self.law = CompiledLaw()
        self.frames: list[SensorFrame] = []
        self.commands: list[Command] = []

    def reset(self, config: object) -> None:
        self.law.reset(config)

    def step(self, frame: SensorFrame) -> Command:
        self.frames.append(frame)
        self.commands.append(self.law.step(frame))
        return self.commands[-1]


def test_replaying_recorded_frames_gives_the_same_commands(default_scenario: Scenario) -> None:
    from hilander.controller._core import LawCore  # noqa: PLC0415
    from hilander.controller.interface import command_from_dict, frame_to_dict  # noqa: PLC0415
    from hilander.sim._loop import replay_law  # noqa: PLC0415

    rec = Recorder()
    fly(default_scenario, rec)
    law = LawCore(default_scenario.law.to_params())
    m = next(f.hazard_map for f in rec.frames if f.hazard_map is not None)
    law.load_hazard_map(m.cost, m.elevation_m, m.cell_size_m, m.origin_S_m)
    commands, seconds = replay_law(law, [frame_to_dict(f) for f in rec.frames])
    assert [command_from_dict(c) for c in commands] == rec.commands
    assert seconds > 0


def test_a_flight_computer_that_returns_garbage_is_named(default_scenario: Scenario) -> None:
    class Broken:
        def reset(self, config: object) -> None:
            pass

        def step(self, frame: SensorFrame) -> object:
            return {"thrust": 1}

    with pytest.raises(TypeError, match="returned dict, not a Command"):
        fly(default_scenario, Broken())  # type: ignore[arg-type]


def test_a_crash_is_judged(default_scenario: Scenario) -> None:
    """Engines far too weak: the stack hits the ground stowed and fails loudly."""
    weak = dataclasses.replace(default_scenario.vehicle, engine_thrust_max_N=300.0)
    s = summarize(
        fly(
            dataclasses.replace(
                default_scenario,
                vehicle=weak,
                law=dataclasses.replace(default_scenario.law, engine_thrust_max_N=300.0),
            )
        )
    )
    assert s.verdict == "fail"
    assert any("stowed" in v or "before the tether cut" in v for v in s.violations)
