"""The controller's rules (docs/protocol.md, "The controller"), case by case,
on the Python board and the C board side by side: the same bytes in, the
same answers out (types, sessions, statuses, details, steps; a fault's text
names the same field). Each case also states the answer the spec requires.
``hilander check-board`` checks the same rules over a real link."""

from __future__ import annotations

import ctypes
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hilander.controller.interface import SensorFrame
from hilander.hil.board.board import Board
from hilander.hil.wire.codec import Decoder, encode
from hilander.hil.wire.mapxfer import map_crc
from hilander.hil.wire.protocol import (
    FLAG_ACK_REQUEST,
    FLAG_RESEND,
    PARAM_NAMES,
    SCHEMA_HASH,
    SPEC_BY_CLASS,
    Ack,
    AckStatus,
    Fault,
    FaultCode,
    FaultInject,
    Goodbye,
    HazardMapBegin,
    HazardMapChunk,
    HazardMapEnd,
    Heartbeat,
    Hello,
    Params,
    Text,
    params_message,
)
from hilander.sim.scenario import load_scenario

S = 0x1234  # the session the cases open
CONFIG = load_scenario("default").law
PARAMS = params_message(CONFIG)


class _Memory:
    """A transport that keeps what the board writes."""

    name = "memory"

    def __init__(self) -> None:
        self.out = bytearray()

    def write(self, data: bytes) -> None:
        self.out += data

    def read(self, timeout_s: float) -> bytes:
        return b""

    def close(self) -> None:
        pass


def _python_board() -> Callable[[bytes], bytes]:
    memory = _Memory()
    board = Board(memory)

    def push(data: bytes) -> bytes:
        memory.out.clear()
        board.link.feed(data)
        while (p := board.link.receive(0.0)) is not None:
            board.handle(p)
        return bytes(memory.out)

    return push


def _c_board(host_lib: Path) -> Callable[[bytes], bytes]:
    lib = ctypes.CDLL(str(host_lib / "libhlcore.so"))
    lib.hl_test_board_push.argtypes = [ctypes.c_char_p, ctypes.c_size_t] * 2
    lib.hl_test_board_init()
    out = ctypes.create_string_buffer(1 << 16)

    def push(data: bytes) -> bytes:
        n = lib.hl_test_board_push(data, len(data), out, len(out))
        assert n >= 0
        return out.raw[:n]

    return push


@pytest.fixture(params=["python", "c"])
def board(request: pytest.FixtureRequest, host_lib: Path) -> Callable[[bytes], bytes]:
    return _python_board() if request.param == "python" else _c_board(host_lib)


class World:
    """Sends frames with every header field chosen; reads the answers."""

    def __init__(self, push: Callable[[bytes], bytes]) -> None:
        self.push, self.seq = push, 100

    def send(self, msg: Any, session: int = S, flags: int = 0, version: int = 1) -> list[Any]:
        self.seq += 1
        self.raw = self.push(encode(msg, session, self.seq, flags, version))
        return [_summary(p) for p in Decoder().feed(self.raw)]

    def open(self) -> None:
        assert self.send(Hello(SCHEMA_HASH, 1, 0, 20.0))[0][:3] == ("HELLO_ACK", S, 0)
        assert self.send(PARAMS) == [("ACK", S, 0, 0x03, self.seq, 0)]


def _summary(p: Any) -> tuple[Any, ...]:
    """What both boards must agree on in an answer."""
    m, name = p.msg, SPEC_BY_CLASS[type(p.msg)].name
    if name == "HELLO_ACK":
        return (name, p.session_id, m.status, m.schema_hash, m.protocol_version)
    if name == "ACK":
        return (name, p.session_id, m.status, m.acked_type, m.acked_seq, m.detail)
    if name == "FAULT":
        return (name, p.session_id, m.code, m.step, m.text.split(" ")[0].rstrip(":"))
    return (name, p.session_id, getattr(m, "step", None))


def _frame(step: int, map_ready: bool = False) -> SensorFrame:
    h, v = CONFIG.gate_altitude_m, (0.0, 0.0, -CONFIG.gate_speed_mps)
    return SensorFrame(
        step, step / CONFIG.control_rate_Hz, h, True, v, True, (0.0, 0.0, h), v,
        (0.0, 0.0, 3.7), 2109.0, 8000.0, CONFIG.engine_count, 0.0, 0, map_ready,
    )  # fmt: skip


