#include "hl_guidance.h"
#include "hl_real.h"

#define GRID_POINTS 28
#define GOLDEN_ITERATIONS 14
#define SAMPLES 9 /* odd, for Simpson's rule */

#define PENALTY R(50.0)      /* [m/s of delta-v per m/s^2 of violation, per s] */
#define FLOOR_PENALTY R(5.0) /* [m/s of delta-v per m below the floor] */
#define INV_PHI R(0.6180339887498949)

/* The search's working copy of the problem, in the law's number type: float
 * in a board's build (single precision, in hardware where the FPU has it),
 * double with -DHL_REAL_DOUBLE (operation for operation as the Cython law). */
typedef struct search {
    hl_real r[3], v[3], rf[3], vf[3], af[3];
    hl_real g, accel_max, accel_min, cos_tilt, floor_z;
    hl_real e[3];                  /* the plan's exponent per axis, k/3 - 2 */
    hl_real powers[3 * SAMPLES];   /* (k / (SAMPLES - 1))^e per axis and sample */
} search_t;

typedef struct plan {
    hl_real c1[3]; /* a(s) = af + c1 s + c2 s^e, s = time remaining */
    hl_real c2[3];
    hl_real te[3]; /* t^e */
} plan_t;

/* keep e off 1, where s and s^e coincide */
static hl_real nudge(hl_real e)
{
    if (hl_fabs(e - R(1.0)) < R(1e-3)) return R(1.0) + (e >= R(1.0) ? R(1e-3) : R(-1e-3));
    return e;
}

static void search_from(const hl_tgo_problem_t *p, search_t *s)
{
    int i, k;
    for (i = 0; i < 3; i++) {
        s->r[i] = (hl_real)p->r[i];
        s->v[i] = (hl_real)p->v[i];
        s->rf[i] = (hl_real)p->rf[i];
        s->vf[i] = (hl_real)p->vf[i];
        s->af[i] = (hl_real)p->af[i];
        s->e[i] = nudge((hl_real)p->gain[i] / R(3.0) - R(2.0));
        for (k = 0; k < SAMPLES; k++)
            s->powers[i * SAMPLES + k] = hl_pow((hl_real)k / (SAMPLES - 1), s->e[i]);
    }
    s->g = (hl_real)p->g;
    s->accel_max = (hl_real)p->accel_max;
    s->accel_min = (hl_real)p->accel_min;
    s->cos_tilt = (hl_real)p->cos_tilt;
    s->floor_z = (hl_real)p->floor_z;
}

/* ZEM = rf - (r + v t + g t^2 / 2), ZEV = vf - (v + g t), g = (0, 0, -g) */
static void zem_zev(const search_t *p, hl_real t, hl_real zem[3], hl_real zev[3])
{
    int i;
    for (i = 0; i < 3; i++) {
        hl_real gz = i == 2 ? -p->g : R(0.0);
        zem[i] = p->rf[i] - (p->r[i] + p->v[i] * t + R(0.5) * gz * t * t);
        zev[i] = p->vf[i] - (p->v[i] + gz * t);
    }
}

/* a = k ZEM / t^2 + 2 (1 - k/3) ZEV / t + (k/6 - 1) af, in double: once a step */
void hl_guidance_accel(const hl_tgo_problem_t *p, double tgo, double a[3])
{
    int i;
    for (i = 0; i < 3; i++) {
        double gz = i == 2 ? -p->g : 0.0;
        double zem = p->rf[i] - (p->r[i] + p->v[i] * tgo + 0.5 * gz * tgo * tgo);
        double zev = p->vf[i] - (p->v[i] + gz * tgo);
        double k = p->gain[i];
        a[i] = k * zem / (tgo * tgo) + 2.0 * (1.0 - k / 3.0) * zev / tgo
               + (k / 6.0 - 1.0) * p->af[i];
    }
}

/* c1, c2 from ZEV = int_0^t a ds and ZEM = int_0^t s a ds, axis by axis */
static void plan(const search_t *p, hl_real t, plan_t *q)
{
    hl_real zem[3], zev[3];
    int i;
    zem_zev(p, t, zem, zev);
    for (i = 0; i < 3; i++) {
        hl_real e = p->e[i];
        hl_real te = hl_pow(t, e);
        hl_real m11 = t * t / R(2.0), m12 = te * t / (e + R(1.0));
        hl_real m21 = t * t * t / R(3.0), m22 = te * t * t / (e + R(2.0));
        hl_real det = m11 * m22 - m12 * m21;
        hl_real y = zev[i] - p->af[i] * t;
        hl_real x = zem[i] - p->af[i] * t * t / R(2.0);
        q->c1[i] = (m22 * y - m12 * x) / det;
        q->c2[i] = (m11 * x - m21 * y) / det;
        q->te[i] = te;
    }
}

