"""The suite against the virtual board: every case passes, on a quiet host
and beside two busy processes (never a false failure under load)."""

from __future__ import annotations

import pytest

from hilander.hil.cli.checkboard import table
from hilander.hil.conformance import CASES
from tests.common.qemu import hogs, kill
from tests.common.quirky import checked, failed


def test_the_virtual_board_passes_every_case(virtual_port: str) -> None:
    result = checked(virtual_port)
    assert [r.case.name for r in result.results] == [c.name for c in CASES]
    assert not failed(result), table(result)
    assert result.verdict == "pass" and result.counts["skip"] == 0
    assert result.board_name == "virtual"


@pytest.mark.slow
def test_the_suite_passes_beside_two_busy_processes(virtual_port: str) -> None:
    """Two CPU hogs on a 2-core machine: the waits are generous and silence
    is judged behind a frame the board must answer, so load slows the suite
    and changes no outcome."""
    busy = hogs(2)
    try:
        result = checked(virtual_port)
    finally:
        kill(busy)
    assert not failed(result), table(result)
