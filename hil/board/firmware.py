"""The C firmware, built and started: the host build on a pseudo-terminal, or
a Cortex-M build under QEMU in virtual time (`hilander board --firmware
host|host-asan|qemu|qemu-m4f`; hil/board/targets.py).

Builds it with make if needed (firmware_stub/ of a clone), starts it, and
reads the port it serves (to give `hilander hil --port`).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from hilander.hil.board.lifeline import ParentDeath
from hilander.hil.board.targets import TARGETS

FIRMWARE_BUILDS = {name: t.image for name, t in TARGETS.items()}


def firmware_command(
    folder: Path, build: str, name: str | None, serial: tuple[str, ...] = ("-serial", "pty")
) -> list[str]:
    """How to start a built firmware: the host binary, or QEMU with the image
    (``serial``: QEMU's options for the UART, a pty by default)."""
    target = TARGETS[build]
    image = str(folder / target.image)
    if target.machine is not None:
        return [*target.qemu_options(), *serial, "-kernel", image]
    return [image, *(["--name", name] if name else [])]


def firmware_port(first_line: str) -> str:
    """The port in the first line a firmware prints (QEMU: 'char device
    redirected to /dev/pts/N (label serial0)')."""
    match = re.search(r"(/dev/\S+)", first_line)
    if match is None:
        raise FirmwareError(f"the firmware did not say its port: {first_line.strip()!r}")
    return match.group(1)


def build_firmware(folder: Path, build: str, doing: str = "build") -> None:
    """make the firmware ``build`` in ``folder`` (firmware_stub/), if needed;
    FirmwareError says what it could not do (``doing``) if make is missing."""
    try:
        done = subprocess.run(
            ["make", "-s", "-C", str(folder), build], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise FirmwareError(f"cannot {doing} the {build} firmware: make not found") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["make failed"])[-1]
        raise FirmwareError(f"cannot build the {build} firmware in {folder}: {last}")


def start_firmware(folder: Path, build: str, name: str | None) -> tuple[subprocess.Popen[str], str]:
    """Build the firmware if needed (make), start it, and read its port.

    The firmware runs in a process group of its own and gets SIGTERM when
    this process dies (``ParentDeath``: a kill -9 of ``hilander board``
    leaves no ``hilander-fw`` or QEMU behind); call this from the thread
    that lives as long as the firmware should (the main thread)."""
    build_firmware(folder, build, "start")
    try:
        command = firmware_command(folder, build, name)
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=ParentDeath(),  # noqa: PLW1509 - only prctl, libc loaded before the fork
            process_group=0,
        )
    except FileNotFoundError as e:  # no make, or no qemu-system-arm
        raise FirmwareError(f"cannot start the {build} firmware: {e.filename} not found") from None
    assert proc.stdout is not None
    try:
        return proc, firmware_port(proc.stdout.readline())
    except FirmwareError:
        proc.terminate()
        proc.wait(timeout=10)
        raise


class FirmwareError(OSError):
    """The firmware cannot be found or built; str() is one line."""


def firmware_dir(given: Path | None) -> Path:
    """firmware_stub/ of a clone: given, or found from here or from the source tree.

    FirmwareError (one line) if the folder given is not one (missing, not a
    folder, unreadable, or without the Makefile and core/ of firmware_stub/)."""
    if given is not None:
        if _is_firmware_dir(given):
            return given
        raise FirmwareError(
            f"--firmware-dir {str(given)!r}: not a firmware_stub/ folder (no Makefile and core/)"
        )
    here = Path.cwd()
    candidates = [
        *(d / "firmware_stub" for d in (here, *here.parents)),
        Path(__file__).resolve().parents[2] / "firmware_stub",  # hil/board/ -> the clone
    ]
    for folder in candidates:
        if _is_firmware_dir(folder):
            return folder
    raise FirmwareError(
        "firmware_stub/ not found: run from a clone of hilander, or give --firmware-dir"
    )


def _is_firmware_dir(folder: Path) -> bool:
    try:
        return (folder / "Makefile").is_file() and (folder / "core").is_dir()
    except (OSError, ValueError):  # unreadable, or a name no file can have
        return False
