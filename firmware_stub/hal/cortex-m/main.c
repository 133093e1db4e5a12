/* The Cortex-M hardware layer for QEMU's mps2-an385: CMSDK APB UART0 at
 * 0x40004000 (a 1-byte buffer each way: QEMU holds the host's bytes until
 * the guest reads), SysTick at 1 kHz from the 25 MHz system clock for the
 * loop clock. A real board replaces this file (docs/firmware.md).
 *
 * Idle is WFI, not a busy loop: the UART's RX interrupt (IRQ 0) and SysTick
 * wake the core. Interrupts are masked (PRIMASK) around the check for a byte
 * and the WFI, so a byte that arrives between them still wakes it (WFI wakes
 * on a pending interrupt even when masked); the handler only acknowledges the
 * interrupt, the loop reads the byte. */
#include <stdint.h>

#include "hl_board.h"

#define SYSCLK_HZ 25000000u
#define UART0 ((volatile uint32_t *)0x40004000u)
#define UART_DATA 0
#define UART_STATE 1 /* bit 0 TX full, bit 1 RX full */
#define UART_CTRL 2  /* bit 0 TX enable, bit 1 RX enable, bit 3 RX interrupt enable */
#define UART_INTSTATUS 3 /* bit 1 RX interrupt; write 1 to clear */
#define UART_BAUDDIV 4
#define SYST ((volatile uint32_t *)0xE000E010u)
#define SYST_CSR 0
#define SYST_RVR 1
#define SYST_CVR 2
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define ICSR_PENDSTSET (1u << 26) /* SysTick has wrapped, its interrupt not yet taken */
#define RELOAD (SYSCLK_HZ / 1000u - 1u)
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define UART0_RX_IRQ 0u /* mps2-an385: UART0 RX is IRQ 0, TX IRQ 1 */

static volatile uint32_t ms_ticks;
static hl_board_t board;

void hl_systick_handler(void);
void hl_uart0_rx_handler(void);

void hl_systick_handler(void) { ms_ticks++; }

void hl_uart0_rx_handler(void) { UART0[UART_INTSTATUS] = 2u; }

/* Sleep until an interrupt unless a byte is already waiting. */
static void idle(void)
{
    __asm volatile("cpsid i" ::: "memory");
    if (!(UART0[UART_STATE] & 2u)) {
        __asm volatile("wfi" ::: "memory");
    }
    __asm volatile("cpsie i" ::: "memory");
}

static uint32_t micros(void *ctx)
{
    uint32_t ms, cvr, pending;
    (void)ctx;
    do {
        ms = ms_ticks;
        cvr = SYST[SYST_CVR];
        pending = SCB_ICSR & ICSR_PENDSTSET;
    } while (ms != ms_ticks);
    if (pending && cvr > RELOAD / 2u) ms++; /* wrapped after ms_ticks was read */
    return ms * 1000u + (RELOAD - cvr) / (SYSCLK_HZ / 1000000u);
}

static void uart_write(void *ctx, const uint8_t *data, size_t n)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < n; i++) {
        while (UART0[UART_STATE] & 1u) {
        }
        UART0[UART_DATA] = data[i];
    }
}

int main(void)
{
    hl_board_io_t io;
    UART0[UART_BAUDDIV] = 16u; /* the smallest divider the UART allows */
    UART0[UART_CTRL] = 3u | 8u; /* TX, RX, RX interrupt */
    NVIC_ISER0 = 1u << UART0_RX_IRQ;
    SYST[SYST_RVR] = SYSCLK_HZ / 1000u - 1u;
    SYST[SYST_CVR] = 0u;
    SYST[SYST_CSR] = 7u; /* processor clock, interrupt, enable */
    io.write = uart_write;
    io.micros = micros;
    io.ctx = 0;
    io.instructions = 0;
    io.stack_high_water_B = 0;
    io.info = 0;
    hl_board_init(&board, io, "hilander-fw mps2-an385");
    for (;;) {
        if (UART0[UART_STATE] & 2u) {
            uint8_t byte = (uint8_t)UART0[UART_DATA];
            hl_board_push(&board, &byte, 1u);
        } else {
            idle();
        }
        hl_board_poll(&board);
    }
}
