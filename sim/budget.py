"""What an accepted scenario may cost: every file that loads flies in bounded
time and memory (docs/scenarios.md, "Ranges and limits").

Each field has its own finite range (declared next to it); these are the
bounds across fields, on the work the terrain generator, the plant and the
telemetry do, and on the springs the plant step can integrate. Measured on
the project's 2-core VM (docs/performance.md, "Hostile input"): a terrain at
its bounds builds in about 9 s and 350 MB, a landing at the telemetry bound
flies in about 3 s and 200 MB on the compiled loop, 30 s with the reference
law in the general loop.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

from hilander.sim.schema import ScenarioError, shorten

if TYPE_CHECKING:
    from hilander.sim.dispersions import Dispersion
    from hilander.sim.scenario import Scenario
    from hilander.sim.vehicle import VehicleParams

TERRAIN_NODES_MAX = 2**22  # 4,194,304: 2,048 m at 1 m, or 512 m at 0.25 m
CRATERS_MAX = 5_000  # expected craters on the grid
CRATER_NODES_MAX = 200_000_000  # craters x grid nodes within 3 radii of the largest
ROCKS_MAX = 1_000_000  # expected rocks: scattered and in fields
ROCK_STAMPS_MAX = 50_000_000  # rocks x grid nodes a rock of the largest size covers
HAZARD_NODES_MAX = 200_000_000  # grid nodes x nodes in the rover footprint (hazard mask)
TELEMETRY_ROWS_MAX = 500_000  # control ticks: 33 columns of 8 bytes, 132 MB at most
PLANT_STEPS_MAX = 20_000_000  # plant steps: about 3 s on the compiled loop


def grid_side(size_m: float, resolution_m: float) -> int:
    """Nodes a side of the terrain grid (as hilander.sim.terrain builds it)."""
    return max(8, round(size_m / resolution_m))


def terrain_error(
    size_m: float,
    resolution_m: float,
    crater_density_per_km2: float,
    crater_diameter_max_m: float,
    rocks: float,
    rock_diameter_max_m: float,
) -> str | None:
    """Why a terrain would cost too much to generate, or None. ``rocks`` is
    the expected number of rocks, scattered and in fields."""
    n = grid_side(size_m, resolution_m)
    nodes = n * n
    if nodes > TERRAIN_NODES_MAX:
        return (
            f"size_m / resolution_m = {n} nodes a side, {nodes:,} in all: over the "
            f"{TERRAIN_NODES_MAX:,} a terrain may have"
        )
    craters = crater_density_per_km2 * (n * resolution_m / 1000.0) ** 2
    if craters > CRATERS_MAX:
        return f"crater_density_per_km2 gives {craters:,.0f} craters, over {CRATERS_MAX:,}"
    reach = min(n, 3.0 * crater_diameter_max_m / resolution_m + 1.0)
    if craters * reach * reach > CRATER_NODES_MAX:
        return (
            f"{craters:,.0f} craters up to crater_diameter_max_m = {crater_diameter_max_m:g} m "
            f"at {resolution_m:g} m resolution: over {CRATER_NODES_MAX:,} node visits"
        )
    if rocks > ROCKS_MAX:
        return f"rock densities give {rocks:,.0f} rocks, over {ROCKS_MAX:,}"
    side = 2 * math.ceil(0.75 * rock_diameter_max_m / resolution_m) + 1
    if rocks * side * side > ROCK_STAMPS_MAX:
        return (
            f"{rocks:,.0f} rocks up to rock_diameter_max_m = {rock_diameter_max_m:g} m at "
            f"{resolution_m:g} m resolution: over {ROCK_STAMPS_MAX:,} node visits"
        )
    return None


def hazard_error(size_m: float, resolution_m: float, rover_footprint_m: float) -> str | None:
    """Why the hazard mask of a terrain for this rover would cost too much, or None."""
    n = grid_side(size_m, resolution_m)
    side = 2 * int(rover_footprint_m / 2.0 / resolution_m + 1e-9) + 1
    if n * n * side * side > HAZARD_NODES_MAX:
        return (
            f"[vehicle] rover_footprint_m = {rover_footprint_m:g} spans {side} x {side} nodes "
            f"of a {n} x {n} terrain: over {HAZARD_NODES_MAX:,} node visits for the hazard mask"
        )
    return None


def telemetry_error(max_time_s: float, control_rate_Hz: float) -> str | None:
    """Why a landing would record too many telemetry rows, or None."""
    rows = math.ceil(max_time_s * control_rate_Hz) + 2
    if rows > TELEMETRY_ROWS_MAX:
        return (
            f"[sim] max_time_s = {max_time_s:g} at control_rate_Hz = {control_rate_Hz:g} is "
            f"{rows:,} telemetry rows, over {TELEMETRY_ROWS_MAX:,}"
        )
    return None


def plant_steps_error(max_time_s: float, plant_rate_Hz: float) -> str | None:
    """Why a landing would take too many plant steps, or None."""
    steps = round(max_time_s * plant_rate_Hz)
    if steps > PLANT_STEPS_MAX:
        return f"max_time_s x plant_rate_Hz = {steps:,} plant steps, over {PLANT_STEPS_MAX:,}"
    return None


def flight_error(s: Scenario) -> str | None:
    """Why a scenario would cost too much across its tables, or None (the
    bounds within one table are checked as the table loads)."""
    t = s.terrain
    return (
        hazard_error(t.size_m, t.resolution_m, s.vehicle.rover_footprint_m)
        or telemetry_error(s.sim.max_time_s, s.vehicle.control_rate_Hz)
        or integration_error(s.vehicle, s.sim.plant_rate_Hz, s.sim.dynamics == "6dof")
        or (attitude_error(s.vehicle) if s.sim.dynamics == "6dof" else None)
    )


# The world's attitude loop (6-DOF) at its natural frequency: at most half the
# engines' lag corner (1 / throttle_time_constant_s) and a tenth of the control
# rate in rad/s, so the lag and the once-a-tick loop cost it little phase
# (hilander choice).
ATTITUDE_LAG_FRACTION = 0.5
ATTITUDE_SAMPLE_FRACTION = 0.1


def attitude_error(v: VehicleParams) -> str | None:
    """Why the world's attitude loop cannot fly at attitude_bandwidth_radps, or None."""
    lag = ATTITUDE_LAG_FRACTION / v.throttle_time_constant_s
    sample = ATTITUDE_SAMPLE_FRACTION * 2.0 * math.pi * v.control_rate_Hz
    if v.attitude_bandwidth_radps > min(lag, sample):
        return (
            f"[vehicle] attitude_bandwidth_radps = {v.attitude_bandwidth_radps:g}: over "
            f"{min(lag, sample):.3g} rad/s, half the engines' lag corner "
            f"(1 / throttle_time_constant_s = {1.0 / v.throttle_time_constant_s:.3g}) or a "
            f"tenth of 2 pi control_rate_Hz ({2.0 * math.pi * v.control_rate_Hz:.3g} rad/s)"
        )
    return None


