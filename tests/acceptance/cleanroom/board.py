"""A clean-room controller (board), from docs/protocol.md's "The controller".

``Board`` follows the doc's rules frame by frame (states NO_SESSION, OPEN,
CONFIGURED; HELLO answers; PARAMS; SENSOR_FRAME -> COMMAND with the cache of
the step last answered; the hazard map; ACK_REQUEST; FAULT_INJECT; GOODBYE;
heartbeats). ``PtyBoard`` runs one in a thread behind a pseudo-terminal whose
slave path a world opens.
"""

from __future__ import annotations

import dataclasses
import math
import os
import threading
import time
import tty
from collections.abc import Callable
from typing import Any

from hilander.controller.config import LawConfig
from hilander.controller.interface import Command, FlightComputer, SensorFrame
from tests.acceptance.cleanroom import params
from tests.acceptance.cleanroom.hazard import MapReceiver
from tests.acceptance.cleanroom.protocol import (
    ACK_REQUEST,
    ACK_STATUS,
    CAPABILITY,
    FAULT_CODE,
    INJECT_KIND,
    MODE,
    SCHEMA_HASH,
    SPEC,
    VERSION,
    FdPort,
    Frame,
    Link,
    LinkLostError,
    encode_payload,
)

CAPS = ("LOCKSTEP", "REALTIME", "HAZARD_MAP", "INJECT_RESET", "HEARTBEAT")
NEEDS_SESSION = {
    "SENSOR_FRAME",
    "PARAMS",
    "HAZARD_MAP_BEGIN",
    "HAZARD_MAP_CHUNK",
    "HAZARD_MAP_END",
    "FAULT_INJECT",
}
_BOOL = {f.name for f in dataclasses.fields(SensorFrame) if f.type in ("bool", bool)}


def sensor_frame(fields: dict[str, Any], hazard_map: Any = None) -> SensorFrame:
    """A SensorFrame from SENSOR_FRAME's fields, by name."""
    kw: dict[str, Any] = dict(fields)
    for name, v in fields.items():
        if name in _BOOL:
            kw[name] = bool(v)
        elif isinstance(v, tuple):
            kw[name] = tuple(float(x) for x in v)
    return SensorFrame(**kw, hazard_map=hazard_map)


def command_fields(c: Command) -> dict[str, Any]:
    return {f.name: getattr(c, f.name) for f in SPEC.messages["COMMAND"].fields}


