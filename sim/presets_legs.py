"""Legged landers: retrorockets to the ground on legs, engine cutoff on contact.

Each number cites its entry in mars-landers.md (section and mark: A official,
B secondary, C recalled/unverified, R recomputed) or says it is a hilander
modelling choice. These landers had no onboard hazard map: their scenarios
fly to the nominal target (hazard_altitude_m = 0, no sensor).
"""

import math
from typing import Any

from hilander.sim.presets_msl import MSL_VEHICLE
from hilander.sim.shapes import cylinder_inertia, stability_angle_rad

DEG = math.pi / 180.0

# The sensor and flight-software fields the landers here take from MSL.
SENSOR_KEYS = (
    "control_rate_Hz",
    "radar_rate_Hz",
    "radar_range_max_m",
    "radar_altitude_noise_fraction",
    "radar_altitude_noise_floor_m",
    "radar_velocity_noise_mps",
    "nav_rate_Hz",
    "nav_position_bias_m",
    "nav_position_drift_mps",
    "nav_position_noise_m",
    "nav_velocity_noise_mps",
    "imu_rate_Hz",
    "imu_noise_mps2",
    "mass_estimate_error",
    "thrust_feedback_noise",
)

# What every legged lander here shares: the sensors and flight software of
# MSL_VEHICLE are reused where the reference has nothing of its own (C).
LEGGED_BASE: dict[str, Any] = {
    "landing_system": "legs",
    # No rover: the rover fields are unused but for the footpad height.
    "rover_mass_kg": 0.0,
    "rover_height_m": 0.0,
    "rover_drag_area_m2": 0.0,
    "bridle_length_m": 1.0,
    "bridle_stiffness_N_per_m": 3.0e5,
    "bridle_damping_N_s_per_m": 5000.0,
    "bridle_payout_rate_mps": 1.0,
    "bridle_payout_accel_mps2": 1.0,
    "bridle_load_noise_N": 0.0,
    # Footpad-ground contact, per footpad: hilander choices (C), a few cm of
    # stroke at 2.4 m/s, standing in for the crushable leg struts.
    "contact_stiffness_N_per_m": 1.0e5,
    "contact_damping_N_s_per_m": 1.3e4,
    "friction_coefficient": 0.5,
    "cant_rad": 0.0,
    "engine_layout": "circle",  # 6-DOF: on a circle (each preset's engine_radius_m, ...)
    "engines_out": 0,
    "engine_out_time_s": 0.0,
    "drag_coefficient": 1.0,
    # The whole lander tilts to point its engines: hilander choices (C).
    "slew_rate_max_radps": 20 * DEG,
    "tilt_max_rad": 30 * DEG,
    # Hydrazine monopropellant ≈220 s (as the MLE, §1.1, C).
    "isp_s": 220.0,
    # Sensors and flight-software rates as MSL's (§1.4; C for these vehicles).
    **{key: MSL_VEHICLE[key] for key in SENSOR_KEYS},
    # No hazard sensor: the map fields are placeholders.
    "hazard_altitude_m": 0.0,
    "hazard_map_cells": 64,
    "hazard_cell_size_m": 8.0,
    "hazard_cost_noise": 0.0,
    "hazard_false_safe_rate": 0.0,
    "hazard_false_hazard_rate": 0.0,
    "hazard_elevation_noise_m": 0.0,
    # What the lander survives under its footprint: hilander choices (C).
    "rover_footprint_m": 3.0,
    "rover_rock_height_max_m": 0.35,
    "rover_slope_max_rad": 16 * DEG,
    # 6-DOF: disturbances and the world's attitude loop, hilander choices (C):
    # 3 rad/s keeps the pulsed thrusters' landings on their site (2 rad/s left
    # InSight 27 m off it).
    "com_offset_m": (0.01, -0.01, 0.0),
    "engine_toe_rad": 0.0,
    "engine_misalignment_sigma_rad": 0.25 * DEG,
    "thrust_mismatch_sigma": 0.01,
    "attitude_bandwidth_radps": 3.0,
    "attitude_damping_ratio": 0.8,
}

