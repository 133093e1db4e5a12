/* The Cortex-M hardware layer for QEMU's mps2-an385 (Cortex-M3) and
 * mps2-an386 (Cortex-M4F): CMSDK APB UART0 at 0x40004000 (a 1-byte buffer
 * each way: QEMU holds the host's bytes until the guest reads), CMSDK APB
 * timer 0 at 0x40000000 free-running from the 25 MHz peripheral clock for
 * the board's clock and the cost of each step, SysTick at 100 Hz to wake the
 * loop for heartbeats. A real board replaces this file (docs/firmware.md).
 *
 * Virtual time (docs/firmware.md, "Timing"): QEMU runs this image with
 * `-icount shift=HL_ICOUNT_SHIFT,sleep=on`, so every executed instruction
 * advances the virtual clock by 2^shift ns and the timer follows it. A step
 * runs with interrupts masked (the loop masks them while it feeds bytes to
 * the board, the law's step included) and never sleeps, so the instructions
 * it takes are a function of its input alone: the same on a quiet and on a
 * busy host. The counts of the 25 MHz timer (40 ns each) that a step spans
 * are converted to instructions (2^shift ns each) by rounding: with shift 7
 * (128 ns) the timer's 40 ns resolution is well under half an instruction,
 * so the rounded count is exact. The board's clock is its instruction count
 * at the declared HL_CLOCK_HZ (one instruction per cycle).
 *
 * Idle is WFI, not a busy loop: the UART's RX interrupt (IRQ 0) and SysTick
 * wake the core; with sleep=on an idle board costs the host next to nothing.
 * After a byte the loop first polls the UART a while (SPIN_POLLS reads)
 * before it sleeps: a frame's next byte comes soon, and QEMU passes bytes one
 * at a time, so halting and waking the emulated core for each of them made
 * the round trip a third slower (187 against 238-298 exchanges a second,
 * benchmarks/bench_link.py). The polls are outside any step, so they never
 * count in a step's cost.
 * Interrupts are masked (PRIMASK) around the check for a byte and the WFI,
 * so a byte that arrives between them still wakes it (WFI wakes on a pending
 * interrupt even when masked); the handlers only acknowledge. */
#include <stdint.h>

#include "hl_board.h"

#ifndef HL_CLOCK_HZ
#define HL_CLOCK_HZ 25000000u /* the MPS2 FPGA images' core clock */
#endif
#ifndef HL_CONTROL_PERIOD_US
#define HL_CONTROL_PERIOD_US 20000u /* the period the budget is set for (50 Hz) */
#endif
#ifndef HL_BUDGET_PERCENT
#define HL_BUDGET_PERCENT 50u /* of the control period, for the law's step */
#endif
#ifndef HL_ICOUNT_SHIFT
#define HL_ICOUNT_SHIFT 7 /* must match QEMU's -icount shift (hil/board/targets.py) */
#endif
#ifndef HL_TARGET_NAME
#define HL_TARGET_NAME "hilander-fw mps2"
#endif

#define TIMER_HZ 25000000u /* the CMSDK timers' peripheral clock */
#define NS_PER_COUNT (1000000000u / TIMER_HZ)
/* timer counts in one microsecond of the board's clock (80 at 25 MHz, shift 7) */
#define COUNTS_PER_US ((HL_CLOCK_HZ / 1000000u) * (1u << HL_ICOUNT_SHIFT) / NS_PER_COUNT)
#define UART0 ((volatile uint32_t *)0x40004000u)
#define UART_DATA 0
#define UART_STATE 1 /* bit 0 TX full, bit 1 RX full */
#define UART_CTRL 2  /* bit 0 TX enable, bit 1 RX enable, bit 3 RX interrupt enable */
#define UART_INTSTATUS 3 /* bit 1 RX interrupt; write 1 to clear */
#define UART_BAUDDIV 4
#define TIMER0 ((volatile uint32_t *)0x40000000u)
#define TIMER_CTRL 0 /* bit 0 enable */
#define TIMER_VALUE 1
#define TIMER_RELOAD 2
#define SYST ((volatile uint32_t *)0xE000E010u)
#define SYST_CSR 0
#define SYST_RVR 1
#define SYST_CVR 2
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define UART0_RX_IRQ 0u /* mps2-an385/an386: UART0 RX is IRQ 0, TX IRQ 1 */
#define WAKE_HZ 100u
#ifndef SPIN_POLLS
#define SPIN_POLLS 2000u
#endif

