# cython: language_level=3
"""Touchdown sensing and what follows it: the irreversible decisions of the law.

Design
------
A. Arming clears every latch (the Mars Polar Lander lesson, mars-landers.md
   §3.1: a leg-deployment transient latched high up was accepted the moment
   sensing was enabled at 40 m, and the engines were cut). Nothing seen
   before arming counts.
B. Sky crane: r = |a_desired| / g is the thrust needed to hold the profile
   over the hover thrust of the vehicle as the law knows it (rover on the
   bridle). When the rover's weight leaves the bridle, r drops to about
   m_stage / m_vehicle (about 0.55 for MSL). Declared when the low-passed r
   stays below td_thrust_ratio for td_persistence_s, counting only samples
   below td_gate_altitude_m.
C. Legs: a leg contact bit on td_contact_samples consecutive control ticks,
   each at a plausible height (at or below td_gate_altitude_m, by radar where
   valid), declares touchdown and cuts the engines off at once (Phoenix and
   InSight "safe" the propulsion on touchdown, §2). A contact seen higher up
   is implausible and resets the count: a transient, or a stuck sensor, never
   cuts the engines in the air.
D. Flyaway (sky crane, after the tether cut): climb, then tilt away along
   the approach ground track, away from the rover, at a thrust that still
   holds altitude; then cut the engines off.
"""

from libc.math cimport sqrt, tan

from hilander.controller._law cimport (
    EVENT_ENGINE_CUTOFF, EVENT_TOUCHDOWN_DECLARED, PHASE_LANDED, PHASE_TETHER_CUT,
    PHASE_TOUCHDOWN_DETECTION,
)


cdef inline void enter(LawState* s, int phase, double t) noexcept nogil:
    s.phase = phase
    s.phase_start_s = t


cdef void arm_touchdown(LawState* s, double t) noexcept nogil:
    """Arm detection with every latch cleared (design A)."""
    s.td_ratio_filtered = 1.0
    s.td_below_s = 0.0
    s.td_contact_count = 0
    enter(s, PHASE_TOUCHDOWN_DETECTION, t)


cdef void detect_touchdown(LawState* s, const LawParams* p, const SensorFrame* f,
                           double h, const double* a) noexcept nogil:
    """Persistence on the low-passed thrust-needed ratio, gated by altitude (B)."""
    cdef double dt = 1.0 / p.control_rate_Hz
    cdef double ratio = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]) / p.gravity_mps2
    s.td_ratio_filtered += (ratio - s.td_ratio_filtered) * dt / (p.td_filter_time_s + dt)
    if (f.radar_altitude_valid and h <= p.td_gate_altitude_m
            and s.td_ratio_filtered < p.td_thrust_ratio):
        s.td_below_s += dt
    else:
        s.td_below_s = 0.0
    if s.td_below_s >= p.td_persistence_s - 1e-9:
        s.events |= EVENT_TOUCHDOWN_DECLARED
        s.declared_s = f.time_s
        enter(s, PHASE_TETHER_CUT, f.time_s)


cdef void detect_leg_touchdown(LawState* s, const LawParams* p, const SensorFrame* f,
                               double h) noexcept nogil:
    """Consecutive plausible leg-contact samples declare touchdown; engines off (C)."""
    if f.contact != 0 and h <= p.td_gate_altitude_m:
        s.td_contact_count += 1
    else:
        s.td_contact_count = 0
    if s.td_contact_count >= p.td_contact_samples:
        s.events |= EVENT_TOUCHDOWN_DECLARED | EVENT_ENGINE_CUTOFF
        s.declared_s = f.time_s
        enter(s, PHASE_LANDED, f.time_s)


cdef void flyaway_heading(LawState* s) noexcept nogil:
    """Fly on along the approach ground track, away from the rover."""
    cdef double dx = s.site_S_m[0] - s.start_position_S_m[0]
    cdef double dy = s.site_S_m[1] - s.start_position_S_m[1]
    cdef double d = sqrt(dx * dx + dy * dy)
    s.flyaway_heading_S[0] = dx / d if d > 1.0 else 1.0
    s.flyaway_heading_S[1] = dy / d if d > 1.0 else 0.0


cdef void flyaway(LawState* s, const LawParams* p, const SensorFrame* f,
                  const HazardMap* m, double* a, uint32_t* status) noexcept nogil:
    """Climb, then tilt away at a thrust that still holds altitude; then cut off
    (PHASE_FLYAWAY's row of the law's phase table; no status bits of its own)."""
    cdef double t = f.time_s - s.cut_s
    cdef double g = p.gravity_mps2
    cdef double horizontal
    if t < p.flyaway_climb_s:
        a[0] = 0.0
        a[1] = 0.0
        a[2] = p.flyaway_climb_thrust_factor * g
    elif t < p.flyaway_climb_s + p.flyaway_burn_s:
        horizontal = p.flyaway_thrust_factor * g * tan(p.flyaway_tilt_rad)
        a[0] = horizontal * s.flyaway_heading_S[0]
        a[1] = horizontal * s.flyaway_heading_S[1]
        a[2] = p.flyaway_thrust_factor * g
    else:
        s.events |= EVENT_ENGINE_CUTOFF
