"""Pure-Python reference of the Apollo approach's problem and turn-round
(the oracle of ``gate_problem`` and ``turn_round`` in ``_law.pyx``)."""

from __future__ import annotations

import math

from hilander.controller.config import LawConfig
from hilander.controller.interface import SensorFrame
from hilander.controller.reference_guidance import TgoProblem, coast_and_brake_s
from hilander.controller.reference_throttle import norm2, thrust_rated_N

HORIZONTAL_GAIN = 6.0  # ZEM/ZEV across: the final horizontal thrust is free
TURN_BRAKE_FRACTION = 0.8  # of full thrust, the braking the turn-round plans for
TURN_TILT_FRACTION = 0.99  # of the tilt cone's edge, to stay off it


def gate_problem(p: LawConfig, site_S_m: list[float], f: SensorFrame) -> TgoProblem:
    """The Apollo law's problem: from the navigation state to the gate over the site."""
    m = max(f.mass_estimate_kg, 1.0)
    rated = thrust_rated_N(p, f.engines_active)
    rf = [site_S_m[0], site_S_m[1], site_S_m[2] + p.gate_altitude_m]
    return TgoProblem(
        r=list(f.nav_position_S_m),
        v=list(f.nav_velocity_S_mps),
        rf=rf,
        vf=[0.0, 0.0, -p.gate_speed_mps],
        af=[0.0, 0.0, p.gravity_mps2 + p.gate_decel_mps2],
        g=p.gravity_mps2,
        gain=[HORIZONTAL_GAIN, HORIZONTAL_GAIN, p.guidance_gain],
        accel_max=p.throttle_max * rated / m,
        accel_min=p.throttle_min * rated / m,
        cos_tilt=math.cos(p.tilt_max_rad),
        floor_z=rf[2],
        tgo_min=p.tgo_min_s,
        tgo_max=p.tgo_max_s,
    )


def must_brake_now(q: TgoProblem, v_gate: float, decel: float) -> bool:
    """The vertical braking to the gate's speed at its height needs decel or
    more: the turn-round's time is up (its burn is mostly horizontal)."""
    h, vz = q.r[2] - q.rf[2], q.v[2]
    return h <= 0.0 or (-vz > v_gate and vz * vz - v_gate * v_gate >= 2.0 * decel * h)


def turn_round(p: LawConfig, q: TgoProblem) -> list[float] | None:
    """The turn-round burn's acceleration, or None when the start needs none
    (then the burn is over for good)."""
    decel = max(TURN_BRAKE_FRACTION * q.accel_max - q.g, 0.5)
    if must_brake_now(q, p.gate_speed_mps, decel):
        return None
    t = coast_and_brake_s(q, p.gate_speed_mps, decel)
    ex, ey = (q.rf[0] - q.r[0]) / t - q.v[0], (q.rf[1] - q.r[1]) / t - q.v[1]
    e = norm2(ex, ey)
    if e <= p.turn_speed_error_mps:
        return None
    horizontal = TURN_TILT_FRACTION * q.accel_max * math.sin(p.tilt_max_rad)
    return [horizontal * ex / e, horizontal * ey / e, q.accel_max * math.cos(p.tilt_max_rad)]
