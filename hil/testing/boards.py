"""The session's board as the plugin's fixtures see it: the one at
``--hil-port`` (its port checked once, before the first test that needs it)
or the one ``--hil-board`` started; and a board that fails the flights on it,
said once per test without a traceback: the port that does not open or the
link that broke (one line), the firmware that ended (how, and its last
lines of output).
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import pytest

from hilander.hil.board.start import StartedBoard
from hilander.hil.link.transport import LinkLost, PortError, open_port
from hilander.hil.session.handshake import HandshakeError

if TYPE_CHECKING:
    from hilander.testing import Flight

LAST_LINES = 10  # of a firmware's output, in the failure of a test whose board ended
ENDING_S = 2.0  # a flight that broke: the wait for the firmware's end, if it is ending
BROKEN = (PortError, LinkLost, HandshakeError)  # their str() is one line


class HilBoard(Protocol):
    """What the ``hil_board`` fixture gives."""

    @property
    def name(self) -> str: ...

    @property
    def url(self) -> str: ...


@dataclass(frozen=True)
class GivenBoard:
    """The board at ``--hil-port``: the plugin neither starts nor stops it."""

    name: str
    url: str


def check_port(url: str, baud: int) -> None:
    """Open and close the port once: a test fails with one line if it cannot."""
    try:
        open_port(url, baud).close()
    except PortError as e:
        failed = str(e)
    else:
        return
    pytest.fail(f"--hil-port {url}: {failed}", pytrace=False)  # out of the except: no chain


def fly_on(board: HilBoard, fly: Callable[[], Flight]) -> Flight:
    """``fly()`` on the session's board; the test fails (one line, or the
    ended firmware's last lines) if the board has ended, or ends or breaks
    the link during the flight."""
    _fail_if_ended(board)
    try:
        flight = fly()
    except BROKEN as e:
        failed = str(e)
    else:
        _fail_if_ended(board)  # a flight that ended as a stall, say
        return flight
    if isinstance(board, StartedBoard) and board.process is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):  # it runs: the link broke alone
            board.process.wait(timeout=ENDING_S)
    _fail_if_ended(board)
    pytest.fail(f"{_flag(board)}: {failed}", pytrace=False)


def _flag(board: HilBoard) -> str:
    return (
        f"--hil-board {board.name}"
        if isinstance(board, StartedBoard)
        else f"--hil-port {board.url}"
    )


def _fail_if_ended(board: HilBoard) -> None:
    if isinstance(board, StartedBoard) and not board.running:
        pytest.fail(ended(board), pytrace=False)


def ended(board: StartedBoard) -> str:
    """How the started board ended, and its last lines of output."""
    if board.process is None:
        error = board.virtual.error if board.virtual is not None else None
        return f"--hil-board {board.name}: the virtual board stopped: {error!r}"
    board.stop()  # ended: this waits for the rest of its output
    code = board.process.returncode
    how = f"exit status {code}" if code >= 0 else f"killed by {_signal_name(-code)}"
    last = list(board.output)[-LAST_LINES:]
    said = ", its last lines:" if last else ", with no output"
    return "\n".join(
        [f"--hil-board {board.name}: the {board.name} firmware ended ({how}){said}"]
        + [f"  {line}" for line in last]
    )


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
