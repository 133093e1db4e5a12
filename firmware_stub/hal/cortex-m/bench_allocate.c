/* The engine allocator's cost on an emulated Cortex-M, in instructions (QEMU
 * with -icount, read as bench_convex.c reads it). Not a board: it allocates
 * fixed problems, cold and warm, prints one line a case on UART0 and stops.
 * Run by benchmarks/bench_allocate.py:
 *
 *   case <name> start=<cold|same|next> bits=<b> solves=<n> instructions=<i>
 *   sweep <name> start=<cold|warm> calls=<n> solves_max=<n> solves_mean_x100=<n>
 *         instructions_max=<i> instructions_mean=<i>
 *
 * A case's warm starts take the cold answer's held set: "same" for the same
 * request (a held set already right), "next" for the torque 1 % larger (the
 * next control tick's). A sweep is a hover with a slow torque sweep (as
 * tests/controller/test_allocate_warm.py flies it): the calls after the first.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "hl_attitude.h"

#include "bench_io.h"


static const hl_engine_layout_t msl = {
    8,
    {{1.28773672f, 0.949596828f, 0.0f},
     {0.949596828f, 1.28773672f, 0.0f},
     {-0.949596828f, 1.28773672f, 0.0f},
     {-1.28773672f, 0.949596828f, 0.0f},
     {-1.28773672f, -0.949596828f, 0.0f},
     {-0.949596828f, -1.28773672f, 0.0f},
     {0.949596828f, -1.28773672f, 0.0f},
     {1.28773672f, -0.949596828f, 0.0f}},
    {{-0.215653364f, -0.28245456f, 0.934726189f},
     {-0.28245456f, -0.215653364f, 0.934726189f},
     {0.28245456f, -0.215653364f, 0.934726189f},
     {0.215653364f, -0.28245456f, 0.934726189f},
     {0.215653364f, 0.28245456f, 0.934726189f},
     {0.28245456f, 0.215653364f, 0.934726189f},
     {-0.28245456f, 0.215653364f, 0.934726189f},
     {-0.215653364f, 0.28245456f, 0.934726189f}},
    3060.0f, 0.1f, 1.0f};
static const hl_engine_layout_t sixteen = {
    16,
    {{1.23866733f, 1.01277009f, 0.0f},
     {1.01277009f, 1.23866733f, 0.0f},
     {0.159733467f, 1.59200666f, 0.0f},
     {-0.159733467f, 1.59200666f, 0.0f},
     {-1.01277009f, 1.23866733f, 0.0f},
     {-1.23866733f, 1.01277009f, 0.0f},
     {-1.59200666f, 0.159733467f, 0.0f},
     {-1.59200666f, -0.159733467f, 0.0f},
     {-1.23866733f, -1.01277009f, 0.0f},
     {-1.01277009f, -1.23866733f, 0.0f},
     {-0.159733467f, -1.59200666f, 0.0f},
     {0.159733467f, -1.59200666f, 0.0f},
     {1.01277009f, -1.23866733f, 0.0f},
     {1.23866733f, -1.01277009f, 0.0f},
     {1.59200666f, -0.159733467f, 0.0f},
     {1.59200666f, 0.159733467f, 0.0f}},
    {{-0.201267009f, -0.292879741f, 0.934726189f},
     {-0.292879741f, -0.201267009f, 0.934726189f},
     {0.0647799844f, -0.349414518f, 0.934726189f},
     {-0.0647799844f, -0.349414518f, 0.934726189f},
     {0.292879741f, -0.201267009f, 0.934726189f},
     {0.201267009f, -0.292879741f, 0.934726189f},
     {0.349414518f, 0.0647799844f, 0.934726189f},
     {0.349414518f, -0.0647799844f, 0.934726189f},
     {0.201267009f, 0.292879741f, 0.934726189f},
     {0.292879741f, 0.201267009f, 0.934726189f},
     {-0.0647799844f, 0.349414518f, 0.934726189f},
     {0.0647799844f, 0.349414518f, 0.934726189f},
     {-0.292879741f, 0.201267009f, 0.934726189f},
     {-0.201267009f, 0.292879741f, 0.934726189f},
     {-0.349414518f, -0.0647799844f, 0.934726189f},
     {-0.349414518f, 0.0647799844f, 0.934726189f}},
    1530.0f, 0.1f, 1.0f};
static const hl_engine_layout_t hard = {
    16,
    {{0.227084245f, 0.265857172f, 1.13670946f},
     {0.227082804f, 0.265857865f, 1.13671003f},
     {0.372316626f, -0.136494435f, -1.18543907f},
     {0.372317219f, -0.13649591f, -1.18543838f},
     {0.372317689f, -0.136496233f, -1.18543861f},
     {0.22708373f, 0.265856572f, 1.13670869f},
     {0.372317899f, -0.136493051f, -1.18543926f},
     {0.372317211f, -0.136495276f, -1.18544009f},
     {0.372317547f, -0.136495182f, -1.18544017f},
     {0.22708446f, 0.26585794f, 1.13670766f},
     {0.227085265f, 0.265859011f, 1.13670869f},
     {0.372318258f, -0.136494559f, -1.18543963f},
     {0.227083513f, 0.265859612f, 1.13670863f},
     {0.227084172f, 0.265858232f, 1.13671053f},
     {0.227084363f, 0.265857986f, 1.13670792f},
     {0.372317492f, -0.136494873f, -1.18543803f}},
    {{-0.28600753f, 0.903273088f, -0.319839679f},
     {-0.28600753f, 0.903273088f, -0.319839679f},
     {-0.334019224f, 0.830476642f, 0.445802317f},
     {-0.334019224f, 0.830476642f, 0.445802317f},
     {-0.334019224f, 0.830476642f, 0.445802317f},
     {-0.28600753f, 0.903273088f, -0.319839679f},
     {-0.334019224f, 0.830476642f, 0.445802317f},
     {-0.334019224f, 0.830476642f, 0.445802317f},
     {-0.334019224f, 0.830476642f, 0.445802317f},
     {-0.28600753f, 0.903273088f, -0.319839679f},
     {-0.28600753f, 0.903273088f, -0.319839679f},
     {-0.334019224f, 0.830476642f, 0.445802317f},
     {-0.28600753f, 0.903273088f, -0.319839679f},
     {-0.28600753f, 0.903273088f, -0.319839679f},
     {-0.28600753f, 0.903273088f, -0.319839679f},
     {-0.334019224f, 0.830476642f, 0.445802317f}},
    4163.70079f, 0.1f, 0.11f};

static const hl_attitude_params_t stage = {
    {6000.0f, 6000.0f, 8000.0f}, {0.0f, 0.0f, 1.2f}, 2.0f, 0.7f, 1.0f};
/* the hardest case hypothesis found: 27 solves from cold */
static const hl_attitude_params_t hard_params = {
    {1.0f, 1.0f, 1.0f}, {0.107289232f, 0.44856256f, 0.201069161f}, 1.0f, 1.0f, 0.908423542f};

