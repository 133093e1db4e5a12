"""Simple shapes for the rigid-body estimates of the presets (marked C or R
there): inertia of a solid cylinder and of a box, and the static stability
angle of a lander on its footpads."""

from __future__ import annotations

import math

Vec3 = tuple[float, float, float]


def cylinder_inertia(mass_kg: float, radius_m: float, height_m: float) -> Vec3:
    """Principal moments [x, y, z] of a solid cylinder, axis along z."""
    across = mass_kg * (3.0 * radius_m**2 + height_m**2) / 12.0
    return (across, across, 0.5 * mass_kg * radius_m**2)


def box_inertia(mass_kg: float, width_m: float, height_m: float) -> Vec3:
    """Principal moments [x, y, z] of a solid box, square width_m across, height_m tall."""
    across = mass_kg * (width_m**2 + height_m**2) / 12.0
    return (across, across, mass_kg * width_m**2 / 6.0)


def stability_angle_rad(leg_count: int, leg_radius_m: float, com_height_m: float) -> float:
    """The tilt that brings the centre of mass over the nearest edge of the
    support polygon (footpads evenly on a circle, on flat ground): the
    static tip-over angle, atan(R cos(pi/n) / h)."""
    return math.atan2(leg_radius_m * math.cos(math.pi / leg_count), com_height_m)
