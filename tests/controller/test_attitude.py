"""The attitude controller and the engine allocator (controller/_attitude.pyx):
the compiled law against the pure-Python reference bit for bit, the allocator
against an independent oracle (scipy's bounded least squares on the same
weighted problem), the attitude loop on a rigid rotor against the closed form
of a damped second-order step."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hilander.controller import reference_allocate as ref_allocate
from hilander.controller import reference_attitude as ref
from hilander.controller._attitude import py_allocate, py_attitude_torque
from hilander.controller.reference_attitude import (
    ALLOCATE_FORCE_SHORT,
    ALLOCATE_ITERATION_LIMIT,
    ALLOCATE_SATURATED,
    ALLOCATE_TORQUE_SHORT,
    AttitudeParams,
    EngineLayout,
)
from tests.common.attitude import (
    MSL_LIKE,
    MSL_RADIAL,
    NAMED,
    SQUARE_UNCANTED,
    STAGE,
    as_dicts,
    command,
    commands,
    engines_ok,
    kkt_violation,
    layouts_and_params,
    objective,
    oracle,
    quaternions,
    rates,
    scale,
    vectors,
    wrench_matrix,
)

# the allocation's objective above the oracle's, relative to |W target|^2 plus the
# oracle's objective (not scale() squared, which total authority dominates): measured
# at most 4.8e-9 over 3,000 cases (an engine that barely acts, left where the ridge
# puts it); a floor of 1e-24 scale()^2 for a zero target
ORACLE_TOLERANCE = 1e-8
# optimality (kkt_violation): measured at most 5.6e-10 over 3,000 cases; the
# allocator frees a held engine above 1e-9 (ALLOCATE_TOLERANCE)
KKT_TOLERANCE = 1e-8
# a feasible wrench's residual relative to scale(), where the engines act on
# every direction of it at least 1e-2 of their strongest: measured at most 9.7e-17
# over 3,000 cases (engines_ok biased to all running)
FEASIBLE_TOLERANCE = 1e-9

Allocate = Callable[..., tuple[int, list[float], int]]
Torque = Callable[..., list[float]]


def compiled_allocate(
    e: EngineLayout, a: AttitudeParams, *args: Any
) -> tuple[int, list[float], int]:
    bits, throttle, iterations = py_allocate(*as_dicts(e, a), *args)
    return bits, throttle, iterations


def compiled_torque(q: Any, rate: Any, d: Any, a: AttitudeParams) -> list[float]:
    return list(py_attitude_torque(q, rate, d, dataclasses.asdict(a)))


@pytest.fixture(params=["compiled", "reference"])
def allocate(request: pytest.FixtureRequest) -> Allocate:
    return compiled_allocate if request.param == "compiled" else ref_allocate.allocate


@pytest.fixture(params=["compiled", "reference"])
def torque_law(request: pytest.FixtureRequest) -> Torque:
    return compiled_torque if request.param == "compiled" else ref.attitude_torque


@settings(max_examples=200)
@given(layouts_and_params(), commands)
def test_the_compiled_allocator_is_the_reference_bit_for_bit(
    case: tuple[EngineLayout, AttitudeParams], c: Any
) -> None:
    e, a = case
    ok, force, torque = command(e, c)
    assert compiled_allocate(e, a, ok, force, torque) == ref_allocate.allocate(
        e, a, ok, force, torque
    )


@settings(max_examples=200)
@given(layouts_and_params(), quaternions, rates, vectors)
def test_the_compiled_attitude_torque_is_the_reference_bit_for_bit(
    case: tuple[EngineLayout, AttitudeParams], q: Any, rate: Any, d: Any
) -> None:
    a = case[1]
    assert compiled_torque(q, rate, d, a) == ref.attitude_torque(q, rate, d, a)


@settings(max_examples=200)
@given(layouts_and_params(), commands)
def test_the_allocation_is_as_good_as_the_oracles(
    case: tuple[EngineLayout, AttitudeParams], c: Any
) -> None:
    e, a = case
    ok, force, torque = command(e, c)
    bits, u, _ = compiled_allocate(e, a, ok, force, torque)
    assert not bits & ALLOCATE_ITERATION_LIMIT
    best = oracle(e, a, ok, force, torque)
    if best is None:  # no engine runs
        assert u == [0.0] * ref.ENGINE_MAX
        return
    mine, theirs = objective(e, a, ok, u, force, torque), objective(e, a, ok, best, force, torque)
    asked = force**2 + a.torque_priority**2 * sum(t * t for t in torque)
    floor = 1e-24 * scale(e, a, force, torque) ** 2
    assert mine <= theirs + ORACLE_TOLERANCE * (asked + theirs) + floor
    assert kkt_violation(e, a, ok, u, force, torque) <= KKT_TOLERANCE
    n = len(e.position_B_m)
    for i in range(n):
        assert (e.throttle_min <= u[i] <= e.throttle_max) if (ok >> i) & 1 else u[i] == 0.0


def well_posed(e: EngineLayout, a: AttitudeParams, ok: int, wrench: np.ndarray) -> bool:
    """The engines act on every direction of the wrench at least 1e-2 of their
    strongest direction (weighted)."""
    w = np.array([1.0, a.torque_priority, a.torque_priority, a.torque_priority])
    u, s, _ = np.linalg.svd(w[:, None] * wrench_matrix(e, a, ok))
    s = np.concatenate((s, np.zeros(4 - s.size)))  # fewer engines than rows
    weak = u[:, s < 1e-2 * s[0]]
    return bool(np.linalg.norm(weak.T @ (w * wrench)) <= 1e-12 * np.linalg.norm(w * wrench))


@settings(max_examples=200)
@given(layouts_and_params(), engines_ok, st.randoms())
def test_a_feasible_force_and_torque_are_reproduced(
    case: tuple[EngineLayout, AttitudeParams], ok: int, rnd: Any
) -> None:
    e, a = case
    n = len(e.position_B_m)
    assume(ok & ((1 << n) - 1))
    wanted = [
        rnd.uniform(e.throttle_min, e.throttle_max) if (ok >> i) & 1 else 0.0 for i in range(n)
    ]
    wrench = wrench_matrix(e, a, ok) @ np.array(wanted)
    assume(well_posed(e, a, ok, wrench))
    bits, u, _ = compiled_allocate(e, a, ok, float(wrench[0]), [float(x) for x in wrench[1:]])
    assert not bits & (ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT | ALLOCATE_ITERATION_LIMIT)
    got = wrench_matrix(e, a, ok) @ np.array(u[:n])
    size = scale(e, a, float(wrench[0]), list(wrench[1:]))
    assert np.linalg.norm(got - wrench) <= FEASIBLE_TOLERANCE * size


@pytest.mark.parametrize("name", ["msl-like", "pulsed-12"])
def test_the_named_layouts_make_a_hover_with_a_turn(allocate: Allocate, name: str) -> None:
    """Force for most of the engines' reach, torque about each axis at once."""
    e = NAMED[name]
    n = len(e.position_B_m)
    force, torque = 0.5 * n * e.thrust_max_N * 0.9, [0.05 * e.thrust_max_N] * 3
    bits, u, _ = allocate(e, STAGE, (1 << n) - 1, force, torque)
    assert bits & ~ALLOCATE_SATURATED == 0
    got = wrench_matrix(e, STAGE, (1 << n) - 1) @ np.array(u[:n])
    assert np.allclose(got, [force, *torque], rtol=1e-9, atol=1e-6)


