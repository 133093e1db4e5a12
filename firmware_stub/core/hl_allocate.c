/* The engine allocator, a line-by-line port of controller/_allocate.pyx (declared in
 * hl_attitude.h, with its structs) */
#include "hl_allocate_seen.h"

#define ALLOCATE_PASSES 20
#ifdef HL_REAL_DOUBLE
/* as the Cython law (design D), so that the double build agrees with it bit for bit */
#define ALLOCATE_REGULARISATION 1e-6
#define ALLOCATE_EXACT 1e-10
#define ALLOCATE_PIVOT 1e-7
#define ALLOCATE_TOLERANCE 1e-9
#define ALLOCATE_SHORT 1e-6
#else
/* float32: all above its rounding (measured: tests/firmware/test_attitude_back_to_back.py) */
#define ALLOCATE_REGULARISATION 1e-4
#define ALLOCATE_EXACT 1e-5
#define ALLOCATE_PIVOT 1e-3
#define ALLOCATE_TOLERANCE 1e-5
#define ALLOCATE_SHORT 1e-4
#endif

typedef struct {
    int n;                            /* engines considered */
    hl_real col[HL_ENGINE_MAX][4];    /* thrust_max [dir_z; (pos - com) x dir] */
    hl_real b[HL_ENGINE_MAX][4];      /* W col */
    hl_real target[4], wt[4];         /* [force; torque] and W [force; torque] */
    hl_real lo, hi, scale;
    int state[HL_ENGINE_MAX];         /* FREE, FLOOR, CEILING or OFF */
} work_t;

static hl_real dot4(const hl_real *x, const hl_real *y)
{ return x[0] * y[0] + x[1] * y[1] + x[2] * y[2] + x[3] * y[3]; }


static void column(const hl_engine_layout_t *e, const hl_attitude_params_t *a, int i,
                   hl_real *c)
{
    const hl_real *d = e->direction_B[i];
    hl_real t = e->thrust_max_N, r[3];
    int k;
    for (k = 0; k < 3; k++)
        r[k] = e->position_B_m[i][k] - a->com_B_m[k];
    c[0] = t * d[2];
    c[1] = t * (r[1] * d[2] - r[2] * d[1]);
    c[2] = t * (r[2] * d[0] - r[0] * d[2]);
    c[3] = t * (r[0] * d[1] - r[1] * d[0]);
}

static int running(uint32_t ok, int i) { return (int)((ok >> i) & 1u); }

/* columns, weights and the scale; all running engines free */
static void setup(const hl_engine_layout_t *e, const hl_attitude_params_t *a, uint32_t ok,
                  work_t *w)
{
    hl_real wgt[4], diag[4], tn;
    int i, k;
    wgt[0] = R(1.0);
    wgt[1] = wgt[2] = wgt[3] = a->torque_priority;
    for (i = 0; i < w->n; i++) {
        for (k = 0; k < 4; k++)
            w->col[i][k] = R(0.0);
        if (running(ok, i))
            column(e, a, i, w->col[i]);
        for (k = 0; k < 4; k++)
            w->b[i][k] = wgt[k] * w->col[i][k];
        w->state[i] = running(ok, i) ? (w->lo < w->hi ? FREE : FLOOR) : OFF;
    }
    for (k = 0; k < 4; k++) {
        w->wt[k] = wgt[k] * w->target[k];
        diag[k] = R(0.0);
        for (i = 0; i < w->n; i++)
            diag[k] += w->b[i][k] * w->b[i][k];
    }
    tn = hl_sqrt(dot4(w->wt, w->wt));
    w->scale = tn + hl_sqrt(diag[0] + diag[1] + diag[2] + diag[3]);
}

/* L L^T = M + diag(ridge), M the free engines' sum of b b^T (lower triangle); the ridge
 * each row's own diagonal's share (own) or the largest's; 1 if full rank (design D) */
