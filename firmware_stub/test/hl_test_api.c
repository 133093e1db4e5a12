/* A thin API over the core for the Python tests (ctypes): not part of any
 * firmware image. */
#include <stddef.h>
#include <stdint.h>

#include "hl_crc32c.h"
#include "hl_board.h"
#include "hl_frame.h"

#include <string.h>

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

/* ---- the law, driven with wire frames (back-to-back tests) ---- */

#include "hl_law.h"

static hl_law_params_t law_params;
static hl_law_state_t law_state;
static hl_hazard_map_t law_map;
static int law_have_map;

int hl_test_law_reset(const double *values, size_t n)
{
    if (n != HL_PARAM_COUNT) return -1;
    hl_law_params_from(values, &law_params);
    hl_law_reset(&law_state);
    law_have_map = 0;
    return 0;
}

int hl_test_law_map(int32_t cells, double cell_size_m, double x0, double y0, const float *cost,
                    const float *elevation_m)
{
    size_t i, n = (size_t)cells * (size_t)cells;
    if (cells < 1 || cells > HL_HAZARD_MAP_MAX_CELLS) return -1;
    law_map.cells = cells;
    law_map.cell_size_m = (hl_real)cell_size_m;
    law_map.origin_S_m[0] = (hl_real)x0;
    law_map.origin_S_m[1] = (hl_real)y0;
    for (i = 0; i < n; i++) {
        law_map.cost[i] = cost[i];
        law_map.elevation_m[i] = elevation_m[i];
    }
    law_have_map = 1;
    return 0;
}

/* One SENSOR_FRAME as a wire frame in, the COMMAND as a wire frame out;
 * returns its length, or a negative status. */
int hl_test_law_step(const uint8_t *wire, size_t n, uint8_t *out, size_t cap)
{
    static hl_decoder_t d;
    static hl_packet_t in, reply;
    size_t i;
    int status = HL_NONE;
    hl_decoder_init(&d);
    for (i = 0; i < n && status == HL_NONE; i++) status = hl_decoder_push(&d, wire[i], &in);
    if (status != HL_PACKET || in.type != HL_MSG_SENSOR_FRAME) return -10;
    memset(&reply, 0, sizeof reply);
    reply.version = HL_PROTOCOL_VERSION;
    reply.type = HL_MSG_COMMAND;
    hl_law_step(&law_state, &law_params, &in.msg.sensor_frame, law_have_map ? &law_map : NULL,
                &reply.msg.command);
    return hl_encode(&reply, out, cap);
}

/* Put the law in a phase, any value: a corrupted phase holds
 * (tests/firmware/test_law_phase_guard.py). */
void hl_test_law_set_phase(int32_t phase) { law_state.phase = phase; }

/* ---- the law's phase table (tests/controller/test_phases.py) ---- */

int hl_test_phase_count(void) { return HL_PHASE_COUNT; }

/* A phase's row: its flags, and its handler named by the first phase flown by
 * the same function; returns -1 for a phase with no row or no handler. */
int hl_test_phase_row(int32_t phase, uint32_t *flags, int32_t *handler)
{
    const hl_phase_row_t *row = hl_law_phase(phase);
    int32_t first = 0;
    if (row == NULL || row->fly == NULL) return -1;
    while (hl_law_phase(first)->fly != row->fly) first++;
    *flags = row->flags;
    *handler = first;
    return 0;
}

/* ---- a whole board, bytes in and bytes out (tests/firmware/test_board_rules.py) ---- */

static hl_board_t test_board;
static uint8_t board_out[1u << 16];
static size_t board_out_len;
static uint32_t board_clock_us;

static void board_write(void *ctx, const uint8_t *data, size_t n)
{
    (void)ctx;
    if (board_out_len + n <= sizeof board_out) {
        memcpy(board_out + board_out_len, data, n);
        board_out_len += n;
    }
}

static uint32_t board_micros(void *ctx)
{
    (void)ctx;
    return board_clock_us += 100u;
}

void hl_test_board_init(void)
{
    hl_board_io_t io;
    memset(&io, 0, sizeof io);
    io.write = board_write;
    io.micros = board_micros;
    hl_board_init(&test_board, io, "test");
}

/* feed `n` bytes; what the board wrote meanwhile goes to `out` (its length returned, or -1) */
int hl_test_board_push(const uint8_t *data, size_t n, uint8_t *out, size_t cap)
{
    board_out_len = 0;
    hl_board_push(&test_board, data, n);
    if (board_out_len > cap) return -1;
    memcpy(out, board_out, board_out_len);
    return (int)board_out_len;
}
