# cython: language_level=3
"""The engine allocator (the engine-level stage of the law, with _attitude.pyx).

Design (equations and measurements: docs/law.md, "Attitude and engines")
------
B. Allocation. Engine i's column a_i = thrust_max [dir_z; (pos - com) x dir]; minimise
   |W (A u - [force; torque])|^2, W = diag(1, p, p, p) (p: torque priority),
   throttle_min <= u_i <= throttle_max (engines not running: 0).
C. A primal active set from a held set (cold: none held) with the free engines at
   mid-throttle: solve the free engines' least squares nearest the current throttles, the
   held ones fixed; step toward it, holding the first engine to reach a bound (lowest index
   on a tie); if none does, free the held engine whose gradient most wants it inside (above
   ALLOCATE_TOLERANCE of its scale), or stop. Stop too (float32 rounding only, as measured)
   where the engine just freed is held again at its bound by a zero-length step (its
   gradient test and the solve disagree by rounding), and on a cycle (a held set and
   throttles after a step that held none seen before, Brent's detection). At most
   ALLOCATE_ITERATIONS_MAX solves, else ALLOCATE_ITERATION_LIMIT. A warm start (the previous
   call's held set) takes the same path from a set that is usually already right: one solve,
   or two where one engine comes to or leaves a bound; a wrong one is undone by the same
   test, an engine at a time.
D. The solve: M + diag(ridge), M = B B^T (B = W A_F), by Cholesky, iterated until the step's
   change stops shrinking, at most ALLOCATE_PASSES times. M of full rank (pivots
   above ALLOCATE_PIVOT): ALLOCATE_EXACT x each row's own diagonal (exact, weak axes too); else
   ALLOCATE_REGULARISATION x M's largest diagonal (minimum norm) on every row.
E. Bad input (or overflow) never gives NaN: docs/law.md says what it gives.
"""

from libc.math cimport INFINITY, fabs, fmax, isfinite, sqrt
from libc.stdint cimport int32_t, uint32_t

cdef double ALLOCATE_REGULARISATION = 1e-6
cdef double ALLOCATE_EXACT = 1e-10
cdef double ALLOCATE_PIVOT = 1e-7
cdef int ALLOCATE_PASSES = 20
cdef double ALLOCATE_TOLERANCE = 1e-9
cdef double ALLOCATE_SHORT = 1e-6

cdef enum: FREE = 0, FLOOR = -1, CEILING = 1, OFF = 2


cdef struct Work:
    int32_t n                        # engines considered
    double col[ENGINE_MAX][4]        # thrust_max [dir_z; (pos - com) x dir]
    double b[ENGINE_MAX][4]          # W col
    double target[4], wt[4]          # [force; torque] and W [force; torque]
    double lo, hi, scale
    int32_t state[ENGINE_MAX]        # FREE, FLOOR, CEILING or OFF


cdef inline double dot4(const double* x, const double* y) noexcept nogil:
    return x[0] * y[0] + x[1] * y[1] + x[2] * y[2] + x[3] * y[3]


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
    """Columns, weights and the scale; all running engines free."""
    cdef double wgt[4], diag[4], tn
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
    tn = sqrt(dot4(w.wt, w.wt))
    w.scale = tn + sqrt(diag[0] + diag[1] + diag[2] + diag[3])


cdef bint cholesky4(const Work* w, bint own, double m[4][4]) noexcept nogil:
    """L L^T = M + diag(ridge) (lower triangle); True if full rank (design D)."""
    cdef double s, piv, ridge, big = 0.0
    cdef int i, j, k
    cdef bint full = True
    for k in range(4):
        for j in range(k + 1):
            s = 0.0
            for i in range(w.n):
                if w.state[i] == FREE:
                    s += w.b[i][k] * w.b[i][j]
            m[k][j] = s
        big = fmax(big, m[k][k])
    for k in range(4):
        s = ALLOCATE_EXACT * m[k][k] if own and m[k][k] > 0.0 else ALLOCATE_REGULARISATION * big
        ridge = s if big > 0.0 else 1.0
        m[k][k] += ridge
        s = m[k][k]
        for j in range(k):
            s -= m[k][j] * m[k][j]
        full = full and s > ALLOCATE_PIVOT * m[k][k]
        piv = sqrt(s) if s > 0.0 else sqrt(ridge)    # > 0 unless rounded away
        m[k][k] = piv
        for i in range(k + 1, 4):
            s = m[i][k]
            for j in range(k):
                s -= m[i][j] * m[k][j]
            m[i][k] = s / piv
    return full


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
    cdef double m[4][4], r[4], y[4], d[ENGINE_MAX], s, size, last = INFINITY
    cdef int i, k, _pass, count = 0
    residual(w, u, r)
    for i in range(w.n):
        d[i] = 0.0
        count += w.state[i] == FREE
    if count < 4 or not cholesky4(w, True, m):
        cholesky4(w, False, m)
    for _pass in range(ALLOCATE_PASSES):
        for k in range(4):
            s = -r[k]
            for i in range(w.n):
                if w.state[i] == FREE:
                    s -= w.b[i][k] * d[i]
            y[k] = s
        solve4(m, y)
        size = 0.0
        for i in range(w.n):
            if w.state[i] == FREE:
                s = dot4(w.b[i], y)
                d[i] += s
                size += s * s
        if not 0.0 < size < last:
            break
        last = size
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
            t, s = (w.lo - u[i]) / (z[i] - u[i]), FLOOR
        elif z[i] > w.hi:
            t, s = (w.hi - u[i]) / (z[i] - u[i]), CEILING
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
    cdef double r[4], best = 0.0, v
    cdef int i, j = -1
    if not w.lo < w.hi:
        return -1
    residual(w, u, r)
    for i in range(w.n):
        if w.state[i] != FLOOR and w.state[i] != CEILING:
            continue
        v = -dot4(w.b[i], r) if w.state[i] == FLOOR else dot4(w.b[i], r)
        if v > ALLOCATE_TOLERANCE * sqrt(dot4(w.b[i], w.b[i])) * w.scale and v > best:
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
    tn = sqrt(w.target[1] * w.target[1] + w.target[2] * w.target[2] + w.target[3] * w.target[3])
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


