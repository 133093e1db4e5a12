"""Faults in the 6-DOF world: an engine out. The world's engine manager tells
the law, through the frame's engine count, what the working engines can give
with the attitude held; checked here against a linear program (the most axial
force at zero torque, each engine within its floor and ceiling), independent
of the allocator."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linprog

from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from hilander.sim.sixdof import nominal_coms, sixdof_params
from tests.common.sixdof import rigid_world, sixdof, tilt_rad
from tests.common.world import RELEASE, command, run


def most_axial_N(lay: dict[str, Any], running: list[int], com_B_m: list[float]) -> float:
    """The linear program: the most force along the axis from the engines
    `running`, each within [throttle_min, throttle_max], with no torque about
    com_B_m (0 if no throttles hold it)."""
    n, thrust_N = lay["count"], lay["thrust_max_N"]
    arm = np.array(lay["position_B_m"][:n]) - np.array(com_B_m)
    direction = np.array(lay["direction_B"][:n])
    bounds = [
        (lay["throttle_min"], lay["throttle_max"]) if i in running else (0.0, 0.0) for i in range(n)
    ]
    torque = thrust_N * np.cross(arm, direction).T
    res = linprog(
        -thrust_N * direction[:, 2], A_eq=torque, b_eq=np.zeros(3), bounds=bounds, method="highs"
    )
    return float(-res.fun) if res.status == 0 else 0.0


def out_of(preset: str, engines_out: int) -> tuple[Any, dict[str, Any]]:
    """(vehicle, its 6-DOF WorldParams fields) with the last engines_out failed."""
    s = sixdof(load_scenario(preset), engines_out=engines_out)
    return s.vehicle, sixdof_params(s)


def test_engine_out_lands_in_6dof() -> None:
    s = summarize(fly(sixdof(load_scenario("engine-out"))))
    assert s.verdict == "pass", s.violations
    limits = load_scenario("engine-out").limits
    assert s.touchdown is not None
    assert s.touchdown.vertical_speed_mps <= limits.touchdown_vertical_speed_max_mps


@pytest.mark.parametrize(
    ("preset", "engines_out"),
    [("msl", 1), ("msl", 2), ("phoenix", 1), ("phoenix", 2), ("viking", 1), ("msr-srl", 1)],
)
def test_the_engine_count_after_an_engine_out_is_the_linear_programs(
    preset: str, engines_out: int
) -> None:
    # MSL's four pairs, 12 and 3 engines evenly spaced (a Viking with one out
    # cannot hold its attitude on the two left: 0), the SRL's 12
    v, p = out_of(preset, engines_out)
    lay = p["engines_nominal"]
    running = list(range(lay["count"] - engines_out))
    most_N = min(most_axial_N(lay, running, com) for com in nominal_coms(v))
    full_N = lay["throttle_max"] * lay["thrust_max_N"] * math.cos(v.cant_rad)
    assert p["engines_rated_out"] == math.floor(most_N / full_N)


def test_3dof_counts_the_engines_left() -> None:
    s = load_scenario("engine-out")
    assert sixdof_params(s)["engines_rated_out"] == 7
    assert sixdof_params(sixdof(s))["engines_rated_out"] == 5


def test_shutting_down_the_opposite_engine_gives_less() -> None:
    # The choice of docs/world.md ("6-DOF"): MSL's engine 7 lost, turning off
    # the engine across the stage from it (engine 3: the toes of a pair give
    # roll, and the pairs are not opposite) leaves less axial force at zero
    # torque than throttling the seven by the allocator; a 3-engine Viking has
    # no engine across from another at all.
    v, p = out_of("msl", 1)
    lay = p["engines_nominal"]
    azimuth = [math.atan2(y, x) for x, y, _ in lay["position_B_m"][:8]]
    across = min(range(8), key=lambda i: abs(math.cos(azimuth[i] - azimuth[7]) + 1.0))
    assert across == 3
    com = nominal_coms(v)[0]
    seven = most_axial_N(lay, list(range(7)), com)
    six = most_axial_N(lay, [0, 1, 2, 4, 5, 6], com)
    assert six < 0.75 * seven


def test_after_the_failure_the_engines_give_the_laws_full_throttle() -> None:
    # Quiet (true layout = nominal): the law at full throttle asks for the
    # frame's engines' rated thrust, and the engines give it, the attitude held
    # (before the fault the eight give 0.4 % less than rated: their toe).
    world = rigid_world("engine-out")
    up = command((0.0, 0.0, 1.0), 1.0, RELEASE)
    run(world, 4.0, up)
    assert world.sense()["engines_active"] == 8
    run(world, 2.0, up)
    rated = world.sense()["engines_active"]
    assert rated == 5
    assert world.state_dict()["thrust_N"] == pytest.approx(rated * 3125.0, rel=1e-9)
    kicked = tilt_rad(world)  # the failed engine stopped within a control tick
    run(world, 8.0, up)
    assert world.state_dict()["thrust_N"] == pytest.approx(rated * 3125.0, rel=1e-9)
    assert tilt_rad(world) < min(0.01, 0.2 * kicked)
