"""The phase table: one row per Phase in each copy of the law, the same rows.

The law picks how to fly a phase, and whether a hazard map moves the site in
it, from a table indexed by the phase's value (the values are names, not
flight order). Each copy holds its own table: the reference's PHASES, the
Cython law's (read through _core.phase_table) and the C port's (read through
firmware_stub/test/hl_test_api.c, float and double builds). A handler is
named by the first phase flown by the same function, so that the tables can
be compared across languages. The reference flies a row through the law
itself, so that a subclass's override of a handler flies; a phase off the
table (a corrupted value) holds in every copy.
"""

from __future__ import annotations

import ctypes
import dataclasses
from typing import Any

import pytest

from hilander.controller import Command, Event, Phase, SensorFrame, Status, _core
from hilander.controller.reference import PHASE_MAPS, PHASES, ReferenceLaw
from tests.common.firmware import HOST_BUILD, make
from tests.common.law import GATE, Flight, flat_map

Table = list[tuple[int, int]]

# How the guided law flies each phase: the specification the tables carry.
FLIES = {
    Phase.POWERED_APPROACH: ReferenceLaw.approach,
    Phase.DIVERT: ReferenceLaw.approach,
    Phase.CONSTANT_VELOCITY: ReferenceLaw.descend,
    Phase.SKY_CRANE: ReferenceLaw.descend,
    Phase.TOUCHDOWN_DETECTION: ReferenceLaw.descend,
    Phase.TETHER_CUT: ReferenceLaw.descend,
    Phase.FLYAWAY: ReferenceLaw.flyaway,
    Phase.LANDED: ReferenceLaw.hold,
    Phase.HOVER: ReferenceLaw.hover,
    Phase.PARACHUTE: ReferenceLaw.hold,
    Phase.RAD_BURN: ReferenceLaw.hold,
}
MAPPING = {Phase.POWERED_APPROACH, Phase.DIVERT, Phase.HOVER}


def reference_table() -> Table:
    flies = [row.fly for row in PHASES]
    return [(flies.index(row.fly), row.flags) for row in PHASES]


@pytest.fixture(scope="module", params=["libhlcore.so", "libhlcore_double.so"])
def c_lib(request: pytest.FixtureRequest) -> ctypes.CDLL:
    make("lib")
    lib = ctypes.CDLL(str(HOST_BUILD / request.param))
    lib.hl_test_phase_row.argtypes = [
        ctypes.c_int32,
        ctypes.POINTER(ctypes.c_uint32),
        ctypes.POINTER(ctypes.c_int32),
    ]
    return lib


def c_row(lib: ctypes.CDLL, phase: int) -> tuple[int, int] | None:
    flags, handler = ctypes.c_uint32(), ctypes.c_int32()
    if lib.hl_test_phase_row(phase, ctypes.byref(flags), ctypes.byref(handler)) != 0:
        return None
    return handler.value, flags.value


def test_the_reference_table_has_one_row_per_phase_in_value_order() -> None:
    assert [row.phase for row in PHASES] == sorted(Phase)
    assert [int(row.phase) for row in PHASES] == list(range(len(Phase)))


def test_the_reference_table_flies_and_maps_as_specified() -> None:
    assert {row.phase: row.fly for row in PHASES} == FLIES
    assert {row.phase for row in PHASES if row.flags & PHASE_MAPS} == MAPPING


def test_the_cython_table_has_one_row_per_phase_each_with_a_handler() -> None:
    assert _core.CONSTANTS["PHASE_COUNT"] == len(Phase)
    table = _core.phase_table()
    assert len(table) == len(Phase)
    assert all(handler >= 0 for handler, _ in table)
    assert {name: _core.CONSTANTS[f"PHASE_{name}"] for name in Phase.__members__} == {
        name: int(phase) for name, phase in Phase.__members__.items()
    }


def test_the_c_table_has_one_row_per_phase_each_with_a_handler(c_lib: ctypes.CDLL) -> None:
    assert c_lib.hl_test_phase_count() == len(Phase)
    assert all(c_row(c_lib, phase) is not None for phase in Phase)
    assert c_row(c_lib, len(Phase)) is None
    assert c_row(c_lib, -1) is None


def test_the_three_tables_agree(c_lib: ctypes.CDLL) -> None:
    reference = reference_table()
    assert _core.CONSTANTS["PHASE_MAPS"] == PHASE_MAPS
    assert _core.phase_table() == reference
    assert [c_row(c_lib, phase) for phase in Phase] == reference


class CountingLaw(ReferenceLaw):
    """A user's law (--controller module:Class) that overrides a phase's handler."""

    def __init__(self) -> None:
        super().__init__()
        self.descents = 0

    def descend(self, f: SensorFrame, status: Status) -> tuple[list[float], Status]:
        self.descents += 1
        return super().descend(f, status)


def test_a_subclass_override_of_a_phase_handler_flies() -> None:
    flight = Flight(CountingLaw)
    flight.fly(6.0, *GATE)  # the gate, then the constant-velocity descent
    law = flight.law
    assert isinstance(law, CountingLaw)
    # a step flies the phase the step before ended in
    descending = [c for c in flight.commands[:-1] if FLIES[Phase(c.phase)] == ReferenceLaw.descend]
    assert flight.phase() == Phase.CONSTANT_VELOCITY
    assert law.descents == len(descending) >= 250


def set_phase(law: Any, phase: int) -> None:
    """Corrupt the law's phase (any value; the compiled law through LawCore)."""
    if isinstance(law, ReferenceLaw):
        law.s.phase = phase  # type: ignore[assignment]
    else:
        law._core.set_phase(phase)


def fly_from(law_cls: type, phase: int) -> list[Command]:
    """Commands of a second at the gate from `phase`, a hazard map in every frame."""
    flight = Flight(law_cls)
    flight.fly(0.1, *GATE)
    set_phase(flight.law, phase)
    start = len(flight.commands)
    flight.fly(1.0, *GATE, hazard_map_ready=True, hazard_map=flat_map(hazards=[(8, 8)]))
    return flight.commands[start:]


@pytest.mark.parametrize("phase", [-1, len(Phase), 99])
def test_a_phase_off_the_table_holds(law_cls: type, phase: int) -> None:
    """Gravity's acceleration and no map, as a phase whose row holds (as 0.6 did)."""
    off, held = fly_from(law_cls, phase), fly_from(law_cls, Phase.LANDED)
    assert [c.phase for c in off] == [phase] * len(off)
    assert [dataclasses.replace(c, phase=Phase.LANDED) for c in off] == held
    assert all(c.thrust_S_N[:2] == (0.0, 0.0) for c in off)
    assert not any(c.events & Event.SITE_SELECTED for c in off)
