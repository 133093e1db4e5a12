"""The firmware on an emulated Cortex-M3 (QEMU mps2-an385): a full lockstep
landing through its UART, exposed as a pty or as `socket://` (nodelay).
Skipped, with the reason, where the toolchain or QEMU is missing; .ci/run
installs both."""

from __future__ import annotations

import json
import socket
import subprocess
import time

import pytest

from hilander.hil.board.firmware import QEMU, firmware_command, firmware_port
from hilander.hil.cli.main import main
from tests.common.firmware import FIRMWARE

pytestmark = pytest.mark.qemu


def _free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_qemu(uart: str) -> tuple[subprocess.Popen[str], str]:
    done = subprocess.run(
        ["make", "-s", "-C", str(FIRMWARE), "qemu"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    if uart == "pty":
        qemu = subprocess.Popen(
            firmware_command(FIRMWARE, "qemu", None),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert qemu.stdout is not None
        return qemu, firmware_port(qemu.stdout.readline())
    tcp = _free_tcp_port()
    chardev = f"socket,id=s0,host=127.0.0.1,port={tcp},server=on,wait=off,nodelay=on"
    command = [
        *QEMU[:-2],
        "-chardev",
        chardev,
        "-serial",
        "chardev:s0",
        "-kernel",
        str(FIRMWARE / "build" / "qemu" / "hilander-fw.elf"),
    ]
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
    assert summary["link"]["board"].startswith("hilander-fw mps2")
    assert summary["link"]["stalls"] == 0
