#include "hl_board.h"

#include <string.h>

#include "hl_bytes.h"
#include "hl_crc32c.h"
#include "hl_param_rules.h"

#define HEARTBEAT_PERIOD_US 1000000u
#ifdef HL_VIRTUAL_TIME /* a build for an emulator under -icount: its clock counts instructions */
#define TIME_CAPABILITY HL_CAP_VIRTUAL_TIME
#else
#define TIME_CAPABILITY 0u
#endif
#define CAPABILITIES (HL_CAP_LOCKSTEP | HL_CAP_REALTIME | HL_CAP_HAZARD_MAP | HL_CAP_INJECT_RESET \
                      | HL_CAP_TEXT | HL_CAP_HEARTBEAT | TIME_CAPABILITY)

static uint32_t cost_counter(const hl_board_t *b)
{
    return b->io.cost_counter ? b->io.cost_counter(b->io.ctx) : 0u;
}

/* the step's cost in the target's units, from the counter's two readings */
static uint32_t step_cost(const hl_board_t *b, uint32_t start)
{
    uint32_t counts = cost_counter(b) - start;
    return b->io.cost_of_counts ? b->io.cost_of_counts(b->io.ctx, counts) : counts;
}

/* Under virtual time the board's clock is its instruction count: the step's
 * time is its cost at the declared clock, the same on any host. */
static uint32_t step_time_us(const hl_board_t *b, uint32_t cost, uint32_t elapsed_us)
{
#ifdef HL_VIRTUAL_TIME
    if (b->io.info && b->io.info->clock_Hz >= 1000000u) return cost / (b->io.info->clock_Hz / 1000000u);
#else
    (void)b;
    (void)cost;
#endif
    return (int32_t)elapsed_us < 0 ? 0u : elapsed_us; /* a clock that stepped back */
}

static void forget_session(hl_board_t *b)
{
    b->session_id = 0;
    b->configured = 0;
    b->map_started = 0;
    b->map_whole = 0;
    b->have_last = 0;
    b->heartbeat_us = b->io.micros(b->io.ctx) + HEARTBEAT_PERIOD_US;
}

static void boot(hl_board_t *b)
{
    b->booted_us = b->io.micros(b->io.ctx);
    forget_session(b);
}

void hl_board_init(hl_board_t *b, hl_board_io_t io, const char *name)
{
    memset(b, 0, sizeof *b);
    b->io = io;
    b->name = name;
    hl_decoder_init(&b->decoder);
    boot(b);
}

/* b->out, already filled but for the header, as a frame in `session` */
static size_t frame_out(hl_board_t *b, uint8_t type, uint16_t session, uint8_t version)
{
    int n;
    b->out.version = version;
    b->out.type = type;
    b->out.flags = 0;
    b->out.session_id = session;
    b->out.seq = b->seq++;
    n = hl_encode(&b->out, b->wire, sizeof b->wire);
    if (n < 0) return 0;
    b->io.write(b->io.ctx, b->wire, (size_t)n);
    return (size_t)n;
}

static void ack(hl_board_t *b, uint8_t status, uint32_t detail)
{
    memset(&b->out.msg.ack, 0, sizeof b->out.msg.ack);
    b->out.msg.ack.acked_type = b->in.type;
    b->out.msg.ack.acked_seq = b->in.seq;
    b->out.msg.ack.status = status;
    b->out.msg.ack.detail = detail;
    (void)frame_out(b, HL_MSG_ACK, b->session_id, HL_PROTOCOL_VERSION);
}

/* an ACK for a frame that asked for one (ACK_REQUEST) */
static void ack_if_asked(hl_board_t *b, uint8_t status)
{
    if (b->in.flags & HL_FLAG_ACK_REQUEST) ack(b, status, 0);
}

static void fault(hl_board_t *b, uint16_t code, uint32_t step, const char *text, uint16_t session)
{
    hl_fault_t *f = &b->out.msg.fault;
    size_t n = strlen(text);
    if (n > HL_FAULT_TEXT_MAX) n = HL_FAULT_TEXT_MAX;
    f->code = code;
    f->step = step;
    memcpy(f->text, text, n);
    f->text[n] = '\0';
    f->text_len = (uint16_t)n;
    (void)frame_out(b, HL_MSG_FAULT, session, HL_PROTOCOL_VERSION);
}

static int finite(double x) { return x - x == 0.0; }

