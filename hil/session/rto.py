"""How long the world waits for an answer before it sends again: an
adaptive retransmission timer, as TCP computes it (RFC 6298, after Jacobson
and Karels).

Each round trip measured on a first try updates a smoothed round trip
(SRTT) and its mean deviation (RTTVAR); the wait is RTO = SRTT + max(G, 4
RTTVAR), kept between a floor and a ceiling (``RTO_CEILING_S``). The floor
(``--timeout``) is also G, the margin RFC 6298 keeps for the clock's
granularity: a board whose round trips never vary (a fixed delay) is waited
for SRTT + floor, not a hair above its round trip.
An answer to a frame that was sent more than once is not measured (Karn's
rule: it cannot say which try it answers). A wait that runs out doubles the
RTO (back-off) until a clean measurement brings it down again, so a board
that is slower than the floor is soon waited for long enough and no longer
sent every frame twice.

A busy host makes round trips longer; it only makes the timer wait longer.
Whether a board has stalled is decided elsewhere, on a silence of seconds
(``SessionOptions.stall_after_s``), never on one RTO.
"""

from __future__ import annotations

from dataclasses import dataclass

RTO_CEILING_S = 4.0  # the longest single wait before a resend
ALPHA = 1 / 8  # RFC 6298: the weight of a new sample in SRTT
BETA = 1 / 4  # and in RTTVAR
K = 4  # RTO = SRTT + K * RTTVAR


@dataclass
class RetransmitTimer:
    """SRTT, RTTVAR and the RTO they give, in seconds."""

    floor_s: float
    ceiling_s: float = RTO_CEILING_S
    srtt_s: float | None = None
    rttvar_s: float = 0.0
    rto_s: float = 0.0
    backoffs: int = 0  # how many times the RTO was doubled, in all
    samples: int = 0

    def __post_init__(self) -> None:
        self.ceiling_s = max(self.ceiling_s, self.floor_s)
        self.rto_s = self.floor_s  # RFC 6298 (2.1): the initial RTO

    def sample(self, rtt_s: float) -> None:
        """A round trip measured on a frame sent once (Karn's rule)."""
        rtt_s = max(rtt_s, 0.0)
        if self.srtt_s is None:
            self.srtt_s, self.rttvar_s = rtt_s, rtt_s / 2
        else:
            self.rttvar_s = (1 - BETA) * self.rttvar_s + BETA * abs(self.srtt_s - rtt_s)
            self.srtt_s = (1 - ALPHA) * self.srtt_s + ALPHA * rtt_s
        self.samples += 1
        self._set(self.srtt_s + max(self.floor_s, K * self.rttvar_s))

    def back_off(self) -> None:
        """The wait ran out: wait twice as long next time (up to the ceiling)."""
        self.backoffs += 1
        self._set(2 * self.rto_s)

    def _set(self, rto_s: float) -> None:
        self.rto_s = min(max(rto_s, self.floor_s), self.ceiling_s)
