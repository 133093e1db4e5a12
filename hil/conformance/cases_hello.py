"""Cases of the handshake: HELLO answered, refused, and opened again."""

from __future__ import annotations

from typing import Any

from hilander.hil.conformance.case import CONTROLLER, Case, CaseFailed, check
from hilander.hil.conformance.context import Context, any_of, command_for, fault_in
from hilander.hil.conformance.probe import describe, describe_all, status_name
from hilander.hil.wire.codec import Packet, VersionMismatch
from hilander.hil.wire.protocol import (
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    AckStatus,
    Capability,
    FaultCode,
    HelloAck,
    Mode,
)

MODES = Capability.LOCKSTEP | Capability.REALTIME
HANDSHAKE = "#handshake"


def capabilities_text(caps: int) -> str:
    return "|".join(str(c.name) for c in Capability if caps & c) or "none"


def handshake(ctx: Context) -> str:
    ctx.probe.flush()
    sid = ctx.new_session()
    since = ctx.probe.mark()
    ack = ctx.hello_ack(ctx.hello(sid), since)
    problems = []
    if ack.status != AckStatus.OK:
        problems.append(f"status {status_name(ack.status)}")
    if ack.protocol_version != PROTOCOL_VERSION:
        problems.append(f"protocol_version {ack.protocol_version}")
    if ack.schema_hash != SCHEMA_HASH:
        problems.append(f"schema hash {ack.schema_hash:#010x}, not {SCHEMA_HASH:#010x}")
    if not ack.capabilities & MODES:
        problems.append(f"capabilities {capabilities_text(ack.capabilities)}: no mode")
    check(not problems, "HELLO_ACK with " + "; ".join(problems))
    ctx.probe.session = sid
    extra = [p for p in ctx.settled(since) if not isinstance(p.msg, HelloAck)]
    acks = [p for p in ctx.probe.answers(since) if isinstance(p.msg, HelloAck)]
    check(len(acks) == 1 and not extra, f"a HELLO answered {describe_all(acks + extra)}")
    return (
        f"HELLO_ACK OK in session {sid:#06x}: v{ack.protocol_version}, schema "
        f"{ack.schema_hash:#010x}, {capabilities_text(ack.capabilities)}, "
        f"board {ack.board_name!r}"
    )


def refused(ctx: Context, status: AckStatus, session: int, **hello: Any) -> HelloAck:
    """A HELLO the board must refuse with ``status``, in ``session``."""
    since = ctx.probe.mark()
    ack = ctx.hello_ack(ctx.hello(session, **hello), since)
    check(ack.status == status, f"HELLO answered {status_name(ack.status)}, not {status.name}")
    return ack


def still_open(ctx: Context, step: int) -> str:
    """The session the refused HELLOs came into still answers a step."""
    try:
        ctx.step(step)
    except CaseFailed as e:
        raise CaseFailed(f"the session did not survive the refused HELLO: {e.observed}") from None
    return f"session {ctx.session:#06x} kept (COMMAND {step})"


def version_mismatch(ctx: Context) -> str:
    ctx.fresh()
    sid = ctx.new_session()
    since = ctx.probe.mark()
    ctx.hello(sid, version=PROTOCOL_VERSION + 1)

    def answer(p: Packet) -> bool:
        return p.session_id == sid and isinstance(p.msg, HelloAck | VersionMismatch)

    p = ctx.expect(answer, f"HELLO_ACK in session {sid:#06x}", since)
    if isinstance(p.msg, VersionMismatch):
        raise CaseFailed(f"answered in v{p.msg.version}, not in its own v{PROTOCOL_VERSION}")
    a = p.msg
    check(
        a.status == AckStatus.VERSION_MISMATCH and a.protocol_version == PROTOCOL_VERSION,
        f"a v{PROTOCOL_VERSION + 1} HELLO answered {describe(p)}",
    )
    since = ctx.probe.mark()
    ctx.probe.send(ctx.stock.frame(1), version=PROTOCOL_VERSION + 1)
    ctx.none_of(lambda _: True, f"a v{PROTOCOL_VERSION + 1} SENSOR_FRAME answered", since)
    return f"HELLO_ACK VERSION_MISMATCH in v1; a v2 SENSOR_FRAME dropped; {still_open(ctx, 1)}"


def schema_mismatch(ctx: Context) -> str:
    ctx.fresh()
    ack = refused(
        ctx, AckStatus.SCHEMA_MISMATCH, ctx.new_session(), schema=SCHEMA_HASH ^ 0xFFFFFFFF
    )
    check(
        ack.schema_hash == ctx.board_schema,
        f"SCHEMA_MISMATCH with hash {ack.schema_hash:#010x}, its own is {ctx.board_schema:#010x}",
    )
    return f"HELLO_ACK SCHEMA_MISMATCH with {ack.schema_hash:#010x}; {still_open(ctx, 1)}"


def session_zero(ctx: Context) -> str:
    ctx.fresh()
    refused(ctx, AckStatus.INVALID, 0)
    return f"HELLO_ACK INVALID in session 0; {still_open(ctx, 1)}"


