"""The hilander wire protocol, version 1: every message as a table of fields.

This table is the single source of truth: the codec packs and unpacks from it,
docs/protocol.md prints it (generated, and a test checks the doc), and the
schema hash that the HELLO handshake compares is computed from it. A field has
the same name and unit here, in the C structs of the law and the firmware, and
in the doc.

Byte order is little-endian throughout; floats are IEEE 754.
"""

from __future__ import annotations

import dataclasses
import struct
from dataclasses import dataclass
from typing import Any

import crc32c

from hilander.controller.config import LawConfig
from hilander.controller.interface import Command, SensorFrame
from hilander.hil.wire.messages import (
    Ack,
    AckStatus,
    BoardInfo,
    Capability,
    CostUnit,
    Fault,
    FaultCode,
    FaultInject,
    Goodbye,
    HazardMapBegin,
    HazardMapChunk,
    HazardMapEnd,
    Heartbeat,
    Hello,
    HelloAck,
    InjectKind,
    Mode,
    Params,
    Text,
)

__all__ = [  # the messages and enumerations are re-exported: import them from here
    "Ack",
    "AckStatus",
    "BoardInfo",
    "Capability",
    "CostUnit",
    "Fault",
    "FaultCode",
    "FaultInject",
    "Goodbye",
    "HazardMapBegin",
    "HazardMapChunk",
    "HazardMapEnd",
    "Heartbeat",
    "Hello",
    "HelloAck",
    "InjectKind",
    "Mode",
    "Params",
    "Text",
]

PROTOCOL_VERSION = 1
HEADER = struct.Struct("<BBBHHH")  # version, type, flags, session_id, seq, length
HEADER_SIZE = HEADER.size
CRC_SIZE = 4
MAX_PAYLOAD = 1024
MAX_FRAME = HEADER_SIZE + MAX_PAYLOAD + CRC_SIZE  # before COBS
MAP_CHUNK_VALUES = 64  # float32 values per HAZARD_MAP_CHUNK (short frames survive bad lines)
# A HAZARD_MAP_BEGIN's geometry a board takes: a float32 holds it, and the
# law's cell indices stay within an int (docs/protocol.md, "The controller").
MAP_CELL_MIN_M, MAP_CELL_MAX_M, MAP_ORIGIN_MAX_M = 0.01, 1000.0, 1e6
NO_SESSION = 0

FLAG_RESEND = 0x01  # this frame repeats one sent before (lockstep resend)
FLAG_ACK_REQUEST = 0x02  # answer this frame with an ACK (hazard-map chunks in lockstep)

WIRE_TYPES = {
    "u8": "B",
    "u16": "H",
    "u32": "I",
    "f32": "f",
    "f64": "d",
    "char16": "16s",
    "utf8": "s",
}
WIRE_SIZES = {"u8": 1, "u16": 2, "u32": 4, "f32": 4, "f64": 8, "char16": 16, "utf8": 1}


@dataclass(frozen=True)
class Field:
    name: str
    wire: str  # a WIRE_TYPES key
    count: int = 1  # 0: a variable-length tail filling the rest of the payload
    unit: str = "-"
    doc: str = ""
    py: type = float  # what the field is in Python: float, int, bool, str

    @property
    def size(self) -> int:
        return WIRE_SIZES[self.wire] * max(self.count, 1)


V3 = 3  # a vector of three: x east, y north, z up (site frame S)


@dataclass(frozen=True)
class Spec:
    type_id: int
    name: str
    cls: type
    fields: tuple[Field, ...]
    doc: str
    direction: str

    @property
    def fixed_size(self) -> int:
        return sum(f.size for f in self.fields if f.count)


def _f(name: str, wire: str, unit: str, doc: str, count: int = 1, py: type = float) -> Field:
    return Field(name, wire, count, unit, doc, py)


