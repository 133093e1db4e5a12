"""The Mars Sample Return landers: the 2022 Sample Retrieval Lander on legs
(msr-srl) and NASA's 2025 sky-crane option (msr-skycrane).

Neither has flown and few numbers are public: each cites its entry in
mars-landers.md §2.1, landers.md §2.2 (mark: A official, B secondary, C recalled,
unverified or estimated, R recomputed) or says it is a hilander estimate (C).
Both land in the "pancake-flat landing zone with a 200-foot (60-meter)
radius" the MSR EDL team sought near Perseverance's site in Jezero (§2.1,
A/B): the zone is pre-selected, so no hazard map is flown (hazard_altitude_m
= 0) and the verdict's site miss is held to the zone's 60 m.

MSR_SRL_RIGID and MSR_SKYCRANE_RIGID hold the landers as rigid bodies (engine
layout, sizes, inertia, centre of mass, legs, tip-over angle). The 6-DOF
world ([sim] dynamics = "6dof") flies their engine layouts (VehicleParams
engine_layout = "msr-srl", "msr-skycrane"; hilander.sim.sixdof), placed so
that com_B_m falls on the vehicle's stage_com_m; the VehicleParams fields
restate the rest (inertia, legs, tip-over angle); the 3-DOF world reads none
of them. Their engines are given as the law's EngineLayout takes them
(controller/_attitude.pxd): position_B_m and the unit force on the stage
direction_B in the body frame B, whose origin is each dict's reference point
(z up the thrust axis), and com_B_m the centre of mass from that point.
"""

import math
from typing import Any

from hilander.sim.presets_legs import LEGGED_BASE, LEGGED_LAW, legged_limits
from hilander.sim.presets_msl import M2020_VEHICLE, MSL_LIMITS
from hilander.sim.shapes import box_inertia, cylinder_inertia

DEG = math.pi / 180.0

# "A pancake-flat landing zone with a 200-foot (60-meter) radius" (§2.1, A/B).
MSR_LANDING_ZONE_RADIUS_M = 60.0
# "As much as 5,016 pounds (2,275 kilograms)" at touchdown (§2.1, A).
MSR_SRL_LANDED_MASS_MAX_KG = 2275.0


def tip_over_angle_rad(leg_count: int, footpad_radius_m: float, com_height_m: float) -> float:
    """Static tip-over angle (R): the slope at which the centre of mass,
    com_height_m above the footpad plane, stands over the support polygon's
    edge. With n footpads on a circle of radius r the polygon's edge is
    r cos(pi / n) from the axis (the worst direction, between two feet):
    atan(r cos(pi / n) / h)."""
    return math.atan2(footpad_radius_m * math.cos(math.pi / leg_count), com_height_m)


def cylinder_inertia_kg_m2(mass_kg: float, radius_m: float, height_m: float) -> tuple[float, ...]:
    """(Ixx, Iyy, Izz) about the centre of mass of a uniform solid cylinder,
    its axis z (R): Izz = m R^2 / 2, Ixx = Iyy = m (3 R^2 + H^2) / 12."""
    transverse = mass_kg * (3.0 * radius_m**2 + height_m**2) / 12.0
    return (transverse, transverse, 0.5 * mass_kg * radius_m**2)


def box_inertia_kg_m2(mass_kg: float, side_m: float, height_m: float) -> tuple[float, ...]:
    """(Ixx, Iyy, Izz) of a uniform square box, side_m across, height_m tall
    (R): Izz = m (2 a^2) / 12, Ixx = Iyy = m (a^2 + H^2) / 12."""
    transverse = mass_kg * (side_m**2 + height_m**2) / 12.0
    return (transverse, transverse, mass_kg * 2.0 * side_m**2 / 12.0)


