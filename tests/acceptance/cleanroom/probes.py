"""The controller's rules of docs/protocol.md, asked of a board over a link.

Each probe sends what the doc describes and compares the answers with what
the doc says a board does; ``run_probes`` returns every disagreement as one
sentence (none: the board keeps every rule probed). The same probes run on
hilander's boards and on the clean-room one.
"""

from __future__ import annotations

import math
import random
import time
from typing import Any

import numpy as np

from hilander.controller.interface import HazardMap
from hilander.sim.scenario import load_scenario
from tests.acceptance.cleanroom import params
from tests.acceptance.cleanroom.hazard import NO_TRANSFER_MISSING, transfer
from tests.acceptance.cleanroom.protocol import (
    ACK_REQUEST,
    ACK_STATUS,
    CAPABILITY,
    FAULT_CODE,
    INJECT_KIND,
    MODE,
    RESEND,
    SCHEMA_HASH,
    SPEC,
    VERSION,
    Frame,
    Link,
    encode_payload,
    frame_bytes,
)

ANSWER = 5.0  # how long an answer is waited for
# After the answers expected, a marker: a SENSOR_FRAME of another session,
# which any board answers FAULT NO_SESSION in that session. A board answers
# in order, so whatever comes before the marker's answer answered the probe:
# "no answer" is known without waiting for a silence, however busy the host.
MARK_SESSION = 0xFFFE
IGNORED = {"HEARTBEAT", "BOARD_INFO", "TEXT"}
SENSOR = {
    "step": 0,
    "time_s": 0.0,
    "radar_altitude_m": 1800.0,
    "radar_altitude_valid": 1,
    "radar_velocity_S_mps": (0.0, 0.0, -80.0),
    "radar_velocity_valid": 1,
    "nav_position_S_m": (420.0, 0.0, 1800.0),
    "nav_velocity_S_mps": (0.0, 0.0, -80.0),
    "specific_force_S_mps2": (0.0, 0.0, 3.0),
    "mass_estimate_kg": 3800.0,
    "thrust_measured_N": 0.0,
    "engines_active": 8,
    "bridle_tension_N": 0.0,
    "contact": 0,
    "hazard_map_ready": 0,
}
Want = list[tuple[str, dict[str, Any]]]


def ack(acked: str, status: str = "OK", **more: Any) -> tuple[str, dict[str, Any]]:
    return "ACK", {"acked_type": SPEC.messages[acked].type, "status": ACK_STATUS[status], **more}


def fault(code: str, **more: Any) -> tuple[str, dict[str, Any]]:
    return "FAULT", {"code": FAULT_CODE[code], **more}


def hello_ack(status: str, **more: Any) -> tuple[str, dict[str, Any]]:
    return "HELLO_ACK", {"status": ACK_STATUS[status], **more}


def command(step: int) -> tuple[str, dict[str, Any]]:
    return "COMMAND", {"step": step}


