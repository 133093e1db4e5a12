"""A clean-room world, from docs/protocol.md's "Sessions" and "The world".

``WireWorld`` is a hilander flight computer (``reset(config)``,
``step(frame) -> command``) that does all the wire work: ``reset`` opens a
session (0x00, HELLO, PARAMS), ``step`` sends the hazard map when the frame
carries one, then SENSOR_FRAME k, and returns COMMAND k, in lockstep with
resends on the adaptive wait (RFC 6298). ``hilander.sim.run.fly(scenario,
WireWorld(...))`` then flies hilander's plant while this module speaks.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from hilander.controller.config import LawConfig
from hilander.controller.interface import Command, HazardMap, SensorFrame
from tests.acceptance.cleanroom import hazard, params
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
    Frame,
    Link,
)

STATUS_NAME = {v: k for k, v in ACK_STATUS.items()}
WANTS = ("LOCKSTEP", "HAZARD_MAP", "HEARTBEAT")
MAX_RESETS = 5
MAP_TRANSFERS = 3
MAP_TRIES = 10


class LinkFailedError(Exception):
    """No session, a stall, or a board that keeps resetting."""


class SessionLostError(Exception):
    """FAULT NO_SESSION in our own session: the board rebooted."""


class WireWorld:
    """The world's side of the wire, as a hilander FlightComputer."""

    def __init__(self, link: Link, timeout: float = 0.25, reset_at: tuple[int, ...] = ()) -> None:
        self.link, self.timeout, self.reset_at = link, timeout, set(reset_at)
        self.retries, self.stall_after = 3, 10.0  # --retries, --stall-after: their defaults
        self.rto, self.srtt, self.rttvar = timeout, 0.0, 0.0
        self.session = 0
        self.sessions: list[int] = []
        self.config: LawConfig | None = None
        self.map: HazardMap | None = None
        self.map_due = False
        self.map_ids = itertools.count(1)
        self.recent: deque[bytes] = deque(maxlen=256)
        self.hello_ack: dict[str, Any] = {}
        self.board_info: dict[str, Any] | None = None
        self.heartbeat: dict[str, Any] | None = None
        self.faults: list[dict[str, Any]] = []
        self.texts: list[dict[str, Any]] = []
        counted = ("duplicates", "stale_commands", "late_acks", "resends", "resets", "maps")
        self.counts = dict.fromkeys((*counted, "heartbeats", "injected"), 0)

    # -- the flight computer --
    def reset(self, config: object) -> None:
        if not isinstance(config, LawConfig):
            raise TypeError("WireWorld.reset needs a LawConfig")
        self.config = config
        self.open()

    def step(self, frame: SensorFrame) -> Command:
        fields = {
            f.name: _wire(getattr(frame, f.name)) for f in SPEC.messages["SENSOR_FRAME"].fields
        }
        if frame.hazard_map_ready and frame.hazard_map is not None:
            self.map, self.map_due = frame.hazard_map, True
        if frame.step in self.reset_at:
            self.inject_reset()
        while True:
            try:
                if self.map_due:
                    self.send_map()
                    self.map_due, fields["hazard_map_ready"] = False, 1
                return self.lockstep(fields)
            except SessionLostError:
                self.counts["resets"] += 1
                if self.counts["resets"] > MAX_RESETS:
                    raise LinkFailedError("link_lost: more than 5 resets") from None
                self.open()
                self.map_due = self.map is not None

    def inject_reset(self) -> None:
        """FAULT_INJECT RESET: the board reboots; the next frame finds it without a session."""
        inject = {"kind": INJECT_KIND["RESET"], "param": 0}
        answer = self.request("FAULT_INJECT", inject, _ack_of("FAULT_INJECT"), self.retries + 1)
        if answer.fields["status"] != ACK_STATUS["OK"]:
            raise LinkFailedError(
                f"FAULT_INJECT RESET answered {STATUS_NAME.get(answer.fields['status'])}"
            )
        self.counts["injected"] += 1

    def close(self) -> None:
        """GOODBYE (with ACK_REQUEST: the board's ACK comes before the session ends)."""
        if self.session:
            self.request("GOODBYE", {"reason": 0}, _ack_of("GOODBYE"), tries=1, flags=ACK_REQUEST)
            self.session = 0

    # -- the session --
    def open(self) -> None:
        assert self.config is not None
        self.session = random.choice([s for s in range(1, 0x10000) if s not in self.sessions[-1:]])
        self.sessions.append(self.session)
        self.link.write(b"\x00")
        hello = {
            "schema_hash": SCHEMA_HASH,
            "capabilities": sum(CAPABILITY[c] for c in WANTS),
            "mode": MODE["LOCKSTEP"],
            "control_rate_Hz": self.config.control_rate_Hz,
        }
        ack = self.request("HELLO", hello, self.hello_answer, self.retries + 1)
        self.hello_ack = ack.fields
        if ack.fields["status"] != ACK_STATUS["OK"]:
            raise LinkFailedError(f"HELLO answered {STATUS_NAME.get(ack.fields['status'])}")
        values = params.config_to_values(self.config)
        ack = self.request("PARAMS", {"values": values}, _ack_of("PARAMS"), self.retries + 1)
        if ack.fields["status"] != ACK_STATUS["OK"]:
            raise LinkFailedError(
                f"PARAMS answered {STATUS_NAME.get(ack.fields['status'])}: {self.faults}"
            )

    def hello_answer(self, f: Frame) -> bool:
        return f.name == "HELLO_ACK" and f.session == self.session

    def send_map(self) -> None:
        assert self.map is not None
        for _ in range(MAP_TRANSFERS):
            begin, chunks, end = hazard.transfer(self.map, next(self.map_ids) & 0xFFFF)
            self.request(
                "HAZARD_MAP_BEGIN", begin, _ack_of("HAZARD_MAP_BEGIN"), MAP_TRIES, ACK_REQUEST
            )
            for chunk in chunks:
                self.request(
                    "HAZARD_MAP_CHUNK", chunk, _ack_of("HAZARD_MAP_CHUNK"), MAP_TRIES, ACK_REQUEST
                )
            answer = self.request("HAZARD_MAP_END", end, _ack_of("HAZARD_MAP_END"), MAP_TRIES)
            if answer.fields["status"] == ACK_STATUS["OK"]:
                self.counts["maps"] += 1
                return
        raise LinkFailedError(
            f"link_lost: the board never took the hazard map whole: {answer.fields}"
        )

    # -- requests and steps --
    def request(
        self,
        name: str,
        fields: dict[str, Any],
        answered: Callable[[Frame], bool],
        tries: int,
        flags: int = 0,
    ) -> Frame:
        """Send until answered: waits max(RTO, 0.5 s), doubled each try up to 4 s."""
        wait = max(self.rto, 0.5)
        seqs: set[int] = set()
        for attempt in range(tries):
            seqs.add(self.link.send(name, fields, self.session, flags | (RESEND if attempt else 0)))
            answer = self.wait_for(lambda f: answered(f) and _acks(f, seqs), wait)
            if answer is not None:
                return answer
            wait = min(2 * wait, 4.0)
        raise LinkFailedError(f"{name} not answered after {tries} tries")

    def lockstep(self, fields: dict[str, Any]) -> Command:
        k = fields["step"]
        first = time.monotonic()
        wait, tries = self.rto, 0

        def ours(f: Frame) -> bool:
            return f.name == "COMMAND" and f.session == self.session and f.fields["step"] == k

        while True:
            sent = time.monotonic()
            self.link.send("SENSOR_FRAME", fields, self.session, RESEND if tries else 0)
            answer = self.wait_for(ours, wait)
            if answer is not None:
                if tries == 0:  # Karn: a resent frame gives no sample
                    self.sample(time.monotonic() - sent)
                return Command(**{n: _record(v) for n, v in answer.fields.items()})
            tries += 1
            self.counts["resends"] += 1
            self.rto = wait = min(2 * wait, 4.0)
            if time.monotonic() - first > self.stall_after and tries > self.retries:
                raise LinkFailedError(f"stall: no COMMAND {k} in {time.monotonic() - first:.1f} s")

    def sample(self, rtt: float) -> None:
        if self.srtt == 0.0:
            self.srtt, self.rttvar = rtt, rtt / 2
        else:
            self.rttvar = 0.75 * self.rttvar + 0.25 * abs(self.srtt - rtt)
            self.srtt = 0.875 * self.srtt + 0.125 * rtt
        self.rto = min(max(self.srtt + max(self.timeout, 4 * self.rttvar), self.timeout), 4.0)

    def wait_for(self, answered: Callable[[Frame], bool], wait: float) -> Frame | None:
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            f = self.link.recv(left)
            if f is None or f.name is None:
                continue
            if f.raw in self.recent:
                self.counts["duplicates"] += 1
                continue
            self.recent.append(f.raw)
            if answered(f):
                return f
            self.observe(f)
        return None

    def observe(self, f: Frame) -> None:
        """A frame that answers nothing waited for."""
        if f.name == "COMMAND":
            self.counts["stale_commands"] += 1
        elif f.name == "ACK":
            self.counts["late_acks"] += 1
        elif f.name == "BOARD_INFO" and f.session == self.session:
            self.board_info = f.fields
        elif f.name == "HEARTBEAT" and f.session == self.session:
            self.heartbeat = f.fields
            self.counts["heartbeats"] += 1
        elif f.name == "TEXT":
            self.texts.append(f.fields)
        elif f.name == "FAULT":
            self.faults.append({**f.fields, "session": f.session})
            if f.fields["code"] == FAULT_CODE["NO_SESSION"] and f.session == self.session:
                raise SessionLostError


def _ack_of(name: str) -> Callable[[Frame], bool]:
    type_ = SPEC.messages[name].type
    return lambda f: f.name == "ACK" and f.fields["acked_type"] == type_


def _acks(f: Frame, seqs: set[int]) -> bool:
    return f.name != "ACK" or f.fields["acked_seq"] in seqs


def _wire(v: Any) -> Any:
    return int(v) if isinstance(v, bool) else v


def _record(v: Any) -> Any:
    return tuple(float(x) for x in v) if isinstance(v, tuple) else v
