"""A hazard map the board did not take whole goes again, BEGIN to END, at
most MAP_TRANSFERS = 3 transfers of one map: in lockstep at once, and then
the landing ends (link_lost, naming the map and what was missing); in real
time before the next frame, and then it is given up, counted and said, and
the board flies without it."""

from __future__ import annotations

import pytest

from hilander.controller.interface import SensorFrame
from hilander.hil.session.handshake import MAP_TRANSFERS
from hilander.hil.wire.protocol import HazardMapBegin, HazardMapEnd, Mode
from hilander.sim.run import FlightAborted
from tests.hil.session.fakeboard import FakeBoard, controller, make_frame, with_map

REALTIME = {"mode": Mode.REALTIME, "speedup": 100.0}


def frames_sent(board: FakeBoard) -> list[SensorFrame]:
    return [p.msg for p in board.received if isinstance(p.msg, SensorFrame)]


def test_three_transfers_of_one_map() -> None:
    assert MAP_TRANSFERS == 3


def test_lockstep_a_map_not_taken_whole_goes_again_whole() -> None:
    board = FakeBoard()
    board.end_missing = [12, 7, 0]
    rc = controller(board)
    assert rc.step(with_map(0)).step == 0
    assert board.count(HazardMapBegin) == board.count(HazardMapEnd) == 3
    assert [f.hazard_map_ready for f in frames_sent(board)] == [True]
    assert rc.link_summary().maps_given_up == 0


def test_lockstep_a_map_never_taken_whole_ends_the_landing_naming_it() -> None:
    board = FakeBoard()
    board.end_missing = [12]
    rc = controller(board)
    with pytest.raises(FlightAborted) as e:
        rc.step(with_map(0))
    assert e.value.kind == "link_lost"
    reason = e.value.reason
    assert "the board never took the hazard map (4 x 4 cells) whole: 3 transfers" in reason
    assert reason.endswith("the last answered INCOMPLETE, 12 cells missing")
    assert board.count(HazardMapBegin) == board.count(HazardMapEnd) == 3
    assert frames_sent(board) == []  # the frame never went without its map


def test_real_time_a_map_never_taken_whole_is_given_up_after_three_transfers() -> None:
    board = FakeBoard()
    board.end_missing = [12]
    rc = controller(board, **REALTIME)
    rc.step(with_map(0))
    for k in range(1, 10):
        rc.step(make_frame(k))
    assert board.count(HazardMapBegin) == board.count(HazardMapEnd) == 3
    ready = [f.hazard_map_ready for f in frames_sent(board)]
    assert ready == [True] * 3 + [False] * 7  # then the board flies without it
    link = rc.link_summary()
    assert link.maps_given_up == 1
    assert (
        link.board_text[-1] == "hazard map given up after 3 transfers: the board flies without it"
    )
    assert link.board_text[:3] == [
        f"hazard map {i} not taken whole: INCOMPLETE, 12 cells missing" for i in (1, 2, 3)
    ]


def test_real_time_a_map_taken_whole_on_the_second_transfer_goes_twice() -> None:
    board = FakeBoard()
    board.end_missing = [12, 0]
    rc = controller(board, **REALTIME)
    rc.step(with_map(0))
    for k in range(1, 5):
        rc.step(make_frame(k))
    assert board.count(HazardMapEnd) == 2
    assert [f.hazard_map_ready for f in frames_sent(board)] == [True, True, False, False, False]
    assert rc.link_summary().maps_given_up == 0


def test_real_time_a_new_map_counts_its_transfers_afresh() -> None:
    board = FakeBoard()
    board.end_missing = [12, 12, 0, 12, 12, 0]
    rc = controller(board, **REALTIME)
    rc.step(with_map(0))
    rc.step(make_frame(1))
    rc.step(make_frame(2))  # the third transfer: whole
    rc.step(with_map(3))  # another map: three transfers of its own
    rc.step(make_frame(4))
    rc.step(make_frame(5))
    assert board.count(HazardMapEnd) == 6
    assert rc.link_summary().maps_given_up == 0
