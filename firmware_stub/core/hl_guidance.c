#include "hl_guidance.h"

#define GRID_POINTS 28
#define GOLDEN_ITERATIONS 14
#define SAMPLES 9 /* odd, for Simpson's rule */

static const double PENALTY = 50.0;      /* [m/s of delta-v per m/s^2 of violation, per s] */
static const double FLOOR_PENALTY = 5.0; /* [m/s of delta-v per m below the floor] */
static const double INV_PHI = 0.6180339887498949;

typedef struct plan {
    double c1[3]; /* a(s) = af + c1 s + c2 s^e, s = time remaining */
    double c2[3];
    double e[3];  /* per axis */
    double te[3]; /* t^e */
} plan_t;

/* ZEM = rf - (r + v t + g t^2 / 2), ZEV = vf - (v + g t), g = (0, 0, -g) */
static void zem_zev(const hl_tgo_problem_t *p, double t, double zem[3], double zev[3])
{
    int i;
    for (i = 0; i < 3; i++) {
        double gz = i == 2 ? -p->g : 0.0;
        zem[i] = p->rf[i] - (p->r[i] + p->v[i] * t + 0.5 * gz * t * t);
        zev[i] = p->vf[i] - (p->v[i] + gz * t);
    }
}

/* a = k ZEM / t^2 + 2 (1 - k/3) ZEV / t + (k/6 - 1) af */
void hl_guidance_accel(const hl_tgo_problem_t *p, double tgo, double a[3])
{
    double zem[3], zev[3];
    int i;
    zem_zev(p, tgo, zem, zev);
    for (i = 0; i < 3; i++) {
        double k = p->gain[i];
        a[i] = k * zem[i] / (tgo * tgo) + 2.0 * (1.0 - k / 3.0) * zev[i] / tgo
               + (k / 6.0 - 1.0) * p->af[i];
    }
}

/* keep e off 1, where s and s^e coincide */
static double nudge(double e)
{
    if (fabs(e - 1.0) < 1e-3) return 1.0 + (e >= 1.0 ? 1e-3 : -1e-3);
    return e;
}

/* c1, c2 from ZEV = int_0^t a ds and ZEM = int_0^t s a ds, axis by axis */
static void plan(const hl_tgo_problem_t *p, double t, plan_t *q)
{
    double zem[3], zev[3];
    int i;
    zem_zev(p, t, zem, zev);
    for (i = 0; i < 3; i++) {
        double e = nudge(p->gain[i] / 3.0 - 2.0);
        double te = pow(t, e);
        double m11 = t * t / 2.0, m12 = te * t / (e + 1.0);
        double m21 = t * t * t / 3.0, m22 = te * t * t / (e + 2.0);
        double det = m11 * m22 - m12 * m21;
        double y = zev[i] - p->af[i] * t;
        double x = zem[i] - p->af[i] * t * t / 2.0;
        q->c1[i] = (m22 * y - m12 * x) / det;
        q->c2[i] = (m11 * x - m21 * y) / det;
        q->e[i] = e;
        q->te[i] = te;
    }
}

static void sample_powers(const hl_tgo_problem_t *p, double powers[3 * SAMPLES])
{
    int k, i;
    for (i = 0; i < 3; i++) {
        double e = nudge(p->gain[i] / 3.0 - 2.0);
        for (k = 0; k < SAMPLES; k++) powers[i * SAMPLES + k] = pow((double)k / (SAMPLES - 1), e);
    }
}

/* J(t): delta-v by Simpson plus penalties for the limits broken along the plan */
static double plan_cost(const hl_tgo_problem_t *p, double t, const double *powers,
                         double *violation)
{
    plan_t q;
    double a[3];
    double dv = 0.0, excess = 0.0, deficit = 0.0, tilt = 0.0, floor_m = 0.0;
    int k, i;
    plan(p, t, &q);
    for (k = 0; k < SAMPLES; k++) {
        double s = t * (double)k / (SAMPLES - 1);
        double sez = q.te[2] * powers[2 * SAMPLES + k];
        double n, z;
        for (i = 0; i < 3; i++)
            a[i] = p->af[i] + q.c1[i] * s + q.c2[i] * q.te[i] * powers[i * SAMPLES + k];
        n = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        dv += n * (k == 0 || k == SAMPLES - 1 ? 1.0 : (k % 2 ? 4.0 : 2.0));
        excess = fmax(excess, n - p->accel_max);
        deficit = fmax(deficit, p->accel_min - n);
        tilt = fmax(tilt, p->cos_tilt * n - a[2]);
        z = p->rf[2] - p->vf[2] * s + 0.5 * (p->af[2] - p->g) * s * s
            + q.c1[2] * s * s * s / 6.0 + q.c2[2] * s * s * sez / ((q.e[2] + 1.0) * (q.e[2] + 2.0));
        if (k > 0 && k < SAMPLES - 1) floor_m = fmax(floor_m, p->floor_z - z);
    }
    dv *= t / (3.0 * (SAMPLES - 1));
    *violation = excess + deficit + tilt;
    return dv + PENALTY * (excess + deficit + tilt) * t + FLOOR_PENALTY * floor_m;
}

double hl_tgo_violation(const hl_tgo_problem_t *p, double t)
{
    double powers[3 * SAMPLES];
    double violation;
    sample_powers(p, powers);
    (void)plan_cost(p, t, powers, &violation);
    return violation;
}

/* a log-spaced grid, then golden-section refinement kept only if it improves */
double hl_tgo_search(const hl_tgo_problem_t *p)
{
    double ratio = exp(log(p->tgo_max / p->tgo_min) / (GRID_POINTS - 1));
    double t = p->tgo_min, best_t = p->tgo_min, best_j = 1e30;
    double lo, hi, x1, x2, j1, j2, v;
    double powers[3 * SAMPLES];
    int n;
    sample_powers(p, powers);
    for (n = 0; n < GRID_POINTS; n++) {
        double j = plan_cost(p, t, powers, &v);
        if (j < best_j) {
            best_j = j;
            best_t = t;
        }
        t *= ratio;
    }
    lo = fmax(p->tgo_min, best_t / ratio);
    hi = fmin(p->tgo_max, best_t * ratio);
    x1 = hi - INV_PHI * (hi - lo);
    x2 = lo + INV_PHI * (hi - lo);
    j1 = plan_cost(p, x1, powers, &v);
    j2 = plan_cost(p, x2, powers, &v);
    for (n = 0; n < GOLDEN_ITERATIONS; n++) {
        if (j1 <= j2) {
            hi = x2;
            x2 = x1;
            j2 = j1;
            x1 = hi - INV_PHI * (hi - lo);
            j1 = plan_cost(p, x1, powers, &v);
        } else {
            lo = x1;
            x1 = x2;
            j1 = j2;
            x2 = lo + INV_PHI * (hi - lo);
            j2 = plan_cost(p, x2, powers, &v);
        }
    }
    if (j1 <= j2 && j1 < best_j) return x1;
    return j2 < best_j ? x2 : best_t;
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
