"""Airbag landers in plain Python, written to be read beside ``_airbags.pyx``
(see it for the design): RAD fire on the parachute, then the bridle cut."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hilander.controller.config import LawConfig
from hilander.controller.interface import Event, Phase, SensorFrame
from hilander.controller.reference_throttle import norm2, thrust_rated_N
from hilander.controller.reference_touchdown import enter

if TYPE_CHECKING:  # reference imports this module
    from hilander.controller.reference import ReferenceState

CUT_DEPTH_M = 5.0  # cut this far below the release height, whatever the speed

Vec3 = tuple[float, float, float]


def airbag_step(p: LawConfig, s: ReferenceState, f: SensorFrame) -> tuple[Vec3, float]:
    """(thrust vector, throttle) of one step; fires the RADs and cuts the bridle."""
    h = f.radar_altitude_m
    vz = f.radar_velocity_S_mps[2] if f.radar_velocity_valid else f.nav_velocity_S_mps[2]
    tmax = thrust_rated_N(p, f.engines_active)  # solid rockets: no throttle
    brake = tmax / max(f.mass_estimate_kg, 1.0) - p.gravity_mps2
    release = p.airbag_release_altitude_m + p.bridle_length_m + p.rover_height_m
    if s.phase == Phase.POWERED_APPROACH:
        enter(s, Phase.PARACHUTE, f.time_s)
    if s.phase == Phase.PARACHUTE:
        stop_m = h - vz * vz / (2.0 * brake) if brake > 0.0 else math.inf
        if f.radar_altitude_valid and brake > 0.0 and vz < 0.0 and stop_m <= release:
            s.events |= Event.RAD_FIRE
            enter(s, Phase.RAD_BURN, f.time_s)
    elif s.phase == Phase.RAD_BURN:
        low = f.radar_altitude_valid and h <= release - CUT_DEPTH_M
        if -vz <= p.airbag_cut_speed_mps or low:
            s.events |= Event.BRIDLE_CUT
            enter(s, Phase.LANDED, f.time_s)
    return rad_thrust(p, s, f, tmax)


def rad_thrust(p: LawConfig, s: ReferenceState, f: SensorFrame, tmax: float) -> tuple[Vec3, float]:
    """Full thrust once fired: up, then tilted along the drift after the cut."""
    vx, vy = f.nav_velocity_S_mps[0], f.nav_velocity_S_mps[1]
    speed = norm2(vx, vy)
    ux, uy = (vx / speed, vy / speed) if speed > 0.1 else (1.0, 0.0)
    tilt = p.tilt_max_rad if s.events & Event.BRIDLE_CUT else 0.0
    thrust = tmax if s.events & Event.RAD_FIRE else 0.0
    s.throttle = 1.0 if s.events & Event.RAD_FIRE else 0.0
    return (
        thrust * math.sin(tilt) * ux,
        thrust * math.sin(tilt) * uy,
        thrust * math.cos(tilt),
    ), s.throttle
