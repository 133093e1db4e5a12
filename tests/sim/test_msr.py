"""The Mars Sample Return presets: msr-srl on legs and msr-skycrane on a sky
crane land in their 60 m flat zone with the figures expected, their numbers
add up (mars-landers.md §2.1, landers.md §2.2), and every landing of a small envelope
around each meets its limits."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hilander.controller._attitude import py_allocate
from hilander.sim.presets import PRESETS
from hilander.sim.presets_msl import M2020_VEHICLE
from hilander.sim.presets_msr import (
    MSR_LANDING_ZONE_RADIUS_M,
    MSR_PRESETS,
    MSR_SKYCRANE_RIGID,
    MSR_SRL_LANDED_MASS_MAX_KG,
    MSR_SRL_MAV_KG,
    MSR_SRL_PLATFORM_KG,
    MSR_SRL_RIGID,
    cylinder_inertia_kg_m2,
    tip_over_angle_rad,
)
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from hilander.sim.settings import InitialState
from hilander.sim.summary import LandingSummary
from tests.common.envelope import small_envelope

MSR = sorted(MSR_PRESETS)
MARS_G_MPS2 = 3.711


@pytest.fixture(scope="module")
def landed() -> dict[str, LandingSummary]:
    return {name: summarize(fly(load_scenario(name))) for name in MSR}


def test_both_presets_are_registered_with_their_own_scenarios() -> None:
    for name in MSR:
        assert PRESETS[name] is MSR_PRESETS[name]
        assert load_scenario(PRESETS[name]["scenario"]).preset == name
    assert load_scenario("msr-srl").vehicle.landing_system == "legs"
    assert load_scenario("msr-skycrane").vehicle.landing_system == "sky_crane"


def test_the_srl_lands_on_its_legs_in_its_zone(landed: dict[str, LandingSummary]) -> None:
    s = landed["msr-srl"]
    assert s.verdict == "pass", s.violations
    assert [p.name for p in s.phases] == [
        "powered_approach",
        "constant_velocity",
        "touchdown_detection",
        "landed",
    ]
    assert s.touchdown.vertical_speed_mps == pytest.approx(2.39, abs=0.05)  # 2.4 m/s, §6
    assert s.touchdown.horizontal_speed_mps < 0.2
    assert s.touchdown.distance_to_target_m < 5.0
    assert 0.0 <= s.engine_cutoff.after_touchdown_s <= 0.1
    assert 50.0 < s.propellant_at_cut_kg < 70.0  # the reserve is 2 kg


def test_the_skycrane_lowers_the_platform_in_its_zone(landed: dict[str, LandingSummary]) -> None:
    s = landed["msr-skycrane"]
    assert s.verdict == "pass", s.violations
    assert [p.name for p in s.phases][:4] == [
        "powered_approach",
        "constant_velocity",
        "sky_crane",
        "touchdown_detection",
    ]
    assert s.touchdown.vertical_speed_mps == pytest.approx(0.75, abs=0.05)  # §1.3, A
    assert s.touchdown.distance_to_target_m < 5.0
    assert 0.5 <= s.tether_cut.after_touchdown_s <= 3.0
    assert s.flyaway.impact_distance_m > 150.0
    assert s.propellant_at_cut_kg > 100.0  # the reserve is 20 kg: room for the flyaway


def test_the_landing_zone_is_the_site_miss_limit() -> None:
    """The 60 m radius (§2.1, A/B) is each preset's limit on the miss, and a
    touchdown outside it fails: the same landing told to land 60 m off the
    zone's centre flies there, and the verdict names the miss."""
    for name in MSR:
        assert MSR_PRESETS[name]["limits"]["site_miss_max_m"] == MSR_LANDING_ZONE_RADIUS_M
        assert MSR_PRESETS[name]["vehicle"]["hazard_altitude_m"] == 0.0  # no divert
    s = load_scenario("msr-srl")
    tight = dataclasses.replace(s, limits=dataclasses.replace(s.limits, site_miss_max_m=1.0))
    assert "site_miss" in summarize(fly(tight)).violation_kinds


def test_the_srl_mass_adds_up_to_nasas_2275_kg(landed: dict[str, LandingSummary]) -> None:
    """Dry = MAV + platform; dry + propellant left at touchdown is "as much
    as 2,275 kg" (§2.1, A), within 1 %."""
    v = load_scenario("msr-srl").vehicle
    assert v.descent_stage_dry_mass_kg == MSR_SRL_MAV_KG + MSR_SRL_PLATFORM_KG
    landed_kg = v.descent_stage_dry_mass_kg + landed["msr-srl"].propellant_at_cut_kg
    assert MSR_SRL_LANDED_MASS_MAX_KG * 0.99 <= landed_kg <= MSR_SRL_LANDED_MASS_MAX_KG


