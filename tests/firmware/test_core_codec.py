"""The C core's codec against the Python codec, through ctypes.

The C structs are mirrored here from the same field tables that generate
them, so a field the C decoder puts in the wrong place shows up as a wrong
value, not only as a wrong re-encoding.
"""

from __future__ import annotations

import ctypes
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hilander.hil.gen import cmessages
from hilander.hil.wire.codec import Decoder, encode
from hilander.hil.wire.protocol import SPEC_BY_CLASS, SPECS, Spec
from tests.common.firmware import FIRMWARE
from tests.common.golden import GOLDEN, PATH
from tests.common.messages import MESSAGES, STREAM, U8, U16

C_TYPES = {
    "u8": ctypes.c_uint8,
    "u16": ctypes.c_uint16,
    "u32": ctypes.c_uint32,
    "f32": ctypes.c_float,
    "f64": ctypes.c_double,
}
COUNTERS = (
    "frames",
    "bytes",
    "crc_errors",
    "framing_errors",
    "resyncs",
    "oversize",
    "unknown_type",
    "bad_payload",
    "version_mismatch",
)


def _struct(spec: Spec) -> type[ctypes.Structure]:
    fields: list[tuple[str, Any]] = []
    for f in spec.fields:
        if f.wire == "char16":
            fields.append((f.name, ctypes.c_char * 17))
        elif not f.count:
            cap = cmessages.tail_max(spec, f)
            if f.wire == "utf8":
                fields += [(f.name, ctypes.c_char * (cap + 1)), (f"{f.name}_len", ctypes.c_uint16)]
            else:
                fields += [(f.name, C_TYPES[f.wire] * cap), (f"{f.name}_count", ctypes.c_uint16)]
        else:
            t = C_TYPES[f.wire]
            fields.append((f.name, t * f.count if f.count > 1 else t))
    return type(f"hl_{spec.name.lower()}_t", (ctypes.Structure,), {"_fields_": fields})


STRUCTS = {s.type_id: _struct(s) for s in SPECS}
Message = type(
    "hl_message_t",
    (ctypes.Union,),
    {"_fields_": [(s.name.lower(), STRUCTS[s.type_id]) for s in SPECS]},
)


class Packet(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_uint8),
        ("type", ctypes.c_uint8),
        ("flags", ctypes.c_uint8),
        ("session_id", ctypes.c_uint16),
        ("seq", ctypes.c_uint16),
        ("msg", Message),
    ]


class Counters(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint32) for name in COUNTERS]


@pytest.fixture(scope="module")
def core(host_lib: Path) -> ctypes.CDLL:
    lib = ctypes.CDLL(str(host_lib / "libhlcore.so"))
    lib.hl_test_reencode.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.c_char_p,
        ctypes.c_size_t,
    ]
    lib.hl_test_decode.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.POINTER(Packet),
        ctypes.POINTER(Counters),
    ]
    lib.hl_test_counters.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(Counters)]
    lib.hl_test_crc32c.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    lib.hl_test_crc32c.restype = ctypes.c_uint32
    lib.hl_test_packet_size.restype = ctypes.c_size_t
    return lib


def reencode(core: ctypes.CDLL, wire: bytes) -> bytes:
    out = ctypes.create_string_buffer(len(wire) * 2 + 64)
    n = core.hl_test_reencode(wire, len(wire), out, len(out))
    assert n >= 0, f"C encoder failed: {n}"
    return out.raw[:n]


def test_generated_sources_are_current() -> None:
    core = FIRMWARE / "core"
    assert (core / "hl_messages.h").read_text() == cmessages.header_text()
    assert (core / "hl_messages.c").read_text() == cmessages.source_text(), (
        "run: python -m hilander.hil.gen.cmessages firmware_stub/core"
    )


def test_the_mirror_has_the_c_layout(core: ctypes.CDLL) -> None:
    assert core.hl_test_packet_size() == ctypes.sizeof(Packet)


def test_crc_check_value(core: ctypes.CDLL) -> None:
    assert core.hl_test_crc32c(b"123456789", 9) == 0xE3069283


def test_golden_vectors_byte_for_byte(core: ctypes.CDLL) -> None:
    for v in json.loads(PATH.read_text())["vectors"]:
        wire = bytes.fromhex(v["hex"])
        assert reencode(core, wire) == wire, v["name"]


def _value(field: Any, c: Any) -> Any:
    if isinstance(c, bytes):
        return c.decode()
    if hasattr(c, "_length_"):
        return tuple(c)
    return c


def _fields_of(spec: Spec, cmsg: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in spec.fields:
        raw = getattr(cmsg, f.name)
        if not f.count and f.wire == "utf8":
            out[f.name] = raw.decode()
        elif not f.count:
            out[f.name] = tuple(raw)[: getattr(cmsg, f"{f.name}_count")]
        elif f.count > 1:
            out[f.name] = tuple(raw)
        elif f.py is bool:
            out[f.name] = bool(raw)
        else:
            out[f.name] = _value(f, raw)
    return out


@pytest.mark.parametrize(
    ("name", "msg", "session", "seq", "flags"), GOLDEN, ids=[g[0] for g in GOLDEN]
)
def test_c_decodes_every_field(
    core: ctypes.CDLL, name: str, msg: Any, session: int, seq: int, flags: int
) -> None:
    packet, counters = Packet(), Counters()
    wire = encode(msg, session, seq, flags)
    assert core.hl_test_decode(wire, len(wire), ctypes.byref(packet), ctypes.byref(counters)) == 1
    spec = SPEC_BY_CLASS[type(msg)]
    assert (packet.version, packet.type, packet.flags, packet.session_id, packet.seq) == (
        1,
        spec.type_id,
        flags,
        session,
        seq,
    )
    cmsg = getattr(packet.msg, spec.name.lower())
    expected = {f.name: getattr(msg, f.name) for f in spec.fields}
    assert _fields_of(spec, cmsg) == expected


@given(MESSAGES, U16, U16, U8)
def test_c_re_encodes_any_message_byte_for_byte(
    core: ctypes.CDLL, msg: Any, session: int, seq: int, flags: int
) -> None:
    wire = encode(msg, session, seq, flags)
    assert reencode(core, wire) == wire


@given(
    st.lists(st.sampled_from(STREAM), min_size=1, max_size=5),
    st.binary(max_size=400),
    st.lists(st.integers(0, 8000), max_size=16),
)
def test_c_counts_what_it_throws_away_as_python_does(
    core: ctypes.CDLL, msgs: list[Any], garbage: bytes, flips: list[int]
) -> None:
    stream = bytearray(garbage + b"".join(encode(m, 1, i) for i, m in enumerate(msgs)))
    for bit in flips:
        stream[bit // 8 % len(stream)] ^= 1 << (bit % 8)
    counters = Counters()
    core.hl_test_counters(bytes(stream), len(stream), ctypes.byref(counters))
    python = Decoder()
    python.feed(bytes(stream))
    c = python.counters
    for name in COUNTERS:
        assert getattr(counters, name) == getattr(c, name), name


def test_an_endless_line_is_dropped_and_counted(core: ctypes.CDLL) -> None:
    stream = b"\x55" * 5000 + encode(STREAM[4])
    counters = Counters()
    core.hl_test_counters(stream, len(stream), ctypes.byref(counters))
    assert counters.oversize >= 1 and counters.frames == 1
