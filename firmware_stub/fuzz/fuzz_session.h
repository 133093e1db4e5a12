/* The structure-aware harness's state and what its files share
 * (fuzz_session.c: the board's side and most operations; fuzz_map.c: the
 * hazard map's). */
#ifndef FUZZ_SESSION_H
#define FUZZ_SESSION_H

#include "fuzz_input.h"
#include "fuzz_plant.h"
#include "hl_board.h"

#define NO_STEP (-1L)  /* no COMMAND may come */
#define ANY_STEP (-2L) /* raw bytes: a COMMAND is not checked */

typedef struct fz_harness {
    uint32_t clock_us, counter;
    int32_t tick_us;         /* the clock's advance at each reading */
    uint16_t sid, seq, open; /* open: a session known to be open (0: not known) */
    uint32_t step, last_step, steps;
    fz_plant_t plant;
    uint16_t map_id;         /* the transfer under way, */
    uint32_t map_cells;      /* its side (0: none started) */
    int map_fresh;           /* a whole map went in: the next frame says so */
    long expect;             /* the step a COMMAND must answer, or NO_STEP, ANY_STEP */
    uint32_t commands, acks;
    hl_command_t command;    /* the last COMMAND */
    hl_ack_t ack;            /* the last ACK */
    float map[2][HL_HAZARD_MAP_MAX_SIZE]; /* what the board should hold */
} fz_harness_t;

extern fz_harness_t fz;
extern hl_packet_t fz_pkt; /* the frame being built */

/* fz_pkt, its message filled in, as a frame to the board; hdr: fuzz_session.c */
void fz_send(fz_in_t *in, uint8_t type, uint8_t hdr);

void op_map(fz_in_t *in, uint8_t hdr);
void op_map_begin(fz_in_t *in, uint8_t hdr);
void op_map_chunk(fz_in_t *in, uint8_t hdr);
void op_map_end(fz_in_t *in, uint8_t hdr);

#endif
