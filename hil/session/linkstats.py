"""What a board session measured: latency, misses, timeouts, resets, board reports.

The world's own counters (the link's and its decoder's are in hil/link):

- ``stale_commands``: COMMANDs dropped that are not duplicates: of our
  session for a step other than the one awaited (a late answer to a step
  given up on, or an old step's), or of another session. A board's repeated
  COMMAND (the same bytes, seq and all) is the link's ``duplicates``, and
  only that: one frame, one counter.
- ``late_acks``: ACKs (and HELLO_ACKs) to a request already answered or
  given up on.
- ``maps_given_up``: real time, hazard maps the board never took whole in
  MAP_TRANSFERS transfers (the board flew without them).

What the board sent since a step's first frame is tallied too (``listen``,
``heard``), for a stall's message: alive means frames of our session.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from hilander.controller.interface import Command, Phase
from hilander.hil.link.link import Link
from hilander.hil.session.options import SessionOptions
from hilander.hil.session.rto import RetransmitTimer
from hilander.hil.session.summary import HeartbeatSummary, LinkSummary, Percentiles
from hilander.hil.wire.protocol import (
    SPEC_BY_CLASS,
    BoardInfo,
    CostUnit,
    Fault,
    FaultCode,
    Heartbeat,
)

KEEP_REPORTS = 20  # board faults and text lines kept for the summary


@dataclass
class LinkStats:
    latencies_s: list[float] = field(default_factory=list)
    answer_time_s: list[float] = field(default_factory=list)  # sim time of each latency
    compute_us: list[int] = field(default_factory=list)  # the board's own step times
    instructions: list[int] = field(default_factory=list)  # each step's cost, board units
    answered_steps: list[int] = field(default_factory=list)  # the step of each answer
    answered_phases: list[int] = field(default_factory=list)  # the phase each answer flew
    miss_time_s: list[float] = field(default_factory=list)  # real time: each deadline miss
    late_latencies_s: list[float] = field(default_factory=list)  # answers after the deadline
    late_time_s: list[float] = field(default_factory=list)  # sim time of each late answer
    timeout_time_s: list[float] = field(default_factory=list)  # lockstep: each timeout
    deadline_misses: int = 0
    timeouts: int = 0
    stalls: int = 0
    resets: int = 0
    stale_commands: int = 0  # commands for another step or session, not duplicates
    late_acks: int = 0  # answers to a request already answered or given up
    maps_given_up: int = 0  # real time: maps not taken whole in MAP_TRANSFERS transfers
    host_overruns: int = 0  # real time: the host itself fell a period behind
    write_timeouts: int = 0  # frames not written within the transport's write timeout
    unsupported: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    fault_count: int = 0
    text: list[str] = field(default_factory=list)
    board_heartbeat: Heartbeat | None = None  # the last one of our session
    board_info: BoardInfo | None = None  # the board's timing declaration, if it sent one
    _heard: Counter[str] = field(default_factory=Counter)  # our session's, since listen()
    _heard_elsewhere: int = 0  # frames of another session since listen()

    def answered(
        self,
        time_s: float,
        seconds: float,
        compute_us: int,
        instructions: int = 0,
        step: int = 0,
        phase: int = -1,
    ) -> None:
        """The command of the step at sim time ``time_s`` came ``seconds`` after its frame."""
        self.latencies_s.append(seconds)
        self.answer_time_s.append(time_s)
        self.compute_us.append(compute_us)
        self.instructions.append(instructions)
        self.answered_steps.append(step)
        self.answered_phases.append(phase)

    def board_instructions(self) -> dict[str, Any] | None:
        """Each step's cost as the board counts it, against its declared budget;
        None if the board counts nothing."""
        info = self.board_info
        cost = np.asarray(self.instructions, float)
        counted = info is not None and info.cost_unit != CostUnit.NONE
        if not counted and not cost.any():  # no unit declared, no count sent
            return None
        budget = info.step_budget_instructions if info and info.step_budget_instructions else None
        worst = int(cost.argmax()) if len(cost) else None
        unit = _unit_name(info.cost_unit) if info else None
        return {
            **Percentiles.of(cost).to_dict(),
            "max_step": None if worst is None else self.answered_steps[worst],
            "max_time_s": None if worst is None else round(self.answer_time_s[worst], 3),
            "budget": budget,
            "over_budget": None if budget is None else int((cost > budget).sum()),
            "unit": unit,
            "clock_Hz": info.clock_Hz if info else None,
            "control_period_us": info.control_period_us if info else None,
            "max_phase": None if worst is None else phase_name(self.answered_phases[worst]),
            "by_phase": self.cost_by_phase(cost),
        }

    def cost_by_phase(self, cost: npt.NDArray[np.float64]) -> dict[str, dict[str, float]]:
        """Each phase flown: its steps, and their cost p50 and max."""
        phases = np.asarray(self.answered_phases)
        table = {}
        for p in dict.fromkeys(self.answered_phases):  # in flight order
            c = cost[phases == p]
            table[phase_name(p)] = {
                "steps": len(c),
                "p50": float(np.median(c)),
                "max": float(c.max()),
            }
        return table

    def late(self, time_s: float, seconds: float) -> None:
        """The command of the step at ``time_s`` came after it was given up on."""
        self.late_latencies_s.append(seconds)
        self.late_time_s.append(time_s)

    def missed(self, time_s: float) -> None:
        self.deadline_misses += 1
        self.miss_time_s.append(time_s)

    def timed_out(self, time_s: float) -> None:
        self.timeouts += 1
        self.timeout_time_s.append(time_s)

    def listen(self) -> None:
        """Start a new tally of what the board sends (a step's first frame)."""
        self._heard.clear()
        self._heard_elsewhere = 0

    def heard(self, what: str, in_session: bool = True) -> None:
        """A frame came that was not the answer waited for: ``what`` it was
        (heard_as), of our session or of another."""
        if in_session:
            self._heard[what] += 1
        else:
            self._heard_elsewhere += 1

    def hearing(self) -> str:
        """What the board sent since ``listen``, for a stall's message:
        'alive: 12 commands for other steps, 1 heartbeat', 'silent in this
        session (5 frames of another session)', or 'silent'."""
        if self._heard:
            return "alive: " + ", ".join(_count(n, w) for w, n in self._heard.most_common())
        if self._heard_elsewhere:
            return f"silent in this session ({_count(self._heard_elsewhere, OTHER_SESSION)})"
        return "silent"

    def board_fault(self, msg: Fault) -> None:
        self.fault_count += 1
        if len(self.faults) < KEEP_REPORTS:
            known = msg.code in FaultCode._value2member_map_
            name = FaultCode(msg.code).name if known else str(msg.code)
            self.faults.append(f"{name} at step {msg.step}: {msg.text}")

    def board_text(self, text: str) -> None:
        if len(self.text) < KEEP_REPORTS:
            self.text.append(text)

    def latency_us(self) -> Percentiles:
        return Percentiles.of(np.asarray(self.latencies_s) * 1e6)

    def summary(
        self, link: Link, options: SessionOptions, board_name: str, timer: RetransmitTimer
    ) -> LinkSummary:
        """The ``link`` object: every counter of the link (and its decoder)
        by its own name, then the world's."""
        counts: dict[str, Any] = link.counters()
        return LinkSummary(
            port=link.transport.name,
            board=board_name,
            **counts,
            latency_us=self.latency_us(),
            late_latency_us=Percentiles.of(np.asarray(self.late_latencies_s) * 1e6),
            board_compute_us=Percentiles.of(np.asarray(self.compute_us, float)),
            board_instructions=self.board_instructions(),
            stack_high_water_B=(self.board_heartbeat.stack_high_water_B or None)
            if self.board_heartbeat
            else None,
            board_heartbeat=HeartbeatSummary.of(self.board_heartbeat),
            deadline_misses=self.deadline_misses,
            timeouts=self.timeouts,
            stalls=self.stalls,
            resets=self.resets,
            stale_commands=self.stale_commands,
            late_acks=self.late_acks,
            host_overruns=self.host_overruns,
            write_timeouts=self.write_timeouts,
            unsupported_faults=list(self.unsupported),
            board_faults=self.fault_count,
            board_fault_reports=list(self.faults),
            board_text=list(self.text),
            timeout_s=options.timeout_s,
            retries=options.retries,
            speedup=options.speedup,
            stall_after_s=options.stall_after_s,
            rto_s=round(timer.rto_s, 6),
            srtt_us=None if timer.srtt_s is None else round(timer.srtt_s * 1e6, 1),
            maps_given_up=self.maps_given_up,
        )


def phase_name(phase: int) -> str:
    """A phase's name as the summaries write it ('powered_approach'), or its
    number if it is none of the law's."""
    try:
        return Phase(phase).name.lower()
    except ValueError:
        return str(phase)


STALE = "command for another step"
OTHER_SESSION = "frame of another session"
OTHER_VERSION = "frame of another protocol version"
_PLURALS = {
    STALE: "commands for other steps",
    OTHER_SESSION: "frames of another session",
    OTHER_VERSION: "frames of another protocol version",
}


def heard_as(msg: Any, duplicate: bool = False) -> str:
    """A frame as a stall's message names it: 'heartbeat', 'repeated command'..."""
    if duplicate:
        return "repeated " + heard_as(msg).split(" for ")[0]
    if isinstance(msg, Command):
        return STALE
    spec = SPEC_BY_CLASS.get(type(msg))
    return spec.name.lower().replace("_", " ") if spec else OTHER_VERSION


def _count(n: int, what: str) -> str:
    """'1 heartbeat', '3 heartbeats'."""
    return f"{n} {what if n == 1 else _PLURALS.get(what, what + 's')}"


def _unit_name(cost_unit: int) -> str | None:
    """BOARD_INFO.cost_unit as the summary names it: None if not counted or unknown."""
    if cost_unit == CostUnit.NONE or cost_unit not in CostUnit._value2member_map_:
        return None
    return CostUnit(cost_unit).name.lower()