static hl_board_t board;
static const hl_board_info_t info = {
    HL_CLOCK_HZ,
    HL_CONTROL_PERIOD_US,
    (uint32_t)((uint64_t)HL_CLOCK_HZ / 1000000u * HL_CONTROL_PERIOD_US * HL_BUDGET_PERCENT / 100u),
    HL_COST_INSTRUCTIONS,
};
static uint32_t clock_counts, clock_us, clock_rest; /* the board's clock, extended */

void hl_systick_handler(void);
void hl_uart0_rx_handler(void);
uint32_t hl_stack_high_water_B(void *ctx);

void hl_systick_handler(void) {}

void hl_uart0_rx_handler(void) { UART0[UART_INTSTATUS] = 2u; }

/* Sleep until an interrupt unless a byte is already waiting. */
static void idle(uint32_t polls)
{
    uint32_t i;
    for (i = 0; i < polls; i++) {
        if (UART0[UART_STATE] & 2u) return;
    }
    __asm volatile("cpsid i" ::: "memory");
    if (!(UART0[UART_STATE] & 2u)) {
        __asm volatile("wfi" ::: "memory");
    }
    __asm volatile("cpsie i" ::: "memory");
}

/* timer counts since it started (it counts down from 2^32 - 1 and wraps) */
static uint32_t counts_now(void *ctx)
{
    (void)ctx;
    return 0xFFFFFFFFu - TIMER0[TIMER_VALUE];
}

/* timer counts -> instructions, rounded: counts * 40 ns / 2^shift ns */
static uint32_t instructions_of(void *ctx, uint32_t counts)
{
    uint64_t ns = (uint64_t)counts * NS_PER_COUNT;
    (void)ctx;
    return (uint32_t)((ns + (1u << (HL_ICOUNT_SHIFT - 1))) >> HL_ICOUNT_SHIFT);
}

/* the board's microseconds: its instructions at HL_CLOCK_HZ, extended past
 * the timer's wrap (read at least every 1 / WAKE_HZ s by the loop) */
static uint32_t micros(void *ctx)
{
    uint32_t now = counts_now(ctx);
    clock_rest += now - clock_counts;
    clock_counts = now;
    clock_us += clock_rest / COUNTS_PER_US;
    clock_rest %= COUNTS_PER_US;
    return clock_us;
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

static void start_hardware(void)
{
    UART0[UART_BAUDDIV] = 16u; /* the smallest divider the UART allows */
    UART0[UART_CTRL] = 3u | 8u; /* TX, RX, RX interrupt */
    NVIC_ISER0 = 1u << UART0_RX_IRQ;
    TIMER0[TIMER_RELOAD] = 0xFFFFFFFFu;
    TIMER0[TIMER_VALUE] = 0xFFFFFFFFu;
    TIMER0[TIMER_CTRL] = 1u; /* enabled, no interrupt */
    SYST[SYST_RVR] = HL_CLOCK_HZ / WAKE_HZ - 1u;
    SYST[SYST_CVR] = 0u;
    SYST[SYST_CSR] = 7u; /* processor clock, interrupt, enable */
}

int main(void)
{
    hl_board_io_t io;
    uint32_t polls = 0u;
    start_hardware();
    io.write = uart_write;
    io.micros = micros;
    io.ctx = 0;
    io.cost_counter = counts_now;
    io.cost_of_counts = instructions_of;
    io.stack_high_water_B = hl_stack_high_water_B;
    io.info = &info;
    hl_board_init(&board, io, HL_TARGET_NAME);
    for (;;) {
        if (UART0[UART_STATE] & 2u) {
            uint8_t byte = (uint8_t)UART0[UART_DATA];
            __asm volatile("cpsid i" ::: "memory"); /* a step is never interrupted */
            hl_board_push(&board, &byte, 1u);
            __asm volatile("cpsie i" ::: "memory");
            polls = SPIN_POLLS;
        } else {
            idle(polls);
            polls = 0u;
        }
        hl_board_poll(&board);
    }
}
