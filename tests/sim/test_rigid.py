"""The rigid-body mechanics of the 6-DOF world (sim/_rigid.pyx) against closed
forms and numpy oracles written apart from it (tests/common/rigid.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import ellipk

from hilander.sim._rigid import (
    py_engine_wrench,
    py_mass_properties,
    py_point_state,
    py_quat_mul,
    py_quat_normalize,
    py_quat_rotate,
    py_rigid_run,
)
from tests.common.rigid import Array, kinetic_energy, momentum_S, quat_matrix, state
from tests.common.world import G, bare_world, command
from tests.common.world import run as fly

MARS_G = 3.71
ZERO = (0.0, 0.0, 0.0)
# a non-diagonal inertia: principal moments 2, 3, 5 turned by a fixed rotation
TURN = quat_matrix(np.array([0.9, 0.3, -0.2, 0.25]) / np.linalg.norm([0.9, 0.3, -0.2, 0.25]))
TILTED = TURN @ np.diag([2.0, 3.0, 5.0]) @ TURN.T

finite = st.floats(-5.0, 5.0, allow_nan=False)
vectors = arrays(np.float64, 3, elements=finite)


@st.composite
def unit_quaternions(draw: st.DrawFn) -> Array:
    q = draw(arrays(np.float64, 4, elements=st.floats(-1.0, 1.0)))
    assume(np.linalg.norm(q) > 0.1)
    return q / np.linalg.norm(q)


def run(
    start: Array,
    inertia: Array,
    dt_s: float,
    steps: int,
    every: int = 1,
    torque: tuple[float, ...] = ZERO,
) -> Array:
    return py_rigid_run(start, 50.0, ZERO, inertia, ZERO, torque, MARS_G, dt_s, steps, every)


# 1. torque-free precession of an axisymmetric body


def precession_phase_error(dt_s: float) -> float:
    """Largest angle between the transverse body rate and the closed form over 100 s."""
    i1, i3, w3, w_perp = 10.0, 20.0, 2.0, 0.3
    lam = (i3 - i1) / i1 * w3  # 2 rad/s
    steps = round(100.0 / dt_s)
    every = steps // 1000
    h = run(state(rate_B_radps=(w_perp, 0.0, w3)), np.diag([i1, i1, i3]), dt_s, steps, every)
    t = np.arange(len(h)) * every * dt_s
    transverse = h[:, 10] + 1j * h[:, 11]
    assert np.abs(np.abs(transverse) - w_perp).max() < 1e-10  # its size is kept
    assert np.all(h[:, 12] == w3)  # the spin about the axis is kept exactly
    return float(np.abs(np.angle(transverse * np.exp(-1j * lam * t) / w_perp)).max())


def test_torque_free_precession_matches_the_closed_form_to_second_order() -> None:
    """omega_perp turns at lambda = (I3 - I1) / I1 omega3 in the body frame. The
    integrator is second order: the phase error is C dt^2 t; measured 1.5e-6 rad
    after 100 s at 1 kHz (lambda t = 200 rad), a quarter of that at 2 kHz."""
    coarse, fine = precession_phase_error(1e-3), precession_phase_error(5e-4)
    assert coarse < 2e-6
    assert coarse / fine == pytest.approx(4.0, rel=0.05)


# 2. free flight of an asymmetric body


@pytest.mark.parametrize("spin_B", [(0.1, 2.0, 0.1), (0.1, 0.2, 2.0)], ids=["middle", "major"])
def test_free_flight_keeps_momentum_and_energy(spin_B: tuple[float, ...]) -> None:
    """Near the intermediate axis the body tumbles (tennis racket), near the major
    one it precesses; either way L_S and the kinetic energy stay put (measured
    about 1e-11 relative after 1e5 steps: round-off, the scheme keeps both)."""
    start = state((10.0, -5.0, 100.0), (1.0, -2.0, 3.0), rate_B_radps=TURN @ np.array(spin_B))
    dt, steps = 1e-3, 100_000
    h = run(start, TILTED, dt, steps, every=100)
    momentum = np.array([momentum_S(row, TILTED) for row in h])
    energy = np.array([kinetic_energy(row, TILTED) for row in h])
    assert np.abs(momentum - momentum[0]).max() < 1e-10 * np.linalg.norm(momentum[0])
    assert np.abs(energy - energy[0]).max() < 1e-10 * energy[0]
    assert np.abs(np.linalg.norm(h[:, 6:10], axis=1) - 1.0).max() < 1e-15
    flips = np.diff(np.sign((h[:, 10:13] @ TURN)[:, 1])) != 0
    assert flips.any()  # omega_2 changes sign: the body does tumble or precess
    # translation: the exact discrete free fall of semi-implicit Euler
    n, t = steps, steps * dt
    assert h[-1, 3:6] == pytest.approx([1.0, -2.0, 3.0 - MARS_G * t], abs=1e-9)
    z = 100.0 + 3.0 * t - MARS_G * dt * dt * n * (n + 1) / 2
    assert h[-1, 0:3] == pytest.approx([10.0 + t, -5.0 - 2.0 * t, z], abs=1e-7)


def test_the_tennis_racket_flips_with_the_closed_form_period() -> None:
    """Near the intermediate axis omega_2 = A sn(tau, k) (Landau & Lifshitz,
    Mechanics, section 37), tau = t sqrt((I3 - I2)(M^2 - 2 E I1) / (I1 I2 I3)),
    k^2 = (I2 - I1)(2 E I3 - M^2) / ((I3 - I2)(M^2 - 2 E I1)): it changes sign
    every 2 K(k) in tau. Measured: 3.7e-7 relative at 1 kHz (second order)."""
    inertia = np.array([2.0, 3.0, 5.0])
    w0 = np.array([0.1, 2.0, 0.1])
    two_e, m2 = inertia @ w0**2, (inertia**2) @ w0**2
    assert m2 > two_e * inertia[1]  # the case of the formula
    i1, i2, i3 = inertia
    rate = math.sqrt((i3 - i2) * (m2 - two_e * i1) / (i1 * i2 * i3))
    k2 = (i2 - i1) * (two_e * i3 - m2) / ((i3 - i2) * (m2 - two_e * i1))
    dt = 1e-3
    h = run(state(rate_B_radps=w0), np.diag(inertia), dt, 100_000)
    w2 = h[:, 11]
    cross = np.nonzero(np.diff(np.sign(w2)) != 0)[0]
    times = (cross + w2[cross] / (w2[cross] - w2[cross + 1])) * dt
    assert len(times) >= 10
    assert np.diff(times) == pytest.approx(2 * ellipk(k2) / rate, rel=1e-6)


# 3. mass properties


@given(
    dry_kg=st.floats(10.0, 3000.0),
    propellant_kg=st.floats(0.0, 2000.0),
    dry_com=vectors,
    tank_com=vectors,
    moments=arrays(np.float64, 3, elements=st.floats(1.0, 5000.0)),
    radius_m=st.floats(0.05, 1.0),
)
def test_mass_properties_match_the_parallel_axis_theorem(
    dry_kg: float,
    propellant_kg: float,
    dry_com: Array,
    tank_com: Array,
    moments: Array,
    radius_m: float,
) -> None:
    mass, com, inertia, inverse = py_mass_properties(
        dry_kg, dry_com, moments, propellant_kg, tank_com, radius_m
    )
    total = dry_kg + propellant_kg
    expect_com = (dry_kg * dry_com + propellant_kg * tank_com) / total

    def moved(m: float, d: Array) -> Array:
        return m * (np.dot(d, d) * np.eye(3) - np.outer(d, d))

    sphere = 0.4 * propellant_kg * radius_m**2 * np.eye(3)
    expect = np.diag(moments) + moved(dry_kg, dry_com - expect_com)
    expect += sphere + moved(propellant_kg, tank_com - expect_com)
    assert mass == pytest.approx(total, rel=1e-15)
    assert com == pytest.approx(expect_com, abs=1e-12)
    assert np.abs(inertia - expect).max() <= 1e-12 * np.abs(expect).max()
    assert np.array_equal(inertia, inertia.T)
    scale = np.linalg.cond(expect)
    assert np.abs(inverse - np.linalg.inv(expect)).max() <= 1e-13 * scale * np.abs(inverse).max()


def test_a_sphere_alone_has_two_fifths_m_r_squared() -> None:
    _, com, inertia, inverse = py_mass_properties(
        1e-9, (0.5, 0.0, -1.0), (1e-12, 1e-12, 1e-12), 100.0, (0.5, 0.0, -1.0), 0.5
    )
    assert com == pytest.approx([0.5, 0.0, -1.0], abs=1e-15)
    assert np.diag(inertia) == pytest.approx([10.0, 10.0, 10.0], rel=1e-9)
    assert inverse @ inertia == pytest.approx(np.eye(3), abs=1e-12)


# 4. the engines' wrench


@st.composite
def engines(draw: st.DrawFn) -> tuple[Array, Array, Array, Array]:
    n = draw(st.integers(0, 16))
    position = draw(arrays(np.float64, (n, 3), elements=finite))
    direction = draw(arrays(np.float64, (n, 3), elements=st.floats(-1.0, 1.0)))
    assume(n == 0 or np.linalg.norm(direction, axis=1).min() > 0.1)
    direction = direction / np.linalg.norm(direction, axis=1, keepdims=True) if n else direction
    throttle = draw(arrays(np.float64, n, elements=st.floats(0.0, 1.0)))
    scale = draw(arrays(np.float64, n, elements=st.floats(0.5, 1.5)))
    return position, direction, throttle, scale


@given(engine_set=engines(), thrust_max_N=st.floats(10.0, 4000.0), com=vectors)
def test_engine_wrench_is_the_sum_over_engines(
    engine_set: tuple[Array, Array, Array, Array], thrust_max_N: float, com: Array
) -> None:
    position, direction, throttle, scale = engine_set
    force, torque = py_engine_wrench(position, direction, thrust_max_N, throttle, scale, com)
    each = (throttle * scale * thrust_max_N)[:, None] * direction
    expect_force = each.sum(axis=0)
    expect_torque = np.cross(position - com, each).sum(axis=0)
    size = thrust_max_N * 1.5 * max(len(throttle), 1)
    assert force == pytest.approx(expect_force, abs=1e-12 * size)
    assert torque == pytest.approx(expect_torque, abs=1e-12 * size * 20.0)


@given(com=vectors, direction=vectors, along=st.floats(-3.0, 3.0))
def test_an_engine_through_the_centre_of_mass_gives_no_torque(
    com: Array, direction: Array, along: float
) -> None:
    assume(np.linalg.norm(direction) > 0.1)
    u = direction / np.linalg.norm(direction)
    force, torque = py_engine_wrench([com + along * u], [u], 3000.0, [0.7], [1.0], com)
    assert force == pytest.approx(2100.0 * u, abs=1e-9)
    assert np.abs(torque).max() <= 1e-12 * 2100.0 * (np.abs(com).max() + 3.0)


def test_more_than_sixteen_engines_are_refused() -> None:
    with pytest.raises(ValueError, match="at most 16 engines"):
        py_engine_wrench(np.zeros((17, 3)), np.zeros((17, 3)), 1.0, [0.0] * 17, [1.0] * 17, ZERO)


# 5. quaternions


@given(q=unit_quaternions(), v=vectors)
def test_rotate_matches_the_matrix_and_its_inverse_undoes_it(q: Array, v: Array) -> None:
    turned = py_quat_rotate(q, v)
    assert turned == pytest.approx(quat_matrix(q) @ v, abs=1e-14 * 10)
    assert py_quat_rotate(q, turned, inverse=True) == pytest.approx(v, abs=1e-14 * 10)


@given(a=unit_quaternions(), b=unit_quaternions())
def test_quat_mul_composes_rotations(a: Array, b: Array) -> None:
    ab = py_quat_mul(a, b)
    assert np.linalg.norm(ab) == pytest.approx(1.0, abs=1e-15 * 4)
    assert quat_matrix(ab) == pytest.approx(quat_matrix(a) @ quat_matrix(b), abs=1e-14)


@given(q=arrays(np.float64, 4, elements=st.floats(-100.0, 100.0)))
def test_normalize_keeps_the_direction(q: Array) -> None:
    assume(np.linalg.norm(q) > 1e-3)
    unit = py_quat_normalize(q)
    assert np.linalg.norm(unit) == pytest.approx(1.0, abs=4e-16)
    assert unit == pytest.approx(q / np.linalg.norm(q), abs=1e-15)


@given(q=unit_quaternions(), rate=vectors, point=vectors, com=vectors, v_cm=vectors)
def test_point_state_is_v_plus_omega_cross_r(
    q: Array, rate: Array, point: Array, com: Array, v_cm: Array
) -> None:
    x_cm = np.array([1.0, -2.0, 30.0])
    position, velocity = py_point_state(state(x_cm, v_cm, q, rate), com, point)
    r = point - com
    assert position == pytest.approx(x_cm + quat_matrix(q) @ r, abs=1e-12)
    assert velocity == pytest.approx(v_cm + quat_matrix(q) @ np.cross(rate, r), abs=1e-12)


# 6. a constant body torque from rest


def test_a_torque_about_a_principal_axis_spins_the_body_up_exactly() -> None:
    """omega = tau t / I3; the angle is the exact discrete sum alpha dt^2 n (n + 1) / 2,
    first order against the closed form alpha t^2 / 2 (as the translation's)."""
    dt, n, alpha = 1e-3, 2000, 0.4
    h = run(state(), np.diag([2.0, 3.0, 5.0]), dt, n, torque=(0.0, 0.0, 5.0 * alpha))
    t = np.arange(n + 1) * dt
    assert h[:, 10:13] == pytest.approx(np.outer(alpha * t, [0, 0, 1]), abs=1e-13)
    angle = 2 * np.arctan2(h[:, 9], h[:, 6])
    steps = np.arange(n + 1)
    assert angle == pytest.approx(alpha * dt * dt * steps * (steps + 1) / 2, abs=1e-13)
    assert angle - alpha * t * t / 2 == pytest.approx(alpha * t * dt / 2, abs=1e-13)


def test_a_torque_off_the_axes_spins_the_body_up_as_the_series_says() -> None:
    """From rest, omega = a t - I^-1 (a x I a) t^3 / 3 + O(t^5), a = I^-1 tau.
    Measured at t = 0.5 s: the cubic term 5.4e-4 rad/s, the rest 4.0e-6 (2.9e-6 of
    O(t^5), 1.1e-6 of the kick's first-order error, halving with dt)."""
    tau = np.array([0.3, -0.2, 0.5])
    a = np.linalg.solve(TILTED, tau)
    dt, n = 1e-3, 500
    h = run(state(), TILTED, dt, n, torque=tuple(tau))
    t = np.arange(n + 1) * dt
    gyro = np.linalg.solve(TILTED, np.cross(a, TILTED @ a))
    series = np.outer(t, a) - np.outer(t**3 / 3, gyro)
    first = np.abs(h[:, 10:13] - np.outer(t, a)).max()
    assert first > 1e-6  # the gyroscopic term is there ...
    assert np.abs(h[:, 10:13] - series).max() < 1e-2 * first  # ... and the series explains it


# 7. a stiff torsional spring, evaluated once per step as contact and bridle torques are


@pytest.mark.parametrize("wn_dt", [0.2, 1.0, 1.9])
def test_a_stiff_spring_torque_keeps_a_bounded_energy(wn_dt: float) -> None:
    """tau = -k theta about z, omega_n dt up to 1.9 (stable below 2). Kick then
    drift is symplectic Euler here: it keeps H = (I w^2 + k theta^2 - dt k theta w) / 2
    exactly, so the energy stays within 1 / (1 - omega_n dt / 2) of its start, and
    the oscillation has the discrete frequency cos(w_d dt) = 1 - (omega_n dt)^2 / 2."""
    dt, i3 = 1e-3, 5.0
    k = i3 * (wn_dt / dt) ** 2
    row = state(q_SB=(math.cos(0.05), 0.0, 0.0, math.sin(0.05)))  # theta = 0.1 rad
    angles, energies, shadow = [], [], []
    for _ in range(20_000):
        theta, w = 2 * math.atan2(row[9], row[6]), row[12]
        angles.append(theta)
        energies.append(0.5 * (i3 * w**2 + k * theta**2))
        shadow.append(energies[-1] - 0.5 * dt * k * theta * w)
        row = run(row, np.diag([2.0, 3.0, i3]), dt, 1, torque=(0.0, 0.0, -k * theta))[-1]
    energy = np.array(energies)
    assert shadow == pytest.approx([energy[0]] * len(shadow), rel=1e-9)
    assert energy.max() <= energy[0] / (1 - wn_dt / 2) * (1 + 1e-9)
    cross = np.nonzero(np.diff(np.array(angles) > 0))[0]
    half_period = (cross[-1] - cross[0]) / (len(cross) - 1) * dt
    assert half_period == pytest.approx(math.pi / math.acos(1 - wn_dt**2 / 2) * dt, rel=1e-3)


def test_flying_on_balanced_engines_is_the_exact_discrete_climb() -> None:
    """Four canted engines around the axis, the centre of mass on it: no torque, so
    the tilted body keeps its attitude; the centre of mass accelerates at
    R F_B / m - g, the exact discrete solution of semi-implicit Euler."""
    cant = 0.3
    position = [(1.0, 0.0, -1.0), (0.0, 1.0, -1.0), (-1.0, 0.0, -1.0), (0.0, -1.0, -1.0)]
    direction = [(-math.sin(cant) * x, -math.sin(cant) * y, math.cos(cant)) for x, y, _ in position]
    q = np.array([math.cos(0.1), math.sin(0.1), 0.0, 0.0])  # tilted 0.2 rad about x
    dt, n, mass = 1e-3, 5000, 50.0
    engines = (position, direction, 100.0, [0.5] * 4)
    h = py_rigid_run(
        state(q_SB=q), mass, (0.0, 0.0, 0.5), TILTED, ZERO, ZERO, MARS_G, dt, n, n, engines
    )
    accel = quat_matrix(q) @ np.array([0.0, 0.0, 200.0 * math.cos(cant)]) / mass
    accel[2] -= MARS_G
    assert np.abs(h[-1, 10:13]).max() < 1e-12
    assert h[-1, 6:10] == pytest.approx(q, abs=1e-12)
    assert h[-1, 3:6] == pytest.approx(accel * n * dt, abs=1e-10)
    assert h[-1, 0:3] == pytest.approx(accel * dt * dt * n * (n + 1) / 2, abs=1e-9)


def test_the_centre_of_mass_follows_the_3dof_plant_bit_for_bit() -> None:
    """The same force, the same arithmetic: a 10 s free fall as the 3-DOF world's."""
    dt, steps = 1e-3, 10_000
    world = bare_world(
        velocity_mps=(1.0, -2.0, -10.0), dt_s=dt, steps_per_tick=steps, max_steps=10 * steps
    )
    fly(world, 1.0, command(), tick_s=1.0)
    stage = world.state_dict()["stage"]
    start = state((0.0, 0.0, 1000.0), (1.0, -2.0, -10.0), rate_B_radps=(0.1, 0.2, 0.3))
    h = py_rigid_run(start, 500.0, ZERO, TILTED, ZERO, ZERO, G, dt, steps, steps)
    assert h[-1, 0:3].tolist() == stage["position_S_m"]
    assert h[-1, 3:6].tolist() == stage["velocity_S_mps"]
