/* libFuzzer target, structure-aware: the input is a sequence of operations,
 * each sent to a whole board as valid frames (COBS, CRC-32C, version 1, built
 * with the core's own hl_encode), so that mutations reach the session rules,
 * the hazard map's reassembly and the law, not the CRC check. A point mass
 * (fuzz_plant.c) flies the board's COMMANDs through a landing's phases.
 *
 * Input: [config][op][header][fields...][op][header][fields...]... Every
 * field is read from the front; once the input is used up it reads as zeros,
 * and zeros mean the nominal choice (the right schema hash, the next step, a
 * plain frame, an unchanged value). config: bit 0 io.info, 1 io.cost_counter,
 * 2 io.cost_of_counts, 3 io.stack_high_water_B, 4 a board name over 16
 * bytes. op: an index into OPS below, each operation's fields said above it.
 * header, for the frames an operation sends: bit 0 RESEND, 1 ACK_REQUEST,
 * 2 a wrong session id, 3 a wrong version, 4 one byte flipped, 5 truncated,
 * 6 pushed in two pieces with a poll between, 7 flags and sequence number
 * from the input. fuzz/seeds.py writes inputs in this format.
 *
 * Checks, besides what the sanitizers catch: the board answers with whole,
 * valid frames of version 1 only; a COMMAND answers the step of the
 * SENSOR_FRAME just sent, and comes for nothing else; in a session the
 * harness knows to be open, a preset's PARAMS as they are is ACKed OK, and a
 * whole hazard map with its right CRC is ACKed OK with nothing missing. The
 * clock is the harness's own (deterministic): every input starts from a
 * freshly initialised board at time 0. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_session.h"
#include "hl_bytes.h"
#include "hl_crc32c.h"

/* a preset the core cannot read would not compile: regenerate fuzz_presets.h */
typedef char fz_presets_have_every_param[FZ_PRESET_VALUES == HL_PARAM_COUNT ? 1 : -1];

#define OPS_MAX 512     /* operations per input */
#define STEPS_MAX 4096u /* SENSOR_FRAMEs per input: bounds an input's time */

fz_harness_t fz;
hl_packet_t fz_pkt;
static hl_board_t board;
static hl_decoder_t check;
static hl_packet_t reply;
static uint8_t wire[HL_MAX_WIRE];
static const hl_board_info_t INFO = {25000000u, 20000u, 250000u, 1u};

/* ---- the board's side: its clock, counters and what it writes ---- */

static uint32_t board_micros(void *ctx)
{
    (void)ctx;
    return fz.clock_us += (uint32_t)fz.tick_us;
}

static uint32_t board_counter(void *ctx)
{
    (void)ctx;
    return fz.counter += 37u;
}

static uint32_t board_cost(void *ctx, uint32_t counts)
{
    (void)ctx;
    return counts * 2u;
}

static uint32_t board_stack(void *ctx)
{
    (void)ctx;
    return 1544u;
}

static void observe(const hl_packet_t *p)
{
    if (p->type == HL_MSG_COMMAND) {
        if (fz.expect == NO_STEP || (fz.expect >= 0 && p->msg.command.step != (uint32_t)fz.expect)) abort();
        fz.command = p->msg.command;
        fz.commands++;
    } else if (p->type == HL_MSG_ACK) {
        fz.ack = p->msg.ack;
        fz.acks++;
    } else if (p->type == HL_MSG_HELLO_ACK) {
        fz.open = p->msg.hello_ack.status == HL_ACK_OK ? p->session_id : 0u;
    }
}

static void board_write(void *ctx, const uint8_t *data, size_t n)
{
    size_t i, frames = 0;
    hl_status_t status, got = HL_NONE;
    (void)ctx;
    hl_decoder_init(&check);
    for (i = 0; i < n; i++) {
        status = hl_decoder_push(&check, data[i], &reply);
        if (status != HL_NONE) frames++, got = status;
    }
    /* one whole frame, of this version, that decodes */
    if (frames != 1u || got != HL_PACKET || data[0] != 0u || data[n - 1] != 0u) abort();
    observe(&reply);
}

/* ---- frames in ---- */

static void push(const uint8_t *data, size_t n)
{
    hl_board_push(&board, data, n);
}

