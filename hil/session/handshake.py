"""Opening a session with a board, and the requests that wait for an ACK.

HELLO -> HELLO_ACK checks the protocol version and the schema hash once and
fails loudly, naming both sides; PARAMS -> ACK configures the flight computer;
a hazard map goes as BEGIN, chunks, END -> ACK. Every wait is bounded: the
first is the adaptive RTO (at least 0.5 s), each resend waits twice as long
(up to the RTO's ceiling), and an answer to any try is taken.
"""

from __future__ import annotations

import time
from typing import Any

from hilander.controller.config import LawConfig
from hilander.controller.interface import HazardMap
from hilander.hil.link.link import Link
from hilander.hil.link.transport import WriteTimeout
from hilander.hil.session.linkstats import LinkStats
from hilander.hil.session.options import HANDSHAKE_FIRST_WAIT_S, SessionOptions
from hilander.hil.session.rto import RetransmitTimer
from hilander.hil.wire.codec import Packet, VersionMismatch
from hilander.hil.wire.mapxfer import map_messages
from hilander.hil.wire.protocol import (
    FLAG_ACK_REQUEST,
    FLAG_RESEND,
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    SPEC_BY_CLASS,
    Ack,
    AckStatus,
    BoardInfo,
    Capability,
    Fault,
    FaultCode,
    HazardMapEnd,
    Heartbeat,
    Hello,
    HelloAck,
    Mode,
    Text,
    params_message,
)

WANTED = Capability.LOCKSTEP | Capability.HAZARD_MAP
MAP_CHUNK_TRIES = 10  # the map is not time-critical in lockstep: be patient on bad lines


class HandshakeError(ConnectionError):
    """The board would not open a session; str() is one line that says why."""


