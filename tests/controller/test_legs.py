"""A legged lander's touchdown: armed low with its latches cleared, two
plausible leg-contact samples, engines off for good (both implementations)."""

from __future__ import annotations

import math

import pytest

from hilander.controller import Event, LawConfig, Phase, Status
from hilander.controller.config import LANDING_LEGS
from tests.common.law import VEHICLE, Flight, flat_map, hover, with_map

LEGS = LawConfig(
    **{**VEHICLE, "landing_system": LANDING_LEGS},
    sky_crane_altitude_m=15.0,
    sky_crane_speed_mps=2.4,
    td_arm_altitude_m=40.0,
    td_contact_samples=2,
)
GATE = (LEGS.gate_altitude_m, -LEGS.gate_speed_mps)
ON_LEGS_M = 1.2  # radar altitude of the stage standing on its footpads


def armed(law_cls: type, **before: int) -> Flight:
    """Through the gate to armed contact sensing at 30 m; `before` goes into
    the frames flown before arming (a contact pulse, say)."""
    flight = Flight(law_cls, LEGS)
    flight.fly(0.1, 1000.0, -60.0, **before)
    flight.fly(0.1, *GATE)
    assert flight.phase() == Phase.CONSTANT_VELOCITY
    flight.fly(0.1, 30.0, -8.0)
    assert flight.phase() == Phase.TOUCHDOWN_DETECTION
    return flight


def test_the_plausible_height_is_the_margin_above_the_ground() -> None:
    assert LEGS.td_gate_altitude_m == LEGS.td_gate_margin_m


def test_two_contact_samples_cut_the_engines(law_cls: type) -> None:
    flight = armed(law_cls)
    flight.fly(2 * flight.tick_s, ON_LEGS_M, -2.4, contact=0b011)
    c = flight.commands[-1]
    assert flight.phase() == Phase.LANDED
    assert c.events & Event.ENGINE_CUTOFF and c.events & Event.TOUCHDOWN_DECLARED
    assert c.throttle == 0.0 and c.thrust_S_N == (0.0, 0.0, 0.0)
    assert not c.events & (Event.ROVER_RELEASE | Event.TETHER_CUT)


def test_one_contact_sample_is_not_a_touchdown(law_cls: type) -> None:
    flight = armed(law_cls)
    flight.fly(flight.tick_s, ON_LEGS_M, -2.4, contact=1)
    flight.fly(0.5, ON_LEGS_M + 0.5, -2.4)
    assert flight.phase() == Phase.TOUCHDOWN_DETECTION
    assert flight.commands[-1].throttle > 0.0


def test_a_pulse_before_arming_is_forgotten(law_cls: type) -> None:
    """Mars Polar Lander: the leg-deployment transient, high up, two samples."""
    flight = armed(law_cls, contact=1)
    flight.fly(1.0, 20.0, -3.0)
    assert flight.phase() == Phase.TOUCHDOWN_DETECTION
    assert not flight.commands[-1].events & Event.ENGINE_CUTOFF


def test_a_contact_high_up_is_implausible(law_cls: type) -> None:
    """A stuck-at-1 leg sensor while still 30 m up never cuts the engines."""
    flight = armed(law_cls)
    flight.fly(2.0, 30.0, -3.0, contact=0b100)
    assert flight.phase() == Phase.TOUCHDOWN_DETECTION
    flight.fly(2 * flight.tick_s, ON_LEGS_M, -2.4, contact=0b100)
    assert flight.phase() == Phase.LANDED


def test_the_engines_stay_off_once_landed(law_cls: type) -> None:
    flight = armed(law_cls)
    flight.fly(2 * flight.tick_s, ON_LEGS_M, -2.4, contact=1)
    flight.fly(1.0, ON_LEGS_M + 3.0, 0.5)  # a bounce: off the ground, no contact
    assert all(c.throttle == 0.0 for c in flight.commands[-50:])
    assert flight.phase() == Phase.LANDED


def test_a_contact_at_the_gate_before_arming_is_ignored(law_cls: type) -> None:
    flight = Flight(law_cls, LEGS)
    flight.fly(0.1, *GATE, contact=1)
    assert flight.phase() == Phase.CONSTANT_VELOCITY


@pytest.mark.parametrize("samples", [1, 3])
def test_the_number_of_samples_is_a_parameter(law_cls: type, samples: int) -> None:
    flight = Flight(law_cls, LEGS.replace(td_contact_samples=samples))
    flight.fly(0.1, *GATE)
    flight.fly(0.1, 30.0, -8.0)
    flight.fly((samples - 1) * flight.tick_s, ON_LEGS_M, -2.4, contact=1)
    assert flight.phase() == Phase.TOUCHDOWN_DETECTION or samples == 1
    flight.fly(flight.tick_s, ON_LEGS_M, -2.4, contact=1)
    assert flight.phase() == Phase.LANDED


# -- hover-and-map (Tianwen-1) --------------------------------------------------

HOVERING = LEGS.replace(
    gate_altitude_m=100.0,
    gate_speed_mps=4.0,
    sky_crane_speed_mps=1.5,
    final_decel_mps2=0.1,
    hover_s=5.0,
)


def test_the_approach_hands_over_to_a_hover_that_holds_the_height(law_cls: type) -> None:
    flight = Flight(law_cls, HOVERING)
    flight.fly(0.1, 100.0, -4.0)
    assert flight.phase() == Phase.HOVER
    up = flight.fly(1.0, 100.0, -1.0)  # sinking: the vertical loop pushes back
    assert up.thrust_S_N[2] > HOVERING.gravity_mps2 * 2109.0
    flight.fly(3.0, 100.0, 0.0)
    assert flight.phase() == Phase.HOVER


def test_a_map_in_the_hover_moves_the_site_and_keeps_hovering(law_cls: type) -> None:
    flight = Flight(law_cls, HOVERING)
    flight.fly(0.1, 100.0, -4.0)
    rocks = flat_map(
        cells=16, cell_m=8.0, hazards=[(i, j) for i in range(6, 10) for j in range(6, 10)]
    )
    law, step = flight.law, flight.step
    c = law.step(with_map(hover(step, HOVERING, 100.0, 0.0), rocks))
    flight.commands.append(c)
    flight.step += 1
    while c.status & Status.SITE_SEARCH:  # the search, over the next steps
        c = law.step(hover(flight.step, HOVERING, 100.0, 0.0))
        flight.commands.append(c)
        flight.step += 1
    assert flight.step - step == 1 + math.ceil(3 * 16 / HOVERING.site_search_rows_per_tick)
    assert c.phase == Phase.HOVER and c.events & Event.SITE_SELECTED
    assert math.hypot(c.site_S_m[0], c.site_S_m[1]) > 10.0
    # still over the nominal target after hover_s: too far from the new site to descend
    flight.fly(HOVERING.hover_s + 1.0, 100.0, 0.0)
    assert flight.phase() == Phase.HOVER


def test_the_hover_ends_over_the_site_after_its_time(law_cls: type) -> None:
    flight = Flight(law_cls, HOVERING)
    flight.fly(0.1, 100.0, -4.0)
    flight.fly(HOVERING.hover_s - 0.2, 100.0, 0.0)
    assert flight.phase() == Phase.HOVER
    flight.fly(0.4, 100.0, 0.0)
    assert flight.phase() == Phase.CONSTANT_VELOCITY


def test_no_hover_without_hover_time(law_cls: type) -> None:
    flight = Flight(law_cls, HOVERING.replace(hover_s=0.0))
    flight.fly(0.1, 100.0, -4.0)
    assert flight.phase() == Phase.CONSTANT_VELOCITY
