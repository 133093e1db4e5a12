"""Fuzzing `hilander sim` with hostile scenario files: mutations of the
built-in scenarios (extreme numbers, wrong types, missing and unknown keys,
deep nesting, long strings, control characters, unicode, duplicate tables,
big files), each run through the real command line and classified
(tests/common/outcomes.py). Only a clean error (exit 2, one line) or a sane
result (exit 0/1, a verdict, finite numbers) passes.

Most examples run in-process (the entry point with captured output); a
smaller sample runs in a forked child, where a segfault or a hang shows as
such, and a few through the installed console script.
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
import typing
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hilander.controller.config import LawConfig, law_field_names
from hilander.sim.presets import PRESETS
from hilander.sim.scenario import builtin_names, builtin_text
from hilander.sim.settings import (
    EnvironmentParams,
    FaultParams,
    InitialState,
    SimParams,
    TerrainParams,
    WindParams,
)
from hilander.sim.vehicle import Limits, VehicleParams
from tests.common.outcomes import PASSING, Outcome, run_console, run_forked, run_inprocess

TABLE_CLASSES: dict[str, type] = {
    "vehicle": VehicleParams,
    "law": LawConfig,
    "initial": InitialState,
    "terrain": TerrainParams,
    "wind": WindParams,
    "environment": EnvironmentParams,
    "faults": FaultParams,
    "limits": Limits,
    "sim": SimParams,
}
BUILTINS = [n for n in builtin_names() if n != "mco-units"] + ["mco-units"]
EXTREME_FLOATS = [1e308, -1e308, 1e-308, -1e-308, math.nan, math.inf, -math.inf, 0.0, -0.0]
EXTREME_INTS = [2**63 - 1, -(2**63), 2**63, 2**64, 2**31 + 1, -(2**31) - 1, -1, 0]


def _keys(table: str) -> list[str]:
    cls = TABLE_CLASSES[table]
    names = [f.name for f in dataclasses.fields(cls)]
    return [n for n in names if n in law_field_names()] if cls is LawConfig else names


def toml_string(text: str) -> str:
    """A TOML basic string of any text (control characters as \\u escapes)."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif not c.isprintable() or ord(c) < 0x20 or c == "\x7f":
            code = ord(c)
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def toml_float(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


scalars = st.one_of(
    st.sampled_from(EXTREME_FLOATS).map(toml_float),
    st.floats(allow_nan=True, allow_infinity=True).map(toml_float),
    st.sampled_from(EXTREME_INTS).map(str),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.text(max_size=30).map(toml_string),
    st.just("1979-05-27T07:32:00Z"),
    st.just("{ a = 1 }"),
)
values = st.one_of(
    scalars,
    st.lists(scalars, min_size=0, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
)
key_names = st.one_of(
    st.sampled_from(sorted({k for t in TABLE_CLASSES for k in _keys(t)})),
    st.text(min_size=1, max_size=20).map(toml_string),
)


@st.composite
def set_key(draw: st.DrawFn, text: str) -> str:
    """[table] key = value: a known key or any, in a known table."""
    table = draw(st.sampled_from(list(TABLE_CLASSES)))
    key = draw(st.one_of(st.sampled_from(_keys(table)), key_names))
    return text + f"\n[{table}]\n{key} = {draw(values)}\n"


@st.composite
def structural(draw: st.DrawFn, text: str) -> str:
    """One structural attack on the text."""
    kind = draw(st.integers(0, 7))
    if kind == 0:  # a line dropped: a missing key, table or value
        lines = text.splitlines()
        i = draw(st.integers(0, len(lines) - 1))
        text = "\n".join(lines[:i] + lines[i + 1 :])
    elif kind == 1:  # deep nesting
        depth = draw(st.sampled_from([30, 33, 1000, 50_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a = ", "}")]))
        text += "\nz = " + opener * depth + ("1" if "{" in opener else "") + closer * depth
    elif kind == 2:  # a long string
        text = text.replace('name = "', 'name = "' + "x" * draw(st.sampled_from([100, 10**6])), 1)
    elif kind == 3:  # a duplicate table or key
        text += "\n[initial]\nposition_m = [0.0, 0.0, 100.0]\n"
    elif kind == 4:  # garbage
        text += "\n" + draw(st.text(max_size=40))
    elif kind == 5:  # a big file
        text += "\n#" + "c" * draw(st.sampled_from([10_000, 1_000_001]))
    elif kind == 6:  # a unicode or control-character name
        name = toml_string(draw(st.text(max_size=20)))[:-1]
        text = text.replace('name = "', "name = " + name, 1)
    else:
        text = text.replace("[", "[[", 1)  # a table as an array of tables
    return text


@st.composite
def hostile_scenarios(draw: st.DrawFn) -> str:
    text = builtin_text(draw(st.sampled_from(BUILTINS)))
    for _ in range(draw(st.integers(1, 3))):
        text = draw(st.one_of(set_key(text), set_key(text), structural(text)))
    return text


def _fly(text: str, runner: typing.Callable[[list[str]], Outcome]) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="hilander-fuzz-") as tmp:
        path = Path(tmp) / "hostile.toml"
        path.write_text(text, "utf-8", errors="surrogatepass")
        return runner(["sim", str(path), "--json"])


def _check(outcome: Outcome, text: str) -> None:
    assert outcome.kind in PASSING, f"{outcome.describe()}\n--- file (head) ---\n{text[:2000]}"


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_scenarios())
def test_hostile_scenario_files_in_process(text: str) -> None:
    _check(_fly(text, run_inprocess), text)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_scenarios())
def test_hostile_scenario_files_in_a_forked_child(text: str) -> None:
    """A sample in a child process: a signal (segfault) or a hang shows as such."""
    _check(_fly(text, lambda argv: run_forked(argv, timeout_s=120.0)), text)


def test_the_reported_hostile_files_through_the_console_script(tmp_path: Path) -> None:
    """The reproducers of issue 17 through the installed `hilander`, as a user runs it."""
    base = builtin_text("default")
    for table, key, value in (
        ("vehicle", "contact_stiffness_N_per_m", "1e308"),
        ("vehicle", "engine_thrust_max_N", "1e308"),
        ("vehicle", "rover_mass_kg", "1e-308"),
        ("terrain", "crater_density_per_km2", "1e9"),
        ("terrain", "size_m", "2048.0\nresolution_m = 0.25"),
    ):
        path = tmp_path / f"{key}.toml"
        path.write_text(base.replace(f"[{table}]\n", f"[{table}]\n{key} = {value}\n", 1))
        outcome = run_console(["sim", str(path), "--json"], timeout_s=120.0)
        assert outcome.kind == "clean_error", outcome.describe()
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert run_console(["sim", str(deep)]).kind == "clean_error"
    newline = tmp_path / "new\nline.toml"
    newline.write_text(base.replace("[terrain]\n", "[terrain]\nsize_m = 1.0\n", 1))
    outcome = run_console(["sim", str(newline)])
    assert outcome.kind == "clean_error" and "new\\nline.toml" in outcome.stderr


def test_every_lander_preset_survives_each_extreme_of_each_key() -> None:
    """Not random: every numeric key of [vehicle] at 1e308 and 1e-308 on every preset."""
    fails = []
    for preset in PRESETS:
        text = builtin_text(PRESETS[preset]["scenario"])
        for f in dataclasses.fields(VehicleParams):
            if typing.get_type_hints(VehicleParams)[f.name] is not float:
                continue
            for value in ("1e308", "1e-308"):
                mutated = _with(text, "vehicle", f"{f.name} = {value}")
                outcome = _fly(mutated, run_inprocess)
                if outcome.kind not in PASSING:
                    fails.append(f"{preset} {f.name} = {value}: {outcome.describe()}")
    assert not fails, "\n".join(fails)


def _with(text: str, table: str, line: str) -> str:
    header = f"\n[{table}]\n"
    if header in text:
        return text.replace(header, f"{header}{line}\n", 1)
    if text.startswith(f"[{table}]\n"):
        return text.replace(f"[{table}]\n", f"[{table}]\n{line}\n", 1)
    head, sep, tail = text.partition("\n[dispersions.")
    return f"{head}{header}{line}\n{sep}{tail}"
