# cython: language_level=3
"""Attitude control and engine allocation: the engine-level stage of the law.

Design (equations and measurements: docs/law.md, "Attitude and engines")
------
A. Attitude. d = R(q_SB)^T thrust_dir_S / |thrust_dir_S| (body frame); the
   error quaternion, the smallest rotation of body z onto d, is
   q_e = (1 + d_z, -d_y, d_x, 0) / n (w >= 0: the shortest way; no yaw
   component: yaw is only damped; n = 0, upside down: half a turn about x);
   torque_i = I_i (wn^2 (2 e_i) - 2 zeta wn rate_i), e the vector part.
B. Allocation. Engine i's column a_i = thrust_max [dir_z; (pos - com) x dir];
   minimise |W (A u - [force; torque])|^2, W = diag(1, p, p, p) (p: torque
   priority), throttle_min <= u_i <= throttle_max (engines not running: 0).
C. A primal active set from mid-throttle, all free: solve the free engines'
   least squares nearest the current throttles, the held ones fixed; step
   toward it, holding the first engine to reach a bound (lowest index on a
   tie); if none does, free the held engine whose gradient most wants it
   inside (above ALLOCATE_TOLERANCE of its scale), or stop. At most
   ALLOCATE_ITERATIONS_MAX solves, else ALLOCATE_ITERATION_LIMIT.
D. The solve: a ridge on the 4x4 normal matrix B B^T + eps I (B = W A_F,
   Cholesky), eps = ALLOCATE_REGULARISATION x its largest diagonal over all
   running engines, refined ALLOCATE_REFINEMENTS times (iterated ridge): the
   minimum-norm step, zero along a direction no engine acts on.
E. Bad input (or overflow) never gives NaN: docs/law.md says what it gives.
"""

from libc.math cimport fabs, fmax, isfinite, sqrt
from libc.stdint cimport int32_t, uint32_t

cdef double ALLOCATE_REGULARISATION = 1e-6
cdef int ALLOCATE_REFINEMENTS = 4
cdef double ALLOCATE_TOLERANCE = 1e-9
cdef double ALLOCATE_SHORT = 1e-6

cdef enum:
    FREE = 0
    FLOOR = -1
    CEILING = 1
    OFF = 2


cdef struct Work:
    int32_t n                        # engines considered
    double col[ENGINE_MAX][4]        # thrust_max [dir_z; (pos - com) x dir]
    double b[ENGINE_MAX][4]          # W col
    double target[4], wt[4]          # [force; torque] and W [force; torque]
    double lo, hi, eps, scale
    int32_t state[ENGINE_MAX]        # FREE, FLOOR, CEILING or OFF


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
    e[0] = -d[1] / n
    e[1] = d[0] / n


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
    k_p = wn * wn
    k_d = 2.0 * a.damping_ratio * wn
    for i in range(3):
        torque_B_Nm[i] = a.inertia_B_kg_m2[i] * (k_p * (2.0 * e[i]) - k_d * rate_B_radps[i])
        ok = ok and isfinite(torque_B_Nm[i])
    if not ok:                                  # huge gains overflowed
        torque_B_Nm[0] = torque_B_Nm[1] = torque_B_Nm[2] = 0.0


cdef void column(const EngineLayout* e, const AttitudeParams* a, int i,
                 double* c) noexcept nogil:
    cdef const double* d = e.direction_B[i]
    cdef double t = e.thrust_max_N, r[3]
    cdef int k
    for k in range(3):
        r[k] = e.position_B_m[i][k] - a.com_B_m[k]
    c[0] = t * d[2]
    c[1] = t * (r[1] * d[2] - r[2] * d[1])
    c[2] = t * (r[2] * d[0] - r[0] * d[2])
    c[3] = t * (r[0] * d[1] - r[1] * d[0])


cdef void setup(const EngineLayout* e, const AttitudeParams* a, uint32_t ok,
                Work* w) noexcept nogil:
    """Columns, weights, the ridge and the scale; all running engines free."""
    cdef double wgt[4], diag[4], mmax, tn
    cdef int i, k
    wgt[0] = 1.0
    wgt[1] = wgt[2] = wgt[3] = a.torque_priority
    for i in range(w.n):
        for k in range(4):
            w.col[i][k] = 0.0
        if (ok >> i) & 1u:
            column(e, a, i, w.col[i])
        for k in range(4):
            w.b[i][k] = wgt[k] * w.col[i][k]
        w.state[i] = (FREE if w.lo < w.hi else FLOOR) if (ok >> i) & 1u else OFF
    for k in range(4):
        w.wt[k] = wgt[k] * w.target[k]
        diag[k] = 0.0
        for i in range(w.n):
            diag[k] += w.b[i][k] * w.b[i][k]
    mmax = fmax(fmax(fmax(diag[0], diag[1]), diag[2]), diag[3])
    w.eps = ALLOCATE_REGULARISATION * mmax if mmax > 0.0 else 1.0
    tn = sqrt(dot4(w.wt, w.wt))
    w.scale = tn + sqrt(diag[0] + diag[1] + diag[2] + diag[3])


