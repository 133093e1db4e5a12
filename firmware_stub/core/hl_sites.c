#include "hl_sites.h"

static const float UNSAFE = 0.0f;
static const float FAR = 1.0e9f;

/* chamfer distance at (i, j); outside the map counts as unsafe */
static float chamfer_at(const float *d, int n, int i, int j)
{
    if (i < 0 || j < 0 || i >= n || j >= n) return UNSAFE;
    return d[i * n + j];
}

static float min_f(float a, float b) { return b < a ? b : a; }

enum { PASSES = 3 }; /* forward, backward, scoring: a unit per map row each */
/* the least miss's end on a cell the map does not show safe gives way to the
 * nearest safe cell this many cells around it (hl_nearest_safe_cell) */
enum { SAFE_CELLS = 4 };

static int abs_i(int x) { return x < 0 ? -x : x; }
static const hl_real G0 = R(9.80665); /* standard gravity for Isp [m/s^2] */

/* seed row i (safe: far, unsafe: 0), then the forward pass over it */
static void forward_row(const hl_hazard_map_t *m, hl_real cost_safe_max, float *d, int i)
{
    int n = m->cells, j;
    for (j = 0; j < n; j++) d[i * n + j] = (hl_real)m->cost[i * n + j] < cost_safe_max ? FAR : UNSAFE;
    for (j = 0; j < n; j++) {
        float v = d[i * n + j];
        v = min_f(v, chamfer_at(d, n, i - 1, j) + 3.0f);
        v = min_f(v, chamfer_at(d, n, i, j - 1) + 3.0f);
        v = min_f(v, chamfer_at(d, n, i - 1, j - 1) + 4.0f);
        v = min_f(v, chamfer_at(d, n, i - 1, j + 1) + 4.0f);
        d[i * n + j] = v;
    }
}

static void backward_row(float *d, int n, int i)
{
    int j;
    for (j = n - 1; j >= 0; j--) {
        float v = d[i * n + j];
        v = min_f(v, chamfer_at(d, n, i + 1, j) + 3.0f);
        v = min_f(v, chamfer_at(d, n, i, j + 1) + 3.0f);
        v = min_f(v, chamfer_at(d, n, i + 1, j + 1) + 4.0f);
        v = min_f(v, chamfer_at(d, n, i + 1, j - 1) + 4.0f);
        d[i * n + j] = v;
    }
}

/* chamfer units (3 per cell) into metres */
static void scale_row(const hl_hazard_map_t *m, float *d, int i)
{
    int n = m->cells, j;
    for (j = 0; j < n; j++) d[i * n + j] = (float)((hl_real)d[i * n + j] / R(3.0) * m->cell_size_m);
}

void hl_clearance_transform(const hl_hazard_map_t *m, hl_real cost_safe_max, float *clearance_m)
{
    int i;
    for (i = 0; i < m->cells; i++) forward_row(m, cost_safe_max, clearance_m, i);
    for (i = m->cells - 1; i >= 0; i--) backward_row(clearance_m, m->cells, i);
    for (i = 0; i < m->cells; i++) scale_row(m, clearance_m, i);
}

/* J = w_c max(0, 1 - clearance / pref) + w_d |site - nominal| / divert_max
 *   + w_p propellant / scale, propellant = m (3 d / t_go) / v_e */
static hl_real site_cost(const hl_site_query_t *q, hl_real clearance, hl_real x, hl_real y,
                         hl_real divert)
{
    hl_real dx = x - q->nominal_S_m[0], dy = y - q->nominal_S_m[1];
    hl_real dn = hl_sqrt(dx * dx + dy * dy);
    hl_real dv = R(3.0) * divert / q->tgo_s;
    hl_real propellant = q->mass_kg * dv / q->exhaust_velocity_mps;
    return q->weight_clearance * hl_fmax(R(0.0), R(1.0) - clearance / q->clearance_pref_m)
           + q->weight_distance * dn / q->divert_max_m
           + q->weight_propellant * propellant / q->propellant_scale_kg;
}

/* row i's reachable cells against the best so far: tier, then cost */
static void score_row(hl_site_search_t *w, const hl_hazard_map_t *m, const float *clearance_m, int i)
{
    const hl_site_query_t *q = &w->q;
    int n = m->cells, j;
    hl_real y = m->origin_S_m[1] + ((hl_real)i + R(0.5)) * m->cell_size_m;
    for (j = 0; j < n; j++) {
        hl_real x = m->origin_S_m[0] + ((hl_real)j + R(0.5)) * m->cell_size_m;
        hl_real dx = x - q->current_S_m[0], dy = y - q->current_S_m[1];
        hl_real divert = hl_sqrt(dx * dx + dy * dy);
        int k = i * n + j, tier;
        hl_real cost;
        if (divert > q->divert_max_m || R(6.0) * divert > q->accel_divert_mps2 * q->tgo_s * q->tgo_s) continue;
        if ((hl_real)m->cost[k] >= q->cost_safe_max) {
            tier = 2;
            cost = (hl_real)m->cost[k];
        } else {
            tier = (hl_real)clearance_m[k] >= q->clearance_min_m ? 0 : 1;
            cost = site_cost(q, (hl_real)clearance_m[k], x, y, divert);
        }
        if (tier < w->best_tier || (tier == w->best_tier && cost < w->best_cost)) {
            w->best_tier = tier;
            w->best_cost = cost;
            w->best_k = k;
        }
        if (hl_fmax(hl_fabs(dx), hl_fabs(dy)) <= R(0.5) * m->cell_size_m && tier > w->here_tier)
            w->here_tier = tier; /* a site on a corner: the worst */
    }
}

