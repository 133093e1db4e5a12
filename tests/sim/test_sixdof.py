"""The 6-DOF world ([sim] dynamics = "6dof"): landings that pass, the 3-DOF
path untouched, and the mechanics of the world against closed forms (the
rover's swing on its bridle, the static tipping angle on a slope), a
sideways touchdown that tips a lander, and the energy of the stage."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from hilander.sim.result import summarize
from hilander.sim.result_sixdof import sixdof_violations
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario, parse_scenario
from hilander.sim.schema import ScenarioError
from hilander.sim.shapes import stability_angle_rad
from tests.common.sixdof import about_y, energy_J, rigid_world, sixdof, tilt_rad
from tests.common.world import RELEASE, G, command, run

TICK_S = 0.02


def test_the_default_scenario_lands_in_6dof() -> None:
    s = summarize(fly(sixdof(load_scenario("default"))))
    assert s.verdict == "pass", s.violations
    a = s.attitude
    assert a is not None and a.touchdown_tilt_rad is not None and a.touchdown_rate_radps is not None
    limits = load_scenario("default").limits
    assert a.touchdown_tilt_rad <= limits.touchdown_tilt_max_rad
    assert a.touchdown_rate_radps <= limits.touchdown_rate_max_radps
    assert "attitude" in s.to_dict()


def test_a_3dof_summary_has_no_attitude_and_the_world_no_rates() -> None:
    landing = fly(load_scenario("default"))
    assert "attitude" not in summarize(landing).to_dict()
    assert not np.any(landing.column("rate_x_radps"))


def test_the_6dof_world_is_deterministic() -> None:
    scenario = sixdof(load_scenario("viking"))
    first, second = fly(scenario), fly(scenario)
    assert np.array_equal(first.telemetry, second.telemetry)


def test_the_scenario_file_asks_for_6dof() -> None:
    text = 'name = "x"\nvehicle = "viking"\n[sim]\ndynamics = "6dof"\n'
    assert parse_scenario(text, "x.toml").sim.dynamics == "6dof"
    with pytest.raises(ScenarioError, match=r"\[sim\] dynamics = '7dof': must be one of"):
        parse_scenario('name = "x"\n[sim]\ndynamics = "7dof"\n', "x.toml")


def test_an_airbag_lander_is_refused_in_6dof_in_one_line() -> None:
    with pytest.raises(ScenarioError) as e:
        parse_scenario('name = "x"\nvehicle = "mer"\n[sim]\ndynamics = "6dof"\n', "x.toml")
    assert str(e.value) == 'x.toml: [sim] dynamics = "6dof": an airbag lander flies in 3-DOF only'


def swing_period_s(attach_below_com_m: float) -> tuple[float, float]:
    """(measured, closed form) period of the rover's swing under a hovering
    stage: kicked by a brief tilt of the thrust, then the thrust held vertical."""
    # the stage's centre of mass attach_below_com_m above the bridle's attachment
    world = rigid_world(
        "default",
        isp_s=1e5,  # no mass lost: one period throughout
        tank_com_B_m=[0.0, 0.0, 0.0],
        stage_dry_com_B_m=[0.0, 0.0, attach_below_com_m],
    )
    offsets, times = [], []
    for k in range(round(60.0 / TICK_S)):
        s = world.state_dict()
        mass_kg = 820.0 + s["propellant_kg"] + 899.0
        tilt = 0.1 if 12.0 <= k * TICK_S < 12.5 else 0.0
        up = (math.sin(tilt) * mass_kg * G, 0.0, math.cos(tilt) * mass_kg * G)
        world.command(command(up, mass_kg * G / 25000.0, RELEASE))
        world.advance()
        if k * TICK_S > 20.0:
            offsets.append(s["rover"]["position_S_m"][0] - s["stage"]["position_S_m"][0])
            times.append(k * TICK_S)
    x, t = np.array(offsets) - np.mean(offsets), np.array(times)
    i = np.nonzero((x[:-1] < 0) & (x[1:] >= 0))[0]
    crossings = t[i] + TICK_S * -x[i] / (x[i + 1] - x[i])
    s = world.state_dict()
    length_m = s["bridle_paid_m"] + s["bridle_tension_N"] / 3.0e5  # paid out, and stretched
    stage_kg = 820.0 + s["propellant_kg"]
    # two bodies: the stage, free across, moves against the rover
    closed = 2 * math.pi * math.sqrt(length_m / (G * (1.0 + 899.0 / stage_kg)))
    return float(np.mean(np.diff(crossings))), closed


def test_the_rover_swings_on_its_bridle_with_the_pendulum_period() -> None:
    measured, closed = swing_period_s(0.0)
    assert measured == pytest.approx(closed, rel=0.005)


def test_a_bridle_pulling_below_the_centre_of_mass_leans_the_stage_and_slows_the_swing() -> None:
    """The pull turns the stage; its thrust leans against the pull."""
    measured, closed = swing_period_s(0.3)
    assert measured > 1.01 * closed


VIKING_PADS_M = 1.2
VIKING_LEG_RADIUS_M = 1.3
VIKING_COM_M = 85.0 * 0.1 / 657.0  # the propellant's share, 0.1 m up (presets_legs.py)


def stand_on_slope(slope_rad: float) -> float:
    """A Viking, engines off, set on its three pads on a slope (downhill toward
    an edge of its support triangle): its tilt after 4 s [rad]."""
    normal = (-math.sin(slope_rad), 0.0, math.cos(slope_rad))
    up_m = VIKING_PADS_M - 0.005  # the pads a few mm into the ground
    world = rigid_world(
        "viking",
        position_m=(normal[0] * up_m, 0.0, normal[2] * up_m),
        gradient=(math.tan(slope_rad), 0.0),
        friction_coefficient=3.0,  # it would slide before it tips at 0.5
        rcs_torque_max_Nm=0.0,
    )
    world.orient(about_y(-slope_rad))
    run(world, 4.0, command())
    return tilt_rad(world)


def test_the_static_tipping_angle_is_the_support_polygons() -> None:
    """The centre of mass over the downhill edge of the support triangle:
    tan(angle) = R cos(60 deg) / h; within a degree (the pads sink)."""
    critical = stability_angle_rad(3, VIKING_LEG_RADIUS_M, VIKING_PADS_M + VIKING_COM_M)
    below, above = critical - math.radians(1.5), critical + math.radians(1.0)
    assert stand_on_slope(below) == pytest.approx(below, abs=math.radians(0.5))
    assert stand_on_slope(above) > math.radians(90.0)


def touch_down_on_slope(speed_downhill_mps: float) -> dict[str, float]:
    """A Viking, engines off, falling at 2.4 m/s onto a 10 deg slope."""
    world = rigid_world(
        "viking",
        position_m=(0.0, 0.0, 1.5),
        velocity_mps=(-speed_downhill_mps, 0.0, -2.4),
        gradient=(math.tan(math.radians(10.0)), 0.0),
        rcs_torque_max_Nm=0.0,
    )
    while not world.done:
        run(world, TICK_S, command())
    return world.records


def test_a_sideways_touchdown_on_a_slope_tips_a_lander() -> None:
    stability = load_scenario("viking").limits.tip_over_tilt_rad
    straight, sideways = touch_down_on_slope(0.0), touch_down_on_slope(3.0)
    assert straight["tilt_max_after_touchdown_rad"] < stability
    assert math.isnan(straight["stage_impact_time_s"])
    assert sideways["tilt_max_after_touchdown_rad"] > stability
    assert not math.isnan(sideways["stage_impact_time_s"])  # on its side


def test_the_judge_calls_a_lean_past_the_stability_angle_a_tip_over() -> None:
    scenario = sixdof(load_scenario("viking"))
    summary = summarize(fly(scenario))
    assert summary.attitude is not None and "tip_over" not in summary.violation_kinds
    limit = scenario.limits.tip_over_tilt_rad
    leaned = dataclasses.replace(summary.attitude, lean_rad=limit + 0.01)
    found = sixdof_violations(dataclasses.replace(summary, attitude=leaned), scenario.limits)
    assert [kind for kind, _ in found] == ["tip_over"]
    assert "past its stability angle" in found[0][1]


def test_the_tumbling_stage_keeps_its_energy_and_momentum_in_free_fall() -> None:
    world = rigid_world("default")
    world.orient((1.0, 0.0, 0.0, 0.0), (0.3, -0.2, 0.5))
    start = energy_J(world, G)
    run(world, 10.0, command())
    end = energy_J(world, G)
    assert end.rotation_J == pytest.approx(start.rotation_J, rel=1e-3)
    assert end.momentum_Nms == pytest.approx(start.momentum_Nms, rel=1e-3)
    assert end.translation_J == pytest.approx(start.translation_J, abs=1e-4 * start.translation_J)
    assert world.state_dict()["body"]["rate_B_radps"][0] != pytest.approx(0.3, abs=0.01)


def test_the_ground_takes_energy_and_never_gives_more_back() -> None:
    """A Viking dropped 1 m, engines off, tilted: the contact springs return at
    most what they stored."""
    world = rigid_world("viking", position_m=(0.0, 0.0, 2.2), rcs_torque_max_Nm=0.0)
    world.orient(about_y(0.1))
    energy = [energy_J(world, G).total_J]
    for _ in range(150):
        run(world, TICK_S, command())
        energy.append(energy_J(world, G).total_J)
    assert max(energy) <= energy[0] * (1.0 + 1e-4)
    assert energy[-1] < energy[0] - 0.5 * 657.0 * G * 1.0  # most of the fall dissipated
