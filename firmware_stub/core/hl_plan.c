/* Convex guidance: the C port of controller/_plan.pyx (design A-F there,
 * docs/law.md "Convex guidance"). The solver works in hl_real (float32 on a
 * board, docs/optimal.md); times stay in double, as the Apollo law's. */
#include "hl_plan.h"

#include "hl_sites.h"
#include "hl_throttle.h"
#include "hl_track.h"

static const hl_real G0 = R(9.80665); /* standard gravity for Isp [m/s^2] */
/* the plan points its thrust within this fraction of tilt_max_rad: the rest is
 * the feedback's, which the throttle stage clips to the tilt limit first */
static const hl_real PLAN_TILT = R(0.9);
/* the first plan flies this much longer than the search's optimum: the
 * fuel-optimal time sits at the edge of the shortest feasible one, where the
 * first replans would find none; 4 % longer costs 1-2 % more propellant */
static const hl_real TIME_MARGIN = R(1.04);
static const hl_real STRETCH = R(1.08); /* a replan with no plan in the time left tries */
enum { STRETCHES = 3 }; /* this much longer, up to this many times (measured, docs/law.md) */
/* The fallback (no plan reaches the site): bisection steps on the radius of
 * the target disc (to miss_max_m / 2^MISS_STEPS), and how much farther than
 * the least miss found it lands, so that its replans have slack. */
enum { MISS_STEPS = 7 };
static const hl_real MISS_MARGIN = R(1.1);
/* The solver's settings (controller/reference_convex.py DEFAULTS, _plan.pyx). */
static const hl_cvx_settings_t SETTINGS = {4000, R(3.0e-4), 8, 8, R(5.0), R(150.0), 1000};

/* q to the gate over another site */
static void retarget(const hl_law_params_t *p, hl_cvx_problem_t *q, const hl_real site_S_m[3])
{
    q->target_position_m[0] = site_S_m[0];
    q->target_position_m[1] = site_S_m[1];
    q->target_position_m[2] = site_S_m[2] + p->gate_altitude_m;
    q->floor_z_m = q->target_position_m[2];
}

/* the fuel-optimal problem from the navigation state to the gate (A) */
static void convex_problem(const hl_law_params_t *p, const hl_plan_state_t *pl,
                           const hl_real site_S_m[3], const hl_sensor_frame_t *f,
                           hl_cvx_problem_t *q)
{
    hl_real rated = hl_thrust_rated_N(p, f->engines_active);
    int i;
    for (i = 0; i < 3; i++) {
        q->position_m[i] = (hl_real)f->nav_position_S_m[i];
        q->velocity_mps[i] = (hl_real)f->nav_velocity_S_mps[i];
        q->target_velocity_mps[i] = R(0.0);
    }
    retarget(p, q, site_S_m);
    q->target_velocity_mps[2] = -p->gate_speed_mps;
    q->mass_kg = hl_fmax((hl_real)f->mass_estimate_kg, R(1.0));
    q->gravity_mps2 = p->gravity_mps2;
    q->thrust_min_N = p->throttle_min * rated;
    q->thrust_max_N = p->plan_throttle_max * (p->throttle_max * rated);
    q->alpha_s_per_m = R(1.0) / (p->isp_s * G0 * hl_cos(p->cant_rad));
    q->dry_mass_kg = pl->dry_mass_kg + p->plan_reserve_kg;
    q->cos_tilt_max = hl_cos(PLAN_TILT * p->tilt_max_rad);
    q->tan_glide_slope = hl_tan(p->plan_glide_slope_rad);
    q->nodes = p->plan_nodes;
    q->target_radius_m = R(0.0); /* the site itself (D: the fallback's disc) */
    q->slew_rate_radps = p->slew_rate_max_radps;
}

double hl_plan_time_to_go_s(const hl_plan_state_t *pl, double t)
{
    return pl->start_s + (double)pl->time_of_flight_s - t;
}

/* the fallback's widest disc (D): the vehicle's distance from the site
 * across the ground, plus its drift in a fall to the target's height, plus
 * divert_max_m */
