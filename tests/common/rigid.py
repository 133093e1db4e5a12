"""Oracles for the rigid-body tests, written from the textbook formulas in numpy
(independent of sim/_rigid.pyx): the rotation matrix of a quaternion, a state
vector, angular momentum and kinetic energy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
IDENTITY = (1.0, 0.0, 0.0, 0.0)


def quat_matrix(q: Sequence[float] | Array) -> Array:
    """R(q) for a unit q = (w, x, y, z): v_S = R v_B (the direction-cosine form)."""
    w, x, y, z = q
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    )


def state(
    position_S_m: npt.ArrayLike = (0.0, 0.0, 0.0),
    velocity_S_mps: npt.ArrayLike = (0.0, 0.0, 0.0),
    q_SB: npt.ArrayLike = IDENTITY,
    rate_B_radps: npt.ArrayLike = (0.0, 0.0, 0.0),
) -> Array:
    """The 13 numbers of a rigid state, in the order of the RigidState struct."""
    return np.concatenate([position_S_m, velocity_S_mps, q_SB, rate_B_radps]).astype(float)


def momentum_S(row: Array, inertia: Array) -> Array:
    """Angular momentum in S, R(q) I omega, of a state row."""
    return quat_matrix(row[6:10]) @ inertia @ row[10:13]


def kinetic_energy(row: Array, inertia: Array) -> float:
    """Rotational kinetic energy omega . I omega / 2 of a state row."""
    w = row[10:13]
    return float(0.5 * w @ inertia @ w)
