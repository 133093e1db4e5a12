# cython: language_level=3
"""The world: command queue, plant stepping, telemetry rows, Python handle."""

from libc.stdint cimport int32_t
from hilander.controller._law cimport SensorFrame, Command, HazardMap
from hilander.sim._types cimport WorldParams, WorldState, Terrain

cdef void world_command(WorldState* w, const WorldParams* p, const Command* c) noexcept nogil
cdef void world_advance(WorldState* w, const WorldParams* p, const Terrain* t,
                        int32_t steps) noexcept nogil
cdef void world_record(const WorldState* w, const WorldParams* p, const Terrain* t,
                       const Command* c, double* row) noexcept nogil

cdef class World:
    cdef WorldParams params
    cdef WorldState state
    cdef Terrain terrain
    cdef HazardMap hazard_map
    cdef object _relief
    cdef object _hazard
