"""Two command streams compared step by step: the board's against a law's.

Used by ``hilander replay`` (the law fed the recorded frames) and by
``hilander hil --reference NAME`` (the law fed each frame beside the board,
as the wire rounds it). The tally is the ``back_to_back`` object of their
summaries; the per-step series (the largest relative difference of each
field) is what the report plots.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from hilander.controller.interface import Command, FlightComputer, SensorFrame

EXACT_FIELDS = ("phase", "events")  # decisions: must agree exactly
# status bits are diagnostics of one step (saturated, tilt-limited...): a
# float32 board may set one on a boundary where the law did not; counted apart
COMPARED = tuple(
    f.name for f in fields(Command) if f.name not in ("step", "status", "compute_time_us")
)


@dataclass
class BackToBack:
    """The running comparison; ``add`` one pair of commands per step."""

    tolerance: float = 1e-3
    time_s: list[float] = field(default_factory=list)
    difference: dict[str, list[float]] = field(
        default_factory=lambda: {name: [] for name in COMPARED}
    )
    identical: int = 0
    within: int = 0
    status_differ: int = 0
    unanswered: int = 0  # frames the board sent no command for (held, or lost)
    first: dict[str, Any] | None = None

    def add(self, key: tuple[int, int], time_s: float, ours: Command, board: Command) -> None:
        """Compare the commands of one step (key: session id and step)."""
        diffs = _differences(ours, board)
        self.time_s.append(time_s)
        for name, series in self.difference.items():
            series.append(diffs.get(name, 0.0))
        self.status_differ += ours.status != board.status
        if not diffs:
            self.identical += 1
        elif not any(n in EXACT_FIELDS for n in diffs) and max(diffs.values()) <= self.tolerance:
            self.within += 1
        elif self.first is None:
            name = next(iter(diffs))
            self.first = {
                "session_id": key[0],
                "step": key[1],
                "time_s": round(time_s, 4),
                "field": name,
                "board": getattr(board, name),
                "law": getattr(ours, name),
            }

    def summary(self) -> dict[str, Any]:
        compared = len(self.time_s)
        different = compared - self.identical - self.within
        worst = {k: float(f"{max(v, default=0.0):.3g}") for k, v in self.difference.items()}
        verdict = "different" if different else "within_tolerance"
        if self.identical == compared and not self.status_differ:
            verdict = "identical"
        if not compared:
            verdict = "not_compared"  # no step had both commands: nothing is shown
        return {
            "commands_compared": compared,
            "identical": self.identical,
            "within_tolerance": self.within,
            "different": different,
            "unanswered_frames": self.unanswered,
            "status_bits_differ": self.status_differ,
            "tolerance": self.tolerance,
            "max_relative_difference": worst,
            "first_difference": self.first,
            "verdict": verdict,
        }


def _differences(a: Command, b: Command) -> dict[str, float]:
    """Per field, the relative difference where there is one."""
    out: dict[str, float] = {}
    for name in COMPARED:
        x, y = getattr(a, name), getattr(b, name)
        pairs = zip(x, y, strict=True) if isinstance(x, tuple) else [(x, y)]
        d = max(_relative(u, v) for u, v in pairs)
        if d:
            out[name] = d
    return out


def _relative(u: float, v: float) -> float:
    if u == v or (math.isnan(u) and math.isnan(v)):
        return 0.0
    return abs(u - v) / max(abs(u), abs(v), 1.0)


class Shadowed:
    """A board session (a RemoteController) with a reference law stepped beside
    it on the same frames; the world flies the board's commands, never the
    law's. A step whose deadline was missed (real time: the last command held)
    is not compared but counted as unanswered. The law is new after every
    board reset, as the board's own law is."""

    def __init__(
        self, board: Any, make_reference: Callable[[], FlightComputer], tolerance: float = 1e-3
    ) -> None:
        self.board = board
        self.make_reference = make_reference
        self.compared = BackToBack(tolerance)
        self._law: FlightComputer | None = None
        self._config: object = None
        self._resets = 0

    def reset(self, config: object) -> None:
        self.board.reset(config)
        self._config = config
        self._law = self.make_reference()
        self._law.reset(config)

    def step(self, frame: SensorFrame) -> Command:
        # the law sees what the board was sent (the session attaches a lost map again)
        stats = self.board.stats
        misses = stats.deadline_misses
        command: Command = self.board.step(frame)
        if stats.resets != self._resets or self._law is None:
            self._resets = stats.resets
            self._law = self.make_reference()
            self._law.reset(self._config)
        ours = self._law.step(frame)
        if stats.deadline_misses == misses:
            self.compared.add((0, frame.step), frame.time_s, ours, command)
        else:  # real time: the deadline missed, the last command held
            self.compared.unanswered += 1
        return command
