# cython: language_level=3
"""Airbag landers: RAD rockets fired on the parachute, then the bridle cut."""

from hilander.controller._law cimport Command, LawParams, LawState, SensorFrame

cdef void airbag_step(LawState* s, const LawParams* p, const SensorFrame* f,
                      Command* c) noexcept nogil
