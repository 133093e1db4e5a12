# cython: language_level=3
"""Rigid-body mechanics for the 6-DOF world: quaternions, mass properties,
one body's step, a body point's motion, the engines' force and torque.

Design
------
A. Frames and state as in _rigid.pxd (q_SB, scalar first, turns B into S).
B. Mass properties: the dry stage and the propellant as ONE rigid sphere
   (2/5 m r^2; no slosh, no jet damping), moved to the combined centre of
   mass by the parallel axis theorem; the 3x3 tensor and its inverse.
C. Translation, as the 3-DOF plant: semi-implicit Euler, v then x.
D. Rotation: a kick, then a free drift (symplectic Euler's split, as the
   translation). Kick: Pi = I omega + tau dt, the torque taken at the start
   of the step. Drift, torque-free, symmetric and implicit: the midpoint rate
   w_m = I^-1 (Pi + P^T Pi) / 2, P = exp(dt [w_m x]) the turn by |w_m| dt
   about w_m, by fixed-point iteration (contraction ~ dt |omega| I_max / I_min)
   from a second-order Taylor step (one iteration below 0.1 rad/s at 1 kHz,
   two at 2 rad/s), until an iterate moves w_m by under 1e-12 of itself; P
   and Pi_1 = P^T Pi are the last iterate's. omega_1 = I^-1 Pi_1, q_1 = q_0
   exp(w_m dt / 2) (the exact exponential map), renormalised. Free of torque
   it keeps L_S (R_1 Pi_1 = R_0 P P^T Pi) exactly and the energy (P keeps
   Pi . w_m) to the iteration's residual; symmetric, so second order. The
   kick first: with a spring torque -k theta it is symplectic Euler, stable
   for omega_n dt < 2 (turning with the mean of the old and new rates would
   grow the phase area by 1 + k dt^2 / (2 I) a step). Measured
   (tests/sim/test_rigid.py): precession phase 1.5e-6 rad off after 100 s
   at 1 kHz, a quarter of that at 2 kHz; L_S kept to 1.1e-11, the energy to
   2.7e-11 (tumbling at 2 rad/s, 1e5 steps); omega_n dt = 1.9 stable.
E. Engines: each one's force and its torque about the centre of mass, summed (B).
"""

import numpy as np

from libc.math cimport cos, sin, sqrt

from hilander.controller._attitude cimport ENGINE_MAX, EngineLayout

cdef int DRIFT_ITERATIONS_MAX = 8
cdef double DRIFT_TOL2 = 1e-24      # squared relative change at which the iteration stops
cdef double SERIES_ANGLE = 1e-2     # half-angle below which sin, cos are series (20 rad/s, 1 kHz)


cdef inline void qmul(const double a[4], const double b[4], double out[4]) noexcept nogil:
    """out = a b (Hamilton product; out may be a or b)."""
    cdef double w = a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3]
    cdef double x = a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2]
    cdef double y = a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1]
    cdef double z = a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]
    out[0], out[1], out[2], out[3] = w, x, y, z


cdef void quat_mul(const double a[4], const double b[4], double out[4]) noexcept nogil:
    """out = a b (Hamilton product; out may be a or b)."""
    qmul(a, b, out)


cdef inline void cross(const double a[3], const double b[3], double out[3]) noexcept nogil:
    """out = a x b (out must not be a or b)."""
    out[0] = a[1] * b[2] - a[2] * b[1]
    out[1] = a[2] * b[0] - a[0] * b[2]
    out[2] = a[0] * b[1] - a[1] * b[0]


cdef inline void turn(double w, const double u[3], double sign, const double v[3],
                      double out[3]) noexcept nogil:
    """out = q v q* for the unit q = (w, sign u): v + 2 w (q_v x v) + 2 q_v x (q_v x v)."""
    cdef double t[3]
    cdef double uxt[3]
    cdef int i
    cross(u, v, t)
    cross(u, t, uxt)
    for i in range(3):
        out[i] = v[i] + 2.0 * sign * w * t[i] + 2.0 * uxt[i]