cdef void cholesky4(const Work* w, double m[4][4]) noexcept nogil:
    """L L^T = sum over the free engines of b b^T, plus eps I (lower triangle)."""
    cdef double s, piv
    cdef int i, j, k
    for k in range(4):
        for j in range(k + 1):
            s = 0.0
            for i in range(w.n):
                if w.state[i] == FREE:
                    s += w.b[i][k] * w.b[i][j]
            m[k][j] = s
        m[k][k] += w.eps
    for k in range(4):
        s = m[k][k]
        for j in range(k):
            s -= m[k][j] * m[k][j]
        piv = sqrt(s) if s > 0.0 else sqrt(w.eps)    # > 0 unless rounded away
        m[k][k] = piv
        for i in range(k + 1, 4):
            s = m[i][k]
            for j in range(k):
                s -= m[i][j] * m[k][j]
            m[i][k] = s / piv


cdef void solve4(double m[4][4], double* y) noexcept nogil:
    """y <- (L L^T)^-1 y."""
    cdef double s
    cdef int j, k
    for k in range(4):
        s = y[k]
        for j in range(k):
            s -= m[k][j] * y[j]
        y[k] = s / m[k][k]
    for k in range(3, -1, -1):
        s = y[k]
        for j in range(k + 1, 4):
            s -= m[j][k] * y[j]
        y[k] = s / m[k][k]


cdef void residual(const Work* w, const double* u, double* r) noexcept nogil:
    """W (A u - target) over the running engines."""
    cdef double s
    cdef int i, k
    for k in range(4):
        s = 0.0
        for i in range(w.n):
            if w.state[i] != OFF:
                s += w.b[i][k] * u[i]
        r[k] = s - w.wt[k]


cdef void free_solve(const Work* w, const double* u, double* z) noexcept nogil:
    """The free engines' least squares nearest u, the others held (design D)."""
    cdef double m[4][4], r[4], y[4], d[ENGINE_MAX], s
    cdef int i, k, _pass
    residual(w, u, r)
    cholesky4(w, m)
    for i in range(w.n):
        d[i] = 0.0
    for _pass in range(1 + ALLOCATE_REFINEMENTS):
        for k in range(4):
            s = -r[k]
            for i in range(w.n):
                if w.state[i] == FREE:
                    s -= w.b[i][k] * d[i]
            y[k] = s
        solve4(m, y)
        for i in range(w.n):
            if w.state[i] == FREE:
                d[i] += dot4(w.b[i], y)
    for i in range(w.n):
        z[i] = u[i] + d[i] if w.state[i] == FREE else u[i]


cdef inline double clamp(double x, double lo, double hi) noexcept nogil:
    return lo if x < lo else (hi if x > hi else x)


cdef bint step(Work* w, double* u, const double* z) noexcept nogil:
    """From u toward z as far as the bounds allow, the first engine to reach
    one held there (the lowest index on a tie); False if z is inside."""
    cdef double alpha = 2.0, t
    cdef int i, block = -1, side = FREE, s
    for i in range(w.n):
        if w.state[i] != FREE:
            continue
        if z[i] < w.lo:
            t = (w.lo - u[i]) / (z[i] - u[i])
            s = FLOOR
        elif z[i] > w.hi:
            t = (w.hi - u[i]) / (z[i] - u[i])
            s = CEILING
        else:
            continue
        if t < alpha:
            alpha, block, side = t, i, s
    for i in range(w.n):
        if w.state[i] == FREE:
            u[i] = z[i] if block < 0 else clamp(u[i] + alpha * (z[i] - u[i]), w.lo, w.hi)
    if block >= 0:
        u[block] = w.lo if side == FLOOR else w.hi
        w.state[block] = side
    return block >= 0


cdef int most_violated(const Work* w, const double* u) noexcept nogil:
    """The held engine whose gradient most wants it inside, -1 if none (design C)."""
    cdef double r[4], best = 0.0, g, v, bn
    cdef int i, j = -1
    if not w.lo < w.hi:
        return -1
    residual(w, u, r)
    for i in range(w.n):
        if w.state[i] != FLOOR and w.state[i] != CEILING:
            continue
        g = dot4(w.b[i], r)
        v = -g if w.state[i] == FLOOR else g
        bn = sqrt(dot4(w.b[i], w.b[i]))
        if v > ALLOCATE_TOLERANCE * bn * w.scale and v > best:
            best, j = v, i
    return j


