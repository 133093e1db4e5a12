"""hilander.hil.session: the world's end of a board session.

``open_board(url, options)`` is the one way to open a board: the port, the
link and a ``RemoteController`` (a flight computer whose law runs on the
board) behind a context manager. ``handshake`` opens the session and waits for
ACKs, ``linkstats`` measures it, ``options`` says how it runs.
"""

from hilander.hil.session.handshake import HandshakeError
from hilander.hil.session.open import BoardSession, open_board
from hilander.hil.session.options import SessionOptions
from hilander.hil.session.summary import BoardSummary, LinkSummary

__all__ = [
    "BoardSession",
    "BoardSummary",
    "HandshakeError",
    "LinkSummary",
    "SessionOptions",
    "open_board",
]
