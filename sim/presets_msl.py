"""The sky-crane presets, MSL and Mars 2020, each number with its source.

Sources are the entries of the project's reference, mars-landers.md (section
and confidence mark: A official, B secondary, C recalled/unverified, R
recomputed). Where a number is a hilander modelling choice with no public
source, the comment says so; override it in a scenario's [vehicle] table.
"""

import math
from typing import Any

from hilander.sim.shapes import cylinder_inertia

DEG = math.pi / 180.0

MSL_VEHICLE: dict[str, Any] = {
    # Sky crane: rover lowered on bridles, tether cut, flyaway (§1.3, A/B).
    "landing_system": "sky_crane",
    "leg_count": 0,
    "leg_radius_m": 0.0,
    # Rover 899 kg: NASA figures quoted by roamingastronomer (§1.1, A/B).
    "rover_mass_kg": 899.0,
    # Descent stage dry ≈800-850 kg (§1.1, C).
    "descent_stage_dry_mass_kg": 820.0,
    # 390 kg of landing propellant (§1.1, B); powered-descent vehicle 2,109 kg,
    # against ≈1,900-2,100 kg (§1.1, C).
    "propellant_mass_kg": 390.0,
    # Geometry: hilander choices (C): rover deck 1.1 m above its wheels,
    # stowed 0.5 m below the stage reference point; stage bottom 0.5 m below it.
    "rover_stowed_offset_m": 1.6,
    "rover_height_m": 1.1,
    "descent_stage_bottom_m": 0.5,
    # 8 Mars Lander Engines, 25,000 N in all (JPL TRS 2014/44159, §1.1, A).
    "engine_count": 8,
    "engine_thrust_max_N": 25000.0 / 8,
    # Throttle floor: 10-15 % of maximum is defensible (§1.1, C/R).
    "throttle_min": 0.10,
    "throttle_max": 1.0,
    # Throttle lag and rate, thrust-axis slew and tilt: hilander choices (C).
    "throttle_time_constant_s": 0.05,
    "throttle_rate_max_per_s": 2.0,
    "slew_rate_max_radps": 20 * DEG,
    "tilt_max_rad": 45 * DEG,
    # Engine cant: not in the reference (§7, gap 2); set it for your vehicle.
    "cant_rad": 0.0,
    # Hydrazine monopropellant, ≈220-225 s steady state (§1.1, C).
    "isp_s": 220.0,
    "engines_out": 0,
    "engine_out_time_s": 0.0,
    # Throttled Mars Lander Engines, not pulsed.
    "thrust_pulse_rate_Hz": 0.0,
    # Drag areas and coefficient: hilander estimates (C); Mars air barely
    # matters at these speeds (≈0.02 kg/m^3, §5).
    "descent_stage_drag_area_m2": 7.0,
    "rover_drag_area_m2": 6.0,
    "drag_coefficient": 1.0,
    # Bridle 25 ft ≈ 7.6 m (Air & Space, B); 7.5 m commonly quoted (§1.3, C).
    "bridle_length_m": 7.5,
    # Nylon bridle stiffness and damping, payout speed and ramp: hilander
    # choices (C) that lower the rover in about 7 s.
    "bridle_stiffness_N_per_m": 3.0e5,
    "bridle_damping_N_s_per_m": 5000.0,
    "bridle_payout_rate_mps": 1.25,
    "bridle_payout_accel_mps2": 1.0,
    # Wheel-ground contact: hilander choices (C), about 3 cm static sinkage.
    "contact_stiffness_N_per_m": 1.0e5,
    "contact_damping_N_s_per_m": 1.3e4,
    "friction_coefficient": 0.5,
    # No rock over 66 cm under the belly pan (Lakdawalla, §1.3, B); slopes
    # under 30 deg (NavFilter slides, §1.3, B); footprint ≈3 m (C).
    "rover_footprint_m": 3.0,
    "rover_rock_height_max_m": 0.66,
    "rover_slope_max_rad": 30 * DEG,
    # GN&C rate often quoted as 64 Hz (§1.4, C low); 50 Hz keeps a whole
    # number of 1 kHz plant steps per tick.
    "control_rate_Hz": 50.0,
    # Terminal descent sensor ≈20 Hz (§1.4, C); range accuracy "better than
    # 2 %" and "decimeter-per-second velocity accuracy" (Pollard & Chen 2009,
    # §1.4, A), taken here as 0.5 % and 0.1 m/s at 3 sigma.
    "radar_rate_Hz": 20.0,
    "radar_range_max_m": 6000.0,
    "radar_altitude_noise_fraction": 0.005,
    "radar_altitude_noise_floor_m": 0.1,
    "radar_velocity_noise_mps": 0.033,
    # Navigation: position bias of a few metres (M2020 TRN landed 5 m from its
    # target, §1.5, A); the rest are hilander choices (C). DIMU at 200 Hz
    # (§1.4, B).
    "nav_rate_Hz": 50.0,
    "nav_position_bias_m": 2.0,
    "nav_position_drift_mps": 0.05,
    "nav_position_noise_m": 0.2,
    "nav_velocity_noise_mps": 0.03,
    "imu_rate_Hz": 200.0,
    "imu_noise_mps2": 0.01,
    "mass_estimate_error": 0.01,
    "thrust_feedback_noise": 0.01,
    "bridle_load_noise_N": 20.0,
    # Hazard map: Perseverance's safe-target selection picks a ≈10 m cell
    # (§1.6, B-); 64 cells of 8 m cover 512 m around the target. Delivered in
    # powered descent at 1.4 km (hilander choice; M2020's map came with LVS
    # near 4 km, §1.6, C). Misclassification rates: hilander choices (C).
    "hazard_altitude_m": 1400.0,
    "hazard_map_cells": 64,
    "hazard_cell_size_m": 8.0,
    "hazard_cost_noise": 0.005,
    "hazard_false_safe_rate": 0.002,
    "hazard_false_hazard_rate": 0.02,
    "hazard_elevation_noise_m": 0.5,
    # -- 6-DOF: the descent stage as a rigid body. Estimates (C) from its size
    # (about 3 m across, §1.1, C) and mass as simple shapes: a solid cylinder
    # 1.5 m in radius and 1 m tall about the reference point; the 390 kg of
    # hydrazine as one sphere of its volume (0.45 m, R); the 8 MLEs on a 1.4 m
    # circle, 0.3 m below the reference point, in 4 pairs (§1.1, A for the
    # count), each turned 5 deg about its radial line, the pair in opposition,
    # for roll (C). Misalignment, thrust mismatch and the centre-of-mass error
    # the flight software does not know: hilander choices (C).
    "stage_inertia_kg_m2": cylinder_inertia(820.0, 1.5, 1.0),
    "stage_com_m": (0.0, 0.0, 0.0),
    "com_offset_m": (0.02, -0.01, 0.0),
    "tank_com_m": (0.0, 0.0, 0.1),
    "tank_radius_m": 0.45,
    "engine_layout": "circle",
    "engine_radius_m": 1.4,
    "engine_height_m": -0.3,
    "engine_toe_rad": 5 * DEG,
    "engine_misalignment_sigma_rad": 0.25 * DEG,
    "thrust_mismatch_sigma": 0.01,
    # The world's attitude loop (hilander choices, C): 2 rad/s, damped 0.8.
    "attitude_bandwidth_radps": 2.0,
    "attitude_damping_ratio": 0.8,
    "rcs_torque_max_Nm": 0.0,
}