def check_flight(s: Scenario) -> Scenario:
    """The scenario, or a ScenarioError naming its file and the bound it breaks."""
    reason = flight_error(s)
    if reason:
        raise ScenarioError(f"{shorten(s.source, 320)}: {reason}")
    return s


# Semi-implicit Euler integrates a spring-damper (stiffness k, damping c, mass
# m) stably while h^2 k/m + 2 h c/m <= 4 at the plant step h; a scenario must
# keep half of that, so that a light rover on a stiff bridle is refused, not
# flown to a touchdown at 10^5 m/s.
STIFFNESS_MARGIN = 2.0


def _spring_load(k: float, c: float, m: float, h: float) -> float:
    return (h * h * k + 2.0 * h * c) / m


def inertia_error(v: VehicleParams) -> str | None:
    """Why no body has the stage's principal moments (6-DOF), or None: each is
    at most the sum of the other two."""
    a, b, c = sorted(v.stage_inertia_kg_m2)
    if c > a + b:
        moments = ", ".join(f"{x:g}" for x in v.stage_inertia_kg_m2)
        return (
            f"[vehicle] stage_inertia_kg_m2 = [{moments}]: no body has these principal moments "
            f"(each must be at most the sum of the other two)"
        )
    return None


def _turning_springs(v: VehicleParams, h: float) -> list[tuple[str, float]]:
    """6-DOF: the springs that turn the stage, on its smallest principal moment
    (propellant only adds to it): the footpads all down about a horizontal axis
    (n k r^2 / 2), the bridle at the stage's centre of mass's offset from its
    attachment (the reference point; the tank's offset added, as it drains)."""
    moment = min(v.stage_inertia_kg_m2)
    if v.legged:
        arm2 = 0.5 * v.leg_count * v.leg_radius_m**2
        k, c = arm2 * v.contact_stiffness_N_per_m, arm2 * v.contact_damping_N_s_per_m
        return [("contact", _spring_load(k, c, moment, h))]
    com = [a + b for a, b in zip(v.stage_com_m, v.com_offset_m, strict=True)]
    arm = math.hypot(*com) + math.hypot(*v.tank_com_m)
    k, c = arm * arm * v.bridle_stiffness_N_per_m, arm * arm * v.bridle_damping_N_s_per_m
    return [("bridle", _spring_load(k, c, moment, h))]


