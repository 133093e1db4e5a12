"""A virtual board: the Cython law behind a pseudo-terminal, in a thread.

Tests, demos and CI use it where there is no hardware: open ``board.path``
with ``open_port`` as you would ``/dev/ttyACM0``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType

from hilander.controller.interface import FlightComputer
from hilander.controller.law import CompiledLaw
from hilander.hil.board.board import Board, BoardOptions
from hilander.hil.link.transport import PtyPair


class VirtualBoard:
    def __init__(
        self,
        options: BoardOptions | None = None,
        make_flight_computer: Callable[[], FlightComputer] = CompiledLaw,
    ) -> None:
        self.pty = PtyPair()
        self.path = self.pty.path
        self.board = Board(self.pty.board_end(), make_flight_computer, options)
        self._stop = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="virtual-board", daemon=True)

    def _run(self) -> None:
        try:
            self.board.serve(self._stop)
        except BaseException as e:
            self.error = e

    def start(self) -> VirtualBoard:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.pty.close()

    def __enter__(self) -> VirtualBoard:
        return self.start()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
