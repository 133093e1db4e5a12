# cython: language_level=3
"""The Apollo approach's problem and turn-round (_approach.pyx)."""

from hilander.controller._guidance cimport TgoProblem
from hilander.controller._law cimport LawParams, LawState, SensorFrame

cdef double gate_decel_mps2(const LawParams* p) noexcept nogil
cdef void gate_problem(const LawState* s, const LawParams* p, const SensorFrame* f,
                       TgoProblem* q) noexcept nogil
cdef int turn_round(LawState* s, const LawParams* p, const TgoProblem* q,
                    double a[3]) noexcept nogil