/* J(t): delta-v by Simpson plus penalties for the limits broken along the plan */
static hl_real plan_cost(const search_t *p, hl_real t, hl_real *violation)
{
    plan_t q;
    hl_real a[3];
    hl_real dv = R(0.0), excess = R(0.0), deficit = R(0.0), tilt = R(0.0), floor_m = R(0.0);
    hl_real e2 = p->e[2];
    int k, i;
    plan(p, t, &q);
    for (k = 0; k < SAMPLES; k++) {
        hl_real s = t * (hl_real)k / (SAMPLES - 1);
        hl_real sez = q.te[2] * p->powers[2 * SAMPLES + k];
        hl_real n, z;
        for (i = 0; i < 3; i++)
            a[i] = p->af[i] + q.c1[i] * s + q.c2[i] * q.te[i] * p->powers[i * SAMPLES + k];
        n = hl_sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        dv += n * (k == 0 || k == SAMPLES - 1 ? R(1.0) : (k % 2 ? R(4.0) : R(2.0)));
        excess = hl_fmax(excess, n - p->accel_max);
        deficit = hl_fmax(deficit, p->accel_min - n);
        tilt = hl_fmax(tilt, p->cos_tilt * n - a[2]);
        z = p->rf[2] - p->vf[2] * s + R(0.5) * (p->af[2] - p->g) * s * s
            + q.c1[2] * s * s * s / R(6.0)
            + q.c2[2] * s * s * sez / ((e2 + R(1.0)) * (e2 + R(2.0)));
        if (k > 0 && k < SAMPLES - 1) floor_m = hl_fmax(floor_m, p->floor_z - z);
    }
    dv *= t / (R(3.0) * (SAMPLES - 1));
    *violation = excess + deficit + tilt;
    return dv + PENALTY * (excess + deficit + tilt) * t + FLOOR_PENALTY * floor_m;
}

double hl_tgo_violation(const hl_tgo_problem_t *p, double t)
{
    search_t s;
    hl_real violation;
    search_from(p, &s);
    (void)plan_cost(&s, (hl_real)t, &violation);
    return (double)violation;
}

/* golden-section refinement of the grid's best bracket [lo, hi]: its best
 * point, kept only if it improves on the grid's */
static hl_real golden(const search_t *p, hl_real lo, hl_real hi, hl_real best_t, hl_real best_j)
{
    hl_real x1 = hi - INV_PHI * (hi - lo), x2 = lo + INV_PHI * (hi - lo), v;
    hl_real j1 = plan_cost(p, x1, &v), j2 = plan_cost(p, x2, &v);
    int n;
    for (n = 0; n < GOLDEN_ITERATIONS; n++) {
        if (j1 <= j2) {
            hi = x2;
            x2 = x1;
            j2 = j1;
            x1 = hi - INV_PHI * (hi - lo);
            j1 = plan_cost(p, x1, &v);
        } else {
            lo = x1;
            x1 = x2;
            j1 = j2;
            x2 = lo + INV_PHI * (hi - lo);
            j2 = plan_cost(p, x2, &v);
        }
    }
    if (j1 <= j2 && j1 < best_j) return x1;
    return j2 < best_j ? x2 : best_t;
}

/* a log-spaced grid, then golden-section refinement kept only if it improves */
double hl_tgo_search(const hl_tgo_problem_t *p)
{
    search_t s;
    hl_real tmin = (hl_real)p->tgo_min, tmax = (hl_real)p->tgo_max;
    hl_real ratio = hl_exp(hl_log(tmax / tmin) / (GRID_POINTS - 1));
    hl_real t = tmin, best_t = tmin, best_j = R(1e30), v;
    int n;
    search_from(p, &s);
    for (n = 0; n < GRID_POINTS; n++) {
        hl_real j = plan_cost(&s, t, &v);
        if (j < best_j) {
            best_j = j;
            best_t = t;
        }
        t *= ratio;
    }
    return (double)golden(&s, hl_fmax(tmin, best_t / ratio), hl_fmin(tmax, best_t * ratio),
                          best_t, best_j);
}

/* time to the gate for a coast at the thrust floor down to the constant-
 * deceleration curve v^2 = v_gate^2 + 2 decel h, then braking on it, counting
 * half the braking: t_coast + t_brake / 2 (the law's turn-round) */
double hl_coast_and_brake_s(const hl_tgo_problem_t *q, double v_gate, double decel)
{
    double h = q->r[2] - q->rf[2];
    double vz = q->v[2];
    double c = fmin(q->accel_min - q->g, -0.05); /* the coast's vertical acceleration */
    double need, k, tau = 0.0;
    if (h <= 0.0) return 1.0;
    need = -vz > v_gate ? (vz * vz - v_gate * v_gate) / (2.0 * h) : 0.0;
    if (need < decel) { /* solve c tau^2 + 2 vz tau + k = 0 for the curve's crossing */
        k = (vz * vz - v_gate * v_gate - 2.0 * decel * h) / (c - decel);
        tau = fmax(0.0, (-vz - sqrt(fmax(vz * vz - c * k, 0.0))) / c);
        vz += c * tau;
    }
    return fmax(1.0, tau + 0.5 * fmax(-vz - v_gate, 0.0) / fmax(need, decel));
}
