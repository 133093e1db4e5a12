"""The dispersion envelope of issue 2 over the default scenario and the
limits every landing in it meets, for the envelope property tests (3-DOF and
6-DOF); and a built-in scenario's text as a user asks for it in 6-DOF."""

from __future__ import annotations

import dataclasses
import functools
import math

from hypothesis import strategies as st

from hilander.sim.scenario import Scenario, builtin_text, load_scenario
from hilander.sim.settings import InitialState, WindParams
from hilander.sim.summary import LandingSummary

default_scenario = functools.cache(lambda: load_scenario("default"))


@st.composite
def default_envelope(draw: st.DrawFn) -> Scenario:
    """The default scenario, its start moved: 1.5-2.2 km up, descending at
    60-100 m/s, up to 40 m/s across in any direction, up to 600 m from the
    target, vehicle mass +/- 5 %, wind up to 15 m/s, any terrain."""
    base = default_scenario()
    f, angle = st.floats, st.floats(0.0, 2 * math.pi)
    altitude, descent = draw(f(1500, 2200)), draw(f(60, 100))
    speed, heading = draw(f(0, 40)), draw(angle)
    offset, bearing = draw(f(0, 600)), draw(angle)
    mass, wind, wind_dir = draw(f(0.95, 1.05)), draw(f(0, 15)), draw(angle)
    v = base.vehicle
    vehicle = dataclasses.replace(
        v,
        rover_mass_kg=v.rover_mass_kg * mass,
        descent_stage_dry_mass_kg=v.descent_stage_dry_mass_kg * mass,
    )
    terrain = dataclasses.replace(
        base.terrain,
        seed=draw(st.integers(0, 2**31)),
        target_hazard=draw(st.sampled_from(["none", "crater", "rock_field"])),
    )
    return dataclasses.replace(
        base,
        seed=draw(st.integers(0, 2**31)),
        vehicle=vehicle,
        terrain=terrain,
        initial=InitialState(
            (offset * math.cos(bearing), offset * math.sin(bearing), altitude),
            (speed * math.cos(heading), speed * math.sin(heading), -descent),
        ),
        wind=WindParams((wind * math.cos(wind_dir), wind * math.sin(wind_dir)), 1.0, 3.0),
    )


def assert_meets_its_limits(scenario: Scenario, s: LandingSummary) -> None:
    """The rover down, not stowed, within the touchdown speeds, off hazards,
    the bridle cut in time, and the verdict a pass (the scenario's limits)."""
    lim, td, cut = scenario.limits, s.touchdown, s.tether_cut
    assert td is not None and not td.stowed, s.violations
    v, h = td.vertical_speed_mps, td.horizontal_speed_mps
    assert v is not None and h is not None, td
    assert lim.touchdown_vertical_speed_min_mps <= v <= lim.touchdown_vertical_speed_max_mps
    assert h <= lim.touchdown_horizontal_speed_max_mps
    assert not td.on_hazard, td.position_m
    assert cut is not None and cut.after_touchdown_s is not None, s.violations
    assert lim.tether_cut_delay_min_s <= cut.after_touchdown_s <= lim.tether_cut_delay_max_s
    assert s.verdict == "pass", s.violations


def sixdof_text(name: str) -> str:
    """The built-in scenario's file with `[sim] dynamics = "6dof"` added, as
    a user would write it."""
    lines = builtin_text(name).splitlines()
    if any(line.replace(" ", "") == 'dynamics="6dof"' for line in lines):
        return builtin_text(name)  # already flown in 6-DOF
    if "[sim]" in lines:
        at = lines.index("[sim]") + 1
        return "\n".join([*lines[:at], 'dynamics = "6dof"', *lines[at:]]) + "\n"
    return "\n".join([*lines, "", "[sim]", 'dynamics = "6dof"']) + "\n"