def ring_positions_m(count: int, radius_m: float, z_m: float, phase_rad: float) -> list[Any]:
    """Engine positions in the body frame B (x, y, z from the stage's
    reference point, as the law's EngineLayout takes them), count engines
    evenly spaced on a ring z_m above that point (R from the C layout)."""
    step = 2.0 * math.pi / count
    return [
        (
            round(radius_m * math.cos(phase_rad + i * step), 6),
            round(radius_m * math.sin(phase_rad + i * step), 6),
            z_m,
        )
        for i in range(count)
    ]


def canted_directions(cant_rad: float, exhaust_azimuths_rad: list[float]) -> list[Any]:
    """Each engine's unit force on the stage, direction_B (R from the C cant).

    Engine i exhausts cant_rad off the thrust axis, down and toward the
    azimuth exhaust_azimuths_rad[i] (0 along body x); the force on the stage
    is the opposite, (-sin c cos b, -sin c sin b, cos c). An engine at
    azimuth a, radius r, canted straight outward (b = a) has no roll moment;
    canted off its radial it has t r sin c sin(a - b) at thrust t: pairs
    canted apart trade roll torque by throttling one up and the other down."""
    c = cant_rad
    return [
        (
            round(-math.sin(c) * math.cos(b), 9),
            round(-math.sin(c) * math.sin(b), 9),
            round(math.cos(c), 9),
        )
        for b in exhaust_azimuths_rad
    ]


# The Sample Retrieval Lander, 2022 concept: the heaviest lander, on legs.
MSR_SRL_MAV_KG = 400.0  # Mars Ascent Vehicle "around 400 kg" (Orbital Index, landers.md §2.2, B)
MSR_SRL_PLATFORM_KG = 1800.0  # lander, arm, helicopters, power (C: the rest of the dry mass)
MSR_SRL_VEHICLE: dict[str, Any] = {
    **LEGGED_BASE,
    # Dry 2,200 kg = MAV 400 kg (B) + platform 1,800 kg (C); with the ≈50-70
    # kg of propellant left at touchdown the lander weighs up to the 2,275 kg
    # NASA quotes (§2.1, A; tests/sim/test_msr.py adds it up).
    "descent_stage_dry_mass_kg": MSR_SRL_MAV_KG + MSR_SRL_PLATFORM_KG,
    # Landing propellant: not public (§2.1, C); ≈210 kg burned from 2 km at
    # 75 m/s (R, scenario msr-srl) and ≈60 kg left, so that the landed mass
    # stays within the 2,275 kg (C).
    "propellant_mass_kg": 270.0,
    # Geometry (C): the 3-DOF world's reference point is the centre of mass
    # (MSR_SRL_RIGID's body frame has its own, on the footpad plane), the
    # footpads 1.4 m below it on a 2.5 m circle, the belly 0.8 m below it (0.6 m of
    # clearance: "we don't want the lander's feet to sink so far that the
    # bottom of the lander hits the ground", landers.md §2.2, B-).
    "rover_stowed_offset_m": 1.4,
    "descent_stage_bottom_m": 0.8,
    # Four legs and footpads (landers.md §2.2, C for the count).
    "leg_count": 4,
    "leg_radius_m": 2.5,
    # Crushable legs for a 2.2 t lander (C): 2.5e5 N/m and 1.9e4 N s/m per
    # footpad, damping ratio ≈0.8. A drop at 2.4 m/s strokes 5.1 cm at the
    # peak (simulated, R); 11.4 cm, v sqrt(m / 4k) at 2,260 kg landed, would
    # bound it undamped (R).
    "contact_stiffness_N_per_m": 2.5e5,
    "contact_damping_N_s_per_m": 1.9e4,
    # "12 rocket engines" (§2.1, A); throttled MLE-class engines of ≈3.1 kN
    # (MSL's MR-80B, §1.1, A/B; C for the SRL): thrust-to-weight ≈4.0 at
    # powered descent (R; MSL's ≈3.4, §1.7), hover near 23 % at touchdown
    # (R). Floor 10 % (§1.1, C/R); lag and rate as MSL's (C). This departs
    # from §2.1's advice, a thrust-to-weight like Phoenix's: Phoenix's mass
    # at powered descent is not in the stores, so its T/W is no sourced
    # number, and matching it would take 12 engines of a size no Mars lander
    # flew (its ≈300 N pulsed thrusters, §2, hold up only ≈970 kg). The
    # preset takes the one throttled Mars engine in the reference, the MLE,
    # and accepts the higher T/W (landers.md §2.2).
    "engine_count": 12,
    "engine_thrust_max_N": 3100.0,
    "throttle_min": 0.10,
    "throttle_max": 1.0,
    "throttle_time_constant_s": 0.05,
    "throttle_rate_max_per_s": 2.0,
    "thrust_pulse_rate_Hz": 0.0,
    # Engines canted 10° off the axis, outward and 30° to the side (C;
    # MSR_SRL_RIGID); the 3-DOF world charges the cant as axial thrust lost,
    # cos 10° = 0.985 (R).
    "cant_rad": 10 * DEG,
    # A 4.6 m deck (the 2.8 m MAV lies on it, landers.md §2.2, B): ≈17 m² (C).
    "descent_stage_drag_area_m2": 17.0,
    # The lander is the launch pad for the MAV: it must stand level (C).
    "rover_footprint_m": 5.0,
    "rover_rock_height_max_m": 0.35,
    "rover_slope_max_rad": 10 * DEG,
    # 6-DOF world: a solid cylinder (C, R) flying MSR_SRL_RIGID's engines,
    # their centre of mass on the reference point (docs/world.md, 6-DOF): the
    # ring 0.6 m below it. The circle's fields restate the ring; unused.
    "stage_inertia_kg_m2": cylinder_inertia(2200.0, 2.3, 1.5),
    "stage_com_m": (0.0, 0.0, 0.0),
    "tank_com_m": (0.0, 0.0, 0.0),
    "tank_radius_m": 0.4,
    "engine_layout": "msr-srl",
    "engine_radius_m": 1.9,
    "engine_height_m": -0.6,
    "engine_toe_rad": 0.0,
    "rcs_torque_max_Nm": 0.0,
}

