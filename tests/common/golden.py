"""The golden messages: one or more of every type, with fixed header fields.

    python tests/common/golden.py      # rewrite tests/data/protocol_vectors.json

The vectors file is what a firmware author tests a codec against; the test
suite checks that the codec still produces it byte for byte, and checks it
independently with a COBS and a CRC-32C written from their specifications.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hilander.controller.interface import Command, SensorFrame
from hilander.hil.wire.codec import encode
from hilander.hil.wire.protocol import (
    FLAG_ACK_REQUEST,
    FLAG_RESEND,
    SCHEMA_HASH,
    Ack,
    BoardInfo,
    Fault,
    FaultInject,
    Goodbye,
    HazardMapBegin,
    HazardMapChunk,
    HazardMapEnd,
    Heartbeat,
    Hello,
    HelloAck,
    Params,
    Text,
)

PATH = Path(__file__).resolve().parents[1] / "data" / "protocol_vectors.json"

FRAME = SensorFrame(
    step=960,
    time_s=48.0,
    radar_altitude_m=21.5,
    radar_altitude_valid=True,
    radar_velocity_S_mps=(0.25, -0.125, -0.75),
    radar_velocity_valid=True,
    nav_position_S_m=(-36.0, 28.0, 21.5),
    nav_velocity_S_mps=(0.25, -0.125, -0.75),
    specific_force_S_mps2=(0.0, 0.0, 3.71875),
    mass_estimate_kg=2800.0,
    thrust_measured_N=10390.0,
    engines_active=8,
    bridle_tension_N=3400.5,
    contact=0,
    hazard_map_ready=False,
)
COMMAND = Command(960, (12.5, -6.25, 10390.0), 0.375, 3, 3, (-36.0, 28.0, -0.5), 1, 850, 21250)

# (name, message, session_id, seq, flags)
GOLDEN: list[tuple[str, Any, int, int, int]] = [
    ("hello", Hello(SCHEMA_HASH, 0x05, 0, 20.0), 0x1234, 0, 0),
    ("hello_ack", HelloAck(SCHEMA_HASH, 0x3F, 0, 1, "virtual"), 0x1234, 0, 0),
    ("hello_ack_schema_mismatch", HelloAck(0xDEADBEEF, 0x3F, 2, 1, "old-fw"), 0x1234, 0, 0),
    ("board_info", BoardInfo(25_000_000, 20_000, 250_000, 1), 0x1234, 1, 0),
    ("params", Params((20.0, 3.71, 8.0, 3060.0, 0.1)), 0x1234, 1, 0),
    ("sensor_frame", FRAME, 0x1234, 961, 0),
    ("sensor_frame_resend", FRAME, 0x1234, 962, FLAG_RESEND),
    ("command", COMMAND, 0x1234, 958, 0),
    (
        "hazard_map_begin",
        HazardMapBegin(1, 64, 10.0, (-320.0, -320.0)),
        0x1234,
        100,
        FLAG_ACK_REQUEST,
    ),
    (
        "hazard_map_chunk",
        HazardMapChunk(1, 0, 64, (0.0, 0.25, 1.0, 0.5)),
        0x1234,
        101,
        FLAG_ACK_REQUEST,
    ),
    ("hazard_map_end", HazardMapEnd(1, 0x89ABCDEF), 0x1234, 230, 0),
    ("ack", Ack(0x22, 230, 0, 0), 0x1234, 5, 0),
    ("heartbeat", Heartbeat(61000, 1220, 0, 1, 1544), 0x1234, 6, 0),
    ("fault", Fault(1, 961, "no session"), 0x1234, 0, 0),
    ("text", Text(1, "booted"), 0x1234, 7, 0),
    ("fault_inject", FaultInject(1, 0), 0x1234, 400, 0),
    ("goodbye", Goodbye(0), 0x1234, 1300, 0),
]


def vectors() -> dict[str, Any]:
    out: dict[str, Any] = {
        "about": "hilander wire protocol golden vectors: header fields, message fields, and "
        "the exact bytes on the wire (hex, both 0x00 delimiters included). docs/protocol.md.",
        "schema_hash": f"{SCHEMA_HASH:#010x}",
        "vectors": [],
    }
    for name, msg, session_id, seq, flags in GOLDEN:
        fields = {k: v for k, v in _fields(msg).items() if k != "hazard_map"}
        out["vectors"].append(
            {
                "name": name,
                "type": type(msg).__name__,
                "session_id": session_id,
                "seq": seq,
                "flags": flags,
                "fields": fields,
                "hex": encode(msg, session_id, seq, flags).hex(),
            }
        )
    return out


def _fields(msg: Any) -> dict[str, Any]:
    import dataclasses  # noqa: PLC0415

    return {f.name: getattr(msg, f.name) for f in dataclasses.fields(msg)}


if __name__ == "__main__":  # pragma: no cover
    PATH.write_text(json.dumps(vectors(), indent=1) + "\n")
    print(f"wrote {PATH}", file=sys.stderr)
