"""hilander.controller: the landing law.

The law is compiled Cython (``_law.pyx`` and the modules it cimports) behind a
thin validated facade. No I/O, no clocks, no randomness: the same frames give
the same commands.

``CompiledLaw`` and ``ReferenceLaw`` load on first use, so importing the
interface or the configuration (as the wire codec does) never loads the
compiled extension.
"""

import importlib
from typing import TYPE_CHECKING, Any

from hilander.controller.config import LawConfig
from hilander.controller.interface import (
    Command,
    Event,
    FlightComputer,
    HazardMap,
    Phase,
    SensorFrame,
    Status,
)

if TYPE_CHECKING:
    from hilander.controller.law import CompiledLaw
    from hilander.controller.reference import ReferenceLaw

__all__ = [
    "Command",
    "CompiledLaw",
    "Event",
    "FlightComputer",
    "HazardMap",
    "LawConfig",
    "Phase",
    "ReferenceLaw",
    "SensorFrame",
    "Status",
]


_LAZY = {
    "CompiledLaw": "hilander.controller.law",
    "ReferenceLaw": "hilander.controller.reference",
}


def __getattr__(name: str) -> Any:
    """The two laws, imported when first asked for (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
