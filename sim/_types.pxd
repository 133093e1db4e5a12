# cython: language_level=3
"""The world's C structs (a declarations-only module: nothing to import at run time).

Units are SI and carry the unit in the name; S is the site frame (east, north,
up; origin on the ground at the nominal target).
"""

from libc.stdint cimport int32_t, int64_t, uint32_t, uint64_t
from hilander.controller._law cimport SensorFrame, Command
from hilander.controller._attitude cimport ENGINE_MAX, EngineLayout, AttitudeParams
from hilander.sim._rigid cimport RigidState, MassProperties

cdef enum:
    COMMAND_QUEUE_SIZE = 256
    TELEMETRY_COLUMNS = 42               # len(_world.COLUMNS), asserted there; _loop checks it

cdef struct Rng:                         # xoshiro256** state
    uint64_t s[4]

cdef struct Terrain:
    const double* relief_m               # (ny, nx) local relief, row = north
    const unsigned char* hazard          # truth hazard mask (footprint-dilated)
    int32_t nx
    int32_t ny
    double x0_m                          # grid node (0, 0), south-west
    double y0_m
    double resolution_m
    double gradient[2]                   # regional slope dz/dx, dz/dy
    double relief_max_m                  # highest point of the relief

cdef struct WorldParams:
    double dt_s
    int32_t steps_per_tick
    int64_t max_steps
    int32_t latency_steps
    int32_t gust_period_steps
    double gravity_mps2
    double surface_density_kgpm3
    double scale_height_m
    double wind_S_mps[3]
    double gust_sigma_mps
    double gust_time_s
    double rover_mass_kg
    double descent_stage_dry_mass_kg
    double propellant_mass_kg
    double rover_stowed_offset_m
    double rover_height_m
    double descent_stage_bottom_m
    int32_t landing_system               # LANDING_* of _law.pxd
    int32_t leg_count                    # footpads on a circle of leg_radius_m
    double leg_radius_m
    int32_t pulse_period_steps           # PWM engines: plant steps per pulse (0: throttled)
    int32_t engine_count
    int32_t engines_out
    double engine_out_time_s
    double engine_thrust_max_N
    double throttle_min
    double throttle_max
    double throttle_time_constant_s
    double cant_rad
    double tilt_max_rad
    double slew_rate_max_radps
    double isp_s
    double descent_stage_drag_area_m2
    double rover_drag_area_m2
    double drag_coefficient
    double bridle_length_m
    double bridle_stiffness_N_per_m
    double bridle_damping_N_s_per_m
    double bridle_payout_rate_mps
    double bridle_payout_accel_mps2
    double contact_stiffness_N_per_m
    double contact_damping_N_s_per_m
    double friction_coefficient
    int32_t radar_period_steps
    int32_t nav_period_steps
    int32_t imu_period_steps
    double radar_range_max_m
    double radar_altitude_noise_fraction
    double radar_altitude_noise_floor_m
    double radar_velocity_noise_mps
    double nav_position_bias_m
    double nav_position_drift_mps
    double nav_position_noise_m
    double nav_velocity_noise_mps
    double imu_noise_mps2
    double mass_estimate_error
    double thrust_feedback_noise
    double bridle_load_noise_N
    double hazard_altitude_m
    # faults (FaultParams)
    int64_t leg_contact_pulse_tick
    int32_t leg_contact_pulse_samples
    double imu_saturation_time_s
    double imu_saturation_duration_s
    double radar_outlier_altitude_m
    double radar_outlier_probability
    double radar_outlier_mps
    double radar_dropout_time_s
    double radar_dropout_duration_s
    double thrust_scale
    int32_t engine_stuck                 # counted from 1 (0: none); 6-DOF only
    double engine_stuck_time_s
    double engine_stuck_throttle
    # 6-DOF ([sim] dynamics = "6dof"; unused in 3-DOF): hilander.sim.sixdof
    int32_t six_dof
    EngineLayout engines_nominal         # what the attitude loop knows
    EngineLayout engines_true            # with the seeded misalignment
    double engine_thrust_scale[ENGINE_MAX]   # seeded mismatch, times the fault's thrust_scale
    AttitudeParams attitude              # gains; inertia and centre of mass set each tick
    int32_t engines_rated_out            # the frame's engine count once engines_out failed
    int32_t engine_stuck_known           # the attitude loop is told of the stuck engine (0: tests)
    int32_t engines_rated_stuck          # the frame's engine count while one is stuck
    double stack_dry_mass_kg             # the stage with the rover stowed (sky crane)
    double stack_dry_com_B_m[3]
    double stack_dry_inertia_B_kg_m2[3]
    double stage_dry_com_B_m[3]          # the stage alone (true: with com_offset_m)
    double stage_dry_inertia_B_kg_m2[3]
    double com_offset_B_m[3]
    double tank_com_B_m[3]
    double tank_radius_m
    double rcs_torque_max_Nm
    double rover_com_height_m            # stowed rover's centre of mass above its wheels

