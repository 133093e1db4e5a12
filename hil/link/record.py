"""Recordings of a link session: every byte both ways, with host timestamps.

File layout (little-endian), documented in docs/protocol.md:

    magic   b"HILANDER-REC1\\n"
    u32     length of the header, then the header as UTF-8 JSON
            (scenario TOML, seed, schema hash, protocol version, mode, port)
    records, each: u8 kind, u64 time since the start [ns], u32 length, bytes
            kind b"T": bytes the host wrote; b"R": bytes the host read
            (raw, so a replay decodes exactly what the host decoded);
            b"S": the run's summary as JSON, written at the end.

Each record is flushed as it is written, so a run that dies keeps everything
up to the moment it died; a reader takes every whole record and says whether
the tail was cut. A reader checks the magic before reading on, reads at most
MAX_RECORDING_BYTES (a header at most MAX_HEADER_BYTES), and wants the header
to be a JSON object whose known keys have their types (HEADER_TYPES); anything
else is a RecordingError, one line.
"""

from __future__ import annotations

import json
import logging
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"HILANDER-REC1\n"
MAX_HEADER_BYTES = 1 << 20  # a scenario's TOML and a few fields
MAX_RECORDING_BYTES = 1 << 29  # 512 MiB: hours of real time at 50 Hz
HEADER_TYPES: dict[str, type] = {
    "hilander": str,
    "protocol_version": int,
    "schema_hash": int,
    "scenario": str,
    "seed": int,
    "scenario_toml": str,
    "mode": str,
    "port": str,
    "baud": int,
    "faults": list,
}
RECORD = struct.Struct("<cQI")
TX, RX, SUMMARY = b"T", b"R", b"S"
log = logging.getLogger(__name__)


class RecordingError(ValueError):
    """Not a recording, or unreadable; str() is one line."""


class Recorder:
    def __init__(self, path: Path, header: dict[str, Any]) -> None:
        try:
            self._file: BinaryIO | None = path.open("wb")
        except OSError as e:
            raise RecordingError(f"{path}: cannot write: {e.strerror or e}") from None
        self.path = path
        log.info("recording every byte both ways to %s", path)
        self._start = time.monotonic_ns()
        text = json.dumps(header).encode()
        self._file.write(MAGIC + struct.pack("<I", len(text)) + text)
        self._file.flush()

    def _write(self, kind: bytes, data: bytes) -> None:
        if self._file is None or not data:
            return
        self._file.write(RECORD.pack(kind, time.monotonic_ns() - self._start, len(data)) + data)
        self._file.flush()

    def tx(self, data: bytes) -> None:
        self._write(TX, data)

    def rx(self, data: bytes) -> None:
        self._write(RX, data)

    def summary(self, summary: dict[str, Any]) -> None:
        self._write(SUMMARY, json.dumps(summary).encode())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass
class Recording:
    header: dict[str, Any]
    records: list[tuple[bytes, int, bytes]] = field(default_factory=list)
    truncated: bool = False

    @property
    def summary(self) -> dict[str, Any] | None:
        for kind, _, data in reversed(self.records):
            if kind == SUMMARY:
                return json.loads(data)  # type: ignore[no-any-return]
        return None


def read_recording(path: Path) -> Recording:
    """Every whole record of the file at ``path``; RecordingError if it is not one."""
    try:
        with path.open("rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                raise RecordingError(f"{path}: not a hilander recording (bad magic)")
            header = _header(path, f.read(4), f)
            data = f.read(MAX_RECORDING_BYTES + 1)
    except OSError as e:
        raise RecordingError(f"{path}: cannot read: {e.strerror or e}") from None
    if len(data) > MAX_RECORDING_BYTES:
        raise RecordingError(f"{path}: larger than {MAX_RECORDING_BYTES >> 20} MiB of records")
    rec = Recording(header)
    at = 0
    while at < len(data):
        if at + RECORD.size > len(data):
            rec.truncated = True
            break
        kind, t_ns, size = RECORD.unpack_from(data, at)
        body = data[at + RECORD.size : at + RECORD.size + size]
        if len(body) < size or kind not in (TX, RX, SUMMARY):
            rec.truncated = True
            break
        rec.records.append((kind, t_ns, body))
        at += RECORD.size + size
    return rec


def _header(path: Path, size: bytes, f: BinaryIO) -> dict[str, Any]:
    """The header after the magic: its length, then a JSON object of known types."""
    if len(size) < 4:
        raise RecordingError(f"{path}: the recording ends before its header")
    (n,) = struct.unpack("<I", size)
    if n > MAX_HEADER_BYTES:
        raise RecordingError(f"{path}: a header of {n} bytes (at most {MAX_HEADER_BYTES})")
    text = f.read(n)
    if len(text) < n:
        raise RecordingError(f"{path}: the recording ends inside its header")
    try:
        header = json.loads(text)
    except (ValueError, RecursionError):
        raise RecordingError(f"{path}: the recording's header is not JSON") from None
    if not isinstance(header, dict):
        raise RecordingError(f"{path}: the recording's header is not a JSON object")
    for key, kind in HEADER_TYPES.items():
        value = header.get(key)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise RecordingError(f"{path}: the header's {key!r} is not {_NAMES[kind]}")
    return header


_NAMES = {str: "a string", int: "an integer", list: "a list"}