class Probe:
    """A link to a board, and the disagreements found so far."""

    def __init__(self, link: Link) -> None:
        self.link = link
        self.session = 0
        self.found: list[str] = []
        self.values = params.config_to_values(load_scenario("default").law)
        self.last: list[Frame] = []
        self.marks = 0

    def send(
        self, name: str, fields: dict[str, Any], session: int | None = None, flags: int = 0
    ) -> None:
        self.link.send(name, fields, self.session if session is None else session, flags)

    def answers(self, n: int, wait: float) -> list[Frame]:
        """The next ``n`` frames (heartbeats and the like aside), or fewer after ``wait``."""
        out: list[Frame] = []
        deadline = time.monotonic() + wait
        while len(out) < n and (left := deadline - time.monotonic()) > 0:
            f = self.link.recv(left)
            if f is not None and f.name not in IGNORED:
                out.append(f)
        return out

    def expect(self, rule: str, want: Want) -> list[Frame]:
        """The answers are, frame for frame, the types and fields in ``want``."""
        got = self.answers(len(want), ANSWER) if want else []
        got += self.until_mark()
        ok = len(got) == len(want) and all(
            f.name == name and all(_same(f, k, v) for k, v in fields.items())
            for f, (name, fields) in zip(got, want, strict=False)
        )
        if not ok:
            seen = [(f.name, f.session, dict(f.fields)) for f in got]
            self.found.append(f"{rule}: expected {want}, got {seen}")
        self.last = got
        return got

    def until_mark(self) -> list[Frame]:
        """Every answer before the marker's (heartbeats and the like aside)."""
        if self.marks < 0:  # the marker went unanswered once: a silence instead
            return self.answers(99, 0.3)
        self.marks += 1
        self.send("SENSOR_FRAME", {**SENSOR, "step": self.marks}, MARK_SESSION)
        out: list[Frame] = []
        deadline = time.monotonic() + ANSWER
        while (left := deadline - time.monotonic()) > 0:
            f = self.link.recv(left)
            if f is None or f.name in IGNORED:
                continue
            if f.name == "FAULT" and f.session == MARK_SESSION and f.fields["step"] == self.marks:
                return out
            out.append(f)
        self.found.append(f"no FAULT NO_SESSION in session {MARK_SESSION} (the marker)")
        self.marks = -1
        return out

    def hello(self, session: int, **changes: Any) -> None:
        fields = {"schema_hash": SCHEMA_HASH, "capabilities": 0, "mode": MODE["LOCKSTEP"]}
        self.send("HELLO", {**fields, "control_rate_Hz": 50.0, **changes}, session)

    def open(self, configure: bool = True) -> None:
        self.session = random.randrange(1, MARK_SESSION)
        self.hello(self.session)
        self.expect("HELLO", [hello_ack("OK", session=self.session)])
        if configure:
            self.send("PARAMS", {"values": self.values})
            self.expect("PARAMS", [ack("PARAMS")])

    def sensor(self, step: int, flags: int = 0, **changes: Any) -> None:
        self.send("SENSOR_FRAME", {**SENSOR, "step": step, **changes}, flags=flags)


def _same(f: Frame, key: str, want: Any) -> bool:
    if key == "session":
        return bool(f.session == want)
    if key == "text_starts":
        return str(f.fields.get("text", "")).startswith(want)
    return bool(f.fields.get(key) == want)


def hello_rules(p: Probe) -> None:
    p.hello(0x1111, schema_hash=SCHEMA_HASH ^ 1)
    want = hello_ack("SCHEMA_MISMATCH", schema_hash=SCHEMA_HASH, session=0x1111)
    p.expect("HELLO of another schema", [want])
    for rule, session, change, status in (
        ("HELLO in session 0", 0, {}, "INVALID"),
        ("HELLO mode 7", 0x2222, {"mode": 7}, "UNSUPPORTED"),
        ("HELLO rate NaN", 0x3333, {"control_rate_Hz": math.nan}, "INVALID"),
        ("HELLO rate 0", 0x3333, {"control_rate_Hz": 0.0}, "INVALID"),
        ("HELLO in session 0, mode 7: session 0 first", 0, {"mode": 7}, "INVALID"),
    ):
        p.hello(session, **change)
        p.expect(rule, [hello_ack(status, session=session)])
    fields = {"schema_hash": SCHEMA_HASH, "capabilities": 0, "mode": 0, "control_rate_Hz": 50.0}
    seq, _ = p.link.build(0, b"", 0)  # a seq used up
    hello = SPEC.messages["HELLO"].type
    p.link.write(frame_bytes(hello, encode_payload("HELLO", fields), 0x4444, seq, 0, VERSION + 1))
    got = p.expect("HELLO of version 2", [hello_ack("VERSION_MISMATCH", session=0x4444)])
    if got and got[0].version != VERSION:
        p.found.append(f"HELLO of version 2: HELLO_ACK in version {got[0].version}")


