/* The convex powered-descent solver (see hl_convex.h; the design notes are
 * in controller/_convex.pyx, the equations in controller/reference_convex.py). */
#include "hl_convex_rows.h"

#include <string.h>

#define RHO R(0.1)
#define RHO_EQUALITY R(1.0e3)
#define RELAXATION R(1.6)
#define BALANCE_EVERY 50
#define BALANCE_TRIGGER R(5.0)
#define CHECK_EVERY 10
#define HUGE_COST R(1e30)

/* m_k at the iterate: before each interval, and after the last. */
static void node_masses(const hl_cvx_problem_t *p, hl_real tf, const hl_real *x, hl_real *masses)
{
    hl_real burnt = R(0.0), rate = p->alpha_s_per_m * (tf / (hl_real)p->nodes) * hl_cvx_accel_scale(p);
    int k;
    masses[0] = p->mass_kg;
    for (k = 0; k < p->nodes; k++) {
        burnt += rate * hl_fmax(x[4 * k + 3], R(0.0));
        masses[k + 1] = p->mass_kg * hl_exp(-burnt);
    }
}

/* The expansion points z0_k = ln max(m0 - alpha rho2 t_k, m_dry), k < N,
 * and the bounds there, rho e^-z0_k (scaled). */
static void full_thrust_bounds(const hl_cvx_problem_t *p, hl_real tf, hl_cvx_work_t *w)
{
    hl_real dt = tf / (hl_real)p->nodes, s = hl_cvx_accel_scale(p);
    int k;
    w->log_mass0 = hl_log(p->mass_kg);
    for (k = 0; k < p->nodes; k++) {
        w->z0[k] = hl_log(hl_fmax(p->mass_kg - p->alpha_s_per_m * p->thrust_max_N * ((hl_real)k * dt),
                                  p->dry_mass_kg));
        w->mu1[k] = p->thrust_min_N * hl_exp(-w->z0[k]) / s;
        w->mu2[k] = p->thrust_max_N * hl_exp(-w->z0[k]) / s;
    }
}

/* The bounds on s_k (scaled) at the iterate's log-masses z_k. */
static void thrust_box(const hl_cvx_problem_t *p, hl_real tf, hl_cvx_work_t *w)
{
    hl_real rate = p->alpha_s_per_m * (tf / (hl_real)p->nodes) * hl_cvx_accel_scale(p);
    hl_real burnt = R(0.0), dz;
    int k;
    for (k = 0; k < p->nodes; k++) {
        dz = (w->log_mass0 - burnt) - w->z0[k];
        w->lo[k] = w->mu1[k] * (R(1.0) - dz + R(0.5) * dz * dz);
        w->hi[k] = w->mu2[k] * (R(1.0) - dz);
        burnt += rate * hl_fmax(w->x[4 * k + 3], R(0.0));
    }
}

/* w onto the second-order cone |w[:-1]| <= w[-1], in place. */
static void project_cone(hl_real *w, int count)
{
    hl_real nv = R(0.0), s = w[count - 1], half;
    int i;
    for (i = 0; i < count - 1; i++) nv += w[i] * w[i];
    nv = hl_sqrt(nv);
    if (nv <= s) return;
    if (nv <= -s) {
        for (i = 0; i < count; i++) w[i] = R(0.0);
        return;
    }
    half = R(0.5) * (nv + s);
    for (i = 0; i < count - 1; i++) w[i] *= half / nv;
    w[count - 1] = half;
}

/* w (= A x + c) onto the product of the rows' sets, in place. */
static void project(const hl_cvx_rows_t *a, hl_real *w, const hl_real *lo, const hl_real *hi)
{
    int g, i, first, box = 0;
    for (g = 0; g < a->groups; g++) {
        first = a->group_first[g];
        if (a->group_kind[g] == HL_CVX_ZERO) {
            for (i = first; i < first + a->group_count[g]; i++) w[i] = R(0.0);
        } else if (a->group_kind[g] == HL_CVX_NONNEG) {
            for (i = first; i < first + a->group_count[g]; i++) w[i] = hl_fmax(w[i], R(0.0));
        } else if (a->group_kind[g] == HL_CVX_BOX) {
            w[first] = hl_fmin(hl_fmax(w[first], lo[box]), hi[box]);
            box += 1;
        } else {
            project_cone(&w[first], a->group_count[g]);
        }
    }
}

