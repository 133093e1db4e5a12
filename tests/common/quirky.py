"""A Python board with two hooks, to break one rule of docs/protocol.md at
a time (tests/common/broken_boards.py, broken_line.py): ``take`` sees each
packet before the board does (and gives it none, the packet, a changed one,
or it twice); ``say`` sees each message the board sends (None: not sent).
``serving`` runs a board behind a pseudo-terminal, as VirtualBoard does.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from hilander.hil.board.board import Board
from hilander.hil.conformance import CASES, Case, SuiteResult, Timing, run_suite
from hilander.hil.link.link import Link
from hilander.hil.link.transport import PtyPair, Transport, open_port
from hilander.hil.wire.codec import Packet
from hilander.hil.wire.protocol import SPEC_BY_CLASS

TYPE = {cls: spec.type_id for cls, spec in SPEC_BY_CLASS.items()}


class SayingLink(Link):
    """The board's link, each message it sends shown to the board's ``say`` first."""

    def __init__(self, transport: Transport, board: Quirky) -> None:
        super().__init__(transport)
        self._board = board

    def frame(
        self, msg: Any, flags: int = 0, session_id: int | None = None, version: int | None = None
    ) -> bytes:
        sid = self.session_id if session_id is None else session_id
        said = self._board.say(msg, sid)
        return b"" if said is None else super().frame(said, flags, session_id, version)


class Quirky(Board):
    """The Python board, with hooks; ``fails`` names the cases of the
    conformance suite its fault must fail (the case, or its small family)."""

    fails: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self.link = SayingLink(transport, self)

    def handle(self, p: Packet) -> bool:
        ended = False
        for q in self.take(p):
            ended = super().handle(q) or ended
        return ended

    def take(self, p: Packet) -> list[Packet]:
        return [p]

    def say(self, msg: Any, session_id: int) -> Any | None:
        return msg

    def in_session(self, p: Packet) -> bool:
        return self.session != 0 and p.session_id == self.session


def fails(*names: str) -> frozenset[str]:
    return frozenset(names)


@dataclass
class Served:
    """A board answering behind a pseudo-terminal: the path a host opens,
    the board, and what killed its thread (None while it runs)."""

    path: str
    board: Board
    error: BaseException | None = None


@contextlib.contextmanager
def serving(board_cls: type[Board]) -> Iterator[Served]:
    """A board of ``board_cls`` answering behind a pseudo-terminal, in a thread."""
    pty = PtyPair()
    served = Served(pty.path, board_cls(pty.board_end()))
    stop = threading.Event()

    def run() -> None:
        try:
            served.board.serve(stop)
        except BaseException as e:
            served.error = e

    thread = threading.Thread(target=run, name=board_cls.__name__, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        stop.set()
        thread.join(timeout=5)
        pty.close()


# The cases that take seconds each (they listen or stall on purpose).
SLOW_CASES = frozenset({"silence", "heartbeat", "back-pressure"})


def fast_cases(*also: str) -> tuple[Case, ...]:
    """Every case but the slow ones (and those of them named in ``also``)."""
    return tuple(c for c in CASES if c.name not in SLOW_CASES or c.name in also)


def checked(port: str, cases: tuple[Case, ...] = CASES, wait_s: float = 3.0) -> SuiteResult:
    """The conformance suite's result for the board on ``port``."""
    transport = open_port(port)
    try:
        return run_suite(transport, cases, Timing(wait_s=wait_s))
    finally:
        transport.close()


def failed(result: SuiteResult) -> set[str]:
    return {r.case.name for r in result.results if r.outcome == "fail"}
