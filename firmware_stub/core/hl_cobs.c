#include "hl_cobs.h"

size_t hl_cobs_encode(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t code_at = 0; /* where the current block's code byte goes */
    size_t o = 1;
    uint8_t code = 1;   /* 1 + the data bytes in the current block */
    size_t i;
    for (i = 0; i < n; i++) {
        if (in[i] != 0u) {
            out[o++] = in[i];
            code++;
        }
        if (in[i] == 0u || code == 0xFFu) {
            out[code_at] = code;
            code_at = o++;
            code = 1;
        }
    }
    out[code_at] = code;
    return o;
}

int hl_cobs_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t i = 0;
    size_t o = 0;
    while (i < n) {
        uint8_t code = in[i++];
        size_t k;
        if (code == 0u || i + code - 1u > n) return -1;
        for (k = 1; k < code; k++) {
            if (in[i] == 0u || o >= cap) return -1;
            out[o++] = in[i++];
        }
        if (code != 0xFFu && i < n) {
            if (o >= cap) return -1;
            out[o++] = 0u;
        }
    }
    return (int)o;
}
