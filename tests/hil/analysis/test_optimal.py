"""The fuel-optimal descent: against the closed-form 1-D landing, and flown
open loop in the plant; the command line."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("cvxpy", reason="the analysis extra (cvxpy, Clarabel) is not installed")
from scipy.optimize import brentq

from hilander.controller.interface import Command, Phase, SensorFrame
from hilander.hil.analysis.optimal import (
    Options,
    Target,
    Vehicle,
    law_segment,
    optimum_for,
    solve_fixed_time,
    solve_free_time,
)
from hilander.hil.cli.main import main
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from hilander.sim.settings import EnvironmentParams, WindParams

VEHICLE = Vehicle(
    mass_kg=2100.0,
    propellant_kg=390.0,
    thrust_min_N=2500.0,
    thrust_max_N=25000.0,
    alpha_s_per_m=1.0 / (225.0 * 9.80665),
    tilt_max_rad=0.5,
    gravity_mps2=3.711,
)


def burn(z: float, v: float, m: float, thrust: float, t: float) -> tuple[float, float, float]:
    """Constant thrust straight up for t seconds, in closed form (rocket equation)."""
    c, g = 1.0 / VEHICLE.alpha_s_per_m, VEHICLE.gravity_mps2
    q = thrust / c
    lnr = math.log(1.0 - q * t / m)
    v1 = v - g * t - c * lnr
    z1 = z + v * t - g * t * t / 2 + c * ((m / q - t) * lnr + t)
    return z1, v1, m - q * t


def closed_form_propellant(h0: float, v0: float) -> float:
    """The fuel-optimal vertical landing (Meditch 1964): the thrust floor, then
    full thrust to touch down at rest; the switch time solved by root finding."""

    def land(ts: float) -> tuple[float, float]:
        """(height, mass) at rest after floor thrust for ts, then full thrust."""
        z, v, m = burn(h0, v0, VEHICLE.mass_kg, VEHICLE.thrust_min_N, ts)
        tb = brentq(lambda t: burn(z, v, m, VEHICLE.thrust_max_N, t)[1], 0.0, 60.0)
        z_end, _, m_end = burn(z, v, m, VEHICLE.thrust_max_N, tb)
        return z_end, m_end

    ts = brentq(lambda t: land(t)[0], 0.0, 30.0)
    return VEHICLE.mass_kg - land(ts)[1]


@pytest.mark.parametrize(("h0", "v0"), [(1000.0, -60.0), (500.0, -40.0), (1500.0, -80.0)])
def test_the_vertical_landing_matches_its_closed_form(h0: float, v0: float) -> None:
    best, _ = solve_free_time(
        VEHICLE, (0.0, 0.0, h0), (0.0, 0.0, v0), Target((0, 0, 0), (0, 0, 0)), Options(nodes=120)
    )
    exact = closed_form_propellant(h0, v0)
    assert best.propellant_kg == pytest.approx(exact, rel=0.01)
    assert best.propellant_kg >= exact * (1 - 1e-3)  # a flyable profile cannot beat it
    assert np.allclose(best.position_m[:, :2], 0.0, atol=1e-3)


def test_a_flight_time_too_short_is_infeasible_not_an_error() -> None:
    start, down = (0.0, 0.0, 1800.0), (0.0, 0.0, -80.0)
    target = Target((0, 0, 0), (0, 0, 0))
    assert solve_fixed_time(VEHICLE, start, down, target, 5.0, Options(nodes=20)) is None
    assert solve_fixed_time(VEHICLE, start, down, target, 40.0, Options(nodes=20)) is not None


def calm(name: str) -> object:
    """The scenario with no air, wind or gusts: what the optimum models."""
    s = load_scenario(name)
    return dataclasses.replace(
        s,
        wind=WindParams((0.0, 0.0), 0.0, 3.0),
        environment=EnvironmentParams(s.environment.gravity_mps2, 0.0, 11100.0),
    )


class OpenLoop:
    """Flies the optimal thrust profile by the clock, nothing else; the
    command leads by the engines' time constant (their first-order lag)."""

    def __init__(self, thrust_N: np.ndarray, dt: float, thrust_max_N: float, lead_s: float) -> None:
        self.thrust, self.dt, self.max, self.lead = thrust_N, dt, thrust_max_N, lead_s

    def reset(self, config: object) -> None:
        pass

    def step(self, frame: SensorFrame) -> Command:
        k = min(int((frame.time_s + self.lead) / self.dt), len(self.thrust) - 1)
        t = self.thrust[k]
        throttle = float(np.linalg.norm(t)) / self.max
        return Command(
            frame.step, (t[0], t[1], t[2]), throttle, Phase.POWERED_APPROACH, 0, (0, 0, 0)
        )


def test_the_optimal_profile_flown_open_loop_reaches_its_target() -> None:
    s = calm("default")
    target = Target((-40.0, 30.0, 20.0), (0.0, 0.0, -0.75))
    best, _ = optimum_for(s, target, Options(nodes=120))  # type: ignore[arg-type]
    veh = Vehicle.of(s)  # type: ignore[arg-type]
    n = np.linalg.norm(best.thrust_N, axis=1)
    assert np.all(n <= veh.thrust_max_N * (1 + 1e-6)) and np.all(n >= veh.thrust_min_N * (1 - 1e-6))
    dt = best.time_s[1]
    limited = dataclasses.replace(
        s, sim=dataclasses.replace(s.sim, max_time_s=best.time_of_flight_s)
    )  # type: ignore[type-var]
    lead = s.vehicle.throttle_time_constant_s  # type: ignore[attr-defined]
    landing = fly(limited, OpenLoop(best.thrust_N, dt, veh.thrust_max_N, lead))
    end = landing.telemetry[-1]
    position = [end[landing.columns.index(f"stage_{a}_m")] for a in "xyz"]
    velocity = [end[landing.columns.index(f"stage_v{a}_mps")] for a in "xyz"]
    # open loop through the engines' lag and the 20 deg/s slew limit, 1.8 km
    # down: within 25 m (measured 17 m) and 1.5 m/s (measured 0.75 m/s)
    assert np.linalg.norm(np.subtract(position, target.position_m)) < 25.0
    assert np.linalg.norm(np.subtract(velocity, target.velocity_mps)) < 1.5
    assert landing.column("altitude_m").min() > 0.0


