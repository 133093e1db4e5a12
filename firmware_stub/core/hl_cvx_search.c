/* The final-time search of the convex solver (see hl_convex.h; the C port of
 * controller/_cvx_search.pyx, operation for operation), cut into units of
 * work as the solves it is made of. */
#include "hl_convex.h"

#define INV_PHI R(0.6180339887498949)
#define HUGE_COST R(1e30)

static hl_real plan_cost(const hl_cvx_plan_t *plan)
{
    /* the order of the plans the search keeps: converged by propellant, then
     * the others by residual */
    return plan->status == HL_CVX_CONVERGED ? plan->propellant_kg
                                            : R(1.0e9) * (R(1.0) + plan->residual);
}

static hl_real search_cost(const hl_cvx_plan_t *plan)
{
    /* what the search minimises (see the reference's search_cost): flyable
     * plans (converged, or stopped within ten times the tolerance) by
     * propellant, then the infeasible ones by residual */
    return plan->status != HL_CVX_INFEASIBLE ? plan->propellant_kg
                                             : R(1.0e9) * (R(1.0) + plan->residual);
}

static hl_real grid_time(const hl_cvx_settings_t *st, const hl_cvx_search_t *s, int i)
{
    return st->time_min_s * hl_pow(s->ratio, (hl_real)i);
}

void hl_cvx_search_start(const hl_cvx_settings_t *st, hl_cvx_work_t *w, hl_cvx_search_t *s,
                         hl_cvx_plan_t *best)
{
    s->search = *st;
    s->search.iterations_max = st->search_iterations_max;
    s->ratio = hl_pow(st->time_max_s / st->time_min_s, R(1.0) / (hl_real)(st->time_grid - 1));
    s->stage = HL_CVX_GRID;
    s->i = 0;
    s->best_i = 0;
    s->spent = 0;
    s->best_cost = HUGE_COST;
    best->status = HL_CVX_INFEASIBLE;
    best->residual = HUGE_COST;
    best->propellant_kg = HUGE_COST;
    w->warm = 0;
    hl_cvx_run_start(&s->run, grid_time(st, s, 0));
}

/* a grid point solved (its search cost): the next, or the golden section's
 * bracket about the best and its first point */
static void grid_done(const hl_cvx_settings_t *st, hl_cvx_search_t *s, hl_real cost)
{
    if (cost < s->best_cost) {
        s->best_cost = cost;
        s->best_i = s->i;
    }
    s->i += 1;
    if (s->i < st->time_grid) {
        hl_cvx_run_start(&s->run, grid_time(st, s, s->i));
        return;
    }
    s->lo = grid_time(st, s, s->best_i > 0 ? s->best_i - 1 : 0);
    s->hi = grid_time(st, s, s->best_i < st->time_grid - 1 ? s->best_i + 1 : s->best_i);
    s->a = s->hi - INV_PHI * (s->hi - s->lo);
    s->b = s->lo + INV_PHI * (s->hi - s->lo);
    s->stage = HL_CVX_GOLDEN;
    s->i = 0;
    s->at_b = 0;
    hl_cvx_run_start(&s->run, s->a);
}

/* a point of the golden section solved: the next (b after a, then a step
 * toward the lesser), or after the last, the final solve if none converged */
static void golden_done(const hl_cvx_settings_t *st, hl_cvx_search_t *s,
                        const hl_cvx_plan_t *best, hl_real cost)
{
    if (s->at_b)
        s->fb = cost;
    else
        s->fa = cost;
    s->i += 1;
    s->at_b = s->i == 1 || (s->i < st->golden_steps + 2 && s->fa > s->fb);
    if (s->i == 1) {
        hl_cvx_run_start(&s->run, s->b);
    } else if (s->i < st->golden_steps + 2 && !s->at_b) {
        s->hi = s->b;
        s->b = s->a;
        s->fb = s->fa;
        s->a = s->hi - INV_PHI * (s->hi - s->lo);
        hl_cvx_run_start(&s->run, s->a);
    } else if (s->i < st->golden_steps + 2) {
        s->lo = s->a;
        s->a = s->b;
        s->fa = s->fb;
        s->b = s->lo + INV_PHI * (s->hi - s->lo);
        hl_cvx_run_start(&s->run, s->b);
    } else if (best->status != HL_CVX_CONVERGED) {
        s->stage = HL_CVX_FINAL;
        hl_cvx_run_start(&s->run, best->time_of_flight_s);
    } else {
        s->stage = HL_CVX_SEARCHED;
    }
}

int hl_cvx_search_units(const hl_cvx_search_t *s)
{
    return s->stage == HL_CVX_SEARCHED ? 0 : hl_cvx_run_units(&s->run);
}

void hl_cvx_search_step(const hl_cvx_problem_t *p, const hl_cvx_settings_t *st, hl_cvx_work_t *w,
                        hl_cvx_search_t *s, hl_cvx_plan_t *best, hl_cvx_plan_t *scratch)
{
    hl_real cost;
    if (s->stage == HL_CVX_SEARCHED) return;
    if (s->run.stage != HL_CVX_RUN_DONE) {
        hl_cvx_run_step(p, s->stage == HL_CVX_FINAL ? st : &s->search, w, &s->run);
        return;
    }
    if (s->stage == HL_CVX_FINAL) {
        hl_cvx_run_plan(p, st, w, &s->run, best);
        s->spent += best->iterations;
        s->stage = HL_CVX_SEARCHED;
        return;
    }
    hl_cvx_run_plan(p, &s->search, w, &s->run, scratch);
    s->spent += scratch->iterations;
    if (plan_cost(scratch) < plan_cost(best)) *best = *scratch;
    cost = search_cost(scratch);
    if (s->stage == HL_CVX_GRID)
        grid_done(st, s, cost);
    else
        golden_done(st, s, best, cost);
}

int hl_cvx_solve_free(const hl_cvx_problem_t *p, const hl_cvx_settings_t *st, hl_cvx_work_t *w,
                      hl_cvx_plan_t *best, hl_cvx_plan_t *scratch)
{
    hl_cvx_search_t s;
    hl_cvx_search_start(st, w, &s, best);
    while (s.stage != HL_CVX_SEARCHED) hl_cvx_search_step(p, st, w, &s, best, scratch);
    return s.spent;
}
