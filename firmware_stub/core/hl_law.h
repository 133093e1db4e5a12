/* The landing law, ported from controller/_law.pxd and its .pyx files: the
 * same structs, fields and equations (docs/law.md), in hl_real.
 * Pure functions over structs: no I/O, no clock, no allocation. */
#ifndef HL_LAW_H
#define HL_LAW_H

#include <stdint.h>

#include "hl_convex.h"
#include "hl_messages.h"
#include "hl_real.h"

#define HL_HAZARD_MAP_MAX_CELLS 64
#define HL_HAZARD_MAP_MAX_SIZE (HL_HAZARD_MAP_MAX_CELLS * HL_HAZARD_MAP_MAX_CELLS)

/* landing systems (hl_law_params_t.landing_system), as in controller/_law.pxd */
#define HL_LANDING_SKY_CRANE 0 /* rover lowered on a bridle, tether cut, flyaway */
#define HL_LANDING_LEGS 1      /* lander on legs, engine cutoff on leg contact */
#define HL_LANDING_AIRBAGS 2   /* lander in airbags on a bridle: RAD fire, bridle cut */

/* approach guidance (hl_law_params_t.guidance), as controller/config.py's GUIDANCES */
#define HL_GUIDANCE_APOLLO 0 /* augmented Apollo, searched time-to-go */
#define HL_GUIDANCE_CONVEX 1 /* the fuel-optimal plan, replanned and tracked (hl_plan.c) */
/* the terminal deceleration's cap over the gate's (DECEL_MAX_OVER_GATE in config.py) */
#define HL_DECEL_MAX_OVER_GATE 1.5

/* HL_PHASE_*, HL_EVENT_*, HL_STATUS_*: generated into hl_messages.h from
 * hilander.controller.interface. */

typedef struct hl_hazard_map {
    int32_t cells;                          /* per side, <= 64 */
    hl_real cell_size_m;
    hl_real origin_S_m[2];                  /* south-west corner of cell (0, 0) */
    float cost[HL_HAZARD_MAP_MAX_SIZE];     /* 0 safe .. 1 hazard; row * cells + col */
    float elevation_m[HL_HAZARD_MAP_MAX_SIZE];
} hl_hazard_map_t;

typedef struct hl_law_params {
    int32_t landing_system; /* HL_LANDING_* */
    hl_real control_rate_Hz, gravity_mps2;
    int32_t engine_count;
    hl_real engine_thrust_max_N, throttle_min, throttle_max, throttle_rate_max_per_s, cant_rad;
    hl_real tilt_max_rad;
    hl_real isp_s, bridle_length_m, bridle_payout_time_s, rover_height_m;
    hl_real propellant_mass_kg; /* on board at the law's start */
    hl_real slew_rate_max_radps; /* convex: the plan's rate rows (0: none) */
    hl_real gate_altitude_m, gate_speed_mps, guidance_gain, turn_speed_error_mps;
    hl_real tgo_min_s, tgo_max_s;
    hl_real tgo_switch_s, tgo_freeze_s, replan_period_s, hover_s;
    int32_t guidance, plan_nodes; /* HL_GUIDANCE_*; convex: intervals of the plan */
    hl_real plan_throttle_max, plan_reserve_kg, plan_glide_slope_rad;
    hl_real plan_position_gain_per_s2, plan_velocity_gain_per_s;
    int32_t plan_iterations_per_tick; /* solver work per step (0: a replan in one step) */
    hl_real sky_crane_altitude_m, sky_crane_speed_mps, final_decel_mps2;
    hl_real vertical_gain_per_s, vertical_integral_gain_per_s2, position_gain_per_s;
    hl_real horizontal_gain_per_s, horizontal_speed_max_mps, sky_crane_horizontal_speed_max_mps;
    hl_real radar_velocity_gate_mps;
    hl_real site_cost_safe_max, site_clearance_min_m, site_clearance_pref_m, divert_max_m;
    hl_real divert_accel_fraction, site_weight_clearance, site_weight_distance;
    hl_real site_weight_propellant, site_propellant_scale_kg;
    int32_t site_search_rows_per_tick; /* rows of site-search work per step (hl_sites.c) */
    hl_real td_thrust_ratio, td_persistence_s, td_filter_time_s, td_arm_settle_s;
    hl_real td_gate_altitude_m, td_arm_altitude_m, tether_cut_delay_s;
    int32_t td_contact_samples; /* legs: consecutive contact samples for touchdown */
    hl_real flyaway_climb_s, flyaway_climb_thrust_factor, flyaway_tilt_rad, flyaway_burn_s;
    hl_real flyaway_thrust_factor;
    hl_real airbag_release_altitude_m, airbag_cut_speed_mps;
} hl_law_params_t;

