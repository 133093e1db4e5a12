"""MCAP files as Foxglove and PlotJuggler open them with no plugin: every
channel JSON messages (``json``) with a JSON Schema (``jsonschema``).

An ``McapLog`` is built in memory, its messages kept until ``finish()``,
which writes them in log-time order (ties in the order they were added)
into one zstd-chunked file with its summary and indexes. Nothing in it
comes from a clock: the same messages give the same bytes (the header's
library names hilander's version, not the time).
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

from mcap.well_known import MessageEncoding, SchemaEncoding
from mcap.writer import CompressionType, Writer

from hilander import __version__

NS_PER_S = 1_000_000_000
NUMBER_OR_NULL: dict[str, Any] = {"type": ["number", "null"]}
INTEGER: dict[str, Any] = {"type": "integer"}
STRING: dict[str, Any] = {"type": "string"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
BYTES: dict[str, Any] = {"type": "string", "contentEncoding": "base64"}

# foxglove.Log (Foxglove's Log panel): its JSON shape, levels 1 debug .. 5 fatal
LOG_INFO, LOG_WARNING, LOG_ERROR = 2, 3, 4
LOG_SCHEMA = "foxglove.Log"
LOG_PROPERTIES: dict[str, Any] = {
    "timestamp": {
        "type": "object",
        "properties": {"sec": INTEGER, "nsec": INTEGER},
        "description": "time of the line: simulated time",
    },
    "level": {"type": "integer", "description": "1 debug, 2 info, 3 warning, 4 error, 5 fatal"},
    "message": STRING,
    "name": STRING,
    "file": STRING,
    "line": INTEGER,
}


def seconds_to_ns(time_s: float) -> int:
    """A time in seconds as MCAP's nanoseconds (0 for a time not finite or negative)."""
    if not math.isfinite(time_s) or time_s < 0.0:
        return 0
    return round(time_s * NS_PER_S)


def finite(value: float) -> float | None:
    """A float as JSON takes it: NaN and the infinities as null."""
    return value if math.isfinite(value) else None


def _nulled(value: Any) -> Any:
    """``value`` with every float that is not finite replaced by None."""
    if isinstance(value, float):
        return finite(value)
    if isinstance(value, dict):
        return {k: _nulled(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nulled(v) for v in value]
    return value


def object_schema(
    title: str, properties: dict[str, dict[str, Any]], description: str = ""
) -> dict[str, Any]:
    """A JSON Schema of an object with these properties, all of them present."""
    schema: dict[str, Any] = {"title": title, "type": "object"}
    if description:
        schema["description"] = description
    schema["properties"] = properties
    schema["required"] = list(properties)
    return schema


def log_line(time_ns: int, level: int, message: str, name: str) -> dict[str, Any]:
    """One foxglove.Log message."""
    sec, nsec = divmod(time_ns, NS_PER_S)
    return {
        "timestamp": {"sec": sec, "nsec": nsec},
        "level": level,
        "message": message,
        "name": name,
        "file": "",
        "line": 0,
    }


@dataclass
class McapLog:
    """An MCAP file being built: channels, messages, metadata, attachments."""

    counts: dict[str, int] = field(default_factory=dict)  # messages per topic
    _schemas: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    _channels: dict[str, int] = field(default_factory=dict)
    _messages: list[tuple[int, int, bytes]] = field(default_factory=list)
    _metadata: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    _buffer: io.BytesIO = field(default_factory=io.BytesIO)
    _writer: Writer | None = None

    def __post_init__(self) -> None:
        self._writer = Writer(self._buffer, compression=CompressionType.ZSTD)
        self._writer.start(profile="", library=f"hilander {__version__}")

    def channel(self, topic: str, schema: dict[str, Any]) -> str:
        """Register ``topic`` with ``schema`` (its ``title`` names it; one
        title, one schema). Returns the topic, for ``add``."""
        writer = self._open()
        name = str(schema["title"])
        text = json.dumps(schema, separators=(",", ":")).encode()
        if name not in self._schemas:
            sid = int(writer.register_schema(name, SchemaEncoding.JSONSchema, text))
            self._schemas[name] = (sid, text)
        sid, known = self._schemas[name]
        if known != text:
            raise ValueError(f"two schemas named {name}")
        self._channels[topic] = writer.register_channel(topic, MessageEncoding.JSON, sid)
        self.counts[topic] = 0
        return topic

    def add(self, topic: str, time_ns: int, message: dict[str, Any]) -> None:
        """One message on ``topic`` at ``time_ns`` (floats NaN or infinite: null)."""
        self._open()
        try:
            text = json.dumps(message, separators=(",", ":"), allow_nan=False)
        except ValueError:  # a NaN somewhere: the rare message takes the long way
            text = json.dumps(_nulled(message), separators=(",", ":"), allow_nan=False)
        data = text.encode()
        self._messages.append((time_ns, self._channels[topic], data))
        self.counts[topic] += 1

    def metadata(self, name: str, values: dict[str, str]) -> None:
        self._metadata.append((name, values))

    def attachment(self, name: str, media_type: str, data: bytes) -> None:
        self._attachments.append((name, media_type, data))

    def finish(self) -> bytes:
        """The file's bytes; the log cannot take more after this."""
        writer = self._open()
        sequence: dict[int, int] = {}
        for time_ns, channel, data in sorted(self._messages, key=lambda m: m[0]):
            sequence[channel] = sequence.get(channel, 0) + 1
            writer.add_message(channel, time_ns, data, time_ns, sequence[channel])
        for name, media_type, data in self._attachments:
            writer.add_attachment(0, 0, name, media_type, data)
        for name, values in self._metadata:
            writer.add_metadata(name, values)
        writer.finish()  # type: ignore[no-untyped-call]  # mcap 1.6 leaves it unannotated
        self._writer = None
        return self._buffer.getvalue()

    def _open(self) -> Writer:
        if self._writer is None:
            raise ValueError("the MCAP file is finished")
        return self._writer
