"""The board tests: run only with `--hil-port URL` (a real board, or any port
where a board answers, such as `hilander board --virtual`'s pseudo-terminal).

    python -m pytest tests/hil/test_real_board.py --hil-port /dev/ttyACM0
"""

from __future__ import annotations

import pytest

from hilander.hil.link import Link
from hilander.hil.protocol import Mode
from hilander.hil.session import RemoteController, SessionOptions, remote_summary
from hilander.hil.transport import open_port
from hilander.sim.catalog import flyable_names
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario

pytestmark = pytest.mark.board


@pytest.fixture
def port(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--hil-port"))


@pytest.mark.parametrize("name", flyable_names())
def test_the_board_lands_every_builtin_scenario_in_lockstep(port: str, name: str) -> None:
    transport = open_port(port)
    rc = RemoteController(Link(transport), SessionOptions(mode=Mode.LOCKSTEP))
    try:
        summary = summarize(fly(load_scenario(name), rc, name="board"))
    finally:
        rc.close()
        transport.close()
    assert summary["verdict"] == "pass", summary["violations"]
    link = remote_summary(rc)
    assert link["stalls"] == 0 and link["resets"] == 0
    assert link["frames_received"] >= summary["sim"]["control_ticks"]