class Handshaker:
    def __init__(self, link: Link, options: SessionOptions, stats: LinkStats, seed: int) -> None:
        self.link = link
        self.options = options
        self.stats = stats
        self._sessions = 0
        self._seed = seed
        self.open = False
        self.rebooted = False
        self.capabilities = 0
        self.board_name = ""
        self._map_id = 0
        self.map_incomplete = False
        self.echoed = False
        self.timer = RetransmitTimer(options.timeout_s)  # shared with the lockstep steps

    def _new_session_id(self) -> int:
        self._sessions += 1
        return (self._seed * 40503 + self._sessions * 2654435761) % 0xFFFF + 1

    def connect(self, config: LawConfig) -> None:
        """HELLO, then PARAMS; HandshakeError if the board will not have it."""
        self.open = False
        self.rebooted = False
        link = self.link
        link.session_id = self._new_session_id()
        link.restart_sequence()
        link.write(b"\0", frames=0)  # a delimiter first: the board drops any half frame it holds
        mode = self.options.mode
        hello = Hello(
            SCHEMA_HASH,
            int(WANTED | _mode_capability(mode)),
            int(mode),
            float(config.control_rate_Hz),
        )
        session = link.session_id

        def is_answer(p: Packet) -> bool:
            return isinstance(p.msg, HelloAck | VersionMismatch) and p.session_id == session

        ack = self._exchange(hello, is_answer, "HELLO")
        self._check_hello(ack)
        if not self.request(params_message(config)):
            raise HandshakeError("the board rejected PARAMS (the law's configuration)")
        self.open = True

    def _check_hello(self, p: Packet) -> None:
        msg = p.msg
        if isinstance(msg, VersionMismatch):
            raise HandshakeError(
                f"protocol version mismatch: the board speaks v{msg.version}, "
                f"this host speaks v{PROTOCOL_VERSION}"
            )
        assert isinstance(msg, HelloAck)
        if msg.status == AckStatus.SCHEMA_MISMATCH:
            raise HandshakeError(
                f"schema mismatch (protocol v{PROTOCOL_VERSION} both): the board has schema "
                f"{msg.schema_hash:#010x}, this host {SCHEMA_HASH:#010x}; rebuild the firmware "
                "from this version's protocol"
            )
        if msg.status != AckStatus.OK:
            raise HandshakeError(f"the board refused the session: {_status(msg.status)}")
        wanted = _mode_capability(self.options.mode)
        if not msg.capabilities & wanted:
            raise HandshakeError(f"the board does not offer {wanted.name} mode")
        self.capabilities = msg.capabilities
        self.board_name = msg.board_name

    def request(self, msg: Any, flags: int = 0, tries: int | None = None) -> bool:
        """Send a message that the board ACKs; True if it said OK."""
        seqs: list[int] = []

        def answer(p: Packet) -> bool:
            return isinstance(p.msg, Ack) and p.msg.acked_seq in seqs

        p = self._exchange(msg, answer, SPEC_BY_CLASS[type(msg)].name, seqs, flags, tries)
        return bool(p.msg.status == AckStatus.OK)

    def send_map(self, hazard_map: HazardMap) -> None:
        """The map in chunks; in lockstep, resent until the board has it whole."""
        self._map_id = (self._map_id + 1) & 0xFFFF
        self.map_incomplete = False
        msgs = map_messages(hazard_map, self._map_id)
        if self.options.mode == Mode.REALTIME:
            try:
                for m in msgs:
                    self.link.send(m)
            except WriteTimeout:  # lateness: the map goes again before the next frame
                self.stats.write_timeouts += 1
                self.map_incomplete = True
            return
        for m in msgs[:-1]:
            self.request(m, FLAG_ACK_REQUEST, MAP_CHUNK_TRIES)
        if not self.request(msgs[-1], tries=MAP_CHUNK_TRIES):
            raise HandshakeError("the board never took the hazard map whole")

    def _exchange(
        self,
        msg: Any,
        is_answer: Any,
        name: str,
        seqs: list[int] | None = None,
        flags: int = 0,
        tries: int | None = None,
    ) -> Packet:
        o = self.options
        tries = o.retries + 1 if tries is None else max(tries, o.retries + 1)
        wait_s = max(self.timer.rto_s, HANDSHAKE_FIRST_WAIT_S)
        first_sent = time.monotonic()
        for attempt in range(tries):
            seq = self.link.next_seq
            if seqs is not None:
                seqs.append(seq)
            self.link.send(msg, flags | (FLAG_RESEND if attempt else 0))
            deadline = time.monotonic() + wait_s
            while (p := self.link.receive(deadline - time.monotonic())) is not None:
                if is_answer(p):
                    if attempt == 0:  # Karn's rule: a resent request's answer is ambiguous
                        self.timer.sample(time.monotonic() - first_sent)
                    return p
                self.late(p)
            self.stats.timeouts += 1
            wait_s = min(2 * wait_s, max(self.timer.ceiling_s, HANDSHAKE_FIRST_WAIT_S))
        hint = (
            "the line echoes what is sent back: a loopback, or a terminal in echo mode?"
            if self.echoed
            else f"is a board running on {self.link.transport.name}?"
        )
        waited = time.monotonic() - first_sent
        raise HandshakeError(f"no answer to {name} after {tries} tries in {waited:.1f} s ({hint})")

    def late(self, p: Packet) -> None:
        """A packet that is not what we wait for: count it, keep reports."""
        msg, s = p.msg, self.stats
        s.heard()
        if isinstance(msg, Fault):
            if msg.code == FaultCode.NO_SESSION and p.session_id == self.link.session_id:
                self.rebooted = True
            else:
                s.board_fault(msg)
        elif isinstance(msg, Text):
            s.board_text(msg.text)
        elif isinstance(msg, Heartbeat):
            s.board_heartbeat = msg
        elif isinstance(msg, BoardInfo):
            s.board_info = msg
        elif isinstance(msg, Ack) and msg.acked_type == _END_TYPE and msg.status != AckStatus.OK:
            s.board_text(f"hazard map arrived incomplete ({msg.detail} cells missing)")
            self.map_incomplete = True
        elif isinstance(msg, Ack):
            s.late_acks += 1
        elif isinstance(msg, Hello):
            self.echoed = True  # our own HELLO came back
        else:
            s.stale_commands += 1


_END_TYPE = SPEC_BY_CLASS[HazardMapEnd].type_id


def _mode_capability(mode: Mode) -> Capability:
    return Capability.REALTIME if mode == Mode.REALTIME else Capability.LOCKSTEP


def _status(status: int) -> str:
    known = status in AckStatus._value2member_map_
    return AckStatus(status).name if known else f"status {status}"
