/* A template for a real board: copy this file to hal/<your-board>/main.c and
 * fill in the functions marked PORT. Everything else (the protocol, the law,
 * the board's rules) is in core/ and needs no change. docs/firmware.md,
 * "Porting to a real board", has the checklist; `hilander check-board PORT`
 * is the acceptance test.
 *
 * Baud rate: 921600 if the board's UART (or USB CDC) can; a 50 Hz control
 * loop needs only 115200 (docs/protocol.md, "Frame sizes and line use").
 * RAM: 71 KB for hl_board_t (the 64 x 64 hazard map and the law's clearance
 * buffer are most of it); flash: about 57 KB (`hilander memory`).
 * Loop time: the board measures each law step with micros() and reports it in
 * COMMAND.compute_time_us; `hilander hil` prints its p50 and max. */
#include <stddef.h>
#include <stdint.h>

#include "hl_board.h"

static hl_board_t board; /* large: static, never on the stack */

/* Bytes received, by the UART's receive interrupt (or DMA), so that what
 * the world sends while the board writes is kept (docs/protocol.md,
 * back-pressure): room for two of the largest frames (1,044 B each). */
#define RX_SIZE 4096u
static volatile uint8_t rx_ring[RX_SIZE];
static volatile uint32_t rx_head, rx_tail, rx_dropped;

/* PORT: clocks, pins, the UART at `baud`, 8N1, no flow control, and its
 * receive interrupt (uart_rx_isr) enabled. */
static void hal_init(uint32_t baud) { (void)baud; }

/* PORT: the UART's receive interrupt handler: read the data register. */
void uart_rx_isr(void);
void uart_rx_isr(void)
{
    uint8_t byte = 0; /* PORT: the byte from the UART's data register */
    uint32_t next = (rx_head + 1u) % RX_SIZE;
    if (next == rx_tail) {
        rx_dropped++; /* full: the frame it belongs to fails its CRC, the world resends */
        return;
    }
    rx_ring[rx_head] = byte;
    rx_head = next;
}

/* 1 and the next byte received in *byte, else 0 (never blocks). */
static int hal_read_byte(uint8_t *byte)
{
    if (rx_tail == rx_head) return 0;
    *byte = rx_ring[rx_tail];
    rx_tail = (rx_tail + 1u) % RX_SIZE;
    return 1;
}

/* PORT: send n bytes (blocking is fine: reception goes on in the interrupt). */
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