/* fz_pkt, its message filled in, as a frame; hdr: see the top */
void fz_send(fz_in_t *in, uint8_t type, uint8_t hdr)
{
    int n;
    size_t cut;
    fz_pkt.version = HL_PROTOCOL_VERSION;
    fz_pkt.type = type;
    fz_pkt.flags = hdr & 3u;
    fz_pkt.session_id = fz.sid;
    fz_pkt.seq = fz.seq++;
    if (hdr & 0x04u) fz_pkt.session_id = (uint16_t)(fz.sid ^ (1u + fz_u8(in)));
    if (hdr & 0x08u) fz_pkt.version = (uint8_t)(fz_u8(in) | 2u); /* never 1 */
    if (hdr & 0x80u) fz_pkt.flags = fz_u8(in), fz_pkt.seq = fz_u16(in);
    n = hl_encode(&fz_pkt, wire, sizeof wire);
    if (n < 0) abort(); /* the harness builds only what encodes */
    if (hdr & 0x10u) {
        size_t k = fz_u16(in) % (unsigned)n;
        wire[k] ^= (uint8_t)(1u | fz_u8(in));
    }
    if (hdr & 0x20u) n = (int)(1u + fz_u16(in) % (unsigned)n);
    if (hdr & 0x40u) {
        cut = fz_u16(in) % (unsigned)n;
        push(wire, cut);
        hl_board_poll(&board);
        push(wire + cut, (size_t)n - cut);
    } else {
        push(wire, (size_t)n);
    }
}

/* ---- operations ---- */

static void op_hello(fz_in_t *in, uint8_t hdr)
{
    uint8_t sel = fz_u8(in);
    hl_hello_t *m = &fz_pkt.msg.hello;
    memset(m, 0, sizeof *m);
    fz.sid = fz_u16(in);
    if (!(sel & 1u) && fz.sid == 0u) fz.sid = 0x1234u; /* session 0 only when asked */
    m->schema_hash = (sel & 6u) == 6u ? fz_u32(in) : HL_SCHEMA_HASH;
    m->capabilities = (sel & 8u) ? fz_u32(in) : HL_CAP_LOCKSTEP | HL_CAP_HAZARD_MAP;
    m->mode = (sel & 0x10u) ? fz_u8(in) : (uint8_t)((sel >> 5) & 1u);
    m->control_rate_Hz = fz_float(in, (float)fz.plant.preset->values[HL_PARAM_control_rate_Hz]);
    fz_send(in, HL_MSG_HELLO, hdr);
}

/* sel: bits 0-3 the preset, 4 the count from the input, 6-7 values mutated */
static void op_params(fz_in_t *in, uint8_t hdr)
{
    uint8_t sel = fz_u8(in);
    const fz_preset_t *p = &FZ_PRESETS[(sel & 0x0Fu) % FZ_PRESET_COUNT];
    hl_params_t *m = &fz_pkt.msg.params;
    unsigned i, mutations = sel >> 6;
    uint32_t acks = fz.acks;
    memset(m, 0, sizeof *m);
    memcpy(m->values, p->values, sizeof p->values);
    m->values_count = HL_PARAM_COUNT;
    if (sel & 0x10u) m->values_count = (uint16_t)(fz_u8(in) % (HL_PARAMS_VALUES_MAX + 1u));
    for (i = 0; i < mutations; i++) {
        unsigned k = fz_u8(in) % HL_PARAM_COUNT;
        m->values[k] = fz_double(in, m->values[k]);
    }
    if (p != fz.plant.preset) { /* the plant flies this lander now, from where it is */
        fz.plant.preset = p;
        fz.plant.mass_kg = p->mass_kg;
        fz.plant.released = fz.plant.rover_down = fz.plant.cut = fz.plant.cutoff = 0;
    }
    fz_send(in, HL_MSG_PARAMS, hdr);
    if (fz.open != 0u && fz.open == fz.sid && (hdr & 0xFCu) == 0u && (sel & 0xD0u) == 0u) {
        /* a preset as it is, in a session: accepted */
        if (fz.acks == acks || fz.ack.acked_type != HL_MSG_PARAMS || fz.ack.status != HL_ACK_OK) abort();
    }
}

/* the frame's step: mostly the next, sometimes the last again, an older one, any */
static uint32_t next_step(fz_in_t *in, uint8_t sel)
{
    switch (sel & 3u) {
    case 2: return fz.last_step;
    case 3: return (sel & 4u) ? fz.last_step - 1u - fz_u8(in) : fz_u32(in);
    default: return fz.last_step = fz.step++;
    }
}

/* one SENSOR_FRAME of the plant as it is; the plant flies the answer */
static void sense_and_fly(fz_in_t *in, hl_sensor_frame_t *f, uint8_t hdr)
{
    uint32_t commands = fz.commands;
    double rate = fz.plant.preset->values[HL_PARAM_control_rate_Hz];
    fz.expect = (long)f->step;
    fz_send(in, HL_MSG_SENSOR_FRAME, hdr);
    fz.expect = NO_STEP;
    fz.steps++;
    fz_plant_step(&fz.plant, fz.commands != commands ? &fz.command : NULL);
    fz.clock_us += (uint32_t)(1e6 / rate);
    hl_board_poll(&board);
}

