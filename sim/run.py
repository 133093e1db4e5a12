"""Flying a landing: the compiled loop, or the general loop with any flight computer."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from hilander.controller._core import LawCore
from hilander.controller.interface import (
    Command,
    FlightComputer,
    HazardMap,
    SensorFrame,
    command_to_dict,
    frame_from_dict,
)
from hilander.sim._loop import fly_compiled
from hilander.sim._world import COLUMNS, World
from hilander.sim.scenario import Scenario
from hilander.sim.terrain import TerrainModel
from hilander.sim.world import build_world

# The verdict of a landing whose numbers failed: the state went NaN or inf
# (the compiled world ends the landing there), or a flight computer's
# arithmetic raised (a Python law dividing by zero or overflowing).
NUMERICAL_FAULT = "numerical_fault"


class FlightAborted(Exception):  # noqa: N818 - it is the flight that is aborted, not an error
    """Raised by a flight computer that cannot go on (a link that stalled or
    went away). The landing ends at that tick; everything recorded is kept.
    ``kind`` is a short word for the verdict (``stall``, ``link_lost``)."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass
class Landing:
    """One flown landing: telemetry (one row per control tick) and event records."""

    scenario: Scenario
    telemetry: npt.NDArray[np.float64]
    records: dict[str, Any]
    terrain: TerrainModel
    hazard_map: HazardMap
    plant_steps: int
    wall_time_s: float
    controller: str
    columns: tuple[str, ...] = field(default=COLUMNS)
    aborted: FlightAborted | None = None

    def column(self, name: str) -> npt.NDArray[np.float64]:
        return self.telemetry[:, self.columns.index(name)]


def telemetry_rows(s: Scenario) -> int:
    return math.ceil(s.sim.max_time_s * s.vehicle.control_rate_Hz) + 2


def fly(
    scenario: Scenario,
    flight_computer: FlightComputer | None = None,
    name: str | None = None,
    on_tick: Callable[[npt.NDArray[np.float64]], None] | None = None,
) -> Landing:
    """Fly the scenario; with no flight computer, the compiled law in the compiled loop.
    ``on_tick`` (general loop only) gets each telemetry row as it is recorded."""
    world, terrain, hazard_map = build_world(scenario)
    telemetry = np.empty((telemetry_rows(scenario), len(COLUMNS)))
    start = time.perf_counter()
    aborted = None
    if flight_computer is None:
        ticks = fly_compiled(world, LawCore(scenario.law.to_params()), telemetry)
        label = "compiled"
    else:
        flight_computer.reset(scenario.law)
        try:
            fly_general(world, flight_computer, telemetry, hazard_map, on_tick)
        except FlightAborted as e:
            aborted = e
        ticks = int(world.tick)
        label = name or type(flight_computer).__name__
    wall = time.perf_counter() - start
    return Landing(
        scenario=scenario,
        telemetry=telemetry[:ticks],
        records=world.records,
        terrain=terrain,
        hazard_map=hazard_map,
        plant_steps=int(world.state_dict()["step"]),
        wall_time_s=wall,
        controller=label,
        aborted=aborted,
    )


def fly_general(
    world: World,
    fc: FlightComputer,
    telemetry: npt.NDArray[np.float64],
    hazard_map: HazardMap,
    on_tick: Callable[[npt.NDArray[np.float64]], None] | None = None,
) -> int:
    """The same tick sequence as the compiled loop, one Python call per step.

    A FlightAborted from the flight computer propagates with world.tick at
    the tick that got no command; the rows before it are complete (its
    arithmetic failing is one: NUMERICAL_FAULT). A state gone NaN or inf
    ends the landing in the world itself, as in the compiled loop. Ctrl-C
    anywhere in the loop (in the flight computer or in the world) becomes
    FlightAborted("interrupted") the same way, so the flight so far is kept."""
    time_s = 0.0
    try:
        while not world.done and world.tick < telemetry.shape[0]:
            sensed = world.sense()
            frame = frame_from_dict(sensed, hazard_map if sensed["hazard_map_ready"] else None)
            time_s = frame.time_s
            command = _step(fc, frame)
            if not isinstance(command, Command):
                raise TypeError(f"flight computer returned {type(command).__name__}, not a Command")
            as_dict = command_to_dict(command)
            world.command(as_dict)
            world.record(as_dict, telemetry[world.tick])
            if on_tick is not None:
                on_tick(telemetry[world.tick])
            world.advance()
    except KeyboardInterrupt:
        raise FlightAborted("interrupted", f"interrupted at t = {time_s:.2f} s") from None
    return int(world.tick)


def _step(fc: FlightComputer, frame: SensorFrame) -> Command:
    """One step of the flight computer; its arithmetic failing is a numerical fault."""
    try:
        command = fc.step(frame)
    except (ArithmeticError, ValueError) as e:
        if isinstance(e, ValueError) and str(e) != "math domain error":
            raise
        reason = f"the flight computer's arithmetic failed at t = {frame.time_s:.2f} s: {e!r}"
        raise FlightAborted(NUMERICAL_FAULT, reason) from None
    return command
