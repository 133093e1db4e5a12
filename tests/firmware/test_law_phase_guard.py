"""A phase off the table holds in the C port too (float and double builds):
the step reads the phase table through its checked accessor, so a corrupted
phase flies gravity's acceleration and no hazard map moves the site, as a
phase whose row holds does (as 0.6 did), instead of reading past the table."""

from __future__ import annotations

import ctypes
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from hilander.controller.interface import Command, Event, Phase, SensorFrame
from hilander.hil.wire.codec import Decoder, encode
from hilander.hil.wire.protocol import params_message
from hilander.sim.scenario import load_scenario

CONFIG = load_scenario("default").law
MAP_CELLS, MAP_CELL_M = 16, 8.0


def _load(host_lib: Path, name: str) -> ctypes.CDLL:
    lib = ctypes.CDLL(str(host_lib / name))
    f32p = np.ctypeslib.ndpointer(np.float32, flags="C_CONTIGUOUS")
    lib.hl_test_law_reset.argtypes = [ctypes.POINTER(ctypes.c_double), ctypes.c_size_t]
    lib.hl_test_law_map.argtypes = [ctypes.c_int32, *[ctypes.c_double] * 3, f32p, f32p]
    lib.hl_test_law_step.argtypes = [ctypes.c_char_p, ctypes.c_size_t] * 2
    lib.hl_test_law_set_phase.argtypes = [ctypes.c_int32]
    return lib


def _frame(step: int) -> SensorFrame:
    """At the gate over the nominal target, on the gate's speed; a hazard map ready."""
    h, v = CONFIG.gate_altitude_m, (0.0, 0.0, -CONFIG.gate_speed_mps)
    return SensorFrame(
        step, step / CONFIG.control_rate_Hz, h, True, v, True, (0.0, 0.0, h), v,
        (0.0, 0.0, 3.7), 2109.0, 8000.0, CONFIG.engine_count, 0.0, 0, step > 0,
    )  # fmt: skip


def _fly_from(lib: ctypes.CDLL, phase: int) -> list[Command]:
    """Commands of a second from `phase`, after a first step at the gate."""
    values = params_message(CONFIG).values
    assert lib.hl_test_law_reset((ctypes.c_double * len(values))(*values), len(values)) == 0
    cost = np.zeros(MAP_CELLS * MAP_CELLS, np.float32)
    cost[8 * MAP_CELLS + 8] = 1.0
    origin = -MAP_CELLS * MAP_CELL_M / 2
    assert lib.hl_test_law_map(MAP_CELLS, MAP_CELL_M, origin, origin, cost, 0 * cost) == 0
    out, decoder, commands = ctypes.create_string_buffer(128), Decoder(), []
    for step in range(1 + round(CONFIG.control_rate_Hz)):
        if step == 1:
            lib.hl_test_law_set_phase(phase)
        wire = encode(_frame(step))
        n = lib.hl_test_law_step(wire, len(wire), out, len(out))
        assert n > 0, n
        [packet] = decoder.feed(out.raw[:n])
        commands.append(packet.msg)
    return commands[1:]


@pytest.mark.parametrize("name", ["libhlcore.so", "libhlcore_double.so"])
@pytest.mark.parametrize("phase", [-1, len(Phase), 99])
def test_a_phase_off_the_table_holds(host_lib: Path, name: str, phase: int) -> None:
    lib = _load(host_lib, name)
    off, held = _fly_from(lib, phase), _fly_from(lib, Phase.LANDED)
    assert [c.phase for c in off] == [phase & 0xFF] * len(off)  # a u8 on the wire
    assert [dataclasses.replace(c, phase=Phase.LANDED) for c in off] == held
    assert all(c.thrust_S_N[:2] == (0.0, 0.0) for c in off)
    assert not any(c.events & Event.SITE_SELECTED for c in off)