def test_an_engine_out_is_compensated(allocate: Allocate) -> None:
    """MSL-like with engine 0 out: the same hover, no torque, still made."""
    ok = 0xFF & ~1
    bits, u, _ = allocate(MSL_LIKE, STAGE, ok, 12000.0, [0.0, 0.0, 0.0])
    assert u[0] == 0.0 and not bits & (ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT)
    got = wrench_matrix(MSL_LIKE, STAGE, ok) @ np.array(u[:8])
    assert np.allclose(got, [12000.0, 0.0, 0.0, 0.0], atol=1e-6)


@pytest.mark.parametrize("e", [SQUARE_UNCANTED, MSL_RADIAL], ids=["uncanted", "radial-cant"])
def test_an_axis_without_authority_is_left_and_the_rest_made(
    allocate: Allocate, e: EngineLayout
) -> None:
    """Engines whose forces all meet the thrust axis make no torque about it:
    asked for one, the allocator makes the force and the other torques, makes
    nothing about that axis (the ridge's minimum-norm step), and says short."""
    n = len(e.position_B_m)
    force, torque = 0.6 * n * e.thrust_max_N * e.direction_B[0][2], [300.0, -200.0, 500.0]
    bits, u, _ = allocate(e, STAGE, (1 << n) - 1, force, torque)
    assert bits & ALLOCATE_TORQUE_SHORT and not bits & ALLOCATE_FORCE_SHORT
    got = wrench_matrix(e, STAGE, (1 << n) - 1) @ np.array(u[:n])
    assert np.allclose(got, [force, 300.0, -200.0, 0.0], rtol=0.0, atol=1e-6)
    # the throttles are those of the same wrench without the yaw: yaw changed nothing
    assert allocate(e, STAGE, (1 << n) - 1, force, [300.0, -200.0, 0.0])[1] == pytest.approx(u)


