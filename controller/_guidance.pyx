# cython: language_level=3
"""Powered-descent guidance: augmented Apollo with a searched time-to-go.

Design
------
A. With time-to-go t and the zero-effort miss and velocity in uniform
   gravity g = (0, 0, -g),
       ZEM = r_f - (r + v t + g t^2 / 2),   ZEV = v_f - (v + g t),
   the commanded thrust acceleration is Lu's augmented Apollo law (Lu, JGCD
   42(3), 2019), written in ZEM/ZEV form:
       a = k ZEM / t^2 + 2 (1 - k/3) ZEV / t + (k/6 - 1) a_f.
   k = 6 is ZEM/ZEV, energy optimal with a free final acceleration (Guo,
   Hawkins & Wie, JGCD 36(3), 2013); k = 12 is Apollo's quadratic guidance
   (Klumpp 1974), which ends on the target thrust acceleration a_f. With
   a_f = (0, 0, g) the vehicle arrives at the gate upright, holding its
   descent rate. The gain is per axis (gain[i]): the law uses k = 6
   horizontally, so that the final horizontal acceleration is free and the
   horizontal braking can go on into the final vertical braking, as the
   fuel-optimal descent does.
B. The plan. Flown with t counting down, the law produces, axis by axis,
   the thrust profile
       a(s) = a_f + c1 s + c2 s^e,   e = k/3 - 2,   s = time remaining,
   (substitute the ansatz into dZEM/ds = a s, dZEV/ds = a: the powers 1
   and k/3 - 2 are the ones that reproduce themselves), with c1, c2 fixed by
   ZEV = int_0^t a ds and ZEM = int_0^t s a ds. The path follows in closed
   form: z(s) = z_f - v_fz s + (a_fz - g) s^2/2 + c1z s^3/6
                + c2z s^(e+2) / ((e+1)(e+2)).
C. With a fixed t such laws crash from states that move away from the
   target: the profile asks for more thrust or tilt than the vehicle has,
   or dips below the ground. So t is searched each replan to minimise
       J(t) = delta-v(t) + W * (limit violation along the plan)
   with delta-v the integral of |a| (Simpson, SAMPLES points) and the
   limits checked at the same points: |a| in [a_min, a_max], thrust inside
   the tilt cone, path above floor_z.
D. Search: a log-spaced grid over [tgo_min, tgo_max], then golden-section
   refinement around the best grid point; the refinement is kept only if it
   improves on that point (J need not be unimodal in the bracket).
"""

from libc.math cimport log, exp, fabs, pow, sqrt, fmax, fmin

cdef enum:
    GRID_POINTS = 28
    GOLDEN_ITERATIONS = 14
    SAMPLES = 9             # odd, for Simpson's rule

cdef double PENALTY = 50.0       # [m/s of delta-v per m/s^2 of violation, per s]
cdef double FLOOR_PENALTY = 5.0  # [m/s of delta-v per m below the floor]
cdef double INV_PHI = 0.6180339887498949


cdef void zem_zev(const TgoProblem* p, double t, double zem[3], double zev[3]) noexcept nogil:
    cdef double gz
    cdef int i
    for i in range(3):
        gz = -p.g if i == 2 else 0.0
        zem[i] = p.rf[i] - (p.r[i] + p.v[i] * t + 0.5 * gz * t * t)
        zev[i] = p.vf[i] - (p.v[i] + gz * t)


cdef void guidance_accel(const TgoProblem* p, double tgo, double a[3]) noexcept nogil:
    """Commanded thrust acceleration [m/s^2] for time-to-go tgo."""
    cdef double zem[3]
    cdef double zev[3]
    cdef double k
    cdef int i
    zem_zev(p, tgo, zem, zev)
    for i in range(3):
        k = p.gain[i]
        a[i] = k * zem[i] / (tgo * tgo) + 2.0 * (1.0 - k / 3.0) * zev[i] / tgo \
            + (k / 6.0 - 1.0) * p.af[i]


