# cython: language_level=3
"""Convex guidance's tracking: the plan's state at a time, the feedback toward
it, and a coast's command turned early toward a later burn."""

from hilander.controller._law cimport LawParams, PlanState, SensorFrame

cdef double norm3(const double* x) noexcept nogil
cdef double angle_between(const double* a, const double* b) noexcept nogil
cdef void anticipate_turn(double rate, const PlanState* pl, double t, int k,
                          double* a) noexcept nogil
cdef void turn_toward(double* a, const double* b, double phi) noexcept nogil
cdef int plan_state(const PlanState* pl, double g, double t, double* r, double* v) noexcept nogil
cdef void track(const LawParams* p, const PlanState* pl, const SensorFrame* f,
                double* a, double* raise_max) noexcept nogil
