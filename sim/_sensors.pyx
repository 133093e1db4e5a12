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
   stage is at or below hazard_altitude_m above the terrain.
"""

from libc.math cimport sqrt

from hilander.controller._law cimport SensorFrame, EVENT_ROVER_RELEASE
from hilander.sim._types cimport WorldParams, WorldState, Terrain
from hilander.sim._rng cimport rng_normal
from hilander.sim._plant cimport terrain_height


cdef double true_altitude_m(const WorldState* w, const Terrain* t) noexcept nogil:
    cdef const double* r = &w.stage.position_S_m[0]
    return r[2] - terrain_height(t, r[0], r[1])


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


cdef void sample_nav(WorldState* w, const WorldParams* p) noexcept nogil:
    cdef double walk = p.nav_position_drift_mps * sqrt(p.nav_period_steps * p.dt_s)
    cdef int i
    for i in range(3):
        w.nav_bias_S_m[i] += walk * rng_normal(&w.rng_nav)
        w.frame.nav_position_S_m[i] = (w.stage.position_S_m[i] + w.nav_bias_S_m[i]
                                       + p.nav_position_noise_m * rng_normal(&w.rng_nav))
        w.frame.nav_velocity_S_mps[i] = (w.stage.velocity_S_mps[i]
                                         + p.nav_velocity_noise_mps * rng_normal(&w.rng_nav))


cdef void sample_imu(WorldState* w, const WorldParams* p) noexcept nogil:
    cdef int i
    for i in range(3):
        w.frame.specific_force_S_mps2[i] = (w.specific_force_S_mps2[i]
                                            + p.imu_noise_mps2 * rng_normal(&w.rng_imu))


cdef void sensors_start(WorldState* w, const WorldParams* p, const Terrain* t) noexcept nogil:
    """Draw the fixed errors and take the first sample of every sensor."""
    cdef int i
    for i in range(3):
        w.nav_bias_S_m[i] = p.nav_position_bias_m * rng_normal(&w.rng_nav)
    w.mass_bias = p.mass_estimate_error * rng_normal(&w.rng_misc)
    sample_radar(w, p, t)
    sample_nav(w, p)
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
        sample_nav(w, p)
    w.imu_wait -= 1
    if w.imu_wait == 0:
        w.imu_wait = p.imu_period_steps
        sample_imu(w, p)


cdef void world_sense(WorldState* w, const WorldParams* p, const Terrain* t,
                      SensorFrame* f) noexcept nogil:
    """The SensorFrame of this control tick."""
    cdef bint hanging = (w.events & EVENT_ROVER_RELEASE) and not w.tether_cut
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
    f.contact = 0
    f.hazard_map_ready = 0
    if not w.hazard_delivered and true_altitude_m(w, t) <= p.hazard_altitude_m:
        w.hazard_delivered = 1
        w.rec.hazard_time_s = w.time_s
        f.hazard_map_ready = 1
