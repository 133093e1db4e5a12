/* The structure-aware harness's hazard-map operations: a whole transfer
 * (BEGIN, every CHUNK of both layers, END with the map's CRC), or one frame
 * of one with its fields from the input. The harness keeps the map the
 * board should hold, for END's CRC. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_session.h"
#include "hl_bytes.h"
#include "hl_crc32c.h"

#define NONE 0xFFFFu /* no frame picked */

/* all cost, then all elevation, as the board's END check reads them */
static uint32_t map_crc(uint32_t cells)
{
    uint32_t crc = 0xFFFFFFFFu;
    uint8_t b[4];
    size_t i, k, size = (size_t)cells * cells;
    for (k = 0; k < 2u; k++) {
        for (i = 0; i < size; i++) crc = hl_crc32c_update(crc, b, (size_t)(hl_put_f32(b, fz.map[k][i]) - b));
    }
    return crc ^ 0xFFFFFFFFu;
}

/* the board keeps a chunk of the transfer under way that fits in it */
static void keep(const hl_hazard_map_chunk_t *c)
{
    if (fz.map_cells == 0u || c->map_id != fz.map_id || c->layer > 1u
        || (uint32_t)c->first_cell + c->values_count > fz.map_cells * fz.map_cells) {
        return;
    }
    memcpy(&fz.map[c->layer][c->first_cell], c->values, c->values_count * sizeof c->values[0]);
}

/* centred under the stage unless the input says where */
static void begin(fz_in_t *in, uint16_t id, uint32_t cells, double cell_m, int origin, uint8_t hdr)
{
    hl_hazard_map_begin_t *m = &fz_pkt.msg.hazard_map_begin;
    int i;
    m->map_id = id;
    m->cells = (uint16_t)cells;
    m->cell_size_m = cell_m;
    for (i = 0; i < 2; i++) {
        m->origin_S_m[i] = fz.plant.p[i] - (double)cells * cell_m / 2.0;
        if (origin) m->origin_S_m[i] = fz_double(in, m->origin_S_m[i]);
    }
    fz_send(in, HL_MSG_HAZARD_MAP_BEGIN, hdr);
    fz.map_cells = cells >= 1u && cells <= HL_HAZARD_MAP_MAX_CELLS ? cells : 0u;
    if (fz.map_cells) fz.map_id = id;
}

/* A whole map. sel: bits 0-1 its side (the lander's, 16, from the input, 64),
 * 2 values per chunk from the input (8 or more), 3 a frame left out, 4 a wrong CRC; then a
 * hazard disc (centre, radius in cells) and the elevation's slope. */
