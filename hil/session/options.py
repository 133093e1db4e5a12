"""How the world runs a board session: lockstep or real time, how long it
waits, when it gives up, and a reboot to ask for.

Its own module, below the handshake, the statistics and the remote
controller, which all read it. The waits (docs/protocol.md, "Timing"):

- ``timeout_s`` is the first wait for an answer and the floor of every
  later one; the waits adapt to the round trips measured (hil/session/rto.py)
  between it and a ceiling of 4 s, and double on each wait that runs out.
- A lockstep step ends as a ``stall`` only when no command for it came
  within ``stall_after_s`` of its first frame, after ``retries`` resends at
  least. A late answer to any try of the step is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

from hilander.hil.wire.protocol import Mode

DEFAULT_STALL_AFTER_S = 10.0
HANDSHAKE_FIRST_WAIT_S = 0.5  # the first wait for HELLO_ACK and every ACK


@dataclass(frozen=True)
class SessionOptions:
    mode: Mode = Mode.LOCKSTEP
    timeout_s: float = 0.25  # the first wait for an answer, and the floor of the adaptive wait
    retries: int = 3  # lockstep: resends at least before a stall; requests: resends in all
    speedup: float = 1.0  # real time: simulated seconds per wall second
    reset_at_s: tuple[float, ...] = ()  # ask the board to reboot at these sim times
    stall_after_s: float = DEFAULT_STALL_AFTER_S  # lockstep: no command this long -> stall