cdef inline double nudge(double e) noexcept nogil:
    """Keep e off 1, where s and s^e coincide (k = 9 adds an s ln s term; a
    nudge of 1e-3 stands for it to well within the sampling error)."""
    if fabs(e - 1.0) < 1e-3:
        return 1.0 + (1e-3 if e >= 1.0 else -1e-3)
    return e


cdef void plan(const TgoProblem* p, double t, Plan* q) noexcept nogil:
    """Coefficients of the thrust profile the law will fly (design B)."""
    cdef double zem[3]
    cdef double zev[3]
    cdef double e, te, m11, m12, m21, m22, det, y, x
    cdef int i
    zem_zev(p, t, zem, zev)
    for i in range(3):
        e = nudge(p.gain[i] / 3.0 - 2.0)
        te = pow(t, e)
        m11 = t * t / 2.0
        m12 = te * t / (e + 1.0)
        m21 = t * t * t / 3.0
        m22 = te * t * t / (e + 2.0)
        det = m11 * m22 - m12 * m21
        y = zev[i] - p.af[i] * t
        x = zem[i] - p.af[i] * t * t / 2.0
        q.c1[i] = (m22 * y - m12 * x) / det
        q.c2[i] = (m11 * x - m21 * y) / det
        q.e[i] = e
        q.te[i] = te


cdef void sample_powers(const TgoProblem* p, double powers[3 * SAMPLES]) noexcept nogil:
    """(k / (SAMPLES - 1))^e per axis: s^e at the samples is t^e times these."""
    cdef double e
    cdef int k, i
    for i in range(3):
        e = nudge(p.gain[i] / 3.0 - 2.0)
        for k in range(SAMPLES):
            powers[i * SAMPLES + k] = pow(<double>k / (SAMPLES - 1), e)


cdef double tgo_cost(const TgoProblem* p, double t) noexcept nogil:
    cdef double powers[3 * SAMPLES]
    cdef double violation
    sample_powers(p, powers)
    return plan_cost(p, t, powers, &violation)


cdef double tgo_violation(const TgoProblem* p, double t) noexcept nogil:
    """How far the plan for t breaks the thrust and tilt limits [m/s^2] (0: not)."""
    cdef double powers[3 * SAMPLES]
    cdef double violation
    sample_powers(p, powers)
    plan_cost(p, t, powers, &violation)
    return violation


cdef double plan_cost(const TgoProblem* p, double t, const double* powers,
                      double* violation) noexcept nogil:
    """J(t) of design C; the thrust and tilt violation goes to *violation."""
    cdef Plan q
    cdef double a[3]
    cdef double s, sez, n, z, dv = 0.0, excess = 0.0, deficit = 0.0, tilt = 0.0, floor = 0.0
    cdef int k, i
    plan(p, t, &q)
    for k in range(SAMPLES):
        s = t * k / (SAMPLES - 1)
        for i in range(3):
            a[i] = p.af[i] + q.c1[i] * s + q.c2[i] * q.te[i] * powers[i * SAMPLES + k]
        n = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2])
        dv += n * (1.0 if k == 0 or k == SAMPLES - 1 else (4.0 if k % 2 else 2.0))
        excess = fmax(excess, n - p.accel_max)
        deficit = fmax(deficit, p.accel_min - n)
        tilt = fmax(tilt, p.cos_tilt * n - a[2])
        sez = q.te[2] * powers[2 * SAMPLES + k]
        z = (p.rf[2] - p.vf[2] * s + 0.5 * (p.af[2] - p.g) * s * s + q.c1[2] * s * s * s / 6.0
             + q.c2[2] * s * s * sez / ((q.e[2] + 1.0) * (q.e[2] + 2.0)))
        if 0 < k < SAMPLES - 1:
            floor = fmax(floor, p.floor_z - z)
    dv *= t / (3.0 * (SAMPLES - 1))
    violation[0] = excess + deficit + tilt
    return dv + PENALTY * (excess + deficit + tilt) * t + FLOOR_PENALTY * floor


