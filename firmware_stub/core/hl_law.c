/* The landing law: phase machine, guidance, terminal descent (the throttle
 * stage: hl_throttle.c; touchdown detection: hl_touchdown.c).
 * A line-by-line port of controller/_law.pyx; docs/law.md explains it.
 * PHASES, at the end, says how each phase is flown and what holds in it. */
#include "hl_law.h"

#include <string.h>

#include "hl_airbags.h"
#include "hl_approach.h"
#include "hl_guidance.h"
#include "hl_plan.h"
#include "hl_sites.h"
#include "hl_throttle.h"
#include "hl_touchdown.h"

static const hl_real DECEL_MAX_OVER_GATE = R(HL_DECEL_MAX_OVER_GATE); /* terminal deceleration cap, over the gate's */
static const hl_real FADE_SPEED_MPS = R(2.0);      /* the fed-forward deceleration fades over this */
static const hl_real RELEASE_SPEED_MARGIN_MPS = R(0.25); /* release within this of the sky-crane speed, */
static const hl_real RELEASE_DEPTH_MAX_M = R(3.0);       /* or this far below sky_crane_altitude_m */
static const hl_real HOVER_ARRIVAL_M = R(2.0); /* the hover ends this close to the site, */
static const hl_real HOVER_WAIT_MAX = R(3.0);  /* or after this many times hover_s */
/* a plan may fly at its floor (the gate's height over the site, or for the
 * least miss over the ground the radar saw) toward its end over higher
 * ground: its approach ends under this much of the gate */
static const hl_real HANDOVER_FLOOR = R(0.5);

void hl_law_reset(hl_law_state_t *s)
{
    memset(s, 0, sizeof *s);
    s->phase = HL_PHASE_POWERED_APPROACH;
    s->td_ratio_filtered = R(1.0);
}

static void set_phase(hl_law_state_t *s, int32_t phase, hl_real t)
{
    s->phase = phase;
    s->phase_start_s = t;
}

/* height above the ground: radar where valid, else navigation over the site */
static hl_real altitude_m(const hl_law_state_t *s, const hl_sensor_frame_t *f)
{
    if (f->radar_altitude_valid) return (hl_real)f->radar_altitude_m;
    return (hl_real)f->nav_position_S_m[2] - s->site_S_m[2];
}

/* radar velocity where valid and within the gate of the navigation's, else the
 * navigation's: sample by sample, so the radar is never rejected for good */
static void measured_velocity(const hl_law_params_t *p, const hl_sensor_frame_t *f, hl_real v[3])
{
    hl_real dx = (hl_real)f->radar_velocity_S_mps[0] - (hl_real)f->nav_velocity_S_mps[0];
    hl_real dy = (hl_real)f->radar_velocity_S_mps[1] - (hl_real)f->nav_velocity_S_mps[1];
    hl_real dz = (hl_real)f->radar_velocity_S_mps[2] - (hl_real)f->nav_velocity_S_mps[2];
    int use_radar = f->radar_velocity_valid
                    && hl_sqrt(dx * dx + dy * dy + dz * dz) <= p->radar_velocity_gate_mps;
    int i;
    for (i = 0; i < 3; i++) {
        v[i] = (hl_real)(use_radar ? f->radar_velocity_S_mps[i] : f->nav_velocity_S_mps[i]);
    }
}

static void start(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f)
{
    s->started = 1;
    s->plan.dry_mass_kg = hl_fmax((hl_real)f->mass_estimate_kg - p->propellant_mass_kg, R(1.0));
    s->phase_start_s = (hl_real)f->time_s;
    s->throttle = p->throttle_min;
    s->start_position_S_m[0] = (hl_real)f->nav_position_S_m[0];
    s->start_position_S_m[1] = (hl_real)f->nav_position_S_m[1];
}

/* fix the terminal deceleration that takes the vehicle from where it is to
 * the sky-crane start, within its bounds */
static void begin_terminal(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f)
{
    hl_real v[3];
    hl_real h = altitude_m(s, f) - p->sky_crane_altitude_m;
    hl_real v_sc = p->sky_crane_speed_mps;
    hl_real decel = p->final_decel_mps2;
    measured_velocity(p, f, v);
    if (h > R(0.0) && -v[2] > v_sc) decel = (v[2] * v[2] - v_sc * v_sc) / (R(2.0) * h);
    s->terminal_decel_mps2 = hl_fmin(DECEL_MAX_OVER_GATE * hl_gate_decel_mps2(p),
                                     hl_fmax(p->final_decel_mps2, decel));
    s->vz_integral_mps = R(0.0);
    set_phase(s, HL_PHASE_CONSTANT_VELOCITY, (hl_real)f->time_s);
}