MSR_SRL_LIMITS: dict[str, Any] = {
    **legged_limits(MSR_SRL_VEHICLE),  # its stability angle, 51.6° (R)
    # Inside the 60 m landing zone (§2.1, A/B), around its centre, the target.
    "site_miss_max_m": MSR_LANDING_ZONE_RADIUS_M,
}

# Legged terminal descent (presets_legs.py: 2.4 m/s from 15 m, §6, B/C).
# Convex guidance's plan reserve: 78.7-81.1 kg measured from the gate to
# touchdown (scenario msr-srl and 8 runs of its campaign), the 2 kg reserve
# and about 10 % margin.
MSR_SRL_LAW: dict[str, Any] = {**LEGGED_LAW, "plan_reserve_kg": 90.0}

# The lander as a rigid body (the 6-DOF world flies its engines):
# docs/landers.md §2.2 (C unless marked).
MSR_SRL_RIGID: dict[str, Any] = {
    # Deck 4.6 m across, 1.5 m tall (C); the 2.8 m MAV lies on it (B).
    "stage_diameter_m": 4.6,
    "stage_height_m": 1.5,
    # Body frame B (the law's): origin at the reference point, on the stage's
    # axis in the plane of the footpads' soles (legs unstroked); z up the
    # thrust axis. Centre of mass 1.4 m above it, with the MAV on the deck (C).
    "com_height_m": 1.4,
    "com_B_m": (0.0, 0.0, 1.4),
    # 12 engines (A), evenly spaced 30° apart on a 1.9 m ring (C), 0.8 m
    # above the reference point, 0.6 m below the centre of mass (C). Each is
    # canted 10° off the axis (C), its exhaust 30° off its outward radial,
    # neighbours canted apart (C: a hilander choice, for roll; outward keeps
    # the plumes off the legs and deck): ±511 N m of roll per engine (R).
    "engine_count": 12,
    "engine_cant_rad": 10 * DEG,
    "position_B_m": ring_positions_m(12, 1.9, 0.8, 15 * DEG),
    "direction_B": canted_directions(
        10 * DEG, [(15 + 30 * i + (30 if i % 2 else -30)) * DEG for i in range(12)]
    ),
    # Uniform solid cylinder, 2.3 m radius, 1.5 m tall (R from C inputs),
    # dry (2,200 kg) and wet (2,470 kg): Ixx = Iyy ≈ 3,322 / 3,730 kg m²,
    # Izz ≈ 5,819 / 6,533 kg m².
    "inertia_dry_kg_m2": cylinder_inertia_kg_m2(2200.0, 2.3, 1.5),
    "inertia_wet_kg_m2": cylinder_inertia_kg_m2(2470.0, 2.3, 1.5),
    # Four legs (C), footpads 0.41 m across (B-: NASA's feature as garbled
    # paraphrase on yourshepway.co.uk, landers.md §2.2; the stored nasa.gov
    # page stops before it) on a 2.5 m circle (C), 0.3 m of crushable stroke (C).
    "leg_count": 4,
    "footpad_radius_m": 2.5,
    "footpad_diameter_m": 0.41,
    "leg_stroke_m": 0.3,
    # atan(2.5 cos 45° / 1.4) ≈ 51.6° between two feet (R); 60.8° toward one.
    "tip_over_angle_rad": tip_over_angle_rad(4, 2.5, 1.4),
}

