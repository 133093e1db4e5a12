"""Airbag landers: parachute, RAD rockets, bridle cut, a bouncing landing.

Each number cites its entry in mars-landers.md (section and mark: A official,
B secondary, C recalled/unverified, R recomputed) or says it is a hilander
modelling choice. The "descent stage" is the backshell on its parachute with
the RAD rockets; the "rover" is the lander in its airbags, hanging on the
bridle; the engines are the three solid RADs (lit once, they burn out).
"""

import math
from typing import Any

from hilander.sim.presets_legs import LEGGED_BASE
from hilander.sim.shapes import cylinder_inertia

DEG = math.pi / 180.0
G0 = 9.80665
TON_FORCE_N = 1000.0 * G0  # "a ton of force" (R)

AIRBAG_BASE: dict[str, Any] = {
    **LEGGED_BASE,
    "landing_system": "airbags",
    "leg_count": 0,
    "leg_radius_m": 0.0,
    "thrust_pulse_rate_Hz": 0.0,
    # The bridle is out from the start; the lander hangs on it: ≈20 m (§2, C).
    "bridle_length_m": 20.0,
    "bridle_stiffness_N_per_m": 1.0e5,
    "bridle_damping_N_s_per_m": 2000.0,
    "bridle_load_noise_N": 20.0,
    # Airbags 17 ft (≈5.2 m) across (Pathfinder, §2, B): the bridle holds the
    # top of the ball. Soft, springy contact (C), lightly damped: the
    # `pathfinder` scenario's first bounce goes 10.7 m high, against about
    # 15.7 m in flight (§2, B).
    "rover_height_m": 5.2,
    "rover_stowed_offset_m": 6.0,
    "rover_drag_area_m2": 20.0,
    "contact_stiffness_N_per_m": 2.0e4,
    "contact_damping_N_s_per_m": 500.0,
    "friction_coefficient": 0.3,
    # The RADs fire along the backshell's axis, held vertical here (TIRS, the
    # lateral rockets that realigned MER's backshell, is not modelled).
    "engines_out": 0,
    "engine_out_time_s": 0.0,
    "throttle_min": 0.0,
    "throttle_max": 1.0,
    "throttle_time_constant_s": 0.05,
    "throttle_rate_max_per_s": 100.0,
    "tilt_max_rad": 5 * DEG,
    "slew_rate_max_radps": 90 * DEG,
    # Solid-rocket Isp ≈250 s (C).
    "isp_s": 250.0,
    # What the airbags survive: rocks to 1 m, slopes to 30 deg (C).
    "rover_footprint_m": 5.2,
    "rover_rock_height_max_m": 1.0,
    "rover_slope_max_rad": 30 * DEG,
    "hazard_altitude_m": 0.0,
    # 6-DOF: not flown (an airbag lander is refused in 6-DOF this session);
    # placeholders of the right size (C): the backshell as a solid cylinder.
    "stage_inertia_kg_m2": cylinder_inertia(200.0, 1.3, 1.0),
    "stage_com_m": (0.0, 0.0, 0.0),
    "tank_com_m": (0.0, 0.0, 0.0),
    "tank_radius_m": 0.2,
    "engine_radius_m": 0.5,
    "engine_height_m": 0.0,
    "rcs_torque_max_Nm": 0.0,
}


def rad_propellant_kg(thrust_N: float, burn_s: float, isp_s: float = 250.0) -> float:
    """The propellant that burns `burn_s` at `thrust_N` (R)."""
    return thrust_N * burn_s / (isp_s * G0)


MER_VEHICLE: dict[str, Any] = {
    **AIRBAG_BASE,
    # Lander in its airbags ≈540 kg, backshell and chute ≈210 kg: not in the
    # reference (C, hilander estimates).
    "rover_mass_kg": 540.0,
    "descent_stage_dry_mass_kg": 210.0,
    # Three RADs of "a ton of force for nearly 4 seconds" each (JPL FAQ text,
    # §2, B): 9.8 kN for 3.8 s (R).
    "engine_count": 3,
    "engine_thrust_max_N": TON_FORCE_N,
    "propellant_mass_kg": 3 * rad_propellant_kg(TON_FORCE_N, 3.8),
    # The chute brings the descent to ≈85 m/s (§2, B): 41 m² of drag area
    # for ≈800 kg at 0.02 kg/m³ (R).
    "descent_stage_drag_area_m2": 41.0,
    "drag_coefficient": 1.0,
    "descent_stage_bottom_m": 0.5,
}

PATHFINDER_VEHICLE: dict[str, Any] = {
    **AIRBAG_BASE,
    # Lander in its airbags ≈370 kg, backshell and chute ≈150 kg (C).
    "rover_mass_kg": 370.0,
    "descent_stage_dry_mass_kg": 150.0,
    # Three RADs: 6 kN each for 2.5 s (C).
    "engine_count": 3,
    "engine_thrust_max_N": 6000.0,
    "propellant_mass_kg": 3 * rad_propellant_kg(6000.0, 2.5),
    # A descent near 65 m/s on the chute (C): 47 m² of drag area (R).
    "descent_stage_drag_area_m2": 47.0,
    "drag_coefficient": 1.0,
    "descent_stage_bottom_m": 0.5,
}

AIRBAG_LIMITS: dict[str, Any] = {
    # MER's airbags: a design limit near 24-26 m/s (§2, C); Pathfinder's
    # pre-landing figure, "up to 65 mph" (≈29 m/s) at 30° (§2, B): 25 m/s
    # vertical, 15 m/s across (R).
    "touchdown_vertical_speed_min_mps": 0.0,
    "touchdown_vertical_speed_max_mps": 24.0,
    "touchdown_horizontal_speed_max_mps": 15.0,
    # No targeting: the lander lands where the chute drifts it.
    "site_miss_max_m": 100000.0,
    "tether_cut_delay_min_s": 0.0,
    "tether_cut_delay_max_s": 1.0,
    # The backshell, rising on its burning RADs after the cut, must not come
    # down on the lander (hilander choice, C).
    "flyaway_distance_min_m": 20.0,
    "propellant_reserve_kg": 0.0,
    "engine_cutoff_delay_max_s": 1.0,
    # 6-DOF only, which refuses airbag landers: placeholders (C).
    "touchdown_tilt_max_rad": math.pi,
    "touchdown_rate_max_radps": 100.0,
    "tip_over_tilt_rad": math.pi,
}

AIRBAG_PRESETS: dict[str, dict[str, Any]] = {
    "mer": {
        "scenario": "mer",
        "description": (
            "Spirit/Opportunity (MER, 2004): chute, 3 RADs of 9.8 kN, airbags on a 20 m bridle"
        ),
        "source": "mars-landers.md §2 (JPL FAQ text, B; mars.nasa.gov MER EDL, A)",
        "vehicle": MER_VEHICLE,
        "limits": AIRBAG_LIMITS,
        # Speed ≈0 at 10-15 m, then the cut (§2, B).
        "law": {"airbag_release_altitude_m": 12.0},
    },
    "pathfinder": {
        "scenario": "pathfinder",
        "description": "Mars Pathfinder (1997): chute, 3 RADs, airbags; bridle cut near 21.5 m",
        "source": "mars-landers.md §2 (Wikipedia text, JPL Q&A, B)",
        "vehicle": PATHFINDER_VEHICLE,
        "limits": {**AIRBAG_LIMITS, "touchdown_vertical_speed_max_mps": 25.0},
        # Bridle cut ≈21.5 m above the ground (§2, B).
        "law": {"airbag_release_altitude_m": 21.5},
    },
}
