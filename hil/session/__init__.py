"""hilander.hil.session: the world's end of a board session.

``open_board(url, options)`` is the one way to open a board: the port, the
link and a ``RemoteController`` (a flight computer whose law runs on the
board) behind a context manager. ``handshake`` opens the session and waits for
ACKs, ``linkstats`` measures it, ``options`` says how it runs.
"""

from hilander.hil.link.faults import FaultSetting
from hilander.hil.session.open import BoardSession, RecordTo, open_board
from hilander.hil.session.options import SessionOptions
from hilander.hil.session.summary import BoardSummary

__all__ = [
    "BoardSession",
    "BoardSummary",
    "FaultSetting",
    "RecordTo",
    "SessionOptions",
    "open_board",
]
