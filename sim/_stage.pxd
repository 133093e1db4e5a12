# cython: language_level=3
"""The stage as a rigid body, for the 6-DOF plant (_sixdof.pyx): its
rotation matrix, the state of its body-fixed points (and a force at one),
its mass properties, its reach to the ground and a stuck engine. Inline functions only: a
declarations-only module, nothing to import at run time."""

from libc.math cimport acos, atan2, cos, fabs, sin, sqrt, M_PI, NAN

from hilander.controller._law cimport LANDING_LEGS

from hilander.controller._attitude cimport ENGINE_MAX
from hilander.sim._rigid cimport MassProperties, mass_properties, point_state, engine_wrench
from hilander.sim._types cimport WorldParams, WorldState, Body, Terrain


cdef inline double fmin(double a, double b) noexcept nogil:
    return a if a < b else b


cdef inline double fmax(double a, double b) noexcept nogil:
    return a if a > b else b


cdef inline bint out_of_reach(const Terrain* t, const double r[3], double reach) noexcept nogil:
    """No point within reach of r (site frame) can touch the ground: r higher above the
    terrain's plane than its relief and the plane's rise over the reach."""
    return r[2] - reach > (t.gradient[0] * r[0] + t.gradient[1] * r[1] + t.relief_max_m
                           + reach * (fabs(t.gradient[0]) + fabs(t.gradient[1])))


cdef inline void rotation(const double q[4], double m[9]) noexcept nogil:
    """The matrix R of q_SB (row-major): v_S = R v_B."""
    m[0] = 1.0 - 2.0 * (q[2] * q[2] + q[3] * q[3])
    m[1] = 2.0 * (q[1] * q[2] - q[0] * q[3])
    m[2] = 2.0 * (q[1] * q[3] + q[0] * q[2])
    m[3] = 2.0 * (q[1] * q[2] + q[0] * q[3])
    m[4] = 1.0 - 2.0 * (q[1] * q[1] + q[3] * q[3])
    m[5] = 2.0 * (q[2] * q[3] - q[0] * q[1])
    m[6] = 2.0 * (q[1] * q[3] - q[0] * q[2])
    m[7] = 2.0 * (q[2] * q[3] + q[0] * q[1])
    m[8] = 1.0 - 2.0 * (q[1] * q[1] + q[2] * q[2])


cdef inline void turn(const double m[9], const double v[3], double out[3]) noexcept nogil:
    """out = R v (B to S)."""
    out[0] = m[0] * v[0] + m[1] * v[1] + m[2] * v[2]
    out[1] = m[3] * v[0] + m[4] * v[1] + m[5] * v[2]
    out[2] = m[6] * v[0] + m[7] * v[1] + m[8] * v[2]


cdef inline void turn_back(const double m[9], const double v[3], double out[3]) noexcept nogil:
    """out = R^T v (S to B)."""
    out[0] = m[0] * v[0] + m[3] * v[1] + m[6] * v[2]
    out[1] = m[1] * v[0] + m[4] * v[1] + m[7] * v[2]
    out[2] = m[2] * v[0] + m[5] * v[1] + m[8] * v[2]


cdef inline void cross(const double a[3], const double b[3], double out[3]) noexcept nogil:
    out[0] = a[1] * b[2] - a[2] * b[1]
    out[1] = a[2] * b[0] - a[0] * b[2]
    out[2] = a[0] * b[1] - a[1] * b[0]


cdef inline double tilt_of(const double q[4]) noexcept nogil:
    """Angle of the body z axis from vertical."""
    return acos(fmin(1.0, fmax(-1.0, 1.0 - 2.0 * (q[1] * q[1] + q[2] * q[2]))))


cdef inline double norm3(const double r[3]) noexcept nogil:
    return sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2])


cdef inline double dry_mass_kg(const WorldState* w, const WorldParams* p) noexcept nogil:
    return p.stack_dry_mass_kg if w.body_with_rover else p.descent_stage_dry_mass_kg


cdef inline void mass_now(const WorldState* w, const WorldParams* p,
                          MassProperties* m) noexcept nogil:
    """MassProperties for the propellant left, with the rover while stowed."""
    if w.body_with_rover:
        mass_properties(p.stack_dry_mass_kg, p.stack_dry_com_B_m, p.stack_dry_inertia_B_kg_m2,
                        w.propellant_kg, p.tank_com_B_m, p.tank_radius_m, m)
    else:
        mass_properties(p.descent_stage_dry_mass_kg, p.stage_dry_com_B_m,
                        p.stage_dry_inertia_B_kg_m2, w.propellant_kg, p.tank_com_B_m,
                        p.tank_radius_m, m)


