"""Each step's cost as the board counts it (COMMAND.compute_instructions),
by phase, against the budget the board declares (BOARD_INFO): the
``link.board_instructions`` object of ``hilander hil --json``."""

from __future__ import annotations

from hilander.controller.interface import Phase
from hilander.hil.session.linkstats import LinkStats
from hilander.hil.wire.protocol import BoardInfo, CostUnit

BUDGET = 1000


def _stats(costs: list[tuple[int, int]], info: BoardInfo | None) -> LinkStats:
    stats = LinkStats(board_info=info)
    for step, (phase, cost) in enumerate(costs):
        stats.answered(step * 0.02, 0.001, cost // 25, cost, step, phase)
    return stats


def test_the_costliest_step_its_phase_and_the_phases_in_flight_order() -> None:
    approach, divert, descent = Phase.POWERED_APPROACH, Phase.DIVERT, Phase.CONSTANT_VELOCITY
    costs = [(approach, 100), (approach, 300), (divert, 1500), (divert, 200), (descent, 50)]
    b = _stats(costs, BoardInfo(25_000_000, 20_000, BUDGET, CostUnit.INSTRUCTIONS))
    got = b.board_instructions()
    assert got is not None
    assert (got["max"], got["max_step"], got["max_time_s"], got["max_phase"]) == (
        1500,
        2,
        0.04,
        "divert",
    )
    assert (got["budget"], got["over_budget"], got["unit"]) == (BUDGET, 1, "instructions")
    assert list(got["by_phase"]) == ["powered_approach", "divert", "constant_velocity"]
    assert got["by_phase"]["divert"] == {"steps": 2, "p50": 850.0, "max": 1500.0}
    assert sum(p["steps"] for p in got["by_phase"].values()) == len(costs)


def test_a_board_that_counts_nothing_has_no_cost_object() -> None:
    assert _stats([(0, 0), (0, 0)], None).board_instructions() is None
    declared = BoardInfo(25_000_000, 20_000, 0, CostUnit.NONE)  # says so in BOARD_INFO
    assert _stats([(0, 0), (0, 0)], declared).board_instructions() is None


def test_a_board_without_a_declaration_has_costs_but_no_budget() -> None:
    got = _stats([(Phase.POWERED_APPROACH, 10), (Phase.HOVER, 20)], None).board_instructions()
    assert got is not None and got["budget"] is None and got["over_budget"] is None
    assert got["unit"] is None and got["by_phase"]["hover"]["max"] == 20.0


def test_a_phase_off_the_table_is_named_by_its_number() -> None:
    got = _stats([(42, 10)], None).board_instructions()
    assert got is not None and got["max_phase"] == "42" and list(got["by_phase"]) == ["42"]
