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
