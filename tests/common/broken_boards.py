"""Boards that each break one rule of docs/protocol.md, for the tests of the
conformance suite (tests/hil/conformance/): the handshake, PARAMS, sessions,
steps and ACK_REQUEST here, the line and the hazard map in broken_line.py.
Each is the Python board (hilander.hil.board.board.Board) with one fault,
and names in ``fails`` the cases of the suite it must fail: the case, or
its small family. ``BROKEN`` is every one of them.
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any, ClassVar

from hilander.controller.interface import Command, SensorFrame
from hilander.hil.link.transport import Transport
from hilander.hil.wire.codec import Packet, VersionMismatch
from hilander.hil.wire.protocol import (
    FLAG_ACK_REQUEST,
    FLAG_RESEND,
    PARAM_NAMES,
    SCHEMA_HASH,
    Ack,
    AckStatus,
    BoardInfo,
    Fault,
    FaultInject,
    HazardMapChunk,
    Heartbeat,
    Hello,
    HelloAck,
    InjectKind,
    Params,
    Text,
    params_message,
)
from hilander.sim.scenario import load_scenario
from tests.common import broken_line
from tests.common.quirky import TYPE, Quirky, SayingLink, fails

# -- the handshake ------------------------------------------------------------


class TwoHelloAcks(Quirky):
    fails = fails("handshake")

    def take(self, p: Packet) -> list[Packet]:
        return [p, p] if isinstance(p.msg, Hello) else [p]


class AnswersV2InV2(Quirky):
    fails = fails("version-mismatch")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, VersionMismatch) and p.type_id == TYPE[Hello]:
            ack = HelloAck(SCHEMA_HASH, self.capabilities, AckStatus.VERSION_MISMATCH, 2, "v2")
            self.link.write(self.link.frame(ack, 0, p.session_id, p.msg.version))
            return []
        return [p]


class SchemaEcho(Quirky):
    """SCHEMA_MISMATCH with the world's hash, not its own."""

    fails = fails("schema-mismatch")

    def say(self, msg: Any, session_id: int) -> Any | None:
        if isinstance(msg, HelloAck) and msg.status == AckStatus.SCHEMA_MISMATCH:
            return dataclasses.replace(msg, schema_hash=SCHEMA_HASH ^ 0xFFFFFFFF)
        return msg


class _SaysOk(Quirky):
    """A HELLO_ACK of one refusal turned into OK."""

    refusal: ClassVar[AckStatus]

    def say(self, msg: Any, session_id: int) -> Any | None:
        if isinstance(msg, HelloAck) and msg.status == self.refusal and self.refuses(session_id):
            return dataclasses.replace(msg, status=AckStatus.OK)
        return msg

    def refuses(self, session_id: int) -> bool:
        return True


class SessionZeroOk(_SaysOk):
    fails = fails("hello-session-zero")
    refusal = AckStatus.INVALID

    def refuses(self, session_id: int) -> bool:
        return session_id == 0


class AnyMode(_SaysOk):
    fails = fails("hello-mode-unsupported")
    refusal = AckStatus.UNSUPPORTED


class NanRate(Quirky):
    fails = fails("hello-bad-rate")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, Hello) and math.isnan(p.msg.control_rate_Hz):
            return [p._replace(msg=dataclasses.replace(p.msg, control_rate_Hz=50.0))]
        return [p]


class SameIdHelloKeeps(Quirky):
    """A HELLO in the session's own id is answered OK, and nothing forgotten."""

    fails = fails("hello-mid-session")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, Hello) and self.in_session(p):
            ack = HelloAck(SCHEMA_HASH, self.capabilities, AckStatus.OK, 1, "keeps")
            self.link.write(self.link.frame(ack, 0, p.session_id))
            return []
        return [p]


class RefusesRealtime(Quirky):
    """REALTIME offered, a real-time HELLO refused."""

    fails = fails("realtime")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, Hello) and p.msg.mode == 1:
            return [p._replace(msg=dataclasses.replace(p.msg, mode=7))]
        return [p]


# -- PARAMS -------------------------------------------------------------------


class AcceptsNan(Quirky):
    fails = fails("params-nan")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, Params) and any(math.isnan(v) for v in p.msg.values):
            good = params_message(load_scenario("default").law).values
            values = tuple(
                g if math.isnan(v) else v for v, g in zip(p.msg.values, good, strict=True)
            )
            return [p._replace(msg=Params(values))]
        return [p]


class FaultWithValidParams(Quirky):
    """A FAULT before the ACK OK of a valid PARAMS: two answers, not one."""

    fails = fails("params-valid")

    def say(self, msg: Any, session_id: int) -> Any | None:
        if isinstance(msg, Ack) and msg.acked_type == TYPE[Params] and msg.status == AckStatus.OK:
            self.link.write(self.link.frame(Fault(5, 0, "taken"), 0, session_id))
        return msg


class SkipsRulesBetween(Quirky):
    """Checks each PARAMS value's own rule, none of the rules between values."""

    fails = fails("params-between")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, Params) and len(p.msg.values) == len(PARAM_NAMES):
            stock = params_message(load_scenario("default").law).values
            good = dict(zip(PARAM_NAMES, stock, strict=True))
            values = dict(zip(PARAM_NAMES, p.msg.values, strict=True))
            if values["tgo_switch_s"] >= values["tgo_freeze_s"]:
                values["tgo_switch_s"] = good["tgo_switch_s"]
            return [p._replace(msg=Params(tuple(values.values())))]
        return [p]


