"""The generated part of docs/protocol.md: message tables, sizes, line use.

    python -m hilander.hil.gen.protocol_docs docs/protocol.md   # rewrite the generated part

A test checks that the file matches, so the spec cannot drift from the codec.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hilander.controller.config import CROSS_RULES
from hilander.controller.interface import Command, SensorFrame
from hilander.controller.params import range_text
from hilander.hil.gen.scenario_docs import rewrite
from hilander.hil.wire.codec import encode
from hilander.hil.wire.meanings import TABLES
from hilander.hil.wire.protocol import (
    CRC_SIZE,
    FLAG_ACK_REQUEST,
    FLAG_RESEND,
    HEADER_SIZE,
    PARAM_FIELDS,
    PARAM_NAMES,
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    SPECS,
    WIRE_SIZES,
    Spec,
    schema_text,
)

BEGIN = "<!-- BEGIN GENERATED: python -m hilander.hil.gen.protocol_docs docs/protocol.md -->"
RATES_HZ = (20, 50, 100, 200, 500, 1000)
BAUDS = (115200, 230400, 460800, 921600)
BITS_PER_BYTE = 10  # 8N1: start bit, 8 data bits, stop bit


def message_table(spec: Spec) -> list[str]:
    rows = ["| offset | field | type | count | unit | meaning |", "|---|---|---|---|---|---|"]
    offset = 0
    for f in spec.fields:
        count = str(f.count) if f.count else "rest"
        rows.append(f"| {offset} | `{f.name}` | {f.wire} | {count} | {f.unit} | {f.doc} |")
        offset += f.size
    return rows


def frame_bytes(msg: object) -> int:
    """Bytes on the wire for one frame, both delimiters included."""
    return len(encode(msg))


def _zero_frame() -> SensorFrame:
    z = (0.0, 0.0, 0.0)
    return SensorFrame(0, 0.0, 0.0, False, z, False, z, z, z, 0.0, 0.0, 0, 0.0, 0, False)


def utilisation_table() -> list[str]:
    frame = frame_bytes(_zero_frame())
    command = frame_bytes(Command(0, (0.0,) * 3, 0.0, 0, 0, (0.0,) * 3, 0))
    head = "| rate | " + " | ".join(f"{b} baud" for b in BAUDS) + " |"
    rows = [
        f"SENSOR_FRAME: {frame} bytes on the wire (world -> controller); "
        f"COMMAND: {command} bytes (controller -> world). Each direction of a full-duplex "
        f"UART is used alone; the table gives the busier one, sensor frames, at 8N1 "
        f"({BITS_PER_BYTE} bits a byte).",
        "",
        head,
        "|---|" + "---|" * len(BAUDS),
    ]
    for rate in RATES_HZ:
        shares = [100 * frame * BITS_PER_BYTE * rate / b for b in BAUDS]
        cells = [f"{x:.1f} %" if x < 100 else "does not fit" for x in shares]
        rows.append(f"| {rate} Hz | " + " | ".join(cells) + " |")
    return rows


def _index() -> list[str]:
    lines = [
        "### Messages",
        "",
        "| type | name | direction | payload bytes | what it is |",
        "|---|---|---|---|---|",
    ]
    for s in SPECS:
        size = str(s.fixed_size) + ("+" if any(not f.count for f in s.fields) else "")
        lines.append(
            f"| {s.type_id:#04x} | [{s.name}](#{s.name.lower()}) | {s.direction} "
            f"| {size} | {s.doc} |"
        )
    return lines


def _messages() -> list[str]:
    lines: list[str] = []
    for s in SPECS:
        lines += ["", f"#### {s.name}", "", f"Type {s.type_id:#04x}, {s.direction}: {s.doc}.", ""]
        lines += message_table(s)
        tail = next((f for f in s.fields if not f.count), None)
        if tail is not None:
            lines += [
                "",
                f"`{tail.name}` fills the rest of the payload: "
                f"{WIRE_SIZES[tail.wire]} byte(s) an element.",
            ]
    return lines


def _enumerations() -> list[str]:
    lines = ["", "### Numbers", "", "Every value a field can hold, and what it means."]
    lines += ["", "Header `flags` (bits):", "", "| value | name | meaning |", "|---|---|---|"]
    lines += [
        f"| {FLAG_RESEND} | RESEND | this frame repeats one sent before (a new seq) |",
        f"| {FLAG_ACK_REQUEST} | ACK_REQUEST | answer this frame with an ACK |",
    ]
    for heading, enumeration, meaning, where in TABLES:
        lines += [
            "",
            f"`{heading}`, in {where}:",
            "",
            "| value | name | meaning |",
            "|---|---|---|",
        ]
        for member in enumeration:
            lines.append(f"| {member.value} | {member.name} | {meaning[member]} |")
    return lines


def params_table() -> list[str]:
    """Every PARAMS value: its index, name, unit, rule and meaning."""
    lines = [
        "",
        "### PARAMS",
        "",
        "PARAMS.values holds the law's configuration (docs/scenarios.md, `[law]` and "
        f"`[vehicle]`): {len(PARAM_NAMES)} values, f64, in this order. Each must be finite "
        "and keep its rule; an integer is a whole number; a word (a field whose rule lists "
        "words: `guidance`) is sent as its index among the words listed. A board that "
        "rejects a PARAMS blames the first value, in this order, "
        "that breaks its rule; if every value keeps its own, the first rule between values "
        "that is broken, in the order below (ACK INVALID's `detail`: the blamed field's index).",
        "",
        "| index | field | unit | rule | meaning |",
        "|---|---|---|---|---|",
    ]
    for i, f in enumerate(PARAM_FIELDS):
        words = f.metadata.get("choices")
        rule = ", ".join(f"{k} {w}" for k, w in enumerate(words)) if words else range_text(f)
        if not words and f.type in ("int", int):
            rule = f"whole, {rule}"
        lines.append(f"| {i} | `{f.name}` | {f.metadata['unit']} | {rule} | {f.metadata['doc']} |")
    lines += ["", "Rules between values, checked in this order (the field blamed first):", ""]
    lines += [f"{k + 1}. `{field}` {text}" for k, (field, text, _) in enumerate(CROSS_RULES)]
    return lines


def _schema() -> list[str]:
    return [
        "",
        "### Schema text",
        "",
        f"The text whose CRC-32C is the schema hash ({SCHEMA_HASH:#010x}), as UTF-8, "
        "the lines joined by a line feed, none after the last:",
        "",
        "```",
        schema_text(),
        "```",
    ]


def _params_and_sizes() -> list[str]:
    lines = _enumerations() + params_table() + _schema()
    lines += ["", "### Frame sizes and line use", "", *utilisation_table(), ""]
    lines.append(
        f"Header {HEADER_SIZE} bytes, CRC {CRC_SIZE} bytes, two delimiters, and one COBS "
        "code byte per 254 bytes (one for every frame here but map chunks and PARAMS)."
    )
    return lines


def generated() -> str:
    head = [
        BEGIN,
        "",
        f"Protocol version **{PROTOCOL_VERSION}**, schema hash **{SCHEMA_HASH:#010x}**.",
        "",
    ]
    lines = head + _index() + _messages() + _params_and_sizes() + ["", "<!-- END GENERATED -->"]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print("changed" if rewrite(Path(sys.argv[1]), generated(), BEGIN) else "up to date")
