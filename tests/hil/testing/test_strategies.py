"""hilander.testing's strategies: inside the envelope, and every landing they
draw meets its limits (the touchdown properties over the default campaign's
envelope; the `ci` profile runs 150 examples of each, derandomized)."""

from __future__ import annotations

from hypothesis import given

from hilander.sim.campaign import dispersed
from hilander.sim.scenario import load_scenario
from hilander.testing import Lander, Scenario, campaign_runs, dispersed_scenarios

DEFAULT = load_scenario("default")
DESK = Lander()


def inside_the_envelope(s: Scenario) -> bool:
    for d in DEFAULT.dispersions:
        value = getattr(getattr(s, d.table), d.field)
        parts = value if isinstance(value, tuple) else (value,)
        if not all(lo <= x <= hi for x, lo, hi in zip(parts, d.low, d.high, strict=True)):
            return False
    return True


@given(dispersed_scenarios("default"))
def test_every_landing_in_the_dispersion_envelope_meets_its_limits(s: Scenario) -> None:
    assert inside_the_envelope(s) and s.dispersions == ()
    assert s.law == DEFAULT.law  # the flight software keeps its nominal vehicle
    flight = DESK.fly(s)
    flight.assert_lands()
    td = flight.touchdown
    assert td is not None
    lim = s.limits
    assert (
        lim.touchdown_vertical_speed_min_mps
        <= td.vertical_speed_mps
        <= lim.touchdown_vertical_speed_max_mps
    )
    assert td.horizontal_speed_mps <= lim.touchdown_horizontal_speed_max_mps
    assert flight.landing_summary.tether_cut is not None
    cut = flight.landing_summary.tether_cut.after_touchdown_s
    assert lim.tether_cut_delay_min_s <= cut <= lim.tether_cut_delay_max_s


@given(campaign_runs("default", seed=11))
def test_every_campaign_run_lands_and_names_its_run(s: Scenario) -> None:
    name, run = s.name.rsplit(" run ", 1)
    assert name == "default" and s == dispersed(DEFAULT, 11, int(run))
    assert inside_the_envelope(s)
    DESK.fly(s).assert_lands()
