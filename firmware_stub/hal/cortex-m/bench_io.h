/* What the emulated benchmarks (bench_convex.c, bench_allocate.c) share:
 * the idle handlers their startup expects, a line out on UART0, and the
 * instruction count between two stamps read from the CMSDK timers (QEMU
 * with -icount). Static functions: included by one benchmark each. */
#ifndef HL_BENCH_IO_H
#define HL_BENCH_IO_H

#include <stdint.h>

#ifndef HL_ICOUNT_SHIFT
#define HL_ICOUNT_SHIFT 7 /* must match QEMU's -icount shift (hil/board/targets.py) */
#endif
#define NS_PER_COUNT 40u /* the CMSDK timers' 25 MHz peripheral clock */
#define UART0 ((volatile uint32_t *)0x40004000u)
#define TIMER0 ((volatile uint32_t *)0x40000000u)
/* the dual timer's first, prescaled by 256: a coarse clock (80 instructions
 * a count) that tells how often the fine one wrapped (every 2^32 counts of
 * 40 ns: 1,342,177,280 instructions) */
#define DUALTIMER ((volatile uint32_t *)0x40002000u)
#define WRAP_INSTRUCTIONS 1342177280u

void hl_systick_handler(void);
void hl_uart0_rx_handler(void);
void hl_systick_handler(void) {}
void hl_uart0_rx_handler(void) {}


static void put(const char *s)
{
    for (; *s; s++) {
        while (UART0[1] & 1u) {
        }
        UART0[0] = (uint32_t)(uint8_t)*s;
    }
}

static void put_u(const char *key, uint64_t v)
{
    char digits[24];
    int n = 0;
    put(key);
    do {
        digits[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v && n < 23);
    while (n) {
        char one[2] = {digits[--n], 0};
        put(one);
    }
}

typedef struct {
    uint32_t fine, coarse;
} stamp_t;

static stamp_t now(void)
{
    stamp_t t;
    t.fine = 0xFFFFFFFFu - TIMER0[1];
    t.coarse = 0xFFFFFFFFu - DUALTIMER[1];
    return t;
}

static uint64_t instructions_since(stamp_t start)
{
    stamp_t end = now();
    uint64_t ns = (uint64_t)(end.fine - start.fine) * NS_PER_COUNT;
    uint64_t fine = (ns + (1u << (HL_ICOUNT_SHIFT - 1))) >> HL_ICOUNT_SHIFT;
    uint64_t coarse = (uint64_t)(end.coarse - start.coarse) * 256u * NS_PER_COUNT >> HL_ICOUNT_SHIFT;
    uint64_t wraps = coarse > fine ? (coarse - fine + WRAP_INSTRUCTIONS / 2u) / WRAP_INSTRUCTIONS : 0u;
    return fine + wraps * WRAP_INSTRUCTIONS;
}

#endif /* HL_BENCH_IO_H */
