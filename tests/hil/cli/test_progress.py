"""The progress lines on standard error: a solve's final times on a terminal
(nothing in a log), a board session's bar of the height descended."""

from __future__ import annotations

import io

from hilander.controller.interface import Phase
from hilander.hil.cli.progress import Progress, SolveProgress
from hilander.hil.session.remote import SessionSnapshot


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_solve_shows_each_final_time_on_a_terminal_and_nothing_in_a_log() -> None:
    tty, log = _Terminal(), io.StringIO()
    for stream in (tty, log):
        p = SolveProgress(stream, "optimal")
        p(20.0, None)
        p(24.5, 160.81)
        p.finish()
    assert tty.getvalue().count("\r") == 2 and tty.getvalue().endswith("\n")
    assert "solve 2, final time  24.50 s: 160.81 kg" in tty.getvalue()
    assert "infeasible" in tty.getvalue() and log.getvalue() == ""


def test_a_board_session_shows_a_bar_of_the_height_descended() -> None:
    snapshot = SessionSnapshot(
        time_s=30.0,
        altitude_m=450.0,
        phase=int(Phase.SKY_CRANE),
        latency_p50_us=140.0,
        deadline_misses=0,
        timeouts=0,
        resets=0,
        crc_errors=0,
    )
    log = io.StringIO()
    p = Progress(log, "lockstep", 1800.0)
    p._next = 0.0
    assert p.due() and not p.due()  # once, then not again before its period
    p.show(snapshot)
    line = log.getvalue()
    assert "[###############.....]" in line and "450 m sky_crane" in line
    assert "rtt p50 140 us" in line and line.endswith("\n")
