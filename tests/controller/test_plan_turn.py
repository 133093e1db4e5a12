"""Convex guidance turns its command early toward a later burn the stage
could not otherwise turn to in time (design F in controller/_plan.pyx):
the geometry in the reference, and a landing that missed its site by 40 m
without it. The compiled copies are held to the reference by the law's
back-to-back tests (tests/firmware/test_law_back_to_back.py, and
test_plan.py's closed loop)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from hilander.controller import LawConfig
from hilander.controller.reference_plan import (
    COAST,
    PlanState,
    anticipate_turn,
    plan_state,
    track,
    turn_toward,
)
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from tests.common.law import MASS_KG, VEHICLE, frame

RATE = math.radians(20.0)  # MSL's thrust-axis turn rate
G = 3.711


def _direction(tilt_rad: float, azimuth_rad: float, length: float) -> list[float]:
    s = math.sin(tilt_rad)
    return [
        length * s * math.cos(azimuth_rad),
        length * s * math.sin(azimuth_rad),
        length * math.cos(tilt_rad),
    ]


def _angle(a: list[float], b: list[float]) -> float:
    c = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))


def _plan(accels: list[list[float]], dt: float = 1.0) -> PlanState:
    return PlanState(
        valid=True,
        start_s=0.0,
        time_of_flight_s=dt * len(accels),
        nodes=len(accels),
        accel_mps2=accels,
    )


COAST_WEST = _direction(math.radians(45.0), math.pi, 1.7)  # the floor, leaning west
BURN = _direction(math.radians(25.0), 0.0, 10.0)  # braking eastward, 70 degrees away


def test_a_coast_before_a_burn_turns_just_enough() -> None:
    """70 degrees to turn and the burn 1.5 s away at 20 degrees a second: the
    command turns 40 degrees toward the burn now, in their plane, its length
    kept, so that the stage reaches the burn's direction as it starts."""
    pl = _plan([COAST_WEST, COAST_WEST, BURN, BURN])
    a = anticipate_turn(RATE, pl, 0.5, list(COAST_WEST))
    assert math.isclose(_angle(a, BURN), RATE * 1.5, abs_tol=1e-12)
    assert math.isclose(_angle(a, COAST_WEST), math.radians(70.0) - RATE * 1.5, abs_tol=1e-12)
    assert math.isclose(float(np.linalg.norm(a)), 1.7, rel_tol=1e-12)
    assert abs(np.dot(np.cross(COAST_WEST, BURN), a)) < 1e-12  # in the plane of the two


def test_a_burn_within_reach_leaves_the_command_alone() -> None:
    """4.5 s ahead, 70 degrees is within the turn rate: nothing to do; the
    same with no turn rate told (0), and on the plan's last interval."""
    pl = _plan([COAST_WEST, COAST_WEST, COAST_WEST, COAST_WEST, COAST_WEST, BURN])
    assert anticipate_turn(RATE, pl, 0.5, list(COAST_WEST)) == COAST_WEST
    assert anticipate_turn(0.0, _plan([COAST_WEST, BURN]), 0.5, list(COAST_WEST)) == COAST_WEST
    assert anticipate_turn(RATE, _plan([COAST_WEST, BURN]), 1.5, list(COAST_WEST)) == COAST_WEST


def test_the_latest_reachable_interval_sets_the_turn() -> None:
    """Of two later intervals, the one with the larger excess of angle over
    the turn it allows: here the far one, 180 degrees round (a half turn
    away at most is counted: beyond it any direction is reachable)."""
    near = _direction(math.radians(10.0), math.pi, 10.0)  # 35 degrees from the coast
    far = _direction(math.radians(45.0), 0.0, 10.0)  # 90 degrees from it
    a = anticipate_turn(RATE, _plan([COAST_WEST, near, far, far]), 0.9, list(COAST_WEST))
    assert math.isclose(_angle(a, far), RATE * 1.1, abs_tol=1e-12)
    pl = _plan([COAST_WEST] * 10 + [BURN], dt=1.0)
    assert (
        anticipate_turn(RATE, pl, 0.0, list(COAST_WEST)) == COAST_WEST
    )  # 10 s: 200 degrees of turn


def test_turning_along_or_against_the_target_changes_nothing() -> None:
    up = [0.0, 0.0, 5.0]
    assert turn_toward(up, [0.0, 0.0, 2.0], 0.3) == up
    assert turn_toward(up, [0.0, 0.0, -2.0], 0.3) == up


def test_only_a_coast_is_turned() -> None:
    """A command under COAST times the thrust floor's acceleration (a
    coast's) is turned early; a larger one is flown as it is, a burn's or a
    correction's: turned with its length kept, a correction would become a
    thrust the wrong way (tried: 41 of 1,000 runs at 1.5x failed)."""
    p = LawConfig(**VEHICLE, guidance="convex")
    floor_mps2 = p.throttle_min * p.engine_count * p.engine_thrust_max_N / MASS_KG
    assert float(np.linalg.norm(COAST_WEST)) < COAST * floor_mps2
    leaning = _direction(math.radians(45.0), math.pi, COAST * floor_mps2 * 1.01)
    cases = ((COAST_WEST, 0.0, True), (COAST_WEST, -1.0, False), (leaning, 0.0, False))
    for first, off_mps, turned in cases:
        pl = _plan([first, first, BURN, BURN])
        pl.position_m, pl.velocity_mps = [0.0, 0.0, 1500.0], [10.0, 0.0, -60.0]
        r, v, _ = plan_state(pl, p.gravity_mps2, 0.5)
        moving = (v[0] - off_mps, v[1], v[2])  # the feedback adds kv * off_mps eastward
        a, _ = track(p, pl, frame(25, p, nav_position_S_m=tuple(r), nav_velocity_S_mps=moving))
        fed = [first[0] + p.plan_velocity_gain_per_s * off_mps, first[1], first[2]]
        assert np.allclose(a, fed, rtol=0.0, atol=1e-12) != turned


def test_a_late_braking_burn_lands_on_its_site() -> None:
    """tests/data/late-turn.toml (run 153 of benchmarks/convex/wide-1.5x.toml):
    the plan coasts at the floor leaning west, then brakes eastward 70
    degrees away; flown as planned, the stage was still turning into the
    burn 3 s later, 13 m/s off the plan, and touched down 40 m from its
    site. Turned early, it lands a few metres from it."""
    s = load_scenario(str(Path(__file__).parents[1] / "data" / "late-turn.toml"))
    summary = summarize(fly(s))
    assert summary.verdict == "pass", summary.violations
    assert summary.touchdown is not None and summary.touchdown.distance_to_site_m < 10.0
