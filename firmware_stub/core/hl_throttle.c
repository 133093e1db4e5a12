/* The throttle stage: a line-by-line port of controller/_throttle.pyx. */
#include "hl_throttle.h"

/* (tz, th) into the tilt cone (the plan's horizontal first when tracking: the
 * vertical raised to carry it, up to the ceiling on the cone's edge and
 * raise_max_N), then into [tmin, tmax] with vertical priority */
static void limit_thrust(const hl_law_params_t *p, int tracking, hl_real raise_max_N,
                         hl_real tmin, hl_real tmax, hl_real *tz, hl_real *th, uint16_t *status)
{
    hl_real mag;
    if (*th > *tz * hl_tan(p->tilt_max_rad)) {
        *status |= HL_STATUS_TILT_LIMITED;
        if (tracking) {
            if (*th / hl_tan(p->tilt_max_rad) > tmax * hl_cos(p->tilt_max_rad))
                *status |= HL_STATUS_THRUST_SATURATED; /* the ceiling cuts the raise */
            *tz = hl_fmax(*tz, hl_fmin(*th / hl_tan(p->tilt_max_rad),
                                       hl_fmin(tmax * hl_cos(p->tilt_max_rad), raise_max_N)));
        }
        *th = hl_fmin(*th, *tz * hl_tan(p->tilt_max_rad));
    }
    mag = hl_norm2(*tz, *th);
    if (mag > tmax) {
        *status |= HL_STATUS_THRUST_SATURATED;
        *tz = hl_fmin(*tz, tmax);
        *th = hl_fmin(*th, hl_sqrt(hl_fmax(R(0.0), tmax * tmax - *tz * *tz)));
    } else if (mag < tmin) {
        *status |= HL_STATUS_THRUST_SATURATED;
        *th *= tmin / mag;
        *tz *= tmin / mag;
    }
}

void hl_throttle_stage(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                       const hl_real *a, hl_command_t *c)
{
    hl_real m = hl_fmax((hl_real)f->mass_estimate_kg, R(1.0));
    hl_real rated = hl_thrust_rated_N(p, f->engines_active);
    hl_real tmax = p->throttle_max * rated, tmin = p->throttle_min * rated;
    hl_real ah = hl_norm2(a[0], a[1]);
    hl_real ux = ah > R(0.0) ? a[0] / ah : R(0.0);
    hl_real uy = ah > R(0.0) ? a[1] / ah : R(0.0);
    hl_real th = m * ah, tz, mag, throttle, step_max, scale;
    if (tmax <= R(0.0) || (s->events & HL_EVENT_ENGINE_CUTOFF)) {
        c->thrust_S_N[0] = c->thrust_S_N[1] = c->thrust_S_N[2] = 0.0f;
        s->throttle = R(0.0);
        c->throttle = 0.0f;
        return;
    }
    tz = hl_fmax(m * a[2], hl_fmax(tmin, R(1e-6) * tmax) * hl_cos(p->tilt_max_rad));
    limit_thrust(p, s->tracking, m * s->raise_max_mps2, tmin, tmax, &tz, &th, &c->status);
    mag = hl_norm2(tz, th);
    throttle = mag / rated;
    step_max = p->throttle_rate_max_per_s / p->control_rate_Hz;
    if (hl_fabs(throttle - s->throttle) > step_max) {
        c->status |= HL_STATUS_THROTTLE_RATE_LIMITED;
        throttle = s->throttle + (throttle > s->throttle ? step_max : -step_max);
    }
    s->throttle = throttle;
    scale = throttle * rated / mag;
    c->thrust_S_N[0] = (float)(ux * th * scale);
    c->thrust_S_N[1] = (float)(uy * th * scale);
    c->thrust_S_N[2] = (float)(tz * scale);
    c->throttle = (float)throttle;
}
