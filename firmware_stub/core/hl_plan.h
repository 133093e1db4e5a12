/* Convex guidance: the fuel-optimal plan to the approach gate, replanned and
 * tracked. The C port of controller/_plan.pyx (design notes there); the
 * double build matches it bit for bit. */
#ifndef HL_PLAN_H
#define HL_PLAN_H

#include "hl_law.h"

double hl_plan_time_to_go_s(const hl_plan_state_t *pl, double t);

/* The plan's acceleration into a (and the raise's bound into raise_max:
 * hl_track), replanned when due (may_solve: no site
 * search holds the solver's buffer); 0: no plan, the Apollo law flies.
 * *found: 0 if a solve found no plan to the site (also while the replan
 * that found none searches on), or the fallback's plan flies (its end the
 * site now, in site_S_m, or the safe cell of the last hazard map m, NULL:
 * none, nearest it). */
int hl_fly_plan(const hl_law_params_t *p, hl_plan_state_t *pl, hl_cvx_work_t *w, int may_solve,
                hl_real site_S_m[3], const hl_sensor_frame_t *f, const hl_hazard_map_t *m,
                hl_real a[3], hl_real *raise_max, int *found);

#endif
