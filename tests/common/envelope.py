"""A preset's own scenario with its start moved: the small envelope that the
legged and the Mars Sample Return landers' property tests fly."""

from __future__ import annotations

import dataclasses
import math

from hypothesis import strategies as st

from hilander.sim.scenario import Scenario, load_scenario
from hilander.sim.settings import InitialState, WindParams


@st.composite
def small_envelope(draw: st.DrawFn, name: str) -> Scenario:
    """The lander's own scenario, its start moved: height +/- 10 %, descent
    speed +/- 10 m/s, up to 10 m/s and 300 m across, masses (stage, and
    rover where there is one) +/- 5 %, wind to 10 m/s."""
    base = load_scenario(name)
    f, angle = st.floats, st.floats(0.0, 2 * math.pi)
    height = base.initial.position_m[2] * draw(f(0.9, 1.1))
    descent = -base.initial.velocity_mps[2] + draw(f(-10.0, 10.0))
    speed, heading, offset, bearing = draw(f(0, 10)), draw(angle), draw(f(0, 300)), draw(angle)
    mass, wind, wind_dir = draw(f(0.95, 1.05)), draw(f(0, 10)), draw(angle)
    v = base.vehicle
    return dataclasses.replace(
        base,
        seed=draw(st.integers(0, 2**31)),
        vehicle=dataclasses.replace(
            v,
            descent_stage_dry_mass_kg=v.descent_stage_dry_mass_kg * mass,
            rover_mass_kg=v.rover_mass_kg * mass,
        ),
        initial=InitialState(
            (offset * math.cos(bearing), offset * math.sin(bearing), height),
            (speed * math.cos(heading), speed * math.sin(heading), -descent),
        ),
        wind=WindParams((wind * math.cos(wind_dir), wind * math.sin(wind_dir)), 1.0, 3.0),
    )
