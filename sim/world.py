"""Building the world of a scenario: parameters, terrain, hazard map."""

from __future__ import annotations

import dataclasses
from typing import Any

from hilander.controller.interface import HazardMap
from hilander.sim._world import World
from hilander.sim.budget import check_flight
from hilander.sim.scenario import Scenario
from hilander.sim.sixdof import sixdof_params
from hilander.sim.terrain import TerrainModel, generate_terrain, sense_hazard_map

GUST_PERIOD_S = 0.01


def world_params(s: Scenario) -> dict[str, Any]:
    """The C struct WorldParams for a scenario."""
    v, sim = s.vehicle, s.sim
    rate = sim.plant_rate_Hz

    def period(hz: float) -> int:
        return max(1, round(rate / hz))

    params: dict[str, Any] = dataclasses.asdict(v)
    params.update(dataclasses.asdict(s.environment))
    params.update(dataclasses.asdict(s.faults))
    params.update(
        dt_s=1.0 / rate,
        steps_per_tick=round(rate / v.control_rate_Hz),
        max_steps=round(sim.max_time_s * rate),
        latency_steps=round(sim.command_latency_s * rate),
        gust_period_steps=period(1.0 / GUST_PERIOD_S),
        wind_S_mps=[s.wind.steady_mps[0], s.wind.steady_mps[1], 0.0],
        gust_sigma_mps=s.wind.gust_sigma_mps,
        gust_time_s=s.wind.gust_time_s,
        radar_period_steps=period(v.radar_rate_Hz),
        nav_period_steps=period(v.nav_rate_Hz),
        imu_period_steps=period(v.imu_rate_Hz),
        landing_system=v.landing_system_index,
        leg_contact_pulse_tick=round(s.faults.leg_contact_pulse_time_s * v.control_rate_Hz),
        pulse_period_steps=period(v.thrust_pulse_rate_Hz) if v.thrust_pulse_rate_Hz > 0 else 0,
    )
    params.update(sixdof_params(s))
    return params


def build_world(s: Scenario) -> tuple[World, TerrainModel, HazardMap]:
    """A world ready to fly, its terrain and the hazard map its sensor will deliver
    (a ScenarioError first if the scenario would cost more than its bounds)."""
    check_flight(s)
    terrain = generate_terrain(s.terrain, s.vehicle, s.terrain_seed)
    hazard_map = sense_hazard_map(terrain, s.vehicle, s.seed)
    world = World(
        world_params(s),
        list(s.initial.position_m),
        list(s.initial.velocity_mps),
        s.seed,
        terrain.relief_m,
        terrain.hazard,
        terrain.geometry(),
        (hazard_map.cost, hazard_map.elevation_m, hazard_map.cell_size_m, hazard_map.origin_S_m),
    )
    return world, terrain, hazard_map
