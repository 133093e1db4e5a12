/* The board: the controller side of the protocol (docs/protocol.md,
 * "The controller"), around the law. No I/O of its own: bytes come in through
 * hl_board_push, frames go out through the write function of hl_board_io_t,
 * and the time comes from its clock. hil/board/board.py is the same board in Python. */
#ifndef HL_BOARD_H
#define HL_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "hl_frame.h"
#include "hl_law.h"


typedef struct hl_board_io {
    void (*write)(void *ctx, const uint8_t *data, size_t n); /* whole frames */
    uint32_t (*micros)(void *ctx);                           /* a free-running clock */
    void *ctx;
    /* Optional (NULL: not measured, reported as 0). The cost of a step: a
     * free-running 32-bit counter read before and after it (DWT CYCCNT on
     * silicon; a timer that follows virtual time under QEMU -icount), and
     * the conversion of the counts that elapsed to the target's units
     * (instructions or cycles; NULL: the counts are the units). */
    uint32_t (*cost_counter)(void *ctx);
    uint32_t (*cost_of_counts)(void *ctx, uint32_t counts);
    /* Optional: the deepest stack used since boot, in bytes (a painted stack). */
    uint32_t (*stack_high_water_B)(void *ctx);
    /* Optional: the target's timing declaration, sent as BOARD_INFO after
     * every OK HELLO_ACK (NULL: none sent). */
    const hl_board_info_t *info;
} hl_board_io_t;

typedef struct hl_board {
    hl_board_io_t io;
    const char *name;                 /* in HELLO_ACK, at most 16 bytes */
    uint16_t session_id;              /* 0: none */
    uint16_t seq;
    int configured;                   /* PARAMS received */
    hl_law_params_t params;
    hl_law_state_t law;
    hl_hazard_map_t map;
    uint16_t map_id;
    int map_started, map_whole;       /* a transfer open; a whole map (the transfer closed) */
    uint32_t map_crc_whole;           /* the whole map's CRC, for an END repeated */
    uint8_t have[2][HL_HAZARD_MAP_MAX_SIZE / 8];  /* cells received, per layer */
    int have_last;                    /* a command is cached */
    uint32_t last_step;
    uint8_t last_wire[HL_MAX_WIRE];   /* the last COMMAND, as sent */
    size_t last_len;
    uint32_t booted_us, heartbeat_us;
    uint32_t resets;                  /* injected reboots */
    hl_decoder_t decoder;
    hl_packet_t in, out;              /* work space (large: not on the stack) */
    uint8_t wire[HL_MAX_WIRE];
} hl_board_t;

void hl_board_init(hl_board_t *b, hl_board_io_t io, const char *name);

/* Feed received bytes; replies go out through io.write. */
void hl_board_push(hl_board_t *b, const uint8_t *data, size_t n);

/* Call now and then (every few ms): sends the heartbeat when it is due. */
void hl_board_poll(hl_board_t *b);

#endif