MSL_LIMITS: dict[str, Any] = {
    # Rover touchdown 0.75 ± 0.1 m/s vertical, 0 ± 0.5 m/s horizontal
    # (3 sigma; MSL NavFilter slides, §0 and §6, B).
    "touchdown_vertical_speed_min_mps": 0.65,
    "touchdown_vertical_speed_max_mps": 0.85,
    "touchdown_horizontal_speed_max_mps": 0.5,
    # M2020 TRN requirement was 60 m (§1.5, A); hilander asks 20 m of the site.
    "site_miss_max_m": 20.0,
    # "It waits two seconds to confirm" before the cut (SciAm, §1.3, B);
    # window bounds are hilander choices (C).
    "tether_cut_delay_min_s": 0.5,
    "tether_cut_delay_max_s": 3.0,
    # Flyaway impact ≥ ≈150 m (§6, C); MSL's landed ≈600 m away (§1.2, B).
    "flyaway_distance_min_m": 150.0,
    # Enough for the flyaway burn (hilander choice, C).
    "propellant_reserve_kg": 20.0,
    # Legs only; a sky crane has no engine cutoff on contact.
    "engine_cutoff_delay_max_s": 1.0,
    # 6-DOF: the stage at the rover's touchdown, hilander choices (C): within
    # 15 deg of vertical, turning slower than 0.25 rad/s. The rover is a point
    # mass this session: no tip-over is judged for a sky crane (the stability
    # angle of a 3 m wheelbase under a 1.1 m rover, R, for when it is).
    "touchdown_tilt_max_rad": 15 * DEG,
    "touchdown_rate_max_radps": 0.25,
    "tip_over_tilt_rad": 45 * DEG,
}

# Perseverance (Mars 2020): the MSL design with a heavier rover and shorter
# bridles (mars-landers.md §1.1-1.3); what differs from MSL_VEHICLE.
M2020_VEHICLE: dict[str, Any] = {
    **MSL_VEHICLE,
    # Rover 1,025 kg (JPL press kit quick facts, §1.1, A/B).
    "rover_mass_kg": 1025.0,
    # Landing propellant ≈400 kg (§1.1, C); descent stage "similar" to MSL's
    # (§1.1, C): the powered-descent vehicle is 2,245 kg, against ≈2,000-2,200
    # kg (§1.1, C).
    "propellant_mass_kg": 400.0,
    # Bridles 21 ft ≈ 6.4 m (NASA caption, §1.3, A).
    "bridle_length_m": 6.4,
    # Safe Target Selection picks the target from the onboard hazard map once
    # the Lander Vision System has its fix, near 4 km on the parachute (§1.6,
    # A for the architecture, C for the altitude): the map is there when
    # powered descent starts, and the divert is flown right after backshell
    # separation (§1.6, C). TRN's 5 m landing accuracy (§1.5, A) is the
    # navigation bias above, already MSL_VEHICLE's.
    "hazard_altitude_m": 4200.0,
}