static int cholesky4(const work_t *w, int own, hl_real m[4][4])
{
    hl_real s, piv, ridge, big = R(0.0);
    int i, j, k, full = 1;
    for (k = 0; k < 4; k++) {
        for (j = 0; j <= k; j++) {
            s = R(0.0);
            for (i = 0; i < w->n; i++)
                if (w->state[i] == FREE)
                    s += w->b[i][k] * w->b[i][j];
            m[k][j] = s;
        }
        big = hl_fmax(big, m[k][k]);
    }
    for (k = 0; k < 4; k++) {
        s = own && m[k][k] > R(0.0) ? R(ALLOCATE_EXACT) * m[k][k]
                                     : R(ALLOCATE_REGULARISATION) * big;
        ridge = big > R(0.0) ? s : R(1.0);
        m[k][k] += ridge;
        s = m[k][k];
        for (j = 0; j < k; j++)
            s -= m[k][j] * m[k][j];
        full = full && s > R(ALLOCATE_PIVOT) * m[k][k];
        piv = s > R(0.0) ? hl_sqrt(s) : hl_sqrt(ridge); /* > 0 unless rounded away */
        m[k][k] = piv;
        for (i = k + 1; i < 4; i++) {
            s = m[i][k];
            for (j = 0; j < k; j++)
                s -= m[i][j] * m[k][j];
            m[i][k] = s / piv;
        }
    }
    return full;
}

/* y <- (L L^T)^-1 y */
static void solve4(hl_real m[4][4], hl_real *y)
{
    hl_real s;
    int j, k;
    for (k = 0; k < 4; k++) {
        s = y[k];
        for (j = 0; j < k; j++)
            s -= m[k][j] * y[j];
        y[k] = s / m[k][k];
    }
    for (k = 3; k >= 0; k--) {
        s = y[k];
        for (j = k + 1; j < 4; j++)
            s -= m[j][k] * y[j];
        y[k] = s / m[k][k];
    }
}

/* W (A u - target) over the running engines */
static void residual(const work_t *w, const hl_real *u, hl_real *r)
{
    hl_real s;
    int i, k;
    for (k = 0; k < 4; k++) {
        s = R(0.0);
        for (i = 0; i < w->n; i++)
            if (w->state[i] != OFF)
                s += w->b[i][k] * u[i];
        r[k] = s - w->wt[k];
    }
}

/* the free engines' least squares nearest u, the others held (design D) */
static void free_solve(const work_t *w, const hl_real *u, hl_real *z)
{
    hl_real m[4][4], r[4], y[4], d[HL_ENGINE_MAX] = {R(0.0)}, s, size, last = INFINITY;
    int i, k, pass, count = 0;
    residual(w, u, r);
    for (i = 0; i < w->n; i++)
        count += w->state[i] == FREE;
    if (count < 4 || !cholesky4(w, 1, m))
        cholesky4(w, 0, m);
    for (pass = 0; pass < ALLOCATE_PASSES; pass++) {
        for (k = 0; k < 4; k++) {
            s = -r[k];
            for (i = 0; i < w->n; i++)
                if (w->state[i] == FREE)
                    s -= w->b[i][k] * d[i];
            y[k] = s;
        }
        solve4(m, y);
        size = R(0.0);
        for (i = 0; i < w->n; i++)
            if (w->state[i] == FREE)
                s = dot4(w->b[i], y), d[i] += s, size += s * s;
        if (!(R(0.0) < size && size < last))
            break;
        last = size;
    }
    for (i = 0; i < w->n; i++)
        z[i] = w->state[i] == FREE ? u[i] + d[i] : u[i];
}

static hl_real clamp(hl_real x, hl_real lo, hl_real hi)
{ return x < lo ? lo : (x > hi ? hi : x); }

/* from u toward z as far as the bounds allow, the first engine to reach one
 * held there (the lowest index on a tie); 0 if z is inside */
static int step(work_t *w, hl_real *u, const hl_real *z)
{
    hl_real alpha = R(2.0), t;
    int i, block = -1, side = FREE, s;
    for (i = 0; i < w->n; i++) {
        if (w->state[i] != FREE)
            continue;
        if (z[i] < w->lo)
            t = (w->lo - u[i]) / (z[i] - u[i]), s = FLOOR;
        else if (z[i] > w->hi)
            t = (w->hi - u[i]) / (z[i] - u[i]), s = CEILING;
        else
            continue;
        if (t < alpha)
            alpha = t, block = i, side = s;
    }
    for (i = 0; i < w->n; i++)
        if (w->state[i] == FREE)
            u[i] = block < 0 ? z[i] : clamp(u[i] + alpha * (z[i] - u[i]), w->lo, w->hi);
    if (block >= 0)
        u[block] = side == FLOOR ? w->lo : w->hi, w->state[block] = side;
    return block >= 0;
}