def test_the_heaviest_dispersed_srl_lands_within_2275_kg() -> None:
    """The campaign's heaviest dry mass, from the nominal start and from the
    lowest, slowest start it draws (the most propellant left), lands within
    the 2,275 kg NASA quotes as a maximum (§2.1, A)."""
    s = load_scenario("msr-srl")
    by_name = {d.name: d for d in s.dispersions}
    dry_kg = by_name["vehicle.descent_stage_dry_mass_kg"].high[0]
    low = (*s.initial.position_m[:2], by_name["initial.position_m"].low[2])
    slow = (*s.initial.velocity_mps[:2], by_name["initial.velocity_mps"].high[2])
    heavy = dataclasses.replace(s.vehicle, descent_stage_dry_mass_kg=dry_kg)
    for start in (s.initial, InitialState(low, slow)):
        summary = summarize(fly(dataclasses.replace(s, vehicle=heavy, initial=start)))
        assert summary.verdict == "pass", summary.violations
        assert dry_kg + summary.propellant_at_cut_kg <= MSR_SRL_LANDED_MASS_MAX_KG


def test_the_thrust_to_weight_matches_the_reference() -> None:
    """12 engines (§2.1, A) of 3.1 kN: T/W ≈4.0 at powered descent; 8 MLEs of
    25 kN in all (§1.1, A) for the sky crane, canted 15°: T/W ≈2.85 (R)."""
    srl = load_scenario("msr-srl").vehicle
    assert srl.engine_count == 12
    wet = srl.descent_stage_dry_mass_kg + srl.propellant_mass_kg
    thrust = srl.engine_count * srl.engine_thrust_max_N * math.cos(srl.cant_rad)
    assert thrust / (wet * MARS_G_MPS2) == pytest.approx(4.0, abs=0.05)
    crane = load_scenario("msr-skycrane").vehicle
    assert crane.engine_count * crane.engine_thrust_max_N == pytest.approx(25000.0)
    pdv = crane.descent_stage_dry_mass_kg + crane.rover_mass_kg + crane.propellant_mass_kg
    assert pdv == pytest.approx(2280.0)
    thrust = 25000.0 * math.cos(crane.cant_rad)
    assert thrust / (pdv * MARS_G_MPS2) == pytest.approx(2.85, abs=0.05)
    assert crane.bridle_length_m == M2020_VEHICLE["bridle_length_m"]


@pytest.mark.parametrize(
    ("rigid", "name"), [(MSR_SRL_RIGID, "msr-srl"), (MSR_SKYCRANE_RIGID, "msr-skycrane")]
)
def test_the_6dof_numbers_are_consistent(rigid: dict[str, Any], name: str) -> None:
    """The tip-over angle is the support polygon's closed form; the engine
    ring has the preset's engine count; the legs are the 3-DOF preset's."""
    n, r, h = rigid["leg_count"], rigid["footpad_radius_m"], rigid["com_height_m"]
    assert rigid["tip_over_angle_rad"] == pytest.approx(math.atan(r * math.sqrt(0.5) / h))
    assert tip_over_angle_rad(3, 1.0, 1.0) == pytest.approx(math.atan(0.5))  # triangle
    assert len(rigid["position_B_m"]) == len(rigid["direction_B"]) == rigid["engine_count"]
    for x, y, _ in rigid["position_B_m"]:  # inside the disc or the square
        if "stage_diameter_m" in rigid:
            assert math.hypot(x, y) < rigid["stage_diameter_m"] / 2
        else:
            assert max(abs(x), abs(y)) < rigid["stage_width_m"] / 2
    v = load_scenario(name).vehicle
    assert v.engine_count == rigid["engine_count"] and v.cant_rad == rigid["engine_cant_rad"]
    if v.legged:  # the 3-DOF world's footpads are the lander's
        assert (v.leg_count, v.leg_radius_m, v.rover_stowed_offset_m) == (n, r, h)
    else:  # the platform's height to its tether attachment
        assert v.rover_height_m == rigid["payload_height_m"]
    assert math.degrees(MSR_SRL_RIGID["tip_over_angle_rad"]) == pytest.approx(51.6, abs=0.05)
    assert math.degrees(MSR_SKYCRANE_RIGID["tip_over_angle_rad"]) == pytest.approx(49.7, abs=0.05)


