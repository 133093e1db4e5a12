# cython: language_level=3
"""Attitude control and engine allocation: the engine-level stage of the law.

Design (equations and measurements: docs/law.md, "Attitude and engines")
------
A. Attitude. d = R(q_SB)^T thrust_dir_S / |thrust_dir_S| (body frame); the error quaternion,
   the smallest rotation of body z onto d, is q_e = (1 + d_z, -d_y, d_x, 0) / n (w >= 0: the
   shortest way; no yaw component: yaw is only damped; n = 0, upside down: half a turn about
   x); torque_i = I_i (wn^2 (2 e_i) - 2 zeta wn rate_i), e the vector part.
B-E. Allocation: _allocate.pyx (design there); allocate() is a cold start, allocate_warm()
   starts from the previous call's held set.
"""

from libc.math cimport isfinite, sqrt
from libc.stdint cimport int32_t, uint32_t

from hilander.controller._allocate cimport allocate_held


cdef inline double dot4(const double* x, const double* y) noexcept nogil:
    return x[0] * y[0] + x[1] * y[1] + x[2] * y[2] + x[3] * y[3]


cdef void body_direction(const double* q, const double* d, double* out) noexcept nogil:
    """d (site frame) in the body frame, R(q)^T d, q of unit norm."""
    cdef double w = q[0], x = q[1], y = q[2], z = q[3]
    out[0] = ((1.0 - 2.0 * (y * y + z * z)) * d[0] + 2.0 * (x * y + w * z) * d[1]
              + 2.0 * (x * z - w * y) * d[2])
    out[1] = (2.0 * (x * y - w * z) * d[0] + (1.0 - 2.0 * (x * x + z * z)) * d[1]
              + 2.0 * (y * z + w * x) * d[2])
    out[2] = (2.0 * (x * z + w * y) * d[0] + 2.0 * (y * z - w * x) * d[1]
              + (1.0 - 2.0 * (x * x + y * y)) * d[2])


cdef void error_vector(const double* q_SB, const double* dir_S, double* e) noexcept nogil:
    """The vector part of the error quaternion (design A)."""
    cdef double qn = sqrt(dot4(q_SB, q_SB)), q[4], du[3], d[3], w, n
    cdef double dn = sqrt(dir_S[0] * dir_S[0] + dir_S[1] * dir_S[1] + dir_S[2] * dir_S[2])
    cdef int i
    e[0] = e[1] = e[2] = 0.0
    if not (dn > 0.0 and isfinite(dn)):
        return
    for i in range(4):
        q[i] = q_SB[i] / qn
    for i in range(3):
        du[i] = dir_S[i] / dn
    body_direction(q, du, d)
    w = 1.0 + d[2]
    n = sqrt(w * w + d[1] * d[1] + d[0] * d[0])
    if not n > 0.0:
        e[0] = 1.0
        return
    if w < 0.0:
        n = -n
    e[0], e[1] = -d[1] / n, d[0] / n


cdef void attitude_torque(const double q_SB[4], const double rate_B_radps[3],
                          const double thrust_dir_S[3], const AttitudeParams* a,
                          double torque_B_Nm[3]) noexcept nogil:
    """torque_i = I_i (wn^2 2 e_i - 2 zeta wn rate_i) (design A)."""
    cdef double qn2 = dot4(q_SB, q_SB), e[3], wn = a.bandwidth_radps, k_p, k_d
    cdef bint ok = qn2 > 0.0 and isfinite(qn2) and isfinite(wn) and isfinite(a.damping_ratio)
    cdef int i
    for i in range(3):
        ok = ok and isfinite(rate_B_radps[i]) and isfinite(a.inertia_B_kg_m2[i])
    torque_B_Nm[0] = torque_B_Nm[1] = torque_B_Nm[2] = 0.0
    if not ok:
        return
    error_vector(q_SB, thrust_dir_S, e)
    k_p, k_d = wn * wn, 2.0 * a.damping_ratio * wn
    for i in range(3):
        torque_B_Nm[i] = a.inertia_B_kg_m2[i] * (k_p * (2.0 * e[i]) - k_d * rate_B_radps[i])
        ok = ok and isfinite(torque_B_Nm[i])
    if not ok:                                  # huge gains overflowed
        torque_B_Nm[0] = torque_B_Nm[1] = torque_B_Nm[2] = 0.0