def outside_rules(p: Probe) -> None:
    """Frames outside the session: FAULT NO_SESSION in their own session id, or nothing."""
    other = 0x5555
    p.send("SENSOR_FRAME", {**SENSOR, "step": 7}, other)
    p.expect("SENSOR_FRAME outside", [fault("NO_SESSION", step=7, session=other)])
    p.send("SENSOR_FRAME", {**SENSOR, "step": 3}, 0)
    p.expect("SENSOR_FRAME in session 0", [fault("NO_SESSION", step=3, session=0)])
    for name, fields in (
        ("PARAMS", {"values": p.values}),
        ("HAZARD_MAP_END", {"map_id": 1, "map_crc": 0}),
        ("HAZARD_MAP_BEGIN", {"map_id": 1, "cells": 4, "cell_size_m": 1.0, "origin_S_m": (0, 0)}),
        ("FAULT_INJECT", {"kind": INJECT_KIND["RESET"], "param": 0}),
    ):
        p.send(name, fields, other, ACK_REQUEST)
        p.expect(f"{name} outside", [fault("NO_SESSION", session=other)])
    for name, fields in (
        ("GOODBYE", {"reason": 0}),
        ("TEXT", {"severity": 1, "text": "hello"}),
        ("ACK", ack("PARAMS", detail=0, acked_seq=0)[1]),
    ):
        p.send(name, fields, other, ACK_REQUEST)
        p.expect(f"{name} outside", [])


def open_rules(p: Probe) -> None:
    p.open(configure=False)
    p.sensor(0)
    p.expect("SENSOR_FRAME before PARAMS", [fault("UNEXPECTED", step=0)])
    p.sensor(1, ACK_REQUEST)
    want = [ack("SENSOR_FRAME"), fault("UNEXPECTED", step=1)]
    p.expect("SENSOR_FRAME before PARAMS, ACK_REQUEST", want)


def _params(p: Probe, rule: str, values: list[float], blamed: str | int | None) -> None:
    p.send("PARAMS", {"values": values}, flags=ACK_REQUEST)
    if blamed is None:
        p.expect(rule, [ack("PARAMS")])
        return
    if isinstance(blamed, int):
        p.expect(rule, [fault("PARAMS_INVALID"), ack("PARAMS", "INVALID", detail=blamed)])
        return
    want = ack("PARAMS", "INVALID", detail=params.INDEX[blamed])
    p.expect(rule, [fault("PARAMS_INVALID", text_starts=blamed), want])


def params_rules(p: Probe) -> None:
    p.open(configure=False)
    v, at = p.values, params.INDEX
    _params(p, "PARAMS one value short", v[:-1], params.WRONG_COUNT)
    for name, bad in (("guidance_gain", 5.0), ("engine_count", 8.5), ("guidance", 2.0)):
        _params(p, f"PARAMS {name} = {bad}", _with(v, **{name: bad}), name)
    _params(p, "PARAMS isp_s = inf", _with(v, isp_s=math.inf), "isp_s")
    two = _with(v, engine_thrust_max_N=-1.0, guidance_gain=5.0)
    _params(p, "PARAMS two values broken: the first blamed", two, "engine_thrust_max_N")
    cross = _with(v, tgo_switch_s=v[at["tgo_freeze_s"]])
    _params(p, "PARAMS a rule between values", cross, "tgo_switch_s")
    both = _with(cross, flyaway_thrust_factor=-1.0)
    _params(p, "PARAMS own rules before rules between values", both, "flyaway_thrust_factor")
    _params(p, "PARAMS taken (one ACK with ACK_REQUEST)", v, None)


def _with(values: list[float], **changes: float) -> list[float]:
    out = list(values)
    for name, v in changes.items():
        out[params.INDEX[name]] = v
    return out


