"""How the world runs a board session: lockstep or real time, how long it
waits, how often it resends, and a reboot to ask for.

Its own module, below the handshake, the statistics and the remote
controller, which all read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from hilander.hil.wire.protocol import Mode


@dataclass(frozen=True)
class SessionOptions:
    mode: Mode = Mode.LOCKSTEP
    timeout_s: float = 0.25  # lockstep: wait for a command before resending
    retries: int = 3  # lockstep: resends before the stall verdict
    speedup: float = 1.0  # real time: simulated seconds per wall second
    reset_at_s: float | None = None  # ask the board to reboot at this sim time
