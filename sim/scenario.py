"""Scenarios: a TOML file (or a built-in) made into validated parameters.

A scenario names a vehicle preset and overrides it field by field; it gives
the state at powered-descent start, the terrain, the wind, the environment,
the limits and the simulation settings. The scenario reference in
docs/scenarios.md lists every key.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from hilander.controller.config import LawConfig, law_field_names
from hilander.sim.budget import check_corners, check_flight
from hilander.sim.dispersions import Dispersion, parse_dispersions
from hilander.sim.presets import PRESETS
from hilander.sim.scenario_law import law_config, law_vehicle_differences
from hilander.sim.schema import ScenarioError, defaults, load_params, where
from hilander.sim.settings import (
    EnvironmentParams,
    FaultParams,
    InitialState,
    SimParams,
    TerrainParams,
    WindParams,
)
from hilander.sim.shapes import stability_angle_rad
from hilander.sim.sixdof import check_dynamics, check_stuck
from hilander.sim.tomlread import is_file, read_text
from hilander.sim.tomlread import parse as parse_toml
from hilander.sim.vehicle import Limits, VehicleParams

TABLES = (
    "vehicle",
    "law",
    "initial",
    "terrain",
    "wind",
    "environment",
    "faults",
    "limits",
    "sim",
)
TOP_KEYS = ("name", "description", "seed", *TABLES, "dispersions")
SEED_MAX = 2**63 - 1


@dataclass(frozen=True)
class Scenario:
    """Everything one landing needs, validated."""

    name: str
    description: str
    seed: int
    preset: str
    vehicle: VehicleParams
    law: LawConfig
    initial: InitialState
    terrain: TerrainParams
    wind: WindParams
    environment: EnvironmentParams
    faults: FaultParams
    limits: Limits
    sim: SimParams
    source: str
    dispersions: tuple[Dispersion, ...] = ()

    @property
    def terrain_seed(self) -> int:
        return self.terrain.seed if self.terrain.seed >= 0 else self.seed

    def with_seed(self, seed: int) -> Scenario:
        if not 0 <= seed <= SEED_MAX:
            raise ScenarioError(f"seed {seed}: must be between 0 and 2**63 - 1")
        return dataclasses.replace(self, seed=seed)


def builtin_names() -> list[str]:
    """Names of the built-in scenarios."""
    folder = resources.files("hilander.sim") / "scenarios"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def builtin_text(name: str) -> str:
    return (resources.files("hilander.sim") / "scenarios" / f"{name}.toml").read_text("utf-8")


def builtin_description(name: str) -> str:
    """The description of a built-in scenario, read without validating it."""
    return str(tomllib.loads(builtin_text(name)).get("description", ""))


def load_scenario(spec: str) -> Scenario:
    """A scenario from a TOML path or a built-in name."""
    path = Path(spec)
    if is_file(path):
        return check_corners(check_flight(parse_scenario(read_text(path, spec), spec)))
    if spec in builtin_names():
        return check_corners(check_flight(parse_scenario(builtin_text(spec), spec)))
    if spec in PRESETS:  # a lander's name flies its own scenario
        text = builtin_text(PRESETS[spec]["scenario"])
        return check_corners(check_flight(parse_scenario(text, spec)))
    if path.suffix == ".toml" or "/" in spec:
        raise ScenarioError(f"{spec}: no such file")
    raise ScenarioError(
        f"{spec}: not a file and not a built-in scenario (hilander scenarios lists them)"
    )


def _top_level(text: str, source: str) -> tuple[dict[str, Any], str, int]:
    """The TOML's tables, its name and its seed, checked."""
    data = parse_toml(text, source)
    for key in data:
        if key not in TOP_KEYS:
            raise ScenarioError(f"{where(source, '', key)}: unknown key")
    name = _scalar(data, "name", str, source, required=True)
    seed = _scalar(data, "seed", int, source, default=0)
    if not 0 <= seed <= SEED_MAX:
        raise ScenarioError(f"{source}: seed = {seed}: must be between 0 and 2**63 - 1")
    return data, name, seed


def parse_scenario(text: str, source: str) -> Scenario:
    """A scenario from TOML text; ``source`` names it in error messages."""
    data, name, seed = _top_level(text, source)
    preset_name, vehicle_table = _vehicle_table(data.get("vehicle", "msl"), source)
    preset = PRESETS[preset_name]
    vehicle = load_params(VehicleParams, vehicle_table, preset["vehicle"], source, "vehicle")
    sim = load_params(SimParams, _table(data, "sim", source), defaults(SimParams), source, "sim")
    _check_rates(vehicle, sim, source)
    check_dynamics(vehicle, sim, source)
    environment = _load_defaulted(EnvironmentParams, data, "environment", source)
    check_thrust(vehicle, environment, source)
    faults = _load_defaulted(FaultParams, data, "faults", source)
    check_stuck(vehicle, sim, faults, source)
    scenario = Scenario(
        name=name,
        description=_scalar(data, "description", str, source, default=""),
        seed=seed,
        preset=preset_name,
        vehicle=vehicle,
        law=law_config(vehicle, preset["law"], _table(data, "law", source), source),
        initial=_initial(data, preset_name, source),
        terrain=_load_defaulted(TerrainParams, data, "terrain", source),
        wind=_load_defaulted(WindParams, data, "wind", source),
        environment=environment,
        faults=faults,
        limits=load_params(
            Limits, _table(data, "limits", source), _limits(preset, vehicle), source, "limits"
        ),
        sim=sim,
        source=source,
    )
    return _with_dispersions(scenario, data, source)