cdef void quat_rotate(const double q[4], const double v[3], double out[3]) noexcept nogil:
    """out = q v q*: a body vector into S for q = q_SB (out may be v)."""
    turn(q[0], &q[1], 1.0, v, out)


cdef void quat_rotate_inv(const double q[4], const double v[3], double out[3]) noexcept nogil:
    """out = q* v q: a site vector into B for q = q_SB (out may be v)."""
    turn(q[0], &q[1], -1.0, v, out)


cdef void quat_normalize(double q[4]) noexcept nogil:
    cdef double k = 1.0 / sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3])
    cdef int i
    for i in range(4):
        q[i] *= k


cdef inline void mat3_vec(const double m[9], const double v[3], double out[3]) noexcept nogil:
    """out = M v, M row-major (out must not be v)."""
    cdef int i
    for i in range(3):
        out[i] = m[3 * i] * v[0] + m[3 * i + 1] * v[1] + m[3 * i + 2] * v[2]


cdef void mat3_inverse(const double m[9], double out[9]) noexcept nogil:
    """out = M^-1 by the adjugate over the determinant (M invertible)."""
    cdef double det
    cdef int i
    out[0] = m[4] * m[8] - m[5] * m[7]
    out[1] = m[2] * m[7] - m[1] * m[8]
    out[2] = m[1] * m[5] - m[2] * m[4]
    out[3] = m[5] * m[6] - m[3] * m[8]
    out[4] = m[0] * m[8] - m[2] * m[6]
    out[5] = m[2] * m[3] - m[0] * m[5]
    out[6] = m[3] * m[7] - m[4] * m[6]
    out[7] = m[1] * m[6] - m[0] * m[7]
    out[8] = m[0] * m[4] - m[1] * m[3]
    det = m[0] * out[0] + m[1] * out[3] + m[2] * out[6]
    for i in range(9):
        out[i] /= det


cdef void add_parallel_axis(double inertia[9], double mass_kg, const double d[3]) noexcept nogil:
    """inertia += m (|d|^2 E - d d^T): a mass's inertia moved by d."""
    cdef double d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
    cdef int i, j
    for i in range(3):
        for j in range(3):
            inertia[3 * i + j] += mass_kg * ((d2 if i == j else 0.0) - d[i] * d[j])


cdef void mass_properties(double dry_mass_kg, const double dry_com_B_m[3],
                          const double dry_inertia_B_kg_m2[3], double propellant_kg,
                          const double tank_com_B_m[3], double tank_radius_m,
                          MassProperties* m) noexcept nogil:
    """The stage with its propellant as one solid sphere (design B)."""
    cdef double sphere = 0.4 * propellant_kg * tank_radius_m * tank_radius_m
    cdef double d_dry[3]
    cdef double d_tank[3]
    cdef int i
    m.mass_kg = dry_mass_kg + propellant_kg
    for i in range(3):
        m.com_B_m[i] = (dry_mass_kg * dry_com_B_m[i] + propellant_kg * tank_com_B_m[i]) / m.mass_kg
        d_dry[i] = dry_com_B_m[i] - m.com_B_m[i]
        d_tank[i] = tank_com_B_m[i] - m.com_B_m[i]
    for i in range(9):
        m.inertia_B_kg_m2[i] = 0.0
    for i in range(3):
        m.inertia_B_kg_m2[4 * i] = dry_inertia_B_kg_m2[i] + sphere
    add_parallel_axis(m.inertia_B_kg_m2, dry_mass_kg, d_dry)
    add_parallel_axis(m.inertia_B_kg_m2, propellant_kg, d_tank)
    mat3_inverse(m.inertia_B_kg_m2, m.inertia_inv_B)


