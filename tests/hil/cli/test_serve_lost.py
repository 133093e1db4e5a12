"""`hilander serve` and `hilander board --virtual` end with one line and the
link's exit code when the port goes away, and a world that stops reading
costs frames (counted), never the board."""

from __future__ import annotations

import pytest

from hilander.hil.board.board import Board
from hilander.hil.cli.boards import _serve
from hilander.hil.cli.exits import Exit
from hilander.hil.link.transport import LinkLost, WriteTimeout
from hilander.hil.wire.codec import encode
from hilander.hil.wire.protocol import SCHEMA_HASH, Hello


class _Gone:
    """A port that answers one read with a HELLO, then is unplugged."""

    name = "/dev/ttyGONE"

    def __init__(self) -> None:
        self.reads = 0

    def write(self, data: bytes) -> None:
        pass

    def read(self, timeout_s: float) -> bytes:
        self.reads += 1
        if self.reads == 1:
            return encode(Hello(SCHEMA_HASH, 1, 0, 20.0), 7, 0)
        raise LinkLost(f"{self.name}: device reports readiness to read but returned no data")

    def close(self) -> None:
        pass


class _Deaf(_Gone):
    """A world that does not read: every write times out."""

    def write(self, data: bytes) -> None:
        raise WriteTimeout(f"{self.name}: write timed out after 2 s")


def test_a_port_that_goes_away_ends_serve_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _serve(Board(_Gone()), once=False) == Exit.LINK
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        "hilander board: error: /dev/ttyGONE: device reports readiness to read but returned no data"
    )
    assert "1 session(s)" in err[1]


def test_a_world_that_does_not_read_costs_frames_not_the_board(
    capsys: pytest.CaptureFixture[str],
) -> None:
    board = Board(_Deaf())
    assert _serve(board, once=False) == Exit.LINK  # the port went away at last
    assert board.write_timeouts == 1  # the HELLO_ACK, dropped and counted
    assert board.sessions == 1
    assert "1 frames the world did not read" in capsys.readouterr().err
