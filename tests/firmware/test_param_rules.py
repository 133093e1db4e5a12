"""The C firmware and the Python boards reject the same PARAMS and blame the
same field (docs/protocol.md, "PARAMS"): the C table is generated from the
law's declared parameters (hl_param_rules.c) and the rules between values are
written twice (LawConfig's CROSS_RULES, hl_params.c), so hypothesis throws
PARAMS at both, near every bound, and compares the verdicts."""

from __future__ import annotations

import ctypes
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hilander.controller.config import CROSS_RULES
from hilander.controller.params import ConfigError
from hilander.hil.gen import cparams
from hilander.hil.wire.params import config_from_params, params_rejection
from hilander.hil.wire.protocol import PARAM_FIELDS, PARAM_NAMES, Params, params_message
from hilander.sim.scenario import load_scenario

BASES = tuple(
    params_message(load_scenario(name).law).values
    for name in ("default", "phoenix", "pathfinder", "tianwen1")
)
OK = -1
PARAMS_DEFAULT = BASES[0]


def _python(values: tuple[float, ...]) -> int:
    """The Python boards' verdict: OK, or the index of the field blamed."""
    try:
        config_from_params(Params(values))
    except ConfigError as e:
        return params_rejection(e)
    return OK


@pytest.fixture(scope="module")
def check(host_lib: Path) -> ctypes._CFuncPtr:
    lib = ctypes.CDLL(str(host_lib / "libhlcore.so"))
    lib.hl_params_check.argtypes = [ctypes.POINTER(ctypes.c_double)]
    lib.hl_params_check.restype = ctypes.c_int32
    return lib.hl_params_check


def _c(check: ctypes._CFuncPtr, values: tuple[float, ...]) -> int:
    return int(check((ctypes.c_double * len(values))(*values)))


def _near_bounds(i: int) -> st.SearchStrategy[float]:
    """Values at and around field i's bounds, and some that are no number."""
    m = PARAM_FIELDS[i].metadata
    bounds = [float(m[k]) for k in ("gt", "ge", "lt", "le") if m.get(k) is not None]
    if m.get("choices") is not None:
        bounds = [0.0, float(len(m["choices"]))]
    near = [math.nextafter(b, d) for b in bounds for d in (-math.inf, math.inf)]
    huge = [x * s for x in (2.0**53, 2.0**53 + 2, 2.0**63, 1e30) for s in (1, -1)]
    return st.sampled_from([*bounds, *near, *huge, math.nan, math.inf, -math.inf, 0.5, -1.0])


@st.composite
def mutated(draw: st.DrawFn) -> tuple[float, ...]:
    values = list(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(values) - 1))
        values[i] = draw(_near_bounds(i) | st.floats(allow_nan=True) | st.floats(-2.0, 2.0))
    return tuple(values)


def test_every_preset_passes_both(check: ctypes._CFuncPtr) -> None:
    for values in BASES:
        assert _python(values) == OK
        assert _c(check, values) == OK


@settings(max_examples=3000, deadline=None)
@given(mutated())
def test_the_c_firmware_blames_the_field_python_does(
    check: ctypes._CFuncPtr, values: tuple[float, ...]
) -> None:
    assert _c(check, values) == _python(values), [
        (n, v) for n, v, b in zip(PARAM_NAMES, values, BASES[0], strict=True) if v != b
    ]


@pytest.mark.parametrize("rule", range(len(CROSS_RULES)), ids=[r[0] for r in CROSS_RULES])
def test_each_rule_between_fields_is_checked_in_c(check: ctypes._CFuncPtr, rule: int) -> None:
    """A PARAMS that breaks only this rule: both blame its field."""
    field, _, _ = CROSS_RULES[rule]
    values = _breaking(field)
    assert _python(values) == PARAM_NAMES.index(field)
    assert _c(check, values) == PARAM_NAMES.index(field)


# For each rule between values, a PARAMS that breaks it alone (a word as its index).
BREAKING: dict[str, dict[str, float]] = {
    "tgo_switch_s": {"tgo_switch_s": 7.0},
    "throttle_max": {"throttle_max": 0.2, "throttle_min": 0.3},
    "plan_throttle_max": {"guidance": 1.0, "plan_throttle_max": 0.1},
    "tgo_min_s": {"tgo_min_s": 200.0},
    "sky_crane_altitude_m": {"sky_crane_altitude_m": 60.0},
    "sky_crane_speed_mps": {"sky_crane_speed_mps": 17.0},
    "final_decel_mps2": {"final_decel_mps2": 99.0},
}


def _breaking(field: str) -> tuple[float, ...]:
    assert field in BREAKING, (
        f"{field}: a new rule between values; give a PARAMS that breaks it in BREAKING, "
        "and check it in hl_params.c"
    )
    values = list(PARAMS_DEFAULT)
    for name, value in BREAKING[field].items():
        values[PARAM_NAMES.index(name)] = value
    return tuple(values)


def test_the_table_in_the_tree_is_generated(host_lib: Path) -> None:
    core = Path(__file__).parents[2] / "firmware_stub" / "core"
    assert (core / "hl_param_rules.c").read_text() == cparams.source_text(), (
        "run: python -m hilander.hil.gen.cmessages firmware_stub/core"
    )
