# cython: language_level=3
"""Seeded random streams for the world.

Design
------
A. Every random draw of a landing comes from one scenario seed. Each noise
   source has its own stream (seed, stream id) so that changing one sensor's
   rate does not change the draws of another. Generator: xoshiro256**
   (Blackman & Vigna 2018), seeded through splitmix64 as its authors
   recommend; uniforms from the top 53 bits.
B. Normals by the ziggurat (Marsaglia & Tsang, J. Stat. Software 5(8), 2000),
   128 layers of equal area under f(x) = exp(-x^2/2). One 64-bit draw gives
   the layer (bits 0-6), the sign (bit 7) and the abscissa (bits 11-63):
   disjoint bits, so the three are independent. About 98.8 % of draws
   return from the first comparison; the rest test the wedge with a second
   uniform, or sample the tail beyond r. The tables are computed once, at
   import, with the machine's libm.
"""

from libc.math cimport exp, log, sqrt
from libc.stdint cimport uint64_t

cdef double INV_2_53 = 1.0 / 9007199254740992.0

cdef enum:
    ZIG_LAYERS = 128
# Marsaglia & Tsang (2000) constants for 128 layers: the base layer starts at
# ZIG_R, and every layer (the base with its tail) has area ZIG_V under f.
cdef double ZIG_R = 3.442619855899
cdef double ZIG_V = 9.91256303526217e-3
cdef double ZIG_X[ZIG_LAYERS + 1]
cdef double ZIG_F[ZIG_LAYERS + 1]


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


cdef double normal_tail(Rng* r) noexcept nogil:
    """A normal beyond ZIG_R: Marsaglia's exponential rejection."""
    cdef double a, b
    while True:
        a = -log(1.0 - rng_uniform(r)) / ZIG_R
        b = -log(1.0 - rng_uniform(r))
        if b + b > a * a:
            return ZIG_R + a


cdef double rng_normal(Rng* r) noexcept nogil:
    """Standard normal by the ziggurat (design B)."""
    cdef uint64_t bits
    cdef int i
    cdef double x, y
    while True:
        bits = next_u64(r)
        i = bits & 127
        x = (bits >> 11) * INV_2_53 * ZIG_X[i]
        if x < ZIG_X[i + 1]:
            return -x if bits & 128 else x
        if i == 0:
            x = normal_tail(r)
            return -x if bits & 128 else x
        y = ZIG_F[i] + rng_uniform(r) * (ZIG_F[i + 1] - ZIG_F[i])
        if y < exp(-0.5 * x * x):
            return -x if bits & 128 else x


cdef void ziggurat_tables() noexcept nogil:
    """Layer edges x_i and heights f(x_i), f(x) = exp(-x^2/2) (design B)."""
    cdef int i
    ZIG_X[0] = ZIG_V / exp(-0.5 * ZIG_R * ZIG_R)
    ZIG_X[1] = ZIG_R
    for i in range(1, ZIG_LAYERS - 1):
        ZIG_X[i + 1] = sqrt(-2.0 * log(exp(-0.5 * ZIG_X[i] * ZIG_X[i]) + ZIG_V / ZIG_X[i]))
    ZIG_X[ZIG_LAYERS] = 0.0
    for i in range(ZIG_LAYERS + 1):
        ZIG_F[i] = exp(-0.5 * ZIG_X[i] * ZIG_X[i])


ziggurat_tables()


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
