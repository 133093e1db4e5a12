/* The convex powered-descent solver: the fuel-optimal plan by ADMM, fixed
 * size, no heap, bounded iterations. The C port of controller/_convex.pyx
 * (docs/optimal.md), operation for operation: the double build
 * (-DHL_REAL_DOUBLE) matches it bit for bit. */
#ifndef HL_CONVEX_H
#define HL_CONVEX_H

#include "hl_real.h"

enum {
    HL_CVX_NODES_MAX = 24,
    HL_CVX_N_MAX = 96,        /* 4 per node: u (3) and its slack s */
    HL_CVX_M_MAX = 360,       /* rows: 7 per node, 8 per inner node, 8 */
    HL_CVX_GROUPS_MAX = 147,  /* sets: 4 per node, 2 per inner node, 5 */
    HL_CVX_NNZ_MAX = 1930,    /* 5/2 N^2 + 41/2 N - 8 at most, for N = 24: 1924 */
    HL_CVX_PACKED_MAX = 1776  /* three blocks of K: 2 N (N + 1) / 2 + 2N (2N + 1) / 2 */
};

enum { HL_CVX_ZERO = 0, HL_CVX_NONNEG = 1, HL_CVX_BOX = 2, HL_CVX_CONE = 3 };
enum { HL_CVX_CONVERGED = 0, HL_CVX_STOPPED = 1, HL_CVX_INFEASIBLE = 2 };
/* The solver's units of work, in plain iterations (at most 68,784
 * instructions on the Cortex-M4F with the rate rows, docs/performance.md):
 * an iteration that checks the residuals (every tenth) costs
 * HL_CVX_CHECK_UNITS, a factorisation of K (a solve's set-up, a rebalance)
 * HL_CVX_FACTOR_UNITS more. */
enum { HL_CVX_CHECK_UNITS = 2, HL_CVX_FACTOR_UNITS = 5 };
enum { HL_CVX_RUN_SET_UP = 0, HL_CVX_RUN_ITERATE = 1, HL_CVX_RUN_DONE = 2 };
enum { HL_CVX_GRID = 0, HL_CVX_GOLDEN = 1, HL_CVX_FINAL = 2, HL_CVX_SEARCHED = 3 };

typedef struct {
    hl_real position_m[3];
    hl_real velocity_mps[3];
    hl_real mass_kg;
    hl_real target_position_m[3];
    hl_real target_velocity_mps[3];
    hl_real gravity_mps2;
    hl_real thrust_min_N;
    hl_real thrust_max_N;
    hl_real alpha_s_per_m;
    hl_real dry_mass_kg;
    hl_real cos_tilt_max;
    hl_real tan_glide_slope;
    hl_real floor_z_m;
    int nodes;
    hl_real target_radius_m; /* > 0: r_N,xy anywhere within it of the target (the fallback's) */
    hl_real slew_rate_radps; /* > 0: the thrust axis's turn rate, as the rate rows bound it */
} hl_cvx_problem_t;

typedef struct {
    int iterations_max;
    hl_real tolerance;
    int time_grid;
    int golden_steps;
    hl_real time_min_s;
    hl_real time_max_s;
    int search_iterations_max; /* a solve of the final-time search */
} hl_cvx_settings_t;

typedef struct {
    int m, n, groups;
    int row_start[HL_CVX_M_MAX + 1];
    short col[HL_CVX_NNZ_MAX];
    hl_real val[HL_CVX_NNZ_MAX];
    hl_real c[HL_CVX_M_MAX];
    unsigned char group_kind[HL_CVX_GROUPS_MAX];
    short group_first[HL_CVX_GROUPS_MAX];
    short group_count[HL_CVX_GROUPS_MAX];
} hl_cvx_rows_t;

typedef struct {
    hl_cvx_rows_t rows;
    hl_real chol[HL_CVX_PACKED_MAX];
    hl_real rho[HL_CVX_M_MAX];
    hl_real x[HL_CVX_N_MAX];
    hl_real z[HL_CVX_M_MAX];
    hl_real y[HL_CVX_M_MAX];
    int warm; /* x, z, y hold a start for the next solve */
    hl_real xt[HL_CVX_N_MAX];
    hl_real rhs[HL_CVX_N_MAX];
    hl_real blocks[HL_CVX_N_MAX]; /* a vector in block order */
    hl_real zh[HL_CVX_M_MAX];
    hl_real dy[HL_CVX_M_MAX];
    hl_real lo[HL_CVX_NODES_MAX];
    hl_real hi[HL_CVX_NODES_MAX];
    hl_real z0[HL_CVX_NODES_MAX];
    hl_real mu1[HL_CVX_NODES_MAX];
    hl_real mu2[HL_CVX_NODES_MAX];
    hl_real log_mass0;
} hl_cvx_work_t;

