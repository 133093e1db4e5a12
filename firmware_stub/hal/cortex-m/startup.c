/* Cortex-M3 start-up: the vector table and the reset handler (copy .data,
 * zero .bss, run main). Nothing here knows the board beyond the core. */
#include <stdint.h>

extern uint32_t _data_load, _data_start, _data_end, _bss_start, _bss_end, _stack_top;
extern int main(void);
void hl_reset_handler(void);
void hl_systick_handler(void);
void hl_uart0_rx_handler(void);

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
    hl_uart0_rx_handler, /* IRQ 0: UART0 RX (mps2-an385) */
};

void hl_reset_handler(void)
{
    uint32_t *src = &_data_load, *dst = &_data_start;
    while (dst < &_data_end) *dst++ = *src++;
    for (dst = &_bss_start; dst < &_bss_end; dst++) *dst = 0u;
    (void)main();
    hang();
}
