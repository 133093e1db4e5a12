"""The link as a state machine: send, drop, corrupt, garbage, board reset.

Whatever hypothesis throws at it, the world either gets the command of the
step it sent (never another step's) or, when more exchanges were lost in a
row than the retries allow (and for longer than the stall rule), an explicit
verdict; the board never steps its law twice for one step; a board reset is
noticed and recovered from.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from hilander.controller.config import LawConfig
from hilander.hil.link.link import Link
from hilander.hil.session.remote import MAX_RESETS, RemoteController, SessionOptions
from hilander.hil.wire.codec import MAX_ENCODED
from hilander.sim.presets import PRESETS
from hilander.sim.run import FlightAborted
from tests.common.memlink import EchoLaw, MemoryLine, make_frame

RETRIES = 3


def law_config() -> LawConfig:
    from hilander.sim.scenario import load_scenario  # noqa: PLC0415

    return load_scenario("default").law


CONFIG = law_config()
assert "msl" in PRESETS


class LinkMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        EchoLaw.instances.clear()
        self.line = MemoryLine()
        # the memory line answers inside the write, so no wait matters; a stall
        # silence of 0 makes the stall a matter of tries alone (retries + 1
        # lost), never of how long a busy host took to make them: hypothesis
        # must see the same run twice for the same draws
        options = SessionOptions(timeout_s=0.0005, retries=RETRIES, stall_after_s=0.0)
        self.rc = RemoteController(Link(self.line.host), options)
        self.rc.reset(CONFIG)
        self.step = 0
        self.resets = 0
        self.aborted = 0

    @rule(n=st.integers(0, 3))
    def drop_frames_to_board(self, n: int) -> None:
        self.line.faults.drop_to_board = n

    @rule(n=st.integers(0, 3))
    def drop_frames_to_host(self, n: int) -> None:
        self.line.faults.drop_to_host = n

    @rule(bits=st.lists(st.integers(0, 800), min_size=1, max_size=32))
    def corrupt_next_frame_to_board(self, bits: list[int]) -> None:
        self.line.faults.flip_to_board = bits

    @rule(garbage=st.binary(min_size=1, max_size=300))
    def garbage_on_the_line(self, garbage: bytes) -> None:
        self.line.faults.garbage_to_host = garbage

    @rule()
    def board_reboots(self) -> None:
        self.line.board._boot()
        self.resets += 1

    @precondition(lambda self: self.aborted == 0)
    @rule()
    def exchange(self) -> None:
        f = self.line.faults
        lost = f.drop_to_board + f.drop_to_host + (1 if f.flip_to_board else 0)
        frame = make_frame(self.step)
        try:
            command = self.rc.step(frame)
        except FlightAborted as e:
            too_many_resets = self.rc.stats.resets > MAX_RESETS
            assert lost > RETRIES or too_many_resets, f"gave up with {lost} exchanges lost: {e}"
            self.aborted += 1
            return
        finally:
            self.line.faults.drop_to_board = self.line.faults.drop_to_host = 0
            self.line.faults.flip_to_board = []
        assert command.step == frame.step
        assert command.thrust_S_N[1] == 1000.0 - self.step  # it answered this frame
        self.step += 1

    @invariant()
    def the_board_never_steps_twice(self) -> None:
        for law in EchoLaw.instances:
            assert len(law.steps) == len(set(law.steps))

    @invariant()
    def resets_are_noticed_at_most_once_each(self) -> None:
        assert self.rc.stats.resets <= self.resets

    @invariant()
    def buffers_stay_bounded(self) -> None:
        assert len(self.rc.link.decoder._buf) <= MAX_ENCODED
        assert len(self.line.board.link.decoder._buf) <= MAX_ENCODED


LinkMachine.TestCase.settings = settings(stateful_step_count=30, deadline=None)
test_link_state_machine = LinkMachine.TestCase
