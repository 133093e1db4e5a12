# cython: language_level=3
"""Convex guidance's turn (design F in _plan.pyx; ``anticipate_turn`` in
reference_plan.py, ``hl_plan.c``): a coast's command turned early toward a
later plan interval the stage could not otherwise reach in time."""

from libc.math cimport acos, cos, fmax, fmin, sin, sqrt

cdef double PI = 3.141592653589793


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
