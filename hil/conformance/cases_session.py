"""Cases of the session: frames of another session or of none, the session
kept through silence, heartbeats, fault injection and the reset it asks for."""

from __future__ import annotations

import time
from typing import Any

from hilander.controller.interface import Command
from hilander.hil.conformance.case import CONTROLLER, Case, check
from hilander.hil.conformance.context import (
    Context,
    ack_text,
    command_for,
    fault_in,
    in_session,
)
from hilander.hil.conformance.probe import describe, describe_all
from hilander.hil.conformance.stock import controller_messages
from hilander.hil.wire.codec import Packet
from hilander.hil.wire.protocol import (
    FLAG_ACK_REQUEST,
    Ack,
    AckStatus,
    Capability,
    Fault,
    FaultCode,
    FaultInject,
    Goodbye,
    Heartbeat,
    InjectKind,
    Text,
)

UNKNOWN_KIND = 0x42
SILENCE_S = 3.0
FIRST_BEAT_S = 2.5  # the first heartbeat of an open session, at the latest
BEAT_GAP_S = (0.5, 2.0)
LISTEN_BEATS_S = 4.6
VIRTUAL_STRETCH = 5  # a board in virtual time: its second may last several of the host's


def wrong_session(ctx: Context) -> str:
    ctx.fresh()
    other, start = ctx.other_session(), ctx.probe.mark()
    for session, msg, step in (
        (other, ctx.stock.frame(1), 1),
        (other, ctx.stock.params(), 0),
        (0, ctx.stock.frame(1), 1),
    ):
        since = ctx.probe.mark()
        ctx.probe.send(msg, session=session, flags=FLAG_ACK_REQUEST)
        ctx.fault(FaultCode.NO_SESSION, session, since, step=step)
    answers = ctx.settled(start)
    wrong = [p for p in answers if not fault_in(FaultCode.NO_SESSION, p.session_id)(p)]
    check(not wrong, f"frames of another session answered {describe_all(wrong)}")
    ctx.step(1)
    return (
        f"FAULT NO_SESSION in {other:#06x} to SENSOR_FRAME and PARAMS, in 0 to SENSOR_FRAME; "
        "no ACK, no COMMAND; its own session kept"
    )


def no_session(ctx: Context) -> str:
    ctx.fresh()
    ended = ctx.session
    ctx.probe.send(Goodbye(0))
    start = ctx.probe.mark()
    needing = _needs_session(ctx, ended)
    dropped = (Goodbye(0), Ack(0x11, 0, 0, 0), Heartbeat(1, 2, 0, 0, 0), Text(1, "hi"))
    for msg in (*dropped, Fault(FaultCode.INTERNAL, 0, "world"), *controller_messages()):
        ctx.probe.send(msg, flags=FLAG_ACK_REQUEST)
    answers = ctx.settled(start, ctx.other_session())
    faults = [p for p in answers if fault_in(FaultCode.NO_SESSION, ended)(p)]
    others = [p for p in answers if p not in faults]
    check(not others, f"outside a session the board answered {describe_all(others)}")
    check(
        len(faults) == needing,
        f"{len(faults)} FAULT NO_SESSION to {needing} frames: {describe_all(faults)}",
    )
    return (
        "after GOODBYE: one FAULT NO_SESSION each to PARAMS, SENSOR_FRAME, HAZARD_MAP_BEGIN, "
        "CHUNK, END, FAULT_INJECT; GOODBYE, ACK, HEARTBEAT, TEXT, FAULT, HELLO_ACK, BOARD_INFO, "
        "COMMAND dropped"
    )


def _needs_session(ctx: Context, ended: int) -> int:
    """Each world message that needs a session, sent in the ended one (with
    ACK_REQUEST): FAULT NO_SESSION in its id, about its step. How many."""
    t = ctx.stock.transfer(0x0B01)
    needing: tuple[tuple[Any, int], ...] = (
        (ctx.stock.params(), 0),
        (ctx.stock.frame(1), 1),
        (t.begin, 0),
        (t.chunks[0], 0),
        (t.end, 0),
        (FaultInject(InjectKind.RESET, 0), 0),
    )
    for msg, step in needing:
        since = ctx.probe.mark()
        ctx.probe.send(msg, flags=FLAG_ACK_REQUEST)
        ctx.fault(FaultCode.NO_SESSION, ended, since, step=step)
    return len(needing)


def fault_inject_unknown(ctx: Context) -> str:
    ctx.fresh()
    kinds = [UNKNOWN_KIND]
    if not ctx.capabilities & Capability.INJECT_RESET:
        kinds.append(InjectKind.RESET)  # not offered: refused the same way
    for k in kinds:
        since = ctx.probe.mark()
        sent = ctx.probe.send(FaultInject(int(k), 0))
        ack = ctx.ack(sent, since)
        check(
            ack.status == AckStatus.UNSUPPORTED, f"FAULT_INJECT kind {k} answered {ack_text(ack)}"
        )
        acks = [p for p in ctx.settled(since) if isinstance(p.msg, Ack)]
        check(len(acks) == 1, f"FAULT_INJECT kind {k} answered {describe_all(acks)}")
    ctx.step(1)
    return f"ACK UNSUPPORTED to kind(s) {', '.join(str(int(k)) for k in kinds)}; session kept"


