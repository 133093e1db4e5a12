"""Touchdown sensing in plain Python, written to be read beside ``_touchdown.pyx``
(see it for the design): the same decisions in the same order."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hilander.controller.interface import Event, Phase, SensorFrame

if TYPE_CHECKING:
    from hilander.controller.config import LawConfig
    from hilander.controller.reference import ReferenceState


def enter(s: ReferenceState, phase: Phase, t: float) -> None:
    s.phase, s.phase_start_s = phase, t


def arm_touchdown(s: ReferenceState, t: float) -> None:
    """Arm detection with every latch cleared (the Mars Polar Lander lesson)."""
    s.td_ratio_filtered, s.td_below_s, s.td_contact_count = 1.0, 0.0, 0
    enter(s, Phase.TOUCHDOWN_DETECTION, t)


def detect_touchdown(
    p: LawConfig, s: ReferenceState, f: SensorFrame, h: float, a: list[float]
) -> None:
    """Sky crane: persistence on the low-passed thrust-needed ratio, gated by altitude."""
    dt = 1.0 / p.control_rate_Hz
    ratio = math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]) / p.gravity_mps2
    s.td_ratio_filtered += (ratio - s.td_ratio_filtered) * dt / (p.td_filter_time_s + dt)
    low = s.td_ratio_filtered < p.td_thrust_ratio
    if f.radar_altitude_valid and h <= p.td_gate_altitude_m and low:
        s.td_below_s += dt
    else:
        s.td_below_s = 0.0
    if s.td_below_s >= p.td_persistence_s - 1e-9:
        s.events |= Event.TOUCHDOWN_DECLARED
        s.declared_s = f.time_s
        enter(s, Phase.TETHER_CUT, f.time_s)


def detect_leg_touchdown(p: LawConfig, s: ReferenceState, f: SensorFrame, h: float) -> None:
    """Legs: consecutive plausible leg-contact samples declare touchdown; engines off."""
    if f.contact != 0 and h <= p.td_gate_altitude_m:
        s.td_contact_count += 1
    else:
        s.td_contact_count = 0
    if s.td_contact_count >= p.td_contact_samples:
        s.events |= Event.TOUCHDOWN_DECLARED | Event.ENGINE_CUTOFF
        s.declared_s = f.time_s
        enter(s, Phase.LANDED, f.time_s)
