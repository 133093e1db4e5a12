"""Every landing in the dispersion envelope meets its limits.

The envelope of issue 2: start 1.5-2.2 km up, descending at 60-100 m/s, up
to 40 m/s horizontally in any direction, up to 600 m from the target in any
direction, vehicle mass +/- 5 %, wind up to 15 m/s, any terrain. The limits
are the preset's, never loosened here.
"""

from __future__ import annotations

import dataclasses
import math

from hypothesis import given
from hypothesis import strategies as st

from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import Scenario, load_scenario
from hilander.sim.settings import InitialState, WindParams

BASE = load_scenario("default")


@st.composite
def envelope(draw: st.DrawFn) -> Scenario:
    f, angle = st.floats, st.floats(0.0, 2 * math.pi)
    altitude, descent = draw(f(1500, 2200)), draw(f(60, 100))
    speed, heading = draw(f(0, 40)), draw(angle)
    offset, bearing = draw(f(0, 600)), draw(angle)
    mass, wind, wind_dir = draw(f(0.95, 1.05)), draw(f(0, 15)), draw(angle)
    v = BASE.vehicle
    vehicle = dataclasses.replace(
        v,
        rover_mass_kg=v.rover_mass_kg * mass,
        descent_stage_dry_mass_kg=v.descent_stage_dry_mass_kg * mass,
    )
    terrain = dataclasses.replace(
        BASE.terrain,
        seed=draw(st.integers(0, 2**31)),
        target_hazard=draw(st.sampled_from(["none", "crater", "rock_field"])),
    )
    return dataclasses.replace(
        BASE,
        seed=draw(st.integers(0, 2**31)),
        vehicle=vehicle,
        terrain=terrain,
        initial=InitialState(
            (offset * math.cos(bearing), offset * math.sin(bearing), altitude),
            (speed * math.cos(heading), speed * math.sin(heading), -descent),
        ),
        wind=WindParams((wind * math.cos(wind_dir), wind * math.sin(wind_dir)), 1.0, 3.0),
    )


@given(envelope())
def test_every_landing_in_the_envelope_meets_its_limits(scenario: Scenario) -> None:
    s = summarize(fly(scenario))
    lim, td, cut = scenario.limits, s.touchdown, s.tether_cut
    assert td is not None and not td.stowed, s.violations
    v = td.vertical_speed_mps
    assert lim.touchdown_vertical_speed_min_mps <= v <= lim.touchdown_vertical_speed_max_mps
    assert td.horizontal_speed_mps <= lim.touchdown_horizontal_speed_max_mps
    assert not td.on_hazard, td.position_m
    assert cut is not None
    assert lim.tether_cut_delay_min_s <= cut.after_touchdown_s <= lim.tether_cut_delay_max_s
    assert s.verdict == "pass", s.violations