/* The site search's question, frozen on the step its map came in (hl_sites.c). */
typedef struct hl_site_query {
    hl_real nominal_S_m[2];      /* the nominal target */
    hl_real current_S_m[2];      /* the site flown to now */
    hl_real tgo_s;
    hl_real accel_divert_mps2;   /* horizontal acceleration set aside for diverts */
    hl_real mass_kg;
    hl_real exhaust_velocity_mps;
    hl_real cost_safe_max;
    hl_real clearance_min_m;
    hl_real clearance_pref_m;
    hl_real divert_max_m;
    hl_real weight_clearance;
    hl_real weight_distance;
    hl_real weight_propellant;
    hl_real propellant_scale_kg;
} hl_site_query_t;

/* A site search spread over control steps: work units of one map row each,
 * the clearance transform's forward pass, its backward pass, then the
 * scaling and scoring (3 x cells units). */
typedef struct hl_site_search {
    int32_t running;   /* 1 while a search is under way */
    int32_t unit;      /* work units done */
    int32_t best_tier; /* the best cell so far: its tier (3: none yet), */
    int32_t best_k;    /* its index (-1: none yet) */
    hl_real best_cost; /* and its cost */
    int32_t here_tier; /* the worst tier of the cells under the site it began at (-1: none) */
    hl_site_query_t q;
} hl_site_search_t;

/* A replan under way (hl_plan.c, _plan.pyx E): its stage, and what it solves. */
enum {
    HL_JOB_IDLE = 0,   /* none under way */
    HL_JOB_FIXED = 1,  /* at the time left (and its stretches) */
    HL_JOB_SEARCH = 2, /* the first plan's final-time search */
    HL_JOB_MARGIN = 3, /* its optimum, TIME_MARGIN longer */
    HL_JOB_WIDE = 4,   /* the fallback's search to its widest disc */
    HL_JOB_BISECT = 5  /* its bisection on the disc's radius */
};

typedef struct hl_plan_job {
    int32_t stage;   /* HL_JOB_* */
    int32_t missing; /* SEARCH and MARGIN are the fallback's: 1 to the disc, 2 to the safe
                        cell nearest its end (safe_S_m) */
    int32_t count;   /* stretches, or bisection steps, done */
    int32_t found;   /* it ended with a plan to the site adopted */
    int32_t kept;    /* the site a search left: 1 to try, 2 tried */
    double start_s;  /* the step it began on: the plan starts there */
    hl_real tf, lo, hi, radius_max_m;
    hl_real ground_m;           /* the fallback's site height (the radar's ground) */
    hl_real safe_S_m[3];        /* the safe cell nearest the least miss's end */
    hl_cvx_problem_t q;         /* the problem of the stage */
    hl_cvx_problem_t to_ground; /* the fallback's problem, before its disc */
    hl_cvx_search_t search;
    hl_cvx_run_t run;
    hl_cvx_plan_t plan, best;
} hl_plan_job_t;

/* Convex guidance's plan (hl_plan.c): the start state, and the thrust
 * acceleration held over each of its intervals. */
