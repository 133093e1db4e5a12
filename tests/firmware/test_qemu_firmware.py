"""The firmware on an emulated Cortex-M3 (QEMU mps2-an385): a full lockstep
landing through its UART, exposed as a pty or as `socket://` (nodelay).
Skipped, with the reason, where the toolchain or QEMU is missing; .ci/run
installs both."""

from __future__ import annotations

import json

import pytest

from hilander.hil.cli.main import main
from tests.common.qemu import start_qemu

pytestmark = pytest.mark.qemu


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