/* at the gate: the hover, or the terminal descent */
static void end_approach(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f)
{
    s->plan.job.stage = HL_JOB_IDLE; /* a replan under way is of no use now */
    if (p->hover_s > R(0.0)) {
        s->vz_integral_mps = R(0.0);
        set_phase(s, HL_PHASE_HOVER, (hl_real)f->time_s);
    } else {
        begin_terminal(s, p, f);
    }
}

/* augmented Apollo guidance to the approach gate over the site (powered
 * approach, divert), after a turn-round burn if the start needs one */
static void approach_apollo(hl_law_state_t *s, const hl_law_params_t *p,
                            const hl_sensor_frame_t *f, hl_real a[3], uint16_t *status)
{
    hl_tgo_problem_t q;
    hl_real t = (hl_real)f->time_s;
    double ad[3];
    int i;
    hl_gate_problem(s, p, f, &q);
    if (hl_turn_round(s, p, &q, ad)) {
        for (i = 0; i < 3; i++) a[i] = (hl_real)ad[i];
        return;
    }
    if (s->tgo_s <= 0.0 || ((double)t >= s->next_replan_s && s->tgo_s > (double)p->tgo_freeze_s)) {
        s->tgo_s = hl_tgo_search(&q);
        s->next_replan_s = (double)t + (double)p->replan_period_s;
        if (hl_tgo_violation(&q, s->tgo_s) > 0.0) *status |= HL_STATUS_TGO_INFEASIBLE;
    }
    hl_guidance_accel(&q, fmax(s->tgo_s, (double)p->tgo_switch_s), ad);
    for (i = 0; i < 3; i++) a[i] = (hl_real)ad[i];
    s->tgo_s -= 1.0 / (double)p->control_rate_Hz;
    if (s->tgo_s <= (double)p->tgo_switch_s || altitude_m(s, f) <= p->gate_altitude_m)
        end_approach(s, p, f);
}

/* the convex plan to the gate (hl_plan.c), or the Apollo law: the one
 * chosen, or the fallback when the first search found no plan */
/* The height a plan hands over at: HANDOVER_FLOOR of the gate's, but no lower
 * than the terminal descent can brake from at the gate's deceleration (the
 * gate itself at the gate's speed). */
static hl_real handover_m(const hl_law_params_t *p, const hl_sensor_frame_t *f)
{
    hl_real vz = (hl_real)f->nav_velocity_S_mps[2], v_sc = p->sky_crane_speed_mps;
    hl_real braking_m = p->sky_crane_altitude_m
                        + (vz * vz - v_sc * v_sc) / (R(2.0) * hl_gate_decel_mps2(p));
    return hl_fmin(p->gate_altitude_m, hl_fmax(HANDOVER_FLOOR * p->gate_altitude_m, braking_m));
}

static void approach(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                     const hl_hazard_map_t *m, hl_real a[3], uint16_t *status)
{
    int found;
    if (p->guidance == HL_GUIDANCE_CONVEX && s->plan.failed) {
        *status |= HL_STATUS_PLAN_INFEASIBLE;
    } else if (p->guidance == HL_GUIDANCE_CONVEX) {
        int flying = hl_fly_plan(p, &s->plan, &s->work.cvx, !s->search.running, s->site_S_m, f, m, a,
                                 &s->raise_max_mps2, &found);
        if (!found) *status |= HL_STATUS_PLAN_INFEASIBLE;
        if (flying) {
            s->tracking = 1;
            s->tgo_s = hl_plan_time_to_go_s(&s->plan, (double)f->time_s);
            if (s->tgo_s <= (double)p->tgo_switch_s || altitude_m(s, f) <= handover_m(p, f))
                end_approach(s, p, f);
            return;
        }
    }
    approach_apollo(s, p, f, a, status);
}

/* descent speed of the constant-deceleration profile at h */
static hl_real profile_speed(const hl_law_state_t *s, const hl_law_params_t *p, hl_real h,
                             hl_real *accel_ff)
{
    hl_real v = hl_sqrt(p->sky_crane_speed_mps * p->sky_crane_speed_mps
                        + R(2.0) * s->terminal_decel_mps2
                              * hl_fmax(R(0.0), h - p->sky_crane_altitude_m));
    *accel_ff = s->terminal_decel_mps2 * hl_fmin(R(1.0), (v - p->sky_crane_speed_mps) / FADE_SPEED_MPS);
    return v;
}

