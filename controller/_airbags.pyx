# cython: language_level=3
"""Airbag landers: RAD rockets fired on the parachute, then the bridle cut.

Design
------
A. Pathfinder and Spirit/Opportunity (mars-landers.md §2): the lander hangs
   in its airbags on a bridle below the backshell, on the parachute. Solid
   RAD rockets on the backshell, once fired, burn to the end: the one
   decision is when. The law fires them (PHASE_PARACHUTE -> PHASE_RAD_BURN)
   when the height the backshell would stop at, braking at the RADs' full
   thrust over the mass less gravity (the chute's drag left as margin),
   comes down to its release height: airbag_release_altitude_m for the
   lander's bottom, plus the bridle and the lander below the backshell.
B. It cuts the bridle (-> PHASE_LANDED) once the descent has slowed to
   airbag_cut_speed_mps, or once the backshell is CUT_DEPTH_M below its
   release height whatever the speed; the lander falls on its airbags.
C. The command is the RADs' full thrust once fired (they cannot be
   throttled), and nothing before: straight up until the cut, then tilted
   by tilt_max_rad along the horizontal drift (east in still air), so that
   the backshell, still burning, comes down away from the lander (a
   hilander choice: without it, in still air, it fell within 10 m).
"""

from hilander.controller._law cimport (
    EVENT_BRIDLE_CUT, EVENT_RAD_FIRE, PHASE_LANDED, PHASE_PARACHUTE, PHASE_POWERED_APPROACH,
    PHASE_RAD_BURN,
)
from libc.math cimport cos, sin

from hilander.controller._throttle cimport norm2, thrust_rated_N

cdef double CUT_DEPTH_M = 5.0  # cut this far below the release height, whatever the speed


cdef inline void enter(LawState* s, int phase, double t) noexcept nogil:
    s.phase = phase
    s.phase_start_s = t


cdef void airbag_step(LawState* s, const LawParams* p, const SensorFrame* f,
                      Command* c) noexcept nogil:
    cdef double h = f.radar_altitude_m
    cdef double vz = (f.radar_velocity_S_mps[2] if f.radar_velocity_valid
                      else f.nav_velocity_S_mps[2])
    cdef double tmax = thrust_rated_N(p, f.engines_active)  # solid rockets: no throttle
    cdef double brake = tmax / max(f.mass_estimate_kg, 1.0) - p.gravity_mps2
    cdef double release = p.airbag_release_altitude_m + p.bridle_length_m + p.rover_height_m
    if s.phase == PHASE_POWERED_APPROACH:
        enter(s, PHASE_PARACHUTE, f.time_s)
    if s.phase == PHASE_PARACHUTE:
        if (f.radar_altitude_valid and brake > 0.0 and vz < 0.0
                and h - vz * vz / (2.0 * brake) <= release):
            s.events |= EVENT_RAD_FIRE
            enter(s, PHASE_RAD_BURN, f.time_s)
    elif s.phase == PHASE_RAD_BURN:
        if -vz <= p.airbag_cut_speed_mps or (
                f.radar_altitude_valid and h <= release - CUT_DEPTH_M):
            s.events |= EVENT_BRIDLE_CUT
            enter(s, PHASE_LANDED, f.time_s)
    rad_thrust(s, p, f, tmax, c)


cdef void rad_thrust(LawState* s, const LawParams* p, const SensorFrame* f, double tmax,
                     Command* c) noexcept nogil:
    """Full thrust once fired: up, then tilted along the drift after the cut (C)."""
    cdef double vx = f.nav_velocity_S_mps[0], vy = f.nav_velocity_S_mps[1]
    cdef double speed = norm2(vx, vy)
    cdef double ux = vx / speed if speed > 0.1 else 1.0
    cdef double uy = vy / speed if speed > 0.1 else 0.0
    cdef double tilt = p.tilt_max_rad if s.events & EVENT_BRIDLE_CUT else 0.0
    cdef double thrust = tmax if s.events & EVENT_RAD_FIRE else 0.0
    c.thrust_S_N[0] = thrust * sin(tilt) * ux
    c.thrust_S_N[1] = thrust * sin(tilt) * uy
    c.thrust_S_N[2] = thrust * cos(tilt)
    c.throttle = 1.0 if s.events & EVENT_RAD_FIRE else 0.0
    s.throttle = c.throttle
