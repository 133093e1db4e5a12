"""The world at the byte level: frames with any header, every answer kept.

A ``Probe`` writes frames whose every header field it chooses (version,
flags, session id, sequence number), or raw bytes, and keeps every packet the
board sends, with the time it was read, in ``heard``. Waiting is for a
packet that matches: presence is waited for generously (``wait_s``); absence
is judged behind a *fence*, a frame the board must answer, since a board
answers in the order it reads (``settle``), and over a short quiet window
(``quiet_s``) when the fence itself goes unanswered. ``flush`` puts a fence
behind everything sent so far and forgets what came before it. Nothing here knows the
rules; ``context`` and the cases do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import crc32c
from cobs import cobs

from hilander.hil.link.transport import Transport
from hilander.hil.wire.codec import Decoder, Packet, VersionMismatch, encode
from hilander.hil.wire.protocol import (
    HEADER,
    PROTOCOL_VERSION,
    SPEC_BY_CLASS,
    SPEC_BY_ID,
    Ack,
    AckStatus,
    BoardInfo,
    Fault,
    FaultCode,
    FaultInject,
    Heartbeat,
    Text,
)

Match = Callable[[Packet], bool]
# What a board sends of its own accord: never an answer to a frame.
UNSOLICITED = (Heartbeat, Text, BoardInfo)
FENCE_KIND = 0xEE  # a FAULT_INJECT kind no board has: answered ACK UNSUPPORTED (or NO_SESSION)
READ_SLICE_S = 0.05


@dataclass(frozen=True)
class Sent:
    """A frame as written: its sequence number, session, type and bytes."""

    seq: int
    session_id: int
    type_id: int
    data: bytes


@dataclass(frozen=True)
class Heard:
    """A packet from the board and when it was read (monotonic seconds)."""

    at_s: float
    packet: Packet


@dataclass(frozen=True)
class Timing:
    """How long to wait for an answer, and how long silence counts as none."""

    wait_s: float = 3.0
    quiet_s: float = 0.4


class Probe:
    def __init__(self, transport: Transport, timing: Timing | None = None) -> None:
        self.transport = transport
        self.timing = timing or Timing()
        self.decoder = Decoder()
        self.heard: list[Heard] = []
        self.session = 0
        self._seq = 0

    # -- writing -------------------------------------------------------------

    def frame(
        self,
        msg: Any,
        *,
        session: int | None = None,
        flags: int = 0,
        version: int = PROTOCOL_VERSION,
        seq: int | None = None,
    ) -> Sent:
        """``msg`` encoded with the header given (the next sequence number by default)."""
        if seq is None:
            seq, self._seq = self._seq, (self._seq + 1) & 0xFFFF
        sid = self.session if session is None else session
        data = encode(msg, sid, seq, flags, version)
        return Sent(seq, sid, SPEC_BY_CLASS[type(msg)].type_id, data)

    def send(self, msg: Any, **header: Any) -> Sent:
        sent = self.frame(msg, **header)
        self.write(sent.data)
        return sent

    def raw(
        self, type_id: int, payload: bytes, *, session: int | None = None, length: int | None = None
    ) -> Sent:
        """A frame of any type and payload, its CRC right (and its length
        field, unless ``length`` says otherwise)."""
        seq, self._seq = self._seq, (self._seq + 1) & 0xFFFF
        sid = self.session if session is None else session
        n = len(payload) if length is None else length
        body = HEADER.pack(PROTOCOL_VERSION, type_id, 0, sid, seq, n) + payload
        block = body + crc32c.crc32c(body).to_bytes(4, "little")
        sent = Sent(seq, sid, type_id, b"\0" + cobs.encode(block) + b"\0")
        self.write(sent.data)
        return sent

    def write(self, data: bytes) -> None:
        """Raw bytes to the board (WriteTimeout, LinkLost: the transport's)."""
        self.transport.write(data)

    # -- reading -------------------------------------------------------------

    def pump(self, timeout_s: float) -> None:
        """Read what arrives within ``timeout_s`` (at most one read)."""
        data = self.transport.read(max(timeout_s, 0.0))
        if data:
            now = time.monotonic()
            self.heard.extend(Heard(now, p) for p in self.decoder.feed(data))

    def mark(self) -> int:
        """Where the packets heard from now on start in ``heard``."""
        self.pump(0.0)
        return len(self.heard)

    def find(self, match: Match, since: int) -> int | None:
        """The index in ``heard`` of the first packet from ``since`` on that matches."""
        return next((i for i in range(since, len(self.heard)) if match(self.heard[i].packet)), None)

    def wait_for(self, match: Match, since: int, wait_s: float | None = None) -> int | None:
        """The index of the first packet from ``since`` on that matches, waiting
        up to ``wait_s`` (the generous wait by default) for it; None if none came."""
        deadline = time.monotonic() + (self.timing.wait_s if wait_s is None else wait_s)
        while (found := self.find(match, since)) is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.pump(min(remaining, READ_SLICE_S))
        return found

    def listen(self, duration_s: float) -> None:
        """Read for ``duration_s`` (everything heard is kept)."""
        end = time.monotonic() + duration_s
        while (left := end - time.monotonic()) > 0:
            self.pump(min(left, READ_SLICE_S))

    def flush(self) -> None:
        """Forget what was heard, once the board has answered all that was
        sent before (a fence in the current session): nothing of before is
        heard after."""
        self.settle(self.mark())
        self.heard.clear()

    def answers(self, since: int, until: int | None = None) -> list[Packet]:
        """Packets heard in ``[since, until)`` that answer something (heartbeats,
        log lines, BOARD_INFO and FAULT OVERRUN aside: a board sends them of
        its own accord)."""
        return [h.packet for h in self.heard[since:until] if not unsolicited(h.packet)]

    def settle(self, since: int, session: int | None = None) -> list[Packet]:
        """Every answer heard since ``since`` that came before the answer to a
        fence: a FAULT_INJECT of no known kind, answered with ACK (in a
        session) or FAULT NO_SESSION (outside one) and sent after whatever is
        being judged. A fence unanswered within the wait: the answers within
        it and a quiet window after."""
        fence = self.send(FaultInject(FENCE_KIND, 0), session=session)
        answer = self.wait_for(_fence_answer(fence), since)
        if answer is None:
            self.listen(self.timing.quiet_s)
            return [p for p in self.answers(since) if not _fence_answer(fence)(p)]
        return self.answers(since, answer)


def unsolicited(p: Packet) -> bool:
    msg = p.msg
    return isinstance(msg, UNSOLICITED) or (
        isinstance(msg, Fault) and msg.code == FaultCode.OVERRUN
    )


def _fence_answer(fence: Sent) -> Match:
    def match(p: Packet) -> bool:
        msg = p.msg
        if p.session_id != fence.session_id:
            return False
        if isinstance(msg, Ack):
            return msg.acked_seq == fence.seq and msg.acked_type == fence.type_id
        return isinstance(msg, Fault) and msg.code == FaultCode.NO_SESSION and msg.step == 0

    return match


def type_name(type_id: int) -> str:
    spec = SPEC_BY_ID.get(type_id)
    return spec.name if spec is not None else f"type {type_id:#04x}"


def status_name(status: int) -> str:
    return AckStatus(status).name if status in AckStatus._value2member_map_ else str(status)


def describe(p: Packet) -> str:
    """A packet in a few words, as the tables show what a board did."""
    msg, where = p.msg, f"session {p.session_id:#06x} seq {p.seq}"
    if isinstance(msg, VersionMismatch):
        return f"a v{msg.version} frame of {type_name(msg.type_id)} ({where})"
    name = type_name(p.type_id)
    if isinstance(msg, Ack):
        what = f"{type_name(msg.acked_type)} seq {msg.acked_seq}, {status_name(msg.status)}"
        return f"ACK({what}, detail {msg.detail}) ({where})"
    if isinstance(msg, Fault):
        code = FaultCode(msg.code).name if msg.code in FaultCode._value2member_map_ else msg.code
        return f"FAULT {code} step {msg.step} {msg.text!r} ({where})"
    if name in ("COMMAND", "SENSOR_FRAME"):
        return f"{name} {msg.step} ({where})"
    if name == "HELLO_ACK":
        return f"HELLO_ACK {status_name(msg.status)} v{msg.protocol_version} ({where})"
    return f"{name} ({where})"


def describe_all(packets: list[Packet], limit: int = 4) -> str:
    if not packets:
        return "nothing"
    shown = "; ".join(describe(p) for p in packets[:limit])
    return shown + (f"; and {len(packets) - limit} more" if len(packets) > limit else "")