/* what a HELLO is answered: the first rule it breaks, or OK */
static uint8_t hello_status(const hl_board_t *b, int foreign)
{
    const hl_hello_t *h = &b->in.msg.hello;
    uint32_t mode_cap;
    if (foreign) return HL_ACK_VERSION_MISMATCH; /* its payload is not read */
    mode_cap = h->mode == HL_MODE_LOCKSTEP   ? HL_CAP_LOCKSTEP
               : h->mode == HL_MODE_REALTIME ? HL_CAP_REALTIME
                                             : 0u;
    if (h->schema_hash != HL_SCHEMA_HASH) return HL_ACK_SCHEMA_MISMATCH;
    if (b->in.session_id == 0u) return HL_ACK_INVALID;
    if (!(CAPABILITIES & mode_cap)) return HL_ACK_UNSUPPORTED;
    if (!(finite((double)h->control_rate_Hz) && h->control_rate_Hz > 0.0f)) return HL_ACK_INVALID;
    return HL_ACK_OK;
}

static void hello(hl_board_t *b, int foreign)
{
    hl_hello_ack_t *a = &b->out.msg.hello_ack;
    size_t n = strlen(b->name);
    uint8_t status = hello_status(b, foreign);
    memset(a, 0, sizeof *a);
    a->schema_hash = HL_SCHEMA_HASH;
    a->capabilities = CAPABILITIES;
    a->protocol_version = HL_PROTOCOL_VERSION;
    memcpy(a->board_name, b->name, n > 16 ? 16 : n);
    a->status = status;
    (void)frame_out(b, HL_MSG_HELLO_ACK, b->in.session_id, HL_PROTOCOL_VERSION);
    if (status == HL_ACK_OK) {
        forget_session(b);
        b->session_id = b->in.session_id;
        if (b->io.info) {
            b->out.msg.board_info = *b->io.info;
            (void)frame_out(b, HL_MSG_BOARD_INFO, b->session_id, HL_PROTOCOL_VERSION);
        }
    }
}

/* PARAMS: every value within its rule, or FAULT PARAMS_INVALID naming the
 * field and ACK INVALID with its index; the configuration in hand stays */
static void params(hl_board_t *b)
{
    const hl_params_t *p = &b->in.msg.params;
    char text[64];
    int32_t bad = p->values_count == HL_PARAM_COUNT ? hl_params_check(p->values) : -2;
    if (bad != HL_PARAMS_OK) {
        const char *name = bad >= 0 ? hl_param_rules[bad].name : "PARAMS";
        const char *why = bad >= 0 ? ": breaks its rule" : ": wrong number of values";
        size_t n = strlen(name), m = strlen(why);
        memcpy(text, name, n); /* the longest name and reason fit: 34 + 24 bytes */
        memcpy(text + n, why, m + 1u);
        fault(b, HL_FAULT_PARAMS_INVALID, 0, text, b->session_id);
        ack(b, HL_ACK_INVALID, bad >= 0 ? (uint32_t)bad : HL_PARAMS_COUNT_WRONG);
        return;
    }
    hl_law_params_from(p->values, &b->params);
    hl_law_reset(&b->law);
    b->configured = 1;
    b->have_last = 0;
    ack(b, HL_ACK_OK, 0);
}

/* ---- hazard map transfer: BEGIN, CHUNKs, END -> ACK ---- */

static void map_begin(hl_board_t *b)
{
    const hl_hazard_map_begin_t *m = &b->in.msg.hazard_map_begin;
    int ok = m->cells >= 1u && m->cells <= HL_HAZARD_MAP_MAX_CELLS
             && m->cell_size_m >= HL_MAP_CELL_MIN_M && m->cell_size_m <= HL_MAP_CELL_MAX_M
             && m->origin_S_m[0] >= -HL_MAP_ORIGIN_MAX_M && m->origin_S_m[0] <= HL_MAP_ORIGIN_MAX_M
             && m->origin_S_m[1] >= -HL_MAP_ORIGIN_MAX_M && m->origin_S_m[1] <= HL_MAP_ORIGIN_MAX_M;
    b->map_whole = 0;
    b->map_started = ok;
    if (ok) {
        b->map_id = m->map_id;
        b->map.cells = m->cells;
        b->map.cell_size_m = (hl_real)m->cell_size_m;
        b->map.origin_S_m[0] = (hl_real)m->origin_S_m[0];
        b->map.origin_S_m[1] = (hl_real)m->origin_S_m[1];
        memset(b->have, 0, sizeof b->have);
    }
    ack_if_asked(b, ok ? HL_ACK_OK : HL_ACK_INVALID);
}

