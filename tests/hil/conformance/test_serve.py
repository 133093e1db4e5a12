"""The suite against `hilander serve`, the command a device that carries the
world talks to: serve opens one end of a line as a user would, the suite
plays the world on the other; then the line goes away and serve ends with
one line and the link's exit code."""

from __future__ import annotations

import threading

import pytest

from hilander.hil.cli.checkboard import table
from hilander.hil.cli.exits import Exit
from hilander.hil.cli.main import main
from hilander.hil.conformance import run_suite
from hilander.hil.link.transport import PtyPair
from tests.common.quirky import failed


def test_serve_passes_every_case(capsys: pytest.CaptureFixture[str]) -> None:
    pty = PtyPair()
    codes: list[int] = []
    server = threading.Thread(target=lambda: codes.append(main(["serve", "--port", pty.path])))
    server.start()
    try:
        result = run_suite(pty.board_end())
    finally:
        pty.close()  # the line goes away: serve ends
        server.join(timeout=30)
    assert not failed(result), table(result)
    assert result.counts["skip"] == 0 and result.board_name == "virtual"
    assert codes == [Exit.LINK]
    err = capsys.readouterr().err
    assert "hilander board: error:" in err and "session(s)" in err
