"""The C firmware, built and started: the host build on a pseudo-terminal, or
a Cortex-M build under QEMU in virtual time (`hilander board --firmware
host|host-asan|qemu|qemu-m4f`; hil/board/targets.py).

Builds it with make if needed, starts it, and reads the port it serves (to
give `hilander hil --port`). Where it builds (``firmware_dir``): in a source
checkout, in its firmware_stub/ (the developer's tree); in an installed
hilander, in a copy of the sources the wheel ships (hilander/firmware_stub/)
made once per version and sources in the user's cache
($HILANDER_CACHE_DIR, else $XDG_CACHE_HOME/hilander, else ~/.cache/hilander).
The copy appears whole or not at all (made aside, then renamed), and one make
runs at a time in a folder (a lock file), so that two pytest workers or a
campaign's processes never build over each other.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hilander import __version__
from hilander.hil.board.targets import MAKE, TARGETS, Tool

FIRMWARE_BUILDS = {name: t.image for name, t in TARGETS.items()}
# The sources of this install: firmware_stub/ of the clone (hil/board/ is two
# folders below it), or the copy in the wheel (site-packages/hilander/).
SOURCES = Path(__file__).resolve().parents[2] / "firmware_stub"


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


PORT_PATTERN = re.compile(r"(/dev/\S+)")  # in what a firmware (or QEMU) prints first


def firmware_port(first_line: str) -> str:
    """The port in the first line a firmware prints (QEMU: 'char device
    redirected to /dev/pts/N (label serial0)')."""
    match = PORT_PATTERN.search(first_line)
    if match is None:
        raise FirmwareError(f"the firmware did not say its port: {first_line.strip()!r}")
    return match.group(1)


def build_firmware(folder: Path, build: str, doing: str = "build") -> None:
    """make the firmware ``build`` in ``folder`` (firmware_stub/), if needed.

    FirmwareError, one line, names what is missing and the Debian package
    that brings it: make, the compiler (only if there is something to build),
    and to ``doing="start"`` an emulated board, qemu-system-arm (checked
    first: no build for a board that cannot run)."""
    target = TARGETS[build]
    need_tools((MAKE,), build, doing)
    if doing == "start":
        need_tools(target.run_tools(), build, doing)
    with _make_lock(folder):
        if _up_to_date(folder, build):
            return
        need_tools(target.build_tools(), build, doing)
        done = subprocess.run(
            ["make", "-s", "-C", str(folder), build], capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["make failed"])[-1]
        raise FirmwareError(f"cannot build the {build} firmware in {folder}: {last}")


class FirmwareError(OSError):
    """The firmware cannot be found or built; str() is one line."""


def need_tools(tools: tuple[Tool, ...], build: str, doing: str) -> None:
    """FirmwareError naming the first of ``tools`` not on PATH and its package."""
    for tool in tools:
        if shutil.which(tool.program()) is None:
            raise FirmwareError(
                f"cannot {doing} the {build} firmware: {tool.program()} not found "
                f"(Debian: apt install {tool.debian})"
            )


def _up_to_date(folder: Path, build: str) -> bool:
    """Whether make has nothing to do for ``build`` (``make -q``)."""
    done = subprocess.run(
        ["make", "-q", "-C", str(folder), build], capture_output=True, check=False
    )
    return done.returncode == 0


@contextmanager
def _make_lock(folder: Path) -> Iterator[None]:
    """One make at a time in ``folder``: an exclusive lock on build/.lock."""
    try:
        (folder / "build").mkdir(exist_ok=True)
        lock = (folder / "build" / ".lock").open("a")
    except OSError as e:
        raise FirmwareError(f"cannot build in {folder}: {e.strerror}") from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def firmware_dir(given: Path | None) -> Path:
    """The folder to build the firmware in: ``given`` (--firmware-dir), else
    firmware_stub/ of this source checkout, else a copy of the sources this
    install ships, in the cache (made if needed).

    FirmwareError (one line) if the folder given is not one (missing, not a
    folder, unreadable, or without the Makefile and core/ of firmware_stub/)."""
    if given is not None:
        if _is_firmware_dir(given):
            return given
        raise FirmwareError(
            f"--firmware-dir {str(given)!r}: not a firmware_stub/ folder (no Makefile and core/)"
        )
    if not _is_firmware_dir(SOURCES):
        raise FirmwareError(
            f"the firmware's sources are not installed ({SOURCES}): reinstall hilander, "
            "or give --firmware-dir"
        )
    if (SOURCES.parent / "pyproject.toml").is_file():  # a source checkout: build in place
        return SOURCES
    return cached_copy(SOURCES)


def cache_dir() -> Path:
    """hilander's cache: $HILANDER_CACHE_DIR, else $XDG_CACHE_HOME/hilander,
    else ~/.cache/hilander (the XDG base directory rule: a relative
    $XDG_CACHE_HOME is ignored)."""
    given = os.environ.get("HILANDER_CACHE_DIR", "")
    if given:
        return Path(given).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "hilander"


def cached_copy(sources: Path) -> Path:
    """A copy of ``sources`` in the cache, in a folder named after hilander's
    version and a digest of the sources (a new version, or changed sources,
    build afresh); made aside and renamed into place, so never half there."""
    folder = cache_dir() / "firmware" / f"{__version__}-{sources_digest(sources)}"
    if _is_firmware_dir(folder):
        return folder
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        incoming = Path(tempfile.mkdtemp(prefix=".incoming-", dir=folder.parent))
    except OSError as e:
        raise FirmwareError(
            f"cannot write the firmware cache {folder.parent}: {e.strerror} "
            "(set HILANDER_CACHE_DIR to a folder you can write)"
        ) from None
    try:
        shutil.copytree(sources, incoming, dirs_exist_ok=True, ignore=_NOT_SOURCES)
        incoming.rename(folder)  # atomic; fails if another process put one there first
    except OSError:
        if not _is_firmware_dir(folder):  # not a lost race: a real failure
            raise FirmwareError(f"cannot copy the firmware's sources to {folder}") from None
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    return folder


_NOT_SOURCES = shutil.ignore_patterns("build", "__pycache__")


def sources_digest(sources: Path) -> str:
    """16 hex digits of SHA-256 over the sources' names and contents."""
    digest = hashlib.sha256()
    for path in sorted(p for p in sources.rglob("*") if p.is_file()):
        relative = path.relative_to(sources)
        if {"build", "__pycache__"} & set(relative.parts):  # what _NOT_SOURCES leaves out
            continue
        digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _is_firmware_dir(folder: Path) -> bool:
    try:
        return (folder / "Makefile").is_file() and (folder / "core").is_dir()
    except (OSError, ValueError):  # unreadable, or a name no file can have
        return False