def test_the_torque_comes_first_by_its_weight(allocate: Allocate) -> None:
    """All engines at their ceiling cannot also turn: a heavy torque weight
    keeps the torque and gives up force, a light one the other way round."""
    force, torque = 8 * 3060.0, [0.0, 3000.0, 0.0]
    short = {}
    for p in (10.0, 0.01):
        a = dataclasses.replace(STAGE, torque_priority=p)
        bits, u, _ = allocate(MSL_LIKE, a, 0xFF, force, torque)
        got = wrench_matrix(MSL_LIKE, a, 0xFF) @ np.array(u[:8])
        short[p] = (abs(got[0] - force), float(np.linalg.norm(got[1:] - torque)))
        assert bits & ALLOCATE_SATURATED and bits & ALLOCATE_FORCE_SHORT
    assert short[10.0][1] < 0.02 * short[0.01][1] and short[10.0][0] > short[0.01][0]


@pytest.mark.parametrize(
    ("p", "kept"), [(0.1, 0.0), (1.0, 0.239), (5.0, 0.942), (10.0, 0.985), (30.0, 0.998)]
)
def test_the_torque_kept_at_the_ceiling_is_as_documented(
    allocate: Allocate, p: float, kept: float
) -> None:
    """A weight, not a rule (docs/law.md): MSL-like at the ceiling asked for 3,000 N m
    of pitch keeps this share of it at p = torque_priority (lever arm 2 m)."""
    a = dataclasses.replace(STAGE, torque_priority=p)
    _, u, _ = allocate(MSL_LIKE, a, 0xFF, 8 * 3060.0, [0.0, 3000.0, 0.0])
    got = wrench_matrix(MSL_LIKE, a, 0xFF) @ np.array(u[:8])
    assert got[2] / 3000.0 == pytest.approx(kept, abs=1e-3)


def test_every_engine_out_gives_zero_throttles(allocate: Allocate) -> None:
    assert allocate(MSL_LIKE, STAGE, 0, 0.0, [0.0, 0.0, 0.0]) == (0, [0.0] * 16, 1)
    bits, u, _ = allocate(MSL_LIKE, STAGE, 0, 1000.0, [10.0, 0.0, 0.0])
    assert bits == ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT and u == [0.0] * 16


bad_floats = st.sampled_from([math.nan, math.inf, -math.inf, 1.0, -1.0])


@pytest.mark.parametrize(
    ("allocate", "torque_law"),
    [(compiled_allocate, compiled_torque), (ref_allocate.allocate, ref.attitude_torque)],
    ids=["compiled", "reference"],
)
@settings(max_examples=100)
@given(st.lists(bad_floats, min_size=8, max_size=8), st.integers(0, 255))
def test_bad_input_never_gives_nan(
    allocate: Allocate, torque_law: Torque, bad: list[float], ok: int
) -> None:
    """NaN or infinity anywhere: running engines at the floor (bad bounds:
    all 0), both short bits; no torque for a bad attitude or rate (a bad
    thrust direction: the rate damped alone). Never NaN out."""
    lo = 0.1 if math.isfinite(bad[6]) else bad[6]
    positions = [list(r) for r in MSL_LIKE.position_B_m]
    positions[0][0] *= bad[7]
    e = dataclasses.replace(MSL_LIKE, position_B_m=positions, throttle_min=lo)
    a = dataclasses.replace(STAGE, com_B_m=(0.0, 0.0, bad[5]))
    bits, u, _ = allocate(e, a, ok, 1000.0 * bad[0], bad[1:4])
    assert all(math.isfinite(x) for x in u)
    running = [bool((ok >> i) & 1) for i in range(8)]
    if not math.isfinite(lo):
        assert (bits, u) == (ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT, [0.0] * 16)
    elif not all(map(math.isfinite, bad[:4] + bad[5:6])) or (
        running[0] and not math.isfinite(bad[7])
    ):
        assert bits == ALLOCATE_SATURATED | ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT
        assert u[:8] == [lo if r else 0.0 for r in running]
    torque = torque_law(bad[:4], bad[1:4], bad[4:7], a)
    assert all(math.isfinite(x) for x in torque)
    if not all(map(math.isfinite, bad[:4])):  # the attitude or the rate
        assert torque == [0.0, 0.0, 0.0]


def turn(angle_rad: float, axis: list[float]) -> list[float]:
    """q_SB of a turn by angle_rad about axis (unit)."""
    s = math.sin(angle_rad / 2.0)
    return [math.cos(angle_rad / 2.0), s * axis[0], s * axis[1], s * axis[2]]