cdef uint32_t short_bits(const Work* w, const double* u) noexcept nogil:
    """TORQUE_SHORT, FORCE_SHORT where the residual is above its scale's share."""
    cdef double res[4], size[2], torque, tn
    cdef const double* c
    cdef uint32_t bits = 0
    cdef int i, k
    res[0] = res[1] = res[2] = res[3] = size[0] = size[1] = 0.0
    for i in range(w.n):
        if w.state[i] != OFF:
            c = w.col[i]
            for k in range(4):
                res[k] += c[k] * u[i]
            size[0] += fabs(c[0]) * w.hi
            size[1] += sqrt(c[1] * c[1] + c[2] * c[2] + c[3] * c[3]) * w.hi
    for k in range(4):
        res[k] -= w.target[k]
    torque = sqrt(res[1] * res[1] + res[2] * res[2] + res[3] * res[3])
    tn = sqrt(w.target[1] * w.target[1] + w.target[2] * w.target[2]
              + w.target[3] * w.target[3])
    if torque > ALLOCATE_SHORT * (tn + size[1]):
        bits = ALLOCATE_TORQUE_SHORT
    if fabs(res[0]) > ALLOCATE_SHORT * (fabs(w.target[0]) + size[0]):
        bits |= ALLOCATE_FORCE_SHORT
    return bits


cdef bint bad_input(const EngineLayout* e, const AttitudeParams* a, uint32_t ok,
                    const Work* w) noexcept nogil:
    """Anything not finite among what the allocation reads, or a negative weight."""
    cdef bint good = isfinite(e.thrust_max_N) and isfinite(a.torque_priority)
    cdef int i, k
    for k in range(4):
        good = good and isfinite(w.target[k])
    for k in range(3):
        good = good and isfinite(a.com_B_m[k])
    for i in range(w.n):
        if (ok >> i) & 1u:
            for k in range(3):
                good = good and isfinite(e.position_B_m[i][k]) and isfinite(e.direction_B[i][k])
    return not (good and a.torque_priority >= 0.0 and e.thrust_max_N >= 0.0)


cdef uint32_t at_floor(const Work* w, uint32_t ok, double* throttle) noexcept nogil:
    """Bad input: the running engines at their floor (design E)."""
    cdef int i
    for i in range(w.n):
        throttle[i] = w.lo if (ok >> i) & 1u else 0.0
    return ALLOCATE_SATURATED | ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT


cdef uint32_t allocate_counted(const EngineLayout* e, const AttitudeParams* a,
                               uint32_t engines_ok, double force_N,
                               const double torque_B_Nm[3], double throttle[ENGINE_MAX],
                               int32_t* iterations) noexcept nogil:
    """allocate(), and the number of solves it took (design C)."""
    cdef Work w
    cdef double u[ENGINE_MAX], z[ENGINE_MAX]
    cdef uint32_t bits = ALLOCATE_ITERATION_LIMIT
    cdef int i, j
    w.n = e.count if 0 <= e.count <= ENGINE_MAX else (0 if e.count < 0 else ENGINE_MAX)
    w.lo, w.hi = e.throttle_min, e.throttle_max
    w.target[0], w.target[1], w.target[2], w.target[3] = (force_N, torque_B_Nm[0],
                                                          torque_B_Nm[1], torque_B_Nm[2])
    iterations[0] = 0
    for i in range(ENGINE_MAX):
        throttle[i] = 0.0
    if not (isfinite(w.lo) and isfinite(w.hi) and 0.0 <= w.lo <= w.hi):
        return ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT
    if bad_input(e, a, engines_ok, &w):
        return at_floor(&w, engines_ok, throttle)
    setup(e, a, engines_ok, &w)
    for i in range(w.n):
        u[i] = 0.5 * (w.lo + w.hi) if w.state[i] == FREE else (w.lo if w.state[i] != OFF else 0.0)
    while iterations[0] < ALLOCATE_ITERATIONS_MAX:
        iterations[0] += 1
        free_solve(&w, u, z)
        if not step(&w, u, z):
            j = most_violated(&w, u)
            if j < 0:
                bits = 0
                break
            w.state[j] = FREE
    for i in range(w.n):
        if not isfinite(u[i]):                  # huge inputs overflowed
            return at_floor(&w, engines_ok, throttle)
        throttle[i] = u[i]
        if w.state[i] == FLOOR or w.state[i] == CEILING:
            bits |= ALLOCATE_SATURATED
    return bits | short_bits(&w, u)


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


def py_allocate(dict layout, dict params, uint32_t engines_ok, double force_N, torque_B_Nm):
    """(bits, throttles, iterations); layout, params as dicts; count = len(position_B_m)."""
    cdef EngineLayout e
    cdef AttitudeParams a = params
    cdef double tau[3], throttle[ENGINE_MAX]
    cdef int32_t iterations
    cdef int i, k
    e.count = min(len(layout["position_B_m"]), ENGINE_MAX)
    e.thrust_max_N = layout["thrust_max_N"]
    e.throttle_min, e.throttle_max = layout["throttle_min"], layout["throttle_max"]
    for i in range(ENGINE_MAX):
        for k in range(3):
            e.position_B_m[i][k] = layout["position_B_m"][i][k] if i < e.count else 0.0
            e.direction_B[i][k] = layout["direction_B"][i][k] if i < e.count else 0.0
    tau = list(torque_B_Nm)
    bits = allocate_counted(&e, &a, engines_ok, force_N, tau, throttle, &iterations)
    return bits, [throttle[i] for i in range(ENGINE_MAX)], iterations