VIKING_VEHICLE: dict[str, Any] = {
    **LEGGED_BASE,
    # Lander ≈657 kg at launch with 85 kg of hydrazine (NASA fact sheet via
    # heroicrelics.org, §2, A): 572 kg dry (R).
    "descent_stage_dry_mass_kg": 572.0,
    "propellant_mass_kg": 85.0,
    # Geometry: hilander choices (C): footpads 1.2 m below the reference
    # point, body bottom 0.45 m below it, footpads 1.3 m from the axis.
    "rover_stowed_offset_m": 1.2,
    "descent_stage_bottom_m": 0.75,
    "leg_count": 3,
    "leg_radius_m": 1.3,
    # Three terminal descent engines, throttleable 276-2,667 N each (§2, A).
    "engine_count": 3,
    "engine_thrust_max_N": 2667.0,
    "throttle_min": 276.0 / 2667.0,
    "throttle_max": 1.0,
    "throttle_time_constant_s": 0.05,
    "throttle_rate_max_per_s": 2.0,
    "thrust_pulse_rate_Hz": 0.0,
    "descent_stage_drag_area_m2": 7.0,
    # 6-DOF (C): the body as a solid cylinder 0.9 m in radius and 0.5 m tall
    # about the reference point; the hydrazine as one sphere of its volume
    # (R); the 3 engines on a 0.9 m circle 0.4 m below the reference point;
    # roll by reaction control thrusters (§2; their torque C).
    "stage_inertia_kg_m2": cylinder_inertia(572.0, 0.9, 0.5),
    "stage_com_m": (0.0, 0.0, 0.0),
    "tank_com_m": (0.0, 0.0, 0.1),
    "tank_radius_m": 0.27,
    "engine_radius_m": 0.9,
    "engine_height_m": -0.4,
    "rcs_torque_max_Nm": 100.0,
}

PHOENIX_VEHICLE: dict[str, Any] = {
    **LEGGED_BASE,
    # Lander ≈350 kg dry and ≈65 kg of hydrazine at powered-descent start:
    # not in the reference (C, hilander estimates).
    "descent_stage_dry_mass_kg": 350.0,
    "propellant_mass_kg": 65.0,
    # Geometry: hilander choices (C).
    "rover_stowed_offset_m": 1.0,
    "descent_stage_bottom_m": 0.55,
    "leg_count": 3,
    "leg_radius_m": 1.1,
    # Twelve pulsed hydrazine thrusters of ≈68 lbf (≈300 N), pulsing 10 times
    # a second (InSight, same EDL as Phoenix: Spaceflight Now, §2 and §1.4, B).
    "engine_count": 12,
    "engine_thrust_max_N": 300.0,
    "thrust_pulse_rate_Hz": 10.0,
    # Shortest useful pulse, 5 % of the period; the valves open in about
    # 10 ms; the duty may change at once (hilander choices, C).
    "throttle_min": 0.05,
    "throttle_max": 1.0,
    "throttle_time_constant_s": 0.01,
    "throttle_rate_max_per_s": 10.0,
    "descent_stage_drag_area_m2": 4.0,
    # 6-DOF (C): a solid cylinder 0.75 m in radius and 0.6 m tall; the
    # hydrazine as one sphere (R); the 12 thrusters on a 0.8 m circle 0.4 m
    # below the reference point, each turned 5 deg about its radial line in
    # turn + and -, for roll.
    "stage_inertia_kg_m2": cylinder_inertia(350.0, 0.75, 0.6),
    "stage_com_m": (0.0, 0.0, 0.0),
    "tank_com_m": (0.0, 0.0, 0.1),
    "tank_radius_m": 0.25,
    "engine_radius_m": 0.8,
    "engine_height_m": -0.4,
    "engine_toe_rad": 5 * DEG,
    "rcs_torque_max_Nm": 0.0,
}

INSIGHT_VEHICLE: dict[str, Any] = {
    **PHOENIX_VEHICLE,
    # InSight: the Phoenix design (§2, B), ≈360 kg dry with ≈67 kg of
    # hydrazine (C, hilander estimates).
    "descent_stage_dry_mass_kg": 360.0,
    "propellant_mass_kg": 67.0,
}

