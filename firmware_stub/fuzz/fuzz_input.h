/* The structure-aware harness's reading of the fuzzer's bytes: little-endian
 * fields taken from the front, zeros once the input is used up, so that every
 * input is a whole sequence of operations. A value "near" a base is the base
 * itself for a byte under 0x80 (zeros: the nominal value), else a nudge, an
 * awkward number (NaN, infinities, extremes, denormals) or raw bits. */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct fz_in {
    const uint8_t *p;
    size_t n; /* bytes left */
} fz_in_t;

static inline uint8_t fz_u8(fz_in_t *in)
{
    if (in->n == 0u) return 0u;
    in->n--;
    return *in->p++;
}

static inline uint16_t fz_u16(fz_in_t *in)
{
    uint16_t lo = fz_u8(in);
    return (uint16_t)(lo | (uint16_t)(fz_u8(in) << 8));
}

static inline uint32_t fz_u32(fz_in_t *in)
{
    uint32_t lo = fz_u16(in);
    return lo | (uint32_t)fz_u16(in) << 16;
}

static inline uint64_t fz_u64(fz_in_t *in)
{
    uint64_t lo = fz_u32(in);
    return lo | (uint64_t)fz_u32(in) << 32;
}

/* a signed byte, centred: zero for 0x00 */
static inline int fz_i8(fz_in_t *in)
{
    return (int)(int8_t)fz_u8(in);
}

static const double FZ_AWKWARD[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 1e-6, 100.0, -100.0,
    1e30, -1e30, 3.4028234663852886e38, -3.4028234663852886e38,
    1.1754943508222875e-38, 1.401298464324817e-45, 1e300, 4.9406564584124654e-324,
};

/* kind < 0x80: base; then a nudge of base, an awkward number, NaN or an infinity */
static inline double fz_near(fz_in_t *in, uint8_t kind, double base)
{
    if (kind < 0x80u) return base;
    if (kind < 0xC0u) return base + (double)fz_i8(in) * (fabs(base) * 0.01 + 0.125);
    if (kind < 0xE0u) return base * (double)fz_i8(in) / 16.0;
    if (kind < 0xF0u) return FZ_AWKWARD[kind & 0x0Fu];
    if (kind == 0xF0u) return NAN;
    if (kind == 0xF1u) return INFINITY;
    if (kind == 0xF2u) return -INFINITY;
    return base + (double)fz_i8(in) * 1000.0;
}

static inline float fz_float(fz_in_t *in, float base)
{
    uint8_t kind = fz_u8(in);
    uint32_t bits;
    float f;
    if (kind != 0xFFu) return (float)fz_near(in, kind, (double)base);
    bits = fz_u32(in); /* raw bits */
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline double fz_double(fz_in_t *in, double base)
{
    uint8_t kind = fz_u8(in);
    uint64_t bits;
    double d;
    if (kind != 0xFFu) return fz_near(in, kind, base);
    bits = fz_u64(in);
    memcpy(&d, &bits, sizeof d);
    return d;
}

#endif
