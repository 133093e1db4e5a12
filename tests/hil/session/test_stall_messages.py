"""A stall's message says what the board sent meanwhile: alive means frames
of our session (named: commands for other steps, repeats, heartbeats);
frames of another session only leave it silent in this session."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hilander.hil.wire.codec import Packet
from hilander.hil.wire.protocol import Heartbeat
from hilander.sim.run import FlightAborted
from tests.hil.session.fakeboard import FakeBoard, answer, command, controller, make_frame

FAST = {"timeout_s": 0.002, "retries": 1, "stall_after_s": 0.05}


def stall(on_frame: Any) -> str:
    """The stall of step 5, after steps 0-4 were answered, when the board
    then answers each frame with ``on_frame``."""
    board = FakeBoard()
    rc = controller(board, **FAST)
    for k in range(5):
        rc.step(make_frame(k))
    board.on_frame = on_frame
    with pytest.raises(FlightAborted) as e:
        rc.step(make_frame(5))
    assert e.value.kind == "stall" and rc.stats.stalls == 1
    return e.value.reason


def test_commands_for_other_steps_are_an_alive_board() -> None:
    def wrong_step(board: FakeBoard, p: Packet) -> None:
        board.send(command(p.msg.step + 100))

    reason = stall(wrong_step)
    assert "no command for step 5" in reason
    assert "the board is alive: " in reason and "commands for other steps" in reason


def test_repeated_commands_are_an_alive_board() -> None:
    last: list[bytes] = []

    def cached(board: FakeBoard, p: Packet) -> None:
        if p.msg.step < 5:
            last[:] = [board.send(command(p.msg.step))]
        else:  # the cached bytes of step 4, whatever the step asked
            board.repeat(last[0])

    board = FakeBoard(cached)
    rc = controller(board, **FAST)
    for k in range(5):
        rc.step(make_frame(k))
    with pytest.raises(FlightAborted) as e:
        rc.step(make_frame(5))
    assert "the board is alive: " in e.value.reason and "repeated command" in e.value.reason
    assert rc.stats.stale_commands == 0 and rc.link.duplicates >= 2


def test_frames_of_another_session_only_leave_the_board_silent_in_ours() -> None:
    def elsewhere(board: FakeBoard, p: Packet) -> None:
        board.send(command(p.msg.step), session=board.session ^ 0x5555)
        board.send(Heartbeat(1, 1, 0, 0, 0), session=board.session ^ 0x5555)

    reason = stall(elsewhere)
    assert "the board is silent in this session (" in reason
    assert "frames of another session)" in reason and "alive" not in reason


def test_heartbeats_alone_are_an_alive_board() -> None:
    def beat(board: FakeBoard, p: Packet) -> None:
        board.send(Heartbeat(1, 1, 0, 0, 0))

    assert re.search(r"the board is alive: \d+ heartbeats$", stall(beat))


def test_nothing_at_all_is_a_silent_board() -> None:
    def nothing(board: FakeBoard, p: Packet) -> None:
        pass

    reason = stall(nothing)
    assert reason.endswith("the board is silent")


def test_what_was_heard_is_counted_from_the_step_that_stalled() -> None:
    """Frames sent while earlier steps were answered do not make a silent
    board alive."""

    def beat_then_answer(board: FakeBoard, p: Packet) -> None:
        board.send(Heartbeat(1, 1, 0, 0, 0))
        answer(board, p)

    board = FakeBoard(beat_then_answer)
    rc = controller(board, **FAST)
    for k in range(5):
        rc.step(make_frame(k))
    board.on_frame = lambda board, p: None
    with pytest.raises(FlightAborted) as e:
        rc.step(make_frame(5))
    assert e.value.reason.endswith("the board is silent")
