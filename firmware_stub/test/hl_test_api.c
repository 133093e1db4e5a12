/* A thin API over the core for the Python tests (ctypes): not part of any
 * firmware image. */
#include <stddef.h>
#include <stdint.h>

#include "hl_crc32c.h"
#include "hl_frame.h"

/* Decode every frame in wire[0..n) and encode each packet again into out;
 * returns the bytes written, or a negative hl_status_t. */
int hl_test_reencode(const uint8_t *wire, size_t n, uint8_t *out, size_t cap)
{
    static hl_decoder_t d;
    static hl_packet_t p;
    size_t i, o = 0;
    hl_decoder_init(&d);
    for (i = 0; i < n; i++) {
        if (hl_decoder_push(&d, wire[i], &p) == HL_PACKET) {
            int k = hl_encode(&p, out + o, cap - o);
            if (k < 0) return k;
            o += (size_t)k;
        }
    }
    return (int)o;
}

/* Decode the first packet in wire[0..n) into *out; returns its status
 * (HL_NONE if no frame completed) and copies the counters. */
int hl_test_decode(const uint8_t *wire, size_t n, hl_packet_t *out, hl_decoder_counters_t *c)
{
    static hl_decoder_t d;
    size_t i;
    hl_status_t status = HL_NONE;
    hl_decoder_init(&d);
    for (i = 0; i < n && status == HL_NONE; i++) status = hl_decoder_push(&d, wire[i], out);
    for (; i < n; i++) {
        hl_packet_t rest;
        (void)hl_decoder_push(&d, wire[i], &rest);
    }
    *c = d.counters;
    return (int)status;
}

/* Feed every byte and return only the counters (for corruption tests). */
void hl_test_counters(const uint8_t *wire, size_t n, hl_decoder_counters_t *c)
{
    static hl_decoder_t d;
    static hl_packet_t p;
    size_t i;
    hl_decoder_init(&d);
    for (i = 0; i < n; i++) (void)hl_decoder_push(&d, wire[i], &p);
    *c = d.counters;
}

uint32_t hl_test_crc32c(const uint8_t *data, size_t n) { return hl_crc32c(data, n); }

size_t hl_test_packet_size(void) { return sizeof(hl_packet_t); }
