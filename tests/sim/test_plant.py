"""The plant against analytic oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.common.world import CUT, RELEASE, G, bare_world, command, run

G0 = 9.80665


def stage(world: object) -> tuple[np.ndarray, np.ndarray]:
    s = world.state_dict()["stage"]  # type: ignore[attr-defined]
    return np.array(s["position_S_m"]), np.array(s["velocity_S_mps"])


@pytest.mark.parametrize("rate_Hz", [1000.0, 4000.0])
def test_free_fall_is_the_exact_discrete_solution(rate_Hz: float) -> None:
    dt, steps = 1.0 / rate_Hz, int(10 * rate_Hz)
    world = bare_world(
        velocity_mps=(1.0, -2.0, -10.0), dt_s=dt, steps_per_tick=steps, max_steps=10 * steps
    )
    run(world, 1.0, command(), tick_s=1.0)
    r, v = stage(world)
    n, t = steps, steps * dt
    # semi-implicit Euler: v_n = v0 - g n dt, z_n = z0 + v0 t - g dt^2 n (n + 1) / 2
    assert v[2] == pytest.approx(-10.0 - G * t, abs=1e-9)
    assert r[2] == pytest.approx(1000.0 - 10.0 * t - G * dt * dt * n * (n + 1) / 2, abs=1e-7)
    assert r[0] == pytest.approx(t, abs=1e-9) and r[1] == pytest.approx(-2 * t, abs=1e-9)
    # against the continuous solution: first order, error g t dt / 2
    assert r[2] - (1000.0 - 10.0 * t - 0.5 * G * t * t) == pytest.approx(
        -0.5 * G * t * dt, rel=1e-6
    )


@pytest.mark.parametrize("cant_rad", [0.0, 0.3])
def test_rocket_equation_under_constant_thrust(cant_rad: float) -> None:
    """No gravity, no air: delta-v = cos(cant) Isp g0 ln(m0 / m1)."""
    world = bare_world(
        gravity_mps2=0.0, throttle_time_constant_s=1e-6, cant_rad=cant_rad, tilt_max_rad=0.7
    )
    m0 = world.state_dict()["propellant_kg"] + 820.0 + 899.0
    run(world, 10.0, command((0.0, 0.0, 1.0), throttle=1.0))
    s = world.state_dict()
    m1 = s["propellant_kg"] + 820.0 + 899.0
    _, v = stage(world)
    assert m1 < m0 - 100
    assert v[2] == pytest.approx(math.cos(cant_rad) * 220.0 * G0 * math.log(m0 / m1), rel=2e-4)


def test_no_thrust_once_the_propellant_is_gone() -> None:
    world = bare_world(propellant_mass_kg=2.0, throttle_time_constant_s=1e-6)
    run(world, 3.0, command((0.0, 0.0, 1.0), throttle=1.0))
    s = world.state_dict()
    assert s["propellant_kg"] == 0.0 and s["thrust_N"] == 0.0
    out = world.records["propellant_out_time_s"]
    # 2 kg at 8 x 3125 N / (220 s g0) = 11.6 kg/s
    assert out == pytest.approx(2.0 / (25000.0 / (220.0 * G0)), abs=2e-3)


def test_engine_out_removes_thrust_from_its_time_on() -> None:
    world = bare_world(engines_out=2, engine_out_time_s=1.0, throttle_time_constant_s=1e-6)
    run(world, 0.9, command((0.0, 0.0, 1.0), throttle=0.5))
    before = world.state_dict()["thrust_N"]
    run(world, 0.5, command((0.0, 0.0, 1.0), throttle=0.5))
    after = world.state_dict()["thrust_N"]
    assert before == pytest.approx(0.5 * 25000.0)
    assert after == pytest.approx(before * 6 / 8)


def test_throttle_follows_a_first_order_lag() -> None:
    tau = 0.05
    world = bare_world(throttle_time_constant_s=tau, steps_per_tick=50)
    run(world, 0.05, command((0.0, 0.0, 1.0), throttle=1.0), tick_s=0.05)
    assert world.state_dict()["throttle"] == pytest.approx(1 - math.exp(-1), abs=2e-3)


def test_the_throttle_stops_at_its_ceiling() -> None:
    """A command of full throttle on engines with throttle_max 0.8 settles at 0.8."""
    world = bare_world(throttle_max=0.8, steps_per_tick=50)
    run(world, 1.0, command((0.0, 0.0, 1.0), throttle=1.0), tick_s=0.05)
    assert world.state_dict()["throttle"] == pytest.approx(0.8, rel=1e-6)


def test_thrust_axis_slews_at_its_rate_and_stays_in_the_tilt_cone() -> None:
    rate, tilt_max = math.radians(20), math.radians(45)
    world = bare_world(slew_rate_max_radps=rate, tilt_max_rad=tilt_max, steps_per_tick=1000)
    target = (math.sin(math.radians(60)), 0.0, math.cos(math.radians(60)))  # beyond the cone
    run(world, 1.0, command(target, throttle=0.1), tick_s=1.0)
    u = world.state_dict()["thrust_dir_S"]
    assert math.acos(u[2]) == pytest.approx(rate * 1.0, abs=1e-3)
    run(world, 2.0, command(target, throttle=0.1), tick_s=1.0)
    u = world.state_dict()["thrust_dir_S"]
    assert math.acos(u[2]) == pytest.approx(tilt_max, abs=1e-9)
    assert math.hypot(*u) == pytest.approx(1.0, abs=1e-12)


def test_with_no_pointing_limit_the_thrust_axis_goes_past_horizontal() -> None:
    """tilt_max_rad = pi: a command 120 degrees from vertical is followed."""
    world = bare_world(slew_rate_max_radps=10.0, tilt_max_rad=math.pi, steps_per_tick=1000)
    target = (math.sin(math.radians(120)), 0.0, math.cos(math.radians(120)))
    run(world, 1.0, command(target, throttle=0.1), tick_s=1.0)
    u = world.state_dict()["thrust_dir_S"]
    assert math.acos(u[2]) == pytest.approx(math.radians(120), abs=1e-9)
    assert u[1] == pytest.approx(0.0, abs=1e-12) and u[0] > 0


def test_drag_gives_the_terminal_speed() -> None:
    rho, area, m = 1.0, 7.0, 820.0 + 390.0 + 899.0
    world = bare_world(
        surface_density_kgpm3=rho,
        scale_height_m=1e12,
        drag_coefficient=1.0,
        descent_stage_drag_area_m2=area,
        position_m=(0.0, 0.0, 1e5),
    )
    run(world, 60.0, command())
    _, v = stage(world)
    assert -v[2] == pytest.approx(math.sqrt(2 * m * G / (rho * area)), rel=1e-3)


def energy(world: object, k: float, height: float) -> float:
    s = world.state_dict()  # type: ignore[attr-defined]
    total = 0.0
    for body, m in (("stage", 820.0 + s["propellant_kg"]), ("rover", 899.0)):
        r, v = s[body]["position_S_m"], s[body]["velocity_S_mps"]
        total += 0.5 * m * (v[0] ** 2 + v[1] ** 2 + v[2] ** 2) + m * G * r[2]
    rs, rr = s["stage"]["position_S_m"], s["rover"]["position_S_m"]
    stretch = math.dist(rs, (rr[0], rr[1], rr[2] + height)) - s["bridle_paid_m"]
    return total + (0.5 * k * stretch**2 if stretch > 0 else 0.0)


def stretch_rate(world: object, height: float) -> tuple[float, float]:
    """(stretch, stretch rate) of the bridle."""
    s = world.state_dict()  # type: ignore[attr-defined]
    rs, rr = np.array(s["stage"]["position_S_m"]), np.array(s["rover"]["position_S_m"])
    vs, vr = np.array(s["stage"]["velocity_S_mps"]), np.array(s["rover"]["velocity_S_mps"])
    d = rr + np.array([0.0, 0.0, height]) - rs
    dist = float(np.linalg.norm(d))
    return dist - s["bridle_paid_m"], float((vr - vs) @ d / dist)


def bookkeeping_error(damping: float, dt: float) -> tuple[float, float, float]:
    """(largest |balance|, thrust work, damping loss) over 3 s of a thrusting stage
    with the rover bouncing on its bridle, where balance = kinetic + potential +
    spring energy - thrust work + damping loss - start value."""
    k, h = 3.0e5, 1.1
    steps = round(3.0 / dt)
    world = bare_world(
        steps_per_tick=1,
        dt_s=dt,
        max_steps=2 * steps,
        isp_s=1e12,
        throttle_time_constant_s=1e-6,
        bridle_stiffness_N_per_m=k,
        bridle_damping_N_s_per_m=damping,
        bridle_length_m=0.5,
        rover_stowed_offset_m=1.6,
        rover_height_m=h,
    )
    world.command(command((0.0, 0.0, 1.0), throttle=0.5, events=RELEASE))
    world.advance()  # the release takes effect: the bridle is paid out to its length
    e0, work, lost, worst = energy(world, k, h), 0.0, 0.0, 0.0
    for _ in range(steps):
        stretch, rate = stretch_rate(world, h)
        world.advance()
        s = world.state_dict()
        work += s["thrust_N"] * s["stage"]["velocity_S_mps"][2] * dt
        if stretch > 0 and k * stretch + damping * rate > 0:
            lost += damping * rate * rate * dt
        worst = max(worst, abs(energy(world, k, h) - work + lost - e0))
    return worst, work, lost


@pytest.mark.parametrize("damping", [0.0, 3000.0])
def test_energy_bookkeeping_on_the_bridle(damping: float) -> None:
    """The balance closes to the integrator's first-order error, which halves with dt."""
    coarse, work, lost = bookkeeping_error(damping, 1e-3)
    fine, _, _ = bookkeeping_error(damping, 5e-4)
    assert work > 1e5  # 125 kJ of thrust work went in
    assert coarse < 2.5e-4 * work
    assert 0.4 < fine / coarse < 0.6
    if damping:
        assert lost > 10.0


