/* libFuzzer target: arbitrary bytes into the decoder and into a whole board.
 *
 * Checks, besides what the sanitizers catch: every packet the decoder
 * accepts re-encodes to a frame that decodes to the same bytes again; the
 * decoder's buffer never passes its bound; the board answers with whole,
 * valid frames only. Build and run: firmware_stub/fuzz/run.sh [SECONDS]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hl_board.h"

static hl_decoder_t decoder, check;
static hl_packet_t packet, again;
static hl_board_t board;
static uint8_t wire[HL_MAX_WIRE], rewire[HL_MAX_WIRE];
static uint32_t clock_us;

static void board_write(void *ctx, const uint8_t *data, size_t n)
{
    size_t i, frames = 0;
    (void)ctx;
    hl_decoder_init(&check);
    for (i = 0; i < n; i++) {
        if (hl_decoder_push(&check, data[i], &again) == HL_PACKET) frames++;
    }
    if (frames != 1u || data[0] != 0u || data[n - 1] != 0u) abort(); /* one whole frame */
}

static uint32_t board_micros(void *ctx)
{
    (void)ctx;
    return clock_us += 1000u;
}

static void round_trip(const hl_packet_t *p)
{
    int n = hl_encode(p, wire, sizeof wire), m;
    size_t i;
    hl_status_t status = HL_NONE;
    if (n < 0) abort(); /* what decodes must encode */
    hl_decoder_init(&check);
    for (i = 0; i < (size_t)n && status == HL_NONE; i++) status = hl_decoder_push(&check, wire[i], &again);
    if (status != HL_PACKET) abort();
    m = hl_encode(&again, rewire, sizeof rewire);
    if (m != n || memcmp(wire, rewire, (size_t)n) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int started;
    size_t i;
    if (!started) {
        hl_board_io_t io = {board_write, board_micros, NULL, NULL, NULL, NULL, NULL};
        hl_board_init(&board, io, "fuzz");
        started = 1;
    }
    hl_decoder_init(&decoder);
    for (i = 0; i < size; i++) {
        if (hl_decoder_push(&decoder, data[i], &packet) == HL_PACKET) round_trip(&packet);
        if (decoder.len > sizeof decoder.buf) abort();
    }
    hl_board_push(&board, data, size);
    hl_board_poll(&board);
    return 0;
}