cdef struct TickConstants:               # computed once per control tick
    double throttle_alpha                # 1 - exp(-dt / throttle time constant)
    double cos_cant
    double cos_slew_step                 # cosine and tangent of the largest
    double tan_slew_step                 # thrust-axis turn in one plant step
    double air_density_kgpm3             # at the stage's altitude

cdef struct Body:
    double position_S_m[3]
    double velocity_S_mps[3]

cdef struct Records:
    double touchdown_time_s              # NaN until the rover first touches
    double touchdown_velocity_S_mps[3]
    double touchdown_position_S_m[3]
    int32_t touchdown_on_hazard
    int32_t touchdown_attached           # the rover touched still stowed
    double release_time_s
    double cut_time_s
    double cutoff_time_s
    double rad_fire_time_s               # airbags: the RAD rockets lit
    double propellant_at_cut_kg
    double propellant_out_time_s
    double hazard_time_s
    double stage_impact_time_s
    double stage_impact_position_S_m[3]
    double stage_impact_speed_mps
    double rover_position_S_m[3]         # where the rover is now
    double bridle_tension_max_N
    double numerical_fault_time_s        # NaN unless the state went non-finite (NaN, inf)
    double touchdown_tilt_rad            # 6-DOF: the stage at touchdown (NaN before)
    double touchdown_rate_radps
    double tilt_max_after_touchdown_rad  # 6-DOF: the most it leaned once down
    double lean_rad                      # 6-DOF legs: the lean over a support edge, now

cdef struct WorldState:
    int64_t step
    int64_t tick
    double time_s
    Body stage
    Body rover
    double propellant_kg
    double throttle
    double throttle_cmd
    double thrust_dir_S[3]
    double thrust_dir_cmd_S[3]
    double thrust_N
    double thrust_cmd_N
    int32_t engines_active
    uint32_t events
    int32_t rover_attached
    int32_t tether_cut
    int32_t rover_resting                # cut loose and still: no longer integrated
    double rover_still_s                 # how long it has been slower than REST_SPEED
    int32_t engines_off
    int32_t leg_contact                  # footpads on the ground, bit i = leg i
    int32_t pulse_step                   # PWM: plant step within the pulse period
    int32_t pulse_on_steps               # PWM: steps on in this period
    double bridle_paid_m
    double bridle_rate_mps
    double bridle_tension_N
    double gust_S_mps[3]
    double specific_force_S_mps2[3]
    double nav_bias_S_m[3]
    double mass_bias
    int32_t hazard_delivered
    int32_t radar_wait                   # plant steps to the next sample
    int32_t nav_wait
    int32_t imu_wait
    int32_t gust_wait
    SensorFrame frame
    Records rec
    Command queue[COMMAND_QUEUE_SIZE]
    int64_t queue_due[COMMAND_QUEUE_SIZE]
    int32_t queue_head
    int32_t queue_count
    int32_t done
    Rng rng_wind
    Rng rng_radar
    Rng rng_nav
    Rng rng_imu
    Rng rng_misc
    Rng rng_fault
    # 6-DOF: the stage (with the rover while stowed) as a rigid body
    RigidState body                      # its centre of mass; stage is the reference point
    MassProperties mass
    int32_t body_with_rover              # the rover stowed in body and mass
    double engine_throttle[ENGINE_MAX]
    double engine_wrench_B[ENGINE_MAX][6]    # each engine's force and torque at full throttle
    double engine_throttle_cmd[ENGINE_MAX]
    int32_t engine_pulse_on_steps[ENGINE_MAX]
    double rcs_torque_B_Nm[3]
