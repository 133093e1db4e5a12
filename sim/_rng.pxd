# cython: language_level=3
"""Seeded random streams for the world: xoshiro256** and ziggurat normals."""

from libc.stdint cimport uint64_t
from hilander.sim._types cimport Rng

cdef void rng_seed(Rng* r, uint64_t seed, uint64_t stream) noexcept nogil
cdef double rng_uniform(Rng* r) noexcept nogil
cdef double rng_normal(Rng* r) noexcept nogil