/* sel: bits 0-2 the step, 3 floats perturbed (a mask of fields), 4 flags from the input */
static void op_sensor(fz_in_t *in, uint8_t hdr)
{
    uint8_t sel = fz_u8(in);
    hl_sensor_frame_t *f = &fz_pkt.msg.sensor_frame;
    float *fields[] = {&f->time_s, &f->radar_altitude_m, f->radar_velocity_S_mps,
                       f->nav_position_S_m, f->nav_velocity_S_mps, f->specific_force_S_mps2,
                       &f->mass_estimate_kg, &f->thrust_measured_N, &f->bridle_tension_N};
    static const unsigned sizes[] = {1, 1, 3, 3, 3, 3, 1, 1, 1};
    unsigned i, j;
    fz_plant_sense(&fz.plant, f);
    f->step = next_step(in, sel);
    f->time_s = (float)((double)f->step / fz.plant.preset->values[HL_PARAM_control_rate_Hz]);
    f->hazard_map_ready = (uint8_t)fz.map_fresh;
    fz.map_fresh = 0;
    if (sel & 8u) {
        uint16_t mask = fz_u16(in);
        for (i = 0; i < 9u; i++) {
            for (j = 0; (mask >> i & 1u) && j < sizes[i]; j++) fields[i][j] = fz_float(in, fields[i][j]);
        }
    }
    if (sel & 0x10u) {
        uint8_t b = fz_u8(in);
        f->radar_altitude_valid = b & 1u, f->radar_velocity_valid = (b >> 1) & 1u;
        f->hazard_map_ready = (b >> 2) & 1u;
        f->contact = fz_u8(in), f->engines_active = fz_u8(in);
    }
    sense_and_fly(in, f, hdr);
}

/* n frames of the plant in flight; mode: 0 radar altitude invalid, 1 radar
 * velocity invalid, 2 radar velocity off by 10 m/s, 3 thrust reads half,
 * 4 every frame says a map is ready */
static void op_fly(fz_in_t *in, uint8_t hdr)
{
    unsigned i, n = 1u + fz_u8(in);
    uint8_t mode = fz_u8(in);
    hl_sensor_frame_t *f = &fz_pkt.msg.sensor_frame;
    for (i = 0; i < n && fz.steps < STEPS_MAX; i++) {
        fz_plant_sense(&fz.plant, f);
        f->step = fz.last_step = fz.step++;
        f->time_s = (float)((double)f->step / fz.plant.preset->values[HL_PARAM_control_rate_Hz]);
        if (mode & 1u) f->radar_altitude_valid = 0;
        if (mode & 2u) f->radar_velocity_valid = 0;
        if (mode & 4u) f->radar_velocity_S_mps[0] += 10.0f;
        if (mode & 8u) f->thrust_measured_N *= 0.5f;
        f->hazard_map_ready = (uint8_t)(fz.map_fresh || (mode & 0x10u));
        fz.map_fresh = 0;
        sense_and_fly(in, f, hdr & 3u);
    }
}

static void op_plant(fz_in_t *in, uint8_t hdr)
{
    unsigned where = fz_u8(in), i;
    int d[6];
    (void)hdr;
    for (i = 0; i < 6u; i++) d[i] = fz_i8(in);
    fz_plant_start(&fz.plant, fz.plant.preset, where, d);
}

static void op_inject(fz_in_t *in, uint8_t hdr)
{
    uint8_t sel = fz_u8(in);
    fz_pkt.msg.fault_inject.kind = (sel & 1u) ? fz_u8(in) : HL_INJECT_RESET;
    fz_pkt.msg.fault_inject.param = (sel & 2u) ? fz_u32(in) : 0u;
    fz.open = 0; /* a reset ends the session */
    fz_send(in, HL_MSG_FAULT_INJECT, hdr);
}

static void op_goodbye(fz_in_t *in, uint8_t hdr)
{
    fz_pkt.msg.goodbye.reason = fz_u8(in);
    fz.open = 0;
    fz_send(in, HL_MSG_GOODBYE, hdr);
}

/* raw bytes from the input, a frame's worth at most */
static void op_garbage(fz_in_t *in, uint8_t hdr)
{
    size_t n = (size_t)fz_u8(in) << (hdr & 3u);
    if (n > in->n) n = in->n;
    fz.expect = ANY_STEP;
    fz.open = 0; /* not known: the bytes might hold a frame */
    push(in->p, n);
    fz.expect = NO_STEP;
    in->p += n, in->n -= n;
}

