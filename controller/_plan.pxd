# cython: language_level=3
"""Convex guidance: the fuel-optimal plan to the gate, replanned and tracked."""

from hilander.controller._law cimport HazardMap, LawParams, PlanState, SensorFrame
from hilander.controller._convex cimport CvxWork

cdef double time_to_go_s(const PlanState* pl, double t) noexcept nogil
cdef bint fly_plan(const LawParams* p, PlanState* pl, CvxWork* w, bint may_solve,
                   double* site_S_m, const SensorFrame* f, const HazardMap* m, double* a,
                   double* raise_max, bint* found) noexcept nogil
