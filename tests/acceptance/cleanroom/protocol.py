"""A clean-room codec of the hilander wire protocol, from docs/protocol.md alone.

Framing (``0x00 | COBS(header | payload | CRC-32C) | 0x00``), COBS of its
own, the header and every message laid out from the doc's tables
(``doc.load()``), a byte-at-a-time decoder with the doc's drop rules, and a
file-descriptor port. Imports nothing of hilander.
"""

from __future__ import annotations

import os
import select
import struct
import time
import tty
from dataclasses import dataclass, field
from typing import Any

import crc32c

from tests.acceptance.cleanroom import doc

SPEC = doc.load()
VERSION = SPEC.version
SCHEMA_HASH = SPEC.schema_hash
FLAGS = SPEC.numbers["flags"]
ACK_STATUS = SPEC.numbers["AckStatus"]
FAULT_CODE = SPEC.numbers["FaultCode"]
CAPABILITY = SPEC.numbers["Capability"]
MODE = SPEC.numbers["Mode"]
INJECT_KIND = SPEC.numbers["InjectKind"]
RESEND, ACK_REQUEST = FLAGS["RESEND"], FLAGS["ACK_REQUEST"]

_CODE = {"u8": "B", "u16": "H", "u32": "I", "f32": "f", "f64": "d", "char16": "16s"}
_REST = {"f64": "d", "f32": "f", "utf8": "s"}


def crc(data: bytes) -> int:
    """CRC-32C; the doc's check value is verified where this module loads."""
    return int(crc32c.crc32c(data))


assert crc(b"123456789") == 0xE3069283, "CRC-32C check value (docs/protocol.md)"


def cobs_encode(block: bytes) -> bytes:
    """COBS: every 0x00 removed; a code byte per run of up to 254 non-zero bytes."""
    out = bytearray()
    run = bytearray()
    for b in block:
        if b == 0:
            out += bytes([len(run) + 1]) + run
            run.clear()
        else:
            run.append(b)
            if len(run) == 254:
                out += b"\xff" + run
                run.clear()
    if run or not out or block[-1] == 0:
        out += bytes([len(run) + 1]) + run
    return bytes(out)


def cobs_decode(block: bytes) -> bytes | None:
    """The block before COBS, or None if it is not a COBS encoding."""
    out = bytearray()
    i = 0
    while i < len(block):
        code = block[i]
        run = block[i + 1 : i + code]
        if len(run) != code - 1 or 0 in run:
            return None
        out += run
        i += code
        if code < 0xFF and i < len(block):
            out.append(0)
    return bytes(out)


def _header_format() -> str:
    fields = sorted(SPEC.header, key=lambda f: f.offset)
    return "<" + "".join(_CODE[f.type] for f in fields)


HEADER = struct.Struct(_header_format())
MIN_FRAME = HEADER.size + 4


@dataclass
class Layout:
    """A message's layout: the fixed part as one struct, then an optional rest."""

    msg: doc.Message
    fixed: struct.Struct
    rest: doc.Field | None


def _layout(msg: doc.Message) -> Layout:
    fmt = "<"
    rest = None
    for f in sorted(msg.fields, key=lambda f: f.offset):
        if f.count == 0:
            rest = f
        else:
            fmt += (str(f.count) if f.count > 1 else "") + _CODE[f.type]
    fixed = struct.Struct(fmt)
    assert fixed.size == msg.size, f"{msg.name}: the doc's field table sums to {fixed.size}"
    return Layout(msg, fixed, rest)


LAYOUTS = {name: _layout(m) for name, m in SPEC.messages.items()}


