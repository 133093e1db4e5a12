/* The convex solver's matrix (hl_convex_rows.c): internal to the solver. */
#ifndef HL_CONVEX_ROWS_H
#define HL_CONVEX_ROWS_H

#include "hl_convex.h"

#define HL_CVX_SIGMA R(1.0e-6)

/* The unit of x: the full-thrust acceleration at the start. */
static inline hl_real hl_cvx_accel_scale(const hl_cvx_problem_t *p)
{
    return p->thrust_max_N / p->mass_kg;
}

/* Index of K[i][j], j <= i, in the packed lower triangle. */
static inline int hl_cvx_packed(int i, int j) { return i * (i + 1) / 2 + j; }

/* All the rows, in the reference's order, each scaled (a cone's by one scale). */
void hl_cvx_constraint_rows(hl_cvx_rows_t *a, const hl_cvx_problem_t *p, hl_real tf);
/* out = A x */
void hl_cvx_times_a(const hl_cvx_rows_t *a, const hl_real *x, hl_real *out);
/* out = A' y */
void hl_cvx_times_at(const hl_cvx_rows_t *a, const hl_real *y, hl_real *out);
/* chol = the Cholesky factors of sigma I + A' R A (three blocks); 0, or -1 */
int hl_cvx_factor(hl_cvx_work_t *w);
/* b = K^-1 b */
void hl_cvx_back_solve(hl_cvx_work_t *w, int n, hl_real *x);

#endif