typedef struct {
    int status;
    hl_real time_of_flight_s;
    hl_real propellant_kg;
    int iterations;
    hl_real residual;
    hl_real accel_mps2[HL_CVX_NODES_MAX][3];
    hl_real mass_kg[HL_CVX_NODES_MAX + 1];
} hl_cvx_plan_t;

/* One solve under way, at final time tf (hl_cvx_run_*). */
typedef struct {
    hl_real tf;
    int stage; /* HL_CVX_RUN_*: set-up next, iterating, done */
    int it;
    int status;  /* CONVERGED or INFEASIBLE once known, else STOPPED */
    int refused; /* a problem the workspace cannot hold: INFEASIBLE at once */
    hl_real primal;
} hl_cvx_run_t;

/* The final-time search under way (hl_cvx_search_*): where it is, and the
 * golden section's bracket. */
typedef struct {
    hl_cvx_run_t run;
    hl_cvx_settings_t search; /* st, its solves cut at search_iterations_max */
    int stage;                /* HL_CVX_GRID, _GOLDEN, _FINAL, _SEARCHED */
    int i;                    /* grid points, or golden-section points, solved */
    int best_i, at_b, spent;
    hl_real ratio, best_cost, lo, hi, a, b, fa, fb;
} hl_cvx_search_t;

/* A solve cut into units of work, so that it can be spread over control
 * steps: start; step until run->stage is DONE (each step does one unit: the
 * set-up, or one iteration); then the plan. The same operations in the same
 * order as hl_cvx_solve_fixed, which is these three. hl_cvx_run_units: what
 * the next step costs at most, in units (the set-up HL_CVX_FACTOR_UNITS, an
 * iteration 1, one that checks HL_CVX_CHECK_UNITS, and HL_CVX_FACTOR_UNITS
 * more where the penalty may be rebalanced, which refactors; 0 once done),
 * known before it runs so that a slice can stop short of its budget. */
void hl_cvx_run_start(hl_cvx_run_t *run, hl_real tf);
int hl_cvx_run_units(const hl_cvx_run_t *run);
void hl_cvx_run_step(const hl_cvx_problem_t *p, const hl_cvx_settings_t *st, hl_cvx_work_t *w,
                     hl_cvx_run_t *run);
void hl_cvx_run_plan(const hl_cvx_problem_t *p, const hl_cvx_settings_t *st, hl_cvx_work_t *w,
                     const hl_cvx_run_t *run, hl_cvx_plan_t *plan);

/* The final-time search cut the same way: start; step until s->stage is
 * SEARCHED (a step is a unit of a solve, or the bookkeeping between two, at
 * no cost: hl_cvx_search_units); best holds the search's plan.
 * hl_cvx_solve_free is these. */
void hl_cvx_search_start(const hl_cvx_settings_t *st, hl_cvx_work_t *w, hl_cvx_search_t *s,
                         hl_cvx_plan_t *best);
int hl_cvx_search_units(const hl_cvx_search_t *s);
void hl_cvx_search_step(const hl_cvx_problem_t *p, const hl_cvx_settings_t *st, hl_cvx_work_t *w,
                        hl_cvx_search_t *s, hl_cvx_plan_t *best, hl_cvx_plan_t *scratch);

/* ADMM at final time tf from w's iterate (cold unless w->warm). nodes
 * outside [2, HL_CVX_NODES_MAX], a number not finite, or tf not positive:
 * INFEASIBLE at once. */
void hl_cvx_solve_fixed(const hl_cvx_problem_t *p, hl_real tf, const hl_cvx_settings_t *st,
                        hl_cvx_work_t *w, hl_cvx_plan_t *plan);

/* The best final time (log grid, then golden section, each solve cut at
 * search_iterations_max); returns the iterations spent. best: the converged
 * plan of least propellant, or if none, the least residual's final time
 * solved again with iterations_max. */
int hl_cvx_solve_free(const hl_cvx_problem_t *p, const hl_cvx_settings_t *st, hl_cvx_work_t *w,
                      hl_cvx_plan_t *best, hl_cvx_plan_t *scratch);

#endif