def test_the_law_is_compared_on_the_same_terminal_state() -> None:
    s = load_scenario("default")
    landing = fly(s)
    seg = law_segment(landing)
    assert seg is not None
    aim = landing.column("site_z_m")[-1] + s.law.sky_crane_altitude_m
    assert seg.target.position_m[2] == pytest.approx(aim, abs=2.0)  # radar height vs site
    assert -2.0 < seg.target.velocity_mps[2] < -0.5  # near its 0.75 m/s aim
    best, solves = optimum_for(s, seg.target, Options(nodes=40))
    assert 1.0 < seg.propellant_kg / best.propellant_kg < 1.5 and solves >= 20


def test_the_optimal_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["optimal", "--nodes", "40", "--json", "--out", str(tmp_path)])
    out, _ = capsys.readouterr()
    assert code == 0
    summary = json.loads(out)
    assert summary == json.loads((tmp_path / "summary.json").read_text())
    assert summary["ratio"] == pytest.approx(
        summary["law"]["propellant_kg"] / summary["optimal"]["propellant_kg"], rel=1e-3
    )
    rows = list(csv.DictReader((tmp_path / "trajectory.csv").read_text().splitlines()))
    assert len(rows) == 41 and float(rows[-1]["z_m"]) == pytest.approx(
        summary["target"]["position_m"][2], abs=1e-3
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--nodes", "3"], "invalid nodes '3'"),
        (["--glide-slope-deg", "95"], "invalid angle '95'"),
        (["nowhere.toml"], "nowhere.toml: no such file"),
    ],
)
def test_bad_optimal_arguments(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["optimal", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_campaign_samples_the_propellant_ratio() -> None:
    from hilander.hil.campaign.executors import Campaign, fly_campaign  # noqa: PLC0415
    from hilander.hil.campaign.summary import summarize_campaign  # noqa: PLC0415

    result = fly_campaign(Campaign(load_scenario("default"), 4, 1, optimal_every=2), workers=2)
    ratios = [r["propellant_ratio"] for r in result.rows]
    assert all(1.0 < ratios[k] < 1.5 for k in (0, 2))
    assert all(math.isnan(ratios[k]) for k in (1, 3))
    assert summarize_campaign(result).metrics["propellant_ratio"].count == 2


def test_an_airbag_lander_has_no_segment_to_compare() -> None:
    """No powered descent: no ratio, and no solve spent on one."""
    from hilander.hil.analysis.optimal import law_segment, propellant_ratio  # noqa: PLC0415

    landing = fly(load_scenario("mer"))
    assert law_segment(landing) is None
    assert math.isnan(propellant_ratio(landing))


def test_a_lander_that_hovers_is_compared_after_its_hover_not_at_it() -> None:
    """tianwen1 hovers (Phase.HOVER, whose value is above SKY_CRANE's) before
    its constant-velocity descent: the segment ends where leg-contact sensing
    arms, as for the other legged landers, not where the hover starts (0.6
    compared phase values by order and ended it at the hover)."""
    from hilander.hil.analysis.optimal import law_segment  # noqa: PLC0415

    landing = fly(load_scenario("tianwen1"))
    seg = law_segment(landing)
    phase, time_s = landing.column("phase"), landing.column("time_s")
    armed = time_s[np.flatnonzero(phase == Phase.TOUCHDOWN_DETECTION)[0]]
    hover_end = time_s[np.flatnonzero(phase == Phase.HOVER)[-1]]
    assert seg is not None and seg.time_s == armed > hover_end


@pytest.mark.parametrize(("which", "z_m", "vz_mps"), [("gate", 50.0, -16.0), ("ground", 0.0, 0.0)])
def test_the_optimum_to_a_target_of_the_scenarios_own(
    which: str, z_m: float, vz_mps: float, capsys: pytest.CaptureFixture[str]
) -> None:
    """--target gate|ground: the optimum over the nominal site; no ratio (the
    law's segment ends elsewhere), the law's figures still shown."""
    assert main(["optimal", "--nodes", "40", "--target", which, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["target"]["position_m"] == [0.0, 0.0, z_m]
    assert summary["target"]["velocity_mps"] == [0.0, 0.0, vz_mps]
    assert summary["ratio"] is None
    assert summary["law"]["verdict"] == "pass" and summary["law"]["propellant_kg"] > 0
    assert 100.0 < summary["optimal"]["propellant_kg"] < 390.0


def test_the_bound_is_printed_when_the_law_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A flight computer that never fires crashes: the optimum to the gate
    is still given, in the text, the JSON and the report."""
    argv = ["optimal", "--nodes", "40", "--controller", "tests.common.freefall:FreeFall"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "never reached its segment's end" in text and "ratio        none" in text
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["law"]["verdict"] == "fail" and summary["law"]["propellant_kg"] is None
    assert "the law never reached" in summary["target"]["what"]
    assert summary["target"]["position_m"] == [0.0, 0.0, 50.0]
    assert (tmp_path / "report.html").exists()