static hl_real miss_max_m(const hl_law_params_t *p, const hl_cvx_problem_t *q)
{
    hl_real dx = q->position_m[0] - q->target_position_m[0];
    hl_real dy = q->position_m[1] - q->target_position_m[1];
    hl_real vx = q->velocity_mps[0], vy = q->velocity_mps[1], vz = q->velocity_mps[2];
    hl_real h = hl_fmax(q->position_m[2] - q->target_position_m[2], R(0.0)), g = q->gravity_mps2;
    hl_real fall_s = (vz + hl_sqrt(vz * vz + R(2.0) * g * h)) / g;
    return hl_sqrt(dx * dx + dy * dy) + hl_sqrt(vx * vx + vy * vy) * fall_s + p->divert_max_m;
}

/* the plan flown from the state of the step its replan began on */
static void adopt(hl_plan_state_t *pl, const hl_cvx_plan_t *plan, const hl_plan_job_t *j)
{
    int i, k;
    pl->valid = 1;
    pl->start_s = j->start_s;
    pl->time_of_flight_s = plan->time_of_flight_s;
    pl->nodes = j->q.nodes;
    for (i = 0; i < 3; i++) {
        pl->position_m[i] = j->q.position_m[i];
        pl->velocity_mps[i] = j->q.velocity_mps[i];
    }
    for (k = 0; k < pl->nodes; k++)
        for (i = 0; i < 3; i++) pl->accel_mps2[k][i] = plan->accel_mps2[k][i];
}

/* a replan from this step's state (E): at the time left if a plan is in
 * hand, else the first plan's search; the fallback's problem is set now (D:
 * to the site on the ground under the vehicle, by the radar if valid) */
static void start_job(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w,
                      const hl_real site_S_m[3], const hl_sensor_frame_t *f)
{
    hl_plan_job_t *j = &pl->job;
    hl_real r[3];
    j->start_s = (double)f->time_s;
    j->count = 0;
    j->missing = 0;
    j->found = 0;
    j->kept = 0;
    convex_problem(p, pl, site_S_m, f, &j->q);
    r[0] = site_S_m[0];
    r[1] = site_S_m[1];
    r[2] = site_S_m[2];
    if (f->radar_altitude_valid)
        r[2] = (hl_real)((double)f->nav_position_S_m[2] - (double)f->radar_altitude_m);
    j->ground_m = r[2];
    convex_problem(p, pl, r, f, &j->to_ground);
    if (pl->valid) {
        j->stage = HL_JOB_FIXED;
        j->tf = (hl_real)hl_plan_time_to_go_s(pl, (double)f->time_s);
        hl_cvx_run_start(&j->run, j->tf);
    } else {
        pl->missed = 0;
        j->kept = pl->kept;
        pl->kept = 0;
        j->stage = HL_JOB_SEARCH;
        hl_cvx_search_start(&SETTINGS, w, &j->search, &j->best);
    }
}

static void end_job(const hl_law_params_t *p, hl_plan_state_t *pl, int found)
{
    pl->next_replan_s = pl->job.start_s + (double)p->replan_period_s;
    pl->job.found = found;
    pl->job.stage = HL_JOB_IDLE;
}

/* a replan at the time left solved: a little longer if none flies in it,
 * up to STRETCHES times; adopted unless infeasible */
static void fixed_done(const hl_law_params_t *p, hl_plan_state_t *pl)
{
    hl_plan_job_t *j = &pl->job;
    if (j->plan.status == HL_CVX_INFEASIBLE && j->count < STRETCHES) {
        j->count += 1;
        j->tf *= STRETCH;
        hl_cvx_run_start(&j->run, j->tf);
        return;
    }
    if (j->plan.status != HL_CVX_INFEASIBLE) adopt(pl, &j->plan, j);
    end_job(p, pl, j->plan.status != HL_CVX_INFEASIBLE);
}

static int missed(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w,
                  hl_real site_S_m[3], const hl_hazard_map_t *m);

/* the first plan (the search's optimum, TIME_MARGIN longer) adopted; or if
 * none, the fallback's search (D); or if that was the fallback's, its end
 * the site now (or the safe cell nearest it) */
