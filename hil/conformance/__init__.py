"""hilander.hil.conformance: a protocol test kit any board can be run against.

``run_suite`` plays the world at the byte level (``probe``: every header
field chosen, every answer kept) and runs each case of ``CASES`` from a
fresh session: the handshake and its refusals (``cases_hello``), PARAMS
(``cases_params``), sessions, heartbeats and resets (``cases_session``),
steps and ACK_REQUEST (``cases_steps``), the line (``cases_line``) and the
hazard map (``cases_map``). Each case names the rule of docs/protocol.md it
checks and says what the board did. ``hilander check-board URL`` prints it.
It sits beside ``session`` and ``board``: it uses the wire and the link,
never the session layer, which hides what it must probe.
"""

from hilander.hil.conformance.case import Case, CaseResult
from hilander.hil.conformance.probe import Timing
from hilander.hil.conformance.suite import (
    CASES,
    BoardSilent,
    CaseNameError,
    SuiteResult,
    run_suite,
    select,
)

__all__ = [
    "CASES",
    "BoardSilent",
    "Case",
    "CaseNameError",
    "CaseResult",
    "SuiteResult",
    "Timing",
    "run_suite",
    "select",
]
