/* Cortex-M start-up: the vector table and the reset handler (enable the FPU
 * where there is one, paint the stack, copy .data, zero .bss, run main).
 * Nothing here knows the board beyond the core.
 *
 * The stack is painted with a pattern at reset; the deepest word no longer
 * holding it is the stack's high-water mark (hl_stack_high_water_B, reported
 * in HEARTBEAT.stack_high_water_B). */
#include <stdint.h>

#define STACK_PAINT 0xA5A5A5A5u
#define CPACR (*(volatile uint32_t *)0xE000ED88u)

extern uint32_t _data_load, _data_start, _data_end, _bss_start, _bss_end, _stack_bottom, _stack_top;
extern int main(void);
void hl_reset_handler(void);
void hl_systick_handler(void);
void hl_uart0_rx_handler(void);
uint32_t hl_stack_high_water_B(void *ctx);

static void hang(void)
{
    for (;;) {
    }
}

__attribute__((section(".vectors"), used)) static void (*const vectors[17])(void) = {
    (void (*)(void))(uintptr_t)&_stack_top, /* initial stack pointer */
    hl_reset_handler,
    hang, /* NMI */
    hang, /* HardFault */
    hang, /* MemManage */
    hang, /* BusFault */
    hang, /* UsageFault */
    0, 0, 0, 0,
    hang, /* SVCall */
    hang, /* DebugMonitor */
    0,
    hang, /* PendSV */
    hl_systick_handler,
    hl_uart0_rx_handler, /* IRQ 0: UART0 RX (mps2-an385, mps2-an386) */
};

/* Paint the stack below the reset handler's own frame (its frame and this
 * function's are above `here`, so they keep their words). */
__attribute__((noinline)) static void paint_stack(void)
{
    uint32_t here;
    uintptr_t end = (uintptr_t)&here - 64u;
    volatile uint32_t *word = &_stack_bottom;
    while ((uintptr_t)word < end) *word++ = STACK_PAINT;
}

uint32_t hl_stack_high_water_B(void *ctx)
{
    const volatile uint32_t *word = &_stack_bottom;
    (void)ctx;
    while (word < &_stack_top && *word == STACK_PAINT) word++;
    return (uint32_t)((uintptr_t)&_stack_top - (uintptr_t)word);
}

void hl_reset_handler(void)
{
    uint32_t *src = &_data_load, *dst = &_data_start;
#if defined(__ARM_FP)
    CPACR |= 0xFu << 20; /* CP10, CP11: full access to the FPU */
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
    paint_stack();
    while (dst < &_data_end) *dst++ = *src++;
    for (dst = &_bss_start; dst < &_bss_end; dst++) *dst = 0u;
    (void)main();
    hang();
}
