"""The board tests: run only with `--hil-port URL` (a real board, or any port
where a board answers, such as `hilander board --virtual`'s pseudo-terminal).

    python -m pytest tests/hil/session/test_real_board.py --hil-port /dev/ttyACM0
"""

from __future__ import annotations

import pytest

from hilander.hil.session import SessionOptions, open_board
from hilander.hil.wire.protocol import Mode
from hilander.sim.catalog import flyable_names
from hilander.sim.result import summarize
from hilander.sim.scenario import load_scenario

pytestmark = pytest.mark.board


@pytest.fixture
def port(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--hil-port"))


@pytest.mark.parametrize("name", flyable_names())
def test_the_board_lands_every_builtin_scenario_in_lockstep(port: str, name: str) -> None:
    with open_board(port, SessionOptions(mode=Mode.LOCKSTEP)) as board:
        summary = summarize(board.fly(load_scenario(name)))
    assert summary.verdict == "pass", summary.violations
    link = board.link_summary()
    assert link.stalls == 0 and link.resets == 0
    assert link.frames_received >= summary.sim.control_ticks