def reset(ctx: Context) -> str:
    ctx.fresh()
    old = ctx.session
    since = ctx.probe.mark()
    sent = ctx.probe.send(FaultInject(InjectKind.RESET, 0))
    ack = ctx.ack(sent, since)
    check(ack.status == AckStatus.OK, f"FAULT_INJECT RESET answered {ack_text(ack)}")
    after = ctx.probe.mark()
    ctx.send_frame(1)
    p = ctx.expect(fault_in(FaultCode.NO_SESSION, old), "FAULT NO_SESSION", after)
    ctx.none_of(command_for(1, old), "a COMMAND after the reset", after, ctx.other_session())
    return f"ACK OK, then {describe(p)}: the session forgotten"


def heartbeat(ctx: Context) -> str:
    """Heartbeats by the board's own clock (their uptime_ms); the first one's
    delay in the host's time, or, for a board in virtual time (an emulator
    whose clock counts instructions), converted to the board's time by the
    pace of its clock between the first two."""
    ctx.fresh()
    virtual = bool(ctx.capabilities & Capability.VIRTUAL_TIME)
    listened = LISTEN_BEATS_S * (VIRTUAL_STRETCH if virtual else 1)
    beats = _beats(ctx, listened)
    check(bool(beats), f"no HEARTBEAT within {listened:g} s of the session opening")
    host_first_s = beats[0][0] - ctx.opened_at
    check(
        virtual or host_first_s <= FIRST_BEAT_S,
        f"the first HEARTBEAT came {host_first_s:.2f} s after HELLO_ACK",
    )
    check(len(beats) >= 2, "one HEARTBEAT only")
    (t1, p1), (t2, p2) = beats[:2]
    a, b = p1.msg, p2.msg
    assert isinstance(a, Heartbeat) and isinstance(b, Heartbeat)
    gap_s = ((b.uptime_ms - a.uptime_ms) & 0xFFFFFFFF) / 1000
    low, high = BEAT_GAP_S
    check(low <= gap_s <= high, f"two HEARTBEATs {gap_s:.2f} s apart (by their uptime_ms)")
    pace = gap_s / (t2 - t1) if virtual and t2 > t1 else 1.0  # board seconds a host second
    first_s = host_first_s * pace
    clock = " in the board's time" if virtual else ""
    check(
        first_s <= FIRST_BEAT_S, f"the first HEARTBEAT came {first_s:.2f} s{clock} after HELLO_ACK"
    )
    return f"first HEARTBEAT {first_s:.2f} s{clock} after HELLO_ACK, the next {gap_s:.2f} s later"


def _beats(ctx: Context, listen_s: float) -> list[tuple[float, Packet]]:
    """The heartbeats of the current session, until two came or the time is up."""
    match = in_session(Heartbeat, ctx.session)
    deadline = ctx.opened_at + listen_s

    def found() -> list[tuple[float, Packet]]:
        return [(h.at_s, h.packet) for h in ctx.probe.heard if match(h.packet)]

    while len(found()) < 2 and time.monotonic() < deadline:
        ctx.probe.pump(min(deadline - time.monotonic(), 0.05))
    return found()


def silence(ctx: Context) -> str:
    ctx.fresh()
    ctx.probe.listen(SILENCE_S)
    lost = [p for p in ctx.probe.answers(0) if fault_in(FaultCode.NO_SESSION, ctx.session)(p)]
    check(not lost, f"during the silence: {describe_all(lost)}")
    p = ctx.step(1)
    assert isinstance(p.msg, Command)
    return f"after {SILENCE_S:g} s of silence, COMMAND 1 in the same session"


CASES = (
    Case(
        "wrong-session",
        CONTROLLER,
        "frames in another session id (or 0) -> FAULT NO_SESSION in that id; no ACK, no COMMAND",
        wrong_session,
    ),
    Case(
        "no-session",
        CONTROLLER,
        "after GOODBYE every world type but HELLO/GOODBYE that needs a session -> FAULT "
        "NO_SESSION in its id; the others dropped",
        no_session,
    ),
    Case(
        "silence",
        CONTROLLER,
        "a world silent for 3 s keeps its session: the next step is answered",
        silence,
    ),
    Case(
        "fault-inject-unknown",
        CONTROLLER,
        "FAULT_INJECT of an unknown kind (or RESET not offered) -> ACK UNSUPPORTED, never ignored",
        fault_inject_unknown,
    ),
    Case(
        "reset",
        CONTROLLER,
        "FAULT_INJECT RESET -> ACK OK, then reboot: the old session gets FAULT NO_SESSION",
        reset,
        Capability.INJECT_RESET,
    ),
    Case(
        "heartbeat",
        CONTROLLER,
        "in an open session a HEARTBEAT once a second (the board's clock): the first within "
        "2.5 s, 0.5-2 s apart",
        heartbeat,
        Capability.HEARTBEAT,
    ),
)