static void search_begin(hl_site_search_t *w, const hl_site_query_t *q)
{
    w->running = 1;
    w->unit = 0;
    w->best_tier = 3;
    w->here_tier = -1;
    w->best_k = -1;
    w->best_cost = R(1e30);
    w->q = *q;
}

/* up to units units of work; 1 once the search is done */
static int search_advance(hl_site_search_t *w, const hl_hazard_map_t *m, float *clearance_m, int units)
{
    int n = m->cells, u;
    int end = w->unit + units < PASSES * n ? w->unit + units : PASSES * n;
    for (u = w->unit; u < end; u++) {
        if (u < n) {
            forward_row(m, w->q.cost_safe_max, clearance_m, u);
        } else if (u < 2 * n) {
            backward_row(clearance_m, n, 2 * n - 1 - u);
        } else {
            scale_row(m, clearance_m, u - 2 * n);
            score_row(w, m, clearance_m, u - 2 * n);
        }
    }
    w->unit = end;
    return end == PASSES * n;
}

/* write the chosen site (x, y, ground z), if any, and return status bits */
static uint32_t search_result(const hl_site_search_t *w, const hl_hazard_map_t *m, hl_real site_S_m[3])
{
    int n = m->cells;
    if (w->best_k < 0) return HL_STATUS_NO_SAFE_SITE;
    site_S_m[0] = m->origin_S_m[0] + ((hl_real)(w->best_k % n) + R(0.5)) * m->cell_size_m;
    site_S_m[1] = m->origin_S_m[1] + ((hl_real)(w->best_k / n) + R(0.5)) * m->cell_size_m;
    site_S_m[2] = (hl_real)m->elevation_m[w->best_k];
    return w->best_tier == 2 ? (uint32_t)HL_STATUS_NO_SAFE_SITE : 0u;
}

uint32_t hl_select_site(const hl_hazard_map_t *m, const hl_site_query_t *q, float *clearance_m,
                        hl_real site_S_m[3])
{
    hl_site_search_t w;
    search_begin(&w, q);
    (void)search_advance(&w, m, clearance_m, PASSES * m->cells);
    return search_result(&w, m, site_S_m);
}

void hl_site_search_begin(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                          const hl_tgo_problem_t *g)
{
    hl_site_query_t q;
    q.nominal_S_m[0] = R(0.0);
    q.nominal_S_m[1] = R(0.0);
    q.current_S_m[0] = s->site_S_m[0];
    q.current_S_m[1] = s->site_S_m[1];
    if (s->phase == HL_PHASE_HOVER) {
        q.tgo_s = p->hover_s; /* the hover's time is the time to move */
    } else {
        q.tgo_s = (hl_real)(s->tgo_s > (double)p->tgo_switch_s ? s->tgo_s : hl_tgo_search(g));
    }
    q.accel_divert_mps2 = p->divert_accel_fraction * (hl_real)g->accel_max * hl_sin(p->tilt_max_rad);
    q.mass_kg = hl_fmax((hl_real)f->mass_estimate_kg, R(1.0));
    q.exhaust_velocity_mps = p->isp_s * G0;
    q.cost_safe_max = p->site_cost_safe_max;
    q.clearance_min_m = p->site_clearance_min_m;
    q.clearance_pref_m = p->site_clearance_pref_m;
    q.divert_max_m = p->divert_max_m;
    q.weight_clearance = p->site_weight_clearance;
    q.weight_distance = p->site_weight_distance;
    q.weight_propellant = p->site_weight_propellant;
    q.propellant_scale_kg = p->site_propellant_scale_kg;
    search_begin(&s->search, &q);
    s->work.cvx.warm = 0;            /* the search works in the solver's buffer, */
    s->plan.job.stage = HL_JOB_IDLE; /* so a replan under way ends */
}

/* a site search ended (new_S_m: the site it chose): plan again (after a failure
 * too), and keep the site it leaves (to fly to if no plan reaches the new one) when
 * a plan to it was in hand and the map shows its cells safe (tier 0 or 1, below
 * site_cost_safe_max) */
static void leave_site(hl_plan_state_t *pl, const hl_real *site_S_m, const hl_real *new_S_m,
                       int32_t here_tier)
{
    int i;
    int moved = new_S_m[0] != site_S_m[0] || new_S_m[1] != site_S_m[1] || new_S_m[2] != site_S_m[2];
    pl->kept = pl->valid && !pl->missed && here_tier >= 0 && here_tier <= 1 && moved;
    for (i = 0; i < 3; i++) pl->kept_site_S_m[i] = site_S_m[i];
    pl->valid = 0;
    pl->failed = 0;
}

