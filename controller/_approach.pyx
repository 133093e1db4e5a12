# cython: language_level=3
"""The Apollo approach's problem and turn-round (design B and B2 of _law.pyx;
the reference is reference_approach.py)."""

from libc.math cimport cos, fmax, sin

from hilander.controller._guidance cimport coast_and_brake_s
from hilander.controller._throttle cimport norm2, thrust_rated_N

cdef double HORIZONTAL_GAIN = 6.0      # ZEM/ZEV across: the final horizontal thrust is free
cdef double TURN_BRAKE_FRACTION = 0.8  # of full thrust, the braking the turn-round plans for
cdef double TURN_TILT_FRACTION = 0.99  # of the tilt cone's edge, to stay off it


cdef double gate_decel_mps2(const LawParams* p) noexcept nogil:
    """The constant deceleration from the gate to the sky-crane start."""
    return ((p.gate_speed_mps * p.gate_speed_mps - p.sky_crane_speed_mps * p.sky_crane_speed_mps)
            / (2.0 * (p.gate_altitude_m - p.sky_crane_altitude_m)))


cdef void gate_problem(const LawState* s, const LawParams* p, const SensorFrame* f,
                       TgoProblem* q) noexcept nogil:
    cdef double m = fmax(f.mass_estimate_kg, 1.0)
    cdef double rated = thrust_rated_N(p, f.engines_active)
    cdef int i
    for i in range(3):
        q.r[i] = f.nav_position_S_m[i]
        q.v[i] = f.nav_velocity_S_mps[i]
        q.rf[i] = s.site_S_m[i]
        q.vf[i] = 0.0
    q.rf[2] += p.gate_altitude_m
    q.vf[2] = -p.gate_speed_mps
    q.af[0] = 0.0
    q.af[1] = 0.0
    q.af[2] = p.gravity_mps2 + gate_decel_mps2(p)
    q.gain[0] = HORIZONTAL_GAIN
    q.gain[1] = HORIZONTAL_GAIN
    q.gain[2] = p.guidance_gain
    q.g = p.gravity_mps2
    q.accel_max = p.throttle_max * rated / m
    q.accel_min = p.throttle_min * rated / m
    q.cos_tilt = cos(p.tilt_max_rad)
    q.floor_z = q.rf[2]
    q.tgo_min = p.tgo_min_s
    q.tgo_max = p.tgo_max_s


cdef bint must_brake_now(const TgoProblem* q, double v_gate, double decel) noexcept nogil:
    """Design B2: the vertical braking to the gate's speed at its height
    needs decel or more: the turn-round's time is up (its burn is mostly
    horizontal, and flown on it flies into the ground)."""
    cdef double h = q.r[2] - q.rf[2], vz = q.v[2]
    return h <= 0.0 or (-vz > v_gate and vz * vz - v_gate * v_gate >= 2.0 * decel * h)


cdef int turn_round(LawState* s, const LawParams* p, const TgoProblem* q,
                    double a[3]) noexcept nogil:
    """Design B2: at full thrust on the tilt cone's edge toward the horizontal
    velocity v* = d / (t_coast + t_brake / 2) the coast and the braking will
    carry to the site, until within turn_speed_error_mps of it; then never
    again; over too when the vertical braking can wait no longer.
    1 while burning."""
    cdef double decel, t, ex, ey, e, horizontal
    if s.turned:
        return 0
    decel = fmax(TURN_BRAKE_FRACTION * q.accel_max - q.g, 0.5)
    if must_brake_now(q, p.gate_speed_mps, decel):
        s.turned = 1
        return 0
    t = coast_and_brake_s(q, p.gate_speed_mps, decel)
    ex = (q.rf[0] - q.r[0]) / t - q.v[0]
    ey = (q.rf[1] - q.r[1]) / t - q.v[1]
    e = norm2(ex, ey)
    if e <= p.turn_speed_error_mps:
        s.turned = 1
        return 0
    horizontal = TURN_TILT_FRACTION * q.accel_max * sin(p.tilt_max_rad)
    a[0] = horizontal * ex / e
    a[1] = horizontal * ey / e
    a[2] = q.accel_max * cos(p.tilt_max_rad)
    s.tgo_s = 0.0                       # search at once when the burn ends
    return 1