def _limits(preset: dict[str, Any], vehicle: VehicleParams) -> dict[str, Any]:
    """The preset's limits; a legged lander's stability angle its own, from the
    vehicle as resolved (leg count and radius, the footpads' depth under the
    centre of mass), unless [limits] sets it."""
    if vehicle.landing_system != "legs":
        return dict(preset["limits"])
    height_m = vehicle.rover_stowed_offset_m + vehicle.stage_com_m[2]
    angle = stability_angle_rad(vehicle.leg_count, vehicle.leg_radius_m, height_m)
    return {**preset["limits"], "tip_over_tilt_rad": angle}


def _initial(data: dict[str, Any], preset: str, source: str) -> InitialState:
    """[initial], key by key over the preset's own scenario's start."""
    table = _table(data, "initial", source)
    return load_params(InitialState, table, preset_start(preset), source, "initial")


@functools.cache
def preset_start(preset: str) -> dict[str, Any]:
    """The [initial] of the preset's own built-in scenario (``msl``: ``default``'s):
    what a file's [initial] overrides key by key, or gives whole when it has none."""
    table = tomllib.loads(builtin_text(PRESETS[preset]["scenario"]))["initial"]
    return {key: tuple(float(x) for x in value) for key, value in table.items()}


def _with_dispersions(scenario: Scenario, data: dict[str, Any], source: str) -> Scenario:
    if "dispersions" not in data:
        return scenario
    nominal = {name: getattr(scenario, name) for name in TABLES}
    found = parse_dispersions(data["dispersions"], nominal, source)
    return dataclasses.replace(scenario, dispersions=found)


def _load_defaulted(cls: type[Any], data: dict[str, Any], name: str, source: str) -> Any:
    return load_params(cls, _table(data, name, source), defaults(cls), source, name)


def _scalar(
    data: dict[str, Any],
    key: str,
    tp: type,
    source: str,
    *,
    required: bool = False,
    default: Any = None,
) -> Any:
    if key not in data:
        if required:
            raise ScenarioError(f"{where(source, '', key)}: missing")
        return default
    value = data[key]
    if not isinstance(value, tp) or isinstance(value, bool):
        kind = "an integer" if tp is int else "a string"
        raise ScenarioError(f"{where(source, '', key)}: expected {kind}, got {value!r}")
    return value


def _table(data: dict[str, Any], name: str, source: str) -> dict[str, Any]:
    if name not in data:
        return {}
    table = data[name]
    if not isinstance(table, dict):
        raise ScenarioError(f"{where(source, '', name)}: expected a table [{name}]")
    return table


def _vehicle_table(value: Any, source: str) -> tuple[str, dict[str, Any]]:
    """(preset name, overrides) from `vehicle = "msl"` or a [vehicle] table."""
    if isinstance(value, str):
        value = {"preset": value}
    if not isinstance(value, dict):
        raise ScenarioError(f"{where(source, '', 'vehicle')}: expected a preset name or a table")
    overrides = dict(value)
    preset = overrides.pop("preset", "msl")
    if preset not in PRESETS:
        known = ", ".join(sorted(PRESETS))
        raise ScenarioError(
            f"{where(source, 'vehicle', 'preset')}: unknown preset {preset!r} (known: {known})"
        )
    return preset, overrides


THRUST_TO_WEIGHT_MIN = 1.2
LBF_N = 4.4482216152605  # one pound-force in newtons, exact by definition


def check_thrust(vehicle: VehicleParams, env: EnvironmentParams, source: str) -> None:
    """The engines must lift the vehicle with a margin: a thrust given in
    pound-force where newtons were expected (Mars Climate Orbiter's units,
    mars-landers.md §3.3) is refused here, never flown."""
    v = vehicle
    mass_kg = v.descent_stage_dry_mass_kg + v.propellant_mass_kg + v.rover_mass_kg
    weight_N = mass_kg * env.gravity_mps2
    thrust_N = v.engine_count * v.engine_thrust_max_N * math.cos(v.cant_rad)
    if thrust_N >= THRUST_TO_WEIGHT_MIN * weight_N:
        return
    hint = ""
    if thrust_N * LBF_N >= THRUST_TO_WEIGHT_MIN * weight_N:
        newtons = v.engine_thrust_max_N * LBF_N
        hint = f"; in pound-force? {v.engine_thrust_max_N:g} lbf is {newtons:.0f} N"
    raise ScenarioError(
        f"{where(source, 'vehicle', 'engine_thrust_max_N')} = {v.engine_thrust_max_N:g}: "
        f"{v.engine_count} engines lift {thrust_N:.0f} N, under {THRUST_TO_WEIGHT_MIN:g} times "
        f"the weight at the start ({weight_N:.0f} N){hint}"
    )


