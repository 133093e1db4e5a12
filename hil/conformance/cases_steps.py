"""Cases of the steps and of ACK_REQUEST: a resent step answered from the
cache, an old step dropped, a gap taken; exactly one ACK for every frame
that asks for one."""

from __future__ import annotations

from typing import Any

from hilander.controller.interface import Command
from hilander.hil.conformance.case import CONTROLLER, Case, check
from hilander.hil.conformance.context import Context, command_for
from hilander.hil.conformance.probe import Sent, describe, describe_all, status_name
from hilander.hil.conformance.stock import controller_messages
from hilander.hil.wire.codec import Packet
from hilander.hil.wire.protocol import (
    FLAG_ACK_REQUEST,
    FLAG_RESEND,
    Ack,
    AckStatus,
    Fault,
    FaultInject,
    Goodbye,
    Heartbeat,
    Text,
)


def resend(ctx: Context) -> str:
    ctx.fresh()
    first = ctx.last
    assert first is not None
    start = ctx.probe.mark()
    for flags in (FLAG_RESEND, FLAG_RESEND, 0):
        p = ctx.step(0, flags=flags)
        check(
            p == first,
            f"step 0 again answered {describe(p)}, not the same bytes as {describe(first)}: "
            "the law stepped again",
        )
    commands = [p for p in ctx.settled(start) if isinstance(p.msg, Command)]
    check(len(commands) == 3, f"three resends answered {describe_all(commands)}")
    ctx.step(1)
    return f"step 0 sent three more times (twice RESEND): the same COMMAND, seq {first.seq}, each"


def old_step(ctx: Context) -> str:
    ctx.fresh()
    ctx.step(1)
    last = ctx.step(2)
    since = ctx.probe.mark()
    ctx.send_frame(1)
    ctx.none_of(lambda _: True, "SENSOR_FRAME 1 after step 2 answered", since)
    again = ctx.step(2)
    check(again == last, f"step 2 again answered {describe(again)}, was {describe(last)}")
    ctx.step(3)
    return "step 1 after step 2: no answer; step 2 again: the same COMMAND (seq unchanged)"


def future_step(ctx: Context) -> str:
    ctx.fresh()
    start = ctx.probe.mark()
    ctx.step(5)
    ctx.step(100)
    commands = [p for p in ctx.settled(start) if isinstance(p.msg, Command)]
    check(len(commands) == 2, f"steps 5 and 100 answered {describe_all(commands)}")
    return "step 5 after step 0: COMMAND 5; step 100: COMMAND 100"


def sequence_numbers(ctx: Context) -> str:
    """Every frame the board wrote since HELLO_ACK, numbered +1 a frame; a
    repeated COMMAND (the same bytes) keeps the seq it had."""
    ctx.fresh()
    ctx.step(1)
    ctx.step(1, flags=FLAG_RESEND)
    since = ctx.probe.mark()
    ctx.ack(ctx.probe.send(FaultInject(0x42, 0)), since)  # its status is another case's
    ctx.step(2, flags=FLAG_ACK_REQUEST)
    ctx.settled(ctx.opened_index)
    seen: list[Packet] = []
    repeats = 0
    for p in (h.packet for h in ctx.probe.heard[ctx.opened_index :]):
        if isinstance(p.msg, Command) and p in seen:
            repeats += 1
            continue
        check(
            not seen or p.seq == (seen[-1].seq + 1) & 0xFFFF,
            f"{describe(p)} after {describe(seen[-1]) if seen else ''}: not the next seq",
        )
        seen.append(p)
    return f"{len(seen)} frames numbered +1 each; {repeats} repeated COMMAND kept its seq"


def one_ack(ctx: Context, msg: Any, status: AckStatus, session: int | None = None) -> Sent:
    """``msg`` with ACK_REQUEST: exactly one ACK, naming its type and seq, with ``status``."""
    since = ctx.probe.mark()
    sent = ctx.probe.send(msg, flags=FLAG_ACK_REQUEST)
    acks = [p for p in ctx.settled(since, session) if isinstance(p.msg, Ack)]
    name = type(msg).__name__
    check(len(acks) == 1, f"{name} with ACK_REQUEST answered {describe_all(acks)}")
    check(
        _names(acks[0], sent, status),
        f"{name} seq {sent.seq} answered {describe(acks[0])}, not {status.name} naming it",
    )
    check(
        acks[0].session_id == sent.session_id,
        f"{name}'s ACK in session {acks[0].session_id:#06x}, not its own {sent.session_id:#06x}",
    )
    return sent