# NASA's 2025 sky-crane option: the lander platform and a smaller MAV
# lowered on tethers by an MSL-heritage descent stage (§2.1, B).
MSR_SKYCRANE_VEHICLE: dict[str, Any] = {
    **M2020_VEHICLE,
    # Platform with its smaller MAV and a radioisotope power system (§2.1,
    # B): 1,050 kg (C, about what the heritage sky crane lowered: 1,025 kg,
    # §1.1, A/B). Descent stage as MSL's (≈820 kg dry, §1.1, C); propellant
    # 410 kg (C): a powered-descent vehicle of 2,280 kg (R).
    "rover_mass_kg": 1050.0,
    "propellant_mass_kg": 410.0,
    # The platform stands on its own feet, 1.5 m to its tether attachment (C).
    "rover_height_m": 1.5,
    # MLEs canted 15° off the axis, along their pair's diagonal (C;
    # MSR_SKYCRANE_RIGID): cos 15° = 0.966 of the thrust along the axis (R).
    "cant_rad": 15 * DEG,
    # No map: the zone is pre-selected (module docstring).
    "hazard_altitude_m": 0.0,
    "hazard_cost_noise": 0.0,
    "hazard_false_safe_rate": 0.0,
    "hazard_false_hazard_rate": 0.0,
    "hazard_elevation_noise_m": 0.0,
    # A launch pad must stand level (C).
    "rover_footprint_m": 3.2,
    "rover_rock_height_max_m": 0.35,
    "rover_slope_max_rad": 10 * DEG,
    # 6-DOF world: MSL's stage as a box (C, R) flying MSR_SKYCRANE_RIGID's
    # engines, their centre of mass on the reference point (MSL's
    # stage_com_m): the engines level with it (docs/world.md, 6-DOF). The
    # circle's fields restate the ring; unused.
    "stage_inertia_kg_m2": box_inertia(820.0, 3.0, 1.2),
    "engine_layout": "msr-skycrane",
    "engine_radius_m": 1.7,
    "engine_height_m": 0.0,
    "engine_toe_rad": 0.0,
}

MSR_SKYCRANE_LIMITS: dict[str, Any] = {
    **MSL_LIMITS,
    "site_miss_max_m": MSR_LANDING_ZONE_RADIUS_M,
}

# Convex guidance's plan reserve: 107.0-112.4 kg measured from the gate to
# the cut (scenario msr-skycrane and 8 runs of its campaign), the 20 kg
# reserve and a few kg over (Perseverance's: 130 kg, presets.py).
MSR_SKYCRANE_LAW: dict[str, Any] = {"plan_reserve_kg": 135.0}