/* the held engine whose gradient most wants it inside, -1 if none (design C) */
static int most_violated(const work_t *w, const hl_real *u)
{
    hl_real r[4], best = R(0.0), v;
    int i, j = -1;
    if (!(w->lo < w->hi))
        return -1;
    residual(w, u, r);
    for (i = 0; i < w->n; i++) {
        if (w->state[i] != FLOOR && w->state[i] != CEILING)
            continue;
        v = w->state[i] == FLOOR ? -dot4(w->b[i], r) : dot4(w->b[i], r);
        if (v > R(ALLOCATE_TOLERANCE) * hl_sqrt(dot4(w->b[i], w->b[i])) * w->scale && v > best)
            best = v, j = i;
    }
    return j;
}

/* TORQUE_SHORT, FORCE_SHORT where the residual is above its scale's share */
static uint32_t short_bits(const work_t *w, const hl_real *u)
{
    hl_real res[4] = {R(0.0), R(0.0), R(0.0), R(0.0)}, size[2] = {R(0.0), R(0.0)}, torque, tn;
    const hl_real *c;
    uint32_t bits = 0u;
    int i, k;
    for (i = 0; i < w->n; i++) {
        if (w->state[i] != OFF) {
            c = w->col[i];
            for (k = 0; k < 4; k++)
                res[k] += c[k] * u[i];
            size[0] += hl_fabs(c[0]) * w->hi;
            size[1] += hl_sqrt(c[1] * c[1] + c[2] * c[2] + c[3] * c[3]) * w->hi;
        }
    }
    for (k = 0; k < 4; k++)
        res[k] -= w->target[k];
    torque = hl_sqrt(res[1] * res[1] + res[2] * res[2] + res[3] * res[3]);
    tn = hl_sqrt(w->target[1] * w->target[1] + w->target[2] * w->target[2]
                 + w->target[3] * w->target[3]);
    if (torque > R(ALLOCATE_SHORT) * (tn + size[1]))
        bits = HL_ALLOCATE_TORQUE_SHORT;
    if (hl_fabs(res[0]) > R(ALLOCATE_SHORT) * (hl_fabs(w->target[0]) + size[0]))
        bits |= HL_ALLOCATE_FORCE_SHORT;
    return bits;
}

/* anything not finite among what the allocation reads, or a negative weight */
static int bad_input(const hl_engine_layout_t *e, const hl_attitude_params_t *a, uint32_t ok,
                     const work_t *w)
{
    int good = isfinite(e->thrust_max_N) && isfinite(a->torque_priority);
    int i, k;
    for (k = 0; k < 4; k++)
        good = good && isfinite(w->target[k]);
    for (k = 0; k < 3; k++)
        good = good && isfinite(a->com_B_m[k]);
    for (i = 0; i < w->n; i++)
        if (running(ok, i))
            for (k = 0; k < 3; k++)
                good = good && isfinite(e->position_B_m[i][k]) && isfinite(e->direction_B[i][k]);
    return !(good && a->torque_priority >= R(0.0) && e->thrust_max_N >= R(0.0));
}

/* bad input: the running engines at their floor (design E) */
static uint32_t at_floor(const work_t *w, uint32_t ok, hl_real *throttle)
{
    int i;
    for (i = 0; i < w->n; i++)
        throttle[i] = running(ok, i) ? w->lo : R(0.0);
    return HL_ALLOCATE_SATURATED | HL_ALLOCATE_TORQUE_SHORT | HL_ALLOCATE_FORCE_SHORT;
}

/* the active set (design C) from the held set; the ALLOCATE_ITERATION_LIMIT bit if it ran out */
static uint32_t active_set(work_t *w, hl_real *u, int32_t *iterations)
{
    hl_real z[HL_ENGINE_MAX];
    hl_allocate_seen_t seen;
    int j, freed = -1, side = FREE;
    hl_allocate_seen_start(&seen);
    while (*iterations < HL_ALLOCATE_ITERATIONS_MAX) {
        *iterations += 1;
        free_solve(w, u, z);
        if (step(w, u, z)) {
            if (freed >= 0 && w->state[freed] == side) /* held again: a zero-length step */
                return 0u;
            freed = -1;
            continue;
        }
        if (hl_allocate_repeated(&seen, w->n, w->state, u))
            return 0u; /* a cycle */
        j = most_violated(w, u);
        if (j < 0)
            return 0u;
        freed = j, side = w->state[j], w->state[j] = FREE;
    }
    return HL_ALLOCATE_ITERATION_LIMIT;
}