class IndexOffByOne(Quirky):
    fails = fails("params-nan", "params-range", "params-fraction", "params-between")

    def say(self, msg: Any, session_id: int) -> Any | None:
        if isinstance(msg, Ack) and msg.acked_type == TYPE[Params] and msg.detail < 0xFFFFFFFF:
            return dataclasses.replace(msg, detail=msg.detail + 1 if msg.status else 0)
        return msg


class ForgetsOnInvalid(Quirky):
    """Invalid PARAMS cost the configuration of before."""

    fails = fails("params-nan", "params-range", "params-fraction", "params-between", "params-count")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, Params) and self.in_session(p):
            self.fc = None
        return [p]


class CountAsDetail(Quirky):
    """A wrong count answered with the count as detail (not 0xFFFFFFFF)."""

    fails = fails("params-count")

    def say(self, msg: Any, session_id: int) -> Any | None:
        if isinstance(msg, Ack) and msg.acked_type == TYPE[Params] and msg.detail == 0xFFFFFFFF:
            return dataclasses.replace(msg, detail=68)
        return msg


class SilentBeforeParams(Quirky):
    fails = fails("before-params", "hello-mid-session")

    def take(self, p: Packet) -> list[Packet]:
        unconfigured = self.in_session(p) and self.fc is None
        return [] if isinstance(p.msg, SensorFrame) and unconfigured else [p]


# -- sessions -----------------------------------------------------------------


class AnySession(Quirky):
    """Frames of another (non-zero) session taken as its own."""

    fails = fails("wrong-session", "hello-mid-session")

    def take(self, p: Packet) -> list[Packet]:
        other = self.session and p.session_id not in (0, self.session)
        if isinstance(p.msg, SensorFrame | Params) and other:
            return [p._replace(session_id=self.session)]
        return [p]


class OldNoSessionSet(Quirky):
    """Outside a session, no FAULT to a chunk or a FAULT_INJECT (the rules before issue 20)."""

    fails = fails("no-session")

    def take(self, p: Packet) -> list[Packet]:
        outside = not self.in_session(p)
        return [] if outside and isinstance(p.msg, HazardMapChunk | FaultInject) else [p]


class DropsSessionWhenQuiet(Quirky):
    """A watchdog: 2.5 s with no frame and the session is forgotten."""

    fails = fails("silence")

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self._heard_at = time.monotonic()

    def take(self, p: Packet) -> list[Packet]:
        now = time.monotonic()
        if now - self._heard_at > 2.5:
            self.link.session_id = 0
        self._heard_at = now
        return [p]


class UnknownInjectOk(Quirky):
    fails = fails("fault-inject-unknown", "ack-request")

    def say(self, msg: Any, session_id: int) -> Any | None:
        inject = isinstance(msg, Ack) and msg.acked_type == TYPE[FaultInject]
        if inject and msg.status == AckStatus.UNSUPPORTED:
            return dataclasses.replace(msg, status=AckStatus.OK)
        return msg


class ResetRefusedThoughOffered(Quirky):
    fails = fails("reset")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, FaultInject) and p.msg.kind == InjectKind.RESET:
            return [p._replace(msg=FaultInject(0x42, 0))]
        return [p]


class NoHeartbeats(Quirky):
    fails = fails("heartbeat")

    def say(self, msg: Any, session_id: int) -> Any | None:
        return None if isinstance(msg, Heartbeat) else msg


class _SkippingLink(SayingLink):
    def frame(
        self, msg: Any, flags: int = 0, session_id: int | None = None, version: int | None = None
    ) -> bytes:
        data = super().frame(msg, flags, session_id, version)
        if isinstance(msg, Ack):
            self.frame(Text(0, "lost"))  # a number used and never sent
        return data


class SkipsSeqAfterAck(Quirky):
    fails = fails("sequence-numbers")

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self.link = _SkippingLink(transport, self)


# -- steps and ACK_REQUEST ----------------------------------------------------


class StepsTwiceOnResend(Quirky):
    fails = fails("resend")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, SensorFrame) and p.flags & FLAG_RESEND:
            self._last = None  # the cache forgotten: the law steps again
        return [p]


class AnswersOldSteps(Quirky):
    fails = fails("old-step")

    def take(self, p: Packet) -> list[Packet]:
        last = self._last
        if isinstance(p.msg, SensorFrame) and last is not None and p.msg.step < last[0]:
            self._last = None
        return [p]


class NoGaps(Quirky):
    """Only the step after the last is stepped; a gap goes unanswered."""

    fails = fails("future-step")

    def take(self, p: Packet) -> list[Packet]:
        last = self._last
        gap = isinstance(p.msg, SensorFrame) and last is not None and p.msg.step > last[0] + 1
        return [] if gap else [p]


class NoAckOnFrames(Quirky):
    fails = fails("ack-request")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, SensorFrame):
            return [p._replace(flags=p.flags & ~FLAG_ACK_REQUEST)]
        return [p]


class AcksOwnTypes(Quirky):
    fails = fails("ack-own-types")

    def say(self, msg: Any, session_id: int) -> Any | None:
        own = (TYPE[HelloAck], TYPE[BoardInfo], TYPE[Command])
        if isinstance(msg, Ack) and msg.acked_type in own:
            return dataclasses.replace(msg, status=AckStatus.OK)
        return msg


def _broken(namespace: dict[str, Any]) -> list[type[Quirky]]:
    return [
        cls
        for cls in namespace.values()
        if isinstance(cls, type) and issubclass(cls, Quirky) and cls.fails
    ]


BROKEN: tuple[type[Quirky], ...] = (*_broken(globals()), *_broken(vars(broken_line)))
