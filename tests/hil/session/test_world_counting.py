"""What the world reports of what a board sent: the last HEARTBEAT, every
receive counter of the link, and each frame counted once (a board's repeated
COMMAND is a duplicate, not also a stale command)."""

from __future__ import annotations

import crc32c
import pytest
from cobs import cobs

from hilander.hil.link.link import Link
from hilander.hil.report.text import link_lines
from hilander.hil.session.summary import BoardSummary, HeartbeatSummary, LinkSummary
from hilander.hil.wire.codec import MAX_ENCODED, Packet
from hilander.hil.wire.protocol import HEADER, PROTOCOL_VERSION, Heartbeat
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from tests.hil.session.fakeboard import FakeBoard, answer, command, controller, make_frame


def board_summary(link: LinkSummary) -> BoardSummary:
    """A board summary around ``link`` (the landing: a desk one, quick)."""
    return BoardSummary(summarize(fly(load_scenario("phoenix"))), "lockstep", link)


def test_the_last_heartbeat_of_the_session_is_reported() -> None:
    def beat(board: FakeBoard, p: Packet) -> None:
        board.send(Heartbeat(1000 + board.seq, 7, 1, 2, 4096))
        board.send(Heartbeat(1, 2, 3, 4, 5), session=board.session ^ 0x5555)  # not ours: not kept
        answer(board, p)

    board = FakeBoard()
    rc = controller(board)
    rc.step(make_frame(0))
    assert rc.link_summary().board_heartbeat is None  # none came yet
    board.on_frame = beat
    rc.step(make_frame(1))
    rc.step(make_frame(2))
    link = rc.link_summary()
    uptime_ms = 1006  # the last of our session (the board's seq 6: step 2's)
    assert link.board_heartbeat == HeartbeatSummary(uptime_ms, 7, 1, 2, 4096)
    assert link.to_dict()["board_heartbeat"] == {
        "uptime_ms": uptime_ms,
        "frames_received": 7,
        "crc_errors": 1,
        "resyncs": 2,
        "stack_high_water_B": 4096,
    }
    text = "\n".join(link_lines(board_summary(link)))
    assert f"last heartbeat at {uptime_ms / 1e3:.1f} s of uptime" in text
    assert "7 frames received, CRC errors 1, resyncs 2, stack 4096 B" in text


def test_a_heartbeat_without_a_stack_figure_says_not_measured() -> None:
    assert HeartbeatSummary.of(Heartbeat(5, 1, 0, 0, 0)) == HeartbeatSummary(5, 1, 0, 0, None)
    assert HeartbeatSummary.of(None) is None


def test_the_summary_carries_every_receive_counter_of_the_link() -> None:
    rc = controller(FakeBoard())
    summary = rc.link_summary().to_dict()
    missing = [name for name in rc.link.counters() if name not in summary]
    assert missing == []


def raw_frame(type_id: int, payload: bytes, session: int, version: int = PROTOCOL_VERSION) -> bytes:
    """A frame built by hand: any type, any payload, a good CRC."""
    header = HEADER.pack(version, type_id, 0, session, 0, len(payload))
    body = header + payload
    return b"\0" + cobs.encode(body + crc32c.crc32c(body).to_bytes(4, "little")) + b"\0"


def test_oversize_unknown_bad_payload_and_version_are_counted_in_the_summary() -> None:
    def noisy(board: FakeBoard, p: Packet) -> None:
        board.repeat(b"\x01" * (MAX_ENCODED + 10) + b"\0")  # no delimiter for too long
        board.repeat(raw_frame(0x7E, b"", board.session))  # a type nobody knows
        board.repeat(raw_frame(0x31, b"\x01\x02", board.session))  # HEARTBEAT, 2 bytes
        board.repeat(raw_frame(0x31, bytes(20), board.session, PROTOCOL_VERSION + 1))
        answer(board, p)

    rc = controller(FakeBoard(noisy))
    rc.step(make_frame(0))
    link = rc.link_summary()
    assert (link.oversize, link.unknown_type, link.bad_payload, link.version_mismatch) == (
        1,
        1,
        1,
        1,
    )
    assert link.stale_commands == 0 and link.late_acks == 0  # nothing else made of them


def repeat_each_command(between: bool) -> FakeBoard:
    """A board that answers each frame and then repeats the same bytes (as
    it answers a resent frame of the step it last answered), a HEARTBEAT
    between the two if ``between``."""

    def twice(board: FakeBoard, p: Packet) -> None:
        data = board.send(command(p.msg.step))
        if between:
            board.send(Heartbeat(1, 1, 0, 0, 0))
        board.repeat(data)

    return FakeBoard(twice)


@pytest.mark.parametrize("between", [False, True])
def test_a_repeated_command_is_one_duplicate_and_not_also_stale(between: bool) -> None:
    rc = controller(repeat_each_command(between))
    for k in range(3):
        assert rc.step(make_frame(k)).step == k
    link = rc.link_summary()
    assert link.duplicates == 3  # each repeat, once (the last still waits to be read)
    assert link.stale_commands == 0
    assert link.seq_gaps == 0


def test_a_command_for_an_old_step_that_is_no_repeat_is_stale() -> None:
    def and_an_old_one(board: FakeBoard, p: Packet) -> None:
        board.send(command(p.msg.step - 1))
        answer(board, p)

    rc = controller(FakeBoard(and_an_old_one))
    for k in range(1, 4):
        rc.step(make_frame(k))
    link = rc.link_summary()
    assert (link.stale_commands, link.duplicates) == (3, 0)


def test_a_first_copy_that_comes_late_is_neither_a_duplicate_nor_a_second_gap() -> None:
    """The board's COMMAND was lost, a HEARTBEAT went after it, and the
    COMMAND's repeat (its seq) came: taken as the answer; one seq skipped."""

    def lost_then_repeated(board: FakeBoard, p: Packet) -> None:
        data = board.send(command(p.msg.step))
        if p.msg.step == 1:
            board.lose()  # the line loses it
            board.send(Heartbeat(1, 1, 0, 0, 0))
            board.repeat(data)

    rc = controller(FakeBoard(lost_then_repeated))
    for k in range(4):
        assert rc.step(make_frame(k)).step == k
    link = rc.link_summary()
    assert (link.duplicates, link.stale_commands, link.seq_gaps) == (0, 0, 1)


def test_duplicates_are_remembered_per_session_numbering() -> None:
    """A peer that restarts its numbering (a new session) sends seq 0 again,
    with other content: no duplicate."""
    board = FakeBoard()
    link = Link(board)
    first = board.send(Heartbeat(1, 1, 0, 0, 0), seq=0)
    board.repeat(first)
    board.send(Heartbeat(2, 1, 0, 0, 0), seq=0)
    got = [(link.receive(0.01), link.duplicate) for _ in range(3)]
    assert [dup for _, dup in got] == [False, True, False]
    assert link.duplicates == 1