def test_bridle_pulls_only_when_taut(default_scenario: object) -> None:
    from hilander.sim.run import fly  # noqa: PLC0415

    landing = fly(default_scenario)  # type: ignore[arg-type]
    c = landing.column
    h = landing.scenario.vehicle.rover_height_m
    dist = np.sqrt(
        (c("stage_x_m") - c("rover_x_m")) ** 2
        + (c("stage_y_m") - c("rover_y_m")) ** 2
        + (c("stage_z_m") - c("rover_z_m") - h) ** 2
    )
    released = ~np.isnan(c("bridle_paid_m")) & (c("bridle_paid_m") > 0)
    tension, slack = c("bridle_tension_N"), dist - c("bridle_paid_m")
    assert np.all(tension >= 0.0)
    assert np.all(tension[released & (slack < 0)] == 0.0)
    assert np.any(tension[released] > 0.0)


def test_rover_comes_to_rest_at_its_static_sinkage() -> None:
    k = 1.0e5
    world = bare_world(position_m=(0.0, 0.0, 8.0), contact_stiffness_N_per_m=k)
    run(world, 0.02, command((0.0, 0.0, 1.0), throttle=0.6, events=RELEASE | CUT))
    run(world, 4.0, command((0.0, 0.0, 1.0), throttle=0.6, events=RELEASE | CUT))
    rec = world.records
    rover = world.state_dict()["rover"]
    drop = 8.0 - 1.6
    assert -rec["touchdown_velocity_S_mps"][2] == pytest.approx(math.sqrt(2 * G * drop), rel=2e-2)
    assert rover["position_S_m"][2] == pytest.approx(-899.0 * G / k, rel=2e-2)
    assert abs(rover["velocity_S_mps"][2]) < 1e-3


@pytest.mark.parametrize(("friction", "slides"), [(0.5, False), (0.1, True)])
def test_friction_holds_the_rover_on_a_slope_below_its_angle(friction: float, slides: bool) -> None:
    slope = math.tan(math.radians(10))  # tan 10 deg = 0.18
    world = bare_world(
        position_m=(0.0, 0.0, 2.0), gradient=(slope, 0.0), friction_coefficient=friction
    )
    run(world, 0.02, command((0.0, 0.0, 1.0), throttle=0.6, events=RELEASE | CUT))
    run(world, 3.0, command((0.0, 0.0, 1.0), throttle=0.6, events=RELEASE | CUT))
    speed = math.hypot(*world.state_dict()["rover"]["velocity_S_mps"][:2])
    assert (speed > 0.3) == slides
