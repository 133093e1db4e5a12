"""A board that loses its session in the middle of a request (a map chunk,
a FAULT_INJECT resent after its OK was lost) is taken through a new session
at once and the landing goes on (docs/protocol.md, "The world"); a board that
does not offer HAZARD_MAP is sent no map; a refused PARAMS names the field."""

from __future__ import annotations

import time

import pytest

from hilander.controller.interface import SensorFrame
from hilander.hil.session.handshake import HandshakeError
from hilander.hil.wire.codec import Packet
from hilander.hil.wire.protocol import (
    PARAM_NAMES,
    Ack,
    AckStatus,
    Capability,
    Fault,
    FaultCode,
    FaultInject,
    HazardMapBegin,
    HazardMapChunk,
    HazardMapEnd,
    Hello,
    Params,
)
from tests.hil.session import fakeboard
from tests.hil.session.fakeboard import FakeBoard, command, controller, with_map

NEEDS_SESSION = (SensorFrame, Params, HazardMapBegin, HazardMapChunk, HazardMapEnd, FaultInject)


class Rebooting(FakeBoard):
    """Reboots on the first map chunk it gets: then, until a HELLO, every
    frame that needs a session is answered FAULT NO_SESSION."""

    chunks = 0

    def handle(self, p: Packet) -> None:
        if isinstance(p.msg, HazardMapChunk):
            self.chunks += 1
            if self.chunks == 1:
                self.session = 0
        if self.session == 0 and isinstance(p.msg, NEEDS_SESSION):
            step = getattr(p.msg, "step", 0)
            self.send(Fault(FaultCode.NO_SESSION, step, "no session"), session=p.session_id)
            return
        super().handle(p)


def test_a_board_that_reboots_during_the_map_gets_a_new_session_at_once() -> None:
    board = Rebooting()
    rc = controller(board)
    start = time.monotonic()
    assert rc.step(with_map(0)) == command(0)
    assert time.monotonic() - start < 5.0  # not the chunk's ten tries (31 s)
    assert rc.stats.resets == 1 and board.count(Hello) == 2
    assert board.count(HazardMapEnd) == 1  # the map whole in the new session


class LostResetAck(FakeBoard):
    """Reboots on FAULT_INJECT RESET and loses its ACK: the resend finds no session."""

    def handle(self, p: Packet) -> None:
        if isinstance(p.msg, FaultInject):
            if self.session:
                self.session = 0  # rebooted, and the OK lost on the line
                return
            self.send(Fault(FaultCode.NO_SESSION, 0, "no session"), session=p.session_id)
            return
        if self.session == 0 and isinstance(p.msg, SensorFrame):
            self.send(Fault(FaultCode.NO_SESSION, p.msg.step, "no"), session=p.session_id)
            return
        super().handle(p)


def test_a_reset_whose_ok_was_lost_is_done_not_unsupported() -> None:
    board = LostResetAck()
    rc = controller(board, timeout_s=0.05, reset_at_s=(0.0,))
    rc.hand.capabilities |= Capability.INJECT_RESET
    assert rc.step(fakeboard.make_frame(0)) == command(0)
    assert rc.stats.unsupported == [] and rc.stats.resets == 1


def test_a_board_without_hazard_maps_is_sent_none() -> None:
    board = FakeBoard()
    rc = controller(board)
    rc.hand.capabilities &= ~Capability.HAZARD_MAP
    assert rc.step(with_map(0)) == command(0)
    assert board.count(HazardMapBegin) == 0 and rc.stats.maps_given_up == 1
    frames = [p.msg for p in board.received if isinstance(p.msg, SensorFrame)]
    assert not frames[-1].hazard_map_ready
    assert rc.stats.text == ["the board does not offer HAZARD_MAP: it flies without maps"]


class Refusing(FakeBoard):
    def handle(self, p: Packet) -> None:
        if isinstance(p.msg, Params):
            index = PARAM_NAMES.index("gravity_mps2")
            self.send(Ack(p.type_id, p.seq, int(AckStatus.INVALID), index))
            return
        super().handle(p)


def test_a_refused_params_names_the_field() -> None:
    with pytest.raises(HandshakeError) as e:
        controller(Refusing())
    assert str(e.value) == (
        "the board rejected PARAMS: gravity_mps2 breaks its rule (docs/protocol.md, PARAMS)"
    )
