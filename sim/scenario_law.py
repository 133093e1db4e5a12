"""What the law is told: a scenario's ``[law]`` table, and its ``[law.vehicle]``,
made into the LawConfig the flight software is configured with.

The flight software knows its vehicle as it was told it: by default the
values of ``[vehicle]``. A ``[law.vehicle]`` table states what the law is told
where that differs from the true vehicle ("the law is told 3,090 N per
engine, the engines give 3,000"), and a campaign's dispersions of
``[vehicle]`` change the truth only, so that a run's written scenario keeps
the truth in ``[vehicle]`` and the law's belief in ``[law.vehicle]``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hilander.controller.config import LawConfig, law_field_names
from hilander.controller.params import bound_error
from hilander.sim.schema import ScenarioError, defaults, load_params, where
from hilander.sim.vehicle import VehicleParams

# What the flight software is told of its vehicle: the keys of [law.vehicle],
# each the [vehicle] key of the same name (bridle_payout_time_s is derived
# from the bridle's length, payout rate and acceleration).
LAW_VEHICLE_KEYS = (
    "control_rate_Hz",
    "engine_count",
    "engine_thrust_max_N",
    "throttle_min",
    "throttle_max",
    "throttle_rate_max_per_s",
    "cant_rad",
    "tilt_max_rad",
    "isp_s",
    "bridle_length_m",
    "bridle_payout_time_s",
    "rover_height_m",
    "propellant_mass_kg",
    "slew_rate_max_radps",
)


# The law's thrust-tilt limit stays under this (its throttle stage and the
# Apollo law's turn-round and divert are written for a cone narrower than a
# half-space); the vehicle's may be up to pi (no pointing limit).
LAW_TILT_MAX_RAD: float = next(
    f.metadata["lt"] for f in dataclasses.fields(LawConfig) if f.name == "tilt_max_rad"
)


def told_by_vehicle(vehicle: VehicleParams) -> dict[str, Any]:
    """The LawConfig's vehicle fields as the vehicle gives them (landing_system
    as its index)."""
    told: dict[str, Any] = {name: getattr(vehicle, name) for name in LAW_VEHICLE_KEYS}
    told["landing_system"] = vehicle.landing_system_index
    return told


def law_config(
    vehicle: VehicleParams, preset_law: dict[str, Any], table: dict[str, Any], source: str
) -> LawConfig:
    """The LawConfig of a [law] table (with its [law.vehicle]) over the vehicle
    and its preset's tuning."""
    rest = dict(table)
    told = rest.pop("vehicle", {})
    if not isinstance(told, dict):
        raise ScenarioError(f"{where(source, 'law', 'vehicle')}: expected a table [law.vehicle]")
    for key in rest:
        if key in (*LAW_VEHICLE_KEYS, "landing_system"):
            raise ScenarioError(
                f"{where(source, 'law', key)}: describes the vehicle: the true one in "
                "[vehicle], what the law is told in [law.vehicle]"
            )
    for key in told:
        if key == "dry_mass_kg":
            raise ScenarioError(
                f"{where(source, 'law.vehicle', key)}: no longer told (after 0.6): the law is "
                "told propellant_mass_kg and books its propellant from its mass estimate"
            )
        if key not in LAW_VEHICLE_KEYS:
            raise ScenarioError(
                f"{where(source, 'law.vehicle', key)}: not something the law is told "
                f"(it is told {', '.join(LAW_VEHICLE_KEYS)})"
            )
    base = told_by_vehicle(vehicle)
    if "tilt_max_rad" not in told and vehicle.tilt_max_rad >= LAW_TILT_MAX_RAD:
        raise ScenarioError(
            f"{where(source, 'vehicle', 'tilt_max_rad')} = {vehicle.tilt_max_rad:g}: the law "
            f"limits its own tilt below {LAW_TILT_MAX_RAD:g} rad: give it in [law.vehicle]"
        )
    base.update({k: v for k, v in defaults(LawConfig).items() if k in law_field_names()})
    base.update(preset_law)
    if told:
        base = dataclasses.asdict(load_params(LawConfig, told, base, source, "law.vehicle"))
        _check_vehicle_ranges(told, base, source)
    return load_params(LawConfig, rest, base, source, "law")


def _check_vehicle_ranges(told: dict[str, Any], values: dict[str, Any], source: str) -> None:
    """What the law is told stays in the range of the [vehicle] key it stands for."""
    fields = {f.name: f for f in dataclasses.fields(VehicleParams)}
    for key in told:
        reason = bound_error(fields[key], values[key]) if key in fields else None
        if reason:
            raise ScenarioError(f"{where(source, 'law.vehicle', key)} = {values[key]:g}: {reason}")


def law_vehicle_differences(vehicle: VehicleParams, law: LawConfig) -> dict[str, Any]:
    """The [law.vehicle] keys whose value the law was told differs from the
    vehicle's (what a written scenario must state to configure the same law)."""
    from_vehicle = told_by_vehicle(vehicle)
    return {
        key: getattr(law, key)
        for key in LAW_VEHICLE_KEYS
        if repr(getattr(law, key)) != repr(from_vehicle[key])  # exact: -0.0 is not 0.0
    }
