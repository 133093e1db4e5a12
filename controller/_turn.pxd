# cython: language_level=3
"""Convex guidance's turn: a coast's command turned early toward a later burn."""

from hilander.controller._law cimport PlanState

cdef double norm3(const double* x) noexcept nogil
cdef double angle_between(const double* a, const double* b) noexcept nogil
cdef void anticipate_turn(double rate, const PlanState* pl, double t, int k,
                          double* a) noexcept nogil
cdef void turn_toward(double* a, const double* b, double phi) noexcept nogil
