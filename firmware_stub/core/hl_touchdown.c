/* Touchdown sensing: a line-by-line port of controller/_touchdown.pyx. */
#include "hl_touchdown.h"

static void enter(hl_law_state_t *s, int32_t phase, hl_real t)
{
    s->phase = phase;
    s->phase_start_s = t;
}

void hl_arm_touchdown(hl_law_state_t *s, hl_real t)
{
    s->td_ratio_filtered = R(1.0);
    s->td_below_s = R(0.0);
    s->td_contact_count = 0;
    enter(s, HL_PHASE_TOUCHDOWN_DETECTION, t);
}

void hl_detect_touchdown(hl_law_state_t *s, const hl_law_params_t *p,
                         const hl_sensor_frame_t *f, hl_real h, const hl_real *a)
{
    hl_real dt = R(1.0) / p->control_rate_Hz;
    hl_real ratio = hl_sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]) / p->gravity_mps2;
    s->td_ratio_filtered += (ratio - s->td_ratio_filtered) * dt / (p->td_filter_time_s + dt);
    if (f->radar_altitude_valid && h <= p->td_gate_altitude_m
        && s->td_ratio_filtered < p->td_thrust_ratio) {
        s->td_below_s += dt;
    } else {
        s->td_below_s = R(0.0);
    }
    /* half a step of slack: dt summed in float32 falls short of the persistence
     * by a few ulps (the Cython law, in double, allows 1e-9; the decisions agree) */
    if (s->td_below_s >= p->td_persistence_s - R(0.5) * dt) {
        s->events |= HL_EVENT_TOUCHDOWN_DECLARED;
        s->declared_s = (hl_real)f->time_s;
        enter(s, HL_PHASE_TETHER_CUT, (hl_real)f->time_s);
    }
}

void hl_detect_leg_touchdown(hl_law_state_t *s, const hl_law_params_t *p,
                             const hl_sensor_frame_t *f, hl_real h)
{
    if (f->contact != 0 && h <= p->td_gate_altitude_m) {
        s->td_contact_count += 1;
    } else {
        s->td_contact_count = 0;
    }
    if (s->td_contact_count >= p->td_contact_samples) {
        s->events |= HL_EVENT_TOUCHDOWN_DECLARED | HL_EVENT_ENGINE_CUTOFF;
        s->declared_s = (hl_real)f->time_s;
        enter(s, HL_PHASE_LANDED, (hl_real)f->time_s);
    }
}

void hl_flyaway_heading(hl_law_state_t *s)
{
    hl_real dx = s->site_S_m[0] - s->start_position_S_m[0];
    hl_real dy = s->site_S_m[1] - s->start_position_S_m[1];
    hl_real d = hl_sqrt(dx * dx + dy * dy);
    s->flyaway_heading_S[0] = d > R(1.0) ? dx / d : R(1.0);
    s->flyaway_heading_S[1] = d > R(1.0) ? dy / d : R(0.0);
}

void hl_flyaway(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                const hl_hazard_map_t *m, hl_real a[3], uint16_t *status)
{
    (void)m; /* no map in this phase's flying */
    hl_real t = (hl_real)f->time_s - s->cut_s;
    hl_real g = p->gravity_mps2;
    (void)status;
    if (t < p->flyaway_climb_s) {
        a[0] = R(0.0);
        a[1] = R(0.0);
        a[2] = p->flyaway_climb_thrust_factor * g;
    } else if (t < p->flyaway_climb_s + p->flyaway_burn_s) {
        hl_real horizontal = p->flyaway_thrust_factor * g * hl_tan(p->flyaway_tilt_rad);
        a[0] = horizontal * s->flyaway_heading_S[0];
        a[1] = horizontal * s->flyaway_heading_S[1];
        a[2] = p->flyaway_thrust_factor * g;
    } else {
        s->events |= HL_EVENT_ENGINE_CUTOFF;
    }
}