def step_rules(p: Probe) -> None:
    p.open()
    p.sensor(0)
    first = p.expect("SENSOR_FRAME 0", [command(0)])
    p.sensor(0, RESEND)
    again = p.expect("SENSOR_FRAME 0 again", [command(0)])
    if first and again and again[0].raw != first[0].raw:
        p.found.append("a step again: the cached COMMAND is not the same bytes (seq included)")
    p.sensor(1)
    p.expect("SENSOR_FRAME 1", [command(1)])
    p.sensor(0)
    p.expect("SENSOR_FRAME 0 after 1 (an old step)", [])
    p.sensor(5)
    p.expect("SENSOR_FRAME 5 (a gap)", [command(5)])
    p.sensor(6, ACK_REQUEST)
    p.expect("SENSOR_FRAME with ACK_REQUEST", [ack("SENSOR_FRAME"), command(6)])
    p.sensor(7, hazard_map_ready=1)
    p.expect("hazard_map_ready without a map", [fault("MAP_INCOMPLETE", step=7), command(7)])


def _map(p: Probe, rule: str, name: str, fields: dict[str, Any], status: str, **more: Any) -> None:
    p.send(name, fields, flags=0 if name == "HAZARD_MAP_END" else ACK_REQUEST)
    p.expect(rule, [ack(name, status, **more)])


def map_rules(p: Probe) -> None:
    p.open()
    begin, chunk, end = "HAZARD_MAP_BEGIN", "HAZARD_MAP_CHUNK", "HAZARD_MAP_END"
    nothing = NO_TRANSFER_MISSING
    _map(
        p, "END without a transfer", end, {"map_id": 9, "map_crc": 0}, "INCOMPLETE", detail=nothing
    )
    good: dict[str, Any] = {"map_id": 9, "cells": 4, "cell_size_m": 2.0, "origin_S_m": (-4.0, -4.0)}
    changes: tuple[tuple[str, dict[str, Any]], ...] = (
        ("cells 0", {"cells": 0}),
        ("cells 65", {"cells": 65}),
        ("cell size NaN", {"cell_size_m": math.nan}),
        ("origin inf", {"origin_S_m": (math.inf, 0.0)}),
    )
    for rule, change in changes:
        _map(p, f"BEGIN {rule}", begin, {**good, **change}, "INVALID")
    _map(p, "BEGIN", begin, good, "OK")
    cells: dict[str, Any] = {"map_id": 9, "layer": 0, "first_cell": 0, "values": [0.5] * 16}
    changes = (
        ("of another map", {"map_id": 8}),
        ("layer 2", {"layer": 2}),
        ("past the end", {"first_cell": 10, "values": [0.5] * 8}),
        ("with no values", {"values": []}),
    )
    for rule, change in changes:
        _map(p, f"CHUNK {rule}", chunk, {**cells, **change}, "INVALID")
    _map(p, "CHUNK", chunk, cells, "OK")
    _map(p, "END, a layer missing", end, {"map_id": 9, "map_crc": 0}, "INCOMPLETE", detail=16)
    _map(p, "CHUNK", chunk, {**cells, "layer": 1}, "OK")
    _map(p, "END, another CRC", end, {"map_id": 9, "map_crc": 0}, "INCOMPLETE", detail=32)
    _map(p, "END, another map id", end, {"map_id": 7, "map_crc": 0}, "INCOMPLETE", detail=nothing)
    grid = np.full((4, 4), 0.5, np.float32)
    _, _, whole = transfer(HazardMap(grid, grid, 2.0, (-4.0, -4.0)), 9)
    _map(p, "END, whole", end, whole, "OK")
    p.sensor(0, hazard_map_ready=1)
    p.expect("a whole map flown", [command(0)])
    _map(p, "BEGIN cells 0 drops the whole map", begin, {**good, "cells": 0}, "INVALID")
    p.sensor(1, hazard_map_ready=1)
    p.expect("the map dropped", [fault("MAP_INCOMPLETE", step=1), command(1)])