SENSOR_FIELDS = (
    _f("step", "u32", "-", "control tick index, from 0", py=int),
    _f("time_s", "f32", "s", "simulation time of the tick"),
    _f("radar_altitude_m", "f32", "m", "descent stage above the terrain under it"),
    _f("radar_altitude_valid", "u8", "-", "1 if radar_altitude_m is valid", py=bool),
    _f("radar_velocity_S_mps", "f32", "m/s", "velocity measured by the radar", V3),
    _f("radar_velocity_valid", "u8", "-", "1 if radar_velocity_S_mps is valid", py=bool),
    _f("nav_position_S_m", "f32", "m", "navigation position (with its errors)", V3),
    _f("nav_velocity_S_mps", "f32", "m/s", "navigation velocity", V3),
    _f("specific_force_S_mps2", "f32", "m/s^2", "IMU non-gravitational acceleration", V3),
    _f("mass_estimate_kg", "f32", "kg", "flying mass (with the rover until the cut)"),
    _f("thrust_measured_N", "f32", "N", "throttle feedback: delivered total thrust"),
    _f("engines_active", "u8", "-", "engines firing", py=int),
    _f("bridle_tension_N", "f32", "N", "tension in the bridle"),
    _f("contact", "u8", "-", "leg contact bits, bit i = leg i", py=int),
    _f("hazard_map_ready", "u8", "-", "1: a new hazard map came before this frame", py=bool),
)
COMMAND_FIELDS = (
    _f("step", "u32", "-", "echo of SensorFrame.step", py=int),
    _f("thrust_S_N", "f32", "N", "total thrust vector", V3),
    _f("throttle", "f32", "-", "per-engine fraction of max thrust, 0 = off"),
    _f("phase", "u8", "-", "Phase (0..10)", py=int),
    _f("events", "u16", "-", "latched EVENT_* bits", py=int),
    _f("site_S_m", "f32", "m", "selected landing site (x, y, ground z)", V3),
    _f("status", "u16", "-", "STATUS_* bits of this step", py=int),
    _f("compute_time_us", "u32", "us", "time the controller took for this step", py=int),
    _f(
        "compute_instructions",
        "u32",
        "instr",
        "cost of this step in the target's units: instructions under QEMU -icount, "
        "clock cycles (DWT CYCCNT) on silicon; 0 = not counted",
        py=int,
    ),
)