cdef uint32_t allocate_warm(const EngineLayout* e, const AttitudeParams* a,
                            uint32_t engines_ok, double force_N, const double torque_B_Nm[3],
                            double throttle[ENGINE_MAX], AllocateHeld* held,
                            int32_t* iterations) noexcept nogil:
    """The allocation from the previous call's held set, which it updates (design B-E)."""
    return allocate_held(e, a, engines_ok, force_N, torque_B_Nm, throttle, held, iterations)


cdef uint32_t allocate_counted(const EngineLayout* e, const AttitudeParams* a,
                               uint32_t engines_ok, double force_N,
                               const double torque_B_Nm[3], double throttle[ENGINE_MAX],
                               int32_t* iterations) noexcept nogil:
    """allocate(), and the number of solves it took: a cold start (design C)."""
    cdef AllocateHeld held
    held.floor = held.ceiling = 0
    return allocate_held(e, a, engines_ok, force_N, torque_B_Nm, throttle, &held, iterations)


cdef uint32_t allocate(const EngineLayout* e, const AttitudeParams* a, uint32_t engines_ok,
                       double force_N, const double torque_B_Nm[3],
                       double throttle[ENGINE_MAX]) noexcept nogil:
    """The throttles (design B-E); the ALLOCATE_* bits."""
    cdef int32_t iterations
    return allocate_counted(e, a, engines_ok, force_N, torque_B_Nm, throttle, &iterations)


def py_attitude_torque(q_SB, rate_B_radps, thrust_dir_S, dict params):
    """attitude_torque for sequences and an AttitudeParams as a dict (for tests)."""
    cdef AttitudeParams a = params
    cdef double q[4], rate[3], d[3], torque[3]
    q, rate, d = list(q_SB), list(rate_B_radps), list(thrust_dir_S)
    attitude_torque(q, rate, d, &a, torque)
    return [torque[0], torque[1], torque[2]]


cdef EngineLayout as_layout(dict layout):
    """The struct from a dict; count = len(position_B_m), at most ENGINE_MAX."""
    cdef EngineLayout e
    cdef int i, k
    e.count = min(len(layout["position_B_m"]), ENGINE_MAX)
    e.thrust_max_N = layout["thrust_max_N"]
    e.throttle_min, e.throttle_max = layout["throttle_min"], layout["throttle_max"]
    for i in range(ENGINE_MAX):
        for k in range(3):
            e.position_B_m[i][k] = layout["position_B_m"][i][k] if i < e.count else 0.0
            e.direction_B[i][k] = layout["direction_B"][i][k] if i < e.count else 0.0
    return e


def py_allocate(dict layout, dict params, uint32_t engines_ok, double force_N, torque_B_Nm):
    """(bits, throttles, iterations); layout, params as dicts; count = len(position_B_m)."""
    bits, throttle, iterations, _ = py_allocate_warm(layout, params, engines_ok, force_N,
                                                     torque_B_Nm, (0, 0))
    return bits, throttle, iterations


def py_allocate_warm(dict layout, dict params, uint32_t engines_ok, double force_N,
                     torque_B_Nm, held):
    """(bits, throttles, iterations, held) from held = (floor mask, ceiling mask)."""
    cdef EngineLayout e = as_layout(layout)
    cdef AttitudeParams a = params
    cdef AllocateHeld h
    cdef double tau[3], throttle[ENGINE_MAX]
    cdef int32_t iterations
    h.floor, h.ceiling = held
    tau = list(torque_B_Nm)
    bits = allocate_warm(&e, &a, engines_ok, force_N, tau, throttle, &h, &iterations)
    return bits, [throttle[i] for i in range(ENGINE_MAX)], iterations, (h.floor, h.ceiling)