static hl_real max_abs(const hl_real *v, int count)
{
    hl_real best = R(0.0);
    int i;
    for (i = 0; i < count; i++) best = hl_fmax(best, hl_fabs(v[i]));
    return best;
}

/* OSQP's certificate of primal infeasibility on the dual step dy: A' dy ~ 0
 * and a negative support function of the sets. */
static int infeasible(hl_cvx_work_t *w, hl_real tol)
{
    const hl_cvx_rows_t *a = &w->rows;
    hl_real size = max_abs(w->dy, a->m), support = R(0.0), nv;
    int g, i, first, count, box = 0;
    if (size < R(1e-12)) return 0;
    hl_cvx_times_at(a, w->dy, w->rhs);
    if (max_abs(w->rhs, a->n) > tol * size) return 0;
    for (i = 0; i < a->m; i++) support -= w->dy[i] * a->c[i];
    for (g = 0; g < a->groups; g++) {
        first = a->group_first[g];
        count = a->group_count[g];
        if (a->group_kind[g] == HL_CVX_NONNEG) {
            for (i = first; i < first + count; i++)
                if (w->dy[i] > tol * size) return 0;
        } else if (a->group_kind[g] == HL_CVX_CONE) {
            nv = R(0.0);
            for (i = first; i < first + count - 1; i++) nv += w->dy[i] * w->dy[i];
            if (hl_sqrt(nv) + w->dy[first + count - 1] > tol * size) return 0;
        } else if (a->group_kind[g] == HL_CVX_BOX) {
            support += w->hi[box] * hl_fmax(w->dy[first], R(0.0))
                       + w->lo[box] * hl_fmin(w->dy[first], R(0.0));
            box += 1;
        }
    }
    return support < -tol * size;
}

/* One ADMM iteration; dy = the step of the dual. */
static void iterate(const hl_cvx_problem_t *p, hl_real tf, hl_cvx_work_t *w)
{
    const hl_cvx_rows_t *a = &w->rows;
    hl_real zn, q = R(1.0) / (hl_real)p->nodes;
    int i;
    thrust_box(p, tf, w);
    for (i = 0; i < a->m; i++) w->dy[i] = w->rho[i] * w->z[i] - w->y[i];
    hl_cvx_times_at(a, w->dy, w->rhs);
    for (i = 0; i < a->n; i++) w->rhs[i] = HL_CVX_SIGMA * w->x[i] - (i % 4 == 3 ? q : R(0.0)) + w->rhs[i];
    hl_cvx_back_solve(w, a->n, w->rhs);
    hl_cvx_times_a(a, w->rhs, w->zh);
    for (i = 0; i < a->n; i++) w->x[i] = RELAXATION * w->rhs[i] + (R(1.0) - RELAXATION) * w->x[i];
    for (i = 0; i < a->m; i++) {
        w->zh[i] = RELAXATION * w->zh[i] + (R(1.0) - RELAXATION) * w->z[i];
        w->dy[i] = w->zh[i] + w->y[i] / w->rho[i] + a->c[i];
    }
    project(a, w->dy, w->lo, w->hi);
    for (i = 0; i < a->m; i++) {
        zn = w->dy[i] - a->c[i];
        w->dy[i] = w->rho[i] * (w->zh[i] - zn);
        w->y[i] += w->dy[i];
        w->z[i] = zn;
    }
}

/* The primal residual |A x - z|; the dual |q + A' y| and the sizes the
 * penalty balance needs. */
