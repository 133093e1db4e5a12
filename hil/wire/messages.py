"""The messages of the wire protocol as Python records, and their enumerations.

The layout of each on the wire is in ``hilander.hil.wire.protocol`` (field tables,
the source of truth); SENSOR_FRAME and COMMAND are the law's own records,
``hilander.controller.interface.SensorFrame`` and ``Command``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Capability(enum.IntFlag):
    """Bits of HELLO.capabilities and HELLO_ACK.capabilities."""

    LOCKSTEP = 1
    REALTIME = 2
    HAZARD_MAP = 4
    INJECT_RESET = 8
    TEXT = 16
    HEARTBEAT = 32
    VIRTUAL_TIME = 64  # the board's clock counts executed instructions (QEMU -icount)


class Mode(enum.IntEnum):
    LOCKSTEP = 0
    REALTIME = 1


class AckStatus(enum.IntEnum):
    """HELLO_ACK.status and ACK.status."""

    OK = 0
    VERSION_MISMATCH = 1
    SCHEMA_MISMATCH = 2
    UNSUPPORTED = 3
    INVALID = 4
    INCOMPLETE = 5
    NO_SESSION = 6


class FaultCode(enum.IntEnum):
    """FAULT.code: what went wrong on the side that sends it."""

    NO_SESSION = 1  # a frame arrived outside a session (the board has reset)
    MAP_INCOMPLETE = 2  # hazard_map_ready but the map did not arrive whole
    PARAMS_INVALID = 3
    OVERRUN = 4  # the step did not finish inside its period
    INTERNAL = 5
    UNEXPECTED = 6  # a message that makes no sense in this state


class InjectKind(enum.IntEnum):
    """FAULT_INJECT.kind: faults the board is asked to commit on itself."""

    RESET = 1  # reboot now: forget the session, the parameters and the law state


class CostUnit(enum.IntEnum):
    """BOARD_INFO.cost_unit: what COMMAND.compute_instructions counts."""

    NONE = 0  # not counted
    INSTRUCTIONS = 1  # executed instructions (an emulator under -icount)
    CYCLES = 2  # core clock cycles (DWT CYCCNT on silicon)


@dataclass(frozen=True)
class BoardInfo:
    """The board's timing declaration: its clock, the control period its budget
    is set for, and the most a control step may cost."""

    clock_Hz: int
    control_period_us: int
    step_budget_instructions: int
    cost_unit: int


@dataclass(frozen=True)
class Hello:
    """The world side opens a session: its version, schema, wishes."""

    schema_hash: int
    capabilities: int
    mode: int
    control_rate_Hz: float


@dataclass(frozen=True)
class HelloAck:
    schema_hash: int
    capabilities: int
    status: int
    protocol_version: int
    board_name: str


@dataclass(frozen=True)
class Params:
    """The flight computer's configuration: LawConfig, field by field."""

    values: tuple[float, ...]


@dataclass(frozen=True)
class HazardMapBegin:
    map_id: int
    cells: int
    cell_size_m: float
    origin_S_m: tuple[float, float]


@dataclass(frozen=True)
class HazardMapChunk:
    map_id: int
    layer: int  # 0: cost, 1: elevation_m
    first_cell: int
    values: tuple[float, ...]


@dataclass(frozen=True)
class HazardMapEnd:
    map_id: int
    map_crc: int


@dataclass(frozen=True)
class Ack:
    acked_type: int
    acked_seq: int
    status: int
    detail: int


@dataclass(frozen=True)
class Heartbeat:
    uptime_ms: int
    frames_received: int
    crc_errors: int
    resyncs: int
    stack_high_water_B: int = 0


@dataclass(frozen=True)
class Fault:
    code: int
    step: int
    text: str


@dataclass(frozen=True)
class Text:
    severity: int  # 0 debug, 1 info, 2 warning, 3 error
    text: str


@dataclass(frozen=True)
class FaultInject:
    kind: int
    param: int


@dataclass(frozen=True)
class Goodbye:
    reason: int  # 0 the landing is over, 1 the host aborted