static void first_done(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w,
                       hl_real site_S_m[3], const hl_hazard_map_t *m)
{
    hl_plan_job_t *j = &pl->job;
    int i;
    if (j->plan.status != HL_CVX_INFEASIBLE) {
        adopt(pl, &j->plan, j);
        if (j->missing) {
            if (missed(p, pl, w, site_S_m, m)) return; /* on to the safe cell nearest its end */
        } else if (j->kept == 2) { /* the site the search left is the site again */
            for (i = 0; i < 3; i++) site_S_m[i] = pl->kept_site_S_m[i];
        }
        end_job(p, pl, !j->missing && j->kept != 2);
    } else if (j->kept == 1) { /* no plan to the search's site: the site it left */
        j->kept = 2;
        retarget(p, &j->q, pl->kept_site_S_m);
        j->stage = HL_JOB_SEARCH;
        hl_cvx_search_start(&SETTINGS, w, &j->search, &j->best);
    } else if (!j->missing) { /* no plan to the site: the least miss (D) */
        j->q = j->to_ground;
        j->radius_max_m = miss_max_m(p, &j->q);
        j->q.target_radius_m = j->radius_max_m;
        j->q.tan_glide_slope = R(0.0);
        j->stage = HL_JOB_WIDE;
        hl_cvx_search_start(&SETTINGS, w, &j->search, &j->best);
    } else {
        end_job(p, pl, 0);
    }
}

/* the fallback's plan adopted (D): its end is the site; or if this was the
 * plan to the safe cell nearest the end, that cell. 1 if the map does not
 * show the end safe and the search to that cell began. */
static int missed(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w,
                  hl_real site_S_m[3], const hl_hazard_map_t *m)
{
    hl_plan_job_t *j = &pl->job;
    hl_real v[3], unreached[3];
    int i;
    pl->missed = 1;
    w->warm = 0; /* its iterate is of the disc's rows (or of no glide slope) */
    if (j->missing == 2) {
        for (i = 0; i < 3; i++) site_S_m[i] = j->safe_S_m[i];
        return 0;
    }
    (void)hl_plan_state_at(pl, p->gravity_mps2, pl->start_s + (double)pl->time_of_flight_s,
                           j->safe_S_m, v);
    site_S_m[0] = j->safe_S_m[0];
    site_S_m[1] = j->safe_S_m[1];
    site_S_m[2] = j->ground_m;
    unreached[0] = j->to_ground.target_position_m[0];
    unreached[1] = j->to_ground.target_position_m[1];
    unreached[2] = j->lo; /* the bisection's largest disc with no plan */
    if (m == NULL
        || !hl_nearest_safe_cell(m, p->site_cost_safe_max, p->site_clearance_min_m, site_S_m,
                                 unreached, j->safe_S_m))
        return 0;
    pl->next_replan_s = j->start_s + (double)p->replan_period_s; /* the least miss flies */
    j->missing = 2;
    j->q = j->to_ground;
    retarget(p, &j->q, j->safe_S_m);
    j->q.tan_glide_slope = R(0.0);
    j->stage = HL_JOB_SEARCH;
    hl_cvx_search_start(&SETTINGS, w, &j->search, &j->best);
    return 1;
}

/* a final-time search done: the first plan's (its optimum then solved
 * TIME_MARGIN longer), or one of the fallback's bisection on the disc's
 * radius (D), whose last searches the disc MISS_MARGIN times wider */
static void searched(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w,
                     hl_real site_S_m[3], const hl_hazard_map_t *m)
{
    hl_plan_job_t *j = &pl->job;
    if (j->stage == HL_JOB_SEARCH) {
        w->warm = 0; /* the search's iterate is of another final time */
        if (j->best.status == HL_CVX_INFEASIBLE) {
            j->plan = j->best;
            first_done(p, pl, w, site_S_m, m);
        } else {
            j->stage = HL_JOB_MARGIN;
            hl_cvx_run_start(&j->run, j->best.time_of_flight_s * TIME_MARGIN);
        }
        return;
    }
    if (j->stage == HL_JOB_WIDE && j->best.status == HL_CVX_INFEASIBLE) {
        end_job(p, pl, 0); /* none lands within miss_max_m */
        return;
    }
    if (j->stage == HL_JOB_WIDE) {
        j->lo = R(0.0);
        j->hi = j->radius_max_m;
    } else if (j->best.status == HL_CVX_INFEASIBLE) {
        j->lo = j->q.target_radius_m;
    } else {
        j->hi = j->q.target_radius_m;
    }
    if (j->stage == HL_JOB_BISECT) j->count += 1;
    if (j->count < MISS_STEPS) {
        j->stage = HL_JOB_BISECT;
        j->q.target_radius_m = R(0.5) * (j->lo + j->hi);
    } else {
        j->stage = HL_JOB_SEARCH;
        j->missing = 1;
        j->q.target_radius_m = hl_fmin(j->hi * MISS_MARGIN, j->radius_max_m);
    }
    hl_cvx_search_start(&SETTINGS, w, &j->search, &j->best);
}

