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
