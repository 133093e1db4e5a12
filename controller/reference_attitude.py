"""The attitude controller in plain Python (test oracle), and the allocator's types.

Written to be read beside ``_attitude.pyx`` (see it for the design, and
docs/law.md, "Attitude and engines"): the same operations in the same order
on plain Python floats, so that the two agree bit for bit. Frames and the
quaternion convention are those of ``_attitude.pxd``: scalar first, q_SB
turns a body vector into the site frame. The allocator is ``reference_allocate.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

ENGINE_MAX = 16
ALLOCATE_ITERATIONS_MAX = 64
ALLOCATE_SATURATED = 1
ALLOCATE_TORQUE_SHORT = 2
ALLOCATE_FORCE_SHORT = 4
ALLOCATE_ITERATION_LIMIT = 8
Vec = list[float]


@dataclass(frozen=True)
class EngineLayout:
    """As the struct in ``_attitude.pxd``; count is len(position_B_m)."""

    position_B_m: Sequence[Sequence[float]]
    direction_B: Sequence[Sequence[float]]
    thrust_max_N: float
    throttle_min: float
    throttle_max: float


@dataclass(frozen=True)
class AttitudeParams:
    inertia_B_kg_m2: Sequence[float]
    com_B_m: Sequence[float]
    bandwidth_radps: float
    damping_ratio: float
    torque_priority: float


def finite(values: Sequence[float]) -> bool:
    return all(math.isfinite(v) for v in values)


def body_direction(q: Sequence[float], d: Sequence[float]) -> Vec:
    """d (site frame) in the body frame, R(q)^T d, q of unit norm."""
    w, x, y, z = q
    return [
        (1.0 - 2.0 * (y * y + z * z)) * d[0]
        + 2.0 * (x * y + w * z) * d[1]
        + 2.0 * (x * z - w * y) * d[2],
        2.0 * (x * y - w * z) * d[0]
        + (1.0 - 2.0 * (x * x + z * z)) * d[1]
        + 2.0 * (y * z + w * x) * d[2],
        2.0 * (x * z + w * y) * d[0]
        + 2.0 * (y * z - w * x) * d[1]
        + (1.0 - 2.0 * (x * x + y * y)) * d[2],
    ]


def error_vector(q_SB: Sequence[float], thrust_dir_S: Sequence[float]) -> Vec:
    """The vector part of the error quaternion: the smallest rotation of the
    body z axis onto thrust_dir_S, in the body frame (w >= 0 by construction)."""
    qn = math.sqrt(q_SB[0] * q_SB[0] + q_SB[1] * q_SB[1] + q_SB[2] * q_SB[2] + q_SB[3] * q_SB[3])
    dn = math.sqrt(
        thrust_dir_S[0] * thrust_dir_S[0]
        + thrust_dir_S[1] * thrust_dir_S[1]
        + thrust_dir_S[2] * thrust_dir_S[2]
    )
    if not (dn > 0.0 and math.isfinite(dn)):
        return [0.0, 0.0, 0.0]  # no direction: hold the attitude, damp the rate
    q = [q_SB[i] / qn for i in range(4)]
    d = body_direction(q, [thrust_dir_S[i] / dn for i in range(3)])
    w = 1.0 + d[2]
    n = math.sqrt(w * w + d[1] * d[1] + d[0] * d[0])
    if not n > 0.0:
        return [1.0, 0.0, 0.0]  # upside down: half a turn about body x
    if w < 0.0:
        n = -n  # the shortest way: w >= 0 (w < 0 only by rounding, thrust_dir = -z)
    return [-d[1] / n, d[0] / n, 0.0]


def attitude_torque(
    q_SB: Sequence[float],
    rate_B_radps: Sequence[float],
    thrust_dir_S: Sequence[float],
    a: AttitudeParams,
) -> Vec:
    """torque_i = I_i (wn^2 2 e_i - 2 zeta wn rate_i); zero on bad input."""
    qn2 = q_SB[0] * q_SB[0] + q_SB[1] * q_SB[1] + q_SB[2] * q_SB[2] + q_SB[3] * q_SB[3]
    gains = [a.bandwidth_radps, a.damping_ratio, *a.inertia_B_kg_m2]
    if not (qn2 > 0.0 and math.isfinite(qn2) and finite(rate_B_radps) and finite(gains)):
        return [0.0, 0.0, 0.0]
    e = error_vector(q_SB, thrust_dir_S)
    wn = a.bandwidth_radps
    k_p, k_d = wn * wn, 2.0 * a.damping_ratio * wn
    torque = [a.inertia_B_kg_m2[i] * (k_p * (2.0 * e[i]) - k_d * rate_B_radps[i]) for i in range(3)]
    return torque if finite(torque) else [0.0, 0.0, 0.0]  # huge gains overflowed
