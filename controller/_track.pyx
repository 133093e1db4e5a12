# cython: language_level=3
"""Convex guidance's tracking (design B and F in _plan.pyx; ``plan_state``,
``track`` and ``anticipate_turn`` in reference_plan.py, ``hl_track.c``): the
plan's state at a time, the feedback toward it, and a coast's command turned
early toward a later plan interval the stage could not otherwise reach in
time."""

from libc.math cimport INFINITY, acos, cos, fmax, fmin, sin, sqrt

from hilander.controller._throttle cimport thrust_rated_N

cdef double PI = 3.141592653589793
# F: a command under this many times the thrust floor's acceleration is a
# coast's, turned early toward a later burn; a burn's or a correction's is not
cdef double COAST = 1.5


cdef double norm3(const double* x) noexcept nogil:
    return sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2])


cdef double angle_between(const double* a, const double* b) noexcept nogil:
    """The angle between two vectors (0 if either is zero)."""
    cdef double na = norm3(a), nb = norm3(b)
    if na <= 0.0 or nb <= 0.0:
        return 0.0
    return acos(fmin(fmax((a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (na * nb), -1.0), 1.0))


cdef void anticipate_turn(double rate, const PlanState* pl, double t, int k,
                          double* a) noexcept nogil:
    """Turn a toward the later interval it reaches latest at the stage's
    turn rate, by the excess angle (F); a plan interval is dt long."""
    cdef double dt = pl.time_of_flight_s / pl.nodes
    cdef double excess = 0.0, lead, e
    cdef int j, late = -1
    if rate <= 0.0:
        return
    for j in range(k + 1, pl.nodes):
        lead = pl.start_s + j * dt - t
        if rate * lead >= PI:
            break
        e = angle_between(a, pl.accel_mps2[j]) - rate * lead
        if e > excess:
            excess, late = e, j
    if late >= 0:
        turn_toward(a, pl.accel_mps2[late], excess)


cdef void turn_toward(double* a, const double* b, double phi) noexcept nogil:
    """a turned by phi toward b, in their plane, its length kept."""
    cdef double na = norm3(a), nb = norm3(b)
    cdef double u[3]
    cdef double w[3]
    cdef double c, nw
    cdef int i
    for i in range(3):
        u[i] = a[i] / na
    c = (u[0] * b[0] + u[1] * b[1] + u[2] * b[2]) / nb
    for i in range(3):
        w[i] = b[i] / nb - c * u[i]
    nw = norm3(w)
    if nw <= 1e-9:
        return                          # along b or against it: no plane to turn in
    for i in range(3):
        a[i] = na * (cos(phi) * u[i] + sin(phi) * w[i] / nw)


cdef int plan_state(const PlanState* pl, double g, double t, double* r, double* v) noexcept nogil:
    """The plan's position and velocity at time t (clamped to the plan): the
    start state carried through the held accelerations (B). Returns the
    interval flown."""
    cdef double dt = pl.time_of_flight_s / pl.nodes
    cdef double tau = fmin(fmax(t - pl.start_s, 0.0), pl.time_of_flight_s)
    cdef int k = min(<int>(tau / dt), pl.nodes - 1)
    cdef int i, j
    cdef double h, a
    for i in range(3):
        r[i] = pl.position_m[i]
        v[i] = pl.velocity_mps[i]
    for j in range(k + 1):
        h = dt if j < k else tau - k * dt
        for i in range(3):
            a = pl.accel_mps2[j][i] - (g if i == 2 else 0.0)
            r[i] += v[i] * h + 0.5 * a * h * h
            v[i] += a * h
    return k


cdef void track(const LawParams* p, const PlanState* pl, const SensorFrame* f,
                double* a, double* raise_max) noexcept nogil:
    """The plan's acceleration now, plus the feedback toward its state (B);
    a coast's turned early toward where the plan goes (F). raise_max: the
    vertical acceleration the throttle stage may raise to on the tilt limit
    (_throttle.pyx, A): the plan's while the feedback's vertical part is
    downward, else any."""
    cdef double r[3]
    cdef double v[3]
    cdef int i, k = plan_state(pl, p.gravity_mps2, f.time_s, r, v)
    cdef double kp = p.plan_position_gain_per_s2, kv = p.plan_velocity_gain_per_s
    for i in range(3):
        a[i] = (pl.accel_mps2[k][i] + kp * (r[i] - f.nav_position_S_m[i])
                + kv * (v[i] - f.nav_velocity_S_mps[i]))
    if kp * (r[2] - f.nav_position_S_m[2]) + kv * (v[2] - f.nav_velocity_S_mps[2]) < 0.0:
        raise_max[0] = pl.accel_mps2[k][2]      # above the plan: no climbing away
    else:
        raise_max[0] = INFINITY
    cdef double floor_mps2 = (p.throttle_min * thrust_rated_N(p, f.engines_active)
                              / fmax(f.mass_estimate_kg, 1.0))
    if norm3(a) < COAST * floor_mps2:
        anticipate_turn(p.slew_rate_max_radps, pl, f.time_s, k, a)
