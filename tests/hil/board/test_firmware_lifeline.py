"""``hilander board --firmware`` killed with ``kill -9``: the firmware (the
host build, or QEMU running the Cortex-M build) dies with it, no orphan with
parent PID 1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.common.procs import children, wait_gone

SCRIPT = Path(sys.executable).parent / "hilander"
FIRMWARE = Path(__file__).resolve().parents[3] / "firmware_stub"
GONE_WITHIN_S = 20.0  # an upper bound for the poll; it takes well under a second


def _kill_the_board(build: str) -> set[int]:
    """Start the board, kill -9 it once it has said its port: its children."""
    with subprocess.Popen(
        [str(SCRIPT), "board", "--firmware", build, "--firmware-dir", str(FIRMWARE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            port = proc.stdout.readline().strip()
            assert port.startswith("/dev/"), port
            kids = children(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.kill()
    return kids


@pytest.mark.parametrize("build", ["host", pytest.param("qemu", marks=pytest.mark.qemu)])
def test_the_firmware_dies_with_its_board_command(build: str) -> None:
    kids = _kill_the_board(build)
    assert len(kids) == 1
    assert wait_gone(kids, GONE_WITHIN_S) == set()


def test_any_child_started_with_parent_death_dies_with_its_parent() -> None:
    """``ParentDeath`` as a preexec_fn: the child gets SIGTERM when its parent
    is killed (here a ``sleep`` that would otherwise run ten minutes)."""
    probe = (
        "import os, sys, time, subprocess\n"
        "from hilander.hil.board.lifeline import ParentDeath\n"
        "p = subprocess.Popen(['sleep', '600'], preexec_fn=ParentDeath())\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    with subprocess.Popen([sys.executable, "-c", probe], stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            child = int(proc.stdout.readline())
        finally:
            proc.kill()
    assert wait_gone({child}, GONE_WITHIN_S) == set()
