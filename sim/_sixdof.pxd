# cython: language_level=3
"""The 6-DOF plant: the descent stage as a rigid body ([sim] dynamics = "6dof")."""

from hilander.sim._types cimport WorldParams, WorldState, Terrain, TickConstants

cdef void sixdof_start(WorldState* w, const WorldParams* p) noexcept nogil
cdef void sixdof_orient(WorldState* w, const WorldParams* p, const double q_SB[4],
                        const double rate_B_radps[3]) noexcept nogil
cdef void sixdof_attitude(WorldState* w, const WorldParams* p) noexcept nogil
cdef void sixdof_step(WorldState* w, const WorldParams* p, const Terrain* t,
                      const TickConstants* k) noexcept nogil
cdef double body_tilt_rad(const WorldState* w) noexcept nogil
cdef double body_rate_radps(const WorldState* w) noexcept nogil
