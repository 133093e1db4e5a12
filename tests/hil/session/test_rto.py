"""The adaptive wait (RFC 6298): SRTT, RTTVAR, RTO, back-off, floor, ceiling."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hilander.hil.session.rto import RTO_CEILING_S, RetransmitTimer


def test_the_first_wait_is_the_floor_and_the_first_sample_sets_srtt() -> None:
    t = RetransmitTimer(0.25)
    assert t.rto_s == 0.25 and t.srtt_s is None
    t.sample(0.3)
    assert t.srtt_s == 0.3 and t.rttvar_s == 0.15
    assert t.rto_s == pytest.approx(0.3 + 4 * 0.15)


def test_a_steady_slow_board_is_waited_for_longer_than_its_round_trip() -> None:
    """0.3 s answers with a floor of 0.25 s: the wait settles at SRTT + floor."""
    t = RetransmitTimer(0.25)
    for _ in range(200):
        t.sample(0.3)
    assert t.srtt_s == pytest.approx(0.3)
    assert t.rto_s == pytest.approx(0.55, abs=1e-6)


def test_back_off_doubles_up_to_the_ceiling_and_a_sample_brings_it_down() -> None:
    t = RetransmitTimer(0.25)
    waits = []
    for _ in range(8):
        t.back_off()
        waits.append(t.rto_s)
    assert waits[:4] == [0.5, 1.0, 2.0, 4.0] and max(waits) == RTO_CEILING_S
    t.sample(0.001)
    assert t.rto_s == pytest.approx(0.001 + 0.25)  # SRTT + max(G = floor, 4 RTTVAR)


def test_a_floor_above_the_ceiling_raises_the_ceiling() -> None:
    t = RetransmitTimer(10.0)
    t.back_off()
    assert t.rto_s == t.ceiling_s == 10.0


@given(
    floor=st.floats(1e-3, 60.0),
    rtts=st.lists(st.floats(0.0, 100.0), max_size=50),
    backoffs=st.integers(0, 20),
)
def test_the_wait_stays_within_floor_and_ceiling(
    floor: float, rtts: list[float], backoffs: int
) -> None:
    t = RetransmitTimer(floor)
    for rtt in rtts:
        t.sample(rtt)
        assert floor <= t.rto_s <= max(RTO_CEILING_S, floor)
    for _ in range(backoffs):
        t.back_off()
        assert floor <= t.rto_s <= max(RTO_CEILING_S, floor)
