/* Touchdown sensing, ported from controller/_touchdown.pyx: the sky crane's
 * thrust-needed drop and a legged lander's leg contact (docs/law.md), and the
 * flyaway after the tether cut. */
#ifndef HL_TOUCHDOWN_H
#define HL_TOUCHDOWN_H

#include "hl_law.h"

/* arm detection with every latch cleared (the Mars Polar Lander lesson) */
void hl_arm_touchdown(hl_law_state_t *s, hl_real t);

/* sky crane: persistence on the low-passed thrust-needed ratio, gated by altitude */
void hl_detect_touchdown(hl_law_state_t *s, const hl_law_params_t *p,
                         const hl_sensor_frame_t *f, hl_real h, const hl_real *a);

/* legs: consecutive plausible leg-contact samples declare touchdown; engines off */
void hl_detect_leg_touchdown(hl_law_state_t *s, const hl_law_params_t *p,
                             const hl_sensor_frame_t *f, hl_real h);

/* fly on along the approach ground track, away from the rover */
void hl_flyaway_heading(hl_law_state_t *s);

/* climb, then tilt away at a thrust that still holds altitude; then cut off
 * (HL_PHASE_FLYAWAY's row of the phase table; no status bits of its own) */
void hl_flyaway(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                const hl_hazard_map_t *m, hl_real a[3], uint16_t *status);

#endif
