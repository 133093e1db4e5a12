"""Hostile scenario files get one line naming file, table, key, value and
range: every number has a finite range, the scenario's total cost is bounded
(sim/budget.py), and the TOML is read with a size and a nesting cap."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest

from hilander.controller.config import LawConfig, law_field_names
from hilander.sim import budget
from hilander.sim.presets import PRESETS
from hilander.sim.scenario import builtin_names, builtin_text, load_scenario
from hilander.sim.schema import ScenarioError, printable
from hilander.sim.settings import (
    EnvironmentParams,
    FaultParams,
    InitialState,
    SimParams,
    TerrainParams,
    WindParams,
)
from hilander.sim.tomlread import TOML_BYTES_MAX, TOML_DEPTH_MAX, nesting
from hilander.sim.vehicle import Limits, VehicleParams
from tests.fuzz.hostile_files import BASE, with_key

SETTABLE = (
    InitialState,
    VehicleParams,
    Limits,
    TerrainParams,
    WindParams,
    EnvironmentParams,
    FaultParams,
    SimParams,
)


def _numeric(cls: type) -> list[dataclasses.Field[typing.Any]]:
    hints = typing.get_type_hints(cls)
    return [
        f
        for f in dataclasses.fields(cls)
        if hints[f.name] in (int, float) or typing.get_origin(hints[f.name]) is tuple
    ]


@pytest.mark.parametrize("cls", [*SETTABLE, LawConfig], ids=lambda c: c.__name__)
def test_every_scenario_number_has_a_finite_range(cls: type) -> None:
    only = set(law_field_names()) if cls is LawConfig else None
    for f in _numeric(cls):
        if only is not None and f.name not in only:
            continue
        m = f.metadata
        assert m["gt"] is not None or m["ge"] is not None, f"{cls.__name__}.{f.name}: no floor"
        assert m["lt"] is not None or m["le"] is not None, f"{cls.__name__}.{f.name}: no ceiling"


def _write(tmp_path: Path, text: str, name: str = "h.toml") -> str:
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return str(p)


def _error(spec: str) -> str:
    with pytest.raises(ScenarioError) as e:
        load_scenario(spec)
    text = str(e.value)
    assert "\n" not in text and "\r" not in text, text
    return text


@pytest.mark.parametrize(
    ("table", "key", "value", "expected"),
    [
        ("vehicle", "contact_stiffness_N_per_m", "1e308", "= 1e+308: must be <= 1e+07"),
        ("vehicle", "engine_thrust_max_N", "1e308", "must be <= 1e+07"),
        ("vehicle", "rover_mass_kg", "1e-308", "rover_mass_kg must be at least 1 kg"),
        ("vehicle", "radar_rate_Hz", "1e-308", "must be >= 0.1"),
        ("vehicle", "thrust_pulse_rate_Hz", "1e-308", "0 (throttled) or at least 0.1 Hz"),
        ("vehicle", "rover_footprint_m", "1e308", "must be <= 20"),
        ("terrain", "crater_density_per_km2", "1e9", "must be <= 10000"),
        ("terrain", "roughness_wavelength_m", "1e-308", "must be >= 5"),
        ("faults", "leg_contact_pulse_samples", str(2**31 + 1), "must be <= 1e+06"),
        ("law", "td_contact_samples", str(2**63 - 1), "must be <= 1e+06"),
        ("sim", "max_time_s", "nan", "must be a finite number"),
        ("environment", "gravity_mps2", "1e308", "must be <= 100"),
    ],
)
def test_an_extreme_number_names_file_table_key_value_and_range(
    tmp_path: Path, table: str, key: str, value: str, expected: str
) -> None:
    text = _error(_write(tmp_path, with_key(table, key, value)))
    assert text.startswith(f"{tmp_path}/h.toml: [{table}]"), text
    assert expected in text, text


@pytest.mark.parametrize(
    ("table", "values", "expected"),
    [
        (
            "terrain",
            "size_m = 2048.0\nresolution_m = 0.25",
            "over the 4,194,304 a terrain may have",
        ),
        ("terrain", "crater_density_per_km2 = 9000.0\nsize_m = 1024.0", "craters, over 5,000"),
        (
            "terrain",
            "crater_density_per_km2 = 1000.0\nsize_m = 2048.0\ncrater_diameter_max_m = 2000.0",
            "node visits",
        ),
        (
            "terrain",
            "rock_density_per_m2 = 0.2\nsize_m = 2048.0\nrock_diameter_max_m = 10.0",
            "rocks up to rock_diameter_max_m = 10 m",
        ),
        ("sim", "max_time_s = 3600.0\nplant_rate_Hz = 20000.0", "plant steps, over 20,000,000"),
        ("vehicle", "control_rate_Hz = 1000.0", "telemetry rows, over 500,000"),
        ("vehicle", "rover_mass_kg = 1.0", "too stiff for the masses"),
        ("vehicle", "rover_footprint_m = 20.0", "for the hazard mask"),
    ],
)
def test_a_scenario_over_its_budget_is_refused_in_one_line(
    tmp_path: Path, table: str, values: str, expected: str
) -> None:
    text = BASE
    if table == "vehicle" and "control_rate" in values:
        text = with_key("sim", "max_time_s", "3600.0\nplant_rate_Hz = 1000.0")
    if "footprint" in values:
        text = with_key("terrain", "size_m", "2048.0\nresolution_m = 1.0")
    assert expected in _error(
        _write(
            tmp_path,
            with_key(table, values.split(" = ", maxsplit=1)[0], values.split(" = ", 1)[1], text),
        )
    )


def test_the_ranges_admit_every_builtin_preset_and_dispersion_corner() -> None:
    for name in builtin_names():
        if name == "mco-units":  # refused on purpose: its thrust is in pound-force
            continue
        s = load_scenario(name)
        for d in s.dispersions:
            for corner in (d.low, d.high):
                value = int(corner[0]) if d.integer else corner if d.vector else corner[0]
                obj = dataclasses.replace(getattr(s, d.table), **{d.field: value})
                assert obj is not None
    for preset in PRESETS:
        load_scenario(preset)
    load_scenario(str(Path(__file__).parents[2] / "benchmarks" / "envelope.toml"))


@pytest.mark.parametrize("depth", [TOML_DEPTH_MAX + 1, 5000, 100_000])
def test_deep_nesting_is_one_line_not_a_recursion_error(tmp_path: Path, depth: int) -> None:
    arrays = _write(tmp_path, BASE + "x = " + "[" * depth + "]" * depth + "\n", "a.toml")
    assert "nested deeper than 32" in _error(arrays)
    tables = _write(tmp_path, "x = " + "{a = " * depth + "1" + "}" * depth + "\n", "t.toml")
    assert "nested deeper than 32" in _error(tables)


def test_a_deeply_dotted_key_is_refused_before_tomllib_spends_minutes(tmp_path: Path) -> None:
    dotted = _write(tmp_path, "a" + ".a" * 100_000 + " = 1\n" + BASE)
    assert "nested deeper than 32 (line 1)" in _error(dotted)
    quoted = _write(tmp_path, BASE + '\n"a"' + '."a"' * 40 + " = 1\n", "q.toml")
    assert "nested deeper than 32" in _error(quoted)


def test_nesting_skips_strings_and_comments() -> None:
    assert nesting("a = \"[[[[{{{{\"\nb = '[[[['\n# [[[[[[\nc = [[1], [2]]\n") == (2, 4)
    assert nesting('a = """\n[[[[\n"""\nb = [1]')[0] == 1
    assert nesting(BASE)[0] == 3  # [dispersions.initial.position_m]
    assert nesting("t = 07:32:00.999\nx = [1.5, 2.5]\n")[0] == 1


def test_a_large_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    big = _write(tmp_path, BASE + "#" + "x" * TOML_BYTES_MAX + "\n")
    assert "larger than 1,000,000 bytes" in _error(big)


@pytest.mark.parametrize("char", ["\n", "\r", "\x1b[31m", "\x7f", "\u202e", "\x00"])
def test_control_characters_are_shown_escaped(tmp_path: Path, char: str) -> None:
    escaped = char.encode("unicode_escape").decode()
    toml = "".join(f"\\u{ord(c):04x}" if not c.isprintable() else c for c in f"bad{char}key")
    key = _error(_write(tmp_path, with_key("terrain", f'"{toml}"', "1")))
    assert f"bad{escaped}key: unknown key" in key
    folder = tmp_path / f"a{char}b" if char != "\x00" else tmp_path / "ab"
    folder.mkdir()
    path = _write(folder, with_key("terrain", "size_m", "-1"))
    text = _error(path)
    assert f"{printable(str(folder))}/h.toml: [terrain] size_m = -1: must be >= 64" == text


def test_a_path_that_cannot_exist_is_one_line(tmp_path: Path) -> None:
    assert "not a file" in _error("a\x00b")
    assert "no such file" in _error(str(tmp_path / ("x" * 5000) / "s.toml"))
    assert "no such file" in _error(str(tmp_path))  # a folder is not a scenario
    assert "no such file" in _error("/dev/zero")


def test_an_integer_beyond_what_python_prints_is_one_line(tmp_path: Path) -> None:
    text = _error(_write(tmp_path, with_key("terrain", "seed", "9" * 5000)))
    assert "invalid TOML" in text or "must be" in text


def test_the_budget_holds_the_bounds_it_documents() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "scenarios.md").read_text("utf-8")
    for value in (
        budget.TERRAIN_NODES_MAX,
        budget.CRATERS_MAX,
        budget.CRATER_NODES_MAX,
        budget.ROCKS_MAX,
        budget.ROCK_STAMPS_MAX,
        budget.HAZARD_NODES_MAX,
        budget.TELEMETRY_ROWS_MAX,
        budget.PLANT_STEPS_MAX,
        TOML_BYTES_MAX,
        TOML_DEPTH_MAX,
    ):
        assert f"{value:,}" in docs, value


def test_the_builtin_texts_are_well_inside_the_caps() -> None:
    for name in builtin_names():
        text = builtin_text(name)
        assert len(text.encode()) < TOML_BYTES_MAX // 100
        assert nesting(text)[0] <= 3


def test_a_dispersion_that_could_draw_past_a_bound_is_refused(tmp_path: Path) -> None:
    light = BASE.replace("min = 854.0  # 899 kg +/- 5 %", "min = 1.0")
    text = _error(_write(tmp_path, light))
    assert "[dispersions] at vehicle.rover_mass_kg = min: [vehicle] bridle_stiffness" in text
    long = BASE + '\n[dispersions.sim.max_time_s]\ndistribution = "uniform"\n'
    long += "min = 100.0\nmax = 3600.0\n"
    text = _error(_write(tmp_path, with_key("vehicle", "control_rate_Hz", "200.0", long), "l.toml"))
    assert "at sim.max_time_s = max: [sim] max_time_s = 3600" in text
