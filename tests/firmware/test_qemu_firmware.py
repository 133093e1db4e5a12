"""The firmware on an emulated Cortex-M3 (QEMU mps2-an385): a full lockstep
landing through its UART, exposed as a pty or as `socket://` (nodelay).
Skipped, with the reason, where the toolchain or QEMU is missing; .ci/run
installs both."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

from hilander.hil.board.firmware import firmware_command, firmware_port
from hilander.hil.cli.main import main
from tests.common.firmware import FIRMWARE

pytestmark = pytest.mark.qemu


def _free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_qemu(uart: str, target: str = "qemu") -> tuple[subprocess.Popen[str], str]:
    done = subprocess.run(
        ["make", "-s", "-C", str(FIRMWARE), target], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    if uart == "pty":
        qemu = subprocess.Popen(
            firmware_command(FIRMWARE, target, None),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert qemu.stdout is not None
        return qemu, firmware_port(qemu.stdout.readline())
    tcp = _free_tcp_port()
    chardev = f"socket,id=s0,host=127.0.0.1,port={tcp},server=on,wait=off,nodelay=on"
    serial = ("-chardev", chardev, "-serial", "chardev:s0")
    command = firmware_command(FIRMWARE, target, None, serial)
    qemu = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # until QEMU listens
        try:
            socket.create_connection(("127.0.0.1", tcp), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return qemu, f"socket://127.0.0.1:{tcp}"


@pytest.mark.parametrize("uart", ["pty", "socket"])
def test_the_emulated_cortex_m_lands_the_default_scenario(
    uart: str, capsys: pytest.CaptureFixture[str]
) -> None:
    qemu, port = start_qemu(uart)
    try:
        code = main(["hil", "--port", port, "--json", "--timeout", "2"])
    finally:
        qemu.terminate()
        qemu.communicate(timeout=10)
    summary = json.loads(capsys.readouterr()[0])
    assert code == 0 and summary["verdict"] == "pass", summary["violations"]
    assert summary["link"]["board"] == "hilander-fw m3"
    assert summary["link"]["stalls"] == 0


def _hogs(n: int) -> list[subprocess.Popen[bytes]]:
    """n busy loops, each bounded in time (600 s) should this test die without
    its finally; one process each, so that killing it ends the loop."""
    loop = "import time\nend = time.monotonic() + 600\nwhile time.monotonic() < end:\n    pass"
    return [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(n)]


def _land_on_qemu(capsys: pytest.CaptureFixture[str], scenario: str) -> dict[str, object]:
    qemu, port = start_qemu("pty")
    try:
        code = main(["hil", "--port", port, "--json", scenario])
    finally:
        qemu.terminate()
        qemu.communicate(timeout=10)
    summary = json.loads(capsys.readouterr()[0])
    assert code == 0 and summary["verdict"] == "pass", summary["violations"]
    assert summary["link"]["stalls"] == 0
    return summary


def test_a_lockstep_landing_is_the_same_on_a_busy_host(capsys: pytest.CaptureFixture[str]) -> None:
    """Two CPU hogs on the host (as many as this machine's cores, in CI) change
    the round trips, never the landing: lockstep waits adapt, late answers are
    taken, and the touchdown is the same bit for bit."""
    scenario = "phoenix"  # the shortest built-in landing
    quiet = _land_on_qemu(capsys, scenario)
    hogs = _hogs(2)
    try:
        busy = _land_on_qemu(capsys, scenario)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait(timeout=10)
    assert busy["touchdown"] == quiet["touchdown"]
    assert busy["events"] == quiet["events"] and busy["phases"] == quiet["phases"]