def _flatten(layout: Layout, fields: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for f in layout.msg.fields:
        if f.count == 0:
            continue
        value = fields[f.name]
        if f.count > 1:
            out.extend(value)
        elif f.type == "char16":
            out.append(str(value).encode("utf-8")[:16])
        elif f.type.startswith("f"):
            out.append(float(value))
        else:
            out.append(int(value))
    return out


def encode_payload(name: str, fields: dict[str, Any]) -> bytes:
    layout = LAYOUTS[name]
    payload = layout.fixed.pack(*_flatten(layout, fields))
    if layout.rest is not None:
        values = fields[layout.rest.name]
        if layout.rest.type == "utf8":
            payload += str(values).encode("utf-8")
        else:
            payload += struct.pack(f"<{len(values)}{_REST[layout.rest.type]}", *values)
    return payload


def frame_bytes(
    type_: int, payload: bytes, session: int, seq: int, flags: int = 0, version: int = VERSION
) -> bytes:
    """One frame on the wire, both delimiters included."""
    block = HEADER.pack(version, type_, flags, session, seq & 0xFFFF, len(payload)) + payload
    block += struct.pack("<I", crc(block))
    return b"\x00" + cobs_encode(block) + b"\x00"


def decode_payload(name: str, payload: bytes) -> dict[str, Any] | None:
    """The fields by name, or None for a payload of the wrong size."""
    layout = LAYOUTS[name]
    n = layout.fixed.size
    if len(payload) < n or (layout.rest is None and len(payload) != n):
        return None
    values = list(layout.fixed.unpack_from(payload))
    out: dict[str, Any] = {}
    for f in layout.msg.fields:
        if f.count == 0:
            continue
        if f.count > 1:
            out[f.name], values = tuple(values[: f.count]), values[f.count :]
            continue
        v = values.pop(0)
        out[f.name] = v.rstrip(b"\x00").decode("utf-8", "replace") if f.type == "char16" else v
    if layout.rest is not None:
        out[layout.rest.name] = _rest(layout.rest, payload[n:])
        if out[layout.rest.name] is None:
            return None
    return out


def _rest(f: doc.Field, data: bytes) -> Any:
    if f.type == "utf8":
        return data.decode("utf-8", "replace")
    size = struct.calcsize(_REST[f.type])
    if len(data) % size:
        return None
    return list(struct.unpack(f"<{len(data) // size}{_REST[f.type]}", data))


@dataclass
class Frame:
    version: int
    type: int
    flags: int
    session: int
    seq: int
    payload: bytes
    name: str | None = None  # None: a type the doc does not list
    fields: dict[str, Any] = field(default_factory=dict)
    raw: bytes = b""  # the COBS-decoded block


@dataclass
class Counters:
    frames: int = 0
    crc_errors: int = 0
    framing_errors: int = 0
    oversize: int = 0
    unknown_type: int = 0
    bad_payload: int = 0
    version_mismatch: int = 0

    @property
    def resyncs(self) -> int:
        return self.framing_errors + self.oversize


class Decoder:
    """Bytes in, frames out: split on 0x00, COBS, length, CRC, the length field."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.skipping = False  # an oversize run: wait for the next 0x00
        self.counters = Counters()

    def push(self, data: bytes) -> list[Frame]:
        out = []
        for b in data:
            if b != 0:
                if not self.skipping:
                    self.buf.append(b)
                    if len(self.buf) > SPEC.max_run:
                        self.counters.oversize += 1
                        self.buf.clear()
                        self.skipping = True
                continue
            self.skipping = False
            if self.buf:
                frame = self.block(bytes(self.buf))
                self.buf.clear()
                if frame is not None:
                    out.append(frame)
        return out

    def block(self, encoded: bytes) -> Frame | None:
        """A frame whose CRC and length hold (``name`` None if it cannot be read), or None."""
        c = self.counters
        raw = cobs_decode(encoded)
        if raw is None or len(raw) < MIN_FRAME:
            c.framing_errors += 1
            return None
        if crc(raw[:-4]) != struct.unpack("<I", raw[-4:])[0]:
            c.crc_errors += 1
            return None
        version, type_, flags, session, seq, length = HEADER.unpack_from(raw)
        payload = raw[HEADER.size : -4]
        if length != len(payload):
            c.framing_errors += 1
            return None
        frame = Frame(version, type_, flags, session, seq, payload, raw=raw)
        self.read_fields(frame)
        return frame

    def read_fields(self, frame: Frame) -> None:
        c = self.counters
        msg = SPEC.by_type(frame.type)
        fields = decode_payload(msg.name, frame.payload) if msg is not None else None
        if frame.version != VERSION:
            c.version_mismatch += 1
        elif msg is None:
            c.unknown_type += 1
        elif fields is None:
            c.bad_payload += 1
        else:
            frame.name, frame.fields = msg.name, fields
            c.frames += 1  # a good frame: its version, a type the doc lists, the right size


class LinkLostError(Exception):
    """The port went away."""


class FdPort:
    """A pty or tty file descriptor, read and written with select and bounded waits."""

    def __init__(self, fd: int, owned: bool = True) -> None:
        self.fd = fd
        self.owned = owned

    @classmethod
    def open(cls, path: str) -> FdPort:
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(fd)
        return cls(fd)

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0.0))
        if not ready:
            return b""
        try:
            data = os.read(self.fd, 4096)
        except BlockingIOError:
            return b""
        except OSError as e:  # EIO: the other side of the pty closed
            raise LinkLostError(str(e)) from e
        if not data:
            raise LinkLostError("end of file")
        return data

    def write(self, data: bytes, timeout: float = 2.0) -> bool:
        """Write it all within ``timeout``; False if it could not (abandoned)."""
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            _, ready, _ = select.select([], [self.fd], [], max(left, 0.0))
            if not ready:
                return False
            try:
                view = view[os.write(self.fd, view) :]
            except BlockingIOError:
                continue
            except OSError as e:
                raise LinkLostError(str(e)) from e
        return True

    def close(self) -> None:
        if self.owned and self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class Link:
    """A port, a decoder and this side's frame counter."""

    def __init__(self, port: FdPort) -> None:
        self.port = port
        self.decoder = Decoder()
        self.seq = 0
        self.pending: list[Frame] = []
        self.write_timeouts = 0

    def send(self, name: str, fields: dict[str, Any], session: int, flags: int = 0) -> int:
        """Encode and write; returns the seq used."""
        payload = encode_payload(name, fields)
        return self.send_raw(SPEC.messages[name].type, payload, session, flags)

    def send_raw(self, type_: int, payload: bytes, session: int, flags: int = 0) -> int:
        seq, data = self.build(type_, payload, session, flags)
        self.write(data)
        return seq

    def build(self, type_: int, payload: bytes, session: int, flags: int = 0) -> tuple[int, bytes]:
        """The next frame's seq and bytes (the seq is used up)."""
        seq = self.seq
        self.seq = (self.seq + 1) & 0xFFFF
        return seq, frame_bytes(type_, payload, session, seq, flags)

    def write(self, data: bytes) -> None:
        if not self.port.write(data):
            self.write_timeouts += 1

    def recv(self, timeout: float) -> Frame | None:
        """The next frame, waiting at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not self.pending:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.pending.extend(self.decoder.push(self.port.read(left)))
        return self.pending.pop(0)