SPECS: tuple[Spec, ...] = (
    Spec(
        0x01,
        "HELLO",
        Hello,
        (
            _f("schema_hash", "u32", "-", "schema hash of the sender", py=int),
            _f("capabilities", "u32", "-", "Capability bits wanted", py=int),
            _f("mode", "u8", "-", "0 lockstep, 1 real time", py=int),
            _f("control_rate_Hz", "f32", "Hz", "rate of SENSOR_FRAMEs"),
        ),
        "opens a session; the header carries the new session id",
        "world -> controller",
    ),
    Spec(
        0x02,
        "HELLO_ACK",
        HelloAck,
        (
            _f("schema_hash", "u32", "-", "schema hash of the board", py=int),
            _f("capabilities", "u32", "-", "Capability bits the board has", py=int),
            _f("status", "u8", "-", "AckStatus", py=int),
            _f("protocol_version", "u8", "-", "the board's protocol version", py=int),
            _f("board_name", "char16", "-", "UTF-8, NUL padded", py=str),
        ),
        "answers HELLO; status OK starts the session",
        "controller -> world",
    ),
    Spec(
        0x03,
        "PARAMS",
        Params,
        (_f("values", "f64", "SI", "LawConfig fields in schema order", 0),),
        "the law's configuration; answered by ACK",
        "world -> controller",
    ),
    Spec(
        0x04,
        "BOARD_INFO",
        BoardInfo,
        (
            _f("clock_Hz", "u32", "Hz", "the core clock; 0 = not declared", py=int),
            _f("control_period_us", "u32", "us", "the control period the budget is for", py=int),
            _f(
                "step_budget_instructions",
                "u32",
                "instr",
                "the most one control step may cost, in compute_instructions units; 0 = none",
                py=int,
            ),
            _f("cost_unit", "u8", "-", "CostUnit: 0 not counted, 1 instructions, 2 cycles", py=int),
        ),
        "the board's timing declaration; sent after an OK HELLO_ACK (optional)",
        "controller -> world",
    ),
    Spec(
        0x10,
        "SENSOR_FRAME",
        SensorFrame,
        SENSOR_FIELDS,
        "what the world senses at one control tick",
        "world -> controller",
    ),
    Spec(
        0x11,
        "COMMAND",
        Command,
        COMMAND_FIELDS,
        "the answer to SENSOR_FRAME of the same step",
        "controller -> world",
    ),
    Spec(
        0x20,
        "HAZARD_MAP_BEGIN",
        HazardMapBegin,
        (
            _f("map_id", "u16", "-", "identifies the transfer", py=int),
            _f("cells", "u16", "-", "cells per side, <= 64", py=int),
            _f("cell_size_m", "f64", "m", "side of a cell"),
            _f("origin_S_m", "f64", "m", "south-west corner of cell (0, 0)", 2),
        ),
        "starts a hazard-map transfer",
        "world -> controller",
    ),
    Spec(
        0x21,
        "HAZARD_MAP_CHUNK",
        HazardMapChunk,
        (
            _f("map_id", "u16", "-", "as in HAZARD_MAP_BEGIN", py=int),
            _f("layer", "u8", "-", "0 cost (0 safe .. 1 hazard), 1 elevation_m", py=int),
            _f("first_cell", "u16", "-", "index of values[0]: row * cells + col", py=int),
            _f("values", "f32", "-, m", f"up to {MAP_CHUNK_VALUES} cells", 0),
        ),
        "a run of cells of one layer",
        "world -> controller",
    ),
    Spec(
        0x22,
        "HAZARD_MAP_END",
        HazardMapEnd,
        (
            _f("map_id", "u16", "-", "as in HAZARD_MAP_BEGIN", py=int),
            _f("map_crc", "u32", "-", "CRC-32C of all cost then all elevation_m bytes", py=int),
        ),
        "ends a transfer; answered by ACK (OK or INCOMPLETE)",
        "world -> controller",
    ),
    Spec(
        0x30,
        "ACK",
        Ack,
        (
            _f("acked_type", "u8", "-", "type of the message answered", py=int),
            _f("acked_seq", "u16", "-", "its sequence number", py=int),
            _f("status", "u8", "-", "AckStatus", py=int),
            _f("detail", "u32", "-", "status detail (e.g. cells missing)", py=int),
        ),
        "answers PARAMS, HAZARD_MAP_END, FAULT_INJECT, and a frame with ACK_REQUEST",
        "both",
    ),
    Spec(
        0x31,
        "HEARTBEAT",
        Heartbeat,
        (
            _f("uptime_ms", "u32", "ms", "since the sender booted", py=int),
            _f("frames_received", "u32", "-", "good frames received", py=int),
            _f("crc_errors", "u32", "-", "frames rejected by CRC", py=int),
            _f("resyncs", "u32", "-", "times bytes were discarded", py=int),
            _f(
                "stack_high_water_B",
                "u32",
                "B",
                "deepest stack used since boot (painted stack); 0 = not measured",
                py=int,
            ),
        ),
        "I am alive: once a second while a session is open",
        "both",
    ),
    Spec(
        0x32,
        "FAULT",
        Fault,
        (
            _f("code", "u16", "-", "FaultCode", py=int),
            _f("step", "u32", "-", "step it concerns, or 0", py=int),
            _f("text", "utf8", "-", "UTF-8 detail, variable length", 0, py=str),
        ),
        "something went wrong on the sender",
        "both",
    ),
    Spec(
        0x33,
        "TEXT",
        Text,
        (
            _f("severity", "u8", "-", "0 debug, 1 info, 2 warning, 3 error", py=int),
            _f("text", "utf8", "-", "UTF-8, variable length", 0, py=str),
        ),
        "a log line",
        "both",
    ),
    Spec(
        0x40,
        "FAULT_INJECT",
        FaultInject,
        (
            _f("kind", "u8", "-", "InjectKind", py=int),
            _f("param", "u32", "-", "kind-specific", py=int),
        ),
        "asks the board to commit a fault; ACK OK or UNSUPPORTED",
        "world -> controller",
    ),
    Spec(
        0x41,
        "GOODBYE",
        Goodbye,
        (_f("reason", "u8", "-", "0 landing over, 1 aborted", py=int),),
        "ends the session",
        "world -> controller",
    ),
)

SPEC_BY_ID = {s.type_id: s for s in SPECS}
SPEC_BY_CLASS: dict[type, Spec] = {s.cls: s for s in SPECS}
PARAM_NAMES = tuple(f.name for f in dataclasses.fields(LawConfig))


def schema_text() -> str:
    """The canonical text the schema hash is computed over (see docs/protocol.md)."""
    parts = [
        f"hilander-protocol-{PROTOCOL_VERSION}",
        "header:version:u8,type:u8,flags:u8,session_id:u16,seq:u16,length:u16",
    ]
    for s in SPECS:
        fields = ",".join(f"{f.name}:{f.wire}[{f.count}]:{f.unit}" for f in s.fields)
        parts.append(f"{s.type_id:#04x}:{s.name}:{fields}")
    parts.append("params:" + ",".join(PARAM_NAMES))
    return "\n".join(parts)


SCHEMA_HASH = crc32c.crc32c(schema_text().encode())


def params_message(config: LawConfig) -> Params:
    """The PARAMS of a configuration: every field a number (a word, its index
    among the field's choices)."""
    return Params(tuple(_wire_value(f, getattr(config, f.name)) for f in PARAM_FIELDS))


PARAM_FIELDS = dataclasses.fields(LawConfig)


def _wire_value(f: dataclasses.Field[Any], value: Any) -> float:
    choices = f.metadata.get("choices")
    return float(choices.index(value) if choices is not None else value)
