"""A conformance case: its name, the rule it checks, and what it found.

A case is a function of a ``Context`` that returns what the board did (one
line) when the board follows the rule, and raises ``CaseFailed`` with what
it did instead when it does not. ``anchor`` is the section of
docs/protocol.md that states the rule; ``requirement`` says it in one line.
A case that needs an optional capability (``needs``) is skipped, naming it,
when the board's HELLO_ACK does not offer it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hilander.hil.wire.protocol import Capability

if TYPE_CHECKING:
    from hilander.hil.conformance.context import Context

PROTOCOL_DOC = "docs/protocol.md"
CONTROLLER = "#the-controller-message-by-message"  # what a board does with every frame
PASS, FAIL, SKIP = "pass", "fail", "skip"


class CaseFailed(Exception):  # noqa: N818 - a verdict, not an error
    """The board broke the rule: ``observed`` says what it did."""

    def __init__(self, observed: str) -> None:
        super().__init__(observed)
        self.observed = observed


def check(condition: bool, observed: str) -> None:
    """CaseFailed(observed) unless ``condition``."""
    if not condition:
        raise CaseFailed(observed)


@dataclass(frozen=True)
class Case:
    name: str
    anchor: str  # a section of docs/protocol.md, "#handshake"
    requirement: str  # what the spec requires, in one line
    run: Callable[[Context], str]
    needs: Capability | None = None  # the optional capability it depends on

    @property
    def required(self) -> bool:
        return self.needs is None

    @property
    def rule(self) -> str:
        return f"{PROTOCOL_DOC}{self.anchor}"


@dataclass(frozen=True)
class CaseResult:
    case: Case
    outcome: str  # PASS, FAIL or SKIP
    observed: str
    duration_s: float

    def to_dict(self) -> dict[str, Any]:
        c = self.case
        return {
            "name": c.name,
            "rule": c.rule,
            "requirement": c.requirement,
            "required": c.required,
            "needs": c.needs.name if c.needs is not None else None,
            "observed": self.observed,
            "outcome": self.outcome,
            "duration_s": round(self.duration_s, 3),
        }