def _params_with(name: str, value: float) -> Params:
    values = list(PARAMS.values)
    values[PARAM_NAMES.index(name)] = value
    return Params(tuple(values))


@pytest.mark.parametrize(
    ("hello", "session", "version", "status"),
    [
        (Hello(SCHEMA_HASH, 1, 0, 20.0), S, 1, AckStatus.OK),
        (Hello(SCHEMA_HASH ^ 1, 1, 0, 20.0), S, 1, AckStatus.SCHEMA_MISMATCH),
        (Hello(SCHEMA_HASH, 1, 0, 20.0), 0, 1, AckStatus.INVALID),
        (Hello(SCHEMA_HASH, 1, 7, 20.0), S, 1, AckStatus.UNSUPPORTED),
        (Hello(SCHEMA_HASH, 1, 0, math.nan), S, 1, AckStatus.INVALID),
        (Hello(SCHEMA_HASH, 1, 0, -20.0), S, 1, AckStatus.INVALID),
        (Hello(SCHEMA_HASH, 1, 0, 20.0), S, 2, AckStatus.VERSION_MISMATCH),
    ],
    ids=["ok", "schema", "session-0", "mode-7", "rate-nan", "rate-negative", "version-2"],
)
def test_a_hello_is_answered_by_the_first_rule_it_breaks(
    board: Callable[[bytes], bytes], hello: Hello, session: int, version: int, status: int
) -> None:
    [answer] = World(board).send(hello, session, version=version)
    assert answer == ("HELLO_ACK", session, status, SCHEMA_HASH, 1)


@pytest.mark.parametrize(
    ("name", "value"),
    [("gravity_mps2", math.nan), ("gate_speed_mps", -1.0), ("engine_count", 4.5),
     ("guidance", 2.0), ("tgo_switch_s", 7.0), ("isp_s", math.inf)],
)  # fmt: skip
def test_params_that_break_a_rule_are_refused_naming_the_field(
    board: Callable[[bytes], bytes], name: str, value: float
) -> None:
    world = World(board)
    world.open()
    answers = world.send(_params_with(name, value))
    index = PARAM_NAMES.index(name)
    assert answers == [
        ("FAULT", S, FaultCode.PARAMS_INVALID, 0, name),
        ("ACK", S, AckStatus.INVALID, 0x03, world.seq, index),
    ]
    assert world.send(_frame(1)) == [("COMMAND", S, 1)]  # the configuration in hand stays


def test_params_of_the_wrong_length_are_refused(board: Callable[[bytes], bytes]) -> None:
    world = World(board)
    world.open()
    answers = world.send(Params(PARAMS.values[:-1]))
    assert answers[1] == ("ACK", S, AckStatus.INVALID, 0x03, world.seq, 0xFFFFFFFF)


def test_a_resend_is_the_same_bytes_and_an_old_step_is_dropped(
    board: Callable[[bytes], bytes],
) -> None:
    world = World(board)
    world.open()
    assert world.send(_frame(5)) == [("COMMAND", S, 5)]
    first = world.raw
    assert world.send(_frame(5), flags=FLAG_RESEND) == [("COMMAND", S, 5)]
    assert world.raw == first  # the same bytes, seq included: never a second step
    assert world.send(_frame(3)) == []  # an old step: no answer
    assert world.send(_frame(5), flags=FLAG_RESEND) == [("COMMAND", S, 5)]
    assert world.raw == first  # the old step did not step the law either
    assert world.send(_frame(9)) == [("COMMAND", S, 9)]  # a gap is fine


def test_a_frame_before_params_is_unexpected(board: Callable[[bytes], bytes]) -> None:
    world = World(board)
    world.send(Hello(SCHEMA_HASH, 1, 0, 20.0))
    assert world.send(_frame(0)) == [("FAULT", S, FaultCode.UNEXPECTED, 0, "SENSOR_FRAME")]


