"""A recording of a campaign's run (``hil --run K --record``) holds the
scenario the board flew: flown again on the desk (``replay``), it lands
where the board did, what the law was told included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hilander.hil.analysis.replay import refly
from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.cli.main import main
from hilander.hil.link.record import read_recording
from hilander.sim.scenario import parse_scenario


@pytest.fixture
def board() -> Iterator[VirtualBoard]:
    with VirtualBoard() as vb:
        yield vb
    assert vb.error is None


def test_a_recorded_campaign_run_refiles_on_the_desk(
    board: VirtualBoard, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = tmp_path / "run.hlr"
    argv = ["hil", "--port", board.path, "--seed", "1", "--run", "276", "--record", str(rec)]
    assert main([*argv, "--json"]) == 0
    capsys.readouterr()
    recording = read_recording(rec)
    scenario = parse_scenario(recording.header["scenario_toml"], "recorded")
    assert scenario.law.engine_thrust_max_N == 3125.0  # told the nominal thrust ...
    assert scenario.vehicle.engine_thrust_max_N != 3125.0  # ... the engines' drawn
    again = refly(recording)
    assert again["same_touchdown"] is True and again["verdict"] == "pass"
