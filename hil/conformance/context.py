"""What a case works with: the probe, the stock to send, the board's
capabilities, and the steps every case takes (a fresh session, PARAMS, a
sensor frame) with the waits and the failures they imply.

Every case starts from a known state with ``fresh()``: a HELLO with a new
session id, PARAMS from a real scenario, step 0 answered. A failure in
that set-up says "setup:" and what the board did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hilander.controller.interface import Command
from hilander.hil.conformance.case import CaseFailed, check
from hilander.hil.conformance.probe import (
    Match,
    Probe,
    Sent,
    describe,
    describe_all,
    status_name,
    type_name,
)
from hilander.hil.conformance.stock import Stock
from hilander.hil.wire.codec import Packet
from hilander.hil.wire.protocol import (
    SCHEMA_HASH,
    Ack,
    AckStatus,
    Capability,
    Fault,
    FaultCode,
    Hello,
    HelloAck,
    Mode,
)

FIRST_SESSION = 0x5EED


class Context:
    def __init__(self, probe: Probe, stock: Stock, capabilities: int, schema_hash: int) -> None:
        self.probe = probe
        self.stock = stock
        self.capabilities = capabilities
        self.board_schema = schema_hash
        self.mode = Mode.LOCKSTEP if capabilities & Capability.LOCKSTEP else Mode.REALTIME
        self._sessions = 0
        self.opened_at = 0.0  # when the HELLO_ACK of the current session was read
        self.opened_index = 0  # and where it is in probe.heard
        self.last: Packet | None = None  # the COMMAND last answered

    def learn(self, ack: HelloAck) -> None:
        """What the board said of itself in HELLO_ACK: its capabilities and hash."""
        self.capabilities = ack.capabilities
        self.board_schema = ack.schema_hash
        self.mode = Mode.LOCKSTEP if ack.capabilities & Capability.LOCKSTEP else Mode.REALTIME

    @property
    def session(self) -> int:
        return self.probe.session

    @property
    def wait_s(self) -> float:
        return self.probe.timing.wait_s

    def new_session(self) -> int:
        """A session id never used in this run (never 0)."""
        self._sessions += 1
        return (FIRST_SESSION + 7919 * self._sessions) % 0xFFFF + 1

    def other_session(self) -> int:
        """An id that is neither 0 nor the current session's."""
        return self.session ^ 0x5A5A or 0x1234

    # -- the known state ----------------------------------------------------

    def fresh(self, *, params: bool = True, first_step: bool = True) -> None:
        """A new session (HELLO), configured (PARAMS) and step 0 answered."""
        self.probe.flush()
        sid = self.new_session()
        since = self.probe.mark()
        ack = self.hello_ack(self.hello(sid), since, "setup: ")
        check(ack.status == AckStatus.OK, f"setup: HELLO answered {status_name(ack.status)}")
        self.probe.session = sid
        if params:
            self.configure("setup: ")
        if first_step:
            self.last = self.step(0, "setup: ")

    def hello(
        self,
        session: int,
        *,
        schema: int = SCHEMA_HASH,
        mode: int | None = None,
        rate_Hz: float | None = None,
        **header: Any,
    ) -> Sent:
        rate = self.stock.rate_Hz if rate_Hz is None else rate_Hz
        caps = int(Capability.LOCKSTEP | Capability.REALTIME | Capability.HAZARD_MAP)
        msg = Hello(schema, caps, int(self.mode if mode is None else mode), rate)
        return self.probe.send(msg, session=session, **header)

    def hello_ack(self, sent: Sent, since: int, setup: str = "") -> HelloAck:
        """The HELLO_ACK in the HELLO's session id (CaseFailed if none)."""
        found = self._expect(in_session(HelloAck, sent.session_id), "HELLO_ACK", since, setup)
        heard = self.probe.heard[found]
        self.opened_at, self.opened_index = heard.at_s, found
        assert isinstance(heard.packet.msg, HelloAck)
        return heard.packet.msg

    def configure(self, setup: str = "") -> Ack:
        """PARAMS of the scenario, answered ACK OK."""
        since = self.probe.mark()
        sent = self.probe.send(self.stock.params())
        ack = self.ack(sent, since, setup)
        check(ack.status == AckStatus.OK, f"{setup}valid PARAMS answered {ack_text(ack)}")
        return ack

    def step(self, k: int, setup: str = "", **frame: Any) -> Packet:
        """SENSOR_FRAME k sent, its COMMAND k waited for."""
        since = self.probe.mark()
        self.send_frame(k, **frame)
        return self.expect(command_for(k, self.session), f"COMMAND {k}", since, setup)

    def send_frame(
        self, k: int, *, ready: bool = False, flags: int = 0, session: int | None = None
    ) -> Sent:
        return self.probe.send(self.stock.frame(k, ready), flags=flags, session=session)

    # -- waiting ------------------------------------------------------------

    def expect(self, match: Match, what: str, since: int, setup: str = "") -> Packet:
        """The first packet since ``since`` that matches; CaseFailed naming
        ``what`` and what came instead if none came within the wait."""
        return self.probe.heard[self._expect(match, what, since, setup)].packet

    def _expect(self, match: Match, what: str, since: int, setup: str) -> int:
        found = self.probe.wait_for(match, since)
        if found is None:
            heard = describe_all(self.probe.answers(since))
            raise CaseFailed(f"{setup}no {what} within {self.wait_s:g} s (heard: {heard})")
        return found

    def ack(self, sent: Sent, since: int, setup: str = "") -> Ack:
        """The ACK naming ``sent`` (its type and seq)."""
        p = self.expect(
            ack_for(sent), f"ACK of {type_name(sent.type_id)} seq {sent.seq}", since, setup
        )
        assert isinstance(p.msg, Ack)
        check(
            p.msg.acked_type == sent.type_id,
            f"the ACK of seq {sent.seq} names type {p.msg.acked_type:#04x}, "
            f"not {sent.type_id:#04x}",
        )
        return p.msg

    def fault(self, code: FaultCode, session: int, since: int, step: int | None = None) -> Fault:
        """A FAULT ``code`` in ``session`` (about ``step`` if given)."""
        what = f"FAULT {code.name} in session {session:#06x}"
        p = self.expect(fault_in(code, session), what, since)
        assert isinstance(p.msg, Fault)
        if step is not None:
            check(p.msg.step == step, f"{describe(p)}: the step should be {step}")
        return p.msg

    def none_of(self, match: Match, what: str, since: int, session: int | None = None) -> None:
        """Nothing that matches came since ``since`` (judged behind a fence)."""
        heard = [p for p in self.probe.settle(since, session) if match(p)]
        check(not heard, f"{what}: {describe_all(heard)}")

    def settled(self, since: int, session: int | None = None) -> list[Packet]:
        return self.probe.settle(since, session)


def in_session(cls: type, session: int) -> Match:
    return lambda p: isinstance(p.msg, cls) and p.session_id == session


def command_for(step: int, session: int) -> Match:
    return lambda p: isinstance(p.msg, Command) and p.msg.step == step and p.session_id == session


def ack_for(sent: Sent) -> Match:
    return lambda p: isinstance(p.msg, Ack) and p.msg.acked_seq == sent.seq


def fault_in(code: FaultCode, session: int) -> Match:
    return lambda p: isinstance(p.msg, Fault) and p.msg.code == code and p.session_id == session


def any_of(*matches: Match) -> Match:
    return lambda p: any(m(p) for m in matches)


def kind(cls: type) -> Callable[[Packet], bool]:
    return lambda p: isinstance(p.msg, cls)


def ack_text(ack: Ack) -> str:
    return f"ACK {status_name(ack.status)} (detail {ack.detail})"
