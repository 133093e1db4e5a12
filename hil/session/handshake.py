"""Opening a session with a board, and the requests that wait for an ACK.

HELLO -> HELLO_ACK checks the protocol version and the schema hash once and
fails loudly, naming both sides; PARAMS -> ACK configures the flight computer;
a hazard map goes as BEGIN, chunks, END -> ACK. Every wait is bounded: the
first is the adaptive RTO (at least 0.5 s), each resend waits twice as long
(up to the RTO's ceiling), and an answer to any try is taken.

A map the board did not take whole (END answered other than OK) goes again,
BEGIN to END, at most ``MAP_TRANSFERS`` transfers of one map in a session:
in lockstep at once, and then the landing ends (HandshakeError); in real
time before the next frame, and then it is given up (``maps_given_up``) and
the board flies without it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from hilander.controller.config import LawConfig
from hilander.controller.interface import Command, HazardMap
from hilander.hil.link.link import Link
from hilander.hil.link.transport import WriteTimeout
from hilander.hil.session.linkstats import LinkStats, heard_as
from hilander.hil.session.options import HANDSHAKE_FIRST_WAIT_S, SessionOptions
from hilander.hil.session.rto import RetransmitTimer
from hilander.hil.wire.codec import Packet, VersionMismatch
from hilander.hil.wire.mapxfer import map_messages
from hilander.hil.wire.params import PARAMS_COUNT_WRONG
from hilander.hil.wire.protocol import (
    FLAG_ACK_REQUEST,
    FLAG_RESEND,
    PARAM_NAMES,
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
MAP_TRANSFERS = 3  # whole transfers of one map (the first and 2 again), then no more
log = logging.getLogger(__name__)


class HandshakeError(ConnectionError):
    """The board would not open a session; str() is one line that says why."""


class SessionLostError(HandshakeError):
    """A request of an open session was answered FAULT NO_SESSION (or
    UNEXPECTED) in that session: the board lost it meanwhile. The caller opens
    a new session; the request is not waited for any longer."""


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
        self.map_transfers = 0  # transfers of the current map so far
        self.map_incomplete = False  # real time: the last transfer did not go whole
        self._end_seq: int | None = None  # real time: the last END sent, whose ACK tells
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
        log.debug("HELLO_ACK: capabilities %#x, schema %#010x", self.capabilities, SCHEMA_HASH)
        answer = self._ask(params_message(config))
        if answer.status != AckStatus.OK:
            raise HandshakeError(f"the board rejected PARAMS: {_params_blame(answer)}")
        self.open = True
        log.info("session %#06x open: board %r", session, self.board_name)

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
        return bool(self._ask(msg, flags, tries).status == AckStatus.OK)

    def _ask(self, msg: Any, flags: int = 0, tries: int | None = None) -> Ack:
        """Send a message that the board ACKs; its ACK."""
        seqs: list[int] = []

        def answer(p: Packet) -> bool:
            return isinstance(p.msg, Ack) and p.msg.acked_seq in seqs

        p = self._exchange(msg, answer, SPEC_BY_CLASS[type(msg)].name, seqs, flags, tries)
        assert isinstance(p.msg, Ack)
        return p.msg

    def send_map(self, hazard_map: HazardMap, again: bool = False) -> None:
        """A transfer of the map: the first of a map, or ``again`` the same map
        (the board did not take it whole). In lockstep, sent until the board
        has it whole, at most MAP_TRANSFERS times; in real time, one transfer
        without waits (END's ACK comes later, to ``late``)."""
        if not again:
            self.map_transfers = 0
        if self.options.mode == Mode.REALTIME:
            self._send_map_realtime(hazard_map)
            return
        while True:
            msgs = self._transfer(hazard_map)
            log.info("hazard map %d: transfer %d", self._map_id, self.map_transfers)
            for m in msgs[:-1]:
                self.request(m, FLAG_ACK_REQUEST, MAP_CHUNK_TRIES)
            ack = self._ask(msgs[-1], tries=MAP_CHUNK_TRIES)
            if ack.status == AckStatus.OK:
                return
            why = f"{_status(ack.status)}, {ack.detail} cells missing"
            self.stats.board_text(f"hazard map {self._map_id} not taken whole: {why}")
            if self.map_transfers >= MAP_TRANSFERS:
                n = hazard_map.cells
                first = (self._map_id - self.map_transfers + 1) & 0xFFFF
                raise HandshakeError(
                    f"the board never took the hazard map ({n} x {n} cells) whole: "
                    f"{self.map_transfers} transfers (map ids {first}-{self._map_id}), "
                    f"the last answered {why}"
                )

    def _transfer(self, hazard_map: HazardMap) -> list[Any]:
        """The messages of the next transfer (BEGIN, chunks, END), a new map id."""
        self._map_id = (self._map_id + 1) & 0xFFFF
        self.map_transfers += 1
        self.map_incomplete = False
        return map_messages(hazard_map, self._map_id)

    def _send_map_realtime(self, hazard_map: HazardMap) -> None:
        msgs = self._transfer(hazard_map)
        self._end_seq = None
        try:
            for m in msgs[:-1]:
                self.link.send(m)
            end_seq = self.link.next_seq
            self.link.send(msgs[-1])
            self._end_seq = end_seq
        except WriteTimeout:  # lateness: the map goes again before the next frame
            self.stats.write_timeouts += 1
            self._map_not_whole("not written in time")

    def _map_not_whole(self, why: str) -> None:
        """Real time: the last transfer did not go whole. Again before the next
        frame, or, after MAP_TRANSFERS transfers, given up: the board flies
        without it."""
        self.stats.board_text(f"hazard map {self._map_id} not taken whole: {why}")
        if self.map_transfers < MAP_TRANSFERS:
            self.map_incomplete = True
            return
        self.stats.maps_given_up += 1
        self.stats.board_text(
            f"hazard map given up after {self.map_transfers} transfers: the board flies without it"
        )

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
                if self.open and self.rebooted:
                    raise SessionLostError(f"the board lost the session during {name}")
            self.stats.timeouts += 1
            log.debug("%s: no answer in %.3f s (try %d of %d)", name, wait_s, attempt + 1, tries)
            wait_s = min(2 * wait_s, max(self.timer.ceiling_s, HANDSHAKE_FIRST_WAIT_S))
        hint = (
            "the line echoes what is sent back: a loopback, or a terminal in echo mode?"
            if self.echoed
            else f"is a board running on {self.link.transport.name}?"
        )
        waited = time.monotonic() - first_sent
        raise HandshakeError(f"no answer to {name} after {tries} tries in {waited:.1f} s ({hint})")

    def late(self, p: Packet) -> None:
        """A packet that is not what we wait for (just received from the link):
        count it, keep reports. Each is noted as heard, in our session or
        another's (the stall's message). A duplicate is counted by the link,
        and a frame of another protocol version by its decoder, and nothing
        more. The last HEARTBEAT kept is the last one of our session."""
        msg, s = p.msg, self.stats
        ours = p.session_id == self.link.session_id and not isinstance(msg, VersionMismatch)
        s.heard(heard_as(msg, self.link.duplicate), ours)
        if self.link.duplicate or isinstance(msg, VersionMismatch):
            return
        if isinstance(msg, Fault):
            if msg.code in LOST and ours:  # the board rebooted, or lost its PARAMS
                self.rebooted = True
            else:
                s.board_fault(msg)
        elif isinstance(msg, Text):
            s.board_text(msg.text)
        elif isinstance(msg, Heartbeat):
            s.board_heartbeat = msg if ours else s.board_heartbeat
        elif isinstance(msg, BoardInfo):
            s.board_info = msg
        elif isinstance(msg, Ack):
            self._late_ack(msg, ours)
        elif isinstance(msg, HelloAck):
            s.late_acks += 1  # to a HELLO answered already, or given up on
        elif isinstance(msg, Hello):
            self.echoed = True  # our own HELLO came back
        elif isinstance(msg, Command):
            s.stale_commands += 1  # of another session, or during an exchange

    def _late_ack(self, msg: Ack, ours: bool) -> None:
        """An ACK not waited for: in real time, the one to the last map's END
        (not whole: the map again, or given up); any other is late."""
        if ours and msg.acked_type == _END_TYPE and msg.acked_seq == self._end_seq:
            self._end_seq = None
            if msg.status != AckStatus.OK:
                self._map_not_whole(f"{_status(msg.status)}, {msg.detail} cells missing")
        else:
            self.stats.late_acks += 1


_END_TYPE = SPEC_BY_CLASS[HazardMapEnd].type_id
# Faults in the world's own session that say the board has lost the session's
# state: a reboot (NO_SESSION), or its configuration gone (UNEXPECTED: a
# SENSOR_FRAME before PARAMS, after a late copy of a HELLO opened it afresh).
# Either way the world opens a new session and goes on (docs/protocol.md).
LOST = (FaultCode.NO_SESSION, FaultCode.UNEXPECTED)


def _params_blame(ack: Ack) -> str:
    """What a PARAMS refusal names: the field (ACK INVALID's detail), or its status."""
    if ack.status == AckStatus.INVALID and ack.detail < len(PARAM_NAMES):
        return f"{PARAM_NAMES[ack.detail]} breaks its rule (docs/protocol.md, PARAMS)"
    if ack.status == AckStatus.INVALID and ack.detail == PARAMS_COUNT_WRONG:
        return f"the board takes another number of values than this host's {len(PARAM_NAMES)}"
    return f"{_status(ack.status)}, detail {ack.detail}"


def _mode_capability(mode: Mode) -> Capability:
    return Capability.REALTIME if mode == Mode.REALTIME else Capability.LOCKSTEP


def _status(status: int) -> str:
    known = status in AckStatus._value2member_map_
    return AckStatus(status).name if known else f"status {status}"
