"""The progress line of a board session, on standard error.

On a terminal, one line rewritten in place a few times a second; in a log
(not a terminal), a line every ten seconds, so that CI logs stay short.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from hilander.hil.session import RemoteController

TTY_PERIOD_S = 0.25
LOG_PERIOD_S = 10.0


class Progress:
    def __init__(self, stream: TextIO, mode: str) -> None:
        self.stream = stream
        self.mode = mode
        self.tty = stream.isatty()
        self._period = TTY_PERIOD_S if self.tty else LOG_PERIOD_S
        self._next = time.monotonic() + self._period
        self._shown = False

    def __call__(self, rc: RemoteController) -> None:
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self._period
        s = rc.stats
        p50 = s.latency_us()["p50"]
        line = (
            f"hilander hil: {self.mode} t = {rc.time_s:6.1f} s  step {rc.step_index}  "
            f"rtt p50 {'-' if p50 is None else f'{p50:.0f} us'}  misses {s.deadline_misses}  "
            f"timeouts {s.timeouts}  resets {s.resets}  crc {rc.link.decoder.counters.crc_errors}"
        )
        self.stream.write(f"\r{line}\033[K" if self.tty else line + "\n")
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        if self.tty and self._shown:
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
        filled = int(self.WIDTH * fraction)
        elapsed = now - self._start
        left = elapsed / fraction - elapsed if fraction > 0 else 0.0
        line = (
            f"hilander {self.label}: [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
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
