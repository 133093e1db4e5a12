"""The suite against the C firmware: the host build on a pty (plain and
with AddressSanitizer/UBSan), the Cortex-M3 build under QEMU on a pty and a
socket, and the Cortex-M4F build (`qemu`: skipped where the toolchain is
missing; .ci/run installs it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hilander.hil.board.start import start_board
from hilander.hil.cli.checkboard import table
from tests.common.firmware import FIRMWARE
from tests.common.qemu import start_qemu, stop
from tests.common.quirky import checked, failed

QEMU_WAIT_S = 10.0  # an emulated board on a busy host: wait long, never judge early


@pytest.fixture(params=["host", "host-asan"])
def host_firmware(request: pytest.FixtureRequest) -> Iterator[str]:
    board = start_board(request.param, firmware_dir=Path(FIRMWARE))
    yield board.url
    board.stop()  # SIGTERM, and its pipe closed
    assert board.process is not None and board.process.returncode == 0


def test_the_host_firmware_passes_every_case(host_firmware: str) -> None:
    result = checked(host_firmware)
    assert not failed(result), table(result)
    assert result.counts["skip"] == 0 and result.board_name.startswith("hilander-fw")


@pytest.mark.qemu
@pytest.mark.parametrize(
    ("uart", "target", "name"),
    [("pty", "qemu", "m3"), ("socket", "qemu", "m3"), ("pty", "qemu-m4f", "m4f")],
)
def test_the_emulated_cortex_m_passes_every_case(uart: str, target: str, name: str) -> None:
    qemu, port = start_qemu(uart, target)
    try:
        result = checked(port, wait_s=QEMU_WAIT_S)
    finally:
        stop(qemu)
    assert not failed(result), table(result)
    assert result.board_name == f"hilander-fw {name}"