cdef inline void rate_quaternion(const double w[3], double dt_s, double p[4]) noexcept nogil:
    """p = exp(w dt / 2): the turn by |w| dt about w, as a unit quaternion."""
    cdef double b = 0.25 * dt_s * dt_s * (w[0] * w[0] + w[1] * w[1] + w[2] * w[2])  # a^2
    cdef double n, k                    # |w|, sin(a) / |w|
    if b < SERIES_ANGLE * SERIES_ANGLE:  # Taylor to a^6: the next terms < 1e-21; no sqrt
        k = 0.5 * dt_s * (1.0 - b * (1.0 / 6) * (1.0 - b * (1.0 / 20) * (1.0 - b * (1.0 / 42))))
        p[0] = 1.0 - b * 0.5 * (1.0 - b * (1.0 / 12) * (1.0 - b * (1.0 / 30)))
    else:
        n = sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2])
        k = sin(0.5 * n * dt_s) / n
        p[0] = cos(0.5 * n * dt_s)
    p[1], p[2], p[3] = k * w[0], k * w[1], k * w[2]


cdef inline void drift(const MassProperties* m, const double pi[3], double dt_s,
                       double p[4], double pi_1[3]) noexcept nogil:
    """The torque-free turn over dt_s (design D): p = exp(w_m dt / 2), pi_1 = P^T pi,
    w_m = I^-1 (pi + pi_1) / 2 by fixed-point iteration from a Taylor step."""
    cdef double w[3], mean[3], next_w[3], d2, n2
    cdef double d1[3], dw[3]            # d pi / dt = pi x omega, d omega / dt = I^-1 d1
    cdef int i, _k
    mat3_vec(m.inertia_inv_B, pi, w)
    cross(pi, w, d1)
    mat3_vec(m.inertia_inv_B, d1, dw)
    cross(d1, w, mean)                  # d^2 pi / dt^2 = d1 x omega + pi x dw
    cross(pi, dw, next_w)
    for i in range(3):
        mean[i] = pi[i] + 0.5 * dt_s * d1[i] + 0.25 * dt_s * dt_s * (mean[i] + next_w[i])
    mat3_vec(m.inertia_inv_B, mean, w)
    for _k in range(DRIFT_ITERATIONS_MAX):
        rate_quaternion(w, dt_s, p)
        turn(p[0], &p[1], -1.0, pi, pi_1)
        for i in range(3):
            mean[i] = 0.5 * (pi[i] + pi_1[i])
        mat3_vec(m.inertia_inv_B, mean, next_w)
        d2 = n2 = 0.0
        for i in range(3):
            d2 += (next_w[i] - w[i]) * (next_w[i] - w[i])
            n2 += next_w[i] * next_w[i]
            w[i] = next_w[i]
        if d2 <= DRIFT_TOL2 * n2:
            return
    rate_quaternion(w, dt_s, p)
    turn(p[0], &p[1], -1.0, pi, pi_1)


cdef void rigid_step(RigidState* s, const MassProperties* m, const double force_S_N[3],
                     const double torque_B_Nm[3], double gravity_mps2,
                     double dt_s) noexcept nogil:
    """One step (design C and D): force in S on the centre of mass, torque in B."""
    cdef double inv_m = 1.0 / m.mass_kg
    cdef double pi[3], pi_1[3], p[4]
    cdef int i
    s.velocity_S_mps[0] += force_S_N[0] * inv_m * dt_s      # as the 3-DOF plant, bit for bit
    s.velocity_S_mps[1] += force_S_N[1] * inv_m * dt_s
    s.velocity_S_mps[2] += (force_S_N[2] * inv_m - gravity_mps2) * dt_s
    for i in range(3):
        s.position_S_m[i] += s.velocity_S_mps[i] * dt_s
    mat3_vec(m.inertia_B_kg_m2, s.rate_B_radps, pi)
    for i in range(3):
        pi[i] += torque_B_Nm[i] * dt_s  # the kick
    drift(m, pi, dt_s, p, pi_1)
    mat3_vec(m.inertia_inv_B, pi_1, s.rate_B_radps)
    qmul(s.q_SB, p, s.q_SB)
    quat_normalize(s.q_SB)


