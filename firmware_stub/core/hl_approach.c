/* The Apollo approach's problem and turn-round: the C port of
 * controller/_approach.pyx (design B and B2 of _law.pyx). */
#include "hl_approach.h"

static const double HORIZONTAL_GAIN = 6.0;     /* ZEM/ZEV across: the final horizontal thrust is free */
static const double TURN_BRAKE_FRACTION = 0.8; /* of full thrust, the braking the turn-round plans for */
static const double TURN_TILT_FRACTION = 0.99; /* of the tilt cone's edge, to stay off it */

/* the constant deceleration from the gate to the sky-crane start */
hl_real hl_gate_decel_mps2(const hl_law_params_t *p)
{
    return (p->gate_speed_mps * p->gate_speed_mps - p->sky_crane_speed_mps * p->sky_crane_speed_mps)
           / (R(2.0) * (p->gate_altitude_m - p->sky_crane_altitude_m));
}

void hl_gate_problem(const hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                     hl_tgo_problem_t *q)
{
    /* in double, as the guidance it feeds (hl_guidance.h) */
    double m = fmax((double)f->mass_estimate_kg, 1.0);
    double rated = f->engines_active * (double)p->engine_thrust_max_N * cos((double)p->cant_rad);
    int i;
    for (i = 0; i < 3; i++) {
        q->r[i] = (double)f->nav_position_S_m[i];
        q->v[i] = (double)f->nav_velocity_S_mps[i];
        q->rf[i] = (double)s->site_S_m[i];
        q->vf[i] = 0.0;
    }
    q->rf[2] += (double)p->gate_altitude_m;
    q->vf[2] = -(double)p->gate_speed_mps;
    q->af[0] = 0.0;
    q->af[1] = 0.0;
    q->af[2] = (double)p->gravity_mps2 + (double)hl_gate_decel_mps2(p);
    q->gain[0] = HORIZONTAL_GAIN;
    q->gain[1] = HORIZONTAL_GAIN;
    q->gain[2] = (double)p->guidance_gain;
    q->g = (double)p->gravity_mps2;
    q->accel_max = (double)p->throttle_max * rated / m;
    q->accel_min = (double)p->throttle_min * rated / m;
    q->cos_tilt = cos((double)p->tilt_max_rad);
    q->floor_z = q->rf[2];
    q->tgo_min = p->tgo_min_s;
    q->tgo_max = p->tgo_max_s;
}

/* the vertical braking to the gate's speed at its height needs decel or
 * more: the turn-round's time is up (_law.pyx B2) */
static int must_brake_now(const hl_tgo_problem_t *q, double v_gate, double decel)
{
    double h = q->r[2] - q->rf[2], vz = q->v[2];
    return h <= 0.0 || (-vz > v_gate && vz * vz - v_gate * v_gate >= 2.0 * decel * h);
}

/* at full thrust on the tilt cone's edge toward the horizontal velocity
 * v* = d / (t_coast + t_brake / 2) that the coast and the braking will carry
 * to the site, until within turn_speed_error_mps of it, or until the
 * vertical braking can wait no longer; then never again. 1 while burning. */
int hl_turn_round(hl_law_state_t *s, const hl_law_params_t *p, const hl_tgo_problem_t *q,
                  double a[3])
{
    double decel, t, ex, ey, e, horizontal;
    if (s->turned) return 0;
    decel = fmax(TURN_BRAKE_FRACTION * q->accel_max - q->g, 0.5);
    if (must_brake_now(q, (double)p->gate_speed_mps, decel)) {
        s->turned = 1;
        return 0;
    }
    t = hl_coast_and_brake_s(q, (double)p->gate_speed_mps, decel);
    ex = (q->rf[0] - q->r[0]) / t - q->v[0];
    ey = (q->rf[1] - q->r[1]) / t - q->v[1];
    e = sqrt(ex * ex + ey * ey);
    if (e <= (double)p->turn_speed_error_mps) {
        s->turned = 1;
        return 0;
    }
    horizontal = TURN_TILT_FRACTION * q->accel_max * sin((double)p->tilt_max_rad);
    a[0] = horizontal * ex / e;
    a[1] = horizontal * ey / e;
    a[2] = q->accel_max * cos((double)p->tilt_max_rad);
    s->tgo_s = 0.0; /* search at once when the burn ends */
    return 1;
}