def mode_unsupported(ctx: Context) -> str:
    ctx.fresh()
    refused(ctx, AckStatus.UNSUPPORTED, ctx.new_session(), mode=7)
    seen = ["mode 7"]
    for mode, cap in ((Mode.LOCKSTEP, Capability.LOCKSTEP), (Mode.REALTIME, Capability.REALTIME)):
        if not ctx.capabilities & cap:
            refused(ctx, AckStatus.UNSUPPORTED, ctx.new_session(), mode=int(mode))
            seen.append(f"mode {int(mode)} ({cap.name} not offered)")
    return f"HELLO_ACK UNSUPPORTED to {', '.join(seen)}; {still_open(ctx, 1)}"


def bad_rate(ctx: Context) -> str:
    ctx.fresh()
    for rate in (float("nan"), float("inf"), 0.0, -50.0):
        refused(ctx, AckStatus.INVALID, ctx.new_session(), rate_Hz=rate)
    return f"HELLO_ACK INVALID to control_rate_Hz nan, inf, 0, -50; {still_open(ctx, 1)}"


def mid_session(ctx: Context) -> str:
    ctx.fresh()
    old, new = ctx.session, ctx.new_session()
    since = ctx.probe.mark()
    ack = ctx.hello_ack(ctx.hello(new), since)
    check(ack.status == AckStatus.OK, f"a HELLO mid-session answered {status_name(ack.status)}")
    ctx.probe.session = new
    since = ctx.probe.mark()
    ctx.send_frame(1, session=old)
    ctx.fault(FaultCode.NO_SESSION, old, since, step=1)
    ctx.none_of(command_for(1, old), "a COMMAND in the old session", since)
    forgot = _forgets_params(ctx, 1)
    ctx.configure()
    ctx.step(1)
    since = ctx.probe.mark()
    ack = ctx.hello_ack(ctx.hello(new), since)
    check(
        ack.status == AckStatus.OK,
        f"a HELLO in the current id answered {status_name(ack.status)}",
    )
    again = _forgets_params(ctx, 2)
    return (
        f"new session OK; old id: FAULT NO_SESSION; new one {forgot}; "
        f"a HELLO in the current id opened it afresh ({again})"
    )


def _forgets_params(ctx: Context, step: int) -> str:
    """SENSOR_FRAME ``step`` in a session just opened: FAULT UNEXPECTED (no
    PARAMS yet), not a COMMAND from the configuration of before."""
    since = ctx.probe.mark()
    ctx.send_frame(step)
    answer = any_of(fault_in(FaultCode.UNEXPECTED, ctx.session), command_for(step, ctx.session))
    p = ctx.expect(answer, f"FAULT UNEXPECTED to SENSOR_FRAME {step}", since)
    check(
        not command_for(step, ctx.session)(p),
        f"the new session kept the PARAMS of before: SENSOR_FRAME {step} answered {describe(p)}",
    )
    return f"FAULT UNEXPECTED to SENSOR_FRAME {step} before its PARAMS"


def realtime(ctx: Context) -> str:
    ctx.probe.flush()
    sid = ctx.new_session()
    since = ctx.probe.mark()
    ack = ctx.hello_ack(ctx.hello(sid, mode=int(Mode.REALTIME)), since)
    check(ack.status == AckStatus.OK, f"a real-time HELLO answered {status_name(ack.status)}")
    ctx.probe.session = sid
    ctx.configure()
    ctx.step(0)
    return f"HELLO mode 1 -> OK, PARAMS -> ACK OK, COMMAND 0 in session {sid:#06x}"


CASES = (
    Case(
        "handshake",
        HANDSHAKE,
        "HELLO -> one HELLO_ACK OK in its session id: protocol_version 1, the schema hash, "
        "LOCKSTEP or REALTIME offered",
        handshake,
    ),
    Case(
        "version-mismatch",
        HANDSHAKE,
        "a v2 HELLO -> HELLO_ACK VERSION_MISMATCH in the board's own version; another v2 frame "
        "dropped",
        version_mismatch,
    ),
    Case(
        "schema-mismatch",
        HANDSHAKE,
        "a HELLO with another schema hash -> HELLO_ACK SCHEMA_MISMATCH with the board's hash; "
        "the session unchanged",
        schema_mismatch,
    ),
    Case(
        "hello-session-zero",
        CONTROLLER,
        "a HELLO in session id 0 -> HELLO_ACK INVALID; the session unchanged",
        session_zero,
    ),
    Case(
        "hello-mode-unsupported",
        CONTROLLER,
        "a HELLO for a mode not offered (7) -> HELLO_ACK UNSUPPORTED; the session unchanged",
        mode_unsupported,
    ),
    Case(
        "hello-bad-rate",
        CONTROLLER,
        "a HELLO whose control_rate_Hz is not finite or <= 0 -> HELLO_ACK INVALID",
        bad_rate,
    ),
    Case(
        "hello-mid-session",
        CONTROLLER,
        "a HELLO in session opens a new one afresh (no PARAMS); the old id gets FAULT NO_SESSION",
        mid_session,
    ),
    Case(
        "realtime",
        CONTROLLER,
        "a HELLO for real time (mode 1) -> HELLO_ACK OK when REALTIME is offered",
        realtime,
        Capability.REALTIME,
    ),
)