class Board:
    """The controller's rules, frame by frame, over a Link."""

    def __init__(self, link: Link, law: Callable[[], FlightComputer], name: str = "cleanroom"):
        self.link, self.make_law, self.name = link, law, name
        self.caps = sum(CAPABILITY[c] for c in CAPS)
        self.modes = {MODE[m] for m in ("LOCKSTEP", "REALTIME") if m in CAPS}
        self.log: list[tuple[str, dict[str, Any]]] = []  # HEARTBEAT, TEXT, FAULT taken
        self.sessions = 0
        self.steps = 0
        self.boot()

    def boot(self) -> None:
        self.session = 0
        self.config: LawConfig | None = None
        self.law: FlightComputer | None = None
        self.cache: bytes | None = None
        self.last_step: int | None = None
        self.maps = MapReceiver()
        self.booted = self.last_heartbeat = time.monotonic()
        self.link.seq = 0

    # -- sending --
    def send(self, name: str, fields: dict[str, Any], session: int | None = None) -> int:
        return self.link.send(name, fields, self.session if session is None else session)

    def ack(self, f: Frame, status: str, detail: int = 0) -> None:
        fields = {"acked_type": f.type, "acked_seq": f.seq, "status": ACK_STATUS[status]}
        self.send("ACK", {**fields, "detail": detail}, f.session)

    def fault(self, code: str, step: int, text: str, session: int | None = None) -> None:
        self.send("FAULT", {"code": FAULT_CODE[code], "step": step, "text": text}, session)

    def hello_ack(self, session: int, status: str) -> None:
        fields = {
            "schema_hash": SCHEMA_HASH,
            "capabilities": self.caps,
            "status": ACK_STATUS[status],
            "protocol_version": VERSION,
            "board_name": self.name,
        }
        payload = encode_payload("HELLO_ACK", fields)
        self.link.send_raw(SPEC.messages["HELLO_ACK"].type, payload, session)

    # -- receiving --
    def handle(self, f: Frame) -> None:
        if f.version != VERSION:
            if f.type == SPEC.messages["HELLO"].type:
                self.hello_ack(f.session, "VERSION_MISMATCH")
            return
        if f.name is None:
            return  # an unknown type or a payload of the wrong size: counted, dropped
        if f.name == "HELLO":
            self.on_hello(f)
        elif self.session == 0 or f.session != self.session:
            if f.name in NEEDS_SESSION:
                step = f.fields["step"] if f.name == "SENSOR_FRAME" else 0
                self.fault("NO_SESSION", step, "no session", f.session)
        else:
            getattr(self, "on_" + f.name.lower())(f)

    def on_hello(self, f: Frame) -> None:
        rate = float(f.fields["control_rate_Hz"])
        if f.fields["schema_hash"] != SCHEMA_HASH:
            status = "SCHEMA_MISMATCH"
        elif f.session == 0:
            status = "INVALID"
        elif f.fields["mode"] not in self.modes:
            status = "UNSUPPORTED"
        elif not (math.isfinite(rate) and rate > 0):
            status = "INVALID"
        else:
            status = "OK"
        self.hello_ack(f.session, status)
        if status == "OK":
            self.boot_session(f.session, rate)

    def boot_session(self, session: int, rate: float) -> None:
        self.boot_keep_clock()
        self.session = session
        self.sessions += 1
        info = {
            "clock_Hz": 0,
            "control_period_us": round(1e6 / rate),
            "step_budget_instructions": 0,
            "cost_unit": SPEC.numbers["CostUnit"]["NONE"],
        }
        self.send("BOARD_INFO", info)

    def on_params(self, f: Frame) -> None:
        values = f.fields["values"]
        broken = params.check_values(values)
        if broken is None:
            try:
                config = params.values_to_config(values)
            except ValueError as e:  # LawConfig refused what the doc's rules let through
                broken = (params.INDEX.get(getattr(e, "field", ""), 0), f"LawConfig: {e}")
        if broken is not None:
            self.fault("PARAMS_INVALID", 0, broken[1])
            self.ack(f, "INVALID", broken[0])
            return
        self.config, self.law = config, self.make_law()
        self.law.reset(config)
        self.cache, self.last_step = None, None
        self.ack(f, "OK")

    def on_sensor_frame(self, f: Frame) -> None:
        k = int(f.fields["step"])
        if f.flags & ACK_REQUEST:
            self.ack(f, "OK")
        if self.law is None:
            self.fault("UNEXPECTED", k, "SENSOR_FRAME before PARAMS")
        elif self.last_step is not None and k == self.last_step and self.cache is not None:
            self.link.write(self.cache)
        elif self.last_step is None or k > self.last_step:
            self.step(f, k, self.law)

    def step(self, f: Frame, k: int, law: FlightComputer) -> None:
        ready = bool(f.fields["hazard_map_ready"])
        hazard_map = self.maps.whole if ready else None
        if ready and hazard_map is None:
            self.fault("MAP_INCOMPLETE", k, "hazard_map_ready without a whole map")
        frame = sensor_frame(f.fields, hazard_map)
        frame.hazard_map_ready = hazard_map is not None
        start = time.perf_counter()
        command = law.step(frame)
        command.compute_time_us = round((time.perf_counter() - start) * 1e6)
        command.step = k
        payload = encode_payload("COMMAND", command_fields(command))
        _, self.cache = self.link.build(SPEC.messages["COMMAND"].type, payload, self.session)
        self.link.write(self.cache)
        self.last_step = k
        self.steps += 1

    def on_hazard_map_begin(self, f: Frame) -> None:
        taken = self.maps.begin(f.fields)
        if f.flags & ACK_REQUEST:
            self.ack(f, "OK" if taken else "INVALID")

    def on_hazard_map_chunk(self, f: Frame) -> None:
        taken = self.maps.chunk(f.fields)
        if f.flags & ACK_REQUEST:
            self.ack(f, "OK" if taken else "INVALID")

    def on_hazard_map_end(self, f: Frame) -> None:
        status, detail = self.maps.end(f.fields)
        name = next(n for n, v in ACK_STATUS.items() if v == status)
        self.ack(f, name, detail)

    def on_fault_inject(self, f: Frame) -> None:
        if f.fields["kind"] == INJECT_KIND["RESET"] and self.caps & CAPABILITY["INJECT_RESET"]:
            self.ack(f, "OK")
            self.boot()
        else:
            self.ack(f, "UNSUPPORTED")

    def on_goodbye(self, f: Frame) -> None:
        if f.flags & ACK_REQUEST:
            self.ack(f, "OK")
        self.boot_keep_clock()

    def boot_keep_clock(self) -> None:
        seq, booted = self.link.seq, self.booted
        self.boot()
        self.link.seq, self.booted = seq, booted

    def taken(self, f: Frame) -> None:
        self.log.append((str(f.name), f.fields))
        if f.flags & ACK_REQUEST:
            self.ack(f, "OK")

    on_heartbeat = on_text = on_fault = taken

    def on_ack(self, f: Frame) -> None:
        """An ACK is never answered."""

    def not_taken(self, f: Frame) -> None:
        if f.flags & ACK_REQUEST:
            self.ack(f, "UNSUPPORTED")

    on_hello_ack = on_board_info = on_command = not_taken

    def heartbeat(self) -> None:
        now = time.monotonic()
        if self.session == 0 or now - self.last_heartbeat < 1.0:
            return
        self.last_heartbeat = now
        c = self.link.decoder.counters
        beat = {
            "uptime_ms": int((now - self.booted) * 1000) & 0xFFFFFFFF,
            "frames_received": c.frames,
            "crc_errors": c.crc_errors,
            "resyncs": c.resyncs,
            "stack_high_water_B": 0,
        }
        self.send("HEARTBEAT", beat)


class PtyBoard:
    """A Board in a thread behind a pseudo-terminal; ``path`` is its slave."""

    def __init__(self, law: Callable[[], FlightComputer], name: str = "cleanroom") -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        os.set_blocking(self.master, False)
        self.path = os.ttyname(self.slave)
        self.board = Board(Link(FdPort(self.master, owned=False)), law, name)
        self.stopping = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self.run, name="cleanroom-board", daemon=True)

    def __enter__(self) -> PtyBoard:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)
        os.close(self.master)
        os.close(self.slave)

    def run(self) -> None:
        link = self.board.link
        try:
            while not self.stopping.is_set():
                try:
                    frame = link.recv(0.05)
                except LinkLostError:
                    time.sleep(0.05)
                    continue
                if frame is not None:
                    self.board.handle(frame)
                self.board.heartbeat()
        except BaseException as e:  # kept for the test to report
            self.error = e
