"""The codec: golden vectors, round trips, corruption, resync, any split of the stream."""

from __future__ import annotations

import dataclasses
import json
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hilander.controller.interface import Command, SensorFrame
from hilander.hil.wire.codec import MAX_ENCODED, Decoder, EncodeError, VersionMismatch, encode
from hilander.hil.wire.protocol import (
    HEADER,
    MAP_CHUNK_VALUES,
    MAX_PAYLOAD,
    SPECS,
    Fault,
    HazardMapChunk,
    Params,
    Text,
)
from tests.common.golden import GOLDEN, PATH, vectors
from tests.common.messages import MESSAGES, STREAM, U8, U16

# -- independent oracles, written from the specifications -----------------


def crc32c_bitwise(data: bytes) -> int:
    """CRC-32C (Castagnoli): reflected poly 0x82F63B78, init and xorout 0xFFFFFFFF."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def cobs_decode_reference(data: bytes) -> bytes:
    """COBS (Cheshire and Baker 1999): each code byte n is followed by n-1 data bytes,
    then an implicit zero unless n == 0xFF or the block ends the frame."""
    out, i = bytearray(), 0
    while i < len(data):
        code = data[i]
        assert code != 0
        out += data[i + 1 : i + code]
        i += code
        if code != 0xFF and i < len(data):
            out.append(0)
    return bytes(out)


def test_crc32c_check_value() -> None:
    assert crc32c_bitwise(b"123456789") == 0xE3069283


@pytest.mark.parametrize("vector", vectors()["vectors"], ids=lambda v: v["name"])
def test_golden_vectors_are_what_the_spec_says(vector: dict[str, Any]) -> None:
    wire = bytes.fromhex(vector["hex"])
    assert wire[0] == 0 and wire[-1] == 0 and 0 not in wire[1:-1]
    raw = cobs_decode_reference(wire[1:-1])
    body, crc = raw[:-4], struct.unpack("<I", raw[-4:])[0]
    assert crc == crc32c_bitwise(body)
    version, type_id, flags, session, seq, length = HEADER.unpack_from(body)
    assert (version, flags, session, seq) == (
        1,
        vector["flags"],
        vector["session_id"],
        vector["seq"],
    )
    assert length == len(body) - HEADER.size
    assert type_id == next(s.type_id for s in SPECS if s.cls.__name__ == vector["type"])


def test_golden_vectors_file_is_current() -> None:
    stored = json.loads(PATH.read_text())
    assert stored == json.loads(json.dumps(vectors())), "run: python tests/common/golden.py"
    assert {v["type"] for v in stored["vectors"]} == {s.cls.__name__ for s in SPECS}


@pytest.mark.parametrize(
    ("name", "msg", "session", "seq", "flags"),
    GOLDEN,
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_golden_messages_decode_to_themselves(
    name: str, msg: Any, session: int, seq: int, flags: int
) -> None:
    [packet] = Decoder().feed(encode(msg, session, seq, flags))
    assert packet.msg == msg and (packet.session_id, packet.seq, packet.flags) == (
        session,
        seq,
        flags,
    )


def test_a_sensor_frame_takes_at_most_96_bytes() -> None:
    [frame] = [msg for name, msg, *_ in GOLDEN if name == "sensor_frame"]
    assert isinstance(frame, SensorFrame)
    assert len(encode(frame, 0xFFFF, 0xFFFF, 0xFF)) <= 96


# -- round trips of every message ------------------------------------------


@given(MESSAGES, U16, U16, U8)
def test_round_trip_of_every_message(msg: Any, session: int, seq: int, flags: int) -> None:
    decoder = Decoder()
    [packet] = decoder.feed(encode(msg, session, seq, flags))
    assert packet.msg == msg
    assert (packet.session_id, packet.seq, packet.flags) == (session, seq, flags)
    assert decoder.counters.frames == 1 and decoder.counters.resyncs == 0


def test_values_out_of_range_do_not_encode() -> None:
    cmd = Command(-1, (0.0,) * 3, 0.0, 0, 0, (0.0,) * 3, 0)
    with pytest.raises(EncodeError, match="COMMAND"):
        encode(cmd)
    with pytest.raises(EncodeError, match="over 1024 B"):
        encode(Params((1.0,) * (MAX_PAYLOAD // 8 + 1)))
    with pytest.raises(EncodeError, match="not a protocol message"):
        encode("hello")


# -- corruption, garbage, splits -------------------------------------------


@given(st.sampled_from(STREAM), st.lists(st.integers(0, 10_000), min_size=1, max_size=32))
def test_every_corruption_of_up_to_32_bits_is_rejected(msg: Any, bits: list[int]) -> None:
    wire = bytearray(encode(msg, 7, 9))
    flipped = {b % (len(wire) * 8) for b in bits}
    for bit in flipped:
        wire[bit // 8] ^= 1 << (bit % 8)
    good = encode(Text(1, "after"), 7, 10)
    packets = Decoder().feed(bytes(wire) + good)
    assert [p.msg for p in packets if p.msg != msg] == [Text(1, "after")]
    assert all(p.msg != msg for p in packets), "a corrupted frame was accepted"


@given(st.binary(min_size=0, max_size=2_000), st.sampled_from(STREAM))
def test_resynchronizes_after_arbitrary_garbage(garbage: bytes, msg: Any) -> None:
    decoder = Decoder()
    decoder.feed(garbage)
    assert [p.msg for p in decoder.feed(encode(msg, 1, 2))] == [msg]


@given(st.lists(st.sampled_from(STREAM), min_size=1, max_size=6), st.data())
def test_splitting_the_stream_anywhere_changes_nothing(msgs: list[Any], data: Any) -> None:
    stream = b"".join(encode(m, 3, i) for i, m in enumerate(msgs))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=20)))
    decoder = Decoder()
    got = []
    for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        got += decoder.feed(stream[a:b])
    assert [p.msg for p in got] == msgs


def test_never_stuck_on_a_line_without_delimiters() -> None:
    decoder = Decoder()
    for _ in range(10):
        decoder.feed(b"\x55" * 999)
        assert len(decoder._buf) <= MAX_ENCODED
    assert decoder.counters.oversize >= 1
    frame = STREAM[4]
    assert [p.msg for p in decoder.feed(encode(frame))] == [frame]


def test_counters_say_what_was_thrown_away() -> None:
    d = Decoder()
    wire = bytearray(encode(STREAM[6]))
    wire[10] ^= 0x01
    d.feed(bytes(wire))
    assert d.counters.crc_errors == 1 and d.counters.resyncs == 1
    d.feed(encode(STREAM[6], version=2))
    [p] = d.feed(encode(STREAM[0], version=9))
    assert p.msg == VersionMismatch(9, 0x01) and d.counters.version_mismatch == 2
    assert d.feed(b"\0\x01\x01\0") == [] and d.counters.framing_errors == 1
    assert d.counters.frames == 0


def test_unknown_type_and_bad_length_are_counted() -> None:
    from hilander.hil.wire import codec  # noqa: PLC0415

    raw = HEADER.pack(1, 0x7F, 0, 0, 0, 0)
    from cobs import cobs  # noqa: PLC0415

    d = Decoder()
    d.feed(b"\0" + cobs.encode(raw + struct.pack("<I", crc32c_bitwise(raw))) + b"\0")
    assert d.counters.unknown_type == 1
    short = HEADER.pack(1, 0x11, 0, 0, 0, 3) + b"abc"
    d.feed(b"\0" + cobs.encode(short + struct.pack("<I", crc32c_bitwise(short))) + b"\0")
    assert d.counters.bad_payload == 1
    assert codec.MAX_ENCODED > MAX_PAYLOAD


def test_text_fields_are_utf8_and_bounded() -> None:
    [p] = Decoder().feed(encode(Fault(2, 5, "carte incomplète")))
    assert p.msg.text == "carte incomplète"
    chunk = HazardMapChunk(3, 1, 0, tuple(float(i) for i in range(MAP_CHUNK_VALUES)))
    assert len(encode(chunk)) < 300


def test_field_tables_follow_the_classes() -> None:
    for s in SPECS:
        names = [f.name for f in dataclasses.fields(s.cls)][: len(s.fields)]
        assert names == [f.name for f in s.fields]


@given(st.sampled_from(STREAM), st.integers(0, 10_000), st.integers(1, 2**32 - 1))
def test_every_burst_of_up_to_32_bits_in_the_protected_bytes_is_caught(
    msg: Any, start: int, pattern: int
) -> None:
    from cobs import cobs  # noqa: PLC0415

    raw = bytearray(cobs.decode(encode(msg)[1:-1]))
    bits = len(raw) * 8
    value = int.from_bytes(raw, "little") ^ (pattern << (start % (bits - 31)))
    corrupted = value.to_bytes(len(raw), "little")
    assert crc32c_bitwise(corrupted[:-4]) != struct.unpack("<I", corrupted[-4:])[0]
