"""Seed inputs for the structure-aware harness (fuzz/fuzz_session.c), in its
input format: a config byte, then operations [op][header][fields...].

- landing-P-W: for each preset lander P and each starting point W of the
  plant, a session opened, the lander's PARAMS, a whole hazard map, and up to
  4,096 frames of flight;
- tour: a short walk through the protocol's rules, each operation once or
  twice, in a session and out of one (fast: the fuzzer mutates it the most).

    python3 fuzz/seeds.py DIRECTORY
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

PRESETS = 6  # FZ_PRESET_COUNT in fuzz_presets.h
CONVEX = (1, 2)  # the presets with guidance = "convex"
CONFIG = 0x0F  # io.info, cost counter and its units, stack high water
# the operations, in the order of OPS in fuzz_session.c
(HELLO, PARAMS, SENSOR, FLY, PLANT, MAP, MAP_BEGIN, MAP_CHUNK, MAP_END,
 INJECT, GOODBYE, GARBAGE, CLOCK, OTHER, FRAMED) = range(15)  # fmt: skip
PLAIN, RESEND, ACK_REQUEST, WRONG_SESSION, WRONG_VERSION = 0, 1, 2, 4, 8
FLIPPED, TRUNCATED, SPLIT = 0x10, 0x20, 0x40
NAN, MINUS_1, MINUS_1E30 = 0xF0, 0xE3, 0xE9  # a value's kind (fuzz_input.h)
SID = (0x34, 0x12)  # session 0x1234


def op(code: int, header: int, *fields: int) -> bytes:
    return bytes([code, header, *fields])


def landing(preset: int, where: int) -> bytes:
    # a convex approach from the scenario's start replans all the way down
    # (0.8 s a landing under the sanitizers): three flights of it, 15 s
    flights = 3 if preset in CONVEX and where == 0 else 16
    return bytes([CONFIG]) + b"".join(
        [
            op(HELLO, PLAIN, 0, *SID, 0),  # the right schema hash
            op(PARAMS, PLAIN, preset),  # the preset as it is
            op(PLANT, PLAIN, where, 0, 0, 0, 0, 0, 0),  # unperturbed
            op(MAP, PLAIN, 0, 0, 20, 28, 3, 0),  # the lander's side, a hazard disc
            op(FLY, PLAIN, 255, 0) * flights,  # 256 frames each
        ]
    )


def tour() -> bytes:
    session = [
        op(HELLO, PLAIN, 0, *SID, 0),
        op(PARAMS, PLAIN, 0),
        op(MAP, PLAIN, 1, 0, 8, 8, 2, 0),  # 16 x 16
        op(SENSOR, PLAIN, 0),
        op(SENSOR, RESEND, 2),  # the last step again
        op(SENSOR, PLAIN, 3 | 4, 5),  # an older one
        op(SENSOR, PLAIN, 3, *struct.pack("<I", 0x7FFFFFFF)),  # any
        op(SENSOR, PLAIN, 8 | 0x10, 0xFF, 0x01, *[NAN] * 17, 0x04, 1, 0),  # NaNs, flags
        op(CLOCK, PLAIN, 1, *struct.pack("<h", -500)),  # the clock steps back
        op(SENSOR, PLAIN, 0),
        op(CLOCK, PLAIN, 1, *struct.pack("<h", 1000)),
        op(CLOCK, PLAIN, 0, *struct.pack("<I", 2_000_000)),  # a heartbeat due
        op(MAP_BEGIN, PLAIN, 0, 15, 0),
        op(MAP_BEGIN, PLAIN, 0, 15, NAN),  # cell size NaN
        op(MAP_BEGIN, PLAIN, 2, 0xFF, 0xFF, 0),  # 65,535 cells a side
        op(MAP_BEGIN, PLAIN, 0, 15, MINUS_1),  # cells of -1 m
        op(MAP_BEGIN, PLAIN, 4, 15, 0, 0, NAN),  # the origin's y NaN
        op(MAP_BEGIN, ACK_REQUEST, 0, 15, 0),
        op(MAP_CHUNK, ACK_REQUEST, 0, 0, 0, 0, 0),
        op(MAP_CHUNK, ACK_REQUEST, 2, 5, 0, 0, 0, 0),  # layer 5
        op(MAP_CHUNK, ACK_REQUEST, 8, 0xFF, 0xFF, 0, 0, 0),  # past the map
        op(MAP_CHUNK, ACK_REQUEST, 0, 0, 0xFF, 0, 0),  # no values
        op(MAP_END, PLAIN, 0),  # incomplete
        op(MAP_END, PLAIN, 2, 1, 2, 3, 4),  # a wrong CRC
        op(MAP_END, PLAIN, 1, 9, 9),  # another map
        *[op(OTHER, header, i) for header in (PLAIN, ACK_REQUEST) for i in range(7)],
        op(PARAMS, PLAIN, 0x40, 3, NAN),  # a value NaN
        op(PARAMS, PLAIN, 0x40, 16, MINUS_1E30),  # gate_altitude_m
        op(PARAMS, PLAIN, 0x40, 26, MINUS_1E30),  # plan_nodes: a whole number out of int64
        op(PARAMS, PLAIN, 0x10, 5),  # five values
        op(HELLO, PLAIN, 6, *SID, 1, 2, 3, 4, 0),  # a wrong schema hash
        op(HELLO, PLAIN, 0x10, *SID, 7, 0),  # mode 7
        op(HELLO, PLAIN, 1, 0, 0, 0),  # session 0
        op(HELLO, WRONG_VERSION, 0, *SID, 0, 5),
        op(HELLO, PLAIN, 0, *SID, NAN),  # rate NaN
        op(HELLO, PLAIN, 0, *SID, 0),
        op(SENSOR, WRONG_SESSION, 0, 7),
        op(SENSOR, WRONG_VERSION, 0, 3),
        op(SENSOR, FLIPPED, 0, 5, 0, 0x40),
        op(SENSOR, TRUNCATED, 0, 10, 0),
        op(SENSOR, SPLIT, 0, 7, 0),
        op(INJECT, PLAIN, 1, 2),  # unsupported
        op(INJECT, PLAIN, 0),  # a reset: the session ends
    ]
    outside = [
        op(SENSOR, PLAIN, 0),
        op(PARAMS, PLAIN, 0),
        op(MAP_CHUNK, PLAIN, 0, 0, 0, 0, 0),
        op(INJECT, PLAIN, 0),
        op(HELLO, PLAIN, 0, *SID, 0),
        op(GOODBYE, ACK_REQUEST, 0),
        op(GARBAGE, PLAIN, 8, 1, 2, 3, 4, 5, 6, 7, 0),
        # framed right around what no encoder writes
        op(FRAMED, PLAIN, 0, 3, 0x7F, 0, 1, 2, 3),  # no such type
        op(FRAMED, PLAIN, 0, 3, 0x10, 0, 1, 2, 3),  # a SENSOR_FRAME of 3 bytes
        op(FRAMED, PLAIN, 1, 0, 0x41, 0, 5, 0),  # the length field says 5
        op(FRAMED, PLAIN, 8, 1, 0x41, 0, 0),  # a wrong CRC
        op(FRAMED, 3, 0, 200, 0x33, 0),  # 1,600 bytes: over a frame
    ]
    return bytes([CONFIG | 0x10]) + b"".join(session + outside)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for preset in range(PRESETS):
        for where in range(4):
            (out / f"landing-{preset}-{where}").write_bytes(landing(preset, where))
    (out / "tour").write_bytes(tour())


if __name__ == "__main__":
    main()
