"""Cases of the hazard map transfer: whole, a chunk lost, chunks twice,
chunks that are not the map's, a wrong CRC, and a frame that says a map
came when none did. All need the capability HAZARD_MAP."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

from hilander.controller.interface import HAZARD_MAP_MAX_CELLS
from hilander.hil.conformance.case import CONTROLLER, Case, check
from hilander.hil.conformance.context import Context, ack_text, command_for, fault_in
from hilander.hil.conformance.probe import describe_all
from hilander.hil.conformance.stock import MapTransfer
from hilander.hil.wire.protocol import (
    FLAG_ACK_REQUEST,
    MAP_CHUNK_VALUES,
    Ack,
    AckStatus,
    Capability,
    FaultCode,
    HazardMapChunk,
    HazardMapEnd,
)

# END of no transfer, or of another map: every cell of the largest map, both layers
NO_TRANSFER = 2 * HAZARD_MAP_MAX_CELLS**2


def _transfer(ctx: Context, map_id: int, skip: tuple[int, ...] = ()) -> MapTransfer:
    """BEGIN and the chunks (but ``skip``) of the stock map, without waiting."""
    t = ctx.stock.transfer(map_id)
    ctx.probe.send(t.begin)
    for i, chunk in enumerate(t.chunks):
        if i not in skip:
            ctx.probe.send(chunk)
    return t


def _end(ctx: Context, end: HazardMapEnd, status: AckStatus, detail: int) -> Ack:
    """END answered ``status`` with ``detail`` (END is answered, ACK_REQUEST or not)."""
    since = ctx.probe.mark()
    ack = ctx.ack(ctx.probe.send(end), since)
    check(
        (ack.status, ack.detail) == (status, detail),
        f"HAZARD_MAP_END answered {ack_text(ack)}, not {status.name} (detail {detail})",
    )
    return ack


def _refused_chunk(ctx: Context, chunk: HazardMapChunk, why: str) -> None:
    since = ctx.probe.mark()
    ack = ctx.ack(ctx.probe.send(chunk, flags=FLAG_ACK_REQUEST), since)
    check(ack.status == AckStatus.INVALID, f"a chunk {why} answered {ack_text(ack)}, not INVALID")


def map_whole(ctx: Context) -> str:
    ctx.fresh()
    t = _transfer(ctx, 0x0A01)
    _end(ctx, t.end, AckStatus.OK, 0)
    since = ctx.probe.mark()
    ctx.step(1, ready=True)
    ctx.none_of(fault_in(FaultCode.MAP_INCOMPLETE, ctx.session), "the whole map refused", since)
    return f"{t.cells} x {t.cells} cells in {len(t.chunks)} chunks: END ACK OK; COMMAND 1 with it"


def map_lost_chunk(ctx: Context) -> str:
    ctx.fresh()
    t = _transfer(ctx, 0x0A02, skip=(2,))
    missing = len(t.chunks[2].values)
    _end(ctx, t.end, AckStatus.INCOMPLETE, missing)
    return f"a chunk of {missing} cells not sent: END ACK INCOMPLETE, detail {missing}"


def map_duplicate_chunks(ctx: Context) -> str:
    ctx.fresh()
    t = ctx.stock.transfer(0x0A03)
    ctx.probe.send(t.begin)
    for chunk in (*t.chunks, *t.chunks[::-1], t.chunks[0]):
        ctx.probe.send(chunk)
    _end(ctx, t.end, AckStatus.OK, 0)
    return "every chunk twice (one three times): END ACK OK"


def map_chunk_out_of_range(ctx: Context) -> str:
    ctx.fresh()
    t = _transfer(ctx, 0x0A04)
    size = t.cells * t.cells
    junk = (0.75,) * MAP_CHUNK_VALUES
    c = t.chunks[0]
    _refused_chunk(ctx, dataclasses.replace(c, first_cell=size - 10, values=junk), "past the end")
    _refused_chunk(ctx, dataclasses.replace(c, layer=2, values=junk), "of layer 2")
    _refused_chunk(ctx, dataclasses.replace(c, values=()), "with no values")
    _end(ctx, t.end, AckStatus.OK, 0)
    return "chunks past the last cell, of layer 2, empty: ACK INVALID each; END OK (not stored)"


def map_wrong_id(ctx: Context) -> str:
    ctx.fresh()
    t = _transfer(ctx, 0x0A05, skip=(1,))
    other = 0x0A55
    _refused_chunk(ctx, dataclasses.replace(t.chunks[1], map_id=other), "of another map")
    missing = len(t.chunks[1].values)
    _end(ctx, t.end, AckStatus.INCOMPLETE, missing)
    _end(ctx, HazardMapEnd(other, t.end.map_crc), AckStatus.INCOMPLETE, NO_TRANSFER)
    return (
        f"a chunk of another map id: ACK INVALID, not stored (END INCOMPLETE, {missing}); "
        f"END of another map: INCOMPLETE {NO_TRANSFER}"
    )


def map_corrupt(ctx: Context) -> str:
    ctx.fresh()
    t = _transfer(ctx, 0x0A06)
    whole = 2 * t.cells * t.cells
    _end(ctx, dataclasses.replace(t.end, map_crc=t.end.map_crc ^ 1), AckStatus.INCOMPLETE, whole)
    return f"END with a wrong CRC: ACK INCOMPLETE, detail {whole} (the whole map)"


def map_ready_without_map(ctx: Context) -> str:
    ctx.fresh()
    _fault_then_command(ctx, 1)
    t = _transfer(ctx, 0x0A07, skip=(0,))
    _end(ctx, t.end, AckStatus.INCOMPLETE, len(t.chunks[0].values))
    _fault_then_command(ctx, 2)
    return (
        "hazard_map_ready with no map, and after an incomplete one: FAULT MAP_INCOMPLETE, "
        "then COMMAND"
    )


def _fault_then_command(ctx: Context, k: int) -> None:
    since = ctx.probe.mark()
    ctx.send_frame(k, ready=True)
    ctx.expect(command_for(k, ctx.session), f"COMMAND {k}", since)
    answers = ctx.settled(since)
    faults = [
        i for i, p in enumerate(answers) if fault_in(FaultCode.MAP_INCOMPLETE, ctx.session)(p)
    ]
    commands = [i for i, p in enumerate(answers) if command_for(k, ctx.session)(p)]
    check(
        len(faults) == 1 and answers[faults[0]].msg.step == k and faults[0] < commands[0],
        f"hazard_map_ready with no whole map: {describe_all(answers)} "
        f"(FAULT MAP_INCOMPLETE step {k}, then COMMAND {k})",
    )


def map_begin_invalid(ctx: Context) -> str:
    ctx.fresh()
    t = _transfer(ctx, 0x0A09)
    _end(ctx, t.end, AckStatus.OK, 0)
    b = t.begin
    bad = (
        dataclasses.replace(b, cells=65),
        dataclasses.replace(b, cells=0),
        dataclasses.replace(b, cell_size_m=math.nan),
        dataclasses.replace(b, cell_size_m=0.001),
        dataclasses.replace(b, origin_S_m=(math.inf, 0.0)),
        dataclasses.replace(b, origin_S_m=(0.0, -2e6)),
    )
    for begin in bad:
        since = ctx.probe.mark()
        ack = ctx.ack(ctx.probe.send(begin, flags=FLAG_ACK_REQUEST), since)
        check(ack.status == AckStatus.INVALID, f"{begin} answered {ack_text(ack)}, not INVALID")
    _end(ctx, t.end, AckStatus.INCOMPLETE, NO_TRANSFER)
    _fault_then_command(ctx, 1)
    return (
        "BEGIN of 65 cells, 0 cells, a NaN or 1 mm cell, an origin infinite or 2,000 km away: "
        "ACK INVALID each; "
        f"then END: INCOMPLETE {NO_TRANSFER} (no transfer); the whole map before dropped"
    )


def map_closed(ctx: Context) -> str:
    ctx.fresh()
    t = _transfer(ctx, 0x0A0A)
    _end(ctx, t.end, AckStatus.OK, 0)
    _refused_chunk(ctx, t.chunks[0], "after END OK (the transfer closed)")
    _end(ctx, t.end, AckStatus.OK, 0)
    whole = 2 * t.cells * t.cells
    _end(ctx, dataclasses.replace(t.end, map_crc=t.end.map_crc ^ 1), AckStatus.INCOMPLETE, whole)
    since = ctx.probe.mark()
    ctx.step(1, ready=True)
    ctx.none_of(fault_in(FaultCode.MAP_INCOMPLETE, ctx.session), "the whole map lost", since)
    return (
        "after END OK: a chunk ACK INVALID; END again OK, with another CRC INCOMPLETE "
        f"{whole}; the map still whole (COMMAND 1, no fault)"
    )


def ack_request_map(ctx: Context) -> str:
    ctx.fresh()
    t = ctx.stock.transfer(0x0A08)
    start = ctx.probe.mark()
    sent = []
    for msg in (t.begin, *t.chunks, t.end):
        since = ctx.probe.mark()
        s = ctx.probe.send(msg, flags=FLAG_ACK_REQUEST)
        ack = ctx.ack(s, since)
        check(ack.status == AckStatus.OK, f"{type(msg).__name__} answered {ack_text(ack)}")
        sent.append(s)
    acks = [p for p in ctx.settled(start) if isinstance(p.msg, Ack)]
    check(
        sorted(p.msg.acked_seq for p in acks) == sorted(s.seq for s in sent),
        f"{len(sent)} frames with ACK_REQUEST answered {describe_all(acks)}",
    )
    return f"BEGIN, {len(t.chunks)} chunks and END with ACK_REQUEST: one ACK OK each"


def _case(name: str, requirement: str, run: Callable[[Context], str]) -> Case:
    return Case(name, CONTROLLER, requirement, run, Capability.HAZARD_MAP)


CASES = (
    _case("map-whole", "a whole map -> END ACK OK; its frame stepped with no fault", map_whole),
    _case(
        "map-lost-chunk",
        "a chunk missing -> END ACK INCOMPLETE, detail = the cells missing",
        map_lost_chunk,
    ),
    _case(
        "map-duplicate-chunks",
        "a chunk sent twice is taken again (idempotent) -> END ACK OK",
        map_duplicate_chunks,
    ),
    _case(
        "map-chunk-out-of-range",
        "a chunk past the last cell, of no layer, or empty -> ACK INVALID (ACK_REQUEST), "
        "not stored",
        map_chunk_out_of_range,
    ),
    _case(
        "map-wrong-id",
        "a chunk of another map id is not stored (ACK INVALID); END of another map -> INCOMPLETE "
        "detail 8192",
        map_wrong_id,
    ),
    _case(
        "map-corrupt",
        "END with a CRC that differs -> ACK INCOMPLETE, detail 2 x cells^2",
        map_corrupt,
    ),
    _case(
        "map-ready-without-map",
        "hazard_map_ready with no whole map -> FAULT MAP_INCOMPLETE (its step), then its COMMAND",
        map_ready_without_map,
    ),
    _case(
        "map-begin-invalid",
        "HAZARD_MAP_BEGIN with cells not 1-64, a cell size not 0.01-1000 m, an origin beyond "
        "1e6 m -> ACK INVALID, no transfer under way, any whole map dropped",
        map_begin_invalid,
    ),
    _case(
        "map-closed",
        "after END OK the transfer is closed: a chunk -> ACK INVALID; END again -> OK (another "
        "CRC: INCOMPLETE 2 x cells^2); the map stays whole",
        map_closed,
    ),
    _case(
        "ack-request-map",
        "HAZARD_MAP_BEGIN, CHUNK, END with ACK_REQUEST -> exactly one ACK each, naming it",
        ack_request_map,
    ),
)
