# cython: language_level=3
"""Sensors, each at its own rate with seeded noise.

Design
------
A. Sample and hold: each sensor samples the true state every
   <sensor>_period_steps plant steps into WorldState.frame; world_sense
   copies the held samples into the SensorFrame of the control tick.
B. Radar (MSL's terminal descent sensor, a Ka-band Doppler radar:
   mars-landers.md §1.4): altitude of the stage above the terrain under it,
   with noise sigma = fraction * altitude + floor, valid from 0 to
   radar_range_max_m; velocity on three axes with white noise.
C. Navigation solution: true position + a bias (drawn once, then a random
   walk) + white noise; velocity + white noise.
D. IMU: specific force (non-gravitational acceleration) + white noise.
E. Throttle feedback (delivered thrust), bridle load and the mass estimate
   (flying mass as the flight software books it: with the rover until the
   tether is cut, with a fixed relative error) are read at the tick.
F. Hazard sensor: the hazard map (made with the world, with its seeded
   misclassification) is delivered once, on the first tick at which the
   stage is at or below hazard_altitude_m above the terrain (never where
   hazard_altitude_m is 0: a lander without one).
G. Leg contact: the footpads touching at the tick, one bit a leg.
H. Faults (FaultParams, all off by default): a spurious leg-contact pulse
   on leg 0 for leg_contact_pulse_samples ticks (Mars Polar Lander); IMU
   saturation, during which the specific force reads zero and the
   navigation altitude reads the truth mirrored below the ground
   (Schiaparelli: the estimate went negative); radar velocity outliers of
   radar_outlier_mps in a random direction below radar_outlier_altitude_m
   (MSL's plume-kicked dust); a radar dropout that reads invalid zeros.
"""

from libc.math cimport sqrt

from hilander.controller._law cimport SensorFrame
from hilander.sim._types cimport WorldParams, WorldState, Terrain
from hilander.sim._rng cimport rng_normal, rng_uniform
from hilander.sim._plant cimport terrain_height


cdef double true_altitude_m(const WorldState* w, const Terrain* t) noexcept nogil:
    cdef const double* r = &w.stage.position_S_m[0]
    return r[2] - terrain_height(t, r[0], r[1])


cdef inline bint within(double t, double start, double duration) noexcept nogil:
    return duration > 0.0 and start <= t < start + duration


cdef void sample_radar(WorldState* w, const WorldParams* p, const Terrain* t) noexcept nogil:
    cdef double h = true_altitude_m(w, t)
    cdef double sigma = p.radar_altitude_noise_fraction * h + p.radar_altitude_noise_floor_m
    cdef int i, valid = 0.0 < h <= p.radar_range_max_m
    w.frame.radar_altitude_valid = valid
    w.frame.radar_velocity_valid = valid
    w.frame.radar_altitude_m = h + sigma * rng_normal(&w.rng_radar)
    for i in range(3):
        w.frame.radar_velocity_S_mps[i] = (w.stage.velocity_S_mps[i]
                                           + p.radar_velocity_noise_mps * rng_normal(&w.rng_radar))
    if h <= p.radar_outlier_altitude_m and rng_uniform(&w.rng_fault) < p.radar_outlier_probability:
        radar_outlier(w, p)
    if within(w.time_s, p.radar_dropout_time_s, p.radar_dropout_duration_s):
        w.frame.radar_altitude_valid = 0
        w.frame.radar_velocity_valid = 0
        w.frame.radar_altitude_m = 0.0
        for i in range(3):
            w.frame.radar_velocity_S_mps[i] = 0.0


cdef void radar_outlier(WorldState* w, const WorldParams* p) noexcept nogil:
    """A velocity sample off by radar_outlier_mps in a random direction."""
    cdef double d[3]
    cdef double n
    cdef int i
    for i in range(3):
        d[i] = rng_normal(&w.rng_fault)
    n = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
    for i in range(3):
        w.frame.radar_velocity_S_mps[i] += p.radar_outlier_mps * d[i] / n


