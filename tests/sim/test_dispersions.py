"""Dispersions: parsed with errors naming the key, drawn inside their bounds,
reproducible run by run, applied to the true vehicle only."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hilander.sim.campaign import dispersed, fly_run
from hilander.sim.dispersions import draws, run_seed
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import Scenario, load_scenario, parse_scenario
from hilander.sim.schema import ScenarioError

BASE = """
name = "t"
seed = 5
[initial]
position_m = [0.0, 0.0, 1800.0]
velocity_mps = [0.0, 0.0, -80.0]
"""


def with_dispersions(text: str) -> Scenario:
    return parse_scenario(BASE + text, "t.toml")


NORMAL = '[dispersions.initial.position_m]\ndistribution = "normal"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[dispersions.initial.altitude]\n", r"\[dispersions.initial\] altitude: .*no parameter"),
        ("[dispersions.limits.site_miss_max_m]\n", r"dispersions\] limits: not a dispersible"),
        (
            '[dispersions.initial.position]\ndistribution = "uniform"\n',
            r"position: .*did you mean 'position_m'",
        ),
        (
            '[dispersions.terrain.target_hazard]\ndistribution = "uniform"\n',
            r"target_hazard: cannot be dispersed \(not a number\)",
        ),
        (
            '[dispersions.initial.position_m]\ndistribution = "gauss"\n',
            r"position_m: distribution must be 'normal' or 'uniform', got 'gauss'",
        ),
        (NORMAL + "sigma = 1.0\nmax = 2000.0\n", r"position_m: min missing"),
        (NORMAL + "min = 0\nmax = 1\nsigma = [1.0, 2.0]\n", r"position_m: .*list of 3, got 2"),
        (
            NORMAL + "sigma = 1.0\nmin = [-1.0, -1.0, 1900.0]\nmax = [1.0, 1.0, 2000.0]\n",
            r"position_m: mean\[2\] = 1800 lies outside \[1900, 2000\]",
        ),
        (
            NORMAL + "sigma = -1.0\nmin = -5000.0\nmax = 5000.0\n",
            r"position_m: sigma\[0\] = -1: must be >= 0",
        ),
        (
            '[dispersions.initial.position_m]\ndistribution = "uniform"\nmin = 5.0\nmax = 1.0\n',
            r"position_m: min\[0\] = 5 is above max\[0\] = 1",
        ),
        (
            '[dispersions.initial.position_m]\ndistribution = "uniform"\nmin = 0\nmax = 1\n'
            "sigma = 2\n",
            r"position_m: unknown key 'sigma' for a uniform",
        ),
        (
            '[dispersions.vehicle.rover_mass_kg]\ndistribution = "uniform"\nmin = -1\nmax = 900\n',
            r"rover_mass_kg: min = -1: the parameter must be >= 0",
        ),
        (
            '[dispersions.terrain.seed]\ndistribution = "normal"\nsigma = 1\nmin = 0\nmax = 9\n',
            r"\[dispersions.terrain\] seed: an integer parameter takes a uniform",
        ),
        (
            '[dispersions.terrain.seed]\ndistribution = "uniform"\nmin = 0.5\nmax = 9\n',
            r"seed: min: expected an integer, got 0.5",
        ),
        ("[dispersions]\ninitial = 3\n", r"\[dispersions\] initial: expected a table"),
        (
            '[dispersions.initial.position_m]\ndistribution = "uniform"\n'
            "min = [0.0, 0.0, -5.0]\nmax = [1.0, 1.0, 100.0]\n",
            r"position_m: min gives an invalid \[initial\]: .*above the ground",
        ),
        ("[dispersions.initial]\nposition_m = 3\n", r"position_m: expected a table such as"),
    ],
)
def test_a_bad_dispersion_names_its_key(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as e:
        with_dispersions(text)
    assert str(e.value).startswith("t.toml: ") and "\n" not in str(e.value)


DEFAULT = load_scenario("default")


@given(st.integers(0, 2**63 - 1), st.integers(0, 10**9))
def test_every_draw_lies_inside_its_bounds(seed: int, run: int) -> None:
    for d in DEFAULT.dispersions:
        value = d.draw(seed, run)
        parts = value if isinstance(value, tuple) else (value,)
        for x, lo, hi in zip(parts, d.low, d.high, strict=True):
            assert lo <= x <= hi


def test_a_wide_normal_keeps_its_mean_and_sigma() -> None:
    s = with_dispersions(NORMAL + "sigma = 50.0\nmin = [-5000.0, -5000.0, 1.0]\nmax = 5000.0\n")
    d = s.dispersions[0]
    xs = [d.draw(1, k)[0] for k in range(4000)]  # type: ignore[index]
    assert statistics.fmean(xs) == pytest.approx(0.0, abs=3.0)
    assert statistics.stdev(xs) == pytest.approx(50.0, rel=0.05)


def test_a_truncated_normal_fills_its_bounds_without_piling_at_them() -> None:
    text = NORMAL + "sigma = 100.0\nmin = [-50.0, -50.0, 1750.0]\nmax = [50.0, 50.0, 1850.0]\n"
    d = with_dispersions(text).dispersions[0]
    xs = [d.draw(2, k)[0] for k in range(2000)]  # type: ignore[index]
    assert min(xs) > -50.0 and max(xs) < 50.0
    assert sum(abs(x) > 40 for x in xs) > 200  # nearly flat: sigma is twice the half-width


def test_an_integer_uniform_reaches_both_ends() -> None:
    d = with_dispersions(
        '[dispersions.terrain.seed]\ndistribution = "uniform"\nmin = 3\nmax = 5\n'
    ).dispersions[0]
    assert {d.draw(1, k) for k in range(200)} == {3, 4, 5}


def test_a_run_depends_on_its_index_and_seed_only() -> None:
    a, b = draws(DEFAULT.dispersions, 1, 17), draws(DEFAULT.dispersions, 1, 17)
    assert a == b
    assert draws(DEFAULT.dispersions, 2, 17) != a and draws(DEFAULT.dispersions, 1, 18) != a
    only_wind = tuple(d for d in DEFAULT.dispersions if d.table == "wind")
    assert draws(only_wind, 1, 17)["wind.steady_mps"] == a["wind.steady_mps"]
    assert run_seed(1, 17) == run_seed(1, 17) != run_seed(1, 18)
    assert 0 <= run_seed(2**63 - 1, 10**9) < 2**63


def test_a_dispersed_vehicle_is_the_true_one_the_law_keeps_the_nominal() -> None:
    s = dispersed(DEFAULT, 1, 3)
    assert s.vehicle.engine_thrust_max_N != DEFAULT.vehicle.engine_thrust_max_N
    assert s.law == DEFAULT.law
    assert s.dispersions == () and s.seed == run_seed(1, 3)
    assert s.terrain == DEFAULT.terrain


def test_fly_run_is_the_landing_of_the_dispersed_scenario() -> None:
    row = fly_run(DEFAULT, 1, 3)
    summary = summarize(fly(dispersed(DEFAULT, 1, 3)))
    assert row["verdict"] == summary.verdict == "pass"
    assert summary.touchdown is not None
    assert row["touchdown_vertical_speed_mps"] == summary.touchdown.vertical_speed_mps
    assert row["propellant_used_kg"] == summary.propellant_used_kg
    assert 0 < row["limit_use"] < 1
    assert row["initial.position_m[2]"] == dispersed(DEFAULT, 1, 3).initial.position_m[2]


def test_a_run_that_raises_is_an_error_row() -> None:
    class Broken:
        def reset(self, config: object) -> None:
            pass

        def step(self, frame: object) -> object:
            raise RuntimeError("law exploded\nsecond line")

    row = fly_run(DEFAULT, 1, 0, Broken, "broken")
    assert row["verdict"] == "error"
    assert row["error"] == "RuntimeError: law exploded"
    assert math.isfinite(row["initial.position_m[0]"])  # what was drawn is kept


def test_the_envelope_campaign_file_covers_the_envelope() -> None:
    """benchmarks/envelope.toml (docs/performance.md): uniform over the
    property tests' envelope, and its runs fly."""
    path = Path(__file__).parents[2] / "benchmarks" / "envelope.toml"
    s = load_scenario(str(path))
    kinds = {(d.table, d.field): d for d in s.dispersions}
    assert ("initial", "position_m") in kinds and ("initial", "velocity_mps") in kinds
    for run in range(3):
        r = dispersed(s, 1, run)
        x, y, z = r.initial.position_m
        vx, vy, vz = r.initial.velocity_mps
        assert max(abs(x), abs(y)) <= 600 and 1500 <= z <= 2200
        assert max(abs(vx), abs(vy)) <= 40 and -100 <= vz <= -60
        assert summarize(fly(r)).verdict == "pass"


@pytest.mark.parametrize(
    ("name", "scale", "descent_mps"),
    [
        ("envelope", 1.0, 100.0),
        ("wide-1.5x", 1.5, 110.0),
        ("wide-2x", 2.0, 120.0),
        ("steep-130", 1.0, 130.0),
    ],
)
def test_the_convex_campaign_files_widen_the_envelope(
    name: str, scale: float, descent_mps: float
) -> None:
    """benchmarks/convex (docs/law.md): the envelope's file with convex
    guidance, its half-widths scaled about their centres (or its descents
    to 130 m/s); a run flies."""
    path = Path(__file__).parents[2] / "benchmarks" / "convex" / f"{name}.toml"
    s = load_scenario(str(path))
    assert s.law.guidance == "convex"
    kinds = {(d.table, d.field): d for d in s.dispersions}
    position = kinds["initial", "position_m"]
    velocity = kinds["initial", "velocity_mps"]
    assert position.high[0] == pytest.approx(600.0 * scale)
    assert velocity.high[0] == pytest.approx(40.0 * scale)
    assert velocity.low[2] == pytest.approx(-descent_mps)
    assert summarize(fly(dispersed(s, 1, 0))).verdict == "pass"
