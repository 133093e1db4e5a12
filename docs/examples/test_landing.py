"""Landing tests for your own repository, with hilander's pytest plugin.

Copy this file into your tests; `pip install hilander` brings the plugin.

    pytest                               # on the desk simulation
    pytest --hil-controller mylaw:Law    # your own law on the desk
    pytest --hil-port=/dev/ttyACM0       # the same landings on your board
    pytest --junitxml report.xml         # every flight's figures in the report
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from hilander.testing import Flight, Lander, Scenario, campaign_runs, dispersed_scenarios

# MSL's touchdown design limits (mars-landers.md §1.2): 0.75 +/- 0.1 m/s down.
VERTICAL_MPS = (0.65, 0.85)


def test_the_default_landing_passes(landing: Flight) -> None:
    landing.assert_lands()
    assert landing.touchdown is not None
    assert VERTICAL_MPS[0] <= landing.touchdown.vertical_speed_mps <= VERTICAL_MPS[1]


@pytest.mark.hilander_scenario("windy", seed=3)
def test_a_windy_landing_stays_on_its_site(landing: Flight) -> None:
    landing.assert_lands()
    assert landing.touchdown is not None
    assert landing.touchdown.distance_to_site_m < 10.0


@settings(max_examples=10, deadline=None)
@given(scenario=dispersed_scenarios("default"))
def test_every_corner_of_the_envelope_lands(lander: Lander, scenario: Scenario) -> None:
    lander.fly(scenario).assert_lands()


@settings(max_examples=10, deadline=None)
@given(scenario=campaign_runs("default"))
def test_campaign_runs_land(lander: Lander, scenario: Scenario) -> None:
    lander.fly(scenario).assert_lands()


@pytest.mark.hilander_desk
def test_the_tether_is_cut_after_touchdown(landing: Flight) -> None:
    cut_s, touchdown = landing.landing_summary.events.tether_cut_s, landing.touchdown
    assert touchdown is not None and touchdown.time_s is not None and cut_s is not None
    assert cut_s > touchdown.time_s
