/* Airbag landers: a line-by-line port of controller/_airbags.pyx. */
#include "hl_airbags.h"

static const hl_real CUT_DEPTH_M = R(5.0); /* cut this far below the release height, whatever the speed */

static void enter(hl_law_state_t *s, int32_t phase, hl_real t)
{
    s->phase = phase;
    s->phase_start_s = t;
}

/* full thrust once fired: up, then tilted along the drift after the cut */
static void rad_thrust(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                       hl_real tmax, hl_command_t *c)
{
    hl_real vx = (hl_real)f->nav_velocity_S_mps[0], vy = (hl_real)f->nav_velocity_S_mps[1];
    hl_real speed = hl_sqrt(vx * vx + vy * vy);
    hl_real ux = speed > R(0.1) ? vx / speed : R(1.0);
    hl_real uy = speed > R(0.1) ? vy / speed : R(0.0);
    hl_real tilt = (s->events & HL_EVENT_BRIDLE_CUT) ? p->tilt_max_rad : R(0.0);
    int fired = (s->events & HL_EVENT_RAD_FIRE) != 0;
    hl_real thrust = fired ? tmax : R(0.0);
    c->thrust_S_N[0] = (float)(thrust * hl_sin(tilt) * ux);
    c->thrust_S_N[1] = (float)(thrust * hl_sin(tilt) * uy);
    c->thrust_S_N[2] = (float)(thrust * hl_cos(tilt));
    c->throttle = fired ? 1.0f : 0.0f;
    s->throttle = fired ? R(1.0) : R(0.0);
}

void hl_airbag_step(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                    hl_command_t *c)
{
    hl_real t = (hl_real)f->time_s;
    hl_real h = (hl_real)f->radar_altitude_m;
    hl_real vz = (hl_real)(f->radar_velocity_valid ? f->radar_velocity_S_mps[2]
                                                   : f->nav_velocity_S_mps[2]);
    hl_real tmax = (hl_real)f->engines_active * p->engine_thrust_max_N * hl_cos(p->cant_rad);
    hl_real brake = tmax / hl_fmax((hl_real)f->mass_estimate_kg, R(1.0)) - p->gravity_mps2;
    hl_real release = p->airbag_release_altitude_m + p->bridle_length_m + p->rover_height_m;
    if (s->phase == HL_PHASE_POWERED_APPROACH) enter(s, HL_PHASE_PARACHUTE, t);
    if (s->phase == HL_PHASE_PARACHUTE) {
        if (f->radar_altitude_valid && brake > R(0.0) && vz < R(0.0)
            && h - vz * vz / (R(2.0) * brake) <= release) {
            s->events |= HL_EVENT_RAD_FIRE;
            enter(s, HL_PHASE_RAD_BURN, t);
        }
    } else if (s->phase == HL_PHASE_RAD_BURN) {
        if (-vz <= p->airbag_cut_speed_mps
            || (f->radar_altitude_valid && h <= release - CUT_DEPTH_M)) {
            s->events |= HL_EVENT_BRIDLE_CUT;
            enter(s, HL_PHASE_LANDED, t);
        }
    }
    rad_thrust(s, p, f, tmax, c);
}