static hl_real residuals(const hl_cvx_problem_t *p, hl_cvx_work_t *w, hl_real *dual,
                         hl_real *z_size, hl_real *aty_size)
{
    const hl_cvx_rows_t *a = &w->rows;
    hl_real primal = R(0.0);
    int i;
    hl_cvx_times_a(a, w->x, w->zh);
    for (i = 0; i < a->m; i++) primal = hl_fmax(primal, hl_fabs(w->zh[i] - w->z[i]));
    hl_cvx_times_at(a, w->y, w->xt);
    *aty_size = max_abs(w->xt, a->n);
    *dual = R(0.0);
    for (i = 0; i < a->n; i++)
        *dual = hl_fmax(*dual, hl_fabs((i % 4 == 3 ? R(1.0) / (hl_real)p->nodes : R(0.0)) + w->xt[i]));
    *z_size = max_abs(w->z, a->m);
    return primal;
}

/* The iterate for a cold start (x = 0, z = A 0, y = 0) unless warm; R. */
static void start(hl_cvx_work_t *w)
{
    const hl_cvx_rows_t *a = &w->rows;
    int g, i;
    if (!w->warm) {
        for (i = 0; i < a->n; i++) w->x[i] = R(0.0);
        for (i = 0; i < a->m; i++) {
            w->z[i] = R(0.0);
            w->y[i] = R(0.0);
        }
    }
    for (i = 0; i < a->m; i++) w->rho[i] = RHO;
    for (g = 0; g < a->groups; g++)
        if (a->group_kind[g] == HL_CVX_ZERO)
            for (i = a->group_first[g]; i < a->group_first[g] + a->group_count[g]; i++)
                w->rho[i] *= RHO_EQUALITY;
}

/* Scale R by sqrt of the residuals' ratio when it leaves [1/5, 5]. */
static void rebalance(hl_cvx_work_t *w, hl_real primal, hl_real dual, hl_real z_size,
                      hl_real aty_size)
{
    hl_real ratio = hl_sqrt((primal / hl_fmax(z_size, R(1e-9)))
                            / (dual / hl_fmax(aty_size, R(1e-9)) + R(1e-12)));
    int i;
    if (ratio <= BALANCE_TRIGGER && ratio >= R(1.0) / BALANCE_TRIGGER) return;
    ratio = hl_fmin(hl_fmax(ratio, R(1e-3)), R(1e3));
    for (i = 0; i < w->rows.m; i++) w->rho[i] *= ratio;
    (void)hl_cvx_factor(w);
}

static void make_plan(const hl_cvx_problem_t *p, hl_real tf, const hl_cvx_work_t *w, int status,
                      int it, hl_real primal, hl_cvx_plan_t *plan)
{
    hl_real s = hl_cvx_accel_scale(p);
    int k, i;
    node_masses(p, tf, w->x, plan->mass_kg);
    plan->status = status;
    plan->time_of_flight_s = tf;
    plan->propellant_kg = plan->mass_kg[0] - plan->mass_kg[p->nodes];
    plan->iterations = it;
    plan->residual = primal;
    for (k = 0; k < p->nodes; k++)
        for (i = 0; i < 3; i++) plan->accel_mps2[k][i] = w->x[4 * k + i] * s;
}

/* Every number of the problem finite (a NaN would pass through fmax). */
static int finite(const hl_cvx_problem_t *p)
{
    hl_real total = p->mass_kg + p->gravity_mps2 + p->thrust_min_N + p->thrust_max_N;
    int i;
    total += p->alpha_s_per_m + p->dry_mass_kg + p->cos_tilt_max + p->tan_glide_slope + p->floor_z_m;
    total += p->target_radius_m + p->slew_rate_radps;
    for (i = 0; i < 3; i++)
        total += p->position_m[i] + p->velocity_mps[i] + p->target_position_m[i]
                 + p->target_velocity_mps[i];
    return isfinite(total);
}

/* A problem the workspace cannot hold, with a number that is not finite, or
 * a final time that is not positive: INFEASIBLE at once, the plan all zeros. */
static void refuse(hl_real tf, hl_cvx_work_t *w, hl_cvx_plan_t *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->status = HL_CVX_INFEASIBLE;
    plan->time_of_flight_s = tf;
    plan->residual = HUGE_COST;
    w->warm = 0;
}