NEEDS_SESSION = [
    _frame(4), PARAMS, HazardMapBegin(1, 2, 1.0, (0.0, 0.0)),
    HazardMapChunk(1, 0, 0, (0.0,)), HazardMapEnd(1, 0), FaultInject(1, 0),
]  # fmt: skip
NEWS = [Goodbye(0), Ack(0x11, 3, 0, 0), Heartbeat(1, 2, 3, 4), Text(1, "hi"), Fault(5, 0, "x")]


@pytest.mark.parametrize("other", [0, S + 1])
def test_outside_the_session_the_board_says_so_in_the_frames_own_id(
    board: Callable[[bytes], bytes], other: int
) -> None:
    world = World(board)
    world.open()
    for msg in NEEDS_SESSION:
        step = getattr(msg, "step", 0)
        for flags in (0, FLAG_ACK_REQUEST):
            answer = world.send(msg, other, flags)
            assert answer == [("FAULT", other, FaultCode.NO_SESSION, step, "no")], msg
    for msg in NEWS:
        assert world.send(msg, other, FLAG_ACK_REQUEST) == [], msg
    assert world.send(_frame(7)) == [("COMMAND", S, 7)]  # its own session is untouched


def test_every_frame_that_asks_gets_one_ack(board: Callable[[bytes], bytes]) -> None:
    world = World(board)
    world.open()
    for msg in [Heartbeat(1, 2, 3, 4), Text(1, "hi"), Fault(5, 0, "x")]:
        type_id = SPEC_BY_CLASS[type(msg)].type_id
        assert world.send(msg, flags=FLAG_ACK_REQUEST) == [("ACK", S, 0, type_id, world.seq, 0)]
    assert world.send(Ack(0x11, 3, 0, 0), flags=FLAG_ACK_REQUEST) == []
    answers = world.send(_frame(1), flags=FLAG_ACK_REQUEST)
    assert answers == [("ACK", S, 0, 0x10, world.seq, 0), ("COMMAND", S, 1)]
    assert world.send(Goodbye(0), flags=FLAG_ACK_REQUEST) == [("ACK", S, 0, 0x41, world.seq, 0)]
    assert world.send(_frame(2)) == [("FAULT", S, FaultCode.NO_SESSION, 2, "no")]


def test_fault_inject_is_done_or_refused_never_ignored(board: Callable[[bytes], bytes]) -> None:
    world = World(board)
    world.open()
    assert world.send(FaultInject(9, 0)) == [("ACK", S, AckStatus.UNSUPPORTED, 0x40, world.seq, 0)]
    assert world.send(FaultInject(1, 0)) == [("ACK", S, AckStatus.OK, 0x40, world.seq, 0)]
    assert world.send(_frame(2)) == [("FAULT", S, FaultCode.NO_SESSION, 2, "no")]


CELLS = 4


def _map_frames(map_id: int = 1) -> list[Any]:
    cost = [float(i % 3 == 0) for i in range(CELLS * CELLS)]
    elevation = [0.5 * i for i in range(CELLS * CELLS)]
    crc = map_crc(np.asarray(cost, np.float32), np.asarray(elevation, np.float32))
    return [
        HazardMapBegin(map_id, CELLS, 8.0, (-16.0, -16.0)),
        HazardMapChunk(map_id, 0, 0, tuple(cost)),
        HazardMapChunk(map_id, 1, 0, tuple(elevation)),
        HazardMapEnd(map_id, crc),
    ]


