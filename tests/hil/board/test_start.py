"""Boards started by name (hil/board/start.py): each gives a port that
answers, and stop() leaves no process, thread or pty behind; a board that
cannot start says so in one line, within its bounded wait."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from hilander.hil.board.start import BoardStartError, start_board, start_process
from hilander.hil.session import open_board
from hilander.sim.result import summarize
from hilander.sim.scenario import load_scenario
from tests.common.procs import children, wait_gone

SILENT = [sys.executable, "-c", "import time; time.sleep(600)"]
TALKS_THEN_ENDS = [sys.executable, "-c", "print('starting', flush=True); print('no port')"]


@pytest.mark.parametrize("name", ["virtual", "host"])
def test_a_started_board_answers_and_is_gone_after_stop(name: str) -> None:
    with start_board(name) as board:
        assert board.name == name and board.url.startswith("/dev/")
        with open_board(board.url) as session:
            assert summarize(session.fly(load_scenario("default"))).verdict == "pass"
        pid = None if board.process is None else board.process.pid
        assert board.running
    assert not board.running
    if pid is not None:
        assert wait_gone([pid], 30.0) == set()
    assert "virtual-board" not in {t.name for t in threading.enumerate()}


def test_a_firmware_that_never_says_its_port_is_stopped_after_the_wait() -> None:
    before = children(os.getpid())
    with pytest.raises(BoardStartError) as e:
        start_process("silent", SILENT, 0.5)
    assert str(e.value) == "the silent firmware did not say its port within 0.5 s"
    assert wait_gone(children(os.getpid()) - before, 30.0) == set()


def test_a_firmware_that_ends_says_its_last_words() -> None:
    with pytest.raises(BoardStartError) as e:
        start_process("quitter", TALKS_THEN_ENDS, 60.0)
    assert str(e.value) == "the quitter firmware ended; it said: no port"


def test_a_missing_program_or_board_is_one_line() -> None:
    with pytest.raises(BoardStartError) as e:
        start_process("qemu", ["/nonexistent/qemu-system-arm"], 1.0)
    assert str(e.value).startswith("cannot start the qemu firmware: No such file or directory")
    with pytest.raises(BoardStartError) as e:
        start_board("arduino")
    assert str(e.value) == "no board 'arduino': one of host, host-asan, qemu, qemu-m4f, virtual"
