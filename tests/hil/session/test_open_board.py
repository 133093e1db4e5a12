"""``open_board``: the one way to open a board. It opens the port, flies,
summarises the session as a typed record whose JSON keys are version 0.6's,
and says GOODBYE and closes the port whatever happens inside it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.link.faults import FaultPlan
from hilander.hil.link.transport import PortError
from hilander.hil.session import BoardSummary, FaultSetting, SessionOptions, open_board
from hilander.hil.session.summary import LinkSummary
from hilander.sim.result import summarize
from hilander.sim.scenario import load_scenario

# The keys of `hilander hil --json` and of its `link` object as 0.6.0 printed
# them (read from its output), in order, then the keys added since: the typed
# records keep the contract.
LANDING_KEYS = [
    "scenario",
    "controller",
    "verdict",
    "violations",
    "violation_kinds",
    "touchdown",
    "tether_cut",
    "engine_cutoff",
    "bridle_cut",
    "propellant_used_kg",
    "propellant_at_cut_kg",
    "flyaway",
    "site",
    "phases",
    "events",
    "sim",
]
LINK_KEYS = [
    "port",
    "board",
    "frames_sent",
    "frames_received",
    "latency_us",
    "late_latency_us",
    "board_compute_us",
    "board_instructions",
    "stack_high_water_B",
    "deadline_misses",
    "crc_errors",
    "resyncs",
    "timeouts",
    "stalls",
    "resets",
    "framing_errors",
    "seq_gaps",
    "duplicates",
    "stale_commands",
    "late_acks",
    "host_overruns",
    "write_timeouts",
    "unsupported_faults",
    "board_faults",
    "board_fault_reports",
    "board_text",
    "timeout_s",
    "retries",
    "speedup",
    "stall_after_s",
    "rto_s",
    "srtt_us",
    # added since 0.6.0 (issue 20), after its keys: the board's last HEARTBEAT,
    # the decoder's other receive counters, real-time maps given up
    "board_heartbeat",
    "oversize",
    "unknown_type",
    "bad_payload",
    "version_mismatch",
    "maps_given_up",
]


@pytest.fixture
def board() -> Iterator[VirtualBoard]:
    with VirtualBoard() as vb:
        yield vb
    assert vb.error is None


def said_goodbye(vb: VirtualBoard) -> bool:
    """The board forgot its session (GOODBYE), within a bounded wait."""
    deadline = time.monotonic() + 10.0
    while vb.board.session != 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    return vb.board.session == 0


def test_a_board_opened_flies_and_summarises_as_a_typed_record(board: VirtualBoard) -> None:
    scenario = load_scenario("default")
    with open_board(board.path, SessionOptions(), seed=scenario.seed) as session:
        landing = session.fly(scenario)
        summary = session.summary(landing)
        assert session.board_name == "virtual"
    assert said_goodbye(board)
    assert isinstance(summary, BoardSummary) and isinstance(summary.link, LinkSummary)
    assert summary.verdict == summary.landing.verdict == "pass"
    assert summary.mode == "lockstep" and summary.faults is None
    data = summary.to_dict()
    assert list(data) == [*LANDING_KEYS, "mode", "link"]
    assert list(data["link"]) == LINK_KEYS
    assert data["link"]["frames_received"] == summary.link.frames_received > 1000
    assert list(data["link"]["latency_us"]) == ["p50", "p99", "max"]
    assert data["link"]["board_instructions"] is None  # the virtual board counts nothing
    assert summary.landing == summarize(landing)


def test_the_board_is_closed_when_the_flight_raises(board: VirtualBoard) -> None:
    with pytest.raises(RuntimeError, match="the test's own"), open_board(board.path) as session:
        session.controller.reset(load_scenario("default").law)
        assert board.board.session != 0
        raise RuntimeError("the test's own error")
    assert said_goodbye(board)


def test_faults_are_committed_and_counted(board: VirtualBoard) -> None:
    scenario = load_scenario("default")
    faults = FaultSetting(FaultPlan(dup=0.01), seed=3)
    with open_board(board.path, faults=faults, seed=scenario.seed) as session:
        summary = session.summary(session.fly(scenario))
    assert summary.faults is not None and summary.faults.plan == ["dup=0.01"]
    assert summary.faults.injected["duplicated"] > 0
    assert list(summary.to_dict())[-1] == "faults"


def test_a_port_that_is_not_there_is_a_one_line_error() -> None:
    with pytest.raises(PortError) as e, open_board("/dev/hilander-no-such-port"):
        pass
    assert "\n" not in str(e.value) and "/dev/hilander-no-such-port" in str(e.value)
