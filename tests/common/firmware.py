"""The C firmware of the repository (firmware_stub/) for the tests: its
folder, and its builds made with make (make builds only what changed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "firmware_stub"
HOST_BUILD = FIRMWARE / "build" / "host"


def make(target: str) -> None:
    """Build a target of firmware_stub/Makefile (lib, host, host-asan, qemu, ...)."""
    done = subprocess.run(
        ["make", "-s", "-C", str(FIRMWARE), target], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"make {target}: {done.stderr}"