/* bytes from the input framed right (COBS, the CRC): a header's fields and a
 * payload of any length for any type. sel: bit 0 the length field from the
 * input, 1 the version, 2 the session id, 3 a wrong CRC */
static void op_framed(fz_in_t *in, uint8_t hdr)
{
    static uint8_t raw[HL_HEADER_SIZE + 2u * HL_MAX_PAYLOAD + HL_CRC_SIZE];
    static uint8_t out[HL_COBS_MAX(sizeof raw) + 2u];
    uint8_t sel = fz_u8(in), *q = raw;
    size_t n = (size_t)fz_u8(in) << (hdr & 3u), m, len;
    q = hl_put_u8(q, (sel & 2u) ? fz_u8(in) : HL_PROTOCOL_VERSION);
    q = hl_put_u8(q, fz_u8(in)); /* the type */
    q = hl_put_u8(q, fz_u8(in)); /* the flags */
    q = hl_put_u16(q, (sel & 4u) ? fz_u16(in) : fz.sid);
    q = hl_put_u16(q, fz.seq++);
    q = hl_put_u16(q, (sel & 1u) ? fz_u16(in) : (uint16_t)n);
    m = n < in->n ? n : in->n;
    memcpy(q, in->p, m);
    memset(q + m, 0, n - m);
    in->p += m, in->n -= m;
    len = HL_HEADER_SIZE + n;
    (void)hl_put_u32(raw + len, hl_crc32c(raw, len) ^ ((sel & 8u) ? 1u : 0u));
    len += HL_CRC_SIZE;
    out[0] = 0u;
    len = hl_cobs_encode(raw, len, out + 1) + 1u;
    out[len++] = 0u;
    fz.expect = ANY_STEP; /* it may be a SENSOR_FRAME, */
    fz.open = 0;          /* a GOODBYE */
    push(out, len);
    fz.expect = NO_STEP;
}

/* the clock: its advance at each reading (a clock that steps back too), or a jump */
static void op_clock(fz_in_t *in, uint8_t hdr)
{
    (void)hdr;
    if (fz_u8(in) & 1u) {
        fz.tick_us = (int16_t)fz_u16(in);
    } else {
        fz.clock_us += fz_u32(in);
    }
}

/* a message only the board sends, or that needs no answer: ignored */
static void op_other(fz_in_t *in, uint8_t hdr)
{
    static const uint8_t types[] = {HL_MSG_HELLO_ACK, HL_MSG_BOARD_INFO, HL_MSG_COMMAND,
                                    HL_MSG_ACK, HL_MSG_HEARTBEAT, HL_MSG_FAULT, HL_MSG_TEXT};
    uint8_t type = types[fz_u8(in) % sizeof types];
    memset(&fz_pkt.msg, 0, sizeof fz_pkt.msg);
    fz_send(in, type, hdr);
}

typedef void (*fz_op_t)(fz_in_t *in, uint8_t hdr);

static const fz_op_t OPS[] = {
    op_hello, op_params, op_sensor, op_fly, op_plant, op_map, op_map_begin,
    op_map_chunk, op_map_end, op_inject, op_goodbye, op_garbage, op_clock, op_other, op_framed,
};

static void start(uint8_t config)
{
    hl_board_io_t io;
    static const int none[6] = {0, 0, 0, 0, 0, 0};
    memset(&fz, 0, sizeof fz);
    memset(&fz_pkt, 0, sizeof fz_pkt);
    fz.tick_us = 1000;
    fz.expect = NO_STEP;
    fz.sid = 0x1234u;
    fz.map_cells = 16u;
    fz_plant_start(&fz.plant, &FZ_PRESETS[0], 0u, none);
    memset(&io, 0, sizeof io);
    io.write = board_write;
    io.micros = board_micros;
    if (config & 1u) io.info = &INFO;
    if (config & 2u) io.cost_counter = board_counter;
    if (config & 4u) io.cost_of_counts = board_cost;
    if (config & 8u) io.stack_high_water_B = board_stack;
    hl_board_init(&board, io, (config & 0x10u) ? "a-board-name-over-16-bytes" : "fuzz");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in_t in = {data, size};
    int ops;
    start(fz_u8(&in));
    for (ops = 0; ops < OPS_MAX && in.n > 0u; ops++) {
        uint8_t op = fz_u8(&in);
        OPS[op % (sizeof OPS / sizeof OPS[0])](&in, fz_u8(&in));
        hl_board_poll(&board);
    }
    return 0;
}
