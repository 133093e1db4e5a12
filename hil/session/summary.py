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
class HeartbeatSummary(Record):
    """The last HEARTBEAT the board sent in the session: its own figures."""

    uptime_ms: int  # since the board booted
    frames_received: int  # good frames it received
    crc_errors: int  # frames it rejected by CRC
    resyncs: int  # times it discarded bytes
    stack_high_water_B: int | None  # its deepest stack since boot (None: not measured)

    @classmethod
    def of(cls, beat: Any) -> HeartbeatSummary | None:
        """A wire HEARTBEAT as the summary gives it; None for none."""
        if beat is None:
            return None
        return cls(
            uptime_ms=beat.uptime_ms,
            frames_received=beat.frames_received,
            crc_errors=beat.crc_errors,
            resyncs=beat.resyncs,
            stack_high_water_B=beat.stack_high_water_B or None,
        )


@dataclass(frozen=True)
class LinkSummary(Record):
    """The ``link`` object of a board session's summary (docs/quickstart.md).

    What was received: a frame is either decoded (``frames_received``) or
    thrown away by the decoder and counted by why (``crc_errors``,
    ``framing_errors``, ``oversize``, ``unknown_type``, ``bad_payload``;
    ``resyncs`` counts the times bytes were discarded to find the next
    frame). Of the frames decoded, those of another protocol version are
    counted ``version_mismatch`` too, and not acted on (a HELLO's answer
    aside); ``duplicates`` are frames received again (same
    sequence number, same content: a board's repeated COMMAND), counted
    there only; ``seq_gaps`` the sequence numbers skipped (frames that never
    came); ``stale_commands`` the COMMANDs dropped that are not duplicates
    (for another step, or another session); ``late_acks`` the ACKs to a
    request already answered or given up on. The 0.6 keys come first, in
    their order; the keys added since follow ``srtt_us``.
    """

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
    board_heartbeat: HeartbeatSummary | None  # the last the board sent (None: none came)
    oversize: int  # runs of more than 1042 bytes without a delimiter, thrown away
    unknown_type: int  # frames of a type this host does not know
    bad_payload: int  # frames whose payload length does not fit their type
    version_mismatch: int  # frames of another protocol version
    maps_given_up: int  # real time: hazard maps not taken whole in 3 transfers


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