def _check_rates(vehicle: VehicleParams, sim: SimParams, source: str) -> None:
    """The control period must be a whole number of plant steps; sensors no faster
    than the plant."""
    ratio = sim.plant_rate_Hz / vehicle.control_rate_Hz
    if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
        raise ScenarioError(
            f"{where(source, 'vehicle', 'control_rate_Hz')} = {vehicle.control_rate_Hz:g}: "
            f"must divide the plant rate ({sim.plant_rate_Hz:g} Hz) a whole number of times"
        )
    for key in ("radar_rate_Hz", "nav_rate_Hz", "imu_rate_Hz"):
        rate = getattr(vehicle, key)
        if rate > sim.plant_rate_Hz:
            raise ScenarioError(
                f"{where(source, 'vehicle', key)} = {rate:g}: "
                f"must not exceed the plant rate ({sim.plant_rate_Hz:g} Hz)"
            )


def check_flyable(s: Scenario, source: str) -> None:
    """The checks across tables that parsing makes, for a scenario made
    otherwise (a campaign's run with its drawn values): a scenario that
    passes them writes a file that loads."""
    _check_rates(s.vehicle, s.sim, source)
    check_dynamics(s.vehicle, s.sim, source)
    check_thrust(s.vehicle, s.environment, source)
    check_stuck(s.vehicle, s.sim, s.faults, source)


def scenario_to_toml(s: Scenario, flown_by: str = "compiled") -> str:
    """The scenario with every value resolved, as TOML that loads back to it:
    the true vehicle in [vehicle], and in [law.vehicle] what the law was told
    where that differs from it. ``flown_by`` (the landing's controller) is
    named in a comment where it is not the compiled law."""
    lines = [
        f"# Resolved from {_toml_value(s.source)}: every value, so that this file re-flies the run."
    ]
    if flown_by != "compiled":
        lines.append(
            f"# Flown by {_toml_value(flown_by)}: `hilander sim` flies the compiled law "
            "unless given --controller."
        )
    lines += [
        f"name = {_toml_value(s.name)}",
        f"description = {_toml_value(s.description)}",
        f"seed = {s.seed}",
        "",
        "[vehicle]",
        f"preset = {_toml_value(s.preset)}",
        *_toml_table(s.vehicle),
        "",
        "[law]",
        *_toml_table(s.law, only=set(law_field_names())),
    ]
    told = law_vehicle_differences(s.vehicle, s.law)
    if told:
        lines += [
            "",
            "# What the law was told of its vehicle, where it differs from [vehicle].",
            "[law.vehicle]",
            *(f"{k} = {_toml_value(v)}" for k, v in told.items()),
        ]
    for name in TABLES[2:]:
        lines += ["", f"[{name}]", *_toml_table(getattr(s, name))]
    for d in s.dispersions:
        lines += ["", f"[dispersions.{d.name}]", *dispersion_toml(d)]
    return "\n".join(lines) + "\n"


def dispersion_toml(d: Dispersion) -> list[str]:
    """The lines of one dispersion's table."""

    def value(v: tuple[float, ...]) -> str:
        items = tuple(int(x) for x in v) if d.integer else v
        return _toml_value(items if d.vector else items[0])

    lines = [f'distribution = "{d.distribution}"']
    if d.distribution == "normal":
        lines += [f"mean = {value(d.mean)}", f"sigma = {value(d.sigma)}"]
    return [*lines, f"min = {value(d.low)}", f"max = {value(d.high)}"]


def _toml_table(obj: Any, only: set[str] | None = None) -> list[str]:
    return [
        f"{f.name} = {_toml_value(getattr(obj, f.name))}"
        for f in dataclasses.fields(obj)
        if only is None or f.name in only
    ]


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)  # the shortest text that reads back to the same double
    if isinstance(v, str):  # a lone surrogate (from a path's bytes) cannot be UTF-8: "?"
        text = v.encode("utf-8", "replace").decode("utf-8")
        return '"' + "".join(_ESCAPES.get(c, c) for c in text) + '"'
    return "[" + ", ".join(_toml_value(x) for x in v) + "]"


# A TOML basic string: the quote, the backslash and every control character
# escaped (a newline in a name or a path must not end the line).
_ESCAPES = {chr(i): f"\\u{i:04X}" for i in (*range(0x20), 0x7F)}
_ESCAPES.update({'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"})