/* PI on vertical speed, capped position-velocity loop horizontally */
static void terminal(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                     hl_real speed, hl_real accel_ff, hl_real speed_h_max, hl_real a[3])
{
    hl_real v[3];
    hl_real dt = R(1.0) / p->control_rate_Hz;
    hl_real limit = R(0.6) * p->gravity_mps2 / p->vertical_integral_gain_per_s2;
    hl_real e, vx, vy, vh, cap;
    measured_velocity(p, f, v);
    e = -speed - v[2];
    s->vz_integral_mps = hl_fmin(limit, hl_fmax(-limit, s->vz_integral_mps + e * dt));
    a[2] = p->gravity_mps2 + accel_ff + p->vertical_gain_per_s * e
           + p->vertical_integral_gain_per_s2 * s->vz_integral_mps;
    vx = p->position_gain_per_s * (s->site_S_m[0] - (hl_real)f->nav_position_S_m[0]);
    vy = p->position_gain_per_s * (s->site_S_m[1] - (hl_real)f->nav_position_S_m[1]);
    vh = hl_norm2(vx, vy);
    cap = vh <= speed_h_max ? R(1.0) : speed_h_max / vh;
    a[0] = p->horizontal_gain_per_s * (cap * vx - v[0]);
    a[1] = p->horizontal_gain_per_s * (cap * vy - v[1]);
}

/* hold the gate's height over the site (moved there if the map picked another) for
 * hover_s, then descend once within HOVER_ARRIVAL_M of it */
static void hover(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                  const hl_hazard_map_t *m, hl_real a[3], uint16_t *status)
{
    (void)m; /* no map in this phase's flying */
    hl_real t = (hl_real)f->time_s - s->phase_start_s;
    hl_real dx = s->site_S_m[0] - (hl_real)f->nav_position_S_m[0];
    hl_real dy = s->site_S_m[1] - (hl_real)f->nav_position_S_m[1];
    hl_real speed = p->position_gain_per_s * (altitude_m(s, f) - p->gate_altitude_m);
    (void)status;
    terminal(s, p, f, hl_fmax(-p->gate_speed_mps, hl_fmin(p->gate_speed_mps, speed)), R(0.0),
             p->horizontal_speed_max_mps, a);
    if (t >= p->hover_s
        && (hl_norm2(dx, dy) <= HOVER_ARRIVAL_M || t >= HOVER_WAIT_MAX * p->hover_s)) {
        begin_terminal(s, p, f);
    }
}

/* a legged lander: the profile down to the ground, armed below td_arm_altitude_m */
static void descend_on_legs(hl_law_state_t *s, const hl_law_params_t *p,
                            const hl_sensor_frame_t *f, hl_real h, hl_real a[3])
{
    hl_real ff = R(0.0);
    hl_real speed = profile_speed(s, p, h, &ff);
    hl_real cap = p->horizontal_speed_max_mps;
    if (h <= p->sky_crane_altitude_m) cap = p->sky_crane_horizontal_speed_max_mps;
    terminal(s, p, f, speed, ff, cap, a);
    if (s->phase == HL_PHASE_CONSTANT_VELOCITY) {
        if (h <= p->td_arm_altitude_m) hl_arm_touchdown(s, (hl_real)f->time_s);
    } else {
        hl_detect_leg_touchdown(s, p, f, h);
    }
}

/* the terminal descent over the site, constant velocity to tether cut */
static void descend(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                    const hl_hazard_map_t *m, hl_real a[3], uint16_t *status)
{
    (void)m; /* no map in this phase's flying */
    hl_real h = altitude_m(s, f), t = (hl_real)f->time_s;
    hl_real ff = R(0.0);
    (void)status;
    if (p->landing_system == HL_LANDING_LEGS) {
        descend_on_legs(s, p, f, h, a);
        return;
    }
    if (s->phase == HL_PHASE_CONSTANT_VELOCITY) {
        hl_real speed = profile_speed(s, p, h, &ff);
        hl_real v[3];
        terminal(s, p, f, speed, ff, p->horizontal_speed_max_mps, a);
        measured_velocity(p, f, v);
        if (h <= p->sky_crane_altitude_m
            && (-v[2] <= p->sky_crane_speed_mps + RELEASE_SPEED_MARGIN_MPS
                || h <= p->sky_crane_altitude_m - RELEASE_DEPTH_MAX_M)) {
            s->events |= HL_EVENT_ROVER_RELEASE;
            s->release_s = t;
            set_phase(s, HL_PHASE_SKY_CRANE, t);
        }
        return;
    }
    terminal(s, p, f, p->sky_crane_speed_mps, R(0.0), p->sky_crane_horizontal_speed_max_mps, a);
    if (s->phase == HL_PHASE_SKY_CRANE) {
        if (t - s->release_s >= p->bridle_payout_time_s + p->td_arm_settle_s
            && f->radar_altitude_valid && h <= p->td_gate_altitude_m) {
            hl_arm_touchdown(s, t);
        }
    } else if (s->phase == HL_PHASE_TOUCHDOWN_DETECTION) {
        hl_detect_touchdown(s, p, f, h, a);
    } else if (t - s->declared_s >= p->tether_cut_delay_s - R(0.5) / p->control_rate_Hz) {
        s->events |= HL_EVENT_TETHER_CUT;
        s->cut_s = t;
        hl_flyaway_heading(s);
        set_phase(s, HL_PHASE_FLYAWAY, t);
    }
}

