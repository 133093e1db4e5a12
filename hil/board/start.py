"""A board started by name, and stopped for sure: the C firmware (``host``,
``host-asan``, ``qemu``, ``qemu-m4f``: hil/board/targets.py) as a process on
a pseudo-terminal, or the Cython law behind one in a thread (``virtual``).

    with start_board("host") as board:
        open_board(board.url, ...)

The pytest plugin's ``hil_board`` fixture starts its board here. Nothing
waits forever: the firmware has ``start_timeout_s`` to say its port (else
BoardStartError, with the last lines it printed), and ``stop()`` ends the
process (SIGTERM, then SIGKILL after ``STOP_TIMEOUT_S``) or the thread and
closes the pty. A started firmware dies with the process that started it
(``ParentDeath``): start it from the thread that lives as long as it should.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from hilander.controller.interface import FlightComputer
from hilander.hil.board.board import BoardOptions
from hilander.hil.board.firmware import (
    PORT_PATTERN,
    FirmwareError,
    build_firmware,
    firmware_command,
)
from hilander.hil.board.firmware import firmware_dir as find_firmware_dir
from hilander.hil.board.lifeline import ParentDeath
from hilander.hil.board.targets import TARGETS
from hilander.hil.board.virtual import VirtualBoard

BOARDS = (*TARGETS, "virtual")
START_TIMEOUT_S = 60.0  # the firmware's first words (its port); QEMU says it at once
STOP_TIMEOUT_S = 10.0
OUTPUT_KEPT = 20  # lines of the firmware's output kept for an error message


class BoardStartError(OSError):
    """The board could not be started; str() is one line."""


@dataclass
class StartedBoard:
    """A running board: open ``url`` as you would /dev/ttyACM0."""

    name: str
    url: str
    process: subprocess.Popen[bytes] | None = None
    virtual: VirtualBoard | None = None
    output: deque[str] = field(default_factory=lambda: deque(maxlen=OUTPUT_KEPT))
    _reader: threading.Thread | None = None
    _stopped: bool = False

    @property
    def running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        return self.virtual is not None and self.virtual.error is None and not self._stopped

    def stop(self) -> None:
        """End the firmware's process (or the virtual board's thread); close its pty."""
        self._stopped = True
        if self.virtual is not None:
            self.virtual.stop()
        if self.process is not None:
            _end(self.process)
            if self._reader is not None:
                self._reader.join(timeout=STOP_TIMEOUT_S)
            if self.process.stdout is not None:
                self.process.stdout.close()

    def __enter__(self) -> StartedBoard:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_board(
    name: str,
    make: Callable[[], FlightComputer] | None = None,
    firmware_dir: Path | None = None,
    start_timeout_s: float = START_TIMEOUT_S,
    label: str | None = None,
) -> StartedBoard:
    """Start the board ``name`` (BOARDS). ``make``: the virtual board's
    flight computer (default: the compiled law); ``firmware_dir``: the
    firmware's sources (default: found as ``hilander board --firmware`` finds
    them); ``label``: the host firmware's name in HELLO_ACK (``--name``).
    BoardStartError, one line, when it cannot start."""
    if name == "virtual":
        options = BoardOptions(name="virtual")
        vb = VirtualBoard(options) if make is None else VirtualBoard(options, make)
        return StartedBoard(name, vb.start().path, virtual=vb)
    if name not in TARGETS:
        raise BoardStartError(f"no board {name!r}: one of {', '.join(BOARDS)}")
    try:
        folder = find_firmware_dir(firmware_dir)
        build_firmware(folder, name, "start")
        command = firmware_command(folder, name, label)
    except FirmwareError as e:
        raise BoardStartError(str(e)) from None
    return start_process(name, command, start_timeout_s)


def start_process(name: str, command: list[str], timeout_s: float) -> StartedBoard:
    """Start the firmware ``name`` with ``command`` and read the port it says."""
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,  # its port, then what it prints (kept in ``output``)
            stderr=None,  # to our stderr, as it is: the sanitizers' reports, its last words
            preexec_fn=ParentDeath(),  # noqa: PLW1509 - only prctl, libc loaded before the fork
            process_group=0,
        )
    except OSError as e:  # no qemu-system-arm, say
        raise BoardStartError(
            f"cannot start the {name} firmware: {e.strerror}: {e.filename}"
        ) from None
    board = StartedBoard(name, "", process=proc)
    try:
        board.url = _read_port(proc, board.output, timeout_s, name)
    except BoardStartError:
        board.stop()
        raise
    board._reader = threading.Thread(
        target=_drain, args=(proc, board.output), name=f"{name}-output", daemon=True
    )
    board._reader.start()
    return board


def _read_port(
    proc: subprocess.Popen[bytes], output: deque[str], timeout_s: float, name: str
) -> str:
    """The port in the firmware's first lines (QEMU: 'char device redirected
    to /dev/pts/N (label serial0)'), waited for ``timeout_s`` at most."""
    assert proc.stdout is not None
    fd, pending = proc.stdout.fileno(), b""
    deadline = time.monotonic() + timeout_s
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0:
            if not sel.select(left):
                continue
            chunk = os.read(fd, 4096)
            if not chunk:  # its output closed: it ended
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            decoded = [text.decode(errors="replace").strip() for text in lines]
            output.extend(decoded)  # the lines after the port line too: nothing read is lost
            if found := next(filter(None, map(PORT_PATTERN.search, decoded)), None):
                if pending:
                    output.append(pending.decode(errors="replace").strip())
                return found.group(1)
    if pending.strip():
        output.append(pending.decode(errors="replace").strip())
    said = f"; it said: {output[-1]}" if output else ""
    why = "ended" if left > 0 else f"did not say its port within {timeout_s:g} s"
    raise BoardStartError(f"the {name} firmware {why}{said}")


def _drain(proc: subprocess.Popen[bytes], output: deque[str]) -> None:
    """Read what the firmware prints until it ends (a full pipe would stop it)."""
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            output.append(line.decode(errors="replace").strip())
    except (OSError, ValueError):  # closed by stop()
        return


def _end(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_TIMEOUT_S)