cdef double tgo_search(const TgoProblem* p) noexcept nogil:
    """Time-to-go [s] that minimises tgo_cost over [tgo_min, tgo_max]."""
    cdef double ratio = exp(log(p.tgo_max / p.tgo_min) / (GRID_POINTS - 1))
    cdef double t = p.tgo_min, best_t = p.tgo_min, best_j = 1e300, j
    cdef double lo, hi, x1, x2, j1, j2, v
    cdef double powers[3 * SAMPLES]
    cdef int _
    sample_powers(p, powers)
    for _ in range(GRID_POINTS):
        j = plan_cost(p, t, powers, &v)
        if j < best_j:
            best_j = j
            best_t = t
        t *= ratio
    lo = fmax(p.tgo_min, best_t / ratio)
    hi = fmin(p.tgo_max, best_t * ratio)
    x1 = hi - INV_PHI * (hi - lo)
    x2 = lo + INV_PHI * (hi - lo)
    j1 = plan_cost(p, x1, powers, &v)
    j2 = plan_cost(p, x2, powers, &v)
    for _ in range(GOLDEN_ITERATIONS):
        if j1 <= j2:
            hi = x2
            x2 = x1
            j2 = j1
            x1 = hi - INV_PHI * (hi - lo)
            j1 = plan_cost(p, x1, powers, &v)
        else:
            lo = x1
            x1 = x2
            j1 = j2
            x2 = lo + INV_PHI * (hi - lo)
            j2 = plan_cost(p, x2, powers, &v)
    if j1 <= j2 and j1 < best_j:
        return x1
    return x2 if j2 < best_j else best_t


cdef double coast_and_brake_s(const TgoProblem* q, double v_gate, double decel) noexcept nogil:
    """Time [s] to the gate for a coast at the thrust floor down to the
    constant-deceleration curve v^2 = v_gate^2 + 2 decel h, then braking on it,
    counting half the braking (the horizontal covers its distance at half speed
    while braking uniformly): t_coast + t_brake / 2 (the law's turn-round,
    _law.pyx design B2)."""
    cdef double h = q.r[2] - q.rf[2]
    cdef double vz = q.v[2]
    cdef double c = fmin(q.accel_min - q.g, -0.05)   # the coast's vertical acceleration
    cdef double need, k, tau = 0.0
    if h <= 0.0:
        return 1.0
    need = (vz * vz - v_gate * v_gate) / (2.0 * h) if -vz > v_gate else 0.0
    if need < decel:       # solve c tau^2 + 2 vz tau + k = 0 for the curve's crossing
        k = (vz * vz - v_gate * v_gate - 2.0 * decel * h) / (c - decel)
        tau = fmax(0.0, (-vz - sqrt(fmax(vz * vz - c * k, 0.0))) / c)
        vz += c * tau
    return fmax(1.0, tau + 0.5 * fmax(-vz - v_gate, 0.0) / fmax(need, decel))


def py_tgo_cost(dict problem, double tgo):
    """J(tgo) for a TgoProblem given as a dict (for tests)."""
    cdef TgoProblem p = problem
    return tgo_cost(&p, tgo)


def py_tgo_search(dict problem):
    """The searched time-to-go for a TgoProblem given as a dict (for tests)."""
    cdef TgoProblem p = problem
    return tgo_search(&p)


def py_guidance_accel(dict problem, double tgo):
    """The commanded thrust acceleration for a TgoProblem (for tests)."""
    cdef TgoProblem p = problem
    cdef double a[3]
    guidance_accel(&p, tgo, a)
    return [a[0], a[1], a[2]]


def py_coast_and_brake_s(dict problem, double v_gate, double decel):
    """coast_and_brake_s for a TgoProblem given as a dict (for tests)."""
    cdef TgoProblem p = problem
    return coast_and_brake_s(&p, v_gate, decel)


def py_plan(dict problem, double tgo):
    """(c1, c2, e) of the planned thrust profile, e per axis (for tests)."""
    cdef TgoProblem p = problem
    cdef Plan q
    plan(&p, tgo, &q)
    return [q.c1[0], q.c1[1], q.c1[2]], [q.c2[0], q.c2[1], q.c2[2]], [q.e[0], q.e[1], q.e[2]]
