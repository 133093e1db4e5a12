"""Airbag landers in the world: the lander on its bridle from the start, the
solid RADs, the bridle cut, the bounce; the verdict; a small envelope."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hilander.controller import Command, CompiledLaw, Event, SensorFrame
from hilander.sim.presets_airbags import AIRBAG_PRESETS
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import Scenario, load_scenario
from hilander.sim.settings import InitialState, WindParams

AIRBAG = sorted(AIRBAG_PRESETS)


def at_event(name: str, event: Event) -> dict[str, float]:
    landing = fly(load_scenario(name))
    k = int(np.argmax(landing.column("events").astype(int) & int(event)))
    return {
        c: float(landing.column(c)[k]) for c in ("altitude_m", "rover_clearance_m", "rover_vz_mps")
    }


@pytest.mark.parametrize("name", AIRBAG)
def test_each_airbag_lander_lands(name: str) -> None:
    s = summarize(fly(load_scenario(name)))
    assert s.verdict == "pass", s.violations
    assert [p.name for p in s.phases] == ["parachute", "rad_burn", "landed"]
    assert s.scenario.landing_system == "airbags"
    assert s.tether_cut is None and s.engine_cutoff is None
    assert s.bridle_cut.before_touchdown_s > 0.5
    assert s.flyaway.impact_distance_m > 20.0  # the backshell away from the lander


def test_mer_fires_near_100_m_and_lets_go_10_to_15_m_up() -> None:
    """mars-landers.md §2: RAD fire at 80-100 m, speed about 0 at 10-15 m."""
    fire, cut = at_event("mer", Event.RAD_FIRE), at_event("mer", Event.BRIDLE_CUT)
    assert 80.0 <= fire["rover_clearance_m"] <= 100.0
    assert 10.0 <= cut["rover_clearance_m"] <= 15.0 and abs(cut["rover_vz_mps"]) < 1.5


def test_pathfinder_fires_near_98_m_and_lets_go_near_21_m() -> None:
    """mars-landers.md §2: RADs fired at 98 m, bridle cut about 21.5 m up."""
    fire, cut = at_event("pathfinder", Event.RAD_FIRE), at_event("pathfinder", Event.BRIDLE_CUT)
    assert fire["altitude_m"] == pytest.approx(98.0, abs=8.0)
    assert cut["rover_clearance_m"] == pytest.approx(21.5, abs=3.0)


def test_the_lander_bounces_on_its_airbags() -> None:
    landing = fly(load_scenario("pathfinder"))
    clearance = landing.column("rover_clearance_m")
    first = int(np.argmax(clearance < 0.1))
    assert clearance[first:].max() > 5.0


class Masked:
    """The compiled law with some events never reaching the world."""

    def __init__(self, mask: int) -> None:
        self.law, self.mask = CompiledLaw(), mask

    def reset(self, config: object) -> None:
        self.law.reset(config)

    def step(self, frame: SensorFrame) -> Command:
        command = self.law.step(frame)
        command.events &= ~self.mask
        return command


def test_rads_never_fired_is_a_crash() -> None:
    s = summarize(fly(load_scenario("mer"), Masked(int(Event.RAD_FIRE | Event.BRIDLE_CUT))))
    assert {"rad_not_fired", "bridle_not_cut", "touchdown_vertical_speed"} <= set(s.violation_kinds)


def test_solid_rockets_burn_out_whatever_the_throttle() -> None:
    """Lit, the RADs burn to the end: the world ignores a later throttle of 0."""
    landing = fly(load_scenario("mer"))
    thrust = landing.column("thrust_N")
    burning = thrust > 0.9 * 3 * 9806.65
    assert 3.5 < burning.sum() / 50.0 < 4.0  # about 3.8 s of full thrust
    assert landing.records["propellant_out_time_s"] > 0


@st.composite
def small_envelope(draw: st.DrawFn, name: str) -> Scenario:
    """The lander's own scenario: height +/- 20 %, chute speed +/- 10 m/s, wind to 12 m/s."""
    base = load_scenario(name)
    f, angle = st.floats, st.floats(0.0, 2 * math.pi)
    height = base.initial.position_m[2] * draw(f(0.8, 1.2))
    descent = -base.initial.velocity_mps[2] + draw(f(-10.0, 10.0))
    wind, wind_dir = draw(f(0, 12)), draw(angle)
    w = (wind * math.cos(wind_dir), wind * math.sin(wind_dir))
    return dataclasses.replace(
        base,
        seed=draw(st.integers(0, 2**31)),
        initial=InitialState((0.0, 0.0, height), (w[0], w[1], -descent)),
        wind=WindParams(w, 2.0, 3.0),
    )


@pytest.mark.parametrize("name", AIRBAG)
@settings(max_examples=25)
@given(data=st.data())
def test_every_landing_in_a_small_envelope_meets_its_limits(name: str, data: Any) -> None:
    scenario = data.draw(small_envelope(name))
    s = summarize(fly(scenario))
    assert s.verdict == "pass", (scenario.initial, scenario.wind, s.violations)