cdef inline void point_at(const WorldState* w, const double m[9], double x, double y,
                          double z, Body* b) noexcept nogil:
    """The state of the body-fixed point (x, y, z) from the reference point,
    R given: x_cm + R r, v_cm + R (omega x r), r from the centre of mass."""
    cdef double r[3]
    cdef double v[3]
    cdef double r_S[3]
    cdef double v_S[3]
    cdef int i
    r[0] = x - w.mass.com_B_m[0]
    r[1] = y - w.mass.com_B_m[1]
    r[2] = z - w.mass.com_B_m[2]
    cross(w.body.rate_B_radps, r, v)
    turn(m, r, r_S)
    turn(m, v, v_S)
    for i in range(3):
        b.position_S_m[i] = w.body.position_S_m[i] + r_S[i]
        b.velocity_S_mps[i] = w.body.velocity_S_mps[i] + v_S[i]


cdef inline void point(const WorldState* w, double x, double y, double z, Body* b) noexcept nogil:
    """The state of the body-fixed point (x, y, z) from the reference point."""
    cdef double r[3]
    r[0] = x
    r[1] = y
    r[2] = z
    point_state(&w.body, &w.mass, r, b.position_S_m, b.velocity_S_mps)


cdef inline void sync_points(WorldState* w, const WorldParams* p) noexcept nogil:
    """The reference point (w.stage), the rover's wheels while stowed, the
    body's z axis (the thrust axis of the telemetry and sensors)."""
    cdef double m[9]
    rotation(w.body.q_SB, m)
    point_at(w, m, 0.0, 0.0, 0.0, &w.stage)
    if w.rover_attached:
        point_at(w, m, 0.0, 0.0, -p.rover_stowed_offset_m, &w.rover)
    w.thrust_dir_S[0] = m[2]
    w.thrust_dir_S[1] = m[5]
    w.thrust_dir_S[2] = m[8]


cdef inline double lean_rad(const WorldState* w, const WorldParams* p) noexcept nogil:
    """A legged lander's lean over its support polygon (the tip-over verdict,
    result_sixdof.py): the centre of mass projected along the vertical onto the
    footpads' plane, its reach past the axis toward the nearest edge's normal,
    as an angle over its height above that plane; atan(r cos(pi/n) / h), the
    stability angle, as it stands over an edge; pi once past 90 deg of tilt
    (NaN but on legs)."""
    cdef double m[9]
    cdef double h = w.mass.com_B_m[2] + p.rover_stowed_offset_m
    cdef double x, y, phi, most = -1e300
    cdef int i
    if p.landing_system != LANDING_LEGS:
        return NAN
    rotation(w.body.q_SB, m)                     # the site's up in body axes: (m6, m7, m8)
    if m[8] <= 0.0:
        return M_PI
    x = w.mass.com_B_m[0] - h * m[6] / m[8]
    y = w.mass.com_B_m[1] - h * m[7] / m[8]
    for i in range(p.leg_count):
        phi = (2 * i + 1) * M_PI / p.leg_count
        most = fmax(most, x * cos(phi) + y * sin(phi))
    return atan2(most, h)


cdef inline void apply_at(const WorldState* w, const Body* at, const double f[3],
                          double fs[3], double ts[3]) noexcept nogil:
    """Add the force f (site frame) acting at a point to the body's force and torque."""
    cdef double r[3]
    cdef double t[3]
    cdef int i
    for i in range(3):
        r[i] = at.position_S_m[i] - w.body.position_S_m[i]
        fs[i] += f[i]
    cross(r, f, t)
    for i in range(3):
        ts[i] += t[i]


cdef inline int stuck_engine(const WorldState* w, const WorldParams* p) noexcept nogil:
    """The engine stuck now ([faults] engine_stuck, from 0), or -1: none, not
    yet, or the engines cut (the cutoff closes the valve upstream of it)."""
    if p.engine_stuck <= 0 or w.time_s < p.engine_stuck_time_s or w.engines_off:
        return -1
    return p.engine_stuck - 1


cdef inline void stuck_given(const WorldParams* p, int stuck, const double com_B_m[3],
                             double force_B[3], double torque_B[3]) noexcept nogil:
    """The stuck engine's force and torque on the NOMINAL layout about com_B_m,
    which the attitude loop takes as given (0 where it is not told of it)."""
    cdef double ones[ENGINE_MAX]
    cdef double u[ENGINE_MAX]
    cdef int i
    for i in range(ENGINE_MAX):
        ones[i] = 1.0
        u[i] = 0.0
    if stuck >= 0 and p.engine_stuck_known:
        u[stuck] = p.engine_stuck_throttle
    engine_wrench(&p.engines_nominal, u, ones, com_B_m, force_B, torque_B)
