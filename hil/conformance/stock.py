"""What the suite sends a board: a real scenario's law configuration, sensor
frames the law can step, and a small hazard map cut from the scenario's own.

The default scenario (``hilander.sim.scenario.load_scenario("default")``)
gives the PARAMS (``params_message(scenario.law)``, as ``hilander hil``
sends them) and, through its world, the frame sensed at the first tick: the
lander at 1.8 km, descending. Step k is that frame at the k-th tick's time.
The map is the middle 16 x 16 cells of the map the scenario's hazard sensor
delivers: 256 cells a layer, four chunks of 64 each.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from hilander.controller.config import LawConfig
from hilander.controller.interface import Command, HazardMap, SensorFrame, frame_from_dict
from hilander.hil.wire.mapxfer import map_crc, map_messages
from hilander.hil.wire.protocol import (
    PARAM_NAMES,
    BoardInfo,
    HazardMapBegin,
    HazardMapChunk,
    HazardMapEnd,
    HelloAck,
    Params,
    params_message,
)
from hilander.sim.scenario import load_scenario
from hilander.sim.world import build_world

MAP_CELLS = 16
SCENARIO = "default"


@dataclass(frozen=True)
class MapTransfer:
    """One hazard map on the wire: BEGIN, its chunks in order, END."""

    begin: HazardMapBegin
    chunks: tuple[HazardMapChunk, ...]
    end: HazardMapEnd

    @property
    def cells(self) -> int:
        return self.begin.cells

    def with_id(self, map_id: int) -> MapTransfer:
        return MapTransfer(
            dataclasses.replace(self.begin, map_id=map_id),
            tuple(dataclasses.replace(c, map_id=map_id) for c in self.chunks),
            dataclasses.replace(self.end, map_id=map_id),
        )


@dataclass(frozen=True)
class Stock:
    scenario: str
    config: LawConfig
    first_frame: SensorFrame
    hazard_map: HazardMap

    @property
    def rate_Hz(self) -> float:
        return float(self.config.control_rate_Hz)

    def params(self) -> Params:
        return params_message(self.config)

    def params_with(self, name: str, value: float) -> Params:
        """The PARAMS with one field's value replaced."""
        values = list(self.params().values)
        values[PARAM_NAMES.index(name)] = value
        return Params(tuple(values))

    def frame(self, step: int, hazard_map_ready: bool = False) -> SensorFrame:
        """The sensed frame at step ``step``'s time."""
        return dataclasses.replace(
            self.first_frame,
            step=step,
            time_s=step / self.rate_Hz,
            hazard_map_ready=hazard_map_ready,
            hazard_map=None,
        )

    def transfer(self, map_id: int) -> MapTransfer:
        msgs = map_messages(self.hazard_map, map_id)
        return MapTransfer(msgs[0], tuple(msgs[1:-1]), msgs[-1])

    def map_crc(self) -> int:
        return map_crc(self.hazard_map.cost, self.hazard_map.elevation_m)


def controller_messages() -> tuple[Any, ...]:
    """A HELLO_ACK, a BOARD_INFO and a COMMAND: a controller's own messages,
    which a board takes from no world."""
    command = Command(7, (0.0, 0.0, 0.0), 0.0, 0, 0, (0.0, 0.0, 0.0))
    return (HelloAck(0, 0, 0, 1, "world"), BoardInfo(0, 0, 0, 0), command)


@cache
def stock(scenario: str = SCENARIO) -> Stock:
    """The scenario's configuration, first frame and a map cut from its own."""
    s = load_scenario(scenario)
    world, _, full = build_world(s)
    frame = frame_from_dict(world.sense())
    return Stock(scenario, s.law, frame, _middle(full, MAP_CELLS))


def _middle(m: HazardMap, cells: int) -> HazardMap:
    first = (m.cells - cells) // 2
    cut: Any = slice(first, first + cells)
    origin = (m.origin_S_m[0] + first * m.cell_size_m, m.origin_S_m[1] + first * m.cell_size_m)
    return HazardMap(
        np.ascontiguousarray(m.cost[cut, cut], np.float32),
        np.ascontiguousarray(m.elevation_m[cut, cut], np.float32),
        float(m.cell_size_m),
        origin,
    )
