"""Every exit status of ``hilander``, and which errors are bad input.

0    the landing passed (the campaign met --min-success, the baseline held)
1    it broke a limit (the summary says which), or a comparison differed; or
     its numbers failed (verdict numerical_fault: the state went NaN or inf)
2    bad input: arguments, a scenario file, an output folder, a port, a
     recording, a fault option, a controller, a baseline suite; one line
     on standard error says what and where
3    the link to a board failed: no session, a stall, the port lost
     (check-board: no answer to HELLO)
130  interrupted (Ctrl-C); what was recorded so far is kept
141  the output pipe was closed (as in `hilander sim | head -1`)
"""

from __future__ import annotations

import enum

from hilander.hil.analysis.optimal import OptimalError
from hilander.hil.board.firmware import FirmwareError
from hilander.hil.board.start import BoardStartError
from hilander.hil.campaign.baseline import BaselineError
from hilander.hil.campaign.executors import SchedulerError
from hilander.hil.link.faults import FaultSpecError
from hilander.hil.link.record import RecordingError
from hilander.hil.link.transport import PortError
from hilander.hil.report.files import OutputError
from hilander.sim.controllers import ControllerError
from hilander.sim.run import NUMERICAL_FAULT
from hilander.sim.schema import ScenarioError


class Exit(enum.IntEnum):
    PASS = 0
    FAIL = 1
    USAGE = 2
    LINK = 3
    INTERRUPTED = 130
    PIPE = 141


class UsageError(ValueError):
    """Arguments that parse but do not fit together; str() is one line."""


# Errors whose str() is a one-line message about the user's input: exit 2.
BAD_INPUT: tuple[type[Exception], ...] = (
    UsageError,
    ScenarioError,
    OutputError,
    PortError,
    RecordingError,
    FaultSpecError,
    ControllerError,
    BaselineError,
    SchedulerError,
    OptimalError,
    FirmwareError,
    BoardStartError,
)


def of_verdict(verdict: str, otherwise: Exit = Exit.FAIL) -> Exit:
    """The exit status of a landing's verdict: pass, fail (or numerical_fault, a
    failed landing too), interrupted, or ``otherwise`` (a board's stall or lost
    link: Exit.LINK)."""
    known = {
        "pass": Exit.PASS,
        "fail": Exit.FAIL,
        NUMERICAL_FAULT: Exit.FAIL,
        "interrupted": Exit.INTERRUPTED,
    }
    return known.get(verdict, otherwise)
