"""The one interface: SensorFrame in, Command out.

These dataclasses mirror the C structs of ``_law.pxd`` field for field (same
names, same units), so that a frame can cross from the world to any flight
computer: the compiled law, the pure-Python reference, a user's controller, or
a board on a serial link.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vec3 = tuple[float, float, float]

HAZARD_MAP_MAX_CELLS = 64


class Phase(enum.IntEnum):
    """Phases of a descent (a legged lander skips SKY_CRANE, TETHER_CUT and
    FLYAWAY; a lander that hovers to map flies HOVER between DIVERT and
    CONSTANT_VELOCITY; an airbag lander flies PARACHUTE, RAD_BURN, LANDED).
    A value is a name, not a place in the flight: the law looks each phase up
    in its phase table (reference.PHASES), never compares values by order."""

    POWERED_APPROACH = 0
    DIVERT = 1
    CONSTANT_VELOCITY = 2
    SKY_CRANE = 3
    TOUCHDOWN_DETECTION = 4
    TETHER_CUT = 5
    FLYAWAY = 6
    LANDED = 7
    HOVER = 8
    PARACHUTE = 9
    RAD_BURN = 10

    @property
    def label(self) -> str:
        return self.name.lower()


class Event(enum.IntFlag):
    """Discrete events; Command.events holds every one commanded so far."""

    SITE_SELECTED = 1
    ROVER_RELEASE = 2
    TOUCHDOWN_DECLARED = 4
    TETHER_CUT = 8
    ENGINE_CUTOFF = 16
    RAD_FIRE = 32
    BRIDLE_CUT = 64


class Status(enum.IntFlag):
    """Status bits of one control step."""

    THRUST_SATURATED = 1
    TILT_LIMITED = 2
    THROTTLE_RATE_LIMITED = 4
    NO_SAFE_SITE = 8
    TGO_INFEASIBLE = 16
    RADAR_INVALID = 32
    SITE_SEARCH = 64  # a site search is under way: the site may still move
    PLAN_INFEASIBLE = 128  # convex guidance: no plan reaches the site chosen (this step's)
    PLANNING = 256  # a replan is under way: the plan in hand (or the Apollo law) flies


@dataclass(frozen=True)
class HazardMap:
    """Hazard cost (0 safe .. 1 hazard) and elevation on a square grid.

    Row i is the north index, column j the east index; cell (0, 0) has its
    south-west corner at ``origin_S_m``.
    """

    cost: npt.NDArray[np.float32]
    elevation_m: npt.NDArray[np.float32]
    cell_size_m: float
    origin_S_m: tuple[float, float]

    @property
    def cells(self) -> int:
        return int(self.cost.shape[0])

    def cell_center_S_m(self, row: int, col: int) -> tuple[float, float]:
        return (
            self.origin_S_m[0] + (col + 0.5) * self.cell_size_m,
            self.origin_S_m[1] + (row + 0.5) * self.cell_size_m,
        )


# SensorFrame and Command are built once per control tick on every path that
# is not the compiled loop (the general loop, the wire codec), so they are
# plain slotted dataclasses: a frozen one costs four times as much to build.
@dataclass(slots=True)
class SensorFrame:
    """What the world tells the controller at one control tick."""

    step: int
    time_s: float
    radar_altitude_m: float
    radar_altitude_valid: bool
    radar_velocity_S_mps: Vec3
    radar_velocity_valid: bool
    nav_position_S_m: Vec3
    nav_velocity_S_mps: Vec3
    specific_force_S_mps2: Vec3
    mass_estimate_kg: float
    thrust_measured_N: float
    engines_active: int
    bridle_tension_N: float
    contact: int = 0
    hazard_map_ready: bool = False
    hazard_map: HazardMap | None = field(default=None, compare=False)


@dataclass(slots=True)
class Command:
    """What the controller answers: thrust, phase, events, site, status."""

    step: int
    thrust_S_N: Vec3
    throttle: float
    phase: int
    events: int
    site_S_m: Vec3
    status: int = 0
    compute_time_us: int = 0  # the controller's own step time, where it measures it
    compute_instructions: int = 0  # the step's cost in the target's units (0: not counted)


class FlightComputer(Protocol):
    """Anything that can fly the lander: reset once, then one step per tick."""

    def reset(self, config: object) -> None: ...

    def step(self, frame: SensorFrame) -> Command: ...


def frame_to_dict(frame: SensorFrame) -> dict[str, object]:
    """The frame as the C struct's fields (the hazard map travels apart)."""
    return {
        "step": frame.step,
        "time_s": frame.time_s,
        "radar_altitude_m": frame.radar_altitude_m,
        "radar_altitude_valid": int(frame.radar_altitude_valid),
        "radar_velocity_S_mps": list(frame.radar_velocity_S_mps),
        "radar_velocity_valid": int(frame.radar_velocity_valid),
        "nav_position_S_m": list(frame.nav_position_S_m),
        "nav_velocity_S_mps": list(frame.nav_velocity_S_mps),
        "specific_force_S_mps2": list(frame.specific_force_S_mps2),
        "mass_estimate_kg": frame.mass_estimate_kg,
        "thrust_measured_N": frame.thrust_measured_N,
        "engines_active": frame.engines_active,
        "bridle_tension_N": frame.bridle_tension_N,
        "contact": frame.contact,
        "hazard_map_ready": int(frame.hazard_map_ready),
    }


def frame_from_dict(d: Mapping[str, Any], hazard_map: HazardMap | None = None) -> SensorFrame:
    """A frame from the C struct's fields."""
    return SensorFrame(
        step=int(d["step"]),
        time_s=float(d["time_s"]),
        radar_altitude_m=float(d["radar_altitude_m"]),
        radar_altitude_valid=bool(d["radar_altitude_valid"]),
        radar_velocity_S_mps=_vec3(d["radar_velocity_S_mps"]),
        radar_velocity_valid=bool(d["radar_velocity_valid"]),
        nav_position_S_m=_vec3(d["nav_position_S_m"]),
        nav_velocity_S_mps=_vec3(d["nav_velocity_S_mps"]),
        specific_force_S_mps2=_vec3(d["specific_force_S_mps2"]),
        mass_estimate_kg=float(d["mass_estimate_kg"]),
        thrust_measured_N=float(d["thrust_measured_N"]),
        engines_active=int(d["engines_active"]),
        bridle_tension_N=float(d["bridle_tension_N"]),
        contact=int(d["contact"]),
        hazard_map_ready=bool(d["hazard_map_ready"]),
        hazard_map=hazard_map,
    )


def command_from_dict(d: Mapping[str, Any]) -> Command:
    """A command from the C struct's fields."""
    return Command(
        step=int(d["step"]),
        thrust_S_N=_vec3(d["thrust_S_N"]),
        throttle=float(d["throttle"]),
        phase=int(d["phase"]),
        events=int(d["events"]),
        site_S_m=_vec3(d["site_S_m"]),
        status=int(d["status"]),
    )


def command_to_dict(c: Command) -> dict[str, object]:
    return {
        "step": c.step,
        "thrust_S_N": list(c.thrust_S_N),
        "throttle": c.throttle,
        "phase": c.phase,
        "events": c.events,
        "site_S_m": list(c.site_S_m),
        "status": c.status,
    }


def _vec3(v: Any) -> Vec3:
    x, y, z = v
    return (float(x), float(y), float(z))
