"""A write that does not go out in time is lateness, never a lost link: in
lockstep the step waits and resends under the stall rule, in real time the
tick is a deadline miss and the last command is held."""

from __future__ import annotations

import numpy as np
import pytest

from hilander.controller.interface import HazardMap
from hilander.hil.link.link import Link
from hilander.hil.link.transport import PtyPair, WriteTimeout
from hilander.hil.session.remote import RemoteController, SessionOptions
from hilander.hil.wire.protocol import Mode
from hilander.sim.scenario import load_scenario
from tests.common.memlink import HostEnd, MemoryLine, make_frame

CONFIG = load_scenario("default").law


class SlowHostEnd(HostEnd):
    """The host's end of the line; the writes numbered in ``blocked`` time out
    (nothing of them goes out)."""

    def __init__(self, line: MemoryLine, blocked: set[int]) -> None:
        super().__init__(line)
        self.blocked = blocked
        self.writes = 0

    def write(self, data: bytes) -> None:
        self.writes += 1
        if self.writes in self.blocked:
            raise WriteTimeout(f"{self.name}: write timed out after 2 s")
        super().write(data)


def controller(mode: Mode, blocked: set[int]) -> tuple[RemoteController, SlowHostEnd]:
    line = MemoryLine()
    host = SlowHostEnd(line, blocked)
    # real time: a tick of 0.4 s (speedup 0.05 at 50 Hz), so that only the
    # blocked write misses its deadline however busy the host is
    options = SessionOptions(mode=mode, timeout_s=0.001, speedup=0.05)
    rc = RemoteController(Link(host), options)
    rc.reset(CONFIG)
    return rc, host


def test_a_lockstep_write_that_times_out_is_resent_not_a_lost_link() -> None:
    rc, host = controller(Mode.LOCKSTEP, set())
    host.blocked = {host.writes + 2}  # the second frame's first try
    for step in range(4):
        assert rc.step(make_frame(step)).step == step
    assert rc.stats.write_timeouts == 1 and rc.stats.timeouts == 1 and rc.stats.stalls == 0


def test_a_real_time_write_that_times_out_is_a_deadline_miss_with_the_command_held() -> None:
    rc, host = controller(Mode.REALTIME, set())
    host.blocked = {host.writes + 2}
    first = rc.step(make_frame(0))
    held = rc.step(make_frame(1))
    assert held == first  # the last command, held
    assert rc.step(make_frame(2)).step == 2
    assert rc.stats.write_timeouts == 1 and rc.stats.deadline_misses == 1


def test_a_pty_nobody_reads_times_out_as_lateness(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hilander.hil.link.transport.WRITE_TIMEOUT_S", 0.2)
    pty = PtyPair()
    try:
        end = pty.board_end()
        with pytest.raises(WriteTimeout, match="write timed out"):
            for _ in range(10_000):  # far more than a pty buffers
                end.write(bytes(4096))
    finally:
        pty.close()


def test_a_real_time_map_that_cannot_be_written_goes_again_before_the_next_frame() -> None:
    rc, host = controller(Mode.REALTIME, set())
    rc.step(make_frame(0))
    host.blocked = {host.writes + 1}  # the map's first message
    cost = np.zeros((8, 8), np.float32)
    frame = make_frame(1)
    frame.hazard_map_ready, frame.hazard_map = True, HazardMap(cost, cost, 2.0, (-8.0, -8.0))
    rc.step(frame)  # no link_lost: counted, and the map is due again
    assert rc.stats.write_timeouts == 1 and rc.hand.map_incomplete
    rc.step(make_frame(2))  # the map goes again before this frame
    assert not rc.hand.map_incomplete
    assert rc.stats.write_timeouts == 1 and rc.stats.stalls == 0
