# cython: language_level=3
"""The throttle stage of the landing law.

Design
------
A. The desired thrust m a goes into the tilt cone (its horizontal part
   shortened; while the convex plan flies, s.tracking, its vertical part
   raised to carry the horizontal instead, up to T_max on the cone's
   edge, and while the stage is above the plan, or rising on it, up to
   the plan's own vertical thrust, s.raise_max_mps2: raised further it
   would climb away from the plan, and propellant runs out), then into
   [T_min, T_max] of the engines still firing, throttle_min and
   throttle_max of their rated thrust (vertical priority when saturated),
   then the per-step throttle change is rate limited. The throttle
   commanded is a fraction of the rated thrust, as the plant reads it.
"""

from libc.math cimport fabs, fmax, fmin, sqrt, tan
from libc.stdint cimport uint32_t

from hilander.controller._law cimport (
    Command, LawParams, LawState, SensorFrame, EVENT_ENGINE_CUTOFF,
    STATUS_THROTTLE_RATE_LIMITED, STATUS_THRUST_SATURATED, STATUS_TILT_LIMITED,
)


cdef void limit_thrust(const LawParams* p, bint tracking, double raise_max_N, double tmin,
                       double tmax, double* tz, double* th, uint32_t* status) noexcept nogil:
    """(tz, th) into the tilt cone (the plan's horizontal first when tracking:
    the vertical raised to carry it, up to the ceiling on the cone's edge and
    raise_max_N), then into [tmin, tmax] with vertical priority."""
    cdef double mag, tan_tilt = tan(p.tilt_max_rad)
    if th[0] > tz[0] * tan_tilt:
        status[0] |= STATUS_TILT_LIMITED
        if tracking:
            if th[0] / tan_tilt > tmax * cos(p.tilt_max_rad):
                status[0] |= STATUS_THRUST_SATURATED    # the ceiling cuts the raise
            tz[0] = fmax(tz[0], fmin(th[0] / tan_tilt,
                                     fmin(tmax * cos(p.tilt_max_rad), raise_max_N)))
        th[0] = fmin(th[0], tz[0] * tan_tilt)
    mag = norm2(tz[0], th[0])
    if mag > tmax:
        status[0] |= STATUS_THRUST_SATURATED
        tz[0] = fmin(tz[0], tmax)
        th[0] = fmin(th[0], sqrt(fmax(0.0, tmax * tmax - tz[0] * tz[0])))
    elif mag < tmin:
        status[0] |= STATUS_THRUST_SATURATED
        th[0] *= tmin / mag
        tz[0] *= tmin / mag


cdef void throttle_stage(LawState* s, const LawParams* p, const SensorFrame* f,
                         const double* a, Command* c) noexcept nogil:
    """Desired acceleration -> thrust vector and throttle within every limit."""
    cdef double m = fmax(f.mass_estimate_kg, 1.0)
    cdef double rated = thrust_rated_N(p, f.engines_active)
    cdef double tmax = p.throttle_max * rated, tmin = p.throttle_min * rated
    cdef double ah = norm2(a[0], a[1])
    cdef double ux = a[0] / ah if ah > 0.0 else 0.0
    cdef double uy = a[1] / ah if ah > 0.0 else 0.0
    cdef double th = m * ah, tz, mag, throttle, step_max, scale
    if tmax <= 0.0 or s.events & EVENT_ENGINE_CUTOFF:
        c.thrust_S_N[0] = c.thrust_S_N[1] = c.thrust_S_N[2] = 0.0
        c.throttle = s.throttle = 0.0
        return
    tz = fmax(m * a[2], fmax(tmin, 1e-6 * tmax) * cos(p.tilt_max_rad))
    limit_thrust(p, s.tracking, m * s.raise_max_mps2, tmin, tmax, &tz, &th, &c.status)
    mag = norm2(tz, th)
    throttle = mag / rated
    step_max = p.throttle_rate_max_per_s / p.control_rate_Hz
    if fabs(throttle - s.throttle) > step_max:
        c.status |= STATUS_THROTTLE_RATE_LIMITED
        throttle = s.throttle + (step_max if throttle > s.throttle else -step_max)
    c.throttle = s.throttle = throttle
    scale = throttle * rated / mag
    c.thrust_S_N[0] = ux * th * scale
    c.thrust_S_N[1] = uy * th * scale
    c.thrust_S_N[2] = tz * scale