static void map_chunk(hl_board_t *b)
{
    const hl_hazard_map_chunk_t *c = &b->in.msg.hazard_map_chunk;
    size_t i, size = (size_t)b->map.cells * (size_t)b->map.cells;
    int ok = b->map_started && c->map_id == b->map_id && c->layer < 2u && c->values_count > 0u
             && (size_t)c->first_cell + c->values_count <= size;
    if (ok) {
        float *layer = c->layer == 0u ? b->map.cost : b->map.elevation_m;
        for (i = 0; i < c->values_count; i++) {
            size_t k = (size_t)c->first_cell + i;
            layer[k] = c->values[i];
            b->have[c->layer][k / 8u] = (uint8_t)(b->have[c->layer][k / 8u] | (1u << (k % 8u)));
        }
    }
    ack_if_asked(b, ok ? HL_ACK_OK : HL_ACK_INVALID);
}

static uint32_t map_crc(const hl_board_t *b, size_t size)
{
    uint32_t crc = 0xFFFFFFFFu;
    uint8_t bytes[4];
    size_t i;
    for (i = 0; i < size; i++) crc = hl_crc32c_update(crc, bytes, (size_t)(hl_put_f32(bytes, b->map.cost[i]) - bytes));
    for (i = 0; i < size; i++) crc = hl_crc32c_update(crc, bytes, (size_t)(hl_put_f32(bytes, b->map.elevation_m[i]) - bytes));
    return crc ^ 0xFFFFFFFFu;
}

/* END: the transfer whole (ACK OK, and closed), or the cells missing. An END
 * of the whole map again is answered from its CRC; the map stays whole. */
static void map_end(hl_board_t *b)
{
    const hl_hazard_map_end_t *e = &b->in.msg.hazard_map_end;
    size_t i, size = (size_t)b->map.cells * (size_t)b->map.cells;
    uint32_t missing = 0;
    if (b->map_whole && e->map_id == b->map_id) {
        missing = e->map_crc == b->map_crc_whole ? 0u : (uint32_t)(2u * size);
    } else if (!b->map_started || e->map_id != b->map_id) {
        missing = 2u * HL_HAZARD_MAP_MAX_SIZE;
    } else {
        for (i = 0; i < size; i++) {
            missing += (uint32_t)!(b->have[0][i / 8u] & (1u << (i % 8u)));
            missing += (uint32_t)!(b->have[1][i / 8u] & (1u << (i % 8u)));
        }
        if (missing == 0u && map_crc(b, size) != e->map_crc) missing = (uint32_t)(2u * size);
        if (missing == 0u) {
            b->map_whole = 1;
            b->map_started = 0; /* closed: a chunk now would write into the map flown */
            b->map_crc_whole = e->map_crc;
        }
    }
    ack(b, missing ? HL_ACK_INCOMPLETE : HL_ACK_OK, missing);
}

static void sensor_frame(hl_board_t *b)
{
    hl_sensor_frame_t *f = &b->in.msg.sensor_frame;
    uint32_t start_us, elapsed_us, start_count, cost;
    if (b->have_last && f->step <= b->last_step) {
        /* a resend: the same bytes, never a second step; an older step: nothing */
        if (f->step == b->last_step) b->io.write(b->io.ctx, b->last_wire, b->last_len);
        return;
    }
    if (!b->configured) {
        fault(b, HL_FAULT_UNEXPECTED, f->step, "SENSOR_FRAME before PARAMS", b->session_id);
        return;
    }
    if (f->hazard_map_ready && !b->map_whole) {
        fault(b, HL_FAULT_MAP_INCOMPLETE, f->step, "no whole hazard map", b->session_id);
        f->hazard_map_ready = 0;
    }
    memset(&b->out.msg.command, 0, sizeof b->out.msg.command);
    start_us = b->io.micros(b->io.ctx);
    start_count = cost_counter(b);
    hl_law_step(&b->law, &b->params, f, b->map_whole ? &b->map : NULL, &b->out.msg.command);
#ifdef HL_TEST_SLOW_LAW
    /* a deliberately slowed law, for the timing tests (make qemu-slow): a busy
     * loop of HL_TEST_SLOW_LAW turns per map cell on the step a map comes in */
    if (f->hazard_map_ready && b->map_whole) {
        volatile uint32_t turn;
        for (turn = 0; turn < (uint32_t)(b->map.cells * b->map.cells) * HL_TEST_SLOW_LAW; turn++) {
        }
    }
#endif
    cost = step_cost(b, start_count);
    elapsed_us = b->io.micros(b->io.ctx) - start_us;
    b->out.msg.command.compute_instructions = cost;
    b->out.msg.command.compute_time_us = step_time_us(b, cost, elapsed_us);
    b->last_len = frame_out(b, HL_MSG_COMMAND, b->session_id, HL_PROTOCOL_VERSION);
    memcpy(b->last_wire, b->wire, b->last_len);
    b->last_step = f->step;
    b->have_last = b->last_len > 0;
}

