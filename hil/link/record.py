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
the tail was cut.
"""

from __future__ import annotations

import json
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"HILANDER-REC1\n"
RECORD = struct.Struct("<cQI")
TX, RX, SUMMARY = b"T", b"R", b"S"


class RecordingError(ValueError):
    """Not a recording, or unreadable; str() is one line."""


class Recorder:
    def __init__(self, path: Path, header: dict[str, Any]) -> None:
        try:
            self._file: BinaryIO | None = path.open("wb")
        except OSError as e:
            raise RecordingError(f"{path}: cannot write: {e.strerror or e}") from None
        self.path = path
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
    try:
        data = path.read_bytes()
    except OSError as e:
        raise RecordingError(f"{path}: cannot read: {e.strerror or e}") from None
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        raise RecordingError(f"{path}: not a hilander recording (bad magic)")
    at = len(MAGIC)
    (n,) = struct.unpack_from("<I", data, at)
    try:
        header = json.loads(data[at + 4 : at + 4 + n])
    except ValueError:
        raise RecordingError(f"{path}: the recording's header is not JSON") from None
    rec = Recording(header)
    at += 4 + n
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