def test_the_map_transfer_answers_every_error(board: Callable[[bytes], bytes]) -> None:
    world = World(board)
    world.open()
    begin, cost, elevation, end = _map_frames()
    ack = FLAG_ACK_REQUEST

    def acked(msg: Any, flags: int = ack) -> tuple[int, int]:
        [answer] = world.send(msg, flags=flags)
        assert answer[0] == "ACK", answer
        return answer[2], answer[5]

    assert acked(HazardMapEnd(1, 0), 0) == (AckStatus.INCOMPLETE, 2 * 64 * 64)  # none under way
    assert acked(HazardMapBegin(1, CELLS, math.nan, (0.0, 0.0))) == (AckStatus.INVALID, 0)
    assert acked(cost) == (AckStatus.INVALID, 0)  # that BEGIN left no transfer
    assert acked(begin) == (AckStatus.OK, 0)
    assert acked(HazardMapChunk(1, 0, CELLS * CELLS - 1, (0.0, 0.0))) == (AckStatus.INVALID, 0)
    assert acked(HazardMapChunk(1, 2, 0, (0.0,))) == (AckStatus.INVALID, 0)
    assert acked(HazardMapChunk(2, 0, 0, (0.0,))) == (AckStatus.INVALID, 0)
    assert acked(cost) == (AckStatus.OK, 0)
    assert acked(end, 0) == (AckStatus.INCOMPLETE, CELLS * CELLS)  # the elevation is missing
    assert acked(cost) == (AckStatus.OK, 0)  # a duplicate chunk is kept again
    assert acked(elevation) == (AckStatus.OK, 0)
    assert acked(HazardMapEnd(1, end.map_crc ^ 1), 0) == (AckStatus.INCOMPLETE, 2 * CELLS**2)
    assert acked(HazardMapEnd(2, end.map_crc), 0) == (AckStatus.INCOMPLETE, 2 * 64 * 64)
    assert acked(end, 0) == (AckStatus.OK, 0)
    assert world.send(_frame(1, map_ready=True)) == [("COMMAND", S, 1)]


def test_a_frame_with_no_whole_map_is_flown_without_one(board: Callable[[bytes], bytes]) -> None:
    world = World(board)
    world.open()
    world.send(_map_frames()[0])
    answers = world.send(_frame(1, map_ready=True))
    assert answers == [("FAULT", S, FaultCode.MAP_INCOMPLETE, 1, "no"), ("COMMAND", S, 1)]


def test_a_hello_mid_session_opens_afresh(board: Callable[[bytes], bytes]) -> None:
    world = World(board)
    world.open()
    world.send(_frame(5))
    assert world.send(Hello(SCHEMA_HASH, 1, 0, 20.0), S + 7)[0][:3] == ("HELLO_ACK", S + 7, 0)
    assert world.send(_frame(6)) == [("FAULT", S, FaultCode.NO_SESSION, 6, "no")]
    assert world.send(_frame(6), S + 7) == [
        ("FAULT", S + 7, FaultCode.UNEXPECTED, 6, "SENSOR_FRAME")
    ]


def test_a_whole_map_closes_its_transfer_and_stays_whole(board: Callable[[bytes], bytes]) -> None:
    world = World(board)
    world.open()
    begin, cost, elevation, end = _map_frames()
    for msg in (begin, cost, elevation):
        world.send(msg, flags=FLAG_ACK_REQUEST)
    [ok] = world.send(end)
    assert ok[2] == AckStatus.OK
    [late] = world.send(HazardMapChunk(1, 0, 0, (1.0,) * 4), flags=FLAG_ACK_REQUEST)
    assert late[2] == AckStatus.INVALID  # closed: nothing written into the map flown
    assert world.send(end)[0][2:6:3] == (AckStatus.OK, 0)  # an END again: from its CRC
    [bad] = world.send(HazardMapEnd(1, end.map_crc ^ 1))
    assert (bad[2], bad[5]) == (AckStatus.INCOMPLETE, 2 * CELLS**2)
    assert world.send(_frame(1, map_ready=True)) == [("COMMAND", S, 1)]  # still whole
    assert world.send(HazardMapEnd(2, end.map_crc))[0][5] == 2 * 64 * 64


@pytest.mark.parametrize(
    ("cell_size_m", "origin_m"),
    [(0.009, 0.0), (1000.5, 0.0), (1e-50, 0.0), (8.0, 1.0000001e6), (8.0, -2e6), (math.inf, 0.0)],
)
def test_a_map_begin_out_of_its_geometry_is_invalid(
    board: Callable[[bytes], bytes], cell_size_m: float, origin_m: float
) -> None:
    world = World(board)
    world.open()
    begin = HazardMapBegin(1, CELLS, cell_size_m, (origin_m, 0.0))
    [answer] = world.send(begin, flags=FLAG_ACK_REQUEST)
    assert answer[2] == AckStatus.INVALID
    edge = HazardMapBegin(1, CELLS, 1000.0, (-1e6, 1e6))  # the limits themselves are taken
    assert world.send(edge, flags=FLAG_ACK_REQUEST)[0][2] == AckStatus.OK