def ack_request_rules(p: Probe) -> None:
    p.open()
    beat = ("uptime_ms", "frames_received", "crc_errors", "resyncs", "stack_high_water_B")
    answer = {f.name: 0 for f in SPEC.messages["COMMAND"].fields}
    for name, fields, status in (
        ("TEXT", {"severity": 1, "text": "from the world"}, "OK"),
        ("HEARTBEAT", dict.fromkeys(beat, 0), "OK"),
        ("FAULT", {"code": FAULT_CODE["INTERNAL"], "step": 0, "text": "from the world"}, "OK"),
        ("COMMAND", {**answer, "thrust_S_N": (0, 0, 0), "site_S_m": (0, 0, 0)}, "UNSUPPORTED"),
    ):
        p.send(name, fields, flags=ACK_REQUEST)
        p.expect(f"{name} with ACK_REQUEST", [ack(name, status)])
    p.send("ACK", ack("PARAMS", detail=0, acked_seq=0)[1], flags=ACK_REQUEST)
    p.expect("ACK with ACK_REQUEST", [])


def end_rules(p: Probe, caps: int) -> None:
    """FAULT_INJECT and GOODBYE: each ends the session (or is refused)."""
    p.open()
    p.send("FAULT_INJECT", {"kind": 99, "param": 0})
    p.expect("FAULT_INJECT kind 99", [ack("FAULT_INJECT", "UNSUPPORTED")])
    offers = bool(caps & CAPABILITY["INJECT_RESET"])
    p.send("FAULT_INJECT", {"kind": INJECT_KIND["RESET"], "param": 0})
    p.expect("FAULT_INJECT RESET", [ack("FAULT_INJECT", "OK" if offers else "UNSUPPORTED")])
    if offers:
        p.sensor(0)
        p.expect("SENSOR_FRAME after a reset", [fault("NO_SESSION", step=0, session=p.session)])
    p.open()
    p.send("GOODBYE", {"reason": 0}, flags=ACK_REQUEST)
    p.expect("GOODBYE with ACK_REQUEST", [ack("GOODBYE")])
    p.sensor(0)
    p.expect("SENSOR_FRAME after GOODBYE", [fault("NO_SESSION", step=0, session=p.session)])


def line_rules(p: Probe) -> None:
    p.open()
    p.link.write(bytes(random.Random(7).randrange(1, 256) for _ in range(50)))
    p.sensor(0)
    p.expect("garbage before a frame", [command(0)])
    p.link.write(b"\x01" * 1100)
    p.sensor(1)
    p.expect("an oversize run before a frame", [command(1)])
    sensor = SPEC.messages["SENSOR_FRAME"].type
    payload = encode_payload("SENSOR_FRAME", {**SENSOR, "step": 2})
    _, data = p.link.build(sensor, payload, p.session)
    p.link.write(data[:30] + bytes([data[30] ^ 0x40 or 1]) + data[31:])
    p.expect("a CRC error", [])
    p.link.send_raw(sensor, payload[:-1], p.session)
    p.expect("a SENSOR_FRAME one byte short", [])
    p.link.send_raw(0x7F, b"\x01\x02", p.session, ACK_REQUEST)
    p.expect("an unknown type", [])
    p.sensor(3)
    p.expect("the frame after", [command(3)])


def heartbeat_rules(p: Probe, caps: int) -> None:
    p.open()
    if not caps & CAPABILITY["HEARTBEAT"]:
        return
    deadline = time.monotonic() + 2.5
    while (left := deadline - time.monotonic()) > 0:
        f = p.link.recv(left)
        if f is not None and f.name == "HEARTBEAT" and f.session == p.session:
            return
    p.found.append("HEARTBEAT: none in 2.5 s of an open session (the board offers HEARTBEAT)")


def run_probes(link: Link) -> tuple[list[str], dict[str, Any]]:
    """Every rule probed: (the disagreements, the board's HELLO_ACK)."""
    p = Probe(link)
    link.write(b"\x00")
    p.open(configure=False)
    hello = p.last[0].fields if p.last else {}
    caps = int(hello.get("capabilities", 0))
    for probe in (hello_rules, outside_rules, open_rules, params_rules, step_rules):
        probe(p)
    for probe in (map_rules, ack_request_rules, line_rules):
        probe(p)
    end_rules(p, caps)
    heartbeat_rules(p, caps)
    return p.found, hello
