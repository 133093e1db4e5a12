/* Convex guidance: the C port of controller/_plan.pyx (design A-C there,
 * docs/law.md "Convex guidance"). The solver works in hl_real (float32 on a
 * board, docs/optimal.md); times stay in double, as the Apollo law's. */
#include "hl_plan.h"

#include "hl_throttle.h"

static const hl_real G0 = R(9.80665); /* standard gravity for Isp [m/s^2] */
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

/* the fuel-optimal problem from the navigation state to the gate (A) */
static void convex_problem(const hl_law_params_t *p, const hl_real site_S_m[3],
                           const hl_sensor_frame_t *f, hl_cvx_problem_t *q)
{
    hl_real rated = hl_thrust_rated_N(p, f->engines_active);
    int i;
    for (i = 0; i < 3; i++) {
        q->position_m[i] = (hl_real)f->nav_position_S_m[i];
        q->velocity_mps[i] = (hl_real)f->nav_velocity_S_mps[i];
        q->target_position_m[i] = site_S_m[i];
        q->target_velocity_mps[i] = R(0.0);
    }
    q->target_position_m[2] = site_S_m[2] + p->gate_altitude_m;
    q->target_velocity_mps[2] = -p->gate_speed_mps;
    q->mass_kg = hl_fmax((hl_real)f->mass_estimate_kg, R(1.0));
    q->gravity_mps2 = p->gravity_mps2;
    q->thrust_min_N = p->throttle_min * rated;
    q->thrust_max_N = p->plan_throttle_max * (p->throttle_max * rated);
    q->alpha_s_per_m = R(1.0) / (p->isp_s * G0 * hl_cos(p->cant_rad));
    q->dry_mass_kg = p->dry_mass_kg + p->plan_reserve_kg;
    q->cos_tilt_max = hl_cos(p->tilt_max_rad);
    q->tan_glide_slope = hl_tan(p->plan_glide_slope_rad);
    q->floor_z_m = q->target_position_m[2];
    q->nodes = p->plan_nodes;
    q->target_radius_m = R(0.0); /* the site itself (D: the fallback's disc) */
    q->slew_rate_radps = p->slew_rate_max_radps;
}

double hl_plan_time_to_go_s(const hl_plan_state_t *pl, double t)
{
    return pl->start_s + (double)pl->time_of_flight_s - t;
}

static void adopt(hl_plan_state_t *pl, const hl_cvx_plan_t *plan, int nodes,
                  const hl_sensor_frame_t *f)
{
    int i, k;
    pl->valid = 1;
    pl->start_s = (double)f->time_s;
    pl->time_of_flight_s = plan->time_of_flight_s;
    pl->nodes = nodes;
    for (i = 0; i < 3; i++) {
        pl->position_m[i] = (hl_real)f->nav_position_S_m[i];
        pl->velocity_mps[i] = (hl_real)f->nav_velocity_S_mps[i];
    }
    for (k = 0; k < nodes; k++)
        for (i = 0; i < 3; i++) pl->accel_mps2[k][i] = plan->accel_mps2[k][i];
}

/* the search's optimum (in best), flown TIME_MARGIN longer (the optimum
 * itself if that finds none) */
