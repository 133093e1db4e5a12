"""The suite against boards that each break one rule (tests/common/
broken_boards.py, broken_line.py): exactly the case that checks the rule
fails (or its small family), and the table names the rule.

The cases that take seconds (silence, heartbeat, back-pressure) run only
against the board whose fault they are for; every other case runs against
every board."""

from __future__ import annotations

import pytest

from hilander.hil.board.board import Board
from hilander.hil.cli.checkboard import table
from hilander.hil.conformance import CASES
from tests.common.broken_boards import BROKEN
from tests.common.quirky import Quirky, checked, failed, fast_cases, serving

BY_NAME = {c.name: c for c in CASES}


def test_the_board_they_break_passes_every_fast_case() -> None:
    with serving(Board) as served:
        result = checked(served.path, fast_cases())
    assert not failed(result), table(result)


@pytest.mark.slow
@pytest.mark.parametrize("broken", BROKEN, ids=lambda b: b.__name__)
def test_a_broken_board_fails_exactly_the_case_of_its_rule(broken: type[Quirky]) -> None:
    with serving(broken) as served:
        result = checked(served.path, fast_cases(*broken.fails), wait_s=2.0)
    shown = table(result)
    assert failed(result) == set(broken.fails), shown
    rows = _rows(shown)
    for name in broken.fails:
        head, *said = rows[name]
        assert head.split()[-2:] == ["fail", BY_NAME[name].rule], head
        assert said[0].lstrip().startswith("requires:") and any("board:" in s for s in said)


def _rows(shown: str) -> dict[str, list[str]]:
    """The table's lines by case: its row, then its indented lines."""
    rows: dict[str, list[str]] = {}
    for line in shown.splitlines():
        if line.startswith(tuple(BY_NAME)):
            rows[line.split()[0]] = [line]
        elif line.startswith(" ") and rows:
            list(rows.values())[-1].append(line)
    return rows


def test_every_case_is_failed_by_some_broken_board() -> None:
    """The suite has no case that no fault can fail."""
    covered = set().union(*(b.fails for b in BROKEN))
    assert covered == set(BY_NAME), sorted(set(BY_NAME) - covered)
