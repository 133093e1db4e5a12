/* Hazard avoidance: the lowest-cost reachable safe site (controller/_sites.pyx). */
#ifndef HL_SITES_H
#define HL_SITES_H

#include <stdint.h>

#include "hl_law.h"

typedef struct hl_site_query {
    hl_real nominal_S_m[2];      /* the nominal target */
    hl_real current_S_m[2];      /* the site flown to now */
    hl_real tgo_s;
    hl_real accel_divert_mps2;   /* horizontal acceleration set aside for diverts */
    hl_real mass_kg;
    hl_real exhaust_velocity_mps;
    hl_real cost_safe_max;
    hl_real clearance_min_m;
    hl_real clearance_pref_m;
    hl_real divert_max_m;
    hl_real weight_clearance;
    hl_real weight_distance;
    hl_real weight_propellant;
    hl_real propellant_scale_kg;
} hl_site_query_t;

/* Clearance of every cell [m]: 3-4 chamfer distance to the nearest unsafe
 * cell or the map edge. */
void hl_clearance_transform(const hl_hazard_map_t *m, hl_real cost_safe_max, float *clearance_m);

/* Write the chosen site (x, y, ground z) and return status bits. */
uint32_t hl_select_site(const hl_hazard_map_t *m, const hl_site_query_t *q, float *clearance_m,
                        hl_real site_S_m[3]);

#endif
