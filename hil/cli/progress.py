"""Progress on standard error: a board session, a campaign, a solve.

On a terminal, one line rewritten in place a few times a second; in a log
(not a terminal), a line every ten seconds, so that CI logs stay short.
"""

from __future__ import annotations

import time
from typing import TextIO

from hilander.controller.interface import Phase
from hilander.hil.session.remote import SessionSnapshot

TTY_PERIOD_S = 0.25
LOG_PERIOD_S = 10.0


def phase_label(value: int | None) -> str:
    """The name of a phase a board sent ('-' before its first command)."""
    if value is None:
        return "-"
    return Phase(value).label if value in Phase._value2member_map_ else f"phase {value}"


def bar(fraction: float, width: int) -> str:
    filled = int(width * min(max(fraction, 0.0), 1.0))
    return f"[{'#' * filled}{'.' * (width - filled)}]"


class Progress:
    """A board session's bar: the height descended so far (the navigation
    altitude against the start's), the phase, and the link's figures."""

    WIDTH = 20

    def __init__(self, stream: TextIO, mode: str, start_altitude_m: float = 0.0) -> None:
        self.stream = stream
        self.mode = mode
        self.start_altitude_m = start_altitude_m
        self.tty = stream.isatty()
        self._period = TTY_PERIOD_S if self.tty else LOG_PERIOD_S
        self._next = time.monotonic() + self._period
        self._shown = False

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self._period
        return True

    def show(self, snap: SessionSnapshot) -> None:
        p50 = snap.latency_p50_us
        start = self.start_altitude_m
        done = 1.0 - snap.altitude_m / start if start > 0 else 0.0
        line = (
            f"hilander hil: {bar(done, self.WIDTH)} {snap.altitude_m:6.0f} m "
            f"{phase_label(snap.phase):<19} t = {snap.time_s:5.1f} s  {self.mode}  rtt p50 "
            f"{'-' if p50 is None else f'{p50:.0f} us'}  misses {snap.deadline_misses}  "
            f"timeouts {snap.timeouts}  resets {snap.resets}  crc {snap.crc_errors}"
        )
        self.stream.write(f"\r{line}\033[K" if self.tty else line + "\n")
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        if self.tty and self._shown:
            self.stream.write("\n")
            self.stream.flush()


class SolveProgress:
    """The line of a long solve (``hilander optimal``): each final time tried,
    rewritten in place on a terminal; in a log, nothing until the end."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream, self.label = stream, label
        self.tty = stream.isatty()
        self._start = time.monotonic()
        self.solves = 0

    def __call__(self, time_of_flight_s: float, propellant_kg: float | None) -> None:
        self.solves += 1
        if not self.tty:
            return
        cost = "infeasible" if propellant_kg is None else f"{propellant_kg:.2f} kg"
        self.stream.write(
            f"\rhilander {self.label}: solve {self.solves}, final time {time_of_flight_s:6.2f} s:"
            f" {cost}  ({time.monotonic() - self._start:.1f} s)\033[K"
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.solves:
            self.stream.write("\n")
            self.stream.flush()


class CampaignProgress:
    """A progress bar of a campaign's runs, on standard error; in a log (not
    a terminal), a line every ten seconds and one at the end."""

    WIDTH = 30

    def __init__(self, stream: TextIO, total: int, label: str = "campaign") -> None:
        self.stream, self.total, self.label = stream, total, label
        self.tty = stream.isatty()
        self._period = TTY_PERIOD_S if self.tty else LOG_PERIOD_S
        self._start = time.monotonic()
        self._next = self._start + self._period
        self.done = self.failed = self.errors = 0

    def __call__(self, rows: list[dict[str, object]]) -> None:
        self.done += len(rows)
        self.errors += sum(r["verdict"] == "error" for r in rows)
        self.failed += sum(r["verdict"] not in ("pass", "error") for r in rows)
        now = time.monotonic()
        if now >= self._next or self.done >= self.total:
            self._next = now + self._period
            self._show(now)

    def _show(self, now: float) -> None:
        fraction = self.done / self.total if self.total else 1.0
        elapsed = now - self._start
        left = elapsed / fraction - elapsed if fraction > 0 else 0.0
        line = (
            f"hilander {self.label}: {bar(fraction, self.WIDTH)} "
            f"{self.done}/{self.total} {100 * fraction:3.0f} %  failed {self.failed}  "
            f"errors {self.errors}  {elapsed:.0f} s, {left:.0f} s left"
        )
        end = "\n" if not self.tty or self.done >= self.total else ""
        self.stream.write((f"\r{line}\033[K" if self.tty else line) + end)
        self.stream.flush()

    def finish(self) -> None:
        """End the line of an interrupted campaign."""
        if self.tty and self.done < self.total:
            self.stream.write("\n")
            self.stream.flush()
