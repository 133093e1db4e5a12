"""The built-in scenarios by kind: each lander's own, the faults of Mars
history, and the others; with where each comes from (docs/scenarios.md)."""

from __future__ import annotations

from dataclasses import dataclass

from hilander.sim.presets import PRESETS
from hilander.sim.scenario import builtin_names


@dataclass(frozen=True)
class Fault:
    """A fault scenario from history: it passes, and a naive version of the
    logic fails it (tests/sim/test_history.py); a refused one is caught when the
    file is read, before any flight."""

    name: str
    source: str
    refused: bool = False


FAULTS = (
    Fault("mpl-leg-latch", "mars-landers.md §3.1: JPL SRB report D-18709 (A)"),
    Fault("schiaparelli-imu", "mars-landers.md §3.2: ESA statement of 23 Nov 2016 (A)"),
    Fault("msl-gravity", "mars-landers.md §3.6, §1.1: Manning (B); Baker et al. 2014 (A)"),
    Fault("msl-radar-dust", "mars-landers.md §1.4: Chen & Pollard, JSR 2014 (A)"),
    Fault("engine-out", "mars-landers.md §6: engine out in powered descent (R/C)"),
    Fault("radar-dropout", "mars-landers.md §6: altimeter faults (R/C)"),
    Fault("dust-storm", "mars-landers.md §5, §2: winds to 30 m/s (B); Mars 3 (B)"),
    Fault("mco-units", "mars-landers.md §3.3: MCO Mishap Investigation Board (A)", refused=True),
    Fault("hakuto-terrain-step", "mars-landers.md §3.7: ispace Hakuto-R M1 (B-/C)"),
)


def fault_names(*, refused: bool | None = None) -> list[str]:
    """The fault scenarios, all or only those (not) refused at load."""
    return [f.name for f in FAULTS if refused is None or f.refused == refused]


def flyable_names() -> list[str]:
    """Built-in scenarios that load and fly (every one but the refused)."""
    refused = set(fault_names(refused=True))
    return [name for name in builtin_names() if name not in refused]


def lander_scenarios() -> dict[str, str]:
    """Preset name -> the built-in scenario that flies it."""
    return {name: str(p["scenario"]) for name, p in sorted(PRESETS.items())}


def other_scenarios() -> list[str]:
    """Built-in scenarios that are neither a lander's own nor a fault."""
    taken = set(lander_scenarios().values()) | set(fault_names())
    return [name for name in builtin_names() if name not in taken]
