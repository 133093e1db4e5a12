"""The 6-DOF world's parameters ([sim] dynamics = "6dof"; docs/world.md, "6-DOF").

From a vehicle's few numbers: the engine layout (on a circle, in MSL's four
pairs when there are 8, else evenly spaced; each canted outward by cant_rad
and turned about its radial line by engine_toe_rad, in turn + and -; or the
preset's own, engine_layout), as the flight software knows it (nominal) and
as it is (true: each engine misaligned by a seeded draw, each thrust off by a
seeded mismatch); the dry mass properties of the stage alone and of the stack
with the rover stowed; after an engine-out, or with an engine stuck ([faults]
engine_stuck), the engine count the frame reports (engines_rated: what the
engines give with the torque held).
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from hilander.controller._attitude import py_allocate
from hilander.controller.reference_attitude import ALLOCATE_FORCE_SHORT, ALLOCATE_TORQUE_SHORT
from hilander.sim._rigid import py_mass_properties
from hilander.sim.presets_msr import MSR_SKYCRANE_RIGID, MSR_SRL_RIGID
from hilander.sim.schema import ScenarioError, where
from hilander.sim.shapes import box_inertia

if TYPE_CHECKING:
    from hilander.sim.scenario import Scenario
    from hilander.sim.settings import FaultParams, SimParams
    from hilander.sim.vehicle import VehicleParams

ENGINE_MAX = 16  # ENGINE_MAX of controller/_attitude.pxd
# MSL's eight engines in four pairs at the stage's corners, the two of a pair
# 20 deg apart on the circle (C).
PAIR_SPREAD_RAD = math.radians(10.0)
# The allocator's weight of a torque row (N m) over the force row (N): the
# attitude first (hilander choice).
TORQUE_PRIORITY = 100.0
SEED_STREAM = 0x6D0F  # the draws of the disturbances: their own stream of the seed
# The propellant loads (fractions of a full tank) at which the engine manager
# rates the working engines after an engine-out: the centre of mass it flies
# through, full to empty (hilander choice).
RATING_LOADS = (1.0, 0.75, 0.5, 0.25, 0.0)
SHORT = ALLOCATE_FORCE_SHORT | ALLOCATE_TORQUE_SHORT

Vec3 = tuple[float, float, float]

# The presets' own engine layouts (VehicleParams engine_layout), each in its
# body frame about its centre of mass com_B_m.
EXPLICIT_LAYOUTS: dict[str, dict[str, Any]] = {
    "msr-srl": MSR_SRL_RIGID,
    "msr-skycrane": MSR_SKYCRANE_RIGID,
}


def engine_azimuths(count: int) -> list[float]:
    """Where each engine sits on its circle [rad from body x]."""
    if count == 8:
        corners = [math.pi / 4 + k * math.pi / 2 for k in range(4)]
        return [c + side * PAIR_SPREAD_RAD for c in corners for side in (-1, 1)]
    return [2.0 * math.pi * i / count for i in range(count)]


def explicit_engines(v: VehicleParams, rigid: dict[str, Any]) -> tuple[list[Vec3], list[Vec3]]:
    """A preset's own layout, moved so that its centre of mass falls on the
    vehicle's stage_com_m (the reference points of the two frames differ)."""
    shift = [v.stage_com_m[i] - rigid["com_B_m"][i] for i in range(3)]
    positions: list[Vec3] = [
        (p[0] + shift[0], p[1] + shift[1], p[2] + shift[2]) for p in rigid["position_B_m"]
    ]
    directions: list[Vec3] = [(d[0], d[1], d[2]) for d in rigid["direction_B"]]
    return positions, directions


def nominal_engines(v: VehicleParams) -> tuple[list[Vec3], list[Vec3]]:
    """(positions, force directions) of the engines, body frame: the preset's
    own layout, or on the circle."""
    if v.engine_layout != "circle":
        return explicit_engines(v, EXPLICIT_LAYOUTS[v.engine_layout])
    positions, directions = [], []
    c, toe = v.cant_rad, v.engine_toe_rad
    for i, phi in enumerate(engine_azimuths(v.engine_count)):
        radial = (math.cos(phi), math.sin(phi))
        tangent = (-radial[1], radial[0])
        t = -toe if i % 2 else toe
        # cant: the force leans inward (the plume outward); toe: turned about the radial line
        along_t = -math.cos(c) * math.sin(t)
        directions.append(
            (
                -math.sin(c) * radial[0] + along_t * tangent[0],
                -math.sin(c) * radial[1] + along_t * tangent[1],
                math.cos(c) * math.cos(t),
            )
        )
        r = v.engine_radius_m
        positions.append((r * radial[0], r * radial[1], v.engine_height_m))
    return positions, directions


def misaligned(directions: list[Vec3], sigma_rad: float, rng: np.random.Generator) -> list[Vec3]:
    """Each direction turned by a small seeded angle (sigma per axis across it)."""
    out = []
    for d in directions:
        u = np.array(d)
        kick = sigma_rad * rng.standard_normal(3)
        kick -= u * float(kick @ u)
        turned = u + kick
        out.append(tuple(float(x) for x in turned / np.linalg.norm(turned)))
    return out  # type: ignore[return-value]