void hl_cvx_run_start(hl_cvx_run_t *run, hl_real tf)
{
    run->tf = tf;
    run->stage = HL_CVX_RUN_SET_UP;
    run->it = 0;
    run->status = HL_CVX_STOPPED;
    run->refused = 0;
    run->primal = HUGE_COST;
}

static int balance_due(int it)
{
    return it % BALANCE_EVERY == 0 && ((it / BALANCE_EVERY) & (it / BALANCE_EVERY - 1)) == 0;
}

int hl_cvx_run_units(const hl_cvx_run_t *run)
{
    if (run->stage == HL_CVX_RUN_SET_UP) return HL_CVX_FACTOR_UNITS;
    if (run->stage == HL_CVX_RUN_DONE) return 0;
    if ((run->it + 1) % CHECK_EVERY) return 1;
    return HL_CVX_CHECK_UNITS + (balance_due(run->it + 1) ? HL_CVX_FACTOR_UNITS : 0);
}

/* the set-up: the rows at tf, the expansion points, the start, K factored */
static void set_up(const hl_cvx_problem_t *p, const hl_cvx_settings_t *st, hl_cvx_work_t *w,
                   hl_cvx_run_t *run)
{
    hl_real tf = run->tf;
    if (p->nodes < 2 || p->nodes > HL_CVX_NODES_MAX || !(tf > R(0.0)) || !finite(p)) {
        run->refused = 1;
        run->status = HL_CVX_INFEASIBLE;
        run->stage = HL_CVX_RUN_DONE;
        return;
    }
    hl_cvx_constraint_rows(&w->rows, p, tf);
    full_thrust_bounds(p, tf, w);
    start(w);
    (void)hl_cvx_factor(w);
    run->stage = st->iterations_max > 0 ? HL_CVX_RUN_ITERATE : HL_CVX_RUN_DONE;
}

void hl_cvx_run_step(const hl_cvx_problem_t *p, const hl_cvx_settings_t *st, hl_cvx_work_t *w,
                     hl_cvx_run_t *run)
{
    hl_real dual = R(0.0), z_size = R(0.0), aty_size = R(0.0);
    int it;
    if (run->stage == HL_CVX_RUN_SET_UP) {
        set_up(p, st, w, run);
        return;
    }
    if (run->stage == HL_CVX_RUN_DONE) return;
    it = run->it += 1;
    iterate(p, run->tf, w);
    if (it % CHECK_EVERY == 0) {
        run->primal = residuals(p, w, &dual, &z_size, &aty_size);
        if (run->primal < st->tolerance && dual < st->tolerance)
            run->status = HL_CVX_CONVERGED;
        else if (infeasible(w, st->tolerance))
            run->status = HL_CVX_INFEASIBLE;
        else if (balance_due(it))
            rebalance(w, run->primal, dual, z_size, aty_size);
    }
    if (run->status != HL_CVX_STOPPED || it >= st->iterations_max) run->stage = HL_CVX_RUN_DONE;
}

void hl_cvx_run_plan(const hl_cvx_problem_t *p, const hl_cvx_settings_t *st, hl_cvx_work_t *w,
                     const hl_cvx_run_t *run, hl_cvx_plan_t *plan)
{
    int status = run->status;
    if (run->refused) {
        refuse(run->tf, w, plan);
        return;
    }
    if (status == HL_CVX_STOPPED && !(run->primal <= R(10.0) * st->tolerance)) /* NaN too */
        status = HL_CVX_INFEASIBLE;
    w->warm = status != HL_CVX_INFEASIBLE;
    make_plan(p, run->tf, w, status, run->it, run->primal, plan);
}

void hl_cvx_solve_fixed(const hl_cvx_problem_t *p, hl_real tf, const hl_cvx_settings_t *st,
                        hl_cvx_work_t *w, hl_cvx_plan_t *plan)
{
    hl_cvx_run_t run;
    hl_cvx_run_start(&run, tf);
    while (run.stage != HL_CVX_RUN_DONE) hl_cvx_run_step(p, st, w, &run);
    hl_cvx_run_plan(p, st, w, &run, plan);
}
