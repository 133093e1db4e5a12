"""Vehicle parameters and the limits a landing is judged against.

Every field is declared once, with its unit, meaning and range; presets
(hilander.sim.presets) give the values with their sources, and a scenario's
``[vehicle]`` and ``[limits]`` tables override them field by field.
"""

import math
from dataclasses import dataclass

from hilander.controller.params import check, param

Vec3 = tuple[float, float, float]

# A rover lighter than this would make the bridle and contact springs stiffer
# than the plant step can integrate; a pulse period must fit in int32 steps.
ROVER_MASS_MIN_KG = 1.0
PULSE_RATE_MIN_HZ = 0.1

# How the vehicle lands; the index is LawConfig.landing_system.
LANDING_SYSTEMS = ("sky_crane", "legs", "airbags")
# Where the 6-DOF world puts the engines: on a circle (engine_radius_m,
# engine_height_m, engine_toe_rad), or a preset's explicit layout
# (hilander.sim.sixdof.EXPLICIT_LAYOUTS).
ENGINE_LAYOUTS = ("circle", "msr-srl", "msr-skycrane")


@dataclass(frozen=True)
class VehicleParams:
    """A lander: descent stage (with its legs, or a rover on a bridle), engines, sensors.

    A legged lander has no rover: its mass is the stage's, the rover fields
    are unused but for ``rover_stowed_offset_m``, the footpads below the stage
    reference point, and the ``contact_*`` fields are its footpads' contact.
    An airbag lander's "descent stage" is the backshell on its parachute (the
    drag area is the chute's) with the RAD rockets (the engines); its
    "rover" is the lander in its airbags, hanging on the bridle from the
    start; the ``contact_*`` fields are the airbags'.
    """

    landing_system: str = param(unit="-", doc="sky_crane, legs or airbags")
    # -- masses and geometry --
    rover_mass_kg: float = param(
        unit="kg", doc="rover mass (0 on a legged lander, else >= 1)", ge=0, le=1e5
    )
    descent_stage_dry_mass_kg: float = param(
        unit="kg", doc="descent stage without propellant", ge=1, le=1e5
    )
    propellant_mass_kg: float = param(
        unit="kg", doc="propellant at powered-descent start", ge=0, le=1e5
    )
    rover_stowed_offset_m: float = param(
        unit="m",
        doc="stage reference point to rover wheels, stowed (legs: to the footpads)",
        gt=0,
        le=100,
    )
    leg_count: int = param(unit="-", doc="landing legs (0 on a sky crane)", ge=0, le=8)
    leg_radius_m: float = param(unit="m", doc="footpads from the stage axis", ge=0, le=50)
    rover_height_m: float = param(unit="m", doc="rover wheels to bridle attachment", ge=0, le=50)
    descent_stage_bottom_m: float = param(
        unit="m", doc="stage reference point to its bottom", ge=0, le=50
    )
    # -- propulsion --
    engine_count: int = param(unit="-", doc="number of engines", ge=1, le=64)
    engine_thrust_max_N: float = param(unit="N", doc="maximum thrust of one engine", gt=0, le=1e7)
    throttle_min: float = param(unit="-", doc="throttle floor, fraction of maximum", ge=0, lt=1)
    throttle_max: float = param(unit="-", doc="throttle ceiling, fraction of maximum", gt=0, le=1)
    throttle_time_constant_s: float = param(unit="s", doc="first-order throttle lag", gt=0, le=10)
    throttle_rate_max_per_s: float = param(
        unit="1/s", doc="throttle change per second the flight software allows", gt=0, le=1e4
    )
    cant_rad: float = param(unit="rad", doc="engine cant from the thrust axis", ge=0, lt=1.5)
    tilt_max_rad: float = param(
        unit="rad", doc="largest thrust-axis tilt (pi: no pointing limit)", gt=0, le=math.pi
    )
    slew_rate_max_radps: float = param(
        unit="rad/s", doc="thrust-axis slew rate limit", gt=0, le=100
    )
    isp_s: float = param(unit="s", doc="specific impulse", gt=0, le=1e5)
    engines_out: int = param(unit="-", doc="engines that fail", ge=0, le=63)
    engine_out_time_s: float = param(unit="s", doc="when they fail", ge=0, le=3600)
    thrust_pulse_rate_Hz: float = param(
        unit="Hz",
        doc="pulse-width modulated engines: pulses per second (0: throttled, else >= 0.1)",
        ge=0,
        le=1000,
    )
    # -- aerodynamics --
    descent_stage_drag_area_m2: float = param(unit="m^2", doc="stage reference area", ge=0, le=1e4)
    rover_drag_area_m2: float = param(unit="m^2", doc="rover reference area", ge=0, le=1e4)
    drag_coefficient: float = param(unit="-", doc="drag coefficient of both", ge=0, le=10)
    # -- bridle --
    bridle_length_m: float = param(unit="m", doc="bridle length at full payout", gt=0, le=100)
    bridle_stiffness_N_per_m: float = param(unit="N/m", doc="bridle stiffness", gt=0, le=1e7)
    bridle_damping_N_s_per_m: float = param(unit="N s/m", doc="bridle damping", ge=0, le=1e6)
    bridle_payout_rate_mps: float = param(unit="m/s", doc="payout speed", ge=0.01, le=100)
    bridle_payout_accel_mps2: float = param(unit="m/s^2", doc="payout speed ramp", ge=0.01, le=1000)
    # -- ground contact --
    contact_stiffness_N_per_m: float = param(unit="N/m", doc="wheel-ground stiffness", gt=0, le=1e7)
    contact_damping_N_s_per_m: float = param(unit="N s/m", doc="wheel-ground damping", ge=0, le=1e6)
    friction_coefficient: float = param(unit="-", doc="wheel-ground friction", ge=0, le=10)
    # -- what the rover survives (the truth hazard mask) --
    rover_footprint_m: float = param(unit="m", doc="rover footprint width", gt=0, le=20)
    rover_rock_height_max_m: float = param(
        unit="m", doc="tallest rock under the rover", gt=0, le=10
    )
    rover_slope_max_rad: float = param(unit="rad", doc="steepest slope", gt=0, lt=1.5)
    # -- flight software and sensors --
    control_rate_Hz: float = param(unit="Hz", doc="control (guidance) rate", ge=0.1, le=1000)
    radar_rate_Hz: float = param(unit="Hz", doc="radar rate", ge=0.1, le=20000)
    radar_range_max_m: float = param(unit="m", doc="radar maximum range", gt=0, le=1e6)
    radar_altitude_noise_fraction: float = param(
        unit="-", doc="radar altitude noise, fraction of range (1 sigma)", ge=0, le=1
    )
    radar_altitude_noise_floor_m: float = param(
        unit="m", doc="radar altitude noise floor (1 sigma)", ge=0, le=1000
    )
    radar_velocity_noise_mps: float = param(
        unit="m/s", doc="radar velocity noise (1 sigma)", ge=0, le=100
    )
    nav_rate_Hz: float = param(unit="Hz", doc="navigation solution rate", ge=0.1, le=20000)
    nav_position_bias_m: float = param(
        unit="m", doc="navigation position bias (1 sigma)", ge=0, le=1e4
    )
    nav_position_drift_mps: float = param(
        unit="m/sqrt(s)", doc="random walk of the position bias", ge=0, le=100
    )
    nav_position_noise_m: float = param(
        unit="m", doc="navigation position noise (1 sigma)", ge=0, le=1e4
    )
    nav_velocity_noise_mps: float = param(
        unit="m/s", doc="navigation velocity noise (1 sigma)", ge=0, le=100
    )
    imu_rate_Hz: float = param(unit="Hz", doc="IMU rate", ge=0.1, le=20000)
    imu_noise_mps2: float = param(
        unit="m/s^2", doc="IMU specific-force noise (1 sigma)", ge=0, le=100
    )
    mass_estimate_error: float = param(
        unit="-", doc="relative mass estimate error (1 sigma)", ge=0, le=0.5
    )
    thrust_feedback_noise: float = param(unit="-", doc="relative thrust feedback noise", ge=0, le=1)
    bridle_load_noise_N: float = param(unit="N", doc="bridle load noise (1 sigma)", ge=0, le=1e5)
    hazard_altitude_m: float = param(
        unit="m", doc="height at which the hazard map comes (0: no hazard sensor)", ge=0, le=1e5
    )
    hazard_map_cells: int = param(unit="-", doc="hazard map cells a side", ge=4, le=64)
    hazard_cell_size_m: float = param(unit="m", doc="hazard map cell size", ge=0.01, le=100)
    hazard_cost_noise: float = param(unit="-", doc="hazard cost noise (1 sigma)", ge=0, le=1)
    hazard_false_safe_rate: float = param(
        unit="-", doc="chance a hazardous cell reads safe", ge=0, le=1
    )
    hazard_false_hazard_rate: float = param(
        unit="-", doc="chance a safe cell reads hazardous", ge=0, le=1
    )
    hazard_elevation_noise_m: float = param(
        unit="m", doc="hazard map elevation noise (1 sigma)", ge=0, le=100
    )
    # -- the descent stage as a rigid body ([sim] dynamics = "6dof"; body frame
    # B: origin at the stage reference point, z up the thrust axis) --
    stage_inertia_kg_m2: Vec3 = param(
        unit="kg m^2", doc="dry stage principal moments about its centre of mass", gt=0, le=1e7
    )
    stage_com_m: Vec3 = param(
        unit="m", doc="dry stage centre of mass from the reference point, body axes", ge=-50, le=50
    )
    com_offset_m: Vec3 = param(
        unit="m",
        doc="true dry centre of mass less stage_com_m (unknown to the flight software)",
        ge=-5,
        le=5,
    )
    tank_com_m: Vec3 = param(
        unit="m", doc="propellant centre of mass from the reference point", ge=-50, le=50
    )
    tank_radius_m: float = param(
        unit="m", doc="radius of the sphere the propellant is modelled as", gt=0, le=50
    )
    engine_layout: str = param(
        unit="-",
        doc="6-DOF engines: circle (engine_radius_m, _height_m, _toe_rad) or a preset's own",
        choices=ENGINE_LAYOUTS,
    )
    engine_radius_m: float = param(
        unit="m", doc="circle: engines from the thrust axis (0: on the axis)", ge=0, le=50
    )
    engine_height_m: float = param(
        unit="m", doc="circle: engines above the reference point (negative: below)", ge=-50, le=50
    )
    engine_toe_rad: float = param(
        unit="rad",
        doc="circle: each engine turned about its radial line, in turn + and -, for roll",
        ge=0,
        lt=1.0,
    )
    engine_misalignment_sigma_rad: float = param(
        unit="rad", doc="seeded misalignment of each engine (1 sigma per axis)", ge=0, le=0.2
    )
    thrust_mismatch_sigma: float = param(
        unit="-", doc="seeded relative thrust error of each engine (1 sigma)", ge=0, le=0.3
    )
    attitude_bandwidth_radps: float = param(
        unit="rad/s", doc="the world's attitude loop: natural frequency", gt=0, le=100
    )
    attitude_damping_ratio: float = param(
        unit="-", doc="the world's attitude loop: damping ratio", gt=0, le=10
    )
    rcs_torque_max_Nm: float = param(
        unit="N m", doc="reaction control: largest torque per axis (0: none)", ge=0, le=1e6
    )

    def __post_init__(self) -> None:
        check(self)
        if 0 < self.thrust_pulse_rate_Hz < PULSE_RATE_MIN_HZ:
            raise ValueError(
                f"thrust_pulse_rate_Hz must be 0 (throttled) or at least {PULSE_RATE_MIN_HZ:g} Hz"
            )
        if self.throttle_max <= self.throttle_min:
            raise ValueError("throttle_max must be above throttle_min")
        if self.engines_out >= self.engine_count:
            raise ValueError("engines_out must leave at least one engine")
        if self.landing_system not in LANDING_SYSTEMS:
            raise ValueError(f"landing_system must be one of {', '.join(LANDING_SYSTEMS)}")
        if self.landing_system == "legs":
            self._check_legs()
            return
        if self.rover_mass_kg < ROVER_MASS_MIN_KG:
            raise ValueError(
                f"rover_mass_kg must be at least {ROVER_MASS_MIN_KG:g} kg "
                f"on a {self.landing_system} lander"
            )
        if self.leg_count != 0:
            raise ValueError(f"leg_count must be 0 on a {self.landing_system} lander")
        if self.landing_system == "airbags":
            return
        if self.rover_stowed_offset_m <= self.rover_height_m:
            raise ValueError("rover_stowed_offset_m must exceed rover_height_m")

    def _check_legs(self) -> None:
        if self.rover_mass_kg != 0:
            raise ValueError("rover_mass_kg must be 0 on a legged lander (no rover to lower)")
        if self.leg_count < 3:
            raise ValueError("leg_count: a legged lander stands on at least 3 legs")
        if self.rover_stowed_offset_m <= self.descent_stage_bottom_m:
            raise ValueError("rover_stowed_offset_m (the footpads) must be below the stage bottom")

    @property
    def legged(self) -> bool:
        return self.landing_system == "legs"

    @property
    def landing_system_index(self) -> int:
        return LANDING_SYSTEMS.index(self.landing_system)

    @property
    def dry_mass_kg(self) -> float:
        """The mass with every kilogram of propellant spent."""
        return self.rover_mass_kg + self.descent_stage_dry_mass_kg

    @property
    def bridle_payout_time_s(self) -> float:
        """Time to pay the bridle out, with the speed ramps at both ends."""
        distance = self.bridle_length_m - (self.rover_stowed_offset_m - self.rover_height_m)
        rate, accel = self.bridle_payout_rate_mps, self.bridle_payout_accel_mps2
        ramp = rate * rate / accel
        if distance >= ramp:
            return 2.0 * rate / accel + (distance - ramp) / rate
        return 2.0 * math.sqrt(max(distance, 0.0) / accel)


