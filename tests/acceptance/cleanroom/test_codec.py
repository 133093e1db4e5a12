"""The clean-room codec against the doc: its tables read, the golden vectors
the doc points to (tests/data/protocol_vectors.json) reproduced byte for
byte, COBS and the CRC as the doc defines them, the receiver's drop rules,
and PARAMS <-> LawConfig by the doc's order."""

from __future__ import annotations

import dataclasses
import json
import math
import random
import re
from typing import Any

import pytest

from hilander.controller.config import LawConfig
from hilander.sim.scenario import load_scenario
from tests.acceptance.cleanroom import params
from tests.acceptance.cleanroom.protocol import (
    SPEC,
    Decoder,
    cobs_decode,
    cobs_encode,
    crc,
    decode_payload,
    encode_payload,
    frame_bytes,
)
from tests.acceptance.cleanroom.runs import ROOT

VECTORS = json.loads((ROOT / "tests" / "data" / "protocol_vectors.json").read_text())


def test_the_doc_tables_read() -> None:
    assert SPEC.version == 1 and len(SPEC.messages) == 15
    assert len({m.type for m in SPEC.messages.values()}) == 15
    assert [f.name for f in SPEC.header] == [
        "version",
        "type",
        "flags",
        "session_id",
        "seq",
        "length",
    ]
    assert SPEC.max_payload == 1024 and SPEC.max_run == 1042
    assert SPEC.messages["SENSOR_FRAME"].size == 77 and SPEC.messages["COMMAND"].size == 45
    names = [p.name for p in SPEC.params]
    assert names == [f.name for f in dataclasses.fields(LawConfig)], "PARAMS order = LawConfig"
    assert len(SPEC.cross_rules) == 7
    for enum in ("AckStatus", "FaultCode", "Capability", "Mode", "InjectKind", "CostUnit", "flags"):
        assert SPEC.numbers[enum], enum


def test_the_schema_hash_in_the_doc_is_the_vectors() -> None:
    assert int(VECTORS["schema_hash"], 16) == SPEC.schema_hash


def _message(kind: str) -> str:
    """The vectors' record name (``HazardMapBegin``) as the doc's (``HAZARD_MAP_BEGIN``)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind).upper()


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_the_golden_vectors(vector: dict[str, Any]) -> None:
    name = _message(vector["type"])
    payload = encode_payload(name, vector["fields"])
    wire = frame_bytes(
        SPEC.messages[name].type, payload, vector["session_id"], vector["seq"], vector["flags"]
    )
    assert wire.hex() == vector["hex"]
    (frame,) = Decoder().push(bytes.fromhex(vector["hex"]))
    assert (frame.name, frame.session, frame.seq, frame.flags) == (
        name,
        vector["session_id"],
        vector["seq"],
        vector["flags"],
    )
    assert encode_payload(name, frame.fields) == payload


def test_crc_32c_check_value() -> None:
    assert crc(b"123456789") == 0xE3069283


@pytest.mark.parametrize("n", [0, 1, 253, 254, 255, 507, 508, 509, 1037])
def test_cobs_grows_a_block_by_a_code_byte_per_254_bytes(n: int) -> None:
    rng = random.Random(n)
    for zeros in (False, True):
        block = bytes(rng.choice([0, 1, 255]) if zeros else rng.randrange(1, 256) for _ in range(n))
        encoded = cobs_encode(block)
        assert 0 not in encoded
        assert cobs_decode(encoded) == block
        if not zeros:
            assert len(encoded) == n + max(1, math.ceil(n / 254))


def _sensor(step: int) -> bytes:
    fields = {
        f.name: (0.0,) * f.count if f.count > 1 else 0 for f in SPEC.messages["SENSOR_FRAME"].fields
    }
    payload = encode_payload("SENSOR_FRAME", {**fields, "step": step})
    return frame_bytes(SPEC.messages["SENSOR_FRAME"].type, payload, 7, step)


def test_bad_bytes_never_cost_the_good_frame_after_them() -> None:
    d = Decoder()
    good = _sensor(1)
    flipped = good[:20] + bytes([good[20] ^ 0x04]) + good[21:]
    stream = b"\x05\x06" + _sensor(0)[:30] + good + b"\x01" * 1100 + good + flipped + good
    frames = d.push(stream)
    assert [f.fields["step"] for f in frames] == [1, 1, 1]
    assert d.counters.oversize == 1 and d.counters.crc_errors >= 1


def test_the_frame_sizes_on_the_wire_are_the_docs() -> None:
    """SENSOR_FRAME: 93 bytes on the wire; COMMAND: 61 (docs/protocol.md, Frame sizes)."""
    assert len(_sensor(0)) == 93
    fields = {
        f.name: (1.0,) * f.count if f.count > 1 else 1 for f in SPEC.messages["COMMAND"].fields
    }
    payload = encode_payload("COMMAND", fields)
    assert len(frame_bytes(SPEC.messages["COMMAND"].type, payload, 7, 1)) == 61


def test_a_payload_of_the_wrong_size_is_dropped_and_counted() -> None:
    short = frame_bytes(SPEC.messages["SENSOR_FRAME"].type, b"\x01" * 76, 7, 0)
    d = Decoder()
    (frame,) = d.push(short)
    assert frame.name is None and d.counters.bad_payload == 1
    assert decode_payload("COMMAND", b"\x00" * 44) is None


def test_params_travel_by_name_in_the_doc_order() -> None:
    law = load_scenario("default").law
    values = params.config_to_values(law)
    assert len(values) == 69
    assert values[params.INDEX["guidance"]] == 0.0  # "apollo", the first word
    assert params.check_values(values) is None
    assert params.values_to_config(values) == law


@pytest.mark.parametrize(
    ("changes", "blamed"),
    [
        ({"landing_system": 3.0}, "landing_system"),
        ({"engine_count": 2.5}, "engine_count"),
        ({"guidance": 1.5}, "guidance"),
        ({"isp_s": math.nan}, "isp_s"),
        ({"throttle_max": 0.05}, "throttle_max"),
        ({"final_decel_mps2": 50.0}, "final_decel_mps2"),
    ],
)
def test_params_blame_the_field_the_doc_blames(changes: dict[str, float], blamed: str) -> None:
    values = params.config_to_values(load_scenario("default").law)
    for name, v in changes.items():
        values[params.INDEX[name]] = v
    broken = params.check_values(values)
    assert broken is not None and broken[0] == params.INDEX[blamed]
    assert broken[1].startswith(blamed)