/* the held set to start from (a running engine in both masks: at its floor) and the
 * throttles: the held ones at their bound, the free ones at mid-throttle (design C) */
static void start(work_t *w, const hl_allocate_held_t *held, hl_real *u)
{
    int i;
    for (i = 0; i < w->n; i++) {
        if (w->state[i] == FREE && running(held->floor, i))
            w->state[i] = FLOOR;
        else if (w->state[i] == FREE && running(held->ceiling, i))
            w->state[i] = CEILING;
        u[i] = w->state[i] == FREE ? R(0.5) * (w->lo + w->hi)
               : w->state[i] == FLOOR ? w->lo : (w->state[i] == CEILING ? w->hi : R(0.0));
    }
}

/* the throttles, the held set and the result bits (design E on overflow) */
static uint32_t finish(const work_t *w, const hl_real *u, uint32_t ok, uint32_t bits,
                       hl_real *throttle, hl_allocate_held_t *held)
{
    int i;
    for (i = 0; i < w->n; i++) {
        if (!isfinite(u[i])) { /* huge inputs overflowed */
            held->floor = held->ceiling = 0u;
            return at_floor(w, ok, throttle);
        }
        throttle[i] = u[i];
    }
    hl_allocate_held_masks(w->n, w->state, held);
    if (held->floor | held->ceiling)
        bits |= HL_ALLOCATE_SATURATED;
    return bits | short_bits(w, u);
}

uint32_t hl_allocate_warm(const hl_engine_layout_t *e, const hl_attitude_params_t *a,
                          uint32_t engines_ok, hl_real force_N, const hl_real torque_B_Nm[3],
                          hl_real throttle[HL_ENGINE_MAX], hl_allocate_held_t *held,
                          int32_t *iterations)
{
    work_t w;
    hl_real u[HL_ENGINE_MAX];
    int i;
    w.n = e->count < 0 ? 0 : (e->count > HL_ENGINE_MAX ? HL_ENGINE_MAX : (int)e->count);
    w.lo = e->throttle_min, w.hi = e->throttle_max;
    w.target[0] = force_N;
    w.target[1] = torque_B_Nm[0], w.target[2] = torque_B_Nm[1], w.target[3] = torque_B_Nm[2];
    *iterations = 0;
    for (i = 0; i < HL_ENGINE_MAX; i++)
        throttle[i] = R(0.0);
    if (!(isfinite(w.lo) && isfinite(w.hi) && R(0.0) <= w.lo && w.lo <= w.hi)) {
        held->floor = held->ceiling = 0u;
        return HL_ALLOCATE_TORQUE_SHORT | HL_ALLOCATE_FORCE_SHORT;
    }
    if (bad_input(e, a, engines_ok, &w)) {
        held->floor = held->ceiling = 0u;
        return at_floor(&w, engines_ok, throttle);
    }
    setup(e, a, engines_ok, &w);
    start(&w, held, u);
    return finish(&w, u, engines_ok, active_set(&w, u, iterations), throttle, held);
}

uint32_t hl_allocate_counted(const hl_engine_layout_t *e, const hl_attitude_params_t *a,
                             uint32_t engines_ok, hl_real force_N,
                             const hl_real torque_B_Nm[3], hl_real throttle[HL_ENGINE_MAX],
                             int32_t *iterations)
{
    hl_allocate_held_t held = {0u, 0u};
    return hl_allocate_warm(e, a, engines_ok, force_N, torque_B_Nm, throttle, &held, iterations);
}

uint32_t hl_allocate(const hl_engine_layout_t *e, const hl_attitude_params_t *a,
                     uint32_t engines_ok, hl_real force_N, const hl_real torque_B_Nm[3],
                     hl_real throttle[HL_ENGINE_MAX])
{
    int32_t iterations;
    return hl_allocate_counted(e, a, engines_ok, force_N, torque_B_Nm, throttle, &iterations);
}
