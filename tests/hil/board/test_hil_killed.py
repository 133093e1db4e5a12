"""``hilander hil --record FILE --out DIR`` killed with ``kill -9`` mid-flight
keeps the telemetry so far in DIR, as it keeps the recording: each row is
streamed to telemetry.csv and flushed; the rows kept are those of the whole
flight, bit for bit (the same scenario flown to the end)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from hilander.hil.board.board import BoardOptions
from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.cli.main import main
from tests.common.procs import wait_for

SCRIPT = Path(sys.executable).parent / "hilander"


def _rows(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines()
    except OSError:
        return []


def test_a_killed_board_session_keeps_its_telemetry_so_far(tmp_path: Path) -> None:
    killed = tmp_path / "killed"
    with VirtualBoard(BoardOptions(step_delay_s=0.003)) as board:  # slow: the kill lands mid-flight
        argv = ["hil", "--port", board.path, "--record", str(tmp_path / "rec"), "--out"]
        with subprocess.Popen(
            [str(SCRIPT), *argv, str(killed)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        ) as proc:
            try:
                kept = wait_for(lambda: len(_rows(killed / "telemetry.csv")) > 50, proc, 300)
                assert kept and proc.poll() is None, "the landing ended before the kill"
                os.kill(proc.pid, signal.SIGKILL)
            finally:
                proc.kill()
    with VirtualBoard() as board:
        assert main(["hil", "--port", board.path, "--out", str(tmp_path / "whole")]) == 0
    streamed = _rows(killed / "telemetry.csv")
    whole = _rows(tmp_path / "whole" / "telemetry.csv")
    assert len(streamed) > 50 and streamed == whole[: len(streamed)]
    assert len(whole) > len(streamed)
    assert (tmp_path / "rec").stat().st_size > 0