def integration_error(v: VehicleParams, plant_rate_Hz: float, six_dof: bool = False) -> str | None:
    """Why the plant step cannot integrate the vehicle's springs, or None; in
    6-DOF also their turning modes and the stage's inertia."""
    if six_dof and (reason := inertia_error(v)):
        return reason
    h = 1.0 / plant_rate_Hz
    stage = v.descent_stage_dry_mass_kg
    springs = []
    if v.legged:  # every footpad's contact on the stage
        k, c = v.leg_count * v.contact_stiffness_N_per_m, v.leg_count * v.contact_damping_N_s_per_m
        springs.append(("contact", _spring_load(k, c, stage, h)))
    else:
        mass = stage * v.rover_mass_kg / (stage + v.rover_mass_kg)  # the two bodies' reduced mass
        k, c = v.bridle_stiffness_N_per_m, v.bridle_damping_N_s_per_m
        springs.append(("bridle", _spring_load(k, c, mass, h)))
        k, c = v.contact_stiffness_N_per_m, v.contact_damping_N_s_per_m
        springs.append(("contact", _spring_load(k, c, v.rover_mass_kg, h)))
    turning = _turning_springs(v, h) if six_dof else []
    masses = [(*s, "masses", "k/m", "c/m") for s in springs]
    moments = [(*s, "moments", "k r^2/I", "c r^2/I") for s in turning]
    for name, load, what, k_per, c_per in masses + moments:
        if load > STIFFNESS_MARGIN:
            return (
                f"[vehicle] {name}_stiffness_N_per_m and {name}_damping_N_s_per_m are too stiff "
                f"for the {what} at plant_rate_Hz = {plant_rate_Hz:g} (h^2 {k_per} + 2 h {c_per} "
                f"= {load:.3g}, over {STIFFNESS_MARGIN:g}): raise the {what} or the plant rate"
            )
    return None


def _corner_value(d: Dispersion, values: tuple[float, ...]) -> Any:
    return int(values[0]) if d.integer else values if d.vector else values[0]


def check_corners(s: Scenario) -> Scenario:
    """The scenario, or a ScenarioError if a campaign's draw could break a
    bound across tables: each dispersion at its min and at its max, then all
    at their mins and all at their maxes (the bounds within one table are
    checked as the dispersions load)."""
    singles = [
        (f"{d.name} = {side}", [(d, v)])
        for d in s.dispersions
        for side, v in (("min", d.low), ("max", d.high))
    ]
    both = [
        (f"every {side}", [(d, getattr(d, attr)) for d in s.dispersions])
        for side, attr in (("min", "low"), ("max", "high"))
    ]
    for label, corner in singles + both:
        by_table: dict[str, dict[str, Any]] = {}
        for d, values in corner:
            by_table.setdefault(d.table, {})[d.field] = _corner_value(d, values)
        try:
            tables = {t: dataclasses.replace(getattr(s, t), **f) for t, f in by_table.items()}
        except ValueError:
            continue
        reason = flight_error(dataclasses.replace(s, **tables))
        if reason:
            raise ScenarioError(f"{shorten(s.source, 320)}: [dispersions] at {label}: {reason}")
    return s
