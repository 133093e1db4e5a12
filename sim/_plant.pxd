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
# shared with the 6-DOF plant (_sixdof.pyx)
cdef void add_drag(const WorldState* w, const WorldParams* p, const TickConstants* k,
                   const Body* b, double area_m2, double f[3]) noexcept nogil
cdef void bridle(WorldState* w, const WorldParams* p, double fs[3], double fr[3]) noexcept nogil
cdef void record_touchdown(WorldState* w, const Terrain* t, const Body* b) noexcept nogil
cdef int add_contact(WorldState* w, const WorldParams* p, const Terrain* t,
                     const Body* b, double f[3]) noexcept nogil
cdef void settle(WorldState* w, const WorldParams* p) noexcept nogil
cdef void record_stage_impact(WorldState* w) noexcept nogil
