"""The 6-DOF world's disturbances reach the stage and not the attitude loop:
the loop allocates on the nominal layout about the nominal centre of mass, the
world pushes with the true ones. A PD loop holds a constant disturbance torque
with a standing error, tau = I wn^2 2 sin(theta/2) (controller attitude_torque),
so the stage's steady tilt measures the torque the loop does not know about.
The seeded misalignment and thrust mismatch have the spread the vehicle sets."""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

from hilander.sim.scenario import load_scenario
from hilander.sim.sixdof import sixdof_params
from hilander.sim.world import world_params
from tests.common.sixdof import QUIET, sixdof, tilt_rad
from tests.common.world import bare_world, command, run

HOLD_S = 6.0  # ten time constants of the default's attitude loop
THROTTLE = 0.7


def hover(params: dict[str, Any]) -> dict[str, Any]:
    """The state after HOLD_S of a constant command along the site's z, high up."""
    world = bare_world((0.0, 0.0, 2000.0), (0.0, 0.0, 0.0), (0.0, 0.0), params)
    run(world, HOLD_S, command((0.0, 0.0, 1.0), THROTTLE))
    state = world.state_dict()
    state["tilt_rad"] = tilt_rad(world)
    return state


def standing_tilt_rad(state: dict[str, Any], params: dict[str, Any], torque_Nm: float) -> float:
    """The PD loop's standing error against a constant torque about body y."""
    inertia_y = state["mass"]["inertia_B_kg_m2"][4]
    wn = params["attitude"]["bandwidth_radps"]
    return 2.0 * math.asin(abs(torque_Nm) / (inertia_y * wn * wn) / 2.0)


def engine_wrench(state: dict[str, Any], count: int, axis: int) -> float:
    """The engines' summed wrench component (0-2 force in N, 3-5 torque in N m)."""
    wrench = state["engine_wrench_B"]
    return float(sum(state["engine_throttle"][i] * wrench[i][axis] for i in range(count)))


@pytest.mark.parametrize("offset_m", [0.05, 0.1])
def test_a_centre_of_mass_offset_stands_the_stage_off_by_the_loops_error(offset_m: float) -> None:
    vehicle = {**QUIET, "com_offset_m": (offset_m, 0.0, 0.0)}
    params = world_params(sixdof(load_scenario("default"), **vehicle))
    state = hover(params)
    thrust_N = engine_wrench(state, params["engine_count"], 2)
    # the dry stage's offset moves the whole stage's centre of mass by its share
    shift_m = params["descent_stage_dry_mass_kg"] * offset_m / state["mass"]["mass_kg"]
    expected = standing_tilt_rad(state, params, shift_m * thrust_N)
    assert state["tilt_rad"] == pytest.approx(expected, rel=0.01)
    assert state["rcs_torque_B_Nm"] == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)
    throttles = state["engine_throttle"][: params["engine_count"]]
    assert max(throttles) - min(throttles) > 0.02  # the engines, not the jets, hold it


def test_without_disturbances_the_stage_stands_straight_on_equal_engines() -> None:
    params = world_params(sixdof(load_scenario("default"), **QUIET))
    state = hover(params)
    assert state["tilt_rad"] < 1e-12
    throttles = state["engine_throttle"][: params["engine_count"]]
    assert max(throttles) - min(throttles) < 1e-12


@pytest.mark.parametrize("turn_rad", [0.01, 0.02])
def test_the_world_pushes_with_the_true_layout_the_loop_allocates_on_the_nominal(
    turn_rad: float,
) -> None:
    """Every true engine turned by turn_rad about body y: the thrust's lever
    below the centre of mass gives a torque the loop only sees as tilt."""
    params = world_params(sixdof(load_scenario("default"), **QUIET))
    true = copy.deepcopy(params["engines_true"])
    c, s = math.cos(turn_rad), math.sin(turn_rad)
    for i in range(params["engine_count"]):
        x, y, z = true["direction_B"][i]
        true["direction_B"][i] = [c * x + s * z, y, -s * x + c * z]
    params["engines_true"] = true
    state = hover(params)
    count = params["engine_count"]
    thrust_N = math.hypot(engine_wrench(state, count, 0), engine_wrench(state, count, 2))
    lever_m = true["position_B_m"][0][2] - state["mass"]["com_B_m"][2]
    expected = standing_tilt_rad(state, params, lever_m * thrust_N * s)
    # first order in the throttles' spread (the standing differential moves the lever's share)
    assert state["tilt_rad"] == pytest.approx(expected, rel=0.02)
    true_torque_Nm = engine_wrench(state, count, 4)
    assert abs(true_torque_Nm) < 1e-3 * abs(lever_m * thrust_N * s)  # balanced in truth


def angle_rad(a: list[float], b: list[float]) -> float:
    return float(np.arccos(np.clip(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1)))


def test_the_seeded_misalignment_and_mismatch_have_the_vehicles_spread() -> None:
    """Across the thrust: two components of sigma each, so the angle's rms is
    sigma sqrt(2); the thrust scale's standard deviation is its sigma."""
    sigma_rad, mismatch = 0.01, 0.03
    base = sixdof(
        load_scenario("default"),
        engine_misalignment_sigma_rad=sigma_rad,
        thrust_mismatch_sigma=mismatch,
    )
    angles, scales = [], []
    for seed in range(60):
        p = sixdof_params(base.with_seed(seed))
        n = base.vehicle.engine_count
        nominal, true = p["engines_nominal"]["direction_B"], p["engines_true"]["direction_B"]
        angles += [angle_rad(nominal[i], true[i]) for i in range(n)]
        scales += p["engine_thrust_scale"][:n]
    assert math.sqrt(np.mean(np.square(angles))) == pytest.approx(sigma_rad * math.sqrt(2), rel=0.1)
    assert float(np.std(scales)) == pytest.approx(mismatch, rel=0.1)
    assert float(np.mean(scales)) == pytest.approx(1.0, abs=0.005)
