"""A 6-DOF world by hand, for the 6-DOF tests: a preset's vehicle as a rigid
body without its seeded disturbances, on a plane, with no air and no noise."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from hilander.sim._world import World
from hilander.sim.scenario import Scenario, load_scenario
from hilander.sim.world import world_params
from tests.common.world import bare_world

QUIET = {
    "com_offset_m": (0.0, 0.0, 0.0),
    "engine_misalignment_sigma_rad": 0.0,
    "thrust_mismatch_sigma": 0.0,
}


def sixdof(s: Scenario, **vehicle: Any) -> Scenario:
    """The scenario flown in 6-DOF, its vehicle fields overridden."""
    v = dataclasses.replace(s.vehicle, **vehicle)
    return dataclasses.replace(s, vehicle=v, sim=dataclasses.replace(s.sim, dynamics="6dof"))


def rigid_world(
    preset: str = "default",
    position_m: tuple[float, float, float] = (0.0, 0.0, 1000.0),
    velocity_mps: tuple[float, float, float] = (0.0, 0.0, 0.0),
    gradient: tuple[float, float] = (0.0, 0.0),
    **overrides: Any,
) -> World:
    """bare_world (tests.common.world) for a preset's vehicle in 6-DOF, quiet
    (no misalignment, mismatch or centre-of-mass error); `overrides` change
    WorldParams fields."""
    params = world_params(sixdof(load_scenario(preset), **QUIET))
    return bare_world(position_m, velocity_mps, gradient, params, **overrides)


def about_y(angle_rad: float) -> tuple[float, float, float, float]:
    """The quaternion (scalar first) of a turn by angle_rad about the site's y axis."""
    return (math.cos(angle_rad / 2), 0.0, math.sin(angle_rad / 2), 0.0)


def tilt_rad(world: World) -> float:
    q = world.state_dict()["body"]["q_SB"]
    return math.acos(min(1.0, 1.0 - 2.0 * (q[1] ** 2 + q[2] ** 2)))


@dataclass(frozen=True)
class Energy:
    """The stage's energy: translation and height (about its centre of mass),
    rotation; and the magnitude of its angular momentum."""

    translation_J: float
    rotation_J: float
    momentum_Nms: float

    @property
    def total_J(self) -> float:
        return self.translation_J + self.rotation_J


def energy_J(world: World, gravity_mps2: float) -> Energy:
    s = world.state_dict()
    body, mass = s["body"], s["mass"]
    v = np.array(body["velocity_S_mps"])
    w = np.array(body["rate_B_radps"])
    inertia = np.array(mass["inertia_B_kg_m2"]).reshape(3, 3)
    m = mass["mass_kg"]
    height_J = m * gravity_mps2 * body["position_S_m"][2]
    return Energy(
        translation_J=float(0.5 * m * v @ v + height_J),
        rotation_J=float(0.5 * w @ inertia @ w),
        momentum_Nms=float(np.linalg.norm(inertia @ w)),
    )
