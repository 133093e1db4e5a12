"""A scripted board for the world's tests: it answers the handshake and the
hazard map as told, and each SENSOR_FRAME with whatever the test's
``on_frame`` sends, so that the world's counters and messages can be checked
against exactly what a board sent (no thread: it answers inside the host's
write, and its read waits at most a millisecond).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from hilander.controller.interface import Command, HazardMap, SensorFrame
from hilander.hil.link.link import Link
from hilander.hil.session.options import SessionOptions
from hilander.hil.session.remote import RemoteController
from hilander.hil.wire.codec import Decoder, Packet, encode
from hilander.hil.wire.protocol import (
    FLAG_ACK_REQUEST,
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    Ack,
    AckStatus,
    Capability,
    Goodbye,
    HazardMapBegin,
    HazardMapChunk,
    HazardMapEnd,
    Hello,
    HelloAck,
    Params,
)
from hilander.sim.scenario import load_scenario
from tests.common.memlink import make_frame

CONFIG = load_scenario("default").law
CAPABILITIES = int(Capability.LOCKSTEP | Capability.REALTIME | Capability.HAZARD_MAP)


def command(step: int) -> Command:
    """The command a fake board answers for ``step``."""
    return Command(step, (0.0, 0.0, 1000.0), 0.5, 0, 0, (0.0, 0.0, 0.0), 0)


def answer(board: FakeBoard, p: Packet) -> None:
    """A good board: COMMAND k for SENSOR_FRAME k."""
    board.send(command(p.msg.step))


class FakeBoard:
    """The board's end of an in-memory line (a Transport for the world's Link)."""

    name = "fake board"

    def __init__(self, on_frame: Callable[[FakeBoard, Packet], None] = answer) -> None:
        self.on_frame = on_frame
        # cells missing in each answer to HAZARD_MAP_END (0: OK), in turn; the last stays
        self.end_missing = [0]
        self.session = 0
        self.seq = 0
        self.received: list[Packet] = []
        self._decoder = Decoder()
        self._out = bytearray()

    # -- the transport ----------------------------------------------------

    def write(self, data: bytes) -> None:
        for p in self._decoder.feed(data):
            self.received.append(p)
            self.handle(p)

    def read(self, timeout_s: float) -> bytes:
        if not self._out:
            time.sleep(min(timeout_s, 0.001))
        data, self._out = bytes(self._out), bytearray()
        return data

    def close(self) -> None:
        pass

    # -- the board --------------------------------------------------------

    def send(self, msg: Any, session: int | None = None, seq: int | None = None) -> bytes:
        """Put a frame on the line, numbered next unless ``seq`` is given."""
        if seq is None:
            seq, self.seq = self.seq, (self.seq + 1) & 0xFFFF
        data = encode(msg, self.session if session is None else session, seq)
        self._out += data
        return data

    def lose(self) -> None:
        """The line loses what the board sent and the world did not read yet."""
        self._out.clear()

    def repeat(self, data: bytes) -> None:
        """The same bytes again (a board's repeated COMMAND)."""
        self._out += data

    def handle(self, p: Packet) -> None:
        msg = p.msg
        if isinstance(msg, Hello):
            self.session = p.session_id
            self.send(HelloAck(SCHEMA_HASH, CAPABILITIES, AckStatus.OK, PROTOCOL_VERSION, "fake"))
        elif isinstance(msg, Params):
            self.ack(p, AckStatus.OK)
        elif isinstance(msg, HazardMapBegin | HazardMapChunk):
            if p.flags & FLAG_ACK_REQUEST:
                self.ack(p, AckStatus.OK)
        elif isinstance(msg, HazardMapEnd):
            missing = self.end_missing.pop(0) if len(self.end_missing) > 1 else self.end_missing[0]
            self.ack(p, AckStatus.INCOMPLETE if missing else AckStatus.OK, missing)
        elif isinstance(msg, SensorFrame):
            self.on_frame(self, p)
        elif isinstance(msg, Goodbye):
            self.session = 0

    def ack(self, p: Packet, status: AckStatus, detail: int = 0) -> None:
        self.send(Ack(p.type_id, p.seq, int(status), detail))

    def count(self, cls: type) -> int:
        """How many frames of this message type the world sent."""
        return sum(isinstance(p.msg, cls) for p in self.received)


def with_map(step: int) -> SensorFrame:
    """Frame ``step`` with a 4 x 4 hazard map ready."""
    frame = make_frame(step)
    frame.hazard_map_ready = True
    frame.hazard_map = HazardMap(
        np.zeros((4, 4), np.float32), np.zeros((4, 4), np.float32), 10.0, (-20.0, -20.0)
    )
    return frame


def controller(board: FakeBoard, **options: Any) -> RemoteController:
    """A world's remote controller on the fake board, session open."""
    rc = RemoteController(Link(board), SessionOptions(**options))
    rc.reset(CONFIG)
    return rc


__all__ = ["FakeBoard", "answer", "command", "controller", "make_frame", "with_map"]