cdef void start(Work* w, const AllocateHeld* held, double* u) noexcept nogil:
    """The held set to start from (a running engine in both masks: at its floor) and the
    throttles: the held ones at their bound, the free ones at mid-throttle (design C)."""
    cdef int i
    for i in range(w.n):
        if w.state[i] == FREE and (held.floor >> i) & 1u:
            w.state[i] = FLOOR
        elif w.state[i] == FREE and (held.ceiling >> i) & 1u:
            w.state[i] = CEILING
        u[i] = (0.5 * (w.lo + w.hi) if w.state[i] == FREE else
                w.lo if w.state[i] == FLOOR else w.hi if w.state[i] == CEILING else 0.0)


cdef void held_masks(const Work* w, AllocateHeld* held) noexcept nogil:
    """The engines held at their floor and at their ceiling."""
    cdef int i
    held.floor = held.ceiling = 0
    for i in range(w.n):
        if w.state[i] == FLOOR:
            held.floor |= 1u << i
        elif w.state[i] == CEILING:
            held.ceiling |= 1u << i


cdef struct Seen:                           # Brent's cycle detection (design C)
    double u[ENGINE_MAX]
    AllocateHeld held                       # {~0, ~0}: none yet (no engine is in both)
    int count, power


cdef bint repeated(const Work* w, const double* u, Seen* s) noexcept nogil:
    """True if this state (after a step that held no engine) came before: the active set
    is a function of its state, so it repeats for ever; keeps one, renewed at powers of 2."""
    cdef AllocateHeld now
    cdef int i = 0
    held_masks(w, &now)
    if now.floor == s.held.floor and now.ceiling == s.held.ceiling:
        while i < w.n and u[i] == s.u[i]:
            i += 1
        if i == w.n:
            return True
    s.count += 1
    if s.count == s.power:
        s.held, s.count, s.power = now, 0, 2 * s.power
        for i in range(w.n):
            s.u[i] = u[i]
    return False


cdef uint32_t active_set(Work* w, double* u, int32_t* iterations) noexcept nogil:
    """The active set (design C); the ALLOCATE_ITERATION_LIMIT bit if it ran out."""
    cdef double z[ENGINE_MAX]
    cdef Seen seen
    cdef int j, freed = -1, side = FREE
    seen.held.floor = seen.held.ceiling = 0xFFFFFFFFu
    seen.count, seen.power = 0, 1
    while iterations[0] < ALLOCATE_ITERATIONS_MAX:
        iterations[0] += 1
        free_solve(w, u, z)
        if step(w, u, z):
            if freed >= 0 and w.state[freed] == side:     # held again: a zero-length step
                return 0
            freed = -1
            continue
        if repeated(w, u, &seen):
            return 0
        j = most_violated(w, u)
        if j < 0:
            return 0
        freed, side, w.state[j] = j, w.state[j], FREE
    return ALLOCATE_ITERATION_LIMIT


cdef uint32_t finish(const Work* w, const double* u, uint32_t ok, uint32_t bits,
                     double* throttle, AllocateHeld* held) noexcept nogil:
    """The throttles, the held set and the result bits (design E on overflow)."""
    cdef int i
    for i in range(w.n):
        if not isfinite(u[i]):                  # huge inputs overflowed
            held.floor = held.ceiling = 0
            return at_floor(w, ok, throttle)
        throttle[i] = u[i]
    held_masks(w, held)
    if held.floor | held.ceiling:
        bits |= ALLOCATE_SATURATED
    return bits | short_bits(w, u)


cdef uint32_t allocate_held(const EngineLayout* e, const AttitudeParams* a,
                            uint32_t engines_ok, double force_N, const double torque_B_Nm[3],
                            double throttle[ENGINE_MAX], AllocateHeld* held,
                            int32_t* iterations) noexcept nogil:
    """The allocation from the held set ``held``, which it updates (design B-E)."""
    cdef Work w
    cdef double u[ENGINE_MAX]
    cdef int i
    w.n = e.count if 0 <= e.count <= ENGINE_MAX else (0 if e.count < 0 else ENGINE_MAX)
    w.lo, w.hi = e.throttle_min, e.throttle_max
    w.target[0], w.target[1], w.target[2], w.target[3] = (force_N, torque_B_Nm[0],
                                                          torque_B_Nm[1], torque_B_Nm[2])
    iterations[0] = 0
    for i in range(ENGINE_MAX):
        throttle[i] = 0.0
    if not (isfinite(w.lo) and isfinite(w.hi) and 0.0 <= w.lo <= w.hi):
        held.floor = held.ceiling = 0
        return ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT
    if bad_input(e, a, engines_ok, &w):
        held.floor = held.ceiling = 0
        return at_floor(&w, engines_ok, throttle)
    setup(e, a, engines_ok, &w)
    start(&w, held, u)
    return finish(&w, u, engines_ok, active_set(&w, u, iterations), throttle, held)