static void first_plan(const hl_cvx_problem_t *q, hl_cvx_work_t *w, hl_cvx_plan_t *plan,
                       hl_cvx_plan_t *best)
{
    (void)hl_cvx_solve_free(q, &SETTINGS, w, best, plan);
    w->warm = 0; /* the search's iterate is of another final time */
    if (best->status != HL_CVX_INFEASIBLE)
        hl_cvx_solve_fixed(q, best->time_of_flight_s * TIME_MARGIN, &SETTINGS, w, plan);
    if (best->status == HL_CVX_INFEASIBLE || plan->status == HL_CVX_INFEASIBLE) *plan = *best;
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

/* the least miss (D): the plan into plan (infeasible if none lands within
 * radius_max_m) */
static void fallback_plan(hl_real radius_max_m, const hl_cvx_problem_t *q, hl_cvx_work_t *w,
                          hl_cvx_plan_t *plan, hl_cvx_plan_t *scratch)
{
    hl_cvx_problem_t wide = *q;
    hl_real lo = R(0.0), hi = radius_max_m;
    int i;
    wide.target_radius_m = radius_max_m;
    wide.tan_glide_slope = R(0.0);
    (void)hl_cvx_solve_free(&wide, &SETTINGS, w, plan, scratch);
    if (plan->status == HL_CVX_INFEASIBLE) return;
    for (i = 0; i < MISS_STEPS; i++) {
        wide.target_radius_m = R(0.5) * (lo + hi);
        (void)hl_cvx_solve_free(&wide, &SETTINGS, w, plan, scratch);
        if (plan->status == HL_CVX_INFEASIBLE)
            lo = wide.target_radius_m;
        else
            hi = wide.target_radius_m;
    }
    wide.target_radius_m = hl_fmin(hi * MISS_MARGIN, radius_max_m);
    first_plan(&wide, w, plan, scratch);
}

static int plan_state(const hl_plan_state_t *pl, hl_real g, double t, hl_real r[3], hl_real v[3]);

/* the fallback's plan adopted, if one lands within miss_max_m: its end is
 * the site now; the ground there is taken level with the ground under the
 * vehicle (the radar's, if valid: a map it has not seen tells no more) */
static void miss(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w,
                 hl_real site_S_m[3], const hl_sensor_frame_t *f, hl_cvx_plan_t *plan,
                 hl_cvx_plan_t *scratch)
{
    hl_cvx_problem_t q;
    hl_real r[3], v[3];
    hl_real ground = site_S_m[2];
    if (f->radar_altitude_valid)
        ground = (hl_real)((double)f->nav_position_S_m[2] - (double)f->radar_altitude_m);
    r[0] = site_S_m[0];
    r[1] = site_S_m[1];
    r[2] = ground;
    convex_problem(p, r, f, &q);
    fallback_plan(miss_max_m(p, &q), &q, w, plan, scratch);
    if (plan->status == HL_CVX_INFEASIBLE) return;
    adopt(pl, plan, q.nodes, f);
    pl->missed = 1;
    w->warm = 0; /* its iterate is of the disc's rows */
    (void)plan_state(pl, p->gravity_mps2, pl->start_s + (double)pl->time_of_flight_s, r, v);
    site_S_m[0] = r[0];
    site_S_m[1] = r[1];
    site_S_m[2] = ground;
}

/* solve from this step's state at the time left, or if none flies in it a
 * little longer (searching the final time if no plan is in hand, and if that
 * finds none, the fallback's: D); adopt the plan unless infeasible (then the
 * plan in hand flies on); 1 if a plan to the site was adopted */
static int replan(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w,
                  hl_real site_S_m[3], const hl_sensor_frame_t *f)
{
    hl_cvx_plan_t plan, scratch;
    hl_cvx_problem_t q;
    hl_real tf = (hl_real)hl_plan_time_to_go_s(pl, (double)f->time_s);
    int i;
    convex_problem(p, site_S_m, f, &q);
    if (pl->valid) {
        hl_cvx_solve_fixed(&q, tf, &SETTINGS, w, &plan);
        for (i = 0; i < STRETCHES && plan.status == HL_CVX_INFEASIBLE; i++) {
            tf *= STRETCH; /* not in the time left: a little longer */
            hl_cvx_solve_fixed(&q, tf, &SETTINGS, w, &plan);
        }
    } else {
        pl->missed = 0;
        first_plan(&q, w, &plan, &scratch);
    }
    pl->next_replan_s = (double)f->time_s + (double)p->replan_period_s;
    if (plan.status != HL_CVX_INFEASIBLE) {
        adopt(pl, &plan, q.nodes, f);
        return 1;
    }
    if (!pl->valid) miss(p, pl, w, site_S_m, f, &plan, &scratch);
    return 0;
}

/* the plan's position and velocity at time t (clamped to the plan): the
 * start state carried through the held accelerations (B); returns the
 * interval flown */
static int plan_state(const hl_plan_state_t *pl, hl_real g, double t, hl_real r[3], hl_real v[3])
{
    hl_real dt = pl->time_of_flight_s / (hl_real)pl->nodes;
    hl_real tau = hl_fmin(hl_fmax((hl_real)(t - pl->start_s), R(0.0)), pl->time_of_flight_s);
    int k = (int)(tau / dt), i, j;
    hl_real h, a;
    if (k > pl->nodes - 1) k = pl->nodes - 1;
    for (i = 0; i < 3; i++) {
        r[i] = pl->position_m[i];
        v[i] = pl->velocity_mps[i];
    }
    for (j = 0; j <= k; j++) {
        h = j < k ? dt : tau - (hl_real)k * dt;
        for (i = 0; i < 3; i++) {
            a = pl->accel_mps2[j][i] - (i == 2 ? g : R(0.0));
            r[i] += v[i] * h + R(0.5) * a * h * h;
            v[i] += a * h;
        }
    }
    return k;
}

/* the plan's acceleration now, plus the feedback toward its state (B) */
static void track(const hl_law_params_t *p, const hl_plan_state_t *pl, const hl_sensor_frame_t *f,
                  hl_real a[3])
{
    hl_real r[3], v[3];
    int i, k = plan_state(pl, p->gravity_mps2, (double)f->time_s, r, v);
    for (i = 0; i < 3; i++)
        a[i] = pl->accel_mps2[k][i]
               + p->plan_position_gain_per_s2 * (r[i] - (hl_real)f->nav_position_S_m[i])
               + p->plan_velocity_gain_per_s * (v[i] - (hl_real)f->nav_velocity_S_mps[i]);
}

int hl_fly_plan(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w, int may_solve,
                hl_real site_S_m[3], const hl_sensor_frame_t *f, hl_real a[3], int *found)
{
    double t = (double)f->time_s;
    double tgo = hl_plan_time_to_go_s(pl, t);
    int due = !pl->valid || (t >= pl->next_replan_s && tgo > (double)p->tgo_freeze_s);
    *found = 1;
    if (due && may_solve) {
        *found = replan(p, pl, w, site_S_m, f);
        pl->failed = !pl->valid;
    }
    *found = *found && !pl->missed;
    if (!pl->valid) return 0;
    track(p, pl, f, a);
    return 1;
}