cdef void point_state(const RigidState* s, const MassProperties* m, const double point_B_m[3],
                      double position_S_m[3], double velocity_S_mps[3]) noexcept nogil:
    """A body-fixed point: x_cm + R r and v_cm + R (omega x r), r from the centre of mass."""
    cdef double r[3]
    cdef double v[3]
    cdef int i
    for i in range(3):
        r[i] = point_B_m[i] - m.com_B_m[i]
    cross(s.rate_B_radps, r, v)
    quat_rotate(s.q_SB, r, r)
    quat_rotate(s.q_SB, v, v)
    for i in range(3):
        position_S_m[i] = s.position_S_m[i] + r[i]
        velocity_S_mps[i] = s.velocity_S_mps[i] + v[i]


cdef void engine_wrench(const EngineLayout* e, const double throttle[ENGINE_MAX],
                        const double thrust_scale[ENGINE_MAX], const double com_B_m[3],
                        double force_B_N[3], double torque_B_Nm[3]) noexcept nogil:
    """The engines' summed force and torque about com_B_m, in B (design E)."""
    cdef double f[3]
    cdef double r[3]
    cdef double t[3]
    cdef double k
    cdef int i, j
    for j in range(3):
        force_B_N[j] = 0.0
        torque_B_Nm[j] = 0.0
    for i in range(e.count):
        k = throttle[i] * thrust_scale[i] * e.thrust_max_N
        for j in range(3):
            f[j] = k * e.direction_B[i][j]
            r[j] = e.position_B_m[i][j] - com_B_m[j]
        cross(r, f, t)
        for j in range(3):
            force_B_N[j] += f[j]
            torque_B_Nm[j] += t[j]


# Python wrappers, for the tests and the benchmark. A state is 13 numbers:
# position_S_m (3), velocity_S_mps (3), q_SB (4), rate_B_radps (3).

cdef void load(object src, double* out, int n) except *:
    cdef double[::1] a = np.ascontiguousarray(src, dtype=np.float64).ravel()
    cdef int i
    if a.shape[0] != n:
        raise ValueError(f"expected {n} numbers, got {a.shape[0]}")
    for i in range(n):
        out[i] = a[i]


cdef object store(const double* src, int n):
    return np.array([src[i] for i in range(n)])


cdef void load_mass(object mass_kg, object com_B_m, object inertia_B_kg_m2,
                    MassProperties* m) except *:
    m.mass_kg = mass_kg
    load(com_B_m, m.com_B_m, 3)
    load(inertia_B_kg_m2, m.inertia_B_kg_m2, 9)
    mat3_inverse(m.inertia_B_kg_m2, m.inertia_inv_B)


def py_quat_mul(a, b):
    cdef double q[12]                   # a, b, a b
    load(a, q, 4)
    load(b, &q[4], 4)
    quat_mul(q, &q[4], &q[8])
    return store(&q[8], 4)


def py_quat_rotate(q, v, bint inverse=False):
    cdef double qq[4]
    cdef double vv[3]
    load(q, qq, 4)
    load(v, vv, 3)
    if inverse:
        quat_rotate_inv(qq, vv, vv)
    else:
        quat_rotate(qq, vv, vv)
    return store(vv, 3)


def py_quat_normalize(q):
    cdef double qq[4]
    load(q, qq, 4)
    quat_normalize(qq)
    return store(qq, 4)


def py_mass_properties(double dry_mass_kg, dry_com_B_m, dry_inertia_B_kg_m2,
                       double propellant_kg, tank_com_B_m, double tank_radius_m):
    """(mass_kg, com_B_m (3,), inertia_B_kg_m2 (3, 3), inertia_inv_B (3, 3))."""
    cdef double v[9]                    # dry_com_B_m, dry_inertia_B_kg_m2, tank_com_B_m
    cdef MassProperties m
    load(dry_com_B_m, v, 3)
    load(dry_inertia_B_kg_m2, &v[3], 3)
    load(tank_com_B_m, &v[6], 3)
    mass_properties(dry_mass_kg, v, &v[3], propellant_kg, &v[6], tank_radius_m, &m)
    return (m.mass_kg, store(m.com_B_m, 3), store(m.inertia_B_kg_m2, 9).reshape(3, 3),
            store(m.inertia_inv_B, 9).reshape(3, 3))


