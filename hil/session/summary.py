"""A board session's summary as typed records: the ``link`` object, and a
landing flown with the law on a board (``hilander hil --json``).

``BoardSummary`` is the landing's summary (hilander.sim.summary) with the
session's figures after it: the mode, the link, the faults committed and the
back-to-back comparison with a law; its ``to_json()`` is the text ``hilander
hil --json`` prints. docs/quickstart.md lists every key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hilander.sim.records import INLINE, OMIT_NONE, Record
from hilander.sim.summary import LandingSummary


@dataclass(frozen=True)
class Percentiles(Record):
    """p50, p99 and max of microsecond figures (None for none), rounded to 0.1 us."""

    p50: float | None = None
    p99: float | None = None
    max: float | None = None

    @classmethod
    def of(cls, us: Any) -> Percentiles:
        if not len(us):
            return cls()
        return cls(
            p50=round(float(np.percentile(us, 50)), 1),
            p99=round(float(np.percentile(us, 99)), 1),
            max=round(float(us.max()), 1),
        )


@dataclass(frozen=True)
class LinkSummary(Record):
    """The ``link`` object of a board session's summary (docs/quickstart.md)."""

    port: str
    board: str
    frames_sent: int
    frames_received: int
    latency_us: Percentiles
    late_latency_us: Percentiles
    board_compute_us: Percentiles
    board_instructions: dict[str, Any] | None  # each step's cost against the board's budget
    stack_high_water_B: int | None  # the deepest stack the board reported (HEARTBEAT)
    deadline_misses: int
    crc_errors: int
    resyncs: int
    timeouts: int
    stalls: int
    resets: int
    framing_errors: int
    seq_gaps: int
    duplicates: int
    stale_commands: int
    late_acks: int
    host_overruns: int
    write_timeouts: int  # frames that could not be written in time (lateness, not a lost link)
    unsupported_faults: list[str]
    board_faults: int
    board_fault_reports: list[str]
    board_text: list[str]
    timeout_s: float
    retries: int
    speedup: float
    stall_after_s: float
    rto_s: float  # the adaptive wait at the end of the session (lockstep)
    srtt_us: float | None  # the smoothed round trip it came from (None: none measured)


@dataclass(frozen=True)
class FaultsSummary(Record):
    """The link faults asked for (as --fault options) and how many were committed."""

    plan: list[str]
    injected: dict[str, int]


@dataclass(frozen=True)
class BoardSummary(Record):
    """A landing flown with the law on a board: the landing, then the session."""

    landing: LandingSummary = field(metadata=INLINE)  # its keys first, not nested
    mode: str
    link: LinkSummary
    faults: FaultsSummary | None = field(default=None, metadata=OMIT_NONE)
    # the back-to-back figures with a law stepped beside the board (--reference)
    back_to_back: dict[str, Any] | None = field(default=None, metadata=OMIT_NONE)
    files: list[str] | None = field(default=None, metadata=OMIT_NONE)  # what --out wrote

    @property
    def verdict(self) -> str:
        return self.landing.verdict


Summary = LandingSummary | BoardSummary  # a landing on the desk, or with the law on a board


def landing_of(summary: Summary) -> LandingSummary:
    """The landing's own summary, whether flown on the desk or with a board."""
    return summary.landing if isinstance(summary, BoardSummary) else summary