static void line(const char *what, const char *name, const char *start)
{
    put(what);
    put(" ");
    put(name);
    put(" start=");
    put(start);
}

/* one request cold, then warm from the cold answer's held set: the same, 1 % more torque */
static void one(const char *name, const hl_engine_layout_t *e, const hl_attitude_params_t *a,
                uint32_t ok, hl_real force, const hl_real torque[3])
{
    static const char *const starts[3] = {"cold", "same", "next"};
    hl_real throttle[HL_ENGINE_MAX], next[3];
    hl_allocate_held_t held = {0u, 0u}, from;
    int32_t solves;
    uint32_t bits;
    uint64_t spent;
    stamp_t start;
    int k;
    for (k = 0; k < 3; k++)
        next[k] = R(1.01) * torque[k];
    for (k = 0; k < 3; k++) {
        from = held;
        start = now();
        bits = hl_allocate_warm(e, a, ok, force, k < 2 ? torque : next, throttle, &from, &solves);
        spent = instructions_since(start);
        if (k == 0)
            held = from;
        line("case", name, starts[k]);
        put_u(" bits=", bits);
        put_u(" solves=", (uint64_t)solves);
        put_u(" instructions=", spent);
        put("\n");
    }
}

/* a hover (55 % throttle) with a slow sweep of pitch and roll (one turn in `calls`) */
static void sweep(const char *name, const hl_engine_layout_t *e, int warm, int calls,
                  hl_real torque_Nm)
{
    hl_real force = R(0.55) * (hl_real)e->count * e->thrust_max_N * R(0.939372713); /* cos 0.35 */
    hl_real throttle[HL_ENGINE_MAX], torque[3], phase;
    hl_allocate_held_t held = {0u, 0u};
    uint64_t spent, most = 0u, total = 0u, solves_total = 0u;
    int32_t solves, solves_most = 0;
    stamp_t start;
    int k;
    for (k = 0; k < calls; k++) {
        phase = R(6.28318531) * (hl_real)k / (hl_real)calls;
        torque[0] = torque_Nm * (hl_real)cos((double)phase);
        torque[1] = torque_Nm * (hl_real)sin(2.0 * (double)phase);
        torque[2] = R(0.0);
        if (!warm)
            held.floor = held.ceiling = 0u;
        start = now();
        (void)hl_allocate_warm(e, &stage, 0xFFFFu, force, torque, throttle, &held, &solves);
        spent = instructions_since(start);
        if (k == 0)
            continue;
        total += spent, solves_total += (uint64_t)solves;
        most = spent > most ? spent : most;
        solves_most = solves > solves_most ? solves : solves_most;
    }
    line("sweep", name, warm ? "warm" : "cold");
    put_u(" calls=", (uint64_t)(calls - 1));
    put_u(" solves_max=", (uint64_t)solves_most);
    put_u(" solves_mean_x100=", solves_total * 100u / (uint64_t)(calls - 1));
    put_u(" instructions_max=", most);
    put_u(" instructions_mean=", total / (uint64_t)(calls - 1));
    put("\n");
}

int main(void)
{
    static const hl_real none[3] = {R(0.0), R(0.0), R(0.0)}, pitch[3] = {R(0.0), R(3000.0), R(0.0)};
    static const hl_real hard_torque[3] = {-613.791169f, 2420.35619f, 3177.56714f};
    UART0[2] = 1u; /* TX */
    UART0[4] = 16u;
    TIMER0[2] = 0xFFFFFFFFu;
    TIMER0[1] = 0xFFFFFFFFu;
    TIMER0[0] = 1u;
    DUALTIMER[0] = 0xFFFFFFFFu;
    DUALTIMER[2] = 0x80u | 0x08u | 0x02u; /* enabled, free running, /256, 32 bits */
    one("msl-hover", &msl, &stage, 0xFFu, R(12000.0), none);
    one("msl-ceiling-pitch", &msl, &stage, 0xFFu, R(24480.0), pitch);
    one("hard16", &hard, &hard_params, 56831u, 21073.9142f, hard_torque);
    sweep("msl-like", &msl, 0, 400, R(7000.0));
    sweep("msl-like", &msl, 1, 400, R(7000.0));
    sweep("sixteen", &sixteen, 0, 400, R(7000.0));
    sweep("sixteen", &sixteen, 1, 400, R(7000.0));
    put("done\n");
    for (;;) {
        __asm volatile("wfi");
    }
}
