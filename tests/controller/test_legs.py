"""A legged lander's touchdown: armed low with its latches cleared, two
plausible leg-contact samples, engines off for good (both implementations)."""

from __future__ import annotations

import pytest

from hilander.controller import Event, LawConfig, Phase
from hilander.controller.law import LANDING_LEGS
from tests.controller.conftest import VEHICLE
from tests.controller.test_law import Flight

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
