"""The law alone, driven by hand: an MSL-like vehicle, frames, hazard maps,
and a Flight that feeds a law hover frames and keeps its commands."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from hilander.controller import (
    Command,
    Event,
    HazardMap,
    LawConfig,
    Phase,
    SensorFrame,
)

# An MSL-like vehicle as its flight software knows it (hilander.sim.presets
# holds the sourced numbers; the law's tests do not import the world).
VEHICLE: dict[str, Any] = {
    "landing_system": 0,
    "control_rate_Hz": 50.0,
    "engine_count": 8,
    "engine_thrust_max_N": 3125.0,
    "throttle_min": 0.10,
    "throttle_max": 1.0,
    "throttle_rate_max_per_s": 2.0,
    "cant_rad": 0.0,
    "tilt_max_rad": math.radians(45),
    "isp_s": 220.0,
    "bridle_length_m": 7.5,
    "bridle_payout_time_s": 6.85,
    "rover_height_m": 1.1,
    "propellant_mass_kg": 390.0,  # the MSL preset's
    "slew_rate_max_radps": math.radians(20),  # the MSL preset's
}
MASS_KG = 2109.0
# the mass the law books with its propellant spent: the frames' estimate less the load
DRY_KG = MASS_KG - VEHICLE["propellant_mass_kg"]
ROVER_KG = 899.0


def frame(step: int, config: LawConfig, **fields: Any) -> SensorFrame:
    """A plausible frame at tick `step`, fields overridden by keyword."""
    base: dict[str, Any] = {
        "step": step,
        "time_s": step / config.control_rate_Hz,
        "radar_altitude_m": 1500.0,
        "radar_altitude_valid": True,
        "radar_velocity_S_mps": (0.0, 0.0, -80.0),
        "radar_velocity_valid": True,
        "nav_position_S_m": (0.0, 0.0, 1500.0),
        "nav_velocity_S_mps": (0.0, 0.0, -80.0),
        "specific_force_S_mps2": (0.0, 0.0, 3.7),
        "mass_estimate_kg": MASS_KG,
        "thrust_measured_N": 8000.0,
        "engines_active": config.engine_count,
        "bridle_tension_N": 0.0,
    }
    base.update(fields)
    return SensorFrame(**base)


def hover(
    step: int, config: LawConfig, altitude_m: float, vz_mps: float, **fields: Any
) -> SensorFrame:
    """A frame over the nominal target at `altitude_m`, descending at -vz."""
    return frame(
        step,
        config,
        radar_altitude_m=altitude_m,
        radar_velocity_S_mps=(0.0, 0.0, vz_mps),
        nav_position_S_m=(0.0, 0.0, altitude_m),
        nav_velocity_S_mps=(0.0, 0.0, vz_mps),
        **fields,
    )


def flat_map(
    cells: int = 16,
    cell_m: float = 8.0,
    hazards: list[tuple[int, int]] | None = None,
) -> HazardMap:
    cost = np.zeros((cells, cells), dtype=np.float32)
    for i, j in hazards or []:
        cost[i, j] = 1.0
    return HazardMap(cost, np.zeros_like(cost), cell_m, (-cells * cell_m / 2, -cells * cell_m / 2))


def with_map(f: SensorFrame, m: HazardMap) -> SensorFrame:
    return dataclasses.replace(f, hazard_map_ready=True, hazard_map=m)


# -- driving the phase machine ---------------------------------------------------

CONFIG = LawConfig(**VEHICLE)
# At the gate on its own profile: the terminal descent starts without a jolt.
GATE = (CONFIG.gate_altitude_m, -CONFIG.gate_speed_mps)


class Flight:
    """Feeds a law hover frames over the target and keeps its commands."""

    def __init__(self, law_cls: type, config: LawConfig = CONFIG) -> None:
        self.law, self.config, self.step = law_cls(), config, 0
        self.law.reset(config)
        self.commands: list[Command] = []

    @property
    def time_s(self) -> float:
        return self.step / self.config.control_rate_Hz

    @property
    def tick_s(self) -> float:
        return 1.0 / self.config.control_rate_Hz

    def fly(self, seconds: float, altitude_m: float, vz_mps: float, **fields: Any) -> Command:
        for _ in range(round(seconds * self.config.control_rate_Hz)):
            c = self.law.step(hover(self.step, self.config, altitude_m, vz_mps, **fields))
            self.commands.append(c)
            self.step += 1
        return self.commands[-1]

    def phase(self) -> Phase:
        return Phase(self.commands[-1].phase)

    def arm(self) -> float:
        """Through constant velocity and rover release to armed detection; arm time."""
        self.fly(0.1, *GATE)
        assert self.phase() == Phase.CONSTANT_VELOCITY
        self.fly(0.1, 19.0, -0.75)
        assert self.phase() == Phase.SKY_CRANE
        assert self.commands[-1].events & Event.ROVER_RELEASE
        wait = self.config.bridle_payout_time_s + self.config.td_arm_settle_s
        self.fly(wait + 0.1, 12.0, -0.75)
        assert self.phase() == Phase.TOUCHDOWN_DETECTION
        return next(self.time_at(c) for c in self.commands if c.phase == Phase.TOUCHDOWN_DETECTION)

    def time_at(self, c: Command) -> float:
        return c.step / self.config.control_rate_Hz

    def first(self, phase: Phase) -> Command | None:
        return next((c for c in self.commands if c.phase == phase), None)