@dataclass(frozen=True)
class Limits:
    """What a landing must meet to pass."""

    touchdown_vertical_speed_min_mps: float = param(
        unit="m/s", doc="slowest rover touchdown", ge=0, le=1000
    )
    touchdown_vertical_speed_max_mps: float = param(
        unit="m/s", doc="fastest rover touchdown", gt=0, le=1000
    )
    touchdown_horizontal_speed_max_mps: float = param(
        unit="m/s", doc="horizontal speed at touchdown", ge=0, le=1000
    )
    site_miss_max_m: float = param(
        unit="m", doc="touchdown distance from the chosen site", gt=0, le=1e6
    )
    tether_cut_delay_min_s: float = param(
        unit="s", doc="earliest cut after touchdown", ge=0, le=3600
    )
    tether_cut_delay_max_s: float = param(unit="s", doc="latest cut after touchdown", gt=0, le=3600)
    flyaway_distance_min_m: float = param(
        unit="m", doc="descent-stage impact distance from the rover", ge=0, le=1e6
    )
    propellant_reserve_kg: float = param(
        unit="kg", doc="propellant left at the cut (legs: at engine cutoff)", ge=0, le=1e5
    )
    engine_cutoff_delay_max_s: float = param(
        unit="s", doc="legs: latest engine cutoff after the first leg contact", gt=0, le=3600
    )
    touchdown_tilt_max_rad: float = param(
        unit="rad", doc="6-DOF: stage tilt from vertical at touchdown", gt=0, le=math.pi
    )
    touchdown_rate_max_radps: float = param(
        unit="rad/s", doc="6-DOF: stage body rate at touchdown", gt=0, le=100
    )
    tip_over_tilt_rad: float = param(
        unit="rad",
        doc="6-DOF: stability angle, the lean over a support edge; legs: from the vehicle",
        gt=0,
        le=math.pi,
    )

    def __post_init__(self) -> None:
        check(self)
        if self.touchdown_vertical_speed_min_mps > self.touchdown_vertical_speed_max_mps:
            raise ValueError("touchdown_vertical_speed_min_mps exceeds the maximum")
        if self.tether_cut_delay_min_s > self.tether_cut_delay_max_s:
            raise ValueError("tether_cut_delay_min_s exceeds the maximum")
