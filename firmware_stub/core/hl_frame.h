/* Frames on the wire: 0x00 COBS(header | payload | CRC-32C) 0x00.
 * See docs/protocol.md. Encoding is a pure function; the decoder takes one
 * byte at a time, never holds more than one frame, and counts what it throws
 * away with the same names as the Python decoder. */
#ifndef HL_FRAME_H
#define HL_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "hl_cobs.h"
#include "hl_messages.h"

#define HL_MAX_FRAME (HL_HEADER_SIZE + HL_MAX_PAYLOAD + HL_CRC_SIZE)
#define HL_MAX_ENCODED HL_COBS_MAX(HL_MAX_FRAME)
#define HL_MAX_WIRE (HL_MAX_ENCODED + 2u) /* with both delimiters */


typedef enum hl_status {
    HL_NONE = 0,             /* nothing yet: feed more bytes */
    HL_PACKET = 1,           /* *out holds a new packet */
    HL_FOREIGN_VERSION = 2,  /* a good frame of another protocol version: only
                                out->version and out->type are set */
    HL_ERR_TOO_LONG = -1,    /* a variable-length field over its maximum */
    HL_ERR_UNKNOWN = -2,     /* no such message type */
    HL_ERR_ROOM = -3         /* the output buffer is too small */
} hl_status_t;

typedef struct hl_packet {
    uint8_t version;
    uint8_t type;
    uint8_t flags;
    uint16_t session_id;
    uint16_t seq;
    hl_message_t msg;
} hl_packet_t;

typedef struct hl_decoder_counters {
    uint32_t frames;          /* good frames delivered */
    uint32_t bytes;
    uint32_t crc_errors;      /* COBS fine, CRC not */
    uint32_t framing_errors;  /* not COBS, too short, or the length field wrong */
    uint32_t resyncs;         /* times bytes were thrown away */
    uint32_t oversize;        /* more than HL_MAX_ENCODED bytes without a delimiter */
    uint32_t unknown_type;
    uint32_t bad_payload;     /* payload length does not fit the type */
    uint32_t version_mismatch;
} hl_decoder_counters_t;

typedef struct hl_decoder {
    uint8_t buf[HL_MAX_ENCODED];
    size_t len;
    int discarding;           /* past an oversize run: drop up to the next 0x00 */
    hl_decoder_counters_t counters;
} hl_decoder_t;

/* One packet as a whole frame into out; returns its length (both
 * delimiters included) or a negative hl_status_t. */
int hl_encode(const hl_packet_t *packet, uint8_t *out, size_t cap);

void hl_decoder_init(hl_decoder_t *d);

/* Feed one byte; HL_PACKET or HL_FOREIGN_VERSION when it completed a frame. */
hl_status_t hl_decoder_push(hl_decoder_t *d, uint8_t byte, hl_packet_t *out);

#endif
