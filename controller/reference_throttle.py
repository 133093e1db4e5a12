"""The throttle stage in plain Python, written to be read beside ``_throttle.pyx``
(see it for the design): the same limits in the same order."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hilander.controller.config import LawConfig
from hilander.controller.interface import Event, SensorFrame, Status

if TYPE_CHECKING:  # reference imports this module
    from hilander.controller.reference import ReferenceState


def norm2(x: float, y: float) -> float:
    """sqrt(x^2 + y^2) as the compiled law computes it (math.hypot rounds differently)."""
    return math.sqrt(x * x + y * y)


def thrust_rated_N(p: LawConfig, engines: int) -> float:
    """The engines' rated thrust along the thrust axis (throttle 1)."""
    return engines * p.engine_thrust_max_N * math.cos(p.cant_rad)


def throttle_stage(
    p: LawConfig, s: ReferenceState, f: SensorFrame, a: list[float], status: Status
) -> tuple[tuple[float, float, float], float, Status]:
    """Desired acceleration -> thrust vector and throttle within every limit."""
    m = max(f.mass_estimate_kg, 1.0)
    rated = thrust_rated_N(p, f.engines_active)
    tmax, tmin = p.throttle_max * rated, p.throttle_min * rated
    if tmax <= 0.0 or s.events & Event.ENGINE_CUTOFF:
        s.throttle = 0.0
        return (0.0, 0.0, 0.0), 0.0, status
    ah = norm2(a[0], a[1])
    ux, uy = (a[0] / ah, a[1] / ah) if ah > 0.0 else (0.0, 0.0)
    th = m * ah
    tz = max(m * a[2], max(tmin, 1e-6 * tmax) * math.cos(p.tilt_max_rad))
    if th > tz * math.tan(p.tilt_max_rad):
        status |= Status.TILT_LIMITED
        if s.tracking:  # the plan's: raise the vertical to carry it, up to the ceiling
            if th / math.tan(p.tilt_max_rad) > tmax * math.cos(p.tilt_max_rad):
                status |= Status.THRUST_SATURATED
            ceiling = min(tmax * math.cos(p.tilt_max_rad), m * s.raise_max_mps2)
            tz = max(tz, min(th / math.tan(p.tilt_max_rad), ceiling))
        th = min(th, tz * math.tan(p.tilt_max_rad))
    mag = norm2(tz, th)
    if mag > tmax:
        status |= Status.THRUST_SATURATED
        tz = min(tz, tmax)
        th = min(th, math.sqrt(max(0.0, tmax * tmax - tz * tz)))
    elif mag < tmin:
        status |= Status.THRUST_SATURATED
        th, tz = th * (tmin / mag), tz * (tmin / mag)  # the compiled law's order
    mag = norm2(tz, th)
    throttle = mag / rated
    step_max = p.throttle_rate_max_per_s / p.control_rate_Hz
    if abs(throttle - s.throttle) > step_max:
        status |= Status.THROTTLE_RATE_LIMITED
        throttle = s.throttle + (step_max if throttle > s.throttle else -step_max)
    s.throttle = throttle
    scale = throttle * rated / mag
    return (ux * th * scale, uy * th * scale, tz * scale), throttle, status
