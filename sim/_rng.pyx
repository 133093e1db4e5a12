# cython: language_level=3
"""Seeded random streams for the world.

Every random draw of a landing comes from one scenario seed. Each noise
source has its own stream (seed, stream id) so that changing one sensor's
rate does not change the draws of another. Generator: xoshiro256** (Blackman
& Vigna 2018), seeded through splitmix64 as its authors recommend; normals by
Marsaglia's polar method. Portable C arithmetic: the same draws on every platform.
"""

from libc.math cimport log, sqrt
from libc.stdint cimport uint64_t

cdef double INV_2_53 = 1.0 / 9007199254740992.0


cdef inline uint64_t rotl(uint64_t x, int k) noexcept nogil:
    return (x << k) | (x >> (64 - k))


cdef inline uint64_t splitmix64(uint64_t* x) noexcept nogil:
    x[0] += 0x9E3779B97F4A7C15ULL
    cdef uint64_t z = x[0]
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL
    return z ^ (z >> 31)


cdef void rng_seed(Rng* r, uint64_t seed, uint64_t stream) noexcept nogil:
    cdef uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL)
    cdef int i
    for i in range(4):
        r.s[i] = splitmix64(&x)
    r.has_spare = 0
    r.spare = 0.0


cdef inline uint64_t next_u64(Rng* r) noexcept nogil:
    cdef uint64_t result = rotl(r.s[1] * 5, 7) * 9
    cdef uint64_t t = r.s[1] << 17
    r.s[2] ^= r.s[0]
    r.s[3] ^= r.s[1]
    r.s[1] ^= r.s[2]
    r.s[0] ^= r.s[3]
    r.s[2] ^= t
    r.s[3] = rotl(r.s[3], 45)
    return result


cdef double rng_uniform(Rng* r) noexcept nogil:
    """Uniform on [0, 1) with 53 random bits."""
    return (next_u64(r) >> 11) * INV_2_53


cdef double rng_normal(Rng* r) noexcept nogil:
    """Standard normal (Marsaglia's polar method; the pair's second value is
    kept for the next call)."""
    cdef double u, v, s, m
    if r.has_spare:
        r.has_spare = 0
        return r.spare
    while True:
        u = 2.0 * rng_uniform(r) - 1.0
        v = 2.0 * rng_uniform(r) - 1.0
        s = u * u + v * v
        if 0.0 < s < 1.0:
            break
    m = sqrt(-2.0 * log(s) / s)
    r.spare = v * m
    r.has_spare = 1
    return u * m


def normal_sample(uint64_t seed, uint64_t stream, int n):
    """n standard normals of one stream (for tests of the generator)."""
    cdef Rng r
    rng_seed(&r, seed, stream)
    return [rng_normal(&r) for _ in range(n)]


def uniform_sample(uint64_t seed, uint64_t stream, int n):
    """n uniforms of one stream (for tests of the generator)."""
    cdef Rng r
    rng_seed(&r, seed, stream)
    return [rng_uniform(&r) for _ in range(n)]
