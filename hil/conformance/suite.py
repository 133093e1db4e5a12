"""The suite: every case in order, run against one board, and the verdict.

``run_suite`` says HELLO until the board answers (``BoardSilent`` if it
never does), learns its capabilities, then runs each case from a fresh
session: a case that needs a capability the board does not offer is
skipped, naming it. The verdict is ``pass`` when no case failed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from hilander.hil.conformance import (
    cases_hello,
    cases_line,
    cases_map,
    cases_params,
    cases_session,
    cases_steps,
)
from hilander.hil.conformance.case import FAIL, PASS, SKIP, Case, CaseFailed, CaseResult
from hilander.hil.conformance.context import Context
from hilander.hil.conformance.probe import Probe, Timing
from hilander.hil.conformance.stock import stock
from hilander.hil.link.transport import LinkLost, Transport, WriteTimeout
from hilander.hil.wire.codec import Packet, VersionMismatch
from hilander.hil.wire.protocol import FLAG_RESEND, Goodbye, HelloAck

CASES: tuple[Case, ...] = (
    *cases_hello.CASES,
    *cases_params.CASES,
    *cases_session.CASES,
    *cases_steps.CASES,
    *cases_line.CASES,
    *cases_map.CASES,
    *cases_line.LAST,
)
CONNECT_TRIES = 3


class BoardSilent(ConnectionError):  # noqa: N818 - the board is silent; not a bug
    """The board never answered HELLO; str() is one line."""


class CaseNameError(ValueError):
    """A case name the suite does not have; str() is one line."""


def select(names: Iterable[str] | None) -> tuple[Case, ...]:
    """The cases named, in the suite's order (all of them for None)."""
    if not names:
        return CASES
    wanted = set(names)
    unknown = sorted(wanted - {c.name for c in CASES})
    if unknown:
        raise CaseNameError(f"no such case: {', '.join(unknown)} (see --list)")
    return tuple(c for c in CASES if c.name in wanted)


@dataclass(frozen=True)
class SuiteResult:
    port: str
    board_name: str
    capabilities: int
    results: tuple[CaseResult, ...]
    duration_s: float

    @property
    def counts(self) -> dict[str, int]:
        return {o: sum(r.outcome == o for r in self.results) for o in (PASS, FAIL, SKIP)}

    @property
    def verdict(self) -> str:
        return FAIL if self.counts[FAIL] else PASS

    def to_dict(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "board": self.board_name,
            "capabilities": self.capabilities,
            "cases": [r.to_dict() for r in self.results],
            "counts": self.counts,
            "verdict": self.verdict,
            "duration_s": round(self.duration_s, 3),
        }


def run_suite(
    transport: Transport,
    cases: Iterable[Case] = CASES,
    timing: Timing | None = None,
    on_result: Callable[[CaseResult], None] | None = None,
) -> SuiteResult:
    """Run ``cases`` against the board on ``transport``."""
    start = time.monotonic()
    probe = Probe(transport, timing)
    ctx, name = connect(probe)
    results = []
    for case in cases:
        result = run_case(ctx, case)
        results.append(result)
        if on_result is not None:
            on_result(result)
    with contextlib.suppress(LinkLost):
        probe.send(Goodbye(0))
    caps = ctx.capabilities
    return SuiteResult(transport.name, name, caps, tuple(results), time.monotonic() - start)


def connect(probe: Probe) -> tuple[Context, str]:
    """A HELLO answered (a few tries): the context, with what the board offers, and its name."""
    ctx = Context(probe, stock(), 0, 0)
    first = time.monotonic()
    for attempt in range(CONNECT_TRIES):
        sid = ctx.new_session()
        since = probe.mark()
        ctx.hello(sid, flags=FLAG_RESEND if attempt else 0)
        found = probe.wait_for(_hello_answer(sid), since)
        if found is not None:
            msg = probe.heard[found].packet.msg
            if isinstance(msg, VersionMismatch):
                return ctx, f"(speaks protocol v{msg.version})"
            ctx.learn(msg)
            return ctx, msg.board_name
    waited = time.monotonic() - first
    raise BoardSilent(
        f"{probe.transport.name}: no answer to HELLO after {CONNECT_TRIES} tries in {waited:.1f} s"
    )


def _hello_answer(session: int) -> Callable[[Packet], bool]:
    return lambda p: p.session_id == session and isinstance(p.msg, HelloAck | VersionMismatch)


def run_case(ctx: Context, case: Case) -> CaseResult:
    if case.needs is not None and not ctx.capabilities & case.needs:
        return CaseResult(case, SKIP, f"the board does not offer {case.needs.name}", 0.0)
    start = time.monotonic()
    try:
        outcome, observed = PASS, case.run(ctx)
    except CaseFailed as e:
        outcome, observed = FAIL, e.observed
    except WriteTimeout as e:
        outcome, observed = FAIL, f"the board stopped reading: {e}"
    except LinkLost as e:
        outcome, observed = FAIL, f"the link was lost: {e}"
    return CaseResult(case, outcome, observed, time.monotonic() - start)
