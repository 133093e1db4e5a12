# cython: language_level=3
"""Touchdown sensing (thrust-needed drop or leg contact) and the flyaway after it."""

from libc.stdint cimport uint32_t

from hilander.controller._law cimport HazardMap, LawState, LawParams, SensorFrame

cdef void arm_touchdown(LawState* s, double t) noexcept nogil
cdef void detect_touchdown(LawState* s, const LawParams* p, const SensorFrame* f,
                           double h, const double* a) noexcept nogil
cdef void detect_leg_touchdown(LawState* s, const LawParams* p, const SensorFrame* f,
                               double h) noexcept nogil
cdef void flyaway_heading(LawState* s) noexcept nogil
cdef void flyaway(LawState* s, const LawParams* p, const SensorFrame* f,
                  const HazardMap* m, double* a, uint32_t* status) noexcept nogil
