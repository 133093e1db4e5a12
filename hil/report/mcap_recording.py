"""A recording (``hilander hil --record``) as an MCAP file: every frame both
ways as its decoded message and as its raw bytes.

A frame is the bytes between two 0x00 delimiters of one direction, stamped
with the host time (ns since the recording started) of the record that
closed it. Each goes on its direction's raw channel (``/host/raw``: what
hilander wrote, ``/board/raw``: what it read), whether it decodes or not;
one that decodes goes on a channel of its type too (``/host/sensor_frame``,
``/board/command``...), its header fields (``session_id``, ``seq``,
``flags``) then its message's fields by their protocol names. Bytes left
without a delimiter at the end are a last raw frame, ``incomplete``. The
recording's header and summary are metadata; its scenario an attachment.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hilander.hil.link.record import RX, SUMMARY, TX, Recording
from hilander.hil.report.files import OutputError, writing
from hilander.hil.report.mcapfile import (
    BOOLEAN,
    BYTES,
    INTEGER,
    NUMBER_OR_NULL,
    STRING,
    McapLog,
    object_schema,
)
from hilander.hil.wire.codec import Decoder, VersionMismatch
from hilander.hil.wire.protocol import SPEC_BY_ID, Field, Spec

DIRECTIONS = {TX: "host", RX: "board"}
HEADER_FIELDS: dict[str, dict[str, Any]] = {
    "session_id": {**INTEGER, "description": "the frame header's session id"},
    "seq": {**INTEGER, "description": "the frame header's sequence number"},
    "flags": {**INTEGER, "description": "the frame header's flags (1 resend, 2 ack request)"},
}
RAW_SCHEMA = object_schema(
    "hilander.wire.RawFrame",
    {
        "frame": {**INTEGER, "description": "index of the frame in its direction, from 0"},
        "length_B": {**INTEGER, "description": "bytes of the frame (COBS, no delimiters)"},
        "decoded": BOOLEAN,
        "type": {"type": ["string", "null"], "description": "its message type if decoded"},
        "problem": {"type": ["string", "null"], "description": "why it did not decode"},
        "data": {**BYTES, "description": "the frame's bytes as on the wire, no delimiters"},
    },
    "one frame as the host wrote or read it",
)
_NOT_PROBLEMS = ("frames", "bytes", "resyncs")


@dataclass
class Exported:
    """What the export found: frames per direction, how many did not decode
    (and why), messages per topic."""

    frames: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIRECTIONS.values(), 0))
    not_decoded: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(DIRECTIONS.values(), 0)
    )
    problems: dict[str, int] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "frames": self.frames,
            "not_decoded": self.not_decoded,
            "problems": self.problems,
            "truncated": self.truncated,
            "messages": self.messages,
        }


def claim_file(out: Path, force: bool) -> None:
    """``out`` may be written: it is not a folder, and not there unless ``force``."""
    with writing(out):
        if out.is_dir():
            raise OutputError(f"{out}: is a folder")
        if out.exists() and not force:
            raise OutputError(f"{out}: exists; --force replaces it")
        if not out.parent.is_dir():
            raise OutputError(f"{out.parent}: no such folder")


def recording_mcap(recording: Recording) -> tuple[bytes, Exported]:
    """The MCAP file of a recording, and what went into it."""
    log = McapLog()
    found = Exported(truncated=recording.truncated)
    frames = _Frames(log, found)
    for direction in DIRECTIONS.values():
        log.channel(f"/{direction}/raw", RAW_SCHEMA)
    pending = {TX: bytearray(), RX: bytearray()}
    last_ns = 0
    for kind, t_ns, data in recording.records:
        last_ns = t_ns
        if kind not in pending:
            continue
        *closed, rest = data.split(b"\0")
        if closed:
            closed[0] = bytes(pending[kind]) + closed[0]
            pending[kind] = bytearray()
        for frame in closed:
            if frame:
                frames.add(kind, t_ns, frame)
        pending[kind] += rest
    for kind, left in pending.items():
        if left:
            frames.add(kind, last_ns, bytes(left), complete=False)
    _metadata(log, recording)
    found.messages = dict(log.counts)
    return log.finish(), found


class _Frames:
    """Each frame onto the raw channel of its direction, and decoded onto
    the channel of its type."""

    def __init__(self, log: McapLog, found: Exported) -> None:
        self.log = log
        self.found = found
        self.decoders = {TX: Decoder(), RX: Decoder()}

    def add(self, kind: bytes, t_ns: int, frame: bytes, complete: bool = True) -> None:
        direction = DIRECTIONS[kind]
        index = self.found.frames[direction]
        self.found.frames[direction] += 1
        spec: Spec | None = None
        problem: str | None = "incomplete"
        if complete:
            spec, problem = self._decode(kind, t_ns, frame)
        if problem is not None:
            self.found.not_decoded[direction] += 1
            self.found.problems[problem] = self.found.problems.get(problem, 0) + 1
        raw = {
            "frame": index,
            "length_B": len(frame),
            "decoded": problem is None,
            "type": None if spec is None else spec.name,
            "problem": problem,
            "data": base64.b64encode(frame).decode("ascii"),
        }
        self.log.add(f"/{direction}/raw", t_ns, raw)

    def _decode(self, kind: bytes, t_ns: int, frame: bytes) -> tuple[Spec | None, str | None]:
        """The frame's message onto its channel: its spec, or why it did not decode."""
        decoder = self.decoders[kind]
        before = decoder.counters.as_dict()
        packets = decoder.feed(frame + b"\0")
        if packets and not isinstance(packets[0].msg, VersionMismatch):
            p = packets[0]
            spec = SPEC_BY_ID[p.type_id]
            topic = f"/{DIRECTIONS[kind]}/{spec.name.lower()}"
            if topic not in self.log.counts:
                self.log.channel(topic, message_schema(spec))
            message = {"session_id": p.session_id, "seq": p.seq, "flags": p.flags}
            message.update({f.name: _value(f, getattr(p.msg, f.name)) for f in spec.fields})
            self.log.add(topic, t_ns, message)
            return spec, None
        after = decoder.counters.as_dict()
        grew = [k for k in after if k not in _NOT_PROBLEMS and after[k] > before[k]]
        return None, grew[0] if grew else "not_decoded"