void op_map(fz_in_t *in, uint8_t hdr)
{
    uint8_t sel = fz_u8(in);
    const fz_preset_t *p = fz.plant.preset;
    uint32_t sides[] = {(uint32_t)p->map_cells, 16u, 1u + fz_u8(in) % 64u, 64u};
    uint32_t cells = sides[sel & 3u], size = cells * cells, first, acks = fz.acks;
    unsigned per = (sel & 4u) ? 8u + fz_u8(in) % (HL_HAZARD_MAP_CHUNK_VALUES_MAX - 7u) : HL_MAP_CHUNK_VALUES;
    unsigned left_out = (sel & 8u) ? fz_u8(in) : NONE, victim = (hdr & 0xFCu) ? fz_u8(in) : NONE;
    unsigned frame = 0, layer, i, cx = fz_u8(in) % cells, cy = fz_u8(in) % cells, r = fz_u8(in) % 8u;
    double slope = 0.05 * fz_i8(in);
    hl_hazard_map_chunk_t *c = &fz_pkt.msg.hazard_map_chunk;
    begin(in, (uint16_t)(fz.map_id + 1u), cells, p->cell_m, 0, frame++ == victim ? hdr : hdr & 3u);
    for (layer = 0; layer < 2u; layer++) {
        for (first = 0; first < size; first += per, frame++) {
            c->map_id = fz.map_id;
            c->layer = (uint8_t)layer;
            c->first_cell = (uint16_t)first;
            c->values_count = (uint16_t)(size - first < per ? size - first : per);
            for (i = 0; i < c->values_count; i++) {
                int x = (int)((first + i) % cells) - (int)cx, y = (int)((first + i) / cells) - (int)cy;
                c->values[i] = layer ? (float)(slope * p->cell_m * (x + (int)cx))
                                     : (float)(x * x + y * y <= (int)(r * r));
            }
            if (frame == left_out) continue;
            fz_send(in, HL_MSG_HAZARD_MAP_CHUNK, frame == victim ? hdr : hdr & 3u);
            keep(c);
        }
    }
    fz_pkt.msg.hazard_map_end.map_id = fz.map_id;
    fz_pkt.msg.hazard_map_end.map_crc = map_crc(cells) ^ ((sel & 0x10u) ? 1u + fz_u8(in) : 0u);
    fz_send(in, HL_MSG_HAZARD_MAP_END, frame == victim ? hdr : hdr & 3u);
    fz.map_fresh = 1;
    if (fz.open != 0u && fz.open == fz.sid && (sel & 0x18u) == 0u && victim == NONE) {
        /* whole, in a session: accepted, nothing missing */
        if (fz.acks == acks || fz.ack.acked_type != HL_MSG_HAZARD_MAP_END || fz.ack.status != HL_ACK_OK
            || fz.ack.detail != 0u) {
            abort();
        }
    }
}

/* sel: bit 0 the map id from the input, 1 the side, 2 the origin */
void op_map_begin(fz_in_t *in, uint8_t hdr)
{
    uint8_t sel = fz_u8(in);
    uint16_t id = (sel & 1u) ? fz_u16(in) : (uint16_t)(fz.map_id + 1u);
    uint32_t cells = (sel & 2u) ? fz_u16(in) : 1u + fz_u8(in) % 64u;
    double cell_m = fz_double(in, fz.plant.preset->cell_m);
    begin(in, id, cells, cell_m, (sel & 4u) != 0u, hdr);
}

/* sel: bit 0 the map id from the input, 1 the layer, 2 layer 1 (else 0),
 * 3 the first cell; then the count and the values, a ramp */
void op_map_chunk(fz_in_t *in, uint8_t hdr)
{
    uint8_t sel = fz_u8(in);
    hl_hazard_map_chunk_t *c = &fz_pkt.msg.hazard_map_chunk;
    uint32_t size = fz.map_cells ? fz.map_cells * fz.map_cells : 1u;
    unsigned i, n;
    float v0, dv;
    c->map_id = (sel & 1u) ? fz_u16(in) : fz.map_id;
    c->layer = (sel & 2u) ? fz_u8(in) : (uint8_t)((sel >> 2) & 1u);
    c->first_cell = (sel & 8u) ? fz_u16(in) : (uint16_t)((fz_u8(in) * 64u) % size);
    n = fz_u8(in); /* 0: 64 values, 255: none */
    c->values_count = (uint16_t)(n == 0u ? HL_MAP_CHUNK_VALUES : n == 0xFFu ? 0u : n);
    v0 = fz_float(in, 0.0f);
    dv = 0.01f * (float)fz_i8(in);
    for (i = 0; i < c->values_count; i++) c->values[i] = v0 + (float)i * dv;
    fz_send(in, HL_MSG_HAZARD_MAP_CHUNK, hdr);
    keep(c);
}

/* sel: bit 0 the map id from the input, 1 the CRC from the input (else the right one) */
void op_map_end(fz_in_t *in, uint8_t hdr)
{
    uint8_t sel = fz_u8(in);
    fz_pkt.msg.hazard_map_end.map_id = (sel & 1u) ? fz_u16(in) : fz.map_id;
    fz_pkt.msg.hazard_map_end.map_crc = (sel & 2u) ? fz_u32(in) : map_crc(fz.map_cells);
    fz_send(in, HL_MSG_HAZARD_MAP_END, hdr);
    if (fz.map_cells) fz.map_fresh = 1;
}