@pytest.mark.parametrize(
    "torque_law", [compiled_torque, ref.attitude_torque], ids=["compiled", "reference"]
)
@settings(max_examples=50)
@given(quaternions)
def test_no_torque_on_target_at_rest(torque_law: Torque, q: list[float]) -> None:
    """Thrust direction along body z (wherever that points): no error."""
    n = math.sqrt(sum(x * x for x in q))
    z_S = ref.body_direction([q[0] / n, -q[1] / n, -q[2] / n, -q[3] / n], [0.0, 0.0, 1.0])
    assert torque_law(q, [0.0, 0.0, 0.0], z_S, STAGE) == pytest.approx([0.0] * 3, abs=1e-9)


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("angle", [0.1, -0.3, 2.5])
def test_the_error_turns_body_z_back_the_short_way(
    torque_law: Torque, axis: int, angle: float
) -> None:
    """Tilted by angle about body x (y), thrust wanted straight up: the torque
    turns it back about the same axis, I wn^2 2 sin(-angle / 2), none about z."""
    unit = [1.0 if i == axis else 0.0 for i in range(3)]
    torque = torque_law(turn(angle, unit), [0.0, 0.0, 0.0], [0.0, 0.0, 5.0], STAGE)
    wn2 = STAGE.bandwidth_radps**2
    expected = [0.0, 0.0, 0.0]
    expected[axis] = STAGE.inertia_B_kg_m2[axis] * wn2 * 2.0 * math.sin(-angle / 2.0)
    assert torque == pytest.approx(expected, abs=1e-9)


def test_yaw_is_damped_not_commanded(torque_law: Torque) -> None:
    """Turned about z only, body z is on target: no torque but the damping."""
    torque = torque_law(turn(1.0, [0.0, 0.0, 1.0]), [0.0, 0.0, 0.3], [0.0, 0.0, 1.0], STAGE)
    k_d = 2.0 * STAGE.damping_ratio * STAGE.bandwidth_radps
    assert torque == pytest.approx([0.0, 0.0, -STAGE.inertia_B_kg_m2[2] * k_d * 0.3], abs=1e-9)


def test_upside_down_turns_about_body_x(torque_law: Torque) -> None:
    torque = torque_law([0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0], STAGE)
    wn2 = STAGE.bandwidth_radps**2
    assert torque == [STAGE.inertia_B_kg_m2[0] * wn2 * 2.0, 0.0, 0.0]


def fly_rotor(torque_law: Torque, a: AttitudeParams, tilt_rad: float, time_s: float) -> np.ndarray:
    """A rigid rotor (principal inertia a.inertia) from rest, tilted by tilt_rad
    about body x, the thrust wanted straight up: semi-implicit Euler at 1 ms
    of I w' = torque - w x I w and q' = q (0, w) / 2. The tilt about x, signed."""
    inertia = np.array(a.inertia_B_kg_m2)
    q, w, dt = np.array(turn(tilt_rad, [1.0, 0.0, 0.0])), np.zeros(3), 1e-3
    tilt = []
    for _ in range(round(time_s / dt)):
        torque = np.array(torque_law(list(q), list(w), [0.0, 0.0, 1.0], a))
        w = w + dt * (torque - np.cross(w, inertia * w)) / inertia
        dq = 0.5 * np.array([-q[1:] @ w, *(q[0] * w + np.cross(q[1:], w))])
        q = q + dt * dq
        q /= np.linalg.norm(q)
        tilt.append(2.0 * math.atan2(q[1], q[0]))
    return np.array(tilt)


@pytest.mark.parametrize("zeta", [0.5, 0.7, 0.9])
def test_a_tilt_step_settles_with_the_damping_asked(torque_law: Torque, zeta: float) -> None:
    """The overshoot of a 0.1 rad step is the closed form's for zeta,
    exp(-pi zeta / sqrt(1 - zeta^2)) (0.7: 4.6 %), and the step settles."""
    a = dataclasses.replace(STAGE, damping_ratio=zeta)
    tilt = fly_rotor(torque_law, a, 0.1, 8.0)
    overshoot = -tilt.min() / 0.1
    assert overshoot == pytest.approx(math.exp(-math.pi * zeta / math.sqrt(1 - zeta**2)), abs=2e-3)
    assert abs(tilt[-1]) < 1e-3 * 0.1


@pytest.mark.parametrize(
    ("allocate", "torque_law"),
    [(compiled_allocate, compiled_torque), (ref_allocate.allocate, ref.attitude_torque)],
    ids=["compiled", "reference"],
)
def test_huge_inputs_overflow_to_the_safe_answers(allocate: Allocate, torque_law: Torque) -> None:
    """Finite but huge: the sums overflow; the floor and no torque, not NaN."""
    e = dataclasses.replace(MSL_LIKE, thrust_max_N=1e300)
    bits, u, _ = allocate(e, STAGE, 0xFF, 1e300, [1e300, 0.0, 0.0])
    assert bits == ALLOCATE_SATURATED | ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT
    assert u == [0.1] * 8 + [0.0] * 8
    a = dataclasses.replace(STAGE, bandwidth_radps=1e200)
    assert torque_law([1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0], a) == [0.0] * 3
