"""The world's side of a board session: a flight computer at the end of a link.

``RemoteController`` is a flight computer like any other, so the general loop
flies it unchanged. In lockstep it waits for the command of step k, but never
forever: the adaptive wait (``RetransmitTimer``: the RTO from the round trips
measured, floored at ``timeout_s``), a resend with the wait doubled, and so
on; an answer to any try is taken. Only when no command came within
``stall_after_s`` of the step's first frame, after ``retries`` resends at
least, does the step end as a stall (FlightAborted). A write that times out
is a try that did not go out, never a lost link. In real time the ticks are
paced by the monotonic clock; a command that misses its deadline (or a frame
that could not be written in time) is counted and the last one is held;
against a board in virtual time (Capability.VIRTUAL_TIME: QEMU under
-icount) the deadline is judged in the board's own time instead.
A board that reboots (FAULT NO_SESSION for our session) is taken through the
handshake again and the landing goes on. ``reset`` (a new landing) opens a
new session whenever the law on the board may have stepped since it was
configured: HELLO and PARAMS start the board's law afresh.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from typing import NoReturn, Protocol

from hilander.controller.config import LawConfig
from hilander.controller.interface import Command, HazardMap, SensorFrame
from hilander.hil.link.link import Link
from hilander.hil.link.transport import LinkLost, SimClock, WriteTimeout
from hilander.hil.session.handshake import HandshakeError, Handshaker, SessionLostError
from hilander.hil.session.linkstats import STALE, LinkStats, heard_as
from hilander.hil.session.options import SessionOptions
from hilander.hil.session.summary import LinkSummary
from hilander.hil.wire.protocol import (
    FLAG_RESEND,
    Capability,
    FaultInject,
    Goodbye,
    InjectKind,
    Mode,
)
from hilander.sim.run import FlightAborted

MAX_RESETS = 5
LATE_STEPS_KEPT = 1000  # a command more steps late than this is counted stale, not late
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionSnapshot:
    """A board session as a progress line shows it."""

    time_s: float
    altitude_m: float  # the navigation altitude of the last frame
    phase: int | None  # the phase of the last command (None before the first)
    latency_p50_us: float | None
    deadline_misses: int
    timeouts: int
    resets: int
    crc_errors: int


class ProgressHook(Protocol):
    """Shown a snapshot after a step, when it says it is due (a few times a
    second at most: the snapshot costs a percentile)."""

    def due(self) -> bool: ...

    def show(self, snapshot: SessionSnapshot) -> None: ...


class RemoteController:
    """A flight computer on the other end of a link."""

    def __init__(
        self,
        link: Link,
        options: SessionOptions,
        session_seed: int = 1,
        sim_clock: SimClock | None = None,
    ) -> None:
        self.link = link
        self.options = options
        self.stats = LinkStats()
        self.hand = Handshaker(link, options, self.stats, session_seed)
        self.timer = self.hand.timer  # the adaptive wait, shared with the handshake
        self._config: LawConfig | None = None
        self._hazard_map: HazardMap | None = None
        self._held: Command | None = None
        self._t0: float | None = None
        self.reset_requested = 0  # reboots asked for so far (reset_at_s)
        self._map_due = False
        self.progress: ProgressHook | None = None
        self._sim_clock = sim_clock  # told the sim time of each frame (link faults)
        self.time_s = 0.0
        self.altitude_m = 0.0  # the navigation altitude of the last frame (progress)
        self.phase: int | None = None  # the phase of the last command (progress)
        self._awaiting: dict[int, tuple[float, float]] = {}  # step -> (sim time, sent at)
        self._stepped = False  # a frame went to the board since its law was configured

    # -- the FlightComputer protocol ---------------------------------------

    def reset(self, config: object) -> None:
        """A new landing: a new session (HELLO, PARAMS: the board's law afresh),
        unless the one open was configured with ``config`` and flew nothing
        since (open_board's fly resets before the loop's own reset)."""
        if not isinstance(config, LawConfig):
            raise TypeError("RemoteController.reset needs a LawConfig")
        if config == self._config and self.hand.open and not self._stepped:
            return
        self._config = config
        self._stepped = False
        self._hazard_map, self._map_due, self._held, self._t0 = None, False, None, None
        self._awaiting.clear()
        self.phase = None
        try:
            self.hand.connect(config)
        except LinkLost as e:  # the port went away before the landing
            why = str(e).removeprefix(f"{self.link.transport.name}: ")
            raise HandshakeError(f"lost before the landing: {why}") from None

    def step(self, frame: SensorFrame) -> Command:
        self.time_s = frame.time_s
        self.altitude_m = frame.nav_position_S_m[2]
        self._stepped = True
        if self._sim_clock is not None:
            self._sim_clock.set_time(frame.time_s)
        try:
            self._maybe_inject_reset(frame)
            self._prepare_surviving(frame)
            if self.options.mode == Mode.REALTIME:
                return self._step_realtime(frame)
            return self._step_lockstep(frame)
        except (LinkLost, HandshakeError) as e:
            raise FlightAborted("link_lost", f"at t = {frame.time_s:.2f} s: {e}") from None
        except KeyboardInterrupt:
            raise FlightAborted("interrupted", f"interrupted at t = {frame.time_s:.2f} s") from None
        finally:
            if self.progress is not None and self.progress.due():
                self.progress.show(self.snapshot())

    def snapshot(self) -> SessionSnapshot:
        """Where the session is, for a progress line."""
        s = self.stats
        return SessionSnapshot(
            time_s=self.time_s,
            altitude_m=self.altitude_m,
            phase=self.phase,
            latency_p50_us=s.latency_us().p50,
            deadline_misses=s.deadline_misses,
            timeouts=s.timeouts,
            resets=s.resets,
            crc_errors=self.link.decoder.counters.crc_errors,
        )

    def link_summary(self) -> LinkSummary:
        """The ``link`` object of the summary."""
        return self.stats.summary(self.link, self.options, self.hand.board_name, self.timer)

    def close(self) -> None:
        """End the session (best effort: the port may be gone)."""
        if self.hand.open:
            self.hand.open = False
            with contextlib.suppress(LinkLost):
                self.link.send(Goodbye(0))

    # -- lockstep ----------------------------------------------------------

    def _step_lockstep(self, frame: SensorFrame) -> Command:
        first_sent = time.monotonic()
        tries = 0
        self.stats.listen()
        while True:
            sent = time.monotonic()
            self._send(frame, FLAG_RESEND if tries else 0)
            tries += 1
            command = self._await(frame, first_sent, sent + self._lockstep_wait(tries, first_sent))
            if command is not None:
                if tries == 1:  # Karn's rule: a resent step's round trip is ambiguous
                    self.timer.sample(time.monotonic() - sent)
                return command
            if self.hand.rebooted:
                self._prepare_surviving(frame)
                first_sent, tries = time.monotonic(), 0
                self.stats.listen()
                continue
            self.stats.timed_out(frame.time_s)
            log.debug("step %d: no command in time, resend %d", frame.step, tries)
            self.timer.back_off()
            if tries > self.options.retries and self._silent_for(first_sent):
                self._stall(frame, first_sent, tries)

    def _lockstep_wait(self, tries: int, first_sent: float) -> float:
        """The RTO; once the resends asked for are spent, no later than the stall."""
        wait = self.timer.rto_s
        if tries > self.options.retries:
            wait = min(wait, first_sent + self.options.stall_after_s - time.monotonic())
        return max(wait, 0.0)

    def _silent_for(self, first_sent: float) -> bool:
        return time.monotonic() - first_sent >= self.options.stall_after_s

    def _stall(self, frame: SensorFrame, first_sent: float, tries: int) -> NoReturn:
        """The step ends: say what the board sent meanwhile (alive: frames of
        our session; silent in it: nothing, or only another session's)."""
        self.stats.stalls += 1
        raise FlightAborted(
            "stall",
            f"no command for step {frame.step} (t = {frame.time_s:.2f} s) within "
            f"{time.monotonic() - first_sent:.1f} s (stall after "
            f"{self.options.stall_after_s:g} s, {tries} tries); "
            f"the board is {self.stats.hearing()}",
        )

    def _send(self, frame: SensorFrame, flags: int = 0) -> bool:
        """Send a frame; False if the write timed out (counted, not a lost link)."""
        try:
            self.link.send(frame, flags)
        except WriteTimeout:
            self.stats.write_timeouts += 1
            return False
        return True

    # -- real time ---------------------------------------------------------

    def _step_realtime(self, frame: SensorFrame) -> Command:
        if self.hand.capabilities & Capability.VIRTUAL_TIME:
            return self._step_virtual_time(frame)
        o = self.options
        period = 1.0 / (self._config.control_rate_Hz if self._config else 1.0) / o.speedup
        now = time.monotonic()
        if self._t0 is None:
            self._t0 = now - frame.step * period
        tick = self._t0 + frame.step * period
        if tick > now:
            time.sleep(tick - now)
        elif now - tick > period:
            self.stats.host_overruns += 1  # the host itself is a period behind
        sent = time.monotonic()
        command = None
        if self._send(frame):
            command = self._await(frame, sent, tick + period)  # the deadline: the next tick
        if self.hand.rebooted:
            self._recover()
        if command is None:
            self.stats.missed(frame.time_s)
            return self._held or _idle_command(frame.step)
        self._held = command
        return command

    def _step_virtual_time(self, frame: SensorFrame) -> Command:
        """Real time against a board whose clock counts its instructions (an
        emulator under -icount): the host's pace says nothing about the
        board's, so the exchange is lockstep's and the deadline is judged in
        the board's own time. A step that took longer than the control period
        (COMMAND.compute_time_us) misses its deadline: counted, its command
        kept as late, and the last command held, as in wall-clock real time."""
        command = self._step_lockstep(frame)
        rate_Hz = self._config.control_rate_Hz if self._config else 1.0
        if command.compute_time_us * 1e-6 <= 1.0 / rate_Hz:
            self._held = command
            return command
        self.stats.missed(frame.time_s)
        self.stats.late(frame.time_s, command.compute_time_us * 1e-6)
        return self._held or _idle_command(frame.step)

    # -- both --------------------------------------------------------------

    def _await(self, frame: SensorFrame, sent: float, deadline: float) -> Command | None:
        self._awaiting[frame.step] = (frame.time_s, sent)
        self._awaiting.pop(frame.step - LATE_STEPS_KEPT, None)
        while (p := self.link.receive(deadline - time.monotonic())) is not None:
            msg = p.msg
            if isinstance(msg, Command) and p.session_id == self.link.session_id:
                if self.link.duplicate:  # counted by the link, and only there
                    self.stats.heard(heard_as(msg, duplicate=True))
                elif msg.step != frame.step:
                    self._stale(msg)
                else:
                    return self._answer(frame, sent, msg)
            else:
                self.hand.late(p)
                if self.hand.rebooted:
                    return None
        return None

    def _answer(self, frame: SensorFrame, sent: float, msg: Command) -> Command:
        """The command of the step awaited: measured, and taken."""
        del self._awaiting[frame.step]
        self.stats.answered(
            frame.time_s,
            time.monotonic() - sent,
            msg.compute_time_us,
            msg.compute_instructions,
            msg.step,
            msg.phase,
        )
        self.phase = msg.phase
        return msg

    def _stale(self, msg: Command) -> None:
        """A command of our session for another step, not a duplicate: the
        first answer to a step given up on is late (its round trip is kept);
        any other answers an old step."""
        self.stats.stale_commands += 1
        self.stats.heard(STALE)
        given_up = self._awaiting.pop(msg.step, None)
        if given_up is not None:
            time_s, sent = given_up
            self.stats.late(time_s, time.monotonic() - sent)

    def _prepare(self, frame: SensorFrame) -> None:
        """Send a new hazard map before its frame, or the last one again if the
        board lost it: a reboot (a new session: its first transfer), or, in
        real time, a transfer not taken whole (at most MAP_TRANSFERS)."""
        if frame.hazard_map_ready and frame.hazard_map is not None:
            self._hazard_map, again = frame.hazard_map, False
        elif self._hazard_map is not None and (self._map_due or self.hand.map_incomplete):
            frame.hazard_map_ready, frame.hazard_map = True, self._hazard_map
            again = not self._map_due
        else:
            return
        self._map_due = False
        if not self.hand.capabilities & Capability.HAZARD_MAP:
            self._no_maps(frame)
            return
        self.hand.send_map(self._hazard_map, again)

    def _no_maps(self, frame: SensorFrame) -> None:
        """A board that does not offer HAZARD_MAP flies without maps: none is
        sent, and each is counted as given up (docs/protocol.md, "The world")."""
        frame.hazard_map_ready, frame.hazard_map = False, None
        self.stats.maps_given_up += 1
        if self.stats.maps_given_up == 1:
            self.stats.board_text("the board does not offer HAZARD_MAP: it flies without maps")

    def _prepare_surviving(self, frame: SensorFrame) -> None:
        """``_prepare``, through a board that loses its session before or
        during it (a new session each time, within the resets allowed)."""
        while True:
            if self.hand.rebooted:
                self._recover()
            try:
                self._prepare(frame)
                return
            except SessionLostError:
                continue

    def _recover(self) -> None:
        """The board rebooted: a new session, the parameters, the map again."""
        self.stats.resets += 1
        if self.stats.resets > MAX_RESETS + self.reset_requested:  # the asked-for ones aside
            raise FlightAborted("link_lost", f"the board reset {self.stats.resets} times")
        assert self._config is not None
        log.info("the board lost its session (reset %d): a new one", self.stats.resets)
        self.hand.connect(self._config)
        self._map_due = True

    def _maybe_inject_reset(self, frame: SensorFrame) -> None:
        """Ask for the next reboot of the plan once its time has come (one a step)."""
        at = self.options.reset_at_s
        if self.reset_requested >= len(at) or frame.time_s < at[self.reset_requested]:
            return
        self.reset_requested += 1
        if not self.hand.capabilities & Capability.INJECT_RESET:
            self.stats.unsupported.append("reset: the board does not offer INJECT_RESET")
            return
        try:
            if not self.hand.request(FaultInject(InjectKind.RESET, 0)):
                self.stats.unsupported.append("reset: the board refused FAULT_INJECT RESET")
        except SessionLostError:
            pass  # the OK was lost and a resend found the board rebooted: done


def _idle_command(step: int) -> Command:
    """What is held before any command came: engines at zero, nothing decided."""
    zero = (0.0, 0.0, 0.0)
    return Command(step, zero, 0.0, 0, 0, zero, 0)