def layout(v: VehicleParams, positions: list[Vec3], directions: list[Vec3]) -> dict[str, Any]:
    """The C struct EngineLayout, padded to ENGINE_MAX engines."""
    pad = [(0.0, 0.0, 0.0)] * (ENGINE_MAX - len(positions))
    return {
        "count": len(positions),
        "position_B_m": [list(p) for p in positions + pad],
        "direction_B": [list(d) for d in directions + pad],
        "thrust_max_N": v.engine_thrust_max_N,
        "throttle_min": v.throttle_min,
        "throttle_max": v.throttle_max,
    }


def dry_properties(v: VehicleParams) -> dict[str, Any]:
    """The dry stage (true centre of mass) and the stack with the rover stowed:
    mass, centre of mass and principal moments (the products of inertia of a
    centre of mass off the axis are left out; the parallel-axis terms kept)."""
    stage_com = tuple(a + b for a, b in zip(v.stage_com_m, v.com_offset_m, strict=True))
    parts = [(v.descent_stage_dry_mass_kg, stage_com, v.stage_inertia_kg_m2)]
    if v.rover_mass_kg > 0:
        rover_com = (0.0, 0.0, -v.rover_stowed_offset_m + 0.5 * v.rover_height_m)
        rover_inertia = box_inertia(v.rover_mass_kg, v.rover_footprint_m, v.rover_height_m)
        parts.append((v.rover_mass_kg, rover_com, rover_inertia))
    mass = sum(m for m, _, _ in parts)
    com = [sum(m * c[i] for m, c, _ in parts) / mass for i in range(3)]
    inertia = [0.0, 0.0, 0.0]
    for m, c, moments in parts:
        d = [c[i] - com[i] for i in range(3)]
        for i in range(3):
            inertia[i] += moments[i] + m * (d[(i + 1) % 3] ** 2 + d[(i + 2) % 3] ** 2)
    return {
        "stack_dry_mass_kg": mass,
        "stack_dry_com_B_m": com,
        "stack_dry_inertia_B_kg_m2": inertia,
        "stage_dry_com_B_m": list(stage_com),
        "stage_dry_inertia_B_kg_m2": list(v.stage_inertia_kg_m2),
    }


def delivers(
    lay: dict[str, Any],
    att: dict[str, Any],
    working: int,
    force_N: float,
    com_B_m: list[float],
    stuck: tuple[int, float] | None = None,
) -> bool:
    """Whether the allocator gives force_N along the axis from the first `working`
    engines with no torque about com_B_m, both in full (within floor and ceiling);
    an engine `stuck` (index, throttle) gives its own share, the others the rest."""
    n = lay["count"]
    mask, force, torque = (1 << working) - 1, force_N, np.zeros(3)
    if stuck is not None:
        i, throttle = stuck
        f = throttle * lay["thrust_max_N"] * np.array(lay["direction_B"][i])
        arm = np.array(lay["position_B_m"][i]) - np.array(com_B_m)
        mask, force, torque = mask & ~(1 << i), force - float(f[2]), -np.cross(arm, f)
    bits, _, _ = py_allocate(
        {**lay, "position_B_m": lay["position_B_m"][:n], "direction_B": lay["direction_B"][:n]},
        {**att, "com_B_m": list(com_B_m)},
        mask,
        force,
        [float(x) for x in torque],
    )
    return not bits & SHORT


def nominal_coms(v: VehicleParams) -> list[list[float]]:
    """The centres of mass the flight software expects (no com_offset_m) over
    RATING_LOADS, with the rover stowed (if any) and without."""
    dry = dry_properties(dataclasses.replace(v, com_offset_m=(0.0, 0.0, 0.0)))
    bodies = [(v.descent_stage_dry_mass_kg, dry["stage_dry_com_B_m"], v.stage_inertia_kg_m2)]
    if v.rover_mass_kg > 0:
        stack = (
            dry["stack_dry_mass_kg"],
            dry["stack_dry_com_B_m"],
            dry["stack_dry_inertia_B_kg_m2"],
        )
        bodies.append(stack)
    coms = []
    for mass, com, inertia in bodies:
        for load in RATING_LOADS:
            _, c, _, _ = py_mass_properties(
                mass, com, inertia, load * v.propellant_mass_kg, v.tank_com_m, v.tank_radius_m
            )
            coms.append([float(x) for x in c])
    return coms


def engines_rated(
    v: VehicleParams,
    lay: dict[str, Any],
    att: dict[str, Any],
    stuck: tuple[int, float] | None = None,
) -> int:
    """The engines the frame reports once `engines_out` have failed (the last
    ones), or one is `stuck` (index, throttle): the most k whose full throttle,
    the law's k engines at throttle_max along the axis, the working engines give
    in full with no torque, at every centre of mass the stage flies through (0 if
    none)."""
    working = lay["count"] - v.engines_out
    full_N = lay["throttle_max"] * lay["thrust_max_N"] * math.cos(v.cant_rad)
    coms = nominal_coms(v)
    for k in range(working, 0, -1):
        if all(delivers(lay, att, working, k * full_N, com, stuck) for com in coms):
            return k
    return 0


