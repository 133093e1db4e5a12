"""The two fault scenarios the 6-DOF world makes possible (issue 22): each
passes with hilander's law and the world's attitude loop, and fails a naive
one (tests/common/sixdof_naive.py).

- slope-tip: Phoenix drifting down a 12 deg slope. The law nulls the drift and
  stands; a law that holds a descent rate with its thrust axis straight up
  (docs/examples/naive_legged.py) touches down sliding and tips over.
- stuck-engine: MSL with engine 1 stuck at 70 % throttle. The attitude loop,
  told of it, takes its force and torque as given and steers with the other
  seven; allocating as if every engine answered loses the attitude."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from hilander.sim.result import summarize
from hilander.sim.run import Landing, fly
from hilander.sim.scenario import builtin_text, load_scenario, parse_scenario
from hilander.sim.schema import ScenarioError
from hilander.sim.sixdof import engines_rated, sixdof_params
from tests.common.console import hilander
from tests.common.sixdof import rigid_world, tilt_rad
from tests.common.sixdof_naive import fly_untold, vertical_descent
from tests.common.world import command, run

SEEDS = range(1, 6)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_law_lands_upright_on_the_slope(seed: int) -> None:
    s = summarize(fly(load_scenario("slope-tip").with_seed(seed)))
    assert s.verdict == "pass", s.violations
    assert s.attitude is not None
    assert s.attitude.lean_rad < load_scenario("slope-tip").limits.tip_over_tilt_rad


@pytest.mark.parametrize("seed", SEEDS)
def test_a_law_that_never_nulls_the_drift_tips_over_on_the_slope(seed: int) -> None:
    scenario = load_scenario("slope-tip").with_seed(seed)
    s = summarize(fly(scenario, vertical_descent()))
    assert s.verdict == "fail"
    assert "tip_over" in s.violation_kinds
    assert s.touchdown is not None
    assert s.touchdown.horizontal_speed_mps > scenario.limits.touchdown_horizontal_speed_max_mps
    assert s.attitude is not None and s.attitude.lean_rad > math.pi / 2  # on its side


def test_the_slope_is_under_the_hazard_limit_and_the_drift_downhill() -> None:
    s = load_scenario("slope-tip")
    assert s.sim.dynamics == "6dof"
    assert s.terrain.slope_rad < s.vehicle.rover_slope_max_rad
    drift = np.array(s.initial.velocity_mps[:2]) + np.array(s.wind.steady_mps)
    downhill = np.array(
        [math.cos(s.terrain.slope_azimuth_rad), math.sin(s.terrain.slope_azimuth_rad)]
    )
    assert drift @ downhill > 0.99 * np.linalg.norm(drift)


def tilt_while_stowed(landing: Landing, after_s: float) -> float:
    """The stage's most tilt from after_s until the rover left it (or the end)."""
    t = landing.column("time_s")
    release = landing.records["release_time_s"]
    end = release if np.isfinite(release) else t[-1]
    return float(landing.column("tilt_rad")[(t >= after_s) & (t < end)].max())


@pytest.mark.parametrize("seed", SEEDS)
def test_the_attitude_loop_told_of_the_stuck_engine_lands(seed: int) -> None:
    scenario = load_scenario("stuck-engine").with_seed(seed)
    landing = fly(scenario)
    s = summarize(landing)
    assert s.verdict == "pass", s.violations
    assert tilt_while_stowed(landing, scenario.faults.engine_stuck_time_s) < 0.3


@pytest.mark.parametrize("seed", SEEDS)
def test_an_allocator_that_takes_every_engine_to_answer_loses_the_attitude(seed: int) -> None:
    scenario = load_scenario("stuck-engine").with_seed(seed)
    told = fly(scenario)
    untold = fly_untold(scenario)
    s, t = summarize(untold), summarize(told)
    assert s.verdict == "fail"
    assert "touchdown_tilt" in s.violation_kinds
    assert s.attitude is not None and t.attitude is not None
    assert s.attitude.touchdown_tilt_rad > 10 * t.attitude.touchdown_tilt_rad
    assert s.touchdown is not None
    assert s.touchdown.horizontal_speed_mps > scenario.limits.touchdown_horizontal_speed_max_mps