/* what the replan's next unit costs at most, in iterations (0: the step
 * from a solve or a search done to the next) */
static int job_units(const hl_plan_job_t *j)
{
    if (j->stage == HL_JOB_FIXED || j->stage == HL_JOB_MARGIN) return hl_cvx_run_units(&j->run);
    return hl_cvx_search_units(&j->search);
}

/* one unit of the replan's solver work, or when a solve or a search is
 * done, the step to the next */
static void job_unit(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w,
                     hl_real site_S_m[3], const hl_hazard_map_t *m)
{
    hl_plan_job_t *j = &pl->job;
    if (j->stage == HL_JOB_FIXED || j->stage == HL_JOB_MARGIN) {
        if (j->run.stage != HL_CVX_RUN_DONE) {
            hl_cvx_run_step(&j->q, &SETTINGS, w, &j->run);
            return;
        }
        hl_cvx_run_plan(&j->q, &SETTINGS, w, &j->run, &j->plan);
        if (j->stage == HL_JOB_FIXED) {
            fixed_done(p, pl);
            return;
        }
        if (j->plan.status == HL_CVX_INFEASIBLE) j->plan = j->best;
        first_done(p, pl, w, site_S_m, m);
    } else if (j->search.stage != HL_CVX_SEARCHED) {
        hl_cvx_search_step(&j->q, &SETTINGS, w, &j->search, &j->best, &j->plan);
    } else {
        searched(p, pl, w, site_S_m, m);
    }
}

/* the replan's units while they fit in budget (0: to its end); a step does
 * one unit at least. 1 if any ran. */
static int run_job(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w,
                   hl_real site_S_m[3], const hl_hazard_map_t *m)
{
    int used = 0, need, ran = 0, budget = p->plan_iterations_per_tick;
    while (pl->job.stage != HL_JOB_IDLE) {
        need = job_units(&pl->job);
        if (budget > 0 && need > 0 && used > 0 && used + need > budget) break;
        job_unit(p, pl, w, site_S_m, m);
        used += need;
        ran = 1;
    }
    return ran;
}

/* a replan under way that found no plan to the site: the least miss's
 * searches or the site a search left follow (D, C), and the step says so */
static int unreached(const hl_plan_job_t *j)
{
    return j->stage != HL_JOB_IDLE && (j->stage == HL_JOB_WIDE || j->stage == HL_JOB_BISECT ||
                                       j->missing != 0 || j->kept == 2);
}

int hl_fly_plan(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w, int may_solve,
                hl_real site_S_m[3], const hl_sensor_frame_t *f, const hl_hazard_map_t *m,
                hl_real a[3], hl_real *raise_max, int *found)
{
    double t = (double)f->time_s;
    double tgo = hl_plan_time_to_go_s(pl, t);
    int due = !pl->valid || (t >= pl->next_replan_s && tgo > (double)p->tgo_freeze_s);
    *found = 1;
    if (!may_solve) pl->job.stage = HL_JOB_IDLE; /* a site search holds the solver's buffer */
    if (pl->job.stage == HL_JOB_IDLE && due && may_solve) start_job(p, pl, w, site_S_m, f);
    if (run_job(p, pl, w, site_S_m, m) && pl->job.stage == HL_JOB_IDLE) { /* it ended this step */
        *found = pl->job.found;
        pl->failed = !pl->valid;
    }
    *found = *found && !pl->missed && !unreached(&pl->job);
    if (!pl->valid) return 0;
    hl_track(p, pl, f, a, raise_max);
    return 1;
}
