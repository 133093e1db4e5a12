/* Little-endian field access, independent of the target's byte order.
 * Every helper takes a cursor and returns it advanced past the field. */
#ifndef HL_BYTES_H
#define HL_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint8_t *hl_put_u8(uint8_t *q, uint8_t v) { *q = v; return q + 1; }

static inline uint8_t *hl_put_u16(uint8_t *q, uint16_t v)
{
    q[0] = (uint8_t)v;
    q[1] = (uint8_t)(v >> 8);
    return q + 2;
}

static inline uint8_t *hl_put_u32(uint8_t *q, uint32_t v)
{
    q[0] = (uint8_t)v;
    q[1] = (uint8_t)(v >> 8);
    q[2] = (uint8_t)(v >> 16);
    q[3] = (uint8_t)(v >> 24);
    return q + 4;
}

static inline uint8_t *hl_put_f32(uint8_t *q, float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return hl_put_u32(q, u);
}

static inline uint8_t *hl_put_f64(uint8_t *q, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    q = hl_put_u32(q, (uint32_t)u);
    return hl_put_u32(q, (uint32_t)(u >> 32));
}

/* n bytes of a NUL-terminated string, NUL padded */
static inline uint8_t *hl_put_chars(uint8_t *q, const char *s, size_t n)
{
    size_t i = 0;
    for (; i < n && s[i] != '\0'; i++) q[i] = (uint8_t)s[i];
    for (; i < n; i++) q[i] = 0u;
    return q + n;
}

static inline const uint8_t *hl_get_u8(const uint8_t *q, uint8_t *v) { *v = *q; return q + 1; }

static inline const uint8_t *hl_get_u16(const uint8_t *q, uint16_t *v)
{
    *v = (uint16_t)(q[0] | (uint16_t)q[1] << 8);
    return q + 2;
}

static inline const uint8_t *hl_get_u32(const uint8_t *q, uint32_t *v)
{
    *v = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
    return q + 4;
}

static inline const uint8_t *hl_get_f32(const uint8_t *q, float *v)
{
    uint32_t u;
    q = hl_get_u32(q, &u);
    memcpy(v, &u, sizeof u);
    return q;
}

static inline const uint8_t *hl_get_f64(const uint8_t *q, double *v)
{
    uint32_t lo, hi;
    uint64_t u;
    q = hl_get_u32(q, &lo);
    q = hl_get_u32(q, &hi);
    u = (uint64_t)hi << 32 | lo;
    memcpy(v, &u, sizeof u);
    return q;
}

/* n bytes into a string of room n + 1, NUL terminated */
static inline const uint8_t *hl_get_chars(const uint8_t *q, char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) s[i] = (char)q[i];
    s[n] = '\0';
    return q + n;
}

#endif
