"""Scenario files: every built-in loads; every mistake is one clear line."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from hilander.sim.catalog import flyable_names
from hilander.sim.presets import PRESETS
from hilander.sim.scenario import (
    builtin_names,
    load_scenario,
    parse_scenario,
    preset_start,
    scenario_to_toml,
)
from hilander.sim.schema import ScenarioError

GOOD = """
name = "t"
seed = 3
[initial]
position_m = [0.0, 0.0, 1500.0]
velocity_mps = [0.0, 0.0, -70.0]
"""


def test_builtins_load() -> None:
    assert "default" in builtin_names()
    for name in flyable_names():
        s = load_scenario(name)
        assert s.name and s.initial.position_m[2] > 0


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_without_initial_a_file_starts_where_its_presets_own_scenario_does(preset: str) -> None:
    own = load_scenario(PRESETS[preset]["scenario"]).initial
    s = parse_scenario(f'name = "t"\nvehicle = "{preset}"\n', "t.toml")
    assert s.initial == own
    assert preset_start(preset) == dataclasses.asdict(own)


def test_initial_overrides_the_presets_start_key_by_key() -> None:
    text = (
        'name = "t"\n[vehicle]\npreset = "phoenix"\n[initial]\nvelocity_mps = [1.0, 2.0, -50.0]\n'
    )
    s = parse_scenario(text, "t.toml")
    assert s.initial.velocity_mps == (1.0, 2.0, -50.0)
    assert s.initial.position_m == load_scenario("phoenix").initial.position_m


def test_the_m2020_preset_is_msl_with_perseverance_s_rover_and_bridles() -> None:
    """mars-landers.md §1.1-1.3: 1,025 kg rover, ~400 kg propellant, 6.4 m
    bridles, the same eight engines."""
    msl, m2020 = load_scenario("default").vehicle, load_scenario("m2020").vehicle
    assert (m2020.rover_mass_kg, m2020.propellant_mass_kg, m2020.bridle_length_m) == (
        1025.0,
        400.0,
        6.4,
    )
    assert m2020.engine_count == msl.engine_count == 8
    assert m2020.engine_thrust_max_N == msl.engine_thrust_max_N


def test_a_minimal_file_takes_the_preset_and_defaults() -> None:
    s = parse_scenario(GOOD, "t.toml")
    assert s.preset == "msl" and s.seed == 3
    assert s.vehicle.rover_mass_kg == 899.0
    assert s.limits.touchdown_vertical_speed_max_mps == 0.85


def test_vehicle_overrides_field_by_field_and_the_law_sees_them() -> None:
    s = parse_scenario(GOOD + '[vehicle]\npreset = "msl"\nengine_count = 6\nisp_s = 210\n', "t")
    assert s.vehicle.engine_count == 6 and s.vehicle.isp_s == 210.0
    assert s.law.engine_count == 6 and s.law.isp_s == 210.0


def test_a_vehicle_with_no_pointing_limit_flies_a_law_told_its_own() -> None:
    """tilt_max_rad up to pi in [vehicle] (the published problems have no
    pointing limit); the law is told one under 1.5 rad, and a written
    scenario says so."""
    text = GOOD + "[vehicle]\ntilt_max_rad = 3.141592653589793\nthrottle_max = 0.8\n"
    s = parse_scenario(text + "[law.vehicle]\ntilt_max_rad = 0.9\n", "t")
    assert (s.vehicle.tilt_max_rad, s.law.tilt_max_rad) == (math.pi, 0.9)
    assert s.vehicle.throttle_max == s.law.throttle_max == 0.8
    again = parse_scenario(scenario_to_toml(s), "again")
    assert (again.vehicle, again.law) == (s.vehicle, s.law)


def test_vehicle_as_a_preset_name() -> None:
    s = parse_scenario('vehicle = "msl"\n' + GOOD, "t")
    assert s.preset == "msl"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD + "[vehicle]\nrover_mas_kg = 900\n",
            "t.toml: [vehicle] rover_mas_kg: unknown key (did you mean 'rover_mass_kg'?)",
        ),
        (GOOD + "[vehicle]\nisp_s = -3\n", "t.toml: [vehicle] isp_s = -3: must be > 0"),
        (
            GOOD + '[vehicle]\nisp_s = "high"\n',
            "t.toml: [vehicle] isp_s: expected a number, got 'high'",
        ),
        (
            GOOD + "[vehicle]\nengine_count = 7.5\n",
            "t.toml: [vehicle] engine_count: expected an integer, got 7.5",
        ),
        (
            GOOD + "[vehicle]\nthrottle_max = 0.05\n",
            "t.toml: [vehicle]: throttle_max must be above throttle_min",
        ),
        (
            GOOD + "[vehicle]\ntilt_max_rad = 3.2\n",
            "t.toml: [vehicle] tilt_max_rad = 3.2: must be <= 3.14159",
        ),
        (
            GOOD + "[vehicle]\ntilt_max_rad = 3.14\n",
            "t.toml: [vehicle] tilt_max_rad = 3.14: the law limits its own tilt below 1.5 rad: "
            "give it in [law.vehicle]",
        ),
        (
            GOOD + "[vehicle]\nengines_out = 8\n",
            "t.toml: [vehicle]: engines_out must leave at least one engine",
        ),
        (
            GOOD + '[vehicle]\npreset = "apollo"\n',
            "t.toml: [vehicle] preset: unknown preset 'apollo' "
            "(known: insight, m2020, mer, msl, msr-skycrane, msr-srl, pathfinder, phoenix, "
            "tianwen1, viking)",
        ),
        (
            GOOD + "[vehicle]\ncontrol_rate_Hz = 64\n",
            "t.toml: [vehicle] control_rate_Hz = 64: must divide the plant rate",
        ),
        (
            GOOD.replace("position_m = [0.0, 0.0, 1500.0]", "position_m = [0.0, 1500.0]"),
            "t.toml: [initial] position_m: expected a list of 3 numbers, got [0.0, 1500.0]",
        ),
        (GOOD.replace("[initial]", "[start]"), "t.toml: start: unknown key"),
        ('name = "t"\n[initial]\nposition_m = [0.0, 0.0, -5.0]\n', "t.toml: [initial]"),
        (GOOD.replace('name = "t"\n', ""), "t.toml: name: missing"),
        (
            GOOD.replace("seed = 3", "seed = -1"),
            "t.toml: seed = -1: must be between 0 and 2**63 - 1",
        ),
        (
            GOOD + "[law]\nengine_count = 4\n",
            "t.toml: [law] engine_count: describes the vehicle: the true one in [vehicle], "
            "what the law is told in [law.vehicle]",
        ),
        (GOOD + "[law]\nguidance_gain = 3\n", "t.toml: [law] guidance_gain = 3: must be >= 6"),
        (
            GOOD + "[law.vehicle]\ndry_mass_kg = 1719.0\n",
            "t.toml: [law.vehicle] dry_mass_kg: no longer told (after 0.6): the law is told "
            "propellant_mass_kg and books its propellant from its mass estimate",
        ),
        (
            GOOD + '[terrain]\ntarget_hazard = "lava"\n',
            "t.toml: [terrain]: target_hazard must be one of none, crater, rock_field",
        ),
        (
            GOOD + "[sim]\nplant_rate_Hz = nan\n",
            "t.toml: [sim] plant_rate_Hz = nan: must be a finite",
        ),
        (
            GOOD + "[limits]\ntether_cut_delay_min_s = 5\n",
            "t.toml: [limits]: tether_cut_delay_min_s exceeds the maximum",
        ),
        ("name = \n", "t.toml: invalid TOML: "),
        (
            GOOD + "[wind]\nsteady_mps = [1, 2, 3]\n",
            "t.toml: [wind] steady_mps: expected a list of 2 numbers",
        ),
        ("vehicle = 3\n" + GOOD, "t.toml: vehicle: expected a preset name or a table"),
    ],
)
def test_bad_files_give_one_line_naming_the_key(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text, "t.toml")
    assert str(e.value).startswith(message)
    assert "\n" not in str(e.value)


def test_missing_file_and_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(str(tmp_path / "nope.toml"))
    with pytest.raises(ScenarioError, match="not a file and not a built-in"):
        load_scenario("nope")


def test_unreadable_file(tmp_path: Path) -> None:
    p = tmp_path / "bin.toml"
    p.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(str(p))


@pytest.mark.parametrize("name", flyable_names())
def test_resolved_toml_loads_back_to_the_same_scenario(name: str) -> None:
    s = load_scenario(name)
    again = parse_scenario(scenario_to_toml(s), "resolved.toml")
    assert dataclasses.replace(again, source=s.source) == s
