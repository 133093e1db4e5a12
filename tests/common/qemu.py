"""An emulated board for the tests: the firmware under QEMU in virtual time,
on a pty or on a TCP socket, and CPU hogs to load the host beside it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from hilander.hil.board.firmware import firmware_command, firmware_port
from tests.common.firmware import FIRMWARE, make


def _free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_qemu(
    uart: str = "pty", target: str = "qemu", slowed: bool = False
) -> tuple[subprocess.Popen[str], str]:
    """Build and start ``target``'s firmware under QEMU (``slowed``: its
    test build with a deliberately slowed law); the process and its port."""
    build = f"{target}-slow" if slowed else target
    make(build)
    image = str(FIRMWARE / "build" / build / "hilander-fw.elf")
    if uart == "pty":
        qemu = subprocess.Popen(
            [*firmware_command(FIRMWARE, target, None)[:-1], image],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert qemu.stdout is not None
        return qemu, firmware_port(qemu.stdout.readline())
    tcp = _free_tcp_port()
    chardev = f"socket,id=s0,host=127.0.0.1,port={tcp},server=on,wait=off,nodelay=on"
    serial = ("-chardev", chardev, "-serial", "chardev:s0")
    command = [*firmware_command(FIRMWARE, target, None, serial)[:-1], image]
    qemu = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # until QEMU listens
        try:
            socket.create_connection(("127.0.0.1", tcp), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return qemu, f"socket://127.0.0.1:{tcp}"


def stop(qemu: subprocess.Popen[str]) -> None:
    qemu.terminate()
    qemu.communicate(timeout=10)


def hogs(n: int) -> list[subprocess.Popen[bytes]]:
    """n busy loops, each bounded in time (600 s) should a test die without
    its finally; one process each, so that killing it ends the loop."""
    loop = "import time\nend = time.monotonic() + 600\nwhile time.monotonic() < end:\n    pass"
    return [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(n)]


def kill(processes: list[subprocess.Popen[bytes]]) -> None:
    for p in processes:
        p.kill()
        p.wait(timeout=10)
