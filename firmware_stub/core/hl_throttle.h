/* The throttle stage, ported from controller/_throttle.pyx: the desired
 * acceleration into a thrust vector and a throttle within every limit
 * (docs/law.md). */
#ifndef HL_THROTTLE_H
#define HL_THROTTLE_H

#include "hl_law.h"

/* sqrt(x^2 + y^2) (not libm's hypot, so that Python's reference matches) */
static inline hl_real hl_norm2(hl_real x, hl_real y) { return hl_sqrt(x * x + y * y); }

/* the engines' rated thrust along the thrust axis (throttle 1) */
static inline hl_real hl_thrust_rated_N(const hl_law_params_t *p, int engines)
{
    return (hl_real)engines * p->engine_thrust_max_N * hl_cos(p->cant_rad);
}

/* desired acceleration a -> thrust vector and throttle into c: the tilt cone,
 * [T_min, T_max] (vertical priority), the throttle rate; status bits into c */
void hl_throttle_stage(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                       const hl_real *a, hl_command_t *c);

#endif
