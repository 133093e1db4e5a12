#include "hl_frame.h"

#include "hl_bytes.h"
#include "hl_crc32c.h"

int hl_encode(const hl_packet_t *packet, uint8_t *out, size_t cap)
{
    uint8_t raw[HL_MAX_FRAME];
    uint8_t *q = raw;
    int n = hl_pack_payload(packet->type, &packet->msg, raw + HL_HEADER_SIZE);
    size_t len;
    if (n < 0) return n == -2 ? HL_ERR_UNKNOWN : HL_ERR_TOO_LONG;
    q = hl_put_u8(q, packet->version);
    q = hl_put_u8(q, packet->type);
    q = hl_put_u8(q, packet->flags);
    q = hl_put_u16(q, packet->session_id);
    q = hl_put_u16(q, packet->seq);
    (void)hl_put_u16(q, (uint16_t)n);
    len = HL_HEADER_SIZE + (size_t)n;
    (void)hl_put_u32(raw + len, hl_crc32c(raw, len));
    len += HL_CRC_SIZE;
    if (cap < HL_COBS_MAX(len) + 2u) return HL_ERR_ROOM;
    out[0] = 0u;
    n = (int)hl_cobs_encode(raw, len, out + 1);
    out[n + 1] = 0u;
    return n + 2;
}

void hl_decoder_init(hl_decoder_t *d)
{
    d->len = 0;
    d->discarding = 0;
    memset(&d->counters, 0, sizeof d->counters);
}

static hl_status_t bad(hl_decoder_t *d, uint32_t *counter)
{
    (*counter)++;
    d->counters.resyncs++;
    return HL_NONE;
}

static hl_status_t frame(hl_decoder_t *d, hl_packet_t *out)
{
    uint8_t raw[HL_MAX_FRAME];
    hl_decoder_counters_t *c = &d->counters;
    int n = hl_cobs_decode(d->buf, d->len, raw, sizeof raw);
    uint16_t length;
    const uint8_t *q = raw;
    if (n < (int)(HL_HEADER_SIZE + HL_CRC_SIZE)) return bad(d, &c->framing_errors);
    if (hl_crc32c(raw, (size_t)n) != HL_CRC32C_RESIDUE) return bad(d, &c->crc_errors);
    q = hl_get_u8(q, &out->version);
    q = hl_get_u8(q, &out->type);
    q = hl_get_u8(q, &out->flags);
    q = hl_get_u16(q, &out->session_id);
    q = hl_get_u16(q, &out->seq);
    (void)hl_get_u16(q, &length);
    if (out->version != HL_PROTOCOL_VERSION) {
        c->version_mismatch++;
        return HL_FOREIGN_VERSION;
    }
    if (length != (size_t)n - HL_HEADER_SIZE - HL_CRC_SIZE) return bad(d, &c->framing_errors);
    switch (hl_unpack_payload(out->type, raw + HL_HEADER_SIZE, length, &out->msg)) {
    case 0:
        c->frames++;
        return HL_PACKET;
    case -2:
        c->unknown_type++;
        return HL_NONE;
    default:
        c->bad_payload++;
        return HL_NONE;
    }
}

hl_status_t hl_decoder_push(hl_decoder_t *d, uint8_t byte, hl_packet_t *out)
{
    hl_status_t status = HL_NONE;
    d->counters.bytes++;
    if (byte != 0u) {
        if (d->discarding) return HL_NONE;
        if (d->len == sizeof d->buf) {
            d->counters.oversize++;
            d->counters.resyncs++;
            d->len = 0;
            d->discarding = 1;
            return HL_NONE;
        }
        d->buf[d->len++] = byte;
        return HL_NONE;
    }
    if (!d->discarding && d->len > 0) status = frame(d, out);
    d->len = 0;
    d->discarding = 0;
    return status;
}
