/* The Apollo approach's problem and turn-round (hl_approach.c). */
#ifndef HL_APPROACH_H
#define HL_APPROACH_H

#include "hl_guidance.h"
#include "hl_law.h"

/* the constant deceleration from the gate to the sky-crane start */
hl_real hl_gate_decel_mps2(const hl_law_params_t *p);

/* the Apollo law's problem: from the navigation state to the gate over the site */
void hl_gate_problem(const hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                     hl_tgo_problem_t *q);

/* the turn-round burn's acceleration into a; 1 while burning */
int hl_turn_round(hl_law_state_t *s, const hl_law_params_t *p, const hl_tgo_problem_t *q,
                  double a[3]);

#endif