static void inject(hl_board_t *b)
{
    if (b->in.msg.fault_inject.kind == HL_INJECT_RESET) {
        ack(b, HL_ACK_OK, 0);
        b->resets++;
        boot(b);
    } else {
        ack(b, HL_ACK_UNSUPPORTED, 0);
    }
}

static void in_session(hl_board_t *b)
{
    switch (b->in.type) {
    case HL_MSG_SENSOR_FRAME:
        ack_if_asked(b, HL_ACK_OK);
        sensor_frame(b);
        break;
    case HL_MSG_PARAMS: params(b); break;
    case HL_MSG_HAZARD_MAP_BEGIN: map_begin(b); break;
    case HL_MSG_HAZARD_MAP_CHUNK: map_chunk(b); break;
    case HL_MSG_HAZARD_MAP_END: map_end(b); break;
    case HL_MSG_FAULT_INJECT: inject(b); break;
    case HL_MSG_GOODBYE:
        ack_if_asked(b, HL_ACK_OK);
        forget_session(b);
        break;
    case HL_MSG_HEARTBEAT: /* the world's news: taken */
    case HL_MSG_FAULT:
    case HL_MSG_TEXT: ack_if_asked(b, HL_ACK_OK); break;
    case HL_MSG_ACK: break; /* never an ACK of an ACK */
    default: ack_if_asked(b, HL_ACK_UNSUPPORTED); break; /* a controller's own message */
    }
}

/* the world's messages that need a session: outside one, FAULT NO_SESSION */
static int session_only(uint8_t t)
{
    return t == HL_MSG_SENSOR_FRAME || t == HL_MSG_PARAMS || t == HL_MSG_HAZARD_MAP_BEGIN
           || t == HL_MSG_HAZARD_MAP_CHUNK || t == HL_MSG_HAZARD_MAP_END || t == HL_MSG_FAULT_INJECT;
}

static void handle(hl_board_t *b, hl_status_t status)
{
    uint8_t t = b->in.type;
    if (t == HL_MSG_HELLO) {
        hello(b, status == HL_FOREIGN_VERSION);
    } else if (status == HL_FOREIGN_VERSION) {
        return; /* another version's frame that is not a HELLO */
    } else if (b->session_id == 0 || b->in.session_id != b->session_id) {
        if (session_only(t)) {
            uint32_t step = t == HL_MSG_SENSOR_FRAME ? b->in.msg.sensor_frame.step : 0u;
            fault(b, HL_FAULT_NO_SESSION, step, "no session", b->in.session_id);
        }
    } else {
        in_session(b);
    }
}

void hl_board_push(hl_board_t *b, const uint8_t *data, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        hl_status_t status = hl_decoder_push(&b->decoder, data[i], &b->in);
        if (status == HL_PACKET || status == HL_FOREIGN_VERSION) handle(b, status);
    }
}

void hl_board_poll(hl_board_t *b)
{
    uint32_t now = b->io.micros(b->io.ctx);
    hl_heartbeat_t *h = &b->out.msg.heartbeat;
    if (b->session_id == 0 || (int32_t)(now - b->heartbeat_us) < 0) return;
    b->heartbeat_us = now + HEARTBEAT_PERIOD_US;
    h->uptime_ms = (now - b->booted_us) / 1000u;
    h->frames_received = b->decoder.counters.frames;
    h->crc_errors = b->decoder.counters.crc_errors;
    h->resyncs = b->decoder.counters.resyncs;
    h->stack_high_water_B = b->io.stack_high_water_B ? b->io.stack_high_water_B(b->io.ctx) : 0u;
    (void)frame_out(b, HL_MSG_HEARTBEAT, b->session_id, HL_PROTOCOL_VERSION);
}
