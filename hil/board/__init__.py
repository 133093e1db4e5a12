"""hilander.hil.board: the controller's end of a board session, in Python.

``Board`` answers a world over any transport with a flight computer;
``VirtualBoard`` runs one behind a pseudo-terminal in a thread; ``firmware``
builds and starts the C firmware (host or QEMU). Flight computers by name
(``compiled``, ``reference``, ``module:Class``) are the world's:
``hilander.sim.controllers``.
"""

from hilander.hil.board.board import Board, BoardOptions
from hilander.hil.board.virtual import VirtualBoard

__all__ = [
    "Board",
    "BoardOptions",
    "VirtualBoard",
]
