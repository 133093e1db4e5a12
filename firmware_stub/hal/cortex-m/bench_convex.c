/* The convex solver's cost on an emulated Cortex-M, in instructions (QEMU
 * with -icount: every instruction takes 2^shift ns of virtual time, read on
 * CMSDK timer 0). Not a board: it solves fixed problems, prints one line a
 * solve on UART0 and stops. Run by benchmarks/bench_convex.py:
 *
 *   solve <name> status=<s> iterations=<n> tf_ms=<t> propellant_g=<p> instructions=<i>
 *   unit <kind> count=<n> instructions_max=<i> instructions_mean=<i>
 *
 * The units are the search's own, as the law spreads it over control steps,
 * on the case with MSL's turn rate (20 degrees a second: the rate rows the
 * law's problems carry)
 * (hl_cvx_search_step): the set-up of a solve (rows and factorisation), one
 * iteration, one that checks the residuals (every tenth), one where the
 * penalty may be rebalanced (and K refactored), and the bookkeeping between
 * two solves; each line gives the costliest of its kind and their mean.
 */
#include <stddef.h>
#include <stdint.h>

#include "hl_convex.h"

#include "bench_io.h"

static hl_cvx_work_t work;
static hl_cvx_plan_t best, scratch;

static void report(const char *name, int spent, uint64_t instructions)
{
    put("solve ");
    put(name);
    put_u(" status=", (uint64_t)best.status);
    put_u(" iterations=", (uint64_t)spent);
    put_u(" tf_ms=", (uint64_t)(best.time_of_flight_s * R(1000.0)));
    put_u(" propellant_g=", (uint64_t)(best.propellant_kg * R(1000.0)));
    put_u(" instructions=", instructions);
    put("\n");
}

/* 4 instructions a turn (subs, cmp/bne, the asm barrier's nothing): a known
 * count to check the clock against. */
static void calibrate(uint32_t turns)
{
    __asm volatile("1: subs %0, %0, #1\n bne 1b" : "+r"(turns) : : "cc");
}

static void report_calibration(uint64_t instructions)
{
    put_u("calibration turns=1000000 instructions=", instructions);
    put("\n");
}

enum { BOOKKEEPING, ITERATION, CHECK, SET_UP, BALANCE, KINDS };
static const char *const KIND_NAMES[KINDS] = {"bookkeeping", "iteration", "check", "set-up",
                                              "balance"};

/* the kind of the search's next step, by what it costs in units */
static int kind_of(const hl_cvx_search_t *s)
{
    switch (hl_cvx_search_units(s)) {
    case 0: return BOOKKEEPING;
    case 1: return ITERATION;
    case HL_CVX_CHECK_UNITS: return CHECK;
    case HL_CVX_FACTOR_UNITS: return SET_UP;
    default: return BALANCE; /* HL_CVX_CHECK_UNITS + HL_CVX_FACTOR_UNITS */
    }
}

/* the search again, unit by unit: the costliest unit of each kind */
static void units(const hl_cvx_problem_t *p, const hl_cvx_settings_t *st)
{
    static hl_cvx_search_t s;
    uint64_t most[KINDS] = {0u, 0u, 0u, 0u, 0u}, total[KINDS] = {0u, 0u, 0u, 0u, 0u}, cost;
    uint32_t count[KINDS] = {0u, 0u, 0u, 0u, 0u};
    stamp_t start;
    int kind;
    hl_cvx_search_start(st, &work, &s, &best);
    while (s.stage != HL_CVX_SEARCHED) {
        kind = kind_of(&s);
        start = now();
        hl_cvx_search_step(p, st, &work, &s, &best, &scratch);
        cost = instructions_since(start);
        count[kind] += 1u;
        total[kind] += cost;
        if (cost > most[kind]) most[kind] = cost;
    }
    for (kind = 0; kind < KINDS; kind++) {
        put("unit ");
        put(KIND_NAMES[kind]);
        put_u(" count=", count[kind]);
        put_u(" instructions_max=", most[kind]);
        put_u(" instructions_mean=", count[kind] ? total[kind] / count[kind] : 0u);
        put("\n");
    }
}

int main(void)
{
    static const hl_cvx_problem_t msl = {
        {R(600.0), R(300.0), R(1500.0)}, {R(40.0), R(0.0), R(-80.0)}, R(2100.0),
        {R(0.0), R(0.0), R(20.0)},       {R(0.0), R(0.0), R(-0.75)},  R(3.711),
        R(2500.0), R(25000.0), R(1.0 / (225.0 * 9.80665)), R(1710.0),
        R(0.8775825618903728), R(0.0), R(0.0), 20, R(0.0), R(0.0)};
    static const hl_cvx_settings_t st = {4000, R(3e-4), 8, 8, R(5.0), R(150.0), 1000};
    static hl_cvx_problem_t slew;
    stamp_t start;
    int spent;
    UART0[2] = 1u; /* TX */
    UART0[4] = 16u;
    TIMER0[2] = 0xFFFFFFFFu;
    TIMER0[1] = 0xFFFFFFFFu;
    TIMER0[0] = 1u;
    DUALTIMER[0] = 0xFFFFFFFFu;
    DUALTIMER[2] = 0x80u | 0x08u | 0x02u; /* enabled, free running, /256, 32 bits */

    start = now();
    calibrate(1000000u);
    report_calibration(instructions_since(start));

    start = now();
    spent = hl_cvx_solve_free(&msl, &st, &work, &best, &scratch);
    report("msl-like-search", spent, instructions_since(start));

    start = now();
    work.warm = 0;
    hl_cvx_solve_fixed(&msl, best.time_of_flight_s, &st, &work, &best);
    report("msl-like-cold", best.iterations, instructions_since(start));

    start = now();
    hl_cvx_solve_fixed(&msl, best.time_of_flight_s, &st, &work, &best);
    report("msl-like-warm", best.iterations, instructions_since(start));
    slew = msl;
    slew.slew_rate_radps = R(0.3490658503988659); /* 20 degrees a second */
    units(&slew, &st);
    put("done\n");
    for (;;) {
        __asm volatile("wfi");
    }
}
