"""The firmware on an emulated Cortex-M3 (QEMU mps2-an385): a full lockstep
landing through its UART. Skipped, with the reason, where the toolchain or
QEMU is missing; .ci/run installs both."""

from __future__ import annotations

import json
import subprocess

import pytest

from hilander.hil.cli import main
from hilander.hil.firmware import firmware_command, firmware_port
from tests.firmware.test_core_codec import FIRMWARE

pytestmark = pytest.mark.qemu


def test_the_emulated_cortex_m_lands_the_default_scenario(
    capsys: pytest.CaptureFixture[str],
) -> None:
    done = subprocess.run(
        ["make", "-s", "-C", str(FIRMWARE), "qemu"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    qemu = subprocess.Popen(
        firmware_command(FIRMWARE, "qemu", None),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert qemu.stdout is not None
        port = firmware_port(qemu.stdout.readline())
        code = main(["hil", "--port", port, "--json", "--timeout", "2"])
    finally:
        qemu.terminate()
        qemu.communicate(timeout=10)
    summary = json.loads(capsys.readouterr()[0])
    assert code == 0 and summary["verdict"] == "pass", summary["violations"]
    assert summary["link"]["board"].startswith("hilander-fw mps2")
    assert summary["link"]["stalls"] == 0