typedef struct hl_plan_state {
    int32_t valid;  /* a plan is in hand */
    int32_t failed; /* no plan lands within miss_max_m: the Apollo law flies */
    int32_t missed; /* no plan reaches the site: the fallback's flies */
    hl_real dry_mass_kg; /* the plan's: the mass estimate at the law's start less the load */
    double start_s; /* the time the plan starts from */
    hl_real time_of_flight_s;
    int32_t nodes;
    hl_real position_m[3]; /* the navigation state at start_s */
    hl_real velocity_mps[3];
    hl_real accel_mps2[HL_CVX_NODES_MAX][3];
    double next_replan_s;
    int32_t kept;            /* a site search left a site a plan reached, safe: */
    hl_real kept_site_S_m[3]; /* this one, flown to if none reaches the new site */
    hl_plan_job_t job; /* the replan under way */
} hl_plan_state_t;

typedef struct hl_law_state {
    int32_t phase;
    uint32_t events;
    int32_t started;
    int32_t turned; /* the turn-round burn is over (or was not needed) */
    int32_t tracking; /* this step flies the convex plan (the throttle stage then carries
                         its horizontal thrust first) */
    hl_real raise_max_mps2; /* tracking: the vertical the stage may raise to (hl_track) */
    hl_real phase_start_s;
    hl_real site_S_m[3];
    double tgo_s;          /* guidance is in double: see hl_guidance.h */
    double next_replan_s;  /* a time, kept in double: float32 moves replans by a step */
    hl_real vz_integral_mps, terminal_decel_mps2, throttle;
    hl_real td_ratio_filtered, td_below_s, release_s, declared_s, cut_s;
    int32_t td_contact_count; /* legs: consecutive samples with a leg contact */
    hl_real flyaway_heading_S[2];
    hl_real start_position_S_m[2];
    hl_site_search_t search; /* the site search under way, if running */
    hl_plan_state_t plan;    /* convex guidance's */
    /* The site search's buffer and the solver's share the memory: no solve
     * runs while a search does, and a search makes the next solve cold. */
    union {
        float clearance_m[HL_HAZARD_MAP_MAX_SIZE]; /* work buffer of site selection */
        hl_cvx_work_t cvx;                         /* the convex solver's */
    } work;
} hl_law_state_t;

/* The phase table (hl_law.c, as controller/_law.pyx's PHASES): one row per
 * HL_PHASE_*, indexed by its value, so that no decision hangs on the order of
 * the values (HOVER, PARACHUTE and RAD_BURN came last). */
#define HL_PHASE_COUNT 11 /* rows: one per HL_PHASE_* (tests/controller/test_phases.py) */
#define HL_PHASE_MAPS 1u  /* flag: a hazard map that comes in moves the site */

/* how the guided law flies a phase: the desired acceleration into a (preset to
 * gravity's, up), status bits into status; m: the step's hazard map (the last
 * whole one; NULL: none) */
typedef void (*hl_phase_fly_t)(hl_law_state_t *s, const hl_law_params_t *p,
                               const hl_sensor_frame_t *f, const hl_hazard_map_t *m,
                               hl_real a[3], uint16_t *status);

typedef struct hl_phase_row {
    hl_phase_fly_t fly;
    uint32_t flags; /* HL_PHASE_MAPS */
} hl_phase_row_t;

/* The phase table's row of a phase; NULL outside 0 <= phase < HL_PHASE_COUNT
 * (hl_law_step then holds: gravity's acceleration, no map). */
const hl_phase_row_t *hl_law_phase(int32_t phase);

/* PARAMS.values (LawConfig, schema order) -> the law's parameters. */
void hl_law_params_from(const double *values, hl_law_params_t *p);

void hl_law_reset(hl_law_state_t *s);

/* One control step; hazard_map may be NULL. */
void hl_law_step(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                 const hl_hazard_map_t *hazard_map, hl_command_t *c);

#endif
