"""Cases of the line: oversize runs, garbage, flipped bits and malformed
frames never cost a good frame; a world that stops reading never stops the
board for good."""

from __future__ import annotations

import random
import time

from cobs import cobs

from hilander.controller.interface import Command
from hilander.hil.conformance.case import CONTROLLER, Case, CaseFailed, check
from hilander.hil.conformance.context import Context, command_for
from hilander.hil.conformance.probe import describe_all
from hilander.hil.link.transport import WriteTimeout
from hilander.hil.wire.codec import encode
from hilander.hil.wire.protocol import (
    CRC_SIZE,
    FLAG_ACK_REQUEST,
    FLAG_RESEND,
    HEADER_SIZE,
    SPEC_BY_CLASS,
    Params,
)

FRAMING = "#framing"
CRC = "#crc-32c"
OVERSIZE_B = 2000
STALL_S = 3.0  # the world does not read for this long
ANSWER_B = 85  # an ACK and a COMMAND on the wire
FLOOD_FRAMES = 600
DRAIN_MAX_S = 60.0


def oversize(ctx: Context) -> str:
    ctx.fresh()
    rng = random.Random(20)
    for k in (1, 2):
        ctx.probe.write(bytes(rng.randrange(1, 256) for _ in range(OVERSIZE_B)))
        ctx.step(k)
    return f"{OVERSIZE_B} bytes without 0x00, then a frame: answered (twice)"


def garbage(ctx: Context) -> str:
    ctx.fresh()
    rng = random.Random(21)
    sizes = [rng.randrange(1, 300) for _ in range(6)]
    for k, n in enumerate(sizes, start=1):
        ctx.probe.write(bytes(rng.randrange(256) for _ in range(n)))
        ctx.step(k)
    return f"{len(sizes)} runs of random bytes ({min(sizes)}-{max(sizes)} B): every frame answered"


def bit_flips(ctx: Context) -> str:
    ctx.fresh()
    start = ctx.probe.mark()
    steps = range(1, 9)
    for k in steps:
        good = ctx.probe.frame(ctx.stock.frame(k))
        since = ctx.probe.mark()
        ctx.probe.write(flip(good.data, k) + good.data)
        ctx.expect(command_for(k, ctx.session), f"COMMAND {k}", since)
    commands = [p for p in ctx.settled(start) if isinstance(p.msg, Command)]
    counts = [sum(1 for p in commands if p.msg.step == k) for k in steps]
    check(
        counts == [1] * len(steps) and len(commands) == len(steps),
        f"a flipped frame answered: {describe_all(commands, 10)}",
    )
    return (
        f"{len(steps)} frames with a bit flipped (delimiters, header, payload, CRC): none "
        "answered; each good one after: one COMMAND"
    )


def flip(data: bytes, k: int) -> bytes:
    """``data`` with one bit flipped, in a place that depends on ``k``:
    the leading delimiter, the COBS code, header, payload, CRC, the last
    delimiter."""
    places = (0, 1, 3, 6, 10, 40, len(data) - 3, len(data) - 1)
    i = places[k % len(places)]
    out = bytearray(data)
    out[i] ^= 1 << (k % 8)
    return bytes(out)


def malformed(ctx: Context) -> str:
    ctx.fresh()
    since = ctx.probe.mark()
    payload = payload_of(ctx.stock.frame(1))
    frame_id = SPEC_BY_CLASS[type(ctx.stock.frame(1))].type_id
    params_id = SPEC_BY_CLASS[Params].type_id
    ctx.probe.raw(0x7E, bytes(8))  # no such type
    ctx.probe.raw(frame_id, payload[:-1])  # a byte short
    ctx.probe.raw(frame_id, payload + b"\1")  # a byte long
    ctx.probe.raw(params_id, bytes(7))  # not a whole number of f64
    ctx.probe.raw(frame_id, payload, length=len(payload) - 1)  # the length field wrong
    ctx.none_of(lambda _: True, "a malformed frame answered", since)
    ctx.step(1)
    return (
        "unknown type, SENSOR_FRAME a byte short and long, PARAMS of 7 B, a wrong length "
        "field: none answered; the next good frame answered"
    )


def payload_of(msg: object) -> bytes:
    raw = cobs.decode(encode(msg)[1:-1])
    return bytes(raw[HEADER_SIZE:-CRC_SIZE])


def back_pressure(ctx: Context) -> str:
    ctx.fresh()
    frames, timeouts = _flood(ctx)
    _read_again(ctx)
    try:
        ctx.step(1)
    except CaseFailed as e:
        raise CaseFailed(f"after the world read again: {e.observed}") from None
    return (
        f"{frames} frames written, {STALL_S:g} s without reading, each answered by an ACK "
        f"and a COMMAND (~{frames * ANSWER_B // 1000} kB); {timeouts} of the world's writes "
        "timed out; then COMMAND 1"
    )


def _flood(ctx: Context) -> tuple[int, int]:
    """Step 0 again and again (ACK_REQUEST: each answered twice) without
    reading for STALL_S: the frames written, and those that timed out. At
    most FLOOD_FRAMES, ~50 kB of answers (a pty holds 17 kB): more than a line
    holds, but not so many that a slow board takes minutes to answer them
    all where the line holds much more (a TCP socket)."""
    frames = timeouts = 0
    end = time.monotonic() + STALL_S
    while time.monotonic() < end and frames < FLOOD_FRAMES:
        sent = ctx.probe.frame(ctx.stock.frame(0), flags=FLAG_RESEND | FLAG_ACK_REQUEST)
        try:
            ctx.probe.write(sent.data)
            frames += 1
        except WriteTimeout:
            timeouts += 1
    time.sleep(max(end - time.monotonic(), 0.0))
    return frames, timeouts


def _read_again(ctx: Context) -> None:
    """Read while the board's backlog keeps coming (bytes in every quiet
    window), for DRAIN_MAX_S at most."""
    deadline = time.monotonic() + DRAIN_MAX_S
    while time.monotonic() < deadline:
        before = ctx.probe.decoder.counters.bytes
        ctx.probe.listen(ctx.probe.timing.quiet_s)
        if ctx.probe.decoder.counters.bytes == before:
            break
    ctx.probe.heard.clear()


CASES = (
    Case(
        "oversize",
        FRAMING,
        "more than 1042 bytes without 0x00 are dropped; the next frame is answered",
        oversize,
    ),
    Case(
        "garbage",
        FRAMING,
        "random bytes between frames never cost a good frame",
        garbage,
    ),
    Case(
        "bit-flips",
        CRC,
        "a frame with a bit flipped anywhere is dropped (CRC); the next good one is answered",
        bit_flips,
    ),
    Case(
        "malformed",
        FRAMING,
        "an unknown type, a payload of the wrong size, a wrong length field: dropped, no answer",
        malformed,
    ),
)
# Last in the suite: a board that does not survive it fails no other case.
LAST = (
    Case(
        "back-pressure",
        CONTROLLER,
        "a world that stops reading for 3 s while its frames provoke answers: the board neither "
        "dies nor loses its session, and answers the next frame once the world reads again",
        back_pressure,
    ),
)