def hover_with_engine_stuck(known: int) -> tuple[list[float], float, int]:
    """MSL hovering, without disturbances, its engine 1 stuck at 70 % from 10 s:
    (throttles, tilt [rad], the frame's engine count) 2 s after."""
    world = rigid_world("stuck-engine", engine_stuck_known=known)
    run(world, 12.0, command((0.0, 0.0, 1.0), 0.5))
    state = world.state_dict()
    return list(state["engine_throttle"][:8]), tilt_rad(world), int(state["engines_active"])


def test_the_stuck_engine_holds_its_throttle_and_the_others_balance_it() -> None:
    """The engine holds the fault's throttle whatever it is told; the others,
    told of it, give the rest of the law's axial force (7 engines at 0.5) and
    cancel its torque; not told, the stage leans. The frame's engine count is
    the allocator's rating of what the engines give at zero torque (as after an
    engine out): 7 with engine 1 at 70 %, 6 with it at 20 %."""
    throttles, tilt, engines = hover_with_engine_stuck(1)
    assert throttles[0] == 0.7
    assert sum(throttles) == pytest.approx(7 * 0.5, rel=0.02)
    assert tilt < 1e-3
    assert engines == 7
    _, untold_tilt, _ = hover_with_engine_stuck(0)
    assert untold_tilt > 0.1
    scenario = load_scenario("stuck-engine")
    params = sixdof_params(scenario)
    low = engines_rated(scenario.vehicle, params["engines_nominal"], params["attitude"], (0, 0.2))
    assert low == 6


def stuck_text(faults: str, sim: str = '[sim]\ndynamics = "6dof"\n') -> str:
    return f'name = "x"\n[vehicle]\npreset = "msl"\n[faults]\n{faults}\n{sim}'


@pytest.mark.parametrize(
    ("faults", "sim", "message"),
    [
        ("engine_stuck = 1", "", 'a stuck engine flies in 6-DOF only ([sim] dynamics = "6dof")'),
        ("engine_stuck = 9", '[sim]\ndynamics = "6dof"\n', "one of the 8 engines (1 to 8)"),
        ("engine_stuck = -1", '[sim]\ndynamics = "6dof"\n', "engine_stuck"),
        ("engine_stuck_throttle = 1.5", '[sim]\ndynamics = "6dof"\n', "engine_stuck_throttle"),
    ],
)
def test_a_bad_stuck_engine_is_one_line(faults: str, sim: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=re.escape(message)) as e:
        parse_scenario(stuck_text(faults, sim), "x.toml")
    assert "\n" not in str(e.value)


def test_a_stuck_engine_with_an_engine_out_is_refused() -> None:
    text = stuck_text("engine_stuck = 1").replace('"msl"', '"msl"\nengines_out = 1')
    with pytest.raises(ScenarioError, match="a stuck engine with an engine out is not modelled"):
        parse_scenario(text, "x.toml")


def test_a_pulsed_engine_sticks_open_or_shut() -> None:
    text = stuck_text("engine_stuck = 1\nengine_stuck_throttle = 0.5").replace('"msl"', '"phoenix"')
    with pytest.raises(ScenarioError, match="valve sticks open or shut") as e:
        parse_scenario(text, "x.toml")
    assert "\n" not in str(e.value)
    parse_scenario(text.replace("0.5", "1.0"), "x.toml")  # stuck open flies


def test_the_cli_refuses_a_stuck_engine_in_3dof_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(builtin_text("stuck-engine").replace('"6dof"', '"3dof"'), encoding="utf-8")
    done = hilander("sim", str(path))
    assert done.returncode == 2
    assert done.stderr.startswith("hilander: error: ")
    assert done.stderr.count("\n") == 1
    assert "engine_stuck = 1: a stuck engine flies in 6-DOF only" in done.stderr
