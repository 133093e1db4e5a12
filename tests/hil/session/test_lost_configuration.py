"""A board that lost its configuration in the world's session (FAULT
UNEXPECTED to a SENSOR_FRAME, as after a late copy of a HELLO opened the
session afresh) is taken through a new session, as a rebooted one: the step
is answered, never a stall (docs/protocol.md, "The world")."""

from __future__ import annotations

from hilander.hil.wire.codec import Packet
from hilander.hil.wire.protocol import Fault, FaultCode, Hello, Params
from tests.hil.session.fakeboard import FakeBoard, answer, command, controller, make_frame


def test_a_board_that_lost_its_params_gets_a_new_session() -> None:
    lost = {"once": True}

    def unconfigured_once(board: FakeBoard, p: Packet) -> None:
        if lost.pop("once", False):
            board.send(Fault(FaultCode.UNEXPECTED, p.msg.step, "SENSOR_FRAME before PARAMS"))
            return
        answer(board, p)

    board = FakeBoard(unconfigured_once)
    rc = controller(board, timeout_s=0.05, retries=3, stall_after_s=5.0)
    hellos, params = board.count(Hello), board.count(Params)
    assert rc.step(make_frame(0)) == command(0)
    assert (board.count(Hello), board.count(Params)) == (hellos + 1, params + 1)
    assert rc.stats.resets == 1 and rc.stats.stalls == 0


def test_another_sessions_unexpected_is_only_counted() -> None:
    def stranger(board: FakeBoard, p: Packet) -> None:
        board.send(Fault(FaultCode.UNEXPECTED, 0, "not yours"), session=board.session ^ 1)
        answer(board, p)

    board = FakeBoard(stranger)
    rc = controller(board, timeout_s=0.05)
    hellos = board.count(Hello)
    assert rc.step(make_frame(0)) == command(0)
    assert board.count(Hello) == hellos and rc.stats.resets == 0
    assert rc.stats.fault_count == 1
