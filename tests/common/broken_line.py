"""Boards that each break one rule of the line or of the hazard map
(docs/protocol.md), for the tests of the conformance suite; the others are
in broken_boards.py."""

from __future__ import annotations

import dataclasses
from typing import Any

import crc32c
from cobs import cobs

from hilander.controller.interface import SensorFrame
from hilander.hil.link.transport import LinkLost, Transport, WriteTimeout
from hilander.hil.wire.codec import Decoder, Packet
from hilander.hil.wire.mapxfer import MapAssembler
from hilander.hil.wire.protocol import (
    FLAG_ACK_REQUEST,
    Ack,
    AckStatus,
    HazardMapBegin,
    HazardMapChunk,
    HazardMapEnd,
)
from tests.common.quirky import TYPE, Quirky, SayingLink, fails

# -- the line -----------------------------------------------------------------


class _LossyDecoder(Decoder):
    """Loses the first good frame after bytes it had to throw away."""

    def feed(self, data: bytes) -> list[Packet]:
        before = self.counters.resyncs
        packets = super().feed(data)
        if self.counters.resyncs > before and packets:
            packets = packets[1:]
        return packets


class LosesFrameAfterJunk(Quirky):
    fails = fails("oversize", "garbage", "bit-flips")

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self.link.decoder = _LossyDecoder()


def _fixed(piece: bytes, fix: Any, always: bool) -> bytes:
    """A COBS block with ``fix`` applied to its frame (header and payload)
    and its CRC made right, if ``fix`` changed it or ``always``."""
    try:
        raw = cobs.decode(piece)
    except cobs.DecodeError:
        return piece
    if len(raw) < 13:
        return piece
    body = fix(raw[:-4])
    if body == raw[:-4] and not always:
        return piece
    return cobs.encode(body + crc32c.crc32c(body).to_bytes(4, "little"))  # type: ignore[no-any-return]


class _FixingDecoder(Decoder):
    """Each whole frame in a read passed through ``fix`` first (``always``:
    its CRC made right even when ``fix`` left it as it was)."""

    def __init__(self, fix: Any, always: bool = False) -> None:
        super().__init__()
        self._fix = fix
        self._always = always

    def feed(self, data: bytes) -> list[Packet]:
        *pieces, rest = data.split(b"\0")
        fixed = [_fixed(piece, self._fix, self._always) if piece else piece for piece in pieces]
        return super().feed(b"\0".join([*fixed, rest]))


class NoCrcCheck(Quirky):
    fails = fails("bit-flips")

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self.link.decoder = _FixingDecoder(lambda body: body, always=True)


def _long_frame_cut(body: bytes) -> bytes:
    """A SENSOR_FRAME a byte long: the byte cut, the length field made right."""
    if body[1] == TYPE[SensorFrame] and len(body) == 9 + 78:
        return body[:7] + (77).to_bytes(2, "little") + body[9:-1]
    return body


class TakesLongPayload(Quirky):
    fails = fails("malformed")

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self.link.decoder = _FixingDecoder(_long_frame_cut)


class _DyingLink(SayingLink):
    def write(self, data: bytes, frames: int = 1) -> None:
        try:
            super().write(data, frames)
        except WriteTimeout as e:
            raise LinkLost(f"gave up: {e}") from None


class DiesOfBackPressure(Quirky):
    fails = fails("back-pressure")

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self.link = _DyingLink(transport, self)


# -- the hazard map -----------------------------------------------------------


def _end_ack(msg: Any) -> bool:
    return isinstance(msg, Ack) and msg.acked_type == TYPE[HazardMapEnd]


class BadBeginOk(Quirky):
    """A BEGIN of 65 cells answered OK (and no transfer started)."""

    fails = fails("map-begin-invalid")

    def say(self, msg: Any, session_id: int) -> Any | None:
        begin = isinstance(msg, Ack) and msg.acked_type == TYPE[HazardMapBegin]
        if begin and msg.status == AckStatus.INVALID:
            return dataclasses.replace(msg, status=AckStatus.OK)
        return msg


