"""Touchdown sensing in plain Python, written to be read beside ``_touchdown.pyx``
(see it for the design): the same decisions in the same order."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hilander.controller.config import LawConfig
from hilander.controller.interface import Event, Phase, SensorFrame
from hilander.controller.reference_throttle import norm2

if TYPE_CHECKING:  # reference imports this module
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


def flyaway_heading(s: ReferenceState) -> None:
    """Fly on along the approach ground track, away from the rover."""
    dx = s.site_S_m[0] - s.start_position_S_m[0]
    dy = s.site_S_m[1] - s.start_position_S_m[1]
    d = norm2(dx, dy)
    s.flyaway_heading_S = (dx / d, dy / d) if d > 1.0 else (1.0, 0.0)


def flyaway(p: LawConfig, s: ReferenceState, f: SensorFrame) -> list[float]:
    """Climb, then tilt away at a thrust that still holds altitude; then cut off."""
    t, g = f.time_s - s.cut_s, p.gravity_mps2
    if t < p.flyaway_climb_s:
        return [0.0, 0.0, p.flyaway_climb_thrust_factor * g]
    if t < p.flyaway_climb_s + p.flyaway_burn_s:
        horizontal = p.flyaway_thrust_factor * g * math.tan(p.flyaway_tilt_rad)
        return [
            horizontal * s.flyaway_heading_S[0],
            horizontal * s.flyaway_heading_S[1],
            p.flyaway_thrust_factor * g,
        ]
    s.events |= Event.ENGINE_CUTOFF
    return [0.0, 0.0, g]
