"""The failures of Mars history as regression tests: each fault scenario
passes, and a naive version of the logic that failed (tests/common/naive.py)
fails it the way history did."""

from __future__ import annotations

import dataclasses

import pytest

from hilander.sim.catalog import FAULTS, fault_names
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import builtin_text, load_scenario
from hilander.sim.schema import ScenarioError
from hilander.sim.summary import LandingSummary
from tests.common.naive import NAIVE


def flown(name: str, naive: bool = False) -> LandingSummary:
    scenario = load_scenario(name)
    return summarize(fly(scenario, NAIVE[name]() if naive else None))


@pytest.mark.parametrize("name", fault_names(refused=False))
def test_the_law_survives_the_fault(name: str) -> None:
    s = flown(name)
    assert s.verdict == "pass", s.violations


def test_every_flown_fault_has_a_naive_counterpart() -> None:
    assert sorted(NAIVE) == sorted(fault_names(refused=False))


def test_every_fault_cites_its_source() -> None:
    for fault in FAULTS:
        assert "mars-landers.md §" in fault.source
        assert "mars-landers.md §" in builtin_text(fault.name), fault.name


def test_mpl_naive_cuts_the_engines_at_40_m_and_hits_at_22_mps() -> None:
    s = flown("mpl-leg-latch", naive=True)
    assert "engine_cutoff_early" in s.violation_kinds
    # The board's figure: "would have hit at 22 meters per second" (§3.1).
    assert 19.0 < s.touchdown.vertical_speed_mps < 25.0


def test_mpl_law_cuts_the_engines_on_the_ground() -> None:
    s = flown("mpl-leg-latch")
    assert 0.0 <= s.engine_cutoff.after_touchdown_s <= 0.1


def test_schiaparelli_naive_goes_to_landed_mode_high_up() -> None:
    s = flown("schiaparelli-imu", naive=True)
    assert s.engine_cutoff.time_s < 5.0  # within the 1 s of saturation, from 3 s
    assert s.touchdown.vertical_speed_mps > 50.0


def test_msl_gravity_naive_never_lands_on_the_bridle() -> None:
    kinds = flown("msl-gravity", naive=True).violation_kinds
    assert "tether_not_cut" in kinds


def test_radar_dust_naive_touches_down_too_fast() -> None:
    s = flown("msl-radar-dust", naive=True)
    assert "touchdown_vertical_speed" in s.violation_kinds
    assert flown("msl-radar-dust").touchdown.vertical_speed_mps < 0.85


def test_engine_out_naive_crashes() -> None:
    assert "stage_impact_before_cut" in flown("engine-out", naive=True).violation_kinds


def test_radar_dropout_naive_flies_into_the_ground() -> None:
    s = flown("radar-dropout", naive=True)
    assert s.touchdown.vertical_speed_mps > 10.0


def test_dust_storm_naive_drifts_off_the_site() -> None:
    s = flown("dust-storm", naive=True)
    assert {"site_miss", "touchdown_horizontal_speed"} <= set(s.violation_kinds)


def test_hakuto_naive_rejects_the_altimeter_for_good_and_misses() -> None:
    scenario = load_scenario("hakuto-terrain-step")
    naive = NAIVE["hakuto-terrain-step"]()
    s = summarize(fly(scenario, naive))
    assert naive.rejected and "site_miss" in s.violation_kinds


def test_mco_thrust_in_pound_force_is_refused_before_flight() -> None:
    with pytest.raises(ScenarioError) as e:
        load_scenario("mco-units")
    text = str(e.value)
    assert "\n" not in text and "engine_thrust_max_N = 702.5" in text
    assert "pound-force? 702.5 lbf is 3125 N" in text


def test_mco_flown_silently_fails() -> None:
    """The naive counterpart: no unit check, the flight software's table in
    pound-force while the engines deliver newtons."""
    s = load_scenario("default")
    naive = dataclasses.replace(s, law=s.law.replace(engine_thrust_max_N=702.5))
    assert summarize(fly(naive)).verdict == "fail"