def message_schema(spec: Spec) -> dict[str, Any]:
    """The JSON Schema of a decoded message of this type: the header's fields, then its own."""
    props = dict(HEADER_FIELDS)
    for f in spec.fields:
        props[f.name] = {**_field_type(f), "description": f"{f.doc} [{f.unit}]"}
    title = f"hilander.wire.{spec.cls.__name__}"
    return object_schema(title, props, f"{spec.name} ({spec.direction}): {spec.doc}")


def _field_type(f: Field) -> dict[str, Any]:
    types: dict[type, dict[str, Any]] = {bool: BOOLEAN, int: INTEGER, str: STRING}
    one = types.get(f.py, NUMBER_OR_NULL)
    if f.py is str or f.count == 1:
        return one
    return {"type": "array", "items": one}


def _value(f: Field, value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [f.py(v) if f.py is not float else float(v) for v in value]
    if f.py is str and isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return f.py(value)


def _metadata(log: McapLog, recording: Recording) -> None:
    """The recording's header (each value as text) and its summary, as metadata;
    the scenario flown as an attachment."""
    header = recording.header
    text = {k: v if isinstance(v, str) else json.dumps(v) for k, v in header.items()}
    log.metadata("hilander.recording", text)
    summaries = [data for kind, _, data in recording.records if kind == SUMMARY]
    if summaries:
        log.metadata("hilander.summary", {"json": summaries[-1].decode("utf-8", "replace")})
    if isinstance(header.get("scenario_toml"), str):
        log.attachment("scenario.toml", "application/toml", header["scenario_toml"].encode())