def wrench_matrix(rigid: dict[str, Any], thrust_max_N: float) -> np.ndarray:
    """The allocator's columns (controller/_attitude.pyx, design B): each
    engine's force along z and torque about the centre of mass, at full thrust."""
    p, d = np.array(rigid["position_B_m"]), np.array(rigid["direction_B"])
    torque = np.cross(p - np.array(rigid["com_B_m"]), d)
    return thrust_max_N * np.vstack([d[:, 2], torque.T])


@pytest.mark.parametrize(
    ("rigid", "name", "roll_per_engine_Nm"),
    [(MSR_SRL_RIGID, "msr-srl", 511.4), (MSR_SKYCRANE_RIGID, "msr-skycrane", 191.4)],
)
def test_each_engine_layout_has_authority_on_all_four_rows(
    rigid: dict[str, Any], name: str, roll_per_engine_Nm: float
) -> None:
    """Unit directions canted cant_rad off the axis, balanced at equal
    throttles (no side force, no torque); the wrench matrix has rank 4 and
    its least singular value is sqrt(n) x the roll per engine, t r sin c
    sin(offset) (presets_msr.canted_directions); asked for hover and 200 N m
    about each axis in turn, the allocator delivers it exactly."""
    v = load_scenario(name).vehicle
    d = np.array(rigid["direction_B"])
    assert np.linalg.norm(d, axis=1) == pytest.approx(np.ones(len(d)), abs=1e-9)
    assert d[:, 2] == pytest.approx(np.full(len(d), math.cos(rigid["engine_cant_rad"])))
    a = wrench_matrix(rigid, v.engine_thrust_max_N)
    assert a.sum(axis=1)[1:] == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)
    assert d.sum(axis=0)[:2] == pytest.approx([0.0, 0.0], abs=1e-12)
    assert np.abs(a[3]) == pytest.approx(np.full(len(d), roll_per_engine_Nm), abs=0.1)
    assert np.linalg.matrix_rank(a) == 4
    sigma_min = np.linalg.svd(a, compute_uv=False)[-1]
    assert sigma_min == pytest.approx(math.sqrt(len(d)) * roll_per_engine_Nm, rel=1e-3)
    layout = {
        "position_B_m": rigid["position_B_m"],
        "direction_B": rigid["direction_B"],
        "thrust_max_N": v.engine_thrust_max_N,
        "throttle_min": v.throttle_min,
        "throttle_max": v.throttle_max,
    }
    params = {
        "inertia_B_kg_m2": list(rigid["inertia_wet_kg_m2"]),
        "com_B_m": list(rigid["com_B_m"]),
        "bandwidth_radps": 1.0,
        "damping_ratio": 0.7,
        "torque_priority": 10.0,
    }
    hover_N = 2400.0 * MARS_G_MPS2
    for axis in range(3):
        for sign in (1.0, -1.0):
            torque = [sign * 200.0 if k == axis else 0.0 for k in range(3)]
            bits, u, _ = py_allocate(layout, params, (1 << len(d)) - 1, hover_N, torque)
            assert bits == 0
            assert a @ np.array(u[: len(d)]) == pytest.approx([hover_N, *torque], abs=1e-3)


def test_the_inertia_is_the_solid_cylinders() -> None:
    ixx, iyy, izz = cylinder_inertia_kg_m2(2200.0, 2.3, 1.5)
    assert ixx == iyy == pytest.approx(3322.0, abs=1.0)
    assert izz == pytest.approx(5819.0, abs=1.0)
    assert MSR_SRL_RIGID["inertia_dry_kg_m2"] == (ixx, iyy, izz)
    # A thin disc's transverse moment is half its axial one (perpendicular axes).
    thin = cylinder_inertia_kg_m2(1.0, 1.0, 0.0)
    assert thin[0] == pytest.approx(thin[2] / 2)


@pytest.mark.parametrize("name", MSR)
@settings(max_examples=25)
@given(data=st.data())
def test_every_landing_in_a_small_envelope_meets_its_limits(name: str, data: Any) -> None:
    scenario = data.draw(small_envelope(name))
    s = summarize(fly(scenario))
    assert s.verdict == "pass", (scenario.initial, s.violations)
    assert s.touchdown.distance_to_target_m <= MSR_LANDING_ZONE_RADIUS_M
