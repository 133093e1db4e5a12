# cython: language_level=3
"""The plant: two bodies, engines, bridle, ground contact, air."""

from hilander.sim._types cimport WorldParams, WorldState, Terrain, Body, TickConstants

cdef double terrain_height(const Terrain* t, double x, double y) noexcept nogil
cdef int terrain_hazard(const Terrain* t, double x, double y) noexcept nogil
cdef double flying_mass_kg(const WorldState* w, const WorldParams* p) noexcept nogil
cdef void stow_rover(WorldState* w, const WorldParams* p) noexcept nogil
cdef void tick_constants(const WorldState* w, const WorldParams* p,
                         TickConstants* k) noexcept nogil
cdef void plant_step(WorldState* w, const WorldParams* p, const Terrain* t,
                     const TickConstants* k) noexcept nogil
