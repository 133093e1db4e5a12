"""``open_board``: the one way to open a board for landings.

    with open_board("/dev/ttyACM0", SessionOptions(mode=Mode.REALTIME)) as board:
        landing = board.fly(scenario)
    summary = board.summary(landing)  # a BoardSummary: the landing, then the link

It opens the port (any pyserial URL, or a pseudo-terminal path), wraps it in
the fault plan if one is given, starts the recording if one is asked for
(only once the port is open, so a bad port never empties an old recording),
frames it in a ``Link`` and puts a ``RemoteController`` at its end. On the
way out, whatever happened, it says GOODBYE (best effort), closes the port
and then the recording. ``summary(landing)`` says GOODBYE first, so that the
summary counts it and can still be kept in the recording (``record``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from hilander.controller.interface import FlightComputer
from hilander.hil.link.faults import FaultPlan, FaultSetting, FaultyTransport
from hilander.hil.link.link import Link
from hilander.hil.link.record import Recorder
from hilander.hil.link.transport import DEFAULT_BAUD, Transport, open_port
from hilander.hil.session.options import SessionOptions
from hilander.hil.session.remote import RemoteController
from hilander.hil.session.summary import BoardSummary, FaultsSummary, LinkSummary
from hilander.sim.result import summarize
from hilander.sim.run import Landing, fly
from hilander.sim.scenario import Scenario


@dataclass(frozen=True)
class RecordTo:
    """Where to record every byte of the session, and the header to start with."""

    path: Path
    header: dict[str, Any]


@dataclass
class BoardSession:
    """A board opened for landings: its transport, link and remote controller."""

    url: str
    transport: Transport
    controller: RemoteController
    faults: FaultyTransport | None = None
    fault_plan: FaultPlan | None = None
    recorder: Recorder | None = None

    @property
    def board_name(self) -> str:
        """The name the board gave in HELLO_ACK ('' before the handshake)."""
        return self.controller.hand.board_name

    def fly(
        self,
        scenario: Scenario,
        flight_computer: FlightComputer | None = None,
        on_tick: Callable[[npt.NDArray[np.float64]], None] | None = None,
    ) -> Landing:
        """Configure the board for the scenario (HELLO, PARAMS) and fly it.

        ``flight_computer`` flies in the board's place if given: a wrapper
        around ``controller`` (a law stepped beside the board, say).
        ``on_tick`` gets each telemetry row as it is recorded (to stream it
        to disk, so that a kill keeps the flight so far)."""
        self.controller.reset(scenario.law)
        name = f"board '{self.board_name}'"
        return fly(scenario, flight_computer or self.controller, name=name, on_tick=on_tick)

    def end(self) -> None:
        """End the session (GOODBYE, best effort); the port stays open."""
        self.controller.close()

    def record(self, summary: BoardSummary) -> None:
        """Keep the summary at the end of the recording, if there is one."""
        if self.recorder is not None:
            self.recorder.summary(summary.to_dict())

    def link_summary(self) -> LinkSummary:
        """What the session measured, as the ``link`` object of the summary."""
        return self.controller.link_summary()

    def summary(self, landing: Landing) -> BoardSummary:
        """End the session (GOODBYE, counted in the figures) and summarise it:
        the landing's summary with the session's figures after it."""
        self.end()
        plan = self.fault_plan.describe() if self.fault_plan is not None else []
        return BoardSummary(
            landing=summarize(landing),
            mode=self.controller.options.mode.name.lower(),
            link=self.link_summary(),
            faults=FaultsSummary(plan, self.injected()) if plan else None,
        )

    def injected(self) -> dict[str, int]:
        """The faults committed on the transport, and a reboot asked for."""
        counts = {} if self.faults is None else self.faults.injected()
        if self.controller.options.reset_at_s:
            counts["reset_requested"] = self.controller.reset_requested
        return counts


@contextlib.contextmanager
def open_board(
    url: str,
    options: SessionOptions | None = None,
    *,
    baud: int = DEFAULT_BAUD,
    seed: int = 1,
    faults: FaultSetting | None = None,
    record: RecordTo | None = None,
) -> Iterator[BoardSession]:
    """Open the board at ``url`` and close it on the way out.

    Raises ``PortError`` (one line) if the port cannot be opened. ``seed``
    numbers the sessions (HELLO's session id). A fault plan's byte faults
    wrap the transport; its ``reset`` asks the board to reboot then."""
    transport: Transport = open_port(url, baud)
    faulty = None
    if faults is not None and faults.plan.on_transport:
        faulty = FaultyTransport(transport, faults.plan, faults.seed)
        transport = faulty
    options = options or SessionOptions()
    if faults is not None and faults.plan.reset:
        options = dataclasses.replace(options, reset_at_s=faults.plan.reset)
    recorder = None
    try:
        recorder = None if record is None else Recorder(record.path, record.header)
        link = Link(transport, recorder)
        controller = RemoteController(link, options, session_seed=seed, sim_clock=faulty)
        plan = faults.plan if faults is not None else None
        try:
            yield BoardSession(url, transport, controller, faulty, plan, recorder)
        finally:
            controller.close()
    finally:
        transport.close()
        if recorder is not None:
            recorder.close()