# The descent stage and platform as rigid bodies (the 6-DOF world flies the
# stage's engines): docs/landers.md §2.2 (C unless marked).
MSR_SKYCRANE_RIGID: dict[str, Any] = {
    # Descent stage: MSL's, ≈3.0 m square and 1.2 m tall (C).
    "stage_width_m": 3.0,
    "stage_height_m": 1.2,
    # Body frame B (the law's): origin at the reference point, the centre of
    # the stage's bottom face; z up the thrust axis. The stage's own centre of
    # mass (a uniform box, below) 0.6 m above it (C).
    "com_B_m": (0.0, 0.0, 0.6),
    # 8 MLEs (A for MSL) in four pairs at the corners (C), ±8° about each
    # diagonal, 1.7 m from the axis, level with the centre of mass (C). Both
    # engines of a pair are canted 15° (C) along the pair's diagonal, so each
    # is 8° off its own radial: ±191 N m of roll per engine (R). MSL's MLE
    # pairs are canted for roll control too, but their angles are not in the
    # stores: this arrangement is C.
    "engine_count": 8,
    "engine_cant_rad": 15 * DEG,
    "position_B_m": [
        (round(1.7 * math.cos(c + s), 6), round(1.7 * math.sin(c + s), 6), 0.6)
        for c in (45 * DEG, 135 * DEG, 225 * DEG, 315 * DEG)
        for s in (-8 * DEG, 8 * DEG)
    ],
    "direction_B": canted_directions(
        15 * DEG, [c * DEG for c in (45, 45, 135, 135, 225, 225, 315, 315)]
    ),
    # Stage alone as a uniform box, dry (820 kg) and wet (1,230 kg) (R from C).
    "inertia_dry_kg_m2": box_inertia_kg_m2(820.0, 3.0, 1.2),
    "inertia_wet_kg_m2": box_inertia_kg_m2(1230.0, 3.0, 1.2),
    # Three bridles (§1.3, A for MSL) from a 0.8 m circle under the stage (C).
    "bridle_count": 3,
    "bridle_attach_radius_m": 0.8,
    # Platform: 3.2 m across, 1.5 m tall (C), centre of mass 0.9 m above its
    # feet with the MAV (C); four legs, footpads on a 1.5 m circle (C), 0.2 m
    # of stroke (C): tip-over at atan(1.5 cos 45° / 0.9) ≈ 49.7° (R).
    "payload_diameter_m": 3.2,
    "payload_height_m": 1.5,
    "payload_inertia_kg_m2": cylinder_inertia_kg_m2(1050.0, 1.6, 1.5),
    "com_height_m": 0.9,  # the platform's, above its feet (for the tip-over)
    "leg_count": 4,
    "footpad_radius_m": 1.5,
    "leg_stroke_m": 0.2,
    "tip_over_angle_rad": tip_over_angle_rad(4, 1.5, 0.9),
}

MSR_PRESETS: dict[str, dict[str, Any]] = {
    "msr-srl": {
        "scenario": "msr-srl",
        "description": (
            "Mars Sample Return lander (2022 concept) on 4 legs: 12 engines, 2,275 kg landed"
        ),
        "source": "mars-landers.md §2.1, landers.md §2.2 (NASA/JPL leg tests, A; C)",
        "vehicle": MSR_SRL_VEHICLE,
        "limits": MSR_SRL_LIMITS,
        "law": MSR_SRL_LAW,
    },
    "msr-skycrane": {
        "scenario": "msr-skycrane",
        "description": "Mars Sample Return (2025 option): lander and MAV lowered by sky crane",
        "source": "mars-landers.md §2.1, landers.md §2.2 (NASA 7 Jan 2025, B; C)",
        "vehicle": MSR_SKYCRANE_VEHICLE,
        "limits": MSR_SKYCRANE_LIMITS,
        "law": MSR_SKYCRANE_LAW,
    },
}
