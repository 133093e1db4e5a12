/* COBS, Consistent Overhead Byte Stuffing (Cheshire and Baker, 1999).
 * The encoding of n bytes holds no zero byte and takes at most
 * n + n / 254 + 1 bytes. */
#ifndef HL_COBS_H
#define HL_COBS_H

#include <stddef.h>
#include <stdint.h>

#define HL_COBS_MAX(n) ((n) + (n) / 254u + 1u)

/* Encode n bytes into out (room for HL_COBS_MAX(n)); returns the length. */
size_t hl_cobs_encode(const uint8_t *in, size_t n, uint8_t *out);

/* Decode n bytes into out (room for cap bytes); returns the length, or -1 if
 * the input is not a COBS encoding (a zero byte, a code past the end) or
 * would not fit. */
int hl_cobs_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

#endif