cdef void sample_nav(WorldState* w, const WorldParams* p, const Terrain* t) noexcept nogil:
    cdef double walk = p.nav_position_drift_mps * sqrt(p.nav_period_steps * p.dt_s)
    cdef int i
    for i in range(3):
        w.nav_bias_S_m[i] += walk * rng_normal(&w.rng_nav)
        w.frame.nav_position_S_m[i] = (w.stage.position_S_m[i] + w.nav_bias_S_m[i]
                                       + p.nav_position_noise_m * rng_normal(&w.rng_nav))
        w.frame.nav_velocity_S_mps[i] = (w.stage.velocity_S_mps[i]
                                         + p.nav_velocity_noise_mps * rng_normal(&w.rng_nav))
    if within(w.time_s, p.imu_saturation_time_s, p.imu_saturation_duration_s):
        w.frame.nav_position_S_m[2] -= 2.0 * true_altitude_m(w, t)   # mirrored below ground


cdef void sample_imu(WorldState* w, const WorldParams* p) noexcept nogil:
    cdef int i
    for i in range(3):
        w.frame.specific_force_S_mps2[i] = (w.specific_force_S_mps2[i]
                                            + p.imu_noise_mps2 * rng_normal(&w.rng_imu))
        if within(w.time_s, p.imu_saturation_time_s, p.imu_saturation_duration_s):
            w.frame.specific_force_S_mps2[i] = 0.0


cdef void sensors_start(WorldState* w, const WorldParams* p, const Terrain* t) noexcept nogil:
    """Draw the fixed errors and take the first sample of every sensor."""
    cdef int i
    for i in range(3):
        w.nav_bias_S_m[i] = p.nav_position_bias_m * rng_normal(&w.rng_nav)
    w.mass_bias = p.mass_estimate_error * rng_normal(&w.rng_misc)
    sample_radar(w, p, t)
    sample_nav(w, p, t)
    sample_imu(w, p)
    w.radar_wait = p.radar_period_steps
    w.nav_wait = p.nav_period_steps
    w.imu_wait = p.imu_period_steps


cdef void sensors_sample(WorldState* w, const WorldParams* p, const Terrain* t) noexcept nogil:
    """Sample every sensor that is due at this plant step."""
    w.radar_wait -= 1
    if w.radar_wait == 0:
        w.radar_wait = p.radar_period_steps
        sample_radar(w, p, t)
    w.nav_wait -= 1
    if w.nav_wait == 0:
        w.nav_wait = p.nav_period_steps
        sample_nav(w, p, t)
    w.imu_wait -= 1
    if w.imu_wait == 0:
        w.imu_wait = p.imu_period_steps
        sample_imu(w, p)


cdef void world_sense(WorldState* w, const WorldParams* p, const Terrain* t,
                      SensorFrame* f) noexcept nogil:
    """The SensorFrame of this control tick."""
    cdef bint hanging = not w.rover_attached and not w.tether_cut
    cdef double booked = p.descent_stage_dry_mass_kg + w.propellant_kg
    if not w.tether_cut:
        booked += p.rover_mass_kg
    f[0] = w.frame
    f.step = w.tick
    f.time_s = w.time_s
    f.mass_estimate_kg = booked * (1.0 + w.mass_bias)
    f.thrust_measured_N = w.thrust_N * (1.0 + p.thrust_feedback_noise * rng_normal(&w.rng_misc))
    f.engines_active = w.engines_active
    f.bridle_tension_N = 0.0
    if hanging:
        f.bridle_tension_N = w.bridle_tension_N + p.bridle_load_noise_N * rng_normal(&w.rng_misc)
    f.contact = w.leg_contact
    if (p.leg_contact_pulse_samples > 0 and p.leg_contact_pulse_tick <= w.tick
            < p.leg_contact_pulse_tick + p.leg_contact_pulse_samples):
        f.contact |= 1
    f.hazard_map_ready = 0
    if (p.hazard_altitude_m > 0.0 and not w.hazard_delivered
            and true_altitude_m(w, t) <= p.hazard_altitude_m):
        w.hazard_delivered = 1
        w.rec.hazard_time_s = w.time_s
        f.hazard_map_ready = 1