class MissingCellsOk(Quirky):
    fails = fails("map-lost-chunk", "map-wrong-id", "map-ready-without-map")

    def say(self, msg: Any, session_id: int) -> Any | None:
        if _end_ack(msg) and msg.status == AckStatus.INCOMPLETE and msg.detail < 512:
            return dataclasses.replace(msg, status=AckStatus.OK, detail=0)
        return msg


class WrongCrcOk(Quirky):
    fails = fails("map-corrupt", "map-closed")

    def say(self, msg: Any, session_id: int) -> Any | None:
        if _end_ack(msg) and msg.status == AckStatus.INCOMPLETE and msg.detail == 512:
            return dataclasses.replace(msg, status=AckStatus.OK, detail=0)
        return msg


class DuplicateBreaksMap(Quirky):
    fails = fails("map-duplicate-chunks", "map-closed")  # map-closed sends a chunk again

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self._seen: set[tuple[int, int, int]] = set()
        self._broken = False

    def take(self, p: Packet) -> list[Packet]:
        m = p.msg
        if isinstance(m, HazardMapBegin):
            self._seen, self._broken = set(), False
        elif isinstance(m, HazardMapChunk) and m.values and m.layer < 2:
            key = (m.map_id, m.layer, m.first_cell)
            self._broken |= key in self._seen
            self._seen.add(key)
        elif isinstance(m, HazardMapEnd) and self._broken:
            return [p._replace(msg=dataclasses.replace(m, map_crc=m.map_crc ^ 1))]
        return [p]


class StoresPastTheEnd(Quirky):
    """A chunk past the map's last cell: the part inside stored, ACK OK."""

    fails = fails("map-chunk-out-of-range")

    def take(self, p: Packet) -> list[Packet]:
        m, begin = p.msg, self.maps.begin
        if isinstance(m, HazardMapChunk) and begin is not None and m.layer < 2 and m.values:
            room = begin.cells * begin.cells - m.first_cell
            if 0 < room < len(m.values):
                return [p._replace(msg=dataclasses.replace(m, values=m.values[:room]))]
        return [p]


class AnyMapId(Quirky):
    fails = fails("map-wrong-id")

    def take(self, p: Packet) -> list[Packet]:
        m, begin = p.msg, self.maps.begin
        if isinstance(m, HazardMapChunk) and begin is not None and m.map_id != begin.map_id:
            return [p._replace(msg=dataclasses.replace(m, map_id=begin.map_id))]
        return [p]


class NoMapFault(Quirky):
    fails = fails("map-ready-without-map", "map-begin-invalid")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, SensorFrame) and p.msg.hazard_map_ready and self.maps.complete is None:
            p.msg.hazard_map_ready = False
        return [p]


class WholeMapRefused(Quirky):
    """FAULT MAP_INCOMPLETE, and no map flown, though the map came whole."""

    fails = fails("map-whole", "map-closed")

    def take(self, p: Packet) -> list[Packet]:
        if isinstance(p.msg, SensorFrame) and p.msg.hazard_map_ready:
            self.maps.complete = None
        return [p]


class _StaysOpen(MapAssembler):
    """Keeps its transfer open after END OK: a later chunk writes into the map."""

    def end(self, msg: HazardMapEnd) -> int:
        begin = self.begin
        missing = super().end(msg)
        if missing == 0 and begin is not None:
            self.begin = begin
        return missing


class OpenAfterEnd(Quirky):
    fails = fails("map-closed")

    def _forget_session(self) -> None:
        super()._forget_session()
        self.maps = _StaysOpen()


class TwoBeginAcks(Quirky):
    fails = fails("ack-request-map")

    def take(self, p: Packet) -> list[Packet]:
        asked = isinstance(p.msg, HazardMapBegin) and p.flags & FLAG_ACK_REQUEST
        return [p, p] if asked and self.in_session(p) else [p]