int hl_site_search_step(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                        const hl_hazard_map_t *m, int maps, uint16_t *status)
{
    hl_real new_S_m[3];
    int i;
    if (!s->search.running) return 0;
    if (f->hazard_map_ready || m == NULL || !maps) {
        s->search.running = 0;
        s->work.cvx.warm = 0; /* the search wrote over the solver's buffer */
        return 0;
    }
    if (!search_advance(&s->search, m, s->work.clearance_m, p->site_search_rows_per_tick)) return 0;
    s->search.running = 0;
    s->work.cvx.warm = 0;
    for (i = 0; i < 3; i++) new_S_m[i] = s->site_S_m[i];
    *status = (uint16_t)(*status | search_result(&s->search, m, new_S_m));
    leave_site(&s->plan, s->site_S_m, new_S_m, s->search.here_tier); /* and plan again */
    for (i = 0; i < 3; i++) s->site_S_m[i] = new_S_m[i];
    s->events |= HL_EVENT_SITE_SELECTED;
    s->tgo_s = 0.0; /* new target: search the time-to-go again */
    return 1;
}

/* whether cell (i, j) is safe as the search's tier 0 (_sites.pyx F): its cost
 * below cost_safe_max, and no unsafe cell (nor the map's edge) within
 * clearance_min_m by the 3-4 chamfer distance */
static int safe_cell(const hl_hazard_map_t *m, hl_real cost_safe_max, hl_real clearance_min_m,
                     int i, int j)
{
    int n = m->cells, w = (int)(clearance_min_m / m->cell_size_m) + 1, a, b, lo, hi;
    if ((hl_real)m->cost[i * n + j] >= cost_safe_max) return 0;
    /* the ring of cells just off the map is the nearest of it */
    for (a = (i - w > -1 ? i - w : -1); a <= (i + w < n ? i + w : n); a++) {
        for (b = (j - w > -1 ? j - w : -1); b <= (j + w < n ? j + w : n); b++) {
            int inside = a >= 0 && a < n && b >= 0 && b < n;
            if (inside && (hl_real)m->cost[a * n + b] < cost_safe_max) continue;
            lo = abs_i(a - i) < abs_i(b - j) ? abs_i(a - i) : abs_i(b - j);
            hi = abs_i(a - i) < abs_i(b - j) ? abs_i(b - j) : abs_i(a - i);
            if ((hl_real)(float)((hl_real)(4 * lo + 3 * (hi - lo)) / R(3.0) * m->cell_size_m)
                < clearance_min_m)
                return 0;
        }
    }
    return 1;
}

int hl_nearest_safe_cell(const hl_hazard_map_t *m, hl_real cost_safe_max, hl_real clearance_min_m,
                         const hl_real at_S_m[3], const hl_real unreached[3], hl_real cell_S_m[3])
{
    int n = m->cells, i, j, a, b, k = -1;
    hl_real c = m->cell_size_m, near = (hl_real)FAR;
    if (n <= 0 || c <= R(0.0)) return 0; /* no map */
    i = (int)hl_floor((at_S_m[1] - m->origin_S_m[1]) / c);
    j = (int)hl_floor((at_S_m[0] - m->origin_S_m[0]) / c);
    if (i < 0 || i >= n || j < 0 || j >= n || safe_cell(m, cost_safe_max, clearance_min_m, i, j))
        return 0;
    for (a = (i - SAFE_CELLS > 0 ? i - SAFE_CELLS : 0); a < n && a <= i + SAFE_CELLS; a++) {
        for (b = (j - SAFE_CELLS > 0 ? j - SAFE_CELLS : 0); b < n && b <= j + SAFE_CELLS; b++) {
            hl_real dx = m->origin_S_m[0] + ((hl_real)b + R(0.5)) * c - at_S_m[0];
            hl_real dy = m->origin_S_m[1] + ((hl_real)a + R(0.5)) * c - at_S_m[1];
            hl_real d2 = dx * dx + dy * dy;
            hl_real ux = m->origin_S_m[0] + ((hl_real)b + R(0.5)) * c - unreached[0];
            hl_real uy = m->origin_S_m[1] + ((hl_real)a + R(0.5)) * c - unreached[1];
            if (unreached[2] >= R(0.0) && ux * ux + uy * uy <= unreached[2] * unreached[2])
                continue; /* within the disc no plan reaches */
            if (d2 < near && safe_cell(m, cost_safe_max, clearance_min_m, a, b)) {
                k = a * n + b;
                near = d2;
            }
        }
    }
    if (k < 0) return 0;
    cell_S_m[0] = m->origin_S_m[0] + ((hl_real)(k % n) + R(0.5)) * c;
    cell_S_m[1] = m->origin_S_m[1] + ((hl_real)(k / n) + R(0.5)) * c;
    cell_S_m[2] = (hl_real)m->elevation_m[k];
    return 1;
}
