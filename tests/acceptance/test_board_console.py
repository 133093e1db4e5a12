"""The README's board walk-through with the installed commands: a virtual board in
one process, `hilander hil` in another, both modes, then `hilander replay`."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.common.console import ROOT, hilander

SCRIPT = Path(sys.executable).parent / "hilander"


@contextlib.contextmanager
def running_board(*options: str) -> Iterator[tuple[str, list[str]]]:
    """`hilander board OPTIONS` in the background: its port, then (after the
    block, once stopped with Ctrl-C) what it said on stderr."""
    proc = subprocess.Popen(
        [str(SCRIPT), "board", *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    said: list[str] = []
    try:
        assert proc.stdout is not None
        port = proc.stdout.readline().strip()
        assert port.startswith("/dev/"), port
        yield port, said
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        said.append(err)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


@pytest.fixture
def board_port() -> Iterator[str]:
    with running_board("--virtual") as (port, said):
        yield port
    assert "stopped after" in said[0]


@pytest.mark.parametrize("mode", ["lockstep", "realtime"])
def test_a_virtual_board_lands_the_default_scenario(board_port: str, mode: str) -> None:
    done = hilander("hil", "--port", board_port, "--mode", mode, "--speedup", "20", "--json")
    s = json.loads(done.stdout)
    assert s["mode"] == mode
    assert s["link"]["latency_us"]["p50"] > 0 and s["link"]["stalls"] == 0
    if mode == "realtime" and s["link"]["deadline_misses"] > s["sim"]["control_ticks"] // 100:
        # a busy host: real time measures the lateness; the limits judge the landing
        assert done.returncode in (0, 1) and s["verdict"] in ("pass", "fail"), done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert s["verdict"] == "pass"


def test_text_report_record_and_replay(board_port: str, tmp_path: Path) -> None:
    rec = tmp_path / "landing.hlr"
    done = hilander("hil", "--port", board_port, "--record", str(rec))
    assert done.returncode == 0, done.stderr
    assert "PASS" in done.stdout.splitlines()[0] and "latency p50" in done.stdout
    done = hilander("replay", str(rec), "--refly")
    assert done.returncode == 0, done.stderr
    assert "IDENTICAL" in done.stdout and "the same touchdown" in done.stdout


def test_no_board_is_a_one_line_error() -> None:
    done = hilander("hil", "--port", "/dev/does-not-exist")
    assert done.returncode == 2
    assert done.stderr.startswith("hilander: error: cannot open /dev/does-not-exist")
    assert done.stderr.count("\n") == 1
    done = hilander("board")
    assert done.returncode == 2 and "--virtual" in done.stderr


def test_ports_lists_or_says_none() -> None:
    done = hilander("ports")
    assert done.returncode == 0 and done.stdout.strip()


def test_the_board_tests_run_with_hil_port(board_port: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(ROOT / "tests" / "hil" / "session" / "test_real_board.py"),
            "--hil-port",
            board_port,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout


def test_the_c_firmware_from_the_command_line() -> None:
    firmware = str(ROOT / "firmware_stub")
    with running_board("--firmware", "host", "--firmware-dir", firmware) as (port, _):
        done = hilander("hil", "--port", port, "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["link"]["board"] == "hilander-fw host"
