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

void hl_clearance_transform(const hl_hazard_map_t *m, hl_real cost_safe_max, float *clearance_m)
{
    int n = m->cells, i, j, k;
    for (k = 0; k < n * n; k++) clearance_m[k] = (hl_real)m->cost[k] < cost_safe_max ? FAR : UNSAFE;
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            float v = clearance_m[i * n + j];
            v = min_f(v, chamfer_at(clearance_m, n, i - 1, j) + 3.0f);
            v = min_f(v, chamfer_at(clearance_m, n, i, j - 1) + 3.0f);
            v = min_f(v, chamfer_at(clearance_m, n, i - 1, j - 1) + 4.0f);
            v = min_f(v, chamfer_at(clearance_m, n, i - 1, j + 1) + 4.0f);
            clearance_m[i * n + j] = v;
        }
    }
    for (i = n - 1; i >= 0; i--) {
        for (j = n - 1; j >= 0; j--) {
            float v = clearance_m[i * n + j];
            v = min_f(v, chamfer_at(clearance_m, n, i + 1, j) + 3.0f);
            v = min_f(v, chamfer_at(clearance_m, n, i, j + 1) + 3.0f);
            v = min_f(v, chamfer_at(clearance_m, n, i + 1, j + 1) + 4.0f);
            v = min_f(v, chamfer_at(clearance_m, n, i + 1, j - 1) + 4.0f);
            clearance_m[i * n + j] = v;
        }
    }
    for (k = 0; k < n * n; k++) clearance_m[k] = (float)((hl_real)clearance_m[k] / R(3.0) * m->cell_size_m);
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

uint32_t hl_select_site(const hl_hazard_map_t *m, const hl_site_query_t *q, float *clearance_m,
                        hl_real site_S_m[3])
{
    int n = m->cells, i, j, best_tier = 3, best_k = -1;
    hl_real best_cost = R(1e30);
    hl_clearance_transform(m, q->cost_safe_max, clearance_m);
    for (i = 0; i < n; i++) {
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
            if (tier < best_tier || (tier == best_tier && cost < best_cost)) {
                best_tier = tier;
                best_cost = cost;
                best_k = k;
            }
        }
    }
    if (best_k < 0) return HL_STATUS_NO_SAFE_SITE;
    site_S_m[0] = m->origin_S_m[0] + ((hl_real)(best_k % n) + R(0.5)) * m->cell_size_m;
    site_S_m[1] = m->origin_S_m[1] + ((hl_real)(best_k / n) + R(0.5)) * m->cell_size_m;
    site_S_m[2] = (hl_real)m->elevation_m[best_k];
    return best_tier == 2 ? (uint32_t)HL_STATUS_NO_SAFE_SITE : 0u;
}