TIANWEN1_VEHICLE: dict[str, Any] = {
    **LEGGED_BASE,
    # Lander with Zhurong aboard: masses are not in the reference (C,
    # hilander estimates that let the one engine brake from 100 m/s in 2 km).
    "descent_stage_dry_mass_kg": 750.0,
    "propellant_mass_kg": 220.0,
    # Four buffer legs (§2, A); geometry hilander choices (C).
    "rover_stowed_offset_m": 1.3,
    "descent_stage_bottom_m": 0.7,
    "leg_count": 4,
    "leg_radius_m": 1.6,
    # One 7,500 N variable-thrust engine (Xinhua, §2, A); its floor and lag,
    # and a bipropellant's ≈310 s, are hilander choices (C).
    "engine_count": 1,
    "engine_thrust_max_N": 7500.0,
    "throttle_min": 0.2,
    "throttle_max": 1.0,
    "throttle_time_constant_s": 0.05,
    "throttle_rate_max_per_s": 2.0,
    "thrust_pulse_rate_Hz": 0.0,
    "isp_s": 310.0,
    "descent_stage_drag_area_m2": 6.0,
    # 6-DOF (C): a solid cylinder 1 m in radius and 0.8 m tall; the
    # propellant as one sphere of its volume at ≈1.2 t/m^3 (R); the engine on
    # the axis, 0.5 m below the reference point: attitude by reaction control
    # thrusters (§2; their torque C).
    "stage_inertia_kg_m2": cylinder_inertia(750.0, 1.0, 0.8),
    "stage_com_m": (0.0, 0.0, 0.0),
    "tank_com_m": (0.0, 0.0, 0.1),
    "tank_radius_m": 0.35,
    "engine_radius_m": 0.0,
    "engine_height_m": -0.5,
    "rcs_torque_max_Nm": 300.0,
    # Laser 3-D imaging at the hover near 100 m (§2, A): a 100 m square map of
    # 2 m cells (C), delivered 5 m above the hover point, as the lander slows
    # into it.
    "hazard_altitude_m": 105.0,
    "hazard_map_cells": 50,
    "hazard_cell_size_m": 2.0,
    "hazard_cost_noise": 0.005,
    "hazard_false_safe_rate": 0.002,
    "hazard_false_hazard_rate": 0.02,
    "hazard_elevation_noise_m": 0.1,
}

LEGGED_LIMITS: dict[str, Any] = {
    # Legged touchdown ≈2.4 m/s nominal (Phoenix, InSight, MPL; Viking ≈2
    # m/s: §6 and §2, B/C); the band and the horizontal cap are hilander
    # choices (C) for crushable legs.
    "touchdown_vertical_speed_min_mps": 1.0,
    "touchdown_vertical_speed_max_mps": 3.5,
    "touchdown_horizontal_speed_max_mps": 1.0,
    "site_miss_max_m": 20.0,
    # No tether: these two are unused.
    "tether_cut_delay_min_s": 0.0,
    "tether_cut_delay_max_s": 1.0,
    "flyaway_distance_min_m": 0.0,
    # Propellant left at cutoff (hilander choice, C).
    "propellant_reserve_kg": 2.0,
    # Engines off on touchdown (Phoenix "safes" the propulsion, §2, B); two
    # 50 Hz samples make 40 ms; 0.5 s allows a late sample (C).
    "engine_cutoff_delay_max_s": 0.5,
    # 6-DOF: the lander at touchdown within 10 deg of vertical, turning slower
    # than 0.25 rad/s (C); the stability angle of each lander is its own.
    "touchdown_tilt_max_rad": 10 * DEG,
    "touchdown_rate_max_radps": 0.25,
    "tip_over_tilt_rad": 25 * DEG,
}


