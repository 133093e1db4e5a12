/* Convex guidance's tracking (B and F; the C port of controller/_track.pyx):
 * the plan's state at a time, the feedback toward it, and a coast's command
 * turned early toward a later burn. */
#ifndef HL_TRACK_H
#define HL_TRACK_H

#include "hl_law.h"

/* a (a coast's command at time t, in interval k of the plan) turned toward
 * the later interval it reaches latest at the stage's turn rate, by the
 * excess angle, in the plane of the two, its length kept */
void hl_anticipate_turn(hl_real rate, const hl_plan_state_t *pl, double t, int k, hl_real a[3]);

/* the plan's position and velocity at time t (clamped to the plan): the
 * start state carried through the held accelerations; returns the interval
 * flown */
int hl_plan_state_at(const hl_plan_state_t *pl, hl_real g, double t, hl_real r[3], hl_real v[3]);

/* the plan's acceleration now into a, plus the feedback toward its state; a
 * coast's turned early toward where the plan goes. *raise_max: the vertical
 * acceleration the throttle stage may raise to on the tilt limit, the plan's
 * while the feedback's vertical part is downward, else any (INFINITY) */
void hl_track(const hl_law_params_t *p, const hl_plan_state_t *pl, const hl_sensor_frame_t *f,
              hl_real a[3], hl_real *raise_max);

#endif
