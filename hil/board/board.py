"""The controller side of the protocol: a board, virtual or served from the host.

``Board`` answers a world over any transport with a flight computer (the
Cython law by default). ``hilander board --virtual`` runs one behind a
pseudo-terminal; ``hilander serve --port URL`` runs one on a real port, for a
device that carries the world. The rules it follows are the board's rules in
docs/protocol.md; the C firmware follows the same ones.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hilander.controller.interface import Command, FlightComputer, SensorFrame
from hilander.controller.law import CompiledLaw
from hilander.controller.params import ConfigError
from hilander.hil.link.link import Link
from hilander.hil.link.transport import Transport, WriteTimeout
from hilander.hil.wire.codec import Packet, VersionMismatch
from hilander.hil.wire.mapxfer import MapAssembler
from hilander.hil.wire.params import PARAMS_COUNT_WRONG, config_from_params, params_rejection
from hilander.hil.wire.protocol import (
    FLAG_ACK_REQUEST,
    NO_SESSION,
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    SPEC_BY_CLASS,
    Ack,
    AckStatus,
    Capability,
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

HEARTBEAT_PERIOD_S = 1.0
# What a board answers with FAULT NO_SESSION outside a session (in the frame's
# own session id): every message of the world's that needs a session.
SESSION_ONLY = (SensorFrame, Params, HazardMapBegin, HazardMapChunk, HazardMapEnd, FaultInject)
HELLO_ID = SPEC_BY_CLASS[Hello].type_id
IDLE_READ_S = 0.05


@dataclass
class BoardOptions:
    name: str = "virtual"
    step_delay_s: float = 0.0  # a slow board: extra time per step
    honour_reset: bool = True  # obey FAULT_INJECT RESET
    schema_hash: int = SCHEMA_HASH  # overridable to test mismatches
    protocol_version: int = PROTOCOL_VERSION


BASE_CAPABILITIES = (
    Capability.LOCKSTEP
    | Capability.REALTIME
    | Capability.HAZARD_MAP
    | Capability.TEXT
    | Capability.HEARTBEAT
)


class Board:
    """One board: a session at a time, a flight computer, its last command."""

    def __init__(
        self,
        transport: Transport,
        make_flight_computer: Callable[[], FlightComputer] = CompiledLaw,
        options: BoardOptions | None = None,
    ) -> None:
        self.link = Link(transport)
        self.options = options or BoardOptions()
        self._make = make_flight_computer
        self.sessions = 0
        self.resets = 0
        self.write_timeouts = 0  # frames abandoned: the world did not read them in time
        self._boot()

    @property
    def session(self) -> int:
        return self.link.session_id

    def _boot(self) -> None:
        """Power on (or reboot): no session, no law, the clock from zero."""
        self._booted = time.monotonic()
        self._forget_session()

    def _forget_session(self) -> None:
        self.link.session_id = 0
        self.fc: FlightComputer | None = None
        self.maps = MapAssembler()
        self._last: tuple[int, bytes] | None = None  # (step, encoded COMMAND)
        self._heartbeat_at = time.monotonic() + HEARTBEAT_PERIOD_S

    @property
    def capabilities(self) -> int:
        caps = BASE_CAPABILITIES
        return int(caps | Capability.INJECT_RESET if self.options.honour_reset else caps)

    def serve(self, stop: threading.Event, until_goodbye: bool = False) -> None:
        """Answer until ``stop`` is set (or the first session ends, if asked).
        A port that goes away raises LinkLost; a world that stops reading
        costs the frames that could not be written (``write_timeouts``)."""
        while not stop.is_set():
            data = self.link.transport.read(IDLE_READ_S)
            if data:
                self.link.feed(data)
            while (packet := self.link.receive(0.0)) is not None:
                ended = self.handle(packet)
                if ended and until_goodbye:
                    return
            self._heartbeat()

    def handle(self, p: Packet) -> bool:
        """Act on one packet (docs/protocol.md, "The controller"); True when
        it ended a session."""
        msg = p.msg
        if isinstance(msg, Hello) or (isinstance(msg, VersionMismatch) and p.type_id == HELLO_ID):
            self._hello(p)
        elif isinstance(msg, VersionMismatch):
            pass  # another version's frame that is not a HELLO: nothing to say
        elif p.session_id != self.session or self.session == 0:
            if isinstance(msg, SESSION_ONLY):
                self._reply(Fault(FaultCode.NO_SESSION, _step(msg), "no session"), p.session_id)
        elif isinstance(msg, Goodbye):
            self._ack_if_asked(p)
            self._forget_session()
            return True
        else:
            self._in_session(p)
        return False

    def _in_session(self, p: Packet) -> None:
        msg = p.msg
        if isinstance(msg, SensorFrame):
            self._ack_if_asked(p)
            self._frame(msg)
        elif isinstance(msg, Params):
            self._params(p)
        elif isinstance(msg, HazardMapBegin | HazardMapChunk):
            taken = self.maps.start(msg) if isinstance(msg, HazardMapBegin) else self.maps.add(msg)
            self._ack_if_asked(p, AckStatus.OK if taken else AckStatus.INVALID)
        elif isinstance(msg, HazardMapEnd):
            missing = self.maps.end(msg)
            self._ack(p, AckStatus.INCOMPLETE if missing else AckStatus.OK, missing)
        elif isinstance(msg, FaultInject):
            self._inject(p, msg)
        elif isinstance(msg, Heartbeat | Text | Fault):
            self._ack_if_asked(p)  # the world's news: taken
        elif not isinstance(msg, Ack):  # a controller's own message: not for a board
            self._ack_if_asked(p, AckStatus.UNSUPPORTED)

    def _hello(self, p: Packet) -> None:
        o = self.options
        status = self._hello_status(p)
        ack = HelloAck(o.schema_hash, self.capabilities, status, o.protocol_version, o.name)
        self._write(self.link.frame(ack, 0, p.session_id, o.protocol_version))
        if status == AckStatus.OK:
            self._forget_session()
            self.link.session_id = p.session_id
            self.sessions += 1

    def _hello_status(self, p: Packet) -> AckStatus:
        """What a HELLO is answered: the first rule it breaks, or OK."""
        o, msg = self.options, p.msg
        if isinstance(msg, VersionMismatch) or o.protocol_version != PROTOCOL_VERSION:
            return AckStatus.VERSION_MISMATCH
        if msg.schema_hash != o.schema_hash:
            return AckStatus.SCHEMA_MISMATCH
        if p.session_id == NO_SESSION:
            return AckStatus.INVALID
        offered = {Mode.LOCKSTEP: Capability.LOCKSTEP, Mode.REALTIME: Capability.REALTIME}
        if msg.mode not in offered or not self.capabilities & offered[Mode(msg.mode)]:
            return AckStatus.UNSUPPORTED
        if not (math.isfinite(msg.control_rate_Hz) and msg.control_rate_Hz > 0):
            return AckStatus.INVALID
        return AckStatus.OK

    def _params(self, p: Packet) -> None:
        try:
            config = config_from_params(p.msg)
            fc = self._make()
            fc.reset(config)
        except (ValueError, TypeError) as e:
            self._reply(Fault(FaultCode.PARAMS_INVALID, 0, str(e)[:200]))
            detail = params_rejection(e) if isinstance(e, ConfigError) else PARAMS_COUNT_WRONG
            self._ack(p, AckStatus.INVALID, detail)
            return
        self.fc = fc
        self._last = None
        self._ack(p, AckStatus.OK)

    def _frame(self, frame: SensorFrame) -> None:
        if self._last is not None and frame.step <= self._last[0]:
            if frame.step == self._last[0]:
                self._write(self._last[1])  # a resend: answer again, do not step twice
            return  # an older step: the world has gone past it
        if self.fc is None:
            self._reply(Fault(FaultCode.UNEXPECTED, frame.step, "SENSOR_FRAME before PARAMS"))
            return
        if frame.hazard_map_ready:
            frame.hazard_map = self.maps.complete
            if frame.hazard_map is None:
                self._reply(Fault(FaultCode.MAP_INCOMPLETE, frame.step, "no whole hazard map"))
                frame.hazard_map_ready = False
        start = time.perf_counter_ns()
        command = _as_command(self.fc.step(frame))
        if self.options.step_delay_s > 0:
            time.sleep(self.options.step_delay_s)
        command.compute_time_us = min((time.perf_counter_ns() - start) // 1000, 0xFFFFFFFF)
        data = self.link.frame(command)
        self._last = (frame.step, data)
        self._write(data)

    def _inject(self, p: Packet, msg: FaultInject) -> None:
        if msg.kind == InjectKind.RESET and self.options.honour_reset:
            self._ack(p, AckStatus.OK)
            self.resets += 1
            self._boot()
        else:
            self._ack(p, AckStatus.UNSUPPORTED)

    def _ack(self, p: Packet, status: AckStatus, detail: int = 0) -> None:
        self._reply(Ack(p.type_id, p.seq, int(status), detail))

    def _ack_if_asked(self, p: Packet, status: AckStatus = AckStatus.OK) -> None:
        if p.flags & FLAG_ACK_REQUEST:
            self._ack(p, status)

    def _reply(self, msg: Any, session_id: int | None = None) -> None:
        self._write(self.link.frame(msg, 0, session_id))

    def _write(self, data: bytes) -> None:
        """A frame to the world; one it does not read within the transport's
        write timeout is abandoned and counted (the board goes on)."""
        try:
            self.link.write(data)
        except WriteTimeout:
            self.write_timeouts += 1

    def _heartbeat(self) -> None:
        now = time.monotonic()
        if self.session and now >= self._heartbeat_at:
            self._heartbeat_at = now + HEARTBEAT_PERIOD_S
            c = self.link.decoder.counters
            uptime_ms = int((now - self._booted) * 1e3) & 0xFFFFFFFF
            self._reply(Heartbeat(uptime_ms, c.frames, c.crc_errors, c.resyncs))


def _step(msg: Any) -> int:
    return int(getattr(msg, "step", 0))


def _as_command(c: Any) -> Command:
    if not isinstance(c, Command):
        raise TypeError(f"flight computer returned {type(c).__name__}, not a Command")
    return c
