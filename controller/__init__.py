"""hilander.controller: the landing law.

The law is compiled Cython (``_law.pyx`` and the modules it cimports) behind a
thin validated facade. No I/O, no clocks, no randomness: the same frames give
the same commands.
"""

from hilander.controller.interface import (
    Command,
    Event,
    FlightComputer,
    HazardMap,
    Phase,
    SensorFrame,
    Status,
)
from hilander.controller.law import CompiledLaw, LawConfig
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
