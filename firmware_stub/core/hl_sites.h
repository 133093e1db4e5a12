/* Hazard avoidance: the lowest-cost reachable safe site, at once or spread
 * over control steps (controller/_sites.pyx, design E). */
#ifndef HL_SITES_H
#define HL_SITES_H

#include <stdint.h>

#include "hl_guidance.h"
#include "hl_law.h"

/* Clearance of every cell [m]: 3-4 chamfer distance to the nearest unsafe
 * cell or the map edge. */
void hl_clearance_transform(const hl_hazard_map_t *m, hl_real cost_safe_max, float *clearance_m);

/* The whole search at once: write the chosen site (x, y, ground z) and
 * return status bits. */
uint32_t hl_select_site(const hl_hazard_map_t *m, const hl_site_query_t *q, float *clearance_m,
                        hl_real site_S_m[3]);

/* Freeze the question of a new map (g: the step's gate problem) and begin. */
void hl_site_search_begin(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                          const hl_tgo_problem_t *g);

/* A step's slice of the search under way; 1 when it ends with a selection
 * (site, event, a new time-to-go to search). A new map, no map, or a phase
 * without maps (maps = 0) ends it unfinished. */
int hl_site_search_step(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                        const hl_hazard_map_t *m, int maps, uint16_t *status);

/* The centre (x, y) and elevation (z) of the safe cell (the search's tier 0,
 * found without the transform) nearest at_S_m (x, y), within SAFE_CELLS
 * cells of its own and out of the disc unreached (x, y, radius; none if the
 * radius is negative), into cell_S_m: 1; 0 and cell_S_m unchanged if its
 * own cell is safe, it is off the map or none is safe (_sites.pyx F). */
int hl_nearest_safe_cell(const hl_hazard_map_t *m, hl_real cost_safe_max, hl_real clearance_min_m,
                         const hl_real at_S_m[3], const hl_real unreached[3], hl_real cell_S_m[3]);

#endif
