"""The codec, sans-I/O: ``encode(msg) -> bytes`` and ``Decoder.feed(bytes) -> packets``.

A frame on the wire is ``COBS(header | payload | CRC-32C) 0x00`` (docs/protocol.md).
The decoder never raises on bad bytes and never holds more than one frame's
worth of them: it counts what it throws away and resynchronizes on the next
0x00.
"""

from __future__ import annotations

import dataclasses
import struct
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

import crc32c
from cobs import cobs

from hilander.hil.wire.protocol import (
    CRC_SIZE,
    HEADER,
    HEADER_SIZE,
    MAX_FRAME,
    MAX_PAYLOAD,
    PROTOCOL_VERSION,
    SPEC_BY_CLASS,
    SPEC_BY_ID,
    WIRE_SIZES,
    WIRE_TYPES,
    Field,
    Spec,
)

# the longest COBS encoding of a valid frame: one code byte per 254 data bytes
MAX_ENCODED = MAX_FRAME + MAX_FRAME // 254 + 1


_CRC = struct.Struct("<I")
# The CRC-32C of a block followed by its own CRC (little-endian) is this
# constant whatever the block: one CRC call checks a frame, with no slicing.
CRC_RESIDUE = 0x48674BC7


class EncodeError(ValueError):
    """A message that cannot go on the wire (a value out of its field's range)."""


@dataclass(frozen=True)
class VersionMismatch:
    """A frame with a good CRC from a peer that speaks another protocol version."""

    version: int
    type_id: int


class Packet(NamedTuple):
    """One decoded frame: the header's fields and the message."""

    msg: Any
    session_id: int
    seq: int
    flags: int = 0
    type_id: int = 0


@dataclass
class DecoderCounters:
    frames: int = 0  # good frames delivered
    bytes: int = 0
    crc_errors: int = 0  # COBS was fine, the CRC was not
    framing_errors: int = 0  # not COBS, too short, or length field wrong
    resyncs: int = 0  # times bytes were thrown away to find the next frame
    oversize: int = 0  # more than MAX_ENCODED bytes without a delimiter
    unknown_type: int = 0
    bad_payload: int = 0  # payload length does not fit the type
    version_mismatch: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class _Layout:
    """How one message type's fields sit in its payload.

    The fixed part is one ``struct.Struct``; its pack and unpack functions are
    generated from the field table (as ``dataclasses`` does for ``__init__``),
    because a per-field loop costs more than the COBS and CRC together.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        names = [f.name for f in dataclasses.fields(spec.cls)][: len(spec.fields)]
        if names != [f.name for f in spec.fields]:
            raise TypeError(f"{spec.name}: fields {names} out of the class's order")
        fixed = [f for f in spec.fields if f.count]
        tails = [f for f in spec.fields if not f.count]
        fmt = "".join((str(f.count) if f.count > 1 else "") + WIRE_TYPES[f.wire] for f in fixed)
        self.struct = struct.Struct("<" + fmt)  # the fixed part of the payload
        self.size = self.struct.size
        self.type_id = spec.type_id
        self.tail = tails[0] if tails else None
        self.tail_size = WIRE_SIZES[self.tail.wire] if self.tail else 0
        # header and fixed payload packed by one call
        full = struct.Struct(HEADER.format + fmt)
        scope: dict[str, Any] = {"S": self.struct, "F": full, "C": spec.cls}
        exec(_pack_source(fixed), scope)
        exec(_unpack_source(fixed, bool(tails)), scope)
        self._pack_fixed = scope["pack"]
        self._unpack_fixed = scope["unpack"]

    def body(self, msg: Any, version: int, flags: int, session_id: int, seq: int) -> bytes:
        """Header and payload."""
        if self.tail is None:  # fixed size: the common, hot case
            try:
                return self._pack_fixed(  # type: ignore[no-any-return]
                    msg, version, self.type_id, flags, session_id, seq & 0xFFFF, self.size
                )
            except struct.error as e:
                raise EncodeError(f"{self.spec.name}: {e}") from None
        tail = self._pack_tail(msg)
        n = self.size + len(tail)
        if n > MAX_PAYLOAD:
            raise EncodeError(f"{self.spec.name}: payload {n} B over {MAX_PAYLOAD} B")
        try:
            head: bytes = self._pack_fixed(
                msg, version, self.spec.type_id, flags, session_id, seq & 0xFFFF, n
            )
        except struct.error as e:
            raise EncodeError(f"{self.spec.name}: {e}") from None
        return head + tail

    def _pack_tail(self, msg: Any) -> bytes:
        assert self.tail is not None
        v = getattr(msg, self.tail.name)
        if self.tail.py is str:
            return bytes(v.encode())
        return struct.pack(f"<{len(v)}{WIRE_TYPES[self.tail.wire]}", *v)

    def unpack(self, buf: bytes, offset: int, length: int) -> Any:
        """The message in ``buf[offset:offset + length]``, or None if it does not fit."""
        n = self.size
        if self.tail is None:
            return self._unpack_fixed(buf, offset, None) if length == n else None
        extra = length - n
        if extra < 0 or extra % self.tail_size:
            return None
        return self._unpack_fixed(buf, offset, self._unpack_tail(buf[offset + n : offset + length]))

    def _unpack_tail(self, data: bytes) -> Any:
        assert self.tail is not None
        if self.tail.py is str:
            return data.decode(errors="replace")
        count = len(data) // self.tail_size
        return struct.unpack(f"<{count}{WIRE_TYPES[self.tail.wire]}", data)


def _pack_source(fixed: list[Field]) -> str:
    args = []
    for f in fixed:
        if f.count > 1:
            args.append(f"*m.{f.name}")
        elif f.py is str:
            args.append(f"m.{f.name}.encode()[:16]")
        else:
            args.append(f"m.{f.name}")
    return f"def pack(m, *header):\n    return F.pack(*header, {', '.join(args)})\n"


def _unpack_source(fixed: list[Field], tail: bool) -> str:
    """Positional arguments: the table lists fields in the message class's order."""
    args, i = [], 0
    for f in fixed:
        if f.count > 1:
            args.append(f"t[{i}:{i + f.count}]")
        elif f.py is str:
            args.append(f"t[{i}].rstrip(b'\\0').decode(errors='replace')")
        elif f.py is bool:
            args.append(f"t[{i}] != 0")
        else:
            args.append(f"t[{i}]")
        i += max(f.count, 1)
    if tail:
        args.append("tail")
    body = f"    t = S.unpack_from(p, off)\n    return C({', '.join(args)})\n"
    return "def unpack(p, off, tail):\n" + body


