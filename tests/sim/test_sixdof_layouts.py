"""The engine layouts of the 6-DOF world: the Mars Sample Return landers fly
their presets' explicit layouts (sim/presets_msr.py), the others a circle."""

from __future__ import annotations

import numpy as np
import pytest

from hilander.sim.presets_msr import MSR_SKYCRANE_RIGID, MSR_SRL_RIGID
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario, parse_scenario
from hilander.sim.schema import ScenarioError
from hilander.sim.sixdof import sixdof_params
from tests.common.sixdof import sixdof

MSR = [("msr-srl", MSR_SRL_RIGID), ("msr-skycrane", MSR_SKYCRANE_RIGID)]


@pytest.mark.parametrize(("name", "rigid"), MSR)
def test_an_msr_lander_flies_its_own_layout_about_its_centre_of_mass(
    name: str, rigid: dict[str, object]
) -> None:
    s = sixdof(load_scenario(name))
    lay = sixdof_params(s)["engines_nominal"]
    n = lay["count"]
    assert n == rigid["engine_count"] == s.vehicle.engine_count
    # from the centre of mass, where each engine is and how it pushes
    from_com = np.array(lay["position_B_m"][:n]) - np.array(s.vehicle.stage_com_m)
    assert np.allclose(from_com, np.array(rigid["position_B_m"]) - np.array(rigid["com_B_m"]))
    assert np.array_equal(np.array(lay["direction_B"][:n]), np.array(rigid["direction_B"]))


@pytest.mark.parametrize("name", ["msr-srl", "msr-skycrane"])
def test_an_msr_lander_lands_in_6dof_on_its_layout(name: str) -> None:
    s = summarize(fly(sixdof(load_scenario(name))))
    assert s.verdict == "pass", s.violations


def test_the_other_landers_keep_the_circle() -> None:
    lay = sixdof_params(sixdof(load_scenario("phoenix")))["engines_nominal"]
    radius = np.hypot(*np.array(lay["position_B_m"][:12])[:, :2].T)
    assert np.allclose(radius, load_scenario("phoenix").vehicle.engine_radius_m)


def test_a_layout_of_another_engine_count_is_refused_in_one_line() -> None:
    text = (
        'name = "x"\n[vehicle]\npreset = "msl"\nengine_layout = "msr-srl"\n'
        '[sim]\ndynamics = "6dof"\n'
    )
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text, "x.toml")
    assert str(e.value) == (
        'x.toml: [vehicle] engine_layout = "msr-srl": 12 engines, but engine_count = 8'
    )