/* nothing to fly: gravity's acceleration (the engines are off once landed) */
static void hold(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                 const hl_hazard_map_t *m, hl_real a[3], uint16_t *status)
{
    (void)m; /* no map in this phase's flying */
    (void)s, (void)p, (void)f, (void)a, (void)status;
}

/* the phase table: how each phase is flown, and its flags */
static const hl_phase_row_t PHASES[] = {
    [HL_PHASE_POWERED_APPROACH] = {approach, HL_PHASE_MAPS},
    [HL_PHASE_DIVERT] = {approach, HL_PHASE_MAPS},
    [HL_PHASE_CONSTANT_VELOCITY] = {descend, 0},
    [HL_PHASE_SKY_CRANE] = {descend, 0},
    [HL_PHASE_TOUCHDOWN_DETECTION] = {descend, 0},
    [HL_PHASE_TETHER_CUT] = {descend, 0},
    [HL_PHASE_FLYAWAY] = {hl_flyaway, 0},
    [HL_PHASE_LANDED] = {hold, 0},
    [HL_PHASE_HOVER] = {hover, HL_PHASE_MAPS},
    [HL_PHASE_PARACHUTE] = {hold, 0}, /* airbags: hl_airbag_step flies these */
    [HL_PHASE_RAD_BURN] = {hold, 0},
};
/* C99 has no _Static_assert: an array of -1 elements fails to compile */
typedef char hl_phase_table_has_one_row_per_phase
    [sizeof PHASES / sizeof PHASES[0] == HL_PHASE_COUNT ? 1 : -1];

const hl_phase_row_t *hl_law_phase(int32_t phase)
{
    return phase >= 0 && phase < HL_PHASE_COUNT ? &PHASES[phase] : NULL;
}

/* a phase outside the table (a corrupted value) holds: gravity's acceleration, no map */
static const hl_phase_row_t HOLDS = {hold, 0};

/* the row the step flies: the table's, or HOLDS outside it */
static const hl_phase_row_t *phase_row(int32_t phase)
{
    const hl_phase_row_t *row = hl_law_phase(phase);
    return row != NULL ? row : &HOLDS;
}

/* a powered descent: guidance, terminal descent, touchdown, throttle */
static void guided_step(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                        const hl_hazard_map_t *hazard_map, hl_command_t *c)
{
    hl_real a[3];
    hl_tgo_problem_t g;
    a[0] = R(0.0);
    a[1] = R(0.0);
    a[2] = p->gravity_mps2;
    s->tracking = 0;
    if (hl_site_search_step(s, p, f, hazard_map, (phase_row(s->phase)->flags & HL_PHASE_MAPS) != 0u,
                            &c->status)
        && s->phase != HL_PHASE_HOVER) {
        set_phase(s, HL_PHASE_DIVERT, (hl_real)f->time_s); /* a new site: divert to it */
    }
    phase_row(s->phase)->fly(s, p, f, hazard_map, a, &c->status);
    if (f->hazard_map_ready && hazard_map != NULL && (phase_row(s->phase)->flags & HL_PHASE_MAPS)) {
        hl_gate_problem(s, p, f, &g);
        hl_site_search_begin(s, p, f, &g); /* the search runs over the next steps */
    }
    if (s->search.running) c->status |= HL_STATUS_SITE_SEARCH;
    if (s->plan.job.stage != HL_JOB_IDLE) c->status |= HL_STATUS_PLANNING; /* at the step's end */
    hl_throttle_stage(s, p, f, a, c);
}

void hl_law_step(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                 const hl_hazard_map_t *hazard_map, hl_command_t *c)
{
    int i;
    c->status = 0;
    if (!s->started) start(s, p, f);
    if (!f->radar_altitude_valid) c->status |= HL_STATUS_RADAR_INVALID;
    if (p->landing_system == HL_LANDING_AIRBAGS) {
        hl_airbag_step(s, p, f, c);
    } else {
        guided_step(s, p, f, hazard_map, c);
    }
    c->step = f->step;
    c->phase = (uint8_t)s->phase;
    c->events = (uint16_t)s->events;
    for (i = 0; i < 3; i++) c->site_S_m[i] = (float)s->site_S_m[i];
}