def engine_counts(s: Scenario, nominal: dict[str, Any], attitude: dict[str, Any]) -> dict[str, Any]:
    """The frame's engine counts once engines are out or one is stuck (engines_rated),
    and that the attitude loop is told of a stuck engine."""
    v, f, six_dof = s.vehicle, s.faults, s.sim.dynamics == "6dof"
    return {
        "engines_rated_out": (
            engines_rated(v, nominal, attitude)
            if six_dof and v.engines_out > 0
            else v.engine_count - v.engines_out
        ),
        "engine_stuck_known": 1,
        "engines_rated_stuck": (
            engines_rated(v, nominal, attitude, (f.engine_stuck - 1, f.engine_stuck_throttle))
            if six_dof and f.engine_stuck > 0
            else v.engine_count
        ),
    }


def sixdof_params(s: Scenario) -> dict[str, Any]:
    """The 6-DOF fields of the C struct WorldParams (filled in 3-DOF too, unused)."""
    v = s.vehicle
    rng = np.random.default_rng(np.random.SeedSequence([s.seed, SEED_STREAM]))
    count = min(v.engine_count, ENGINE_MAX)
    positions, directions = nominal_engines(v)
    positions, directions = positions[:count], directions[:count]
    true_directions = misaligned(directions, v.engine_misalignment_sigma_rad, rng)
    mismatch = np.maximum(0.0, 1.0 + v.thrust_mismatch_sigma * rng.standard_normal(count))
    scale = [float(x) * s.faults.thrust_scale for x in mismatch] + [0.0] * (ENGINE_MAX - count)
    nominal = layout(v, positions, directions)
    attitude = {
        "inertia_B_kg_m2": list(v.stage_inertia_kg_m2),
        "com_B_m": list(v.stage_com_m),
        "bandwidth_radps": v.attitude_bandwidth_radps,
        "damping_ratio": v.attitude_damping_ratio,
        "torque_priority": TORQUE_PRIORITY,
    }
    six_dof = s.sim.dynamics == "6dof"
    return {
        "six_dof": int(six_dof),
        "engines_nominal": nominal,
        "engines_true": layout(v, positions, true_directions),
        "engine_thrust_scale": scale,
        "attitude": attitude,
        **engine_counts(s, nominal, attitude),
        **dry_properties(v),
        "com_offset_B_m": list(v.com_offset_m),
        "tank_com_B_m": list(v.tank_com_m),
        "tank_radius_m": v.tank_radius_m,
        "rcs_torque_max_Nm": v.rcs_torque_max_Nm,
        "rover_com_height_m": 0.5 * v.rover_height_m,
    }


def check_dynamics(v: VehicleParams, sim: SimParams, source: str) -> None:
    """What the 6-DOF world does not fly (this version) is refused on reading."""
    if sim.dynamics != "6dof":
        return
    if v.landing_system == "airbags":
        raise ScenarioError(
            f'{where(source, "sim", "dynamics")} = "6dof": an airbag lander flies in 3-DOF only'
        )
    layout_count = len(EXPLICIT_LAYOUTS.get(v.engine_layout, {}).get("position_B_m", []))
    if layout_count and layout_count != v.engine_count:
        raise ScenarioError(
            f'{where(source, "vehicle", "engine_layout")} = "{v.engine_layout}": '
            f"{layout_count} engines, but engine_count = {v.engine_count}"
        )
    if v.engine_count > ENGINE_MAX:
        raise ScenarioError(
            f'{where(source, "sim", "dynamics")} = "6dof": engine_count = {v.engine_count}, '
            f"over the {ENGINE_MAX} engines a 6-DOF stage may have"
        )


def check_stuck(v: VehicleParams, sim: SimParams, faults: FaultParams, source: str) -> None:
    """A stuck engine ([faults] engine_stuck) is one of the working engines, in 6-DOF:
    the 3-DOF world has one throttle for all its engines."""
    n = faults.engine_stuck
    if n == 0:
        return
    key = f"{where(source, 'faults', 'engine_stuck')} = {n}"
    if sim.dynamics != "6dof":
        raise ScenarioError(f'{key}: a stuck engine flies in 6-DOF only ([sim] dynamics = "6dof")')
    if v.engines_out > 0:
        raise ScenarioError(
            f"{key}: a stuck engine with an engine out is not modelled (engines_out)"
        )
    if v.thrust_pulse_rate_Hz > 0 and faults.engine_stuck_throttle not in (0.0, 1.0):
        raise ScenarioError(
            f"{key}: a pulsed engine's valve sticks open or shut: "
            "engine_stuck_throttle must be 0 or 1"
        )
    if n > v.engine_count:
        raise ScenarioError(
            f"{key}: must be one of the {v.engine_count} engines (1 to {v.engine_count})"
        )
