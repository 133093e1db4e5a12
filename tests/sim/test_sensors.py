"""Sensors: rates, noise, validity, the hazard map's delivery; the random streams."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hilander.sim import _rng
from tests.common.world import bare_world, command, run


def hovering(**overrides: object) -> object:
    """A stage held still at 1000 m (no gravity) with the given sensor settings."""
    return bare_world(gravity_mps2=0.0, **overrides)


def test_radar_altitude_noise_has_its_declared_spread() -> None:
    world = hovering(radar_altitude_noise_fraction=0.005, radar_altitude_noise_floor_m=0.1)
    samples = []
    for _ in range(4000):
        samples.append(world.sense()["radar_altitude_m"])
        world.advance()
    # the radar samples at 20 Hz, the control ticks at 50 Hz: keep the distinct ones
    distinct = np.array(samples)[np.r_[True, np.diff(samples) != 0]]
    sigma = 0.005 * 1000.0 + 0.1
    assert len(distinct) > 1500
    assert np.std(distinct) == pytest.approx(sigma, rel=0.06)
    assert abs(np.mean(distinct) - 1000.0) < 4 * sigma / np.sqrt(len(distinct))


def test_radar_is_invalid_beyond_its_range() -> None:
    world = bare_world(position_m=(0.0, 0.0, 7000.0), radar_range_max_m=6000.0)
    frame = world.sense()
    assert not frame["radar_altitude_valid"] and not frame["radar_velocity_valid"]


def test_navigation_bias_is_drawn_once_and_walks_slowly() -> None:
    world = hovering(nav_position_bias_m=2.0, nav_position_drift_mps=0.0, nav_position_noise_m=0.0)
    first = world.sense()["nav_position_S_m"]
    run(world, 5.0, command())
    later = world.sense()["nav_position_S_m"]
    assert first == later
    assert first != [0.0, 0.0, 1000.0]


def test_hazard_map_is_delivered_once_at_its_altitude() -> None:
    world = bare_world(
        position_m=(0.0, 0.0, 1500.0),
        velocity_mps=(0.0, 0.0, -50.0),
        hazard_altitude_m=1400.0,
        gravity_mps2=0.0,
    )
    ready = []
    for _ in range(150):
        frame = world.sense()
        ready.append((frame["time_s"], frame["hazard_map_ready"]))
        world.advance()
    times = [t for t, r in ready if r]
    assert len(times) == 1
    assert times[0] == pytest.approx(100.0 / 50.0, abs=0.05)  # 100 m at 50 m/s


def test_same_seed_same_draws_and_streams_differ() -> None:
    a = _rng.normal_sample(7, 1, 1000)
    assert a == _rng.normal_sample(7, 1, 1000)
    assert a != _rng.normal_sample(7, 2, 1000)
    assert a != _rng.normal_sample(8, 1, 1000)


def test_normals_follow_the_normal_distribution() -> None:
    """Kolmogorov-Smirnov against the normal CDF, and the tail beyond the
    ziggurat's base layer (r = 3.4426) at its expected frequency."""
    x = np.sort(np.array(_rng.normal_sample(2024, 3, 400_000)))
    cdf = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x])
    n = len(x)
    d = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n))
    assert d < 1.63 / math.sqrt(n)  # 1 % level
    tail = np.mean(np.abs(x) > 3.442619855899)
    expected = math.erfc(3.442619855899 / math.sqrt(2))
    assert abs(tail - expected) < 5 * math.sqrt(expected / n)


def test_normals_and_uniforms_have_their_moments() -> None:
    x = np.array(_rng.normal_sample(123, 9, 200_000))
    assert abs(x.mean()) < 0.01 and x.std() == pytest.approx(1.0, abs=0.01)
    assert abs(np.mean(x**3)) < 0.03 and np.mean(x**4) == pytest.approx(3.0, abs=0.06)
    u = np.array(_rng.uniform_sample(5, 1, 100_000))
    assert u.min() >= 0.0 and u.max() < 1.0 and u.mean() == pytest.approx(0.5, abs=0.005)


# -- faults (FaultParams) -------------------------------------------------------


def sensed(world: object, seconds: float) -> list[dict[str, object]]:
    frames = []
    for _ in range(round(seconds * 50)):
        frames.append(world.sense())  # type: ignore[attr-defined]
        world.advance()  # type: ignore[attr-defined]
    return frames


def test_a_contact_pulse_lasts_its_samples() -> None:
    world = hovering(leg_contact_pulse_tick=10, leg_contact_pulse_samples=2)
    contact = [f["contact"] for f in sensed(world, 1.0)]
    assert [k for k, c in enumerate(contact) if c] == [10, 11]


def test_imu_saturation_mirrors_the_navigation_altitude_below_ground() -> None:
    world = hovering(imu_saturation_time_s=0.5, imu_saturation_duration_s=1.0)
    frames = sensed(world, 2.0)
    z = np.array([f["nav_position_S_m"][2] for f in frames])
    force = np.array([f["specific_force_S_mps2"] for f in frames])
    t = np.arange(len(frames)) * 0.02
    inside = (t > 0.55) & (t < 1.45)
    assert np.allclose(z[inside], -1000.0) and np.all(force[inside] == 0.0)
    assert np.allclose(z[(t < 0.45) | (t > 1.55)], 1000.0)


def test_radar_outliers_only_below_their_altitude() -> None:
    low = hovering(
        position_m=(0.0, 0.0, 10.0),
        radar_outlier_altitude_m=20.0,
        radar_outlier_probability=0.5,
        radar_outlier_mps=5.0,
    )
    errors = [np.linalg.norm(f["radar_velocity_S_mps"]) for f in sensed(low, 4.0)]
    off = [e for e in errors if e > 0.0]
    assert 0.25 < len(off) / len(errors) < 0.75
    assert np.allclose(off, 5.0)
    high = hovering(
        radar_outlier_altitude_m=20.0, radar_outlier_probability=1.0, radar_outlier_mps=5.0
    )
    assert all(np.linalg.norm(f["radar_velocity_S_mps"]) == 0.0 for f in sensed(high, 1.0))


def test_a_radar_dropout_reads_invalid_zeros_then_recovers() -> None:
    world = hovering(radar_dropout_time_s=0.5, radar_dropout_duration_s=0.5)
    frames = sensed(world, 1.5)
    valid = [bool(f["radar_altitude_valid"]) for f in frames]
    assert not all(valid[30:50]) and valid[-1] and valid[0]
    gone = [f for f in frames if not f["radar_altitude_valid"]]
    assert all(f["radar_altitude_m"] == 0.0 and not f["radar_velocity_valid"] for f in gone)


def test_thrust_scale_delivers_more_than_nominal() -> None:
    nominal, strong = bare_world(), bare_world(thrust_scale=1.02)
    for world in (nominal, strong):
        run(world, 1.0, command((0.0, 0.0, 1.0), throttle=0.5))
    ratio = strong.sense()["thrust_measured_N"] / nominal.sense()["thrust_measured_N"]
    assert ratio == pytest.approx(1.02, rel=1e-9)
