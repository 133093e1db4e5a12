# cython: language_level=3
"""Sensors, each at its own rate with seeded noise."""

from hilander.controller._law cimport SensorFrame
from hilander.sim._types cimport WorldParams, WorldState, Terrain

cdef void sensors_start(WorldState* w, const WorldParams* p, const Terrain* t) noexcept nogil
cdef void sensors_sample(WorldState* w, const WorldParams* p, const Terrain* t) noexcept nogil
cdef void world_sense(WorldState* w, const WorldParams* p, const Terrain* t,
                      SensorFrame* f) noexcept nogil