def legged_limits(vehicle: dict[str, Any]) -> dict[str, Any]:
    """LEGGED_LIMITS with the lander's own stability angle on flat ground (R):
    footpads on their circle, the dry centre of mass above them."""
    height_m = vehicle["rover_stowed_offset_m"] + vehicle["stage_com_m"][2]
    angle = stability_angle_rad(vehicle["leg_count"], vehicle["leg_radius_m"], height_m)
    return {**LEGGED_LIMITS, "tip_over_tilt_rad": angle}


# The law's terminal descent for legs: the profile ends at
# sky_crane_altitude_m, then a constant 2.4 m/s to the ground (the legged
# touchdown speed, §6, B/C); Viking's predesign stabilised at 1.5 m/s from
# 25 m (SP-4212, §2, A). Contact sensing arms at 40 m (MPL, §3.1, A).
LEGGED_LAW: dict[str, Any] = {
    "sky_crane_altitude_m": 15.0,
    "sky_crane_speed_mps": 2.4,
    "sky_crane_horizontal_speed_max_mps": 0.3,
    "td_arm_altitude_m": 40.0,
    "td_contact_samples": 2,
}

# Convex guidance's plan leaves the terminal phases their propellant:
# measured from the gate to touchdown over 8 runs of each campaign (Viking
# 19.5-20.5 kg, Phoenix and InSight 11.8-12.4 kg, Tianwen-1 with its hover
# 55.5-60.9 kg), the 2 kg reserve, and a margin of about 10 %.
VIKING_LAW: dict[str, Any] = {**LEGGED_LAW, "plan_reserve_kg": 25.0}
PHOENIX_LAW: dict[str, Any] = {**LEGGED_LAW, "plan_reserve_kg": 16.0}

# Tianwen-1: hover near 100 m to map and pick a flat spot, then descend
# slowly (Xinhua, §2, A): the gate is the hover point; the pace of the slow
# descent (1.5 m/s from 15 m) and the 10 s hover are hilander choices (C).
TIANWEN1_LAW: dict[str, Any] = {
    **LEGGED_LAW,
    "gate_altitude_m": 100.0,
    "gate_speed_mps": 4.0,
    "hover_s": 10.0,
    "sky_crane_speed_mps": 1.5,
    "final_decel_mps2": 0.1,
    "divert_max_m": 40.0,
    "site_clearance_min_m": 8.0,
    "site_clearance_pref_m": 15.0,
    "plan_reserve_kg": 68.0,
}

LEGGED_PRESETS: dict[str, dict[str, Any]] = {
    "viking": {
        "scenario": "viking",
        "description": "Viking 1/2 (1976) on legs: 3 throttled engines, 276-2,667 N each",
        "source": "mars-landers.md §2 (NASA fact sheet via heroicrelics.org, A)",
        "vehicle": VIKING_VEHICLE,
        "limits": legged_limits(VIKING_VEHICLE),
        "law": VIKING_LAW,
    },
    "phoenix": {
        "scenario": "phoenix",
        "description": "Phoenix (2008) on legs: 12 pulsed 300 N thrusters at 10 Hz",
        "source": "mars-landers.md §2 (Spaceflight Now, space.com, B)",
        "vehicle": PHOENIX_VEHICLE,
        "limits": legged_limits(PHOENIX_VEHICLE),
        "law": PHOENIX_LAW,
    },
    "tianwen1": {
        "scenario": "tianwen1",
        "description": "Tianwen-1 (2021) on 4 legs: one 7,500 N engine, hover at 100 m to map",
        "source": "mars-landers.md §2 (Xinhua text, A; China News Service, B)",
        "vehicle": TIANWEN1_VEHICLE,
        "limits": legged_limits(TIANWEN1_VEHICLE),
        "law": TIANWEN1_LAW,
    },
    "insight": {
        "scenario": "insight",
        "description": "InSight (2018), Phoenix's design: 12 pulsed 300 N thrusters at 10 Hz",
        "source": "mars-landers.md §2 (Spaceflight Now via soylentnews, cbsnews, B)",
        "vehicle": INSIGHT_VEHICLE,
        "limits": legged_limits(INSIGHT_VEHICLE),
        "law": PHOENIX_LAW,
    },
}
