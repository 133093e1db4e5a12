"""The world by hand, for the world's tests: a bare world with chosen
physics, a command, and a loop that steps it."""

from __future__ import annotations

from typing import Any

import numpy as np

from hilander.controller import Event
from hilander.sim._world import World
from hilander.sim.scenario import load_scenario
from hilander.sim.world import world_params

G = 3.711


def bare_world(
    position_m: tuple[float, float, float] = (0.0, 0.0, 1000.0),
    velocity_mps: tuple[float, float, float] = (0.0, 0.0, 0.0),
    gradient: tuple[float, float] = (0.0, 0.0),
    params: dict[str, Any] | None = None,
    **overrides: Any,
) -> World:
    """The default scenario's world (or the given WorldParams) on a plane, no
    air, no wind, no noise, engines idle at zero throttle; `overrides` change
    WorldParams fields."""
    params = dict(params) if params is not None else world_params(load_scenario("default"))
    params.update(
        surface_density_kgpm3=0.0,
        gust_sigma_mps=0.0,
        wind_S_mps=[0.0, 0.0, 0.0],
        throttle_min=0.0,
        throttle_max=1.0,
        radar_altitude_noise_fraction=0.0,
        radar_altitude_noise_floor_m=0.0,
        radar_velocity_noise_mps=0.0,
        nav_position_bias_m=0.0,
        nav_position_drift_mps=0.0,
        nav_position_noise_m=0.0,
        nav_velocity_noise_mps=0.0,
        imu_noise_mps2=0.0,
        mass_estimate_error=0.0,
        thrust_feedback_noise=0.0,
        bridle_load_noise_N=0.0,
    )
    params.update(overrides)
    flat = np.zeros((2, 2))
    geometry = {"x0_m": 0.0, "y0_m": 0.0, "resolution_m": 1.0, "gradient": list(gradient)}
    return World(params, list(position_m), list(velocity_mps), 1, flat, flat, geometry)


def command(
    thrust_S_N: tuple[float, float, float] = (0.0, 0.0, 0.0),
    throttle: float = 0.0,
    events: int = 0,
) -> dict[str, Any]:
    return {
        "step": 0,
        "thrust_S_N": list(thrust_S_N),
        "throttle": throttle,
        "phase": 0,
        "events": events,
        "site_S_m": [0.0, 0.0, 0.0],
        "status": 0,
    }


def run(world: World, seconds: float, cmd: dict[str, Any], tick_s: float = 0.02) -> None:
    world.command(cmd)
    for _ in range(round(seconds / tick_s)):
        world.advance()


RELEASE = int(Event.ROVER_RELEASE)
CUT = int(Event.TETHER_CUT)
CUTOFF = int(Event.ENGINE_CUTOFF)
