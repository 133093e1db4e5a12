"""The C firmware from the command line: `hilander board --firmware host|host-asan|qemu`.

Builds it with make if needed (firmware_stub/ of a clone), starts it, and
prints the port to give `hilander hil --port`.
"""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
from pathlib import Path

EXIT_PASS = 0

FIRMWARE_BUILDS = {
    "host": "build/host/hilander-fw",
    "host-asan": "build/host-asan/hilander-fw",
    "qemu": "build/qemu/hilander-fw.elf",
}
QEMU = ["qemu-system-arm", "-M", "mps2-an385", "-nographic", "-monitor", "none", "-serial", "pty"]


def firmware_command(folder: Path, build: str, name: str | None) -> list[str]:
    """How to start a built firmware: the host binary, or QEMU with the image."""
    image = str(folder / FIRMWARE_BUILDS[build])
    if build == "qemu":
        return [*QEMU, "-kernel", image]
    return [image, *(["--name", name] if name else [])]


def firmware_port(first_line: str) -> str:
    """The port in the first line a firmware prints (QEMU: 'char device
    redirected to /dev/pts/N (label serial0)')."""
    match = re.search(r"(/dev/\S+)", first_line)
    if match is None:
        raise FirmwareError(f"the firmware did not say its port: {first_line.strip()!r}")
    return match.group(1)


def run_firmware(args: argparse.Namespace) -> int:
    """Build the C firmware if needed, start it, print its port, wait."""
    folder = firmware_dir(args.firmware_dir)
    done = subprocess.run(
        ["make", "-s", "-C", str(folder), args.firmware],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["make failed"])[-1]
        raise FirmwareError(f"cannot build the {args.firmware} firmware in {folder}: {last}")
    proc = subprocess.Popen(
        firmware_command(folder, args.firmware, args.name), stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    port = firmware_port(proc.stdout.readline())
    print(port, flush=True)
    print(f"hilander board: {args.firmware} firmware on {port}; Ctrl-C to stop", file=sys.stderr)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait(timeout=10)
    return EXIT_PASS


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


class FirmwareError(OSError):
    """The firmware cannot be found or built; str() is one line."""


def firmware_dir(given: Path | None) -> Path:
    """firmware_stub/ of a clone: given, or found from here or from the source tree."""
    here = Path.cwd()
    candidates = (
        [given]
        if given
        else [
            *(d / "firmware_stub" for d in (here, *here.parents)),
            Path(__file__).resolve().parents[1] / "firmware_stub",
        ]
    )
    for folder in candidates:
        if (folder / "Makefile").exists():
            return folder
    raise FirmwareError(
        "firmware_stub/ not found: run from a clone of hilander, or give --firmware-dir"
    )