def ack_request(ctx: Context) -> str:
    ctx.fresh()
    _frame_acked(ctx)
    for msg in (Heartbeat(1000, 5, 0, 0, 0), Text(1, "conformance"), Fault(5, 0, "world")):
        one_ack(ctx, msg, AckStatus.OK)
    one_ack(ctx, FaultInject(0x42, 0), AckStatus.UNSUPPORTED)
    since = ctx.probe.mark()
    ctx.probe.send(Ack(0x11, 0, 0, 0), flags=FLAG_ACK_REQUEST)
    ctx.none_of(lambda p: isinstance(p.msg, Ack), "an ACK of an ACK", since)
    one_ack(ctx, ctx.stock.params(), AckStatus.OK)
    _hello_acked(ctx)
    ctx.configure()
    one_ack(ctx, Goodbye(0), AckStatus.OK)
    return (
        "one ACK each: SENSOR_FRAME (OK, then its COMMAND), HEARTBEAT, TEXT, FAULT, PARAMS, "
        "GOODBYE (OK), FAULT_INJECT (UNSUPPORTED); none to an ACK; HELLO: its HELLO_ACK only"
    )


def _frame_acked(ctx: Context) -> None:
    since = ctx.probe.mark()
    sent = ctx.send_frame(1, flags=FLAG_ACK_REQUEST)
    answers = ctx.settled(since)
    acks = [i for i, p in enumerate(answers) if isinstance(p.msg, Ack)]
    commands = [i for i, p in enumerate(answers) if command_for(1, ctx.session)(p)]
    check(len(acks) == 1, f"SENSOR_FRAME with ACK_REQUEST answered {describe_all(answers)}")
    a = answers[acks[0]]
    check(
        _names(a, sent, AckStatus.OK),
        f"SENSOR_FRAME seq {sent.seq} with ACK_REQUEST answered {describe(a)}",
    )
    check(
        len(commands) == 1 and acks[0] < commands[0],
        f"SENSOR_FRAME with ACK_REQUEST: {describe_all(answers)} (the ACK, then COMMAND 1)",
    )


def _hello_acked(ctx: Context) -> None:
    sid = ctx.new_session()
    since = ctx.probe.mark()
    ack = ctx.hello_ack(ctx.hello(sid, flags=FLAG_ACK_REQUEST), since)
    check(ack.status == AckStatus.OK, f"HELLO with ACK_REQUEST answered {status_name(ack.status)}")
    ctx.probe.session = sid
    acks = [p for p in ctx.settled(since) if isinstance(p.msg, Ack)]
    check(not acks, f"HELLO with ACK_REQUEST answered {describe_all(acks)} besides HELLO_ACK")


def _names(p: Packet, sent: Sent, status: AckStatus) -> bool:
    a = p.msg
    return isinstance(a, Ack) and (a.acked_type, a.acked_seq, a.status) == (
        sent.type_id,
        sent.seq,
        status,
    )


def ack_own_types(ctx: Context) -> str:
    ctx.fresh()
    command = ctx.last
    assert command is not None
    for msg in controller_messages():
        one_ack(ctx, msg, AckStatus.UNSUPPORTED)
    again = ctx.step(0)
    check(again == command, f"step 0 after: {describe(again)}, was {describe(command)}")
    return "ACK UNSUPPORTED to HELLO_ACK, BOARD_INFO and COMMAND; none of them taken"


CASES = (
    Case(
        "sequence-numbers",
        CONTROLLER,
        "every frame a board writes numbered +1 (mod 65536); a repeated COMMAND keeps its seq",
        sequence_numbers,
    ),
    Case(
        "resend",
        CONTROLLER,
        "SENSOR_FRAME of the step last answered (RESEND or not) -> the cached COMMAND, the same "
        "bytes and seq; the law not stepped twice",
        resend,
    ),
    Case(
        "old-step",
        CONTROLLER,
        "SENSOR_FRAME k < the step last answered -> no answer, the law not stepped",
        old_step,
    ),
    Case(
        "future-step",
        CONTROLLER,
        "SENSOR_FRAME k > the step last answered (a gap) -> the law stepped once, COMMAND k",
        future_step,
    ),
    Case(
        "ack-request",
        CONTROLLER,
        "every frame in session with ACK_REQUEST -> exactly one ACK naming its type and seq "
        "(SENSOR_FRAME: before its COMMAND); none for an ACK; HELLO: HELLO_ACK only",
        ack_request,
    ),
    Case(
        "ack-own-types",
        CONTROLLER,
        "HELLO_ACK, BOARD_INFO, COMMAND from the world with ACK_REQUEST -> ACK UNSUPPORTED, "
        "not taken",
        ack_own_types,
    ),
)
