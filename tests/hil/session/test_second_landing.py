"""A second landing on one board session flies a law started afresh: each
landing's reset opens a new session (HELLO, PARAMS), unless the session open
was configured the same and flew nothing since (open_board's fly resets
before the loop's own reset: one session a landing)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.session import SessionOptions, open_board
from hilander.sim.result import summarize
from hilander.sim.scenario import load_scenario
from tests.common.memlink import EchoLaw, make_frame

OPTIONS = SessionOptions(timeout_s=0.05, stall_after_s=2.0)


@pytest.fixture
def echo_board() -> Iterator[VirtualBoard]:
    EchoLaw.instances.clear()
    with VirtualBoard(make_flight_computer=EchoLaw) as vb:
        yield vb
    assert vb.error is None


def test_the_next_landing_steps_a_law_reset_on_the_board(echo_board: VirtualBoard) -> None:
    config = load_scenario("default").law
    with open_board(echo_board.path, OPTIONS) as session:
        rc = session.controller
        rc.reset(config)
        for k in range(5):
            assert rc.step(make_frame(k)).thrust_S_N[2] == k + 1  # the law's own step count
        rc.reset(config)  # the next landing, configured the same
        first = rc.step(make_frame(0))
    assert first.step == 0 and first.thrust_S_N[2] == 1.0  # its first step: a law afresh
    assert echo_board.board.sessions == 2


def test_a_reset_with_nothing_flown_since_keeps_the_session(echo_board: VirtualBoard) -> None:
    config = load_scenario("default").law
    with open_board(echo_board.path, OPTIONS) as session:
        session.controller.reset(config)
        session.controller.reset(config)
        assert echo_board.board.sessions == 1
        session.controller.reset(load_scenario("phoenix").law)  # another configuration
        assert echo_board.board.sessions == 2


def test_two_landings_on_one_session_are_the_same_landing() -> None:
    scenario = load_scenario("phoenix")  # the shortest built-in landing
    with VirtualBoard() as vb, open_board(vb.path, OPTIONS, seed=scenario.seed) as session:
        first = summarize(session.fly(scenario))
        second = summarize(session.fly(scenario))
        assert vb.board.sessions == 2  # one a landing
    assert first.verdict == second.verdict == "pass", second.violations
    assert first.touchdown == second.touchdown
