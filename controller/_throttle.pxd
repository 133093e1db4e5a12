# cython: language_level=3
"""The throttle stage: desired acceleration -> thrust vector and throttle."""

from libc.math cimport cos, sqrt

from hilander.controller._law cimport Command, LawParams, LawState, SensorFrame


cdef inline double norm2(double x, double y) noexcept nogil:
    """sqrt(x^2 + y^2) (not libm's hypot, so that Python's reference matches)."""
    return sqrt(x * x + y * y)


cdef inline double thrust_rated_N(const LawParams* p, int engines) noexcept nogil:
    """The engines' rated thrust along the thrust axis (throttle 1)."""
    return engines * p.engine_thrust_max_N * cos(p.cant_rad)


cdef void throttle_stage(LawState* s, const LawParams* p, const SensorFrame* f,
                         const double* a, Command* c) noexcept nogil
