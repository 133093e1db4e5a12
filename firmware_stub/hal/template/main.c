/* A template for a real board: copy this file to hal/<your-board>/main.c and
 * fill in the four functions marked PORT. Everything else (the protocol, the
 * law, the board's rules) is in core/ and needs no change.
 *
 * Baud rate: 921600 if the board's UART (or USB CDC) can; a 50 Hz control
 * loop needs only 115200 (docs/protocol.md, "Frame sizes and line use").
 * RAM: about 56 KB for hl_board_t (the 64 x 64 hazard map and the law's
 * clearance buffer are most of it); Flash: about 36 KB with newlib-nano.
 * Loop time: the board measures each law step with micros() and reports it in
 * COMMAND.compute_time_us; `hilander hil` prints its p50 and max. */
#include <stddef.h>
#include <stdint.h>

#include "hl_board.h"

static hl_board_t board; /* large: static, never on the stack */

/* PORT: clocks, pins and the UART at `baud`, 8N1, no flow control. */
static void hal_init(uint32_t baud) { (void)baud; }

/* PORT: 1 and the byte in *byte if one has arrived, else 0 (never blocks). */
static int hal_read_byte(uint8_t *byte)
{
    (void)byte;
    return 0;
}

/* PORT: send n bytes (blocking is fine: the host waits for whole frames). */
static void hal_write(void *ctx, const uint8_t *data, size_t n)
{
    (void)ctx;
    (void)data;
    (void)n;
}

/* PORT: a free-running microsecond clock (a timer, or SysTick plus a tick count). */
static uint32_t hal_micros(void *ctx)
{
    (void)ctx;
    return 0u;
}

int main(void)
{
    hl_board_io_t io;
    uint8_t byte;
    hal_init(921600u);
    io.write = hal_write;
    io.micros = hal_micros;
    io.ctx = NULL;
    io.cost_counter = 0;
    io.cost_of_counts = 0;
    io.stack_high_water_B = 0;
    io.info = 0;
    hl_board_init(&board, io, "my-board");
    for (;;) {
        while (hal_read_byte(&byte)) hl_board_push(&board, &byte, 1u);
        hl_board_poll(&board);
    }
}
