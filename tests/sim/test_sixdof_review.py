"""The 6-DOF world against the defects of its review: the attitude loop stops
on the ground, a command that takes effect mid-tick is allocated as it does,
and the tip-over verdict judges the lean that persists over the support
polygon's edge, not the most the lander ever leaned."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest

from hilander.sim.budget import check_flight
from hilander.sim.presets import PRESETS
from hilander.sim.scenario import load_scenario, parse_scenario
from hilander.sim.schema import ScenarioError
from hilander.sim.shapes import stability_angle_rad
from hilander.sim.sixdof import sixdof_params
from hilander.sim.world import world_params
from tests.common.sixdof import about_y, rigid_world, sixdof, tilt_rad
from tests.common.world import RELEASE, bare_world, command, run

TICK_S = 0.02
VIKING_STABILITY_RAD = load_scenario("viking").limits.tip_over_tilt_rad


def downhill_touchdown(speed_mps: float, **overrides: Any) -> dict[str, Any]:
    """A Viking touching down at speed_mps downhill on a 10 deg slope, engines idle."""
    world = rigid_world(
        "viking",
        position_m=(0.0, 0.0, 1.5),
        velocity_mps=(-speed_mps, 0.0, -2.4),
        gradient=(math.tan(math.radians(10.0)), 0.0),
        **overrides,
    )
    while not world.done:
        run(world, TICK_S, command())
    return dict(world.records)


@pytest.mark.parametrize("speed_mps", [1.0, 1.1])
def test_the_reaction_control_does_not_hold_a_lander_up_on_the_ground(speed_mps: float) -> None:
    """The preset's RCS (100 N m) stops at touchdown: the lander stands or tips
    as one without RCS does (1.0 m/s stands, 1.1 m/s tips; before the fix the
    RCS held it up at 1.1 m/s)."""
    with_rcs = downhill_touchdown(speed_mps)
    without = downhill_touchdown(speed_mps, rcs_torque_max_Nm=0.0)
    assert load_scenario("viking").vehicle.rcs_torque_max_Nm > 0.0
    for key in ("tilt_max_after_touchdown_rad", "lean_rad", "stage_impact_time_s"):
        assert with_rcs[key] == pytest.approx(without[key], nan_ok=True), key
    assert (with_rcs["lean_rad"] > VIKING_STABILITY_RAD) == (speed_mps > 1.05)


def throttle_after(world: Any, ticks: int) -> list[float]:
    out = []
    for _ in range(ticks):
        world.command(command((0.0, 0.0, 1e4), 0.5))
        world.advance()
        out.append(world.state_dict()["throttle"])
    return out


@pytest.mark.parametrize("latency_steps", [0, 5, 19, 21])
def test_a_command_that_takes_effect_mid_tick_moves_the_engines_as_in_3dof(
    latency_steps: int,
) -> None:
    """The engines start toward a command on the step it takes effect (20
    steps a tick): as the 3-DOF throttle does, within the allocator's split of
    the thrust among the canted engines (measured 0.4 %)."""
    three = throttle_after(bare_world(latency_steps=latency_steps), 2)
    six = throttle_after(rigid_world("default", latency_steps=latency_steps), 2)
    for a, b in zip(three, six, strict=True):
        assert (a > 0.0) == (b > 0.0)
        assert b == pytest.approx(a, rel=0.01)


def standing_on(slope_deg: float) -> tuple[float, dict[str, Any]]:
    """A Viking set down on a slope with a footpad downhill, left 6 s: (tilt, records)."""
    slope = math.radians(slope_deg)
    up = 1.2 - 0.005
    world = rigid_world(
        "viking",
        position_m=(math.sin(slope) * up, 0.0, math.cos(slope) * up),
        gradient=(-math.tan(slope), 0.0),
        friction_coefficient=3.0,
        rcs_torque_max_Nm=0.0,
    )
    world.orient(about_y(slope))
    run(world, 6.0, command())
    return tilt_rad(world), dict(world.records)


@pytest.mark.parametrize("slope_deg", [30.0, 44.0])
def test_a_lander_standing_on_a_steep_slope_toward_a_footpad_has_not_tipped(
    slope_deg: float,
) -> None:
    """Toward a footpad its stability angle is atan(r / h) = 47.3 deg, not the
    edge's 28.4: it stands on 44 deg, and is not judged tipped over."""
    tilt, records = standing_on(slope_deg)
    assert tilt == pytest.approx(math.radians(slope_deg), abs=math.radians(1.0))
    assert tilt > VIKING_STABILITY_RAD
    assert records["lean_rad"] < VIKING_STABILITY_RAD


def test_a_lander_on_a_slope_past_its_stability_angle_toward_a_footpad_tips() -> None:
    tilt, records = standing_on(50.0)
    assert tilt > math.radians(90.0)
    assert records["lean_rad"] > VIKING_STABILITY_RAD


def test_a_lean_that_recovers_is_not_a_tip_over() -> None:
    """Sliding downhill toward a footpad at 3.5 m/s (mu 1, 8 deg): it rocks to
    33.6 deg, past 28.4, and settles on its feet at 8.1 deg."""
    world = rigid_world(
        "viking",
        position_m=(0.0, 0.0, 1.5),
        velocity_mps=(3.5, 0.0, -2.4),
        rcs_torque_max_Nm=0.0,
        friction_coefficient=1.0,
        gradient=(-math.tan(math.radians(8.0)), 0.0),
    )
    while not world.done:
        run(world, TICK_S, command())
    records = world.records
    assert records["tilt_max_after_touchdown_rad"] > VIKING_STABILITY_RAD
    assert tilt_rad(world) == pytest.approx(math.radians(8.0), abs=math.radians(0.5))
    assert records["lean_rad"] < VIKING_STABILITY_RAD