cdef void load_engines(object position_B_m, object direction_B, double thrust_max_N,
                       object throttle, EngineLayout* e, double* thr) except *:
    cdef int n = len(throttle)
    if not 0 <= n <= ENGINE_MAX:
        raise ValueError(f"expected at most {ENGINE_MAX} engines, got {n}")
    e.count = n
    e.thrust_max_N = thrust_max_N
    load(position_B_m, &e.position_B_m[0][0], 3 * n)
    load(direction_B, &e.direction_B[0][0], 3 * n)
    load(throttle, thr, n)


cdef void engine_step(RigidState* s, const MassProperties* m, const EngineLayout* e,
                      const double* thr, const double* scale, const double force_S_N[3],
                      const double torque_B_Nm[3], double gravity_mps2,
                      double dt_s) noexcept nogil:
    """One step under the engines' wrench and the given force and torque, as the plant."""
    cdef double f[3]
    cdef double t[3]
    cdef int i
    engine_wrench(e, thr, scale, m.com_B_m, f, t)
    quat_rotate(s.q_SB, f, f)
    for i in range(3):
        f[i] += force_S_N[i]
        t[i] += torque_B_Nm[i]
    rigid_step(s, m, f, t, gravity_mps2, dt_s)


def py_rigid_run(state, double mass_kg, com_B_m, inertia_B_kg_m2, force_S_N, torque_B_Nm,
                 double gravity_mps2, double dt_s, int steps, int every=1, engines=None):
    """The state every `every` steps of `steps`, the start first: ((steps // every) + 1, 13).
    engines = (position_B_m, direction_B, thrust_max_N, throttle) adds their wrench
    (thrust scale 1) to the force (S) and torque (B) every step."""
    cdef RigidState s
    cdef MassProperties m
    cdef EngineLayout e
    cdef double thr[ENGINE_MAX]
    cdef double scale[ENGINE_MAX]
    cdef double f[3]
    cdef double t[3]
    cdef int k
    load(state, <double*>&s, 13)  # the struct: 13 doubles in this order
    load_mass(mass_kg, com_B_m, inertia_B_kg_m2, &m)
    load(force_S_N, f, 3)
    load(torque_B_Nm, t, 3)
    engines = engines or ((), (), 0.0, ())
    load_engines(engines[0], engines[1], engines[2], engines[3], &e, thr)
    for k in range(ENGINE_MAX):
        scale[k] = 1.0
    rows = [store(<double*>&s, 13)]
    for k in range(1, steps + 1):
        engine_step(&s, &m, &e, thr, scale, f, t, gravity_mps2, dt_s)
        if k % every == 0:
            rows.append(store(<double*>&s, 13))
    return np.array(rows)


def py_point_state(state, com_B_m, point_B_m):
    """(position_S_m, velocity_S_mps) of a body point; mass and inertia play no part."""
    cdef RigidState s
    cdef MassProperties m
    cdef double v[9]                    # point_B_m, position_S_m, velocity_S_mps
    load(state, <double*>&s, 13)  # the struct: 13 doubles in this order
    load(com_B_m, m.com_B_m, 3)
    load(point_B_m, v, 3)
    point_state(&s, &m, v, &v[3], &v[6])
    return store(&v[3], 3), store(&v[6], 3)


def py_engine_wrench(position_B_m, direction_B, double thrust_max_N, throttle, thrust_scale,
                     com_B_m):
    """(force_B_N, torque_B_Nm) of n engines: positions and directions (n, 3)."""
    cdef EngineLayout e
    cdef double thr[ENGINE_MAX]
    cdef double scale[ENGINE_MAX]
    cdef double v[9]                    # com_B_m, force_B_N, torque_B_Nm
    load_engines(position_B_m, direction_B, thrust_max_N, throttle, &e, thr)
    load(thrust_scale, scale, e.count)
    load(com_B_m, v, 3)
    engine_wrench(&e, thr, scale, v, &v[3], &v[6])
    return store(&v[3], 3), store(&v[6], 3)