_LAYOUT_BY_CLASS = {cls: _Layout(spec) for cls, spec in SPEC_BY_CLASS.items()}
_LAYOUT_BY_ID = {spec.type_id: _LAYOUT_BY_CLASS[spec.cls] for spec in SPEC_BY_ID.values()}


def _layout(msg: Any) -> _Layout:
    layout = _LAYOUT_BY_CLASS.get(type(msg))
    if layout is None:
        raise EncodeError(f"{type(msg).__name__} is not a protocol message")
    return layout


def encode(
    msg: Any, session_id: int = 0, seq: int = 0, flags: int = 0, version: int = PROTOCOL_VERSION
) -> bytes:
    """One frame, ready for the wire: 0x00, COBS(header, payload, CRC), 0x00.

    The leading 0x00 closes whatever came before (noise on an idle line), so
    that garbage between frames never costs a good frame."""
    raw = _layout(msg).body(msg, version, flags, session_id, seq)
    return b"\0" + cobs.encode(raw + _CRC.pack(crc32c.crc32c(raw))) + b"\0"  # type: ignore[no-any-return]


def wire_round(msg: Any) -> Any:
    """The message as the other side decodes it (floats rounded to the wire's type)."""
    layout = _layout(msg)
    body = layout.body(msg, PROTOCOL_VERSION, 0, 0, 0)
    return layout.unpack(body, HEADER_SIZE, len(body) - HEADER_SIZE)


class Decoder:
    """Bytes in (any split), packets out; counters say what was thrown away."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._discarding = False
        self.counters = DecoderCounters()

    def feed(self, data: bytes) -> list[Packet]:
        self.counters.bytes += len(data)
        if self._buf:
            data = bytes(self._buf) + data
            self._buf.clear()
        *frames, rest = data.split(b"\0")
        out: list[Packet] = []
        for frame in frames:
            if self._discarding:
                self._discarding = False
            elif frame:
                packet = self._frame(frame)
                if packet is not None:
                    out.append(packet)
        if len(rest) > MAX_ENCODED:
            self.counters.oversize += 1
            self._bad()
            self._discarding = True
        elif rest:
            self._buf += rest
        return out

    def _frame(self, encoded: bytes) -> Packet | None:
        c = self.counters
        if len(encoded) > MAX_ENCODED:
            c.oversize += 1
            return self._bad()
        try:
            raw = cobs.decode(encoded)
        except cobs.DecodeError:
            c.framing_errors += 1
            return self._bad()
        if len(raw) < HEADER_SIZE + CRC_SIZE:
            c.framing_errors += 1
            return self._bad()
        if crc32c.crc32c(raw) != CRC_RESIDUE:
            c.crc_errors += 1
            return self._bad()
        return self._packet(raw)

    def _packet(self, raw: bytes) -> Packet | None:
        c = self.counters
        version, type_id, flags, session, seq, length = HEADER.unpack_from(raw)
        if version != PROTOCOL_VERSION:
            c.version_mismatch += 1
            return Packet(VersionMismatch(version, type_id), session, seq, flags, type_id)
        if length != len(raw) - HEADER_SIZE - CRC_SIZE:
            c.framing_errors += 1
            return self._bad()
        layout = _LAYOUT_BY_ID.get(type_id)
        if layout is None:
            c.unknown_type += 1
            return None
        msg = layout.unpack(raw, HEADER_SIZE, length)
        if msg is None:
            c.bad_payload += 1
            return None
        c.frames += 1
        return Packet(msg, session, seq, flags, type_id)

    def _bad(self) -> Packet | None:
        """Count a frame thrown away: the decoder resynchronizes on the next 0x00."""
        self.counters.resyncs += 1
        return None