def test_the_stability_angle_follows_the_vehicle_unless_the_limits_set_it() -> None:
    wide = '[vehicle]\npreset = "viking"\nleg_radius_m = 2.0\nleg_count = 4\n'
    scenario = parse_scenario(f'name = "x"\n{wide}', "x.toml")
    assert scenario.limits.tip_over_tilt_rad == stability_angle_rad(4, 2.0, 1.2)
    scenario = parse_scenario(f'name = "x"\n{wide}[limits]\ntip_over_tilt_rad = 0.3\n', "x.toml")
    assert scenario.limits.tip_over_tilt_rad == 0.3
    msr = load_scenario("msr-srl")
    assert msr.limits.tip_over_tilt_rad == stability_angle_rad(4, 2.5, 1.4)  # 51.6 deg


def viking_6dof(vehicle: str) -> str:
    return f'name = "x"\n[sim]\ndynamics = "6dof"\n[vehicle]\npreset = "viking"\n{vehicle}'


@pytest.mark.parametrize("moment", [0.05, 1.0])
def test_footpads_too_stiff_for_the_stage_s_moments_are_refused_in_6dof(moment: float) -> None:
    """The review's stage of 0.05 and 1 kg m^2 on Viking's footpads: the plant
    step cannot integrate its turning (it spun up to 1e4 rad/s); refused in one
    line, and flown in 3-DOF, where it does not turn."""
    text = f"stage_inertia_kg_m2 = [{moment}, {moment}, {moment}]\ntank_radius_m = 0.01\n"
    with pytest.raises(ScenarioError, match="too stiff for the moments") as refused:
        check_flight(parse_scenario(viking_6dof(text), "x.toml"))
    assert "\n" not in str(refused.value)
    flat = parse_scenario(viking_6dof(text).replace('"6dof"', '"3dof"'), "x.toml")
    assert check_flight(flat) is flat


def test_principal_moments_no_body_has_are_refused_in_6dof() -> None:
    text = viking_6dof("stage_inertia_kg_m2 = [100.0, 100.0, 250.0]\n")
    with pytest.raises(ScenarioError, match="no body has these principal moments"):
        check_flight(parse_scenario(text, "x.toml"))


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_s_springs_pass_the_budget_in_6dof(preset: str) -> None:
    scenario = parse_scenario(f'name = "x"\n[vehicle]\npreset = "{preset}"\n', "x.toml")
    if scenario.vehicle.landing_system != "airbags":
        check_flight(sixdof(scenario))


def test_an_attitude_loop_faster_than_the_engines_lag_is_refused_in_6dof() -> None:
    """Viking's engines lag 0.05 s: its loop may have at most 10 rad/s."""
    text = viking_6dof("attitude_bandwidth_radps = 20.0\n")
    with pytest.raises(ScenarioError, match="attitude_bandwidth_radps = 20: over 10 rad/s"):
        check_flight(parse_scenario(text, "x.toml"))
    check_flight(parse_scenario(viking_6dof("attitude_bandwidth_radps = 10.0\n"), "x.toml"))


def test_no_engine_draws_a_negative_thrust() -> None:
    """thrust_mismatch_sigma at its bound, 0.3: a draw past -1 sigma/0.3 is an
    engine that gives nothing, not one that pulls backward."""
    scenario = sixdof(load_scenario("phoenix"), thrust_mismatch_sigma=0.3)
    scales = [
        sixdof_params(dataclasses.replace(scenario, seed=seed))["engine_thrust_scale"][:12]
        for seed in range(2000)
    ]
    assert min(min(s) for s in scales) == 0.0


def test_the_telemetry_throttle_is_over_the_engines_still_running() -> None:
    world = rigid_world("default", engines_out=2, engine_out_time_s=0.0)
    for _ in range(5):
        world.command(command((0.0, 0.0, 1e4), 0.5))
        world.advance()
    state = world.state_dict()
    assert sum(1 for t in state["engine_throttle"] if t > 0.0) == 6
    assert state["throttle"] == pytest.approx(sum(state["engine_throttle"]) / 6, rel=1e-12)
    assert state["throttle"] > 0.4


@pytest.mark.parametrize("rate_B_radps", [(0.0, 0.0, 0.0), (0.3, 0.2, 0.0), (0.0, 0.4, 0.1)])
def test_the_release_keeps_the_systems_momentum(rate_B_radps: tuple[float, float, float]) -> None:
    """Stowed, the rover's mass turns with the stage at its own centre of mass;
    released, it leaves moving as that point did (gravity alone changes the sum)."""
    world = rigid_world("default", position_m=(0.0, 0.0, 1500.0), rcs_torque_max_Nm=0.0)
    world.orient((1.0, 0.0, 0.0, 0.0), rate_B_radps)
    before = world.state_dict()
    mass_kg = before["mass"]["mass_kg"]
    momentum_Ns = mass_kg * np.array(before["body"]["velocity_S_mps"])
    run(world, TICK_S, command(events=RELEASE))
    after = world.state_dict()
    assert not after["rover_attached"] and not after["body_with_rover"]
    stage_kg = after["mass"]["mass_kg"]
    rover_Ns = (mass_kg - stage_kg) * np.array(after["rover"]["velocity_S_mps"])
    total_Ns = stage_kg * np.array(after["body"]["velocity_S_mps"]) + rover_Ns
    gravity_mps2 = world_params(load_scenario("default"))["gravity_mps2"]
    gravity_Ns = mass_kg * np.array([0.0, 0.0, -gravity_mps2]) * TICK_S
    assert total_Ns - momentum_Ns == pytest.approx(gravity_Ns, abs=1e-6 * mass_kg)
