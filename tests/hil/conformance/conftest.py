"""Fixtures for the conformance suite's tests: the virtual board on a pty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hilander.hil.board.virtual import VirtualBoard


@pytest.fixture
def virtual_port() -> Iterator[str]:
    """The path of a virtual board (the Cython law behind a pty), running."""
    with VirtualBoard() as board:
        yield board.path
    assert board.error is None, board.error
