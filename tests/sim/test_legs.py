"""Legged landers in the world: footpads, pulsed thrusters, the verdict, and
every landing of a small envelope per landing system within its limits."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hilander.controller import Phase
from hilander.sim.presets_legs import LEGGED_PRESETS
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario, parse_scenario
from hilander.sim.schema import ScenarioError
from tests.common.envelope import small_envelope

LEGGED = sorted(LEGGED_PRESETS)


@pytest.mark.parametrize("name", LEGGED)
def test_each_legged_lander_lands_on_its_legs(name: str) -> None:
    scenario = load_scenario(name)
    s = summarize(fly(scenario))
    assert s.verdict == "pass", s.violations
    hovers = ["hover"] if scenario.law.hover_s > 0 else []
    assert [p.name for p in s.phases] == [
        "powered_approach",
        *hovers,
        "constant_velocity",
        "touchdown_detection",
        "landed",
    ]
    assert s.scenario.landing_system == "legs"
    assert s.tether_cut is None and s.flyaway is None
    assert 0.0 <= s.engine_cutoff.after_touchdown_s <= 0.1
    # Each preset's final descent speed: 2.4 m/s (mars-landers.md §6), 1.5 m/s
    # for Tianwen-1's slow descent.
    speed = scenario.law.sky_crane_speed_mps
    assert s.touchdown.vertical_speed_mps == pytest.approx(speed, abs=0.3)


def test_tianwen1_maps_in_its_hover_and_moves_off_the_rocks() -> None:
    s = summarize(fly(load_scenario("tianwen1")))
    hover = next(p.start_s for p in s.phases if p.name == "hover")
    descent = next(p.start_s for p in s.phases if p.name == "constant_velocity")
    assert hover <= s.events.hazard_map_s < descent
    assert descent - hover >= load_scenario("tianwen1").law.hover_s
    assert s.site.distance_to_target_m > 2.0 and not s.touchdown.on_hazard


def thrust_windows(name: str, full_N: float, ticks: int) -> tuple[Any, Any]:
    """Delivered thrust over full, and the throttle asked, in windows of `ticks`
    control ticks, while the engines fly (the first row is before any step)."""
    landing = fly(load_scenario(name))
    flying = landing.column("phase") != Phase.LANDED
    thrust = landing.column("thrust_N")[flying][1:] / full_N
    asked = landing.column("throttle_command")[flying][1:]
    n = len(thrust) // ticks * ticks
    return thrust[:n].reshape(-1, ticks), asked[:n].reshape(-1, ticks)


def test_pulsed_thrusters_pulse_and_deliver_the_duty() -> None:
    """Phoenix's thrusters pulse at 10 Hz: within nearly every 100 ms the
    thrust swings over half of full; over 1 s it is what the throttle (the
    duty) asks, less the valves' 10 ms lag."""
    thrust, _ = thrust_windows("phoenix", 12 * 300.0, 5)
    assert np.mean(np.ptp(thrust, axis=1) > 0.5) > 0.9
    thrust, asked = thrust_windows("phoenix", 12 * 300.0, 50)
    assert np.median(thrust.mean(axis=1) / asked.mean(axis=1)) == pytest.approx(1.0, abs=0.06)


def test_throttled_engines_do_not_pulse() -> None:
    thrust, asked = thrust_windows("viking", 3 * 2667.0, 5)
    assert np.max(np.ptp(thrust, axis=1)) < 0.2
    thrust, asked = thrust_windows("viking", 3 * 2667.0, 50)
    assert np.median(thrust.mean(axis=1) / asked.mean(axis=1)) == pytest.approx(1.0, abs=0.01)


def legged_text(name: str, vehicle: str = "", law: str = "") -> str:
    return (
        f'name = "t"\n[vehicle]\npreset = "{name}"\n{vehicle}\n'
        f"[initial]\nposition_m = [0.0, 0.0, 800.0]\nvelocity_mps = [0.0, 0.0, -50.0]\n"
        f"[law]\n{law}\n"
    )


@pytest.mark.parametrize(
    ("vehicle", "message"),
    [
        ("rover_mass_kg = 100.0", "rover_mass_kg must be 0 on a legged lander"),
        ("leg_count = 2", "leg_count: a legged lander stands on at least 3 legs"),
        ("rover_stowed_offset_m = 0.3", "(the footpads) must be below the stage bottom"),
        ('landing_system = "balloon"', "landing_system must be one of sky_crane, legs, airbags"),
    ],
)
def test_a_bad_legged_vehicle_is_one_line(vehicle: str, message: str) -> None:
    with pytest.raises(ScenarioError) as e:
        parse_scenario(legged_text("phoenix", vehicle), "t.toml")
    assert message in str(e.value) and "\n" not in str(e.value)


def test_the_landing_system_is_the_vehicles() -> None:
    with pytest.raises(ScenarioError, match="describes the vehicle"):
        parse_scenario(legged_text("phoenix", law="landing_system = 0"), "t.toml")


def test_engines_never_cut_is_a_violation() -> None:
    s = load_scenario("viking")
    never = dataclasses.replace(s, law=s.law.replace(td_contact_samples=10**6))
    summary = summarize(fly(never))
    assert "engine_not_cut" in summary.violation_kinds


def test_a_lander_on_its_belly_is_a_violation() -> None:
    """On flat ground, a body 1 cm above the footpads: the legs' stroke takes
    more, the body hits."""
    s = load_scenario("viking")
    flat = dataclasses.replace(
        s.terrain, roughness_m=0.0, crater_density_per_km2=0.0, rock_density_per_m2=0.0
    )
    low = dataclasses.replace(
        s, terrain=flat, vehicle=dataclasses.replace(s.vehicle, descent_stage_bottom_m=1.19)
    )
    summary = summarize(fly(low))
    assert "body_impact" in summary.violation_kinds


@pytest.mark.parametrize("name", LEGGED)
@settings(max_examples=25)
@given(data=st.data())
def test_every_landing_in_a_small_envelope_meets_its_limits(name: str, data: Any) -> None:
    scenario = data.draw(small_envelope(name))
    s = summarize(fly(scenario))
    assert s.verdict == "pass", (scenario.initial, s.violations)
