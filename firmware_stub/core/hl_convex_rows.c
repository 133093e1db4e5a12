/* The convex solver's matrix: the constraints as scaled rows of A (CSR),
 * products with A and A', and the Cholesky factor of sigma I + A' R A (see
 * hl_convex.h; the design notes are in controller/_convex.pyx). */
#include "hl_convex_rows.h"

static void begin_group(hl_cvx_rows_t *a, int kind)
{
    a->group_kind[a->groups] = (unsigned char)kind;
    a->group_first[a->groups] = (short)a->m;
    a->group_count[a->groups] = 0;
    a->groups += 1;
}

static void add_entry(hl_cvx_rows_t *a, int col, hl_real val)
{
    int e = a->row_start[a->m + 1];
    a->col[e] = (short)col;
    a->val[e] = val;
    a->row_start[a->m + 1] = e + 1;
}

static void open_row(hl_cvx_rows_t *a) { a->row_start[a->m + 1] = a->row_start[a->m]; }

static void close_row(hl_cvx_rows_t *a, hl_real c)
{
    a->c[a->m] = c;
    a->m += 1;
    a->group_count[a->groups - 1] = (short)(a->group_count[a->groups - 1] + 1);
}

/* weight (r_k[axis] - position) as a row: a dt^2 (k - j - 1/2) on u_j[axis]. */
static void state_row(hl_cvx_rows_t *a, const hl_cvx_problem_t *p, hl_real tf, int k, int axis,
                      hl_real weight, hl_real position)
{
    hl_real dt = tf / (hl_real)p->nodes, s = hl_cvx_accel_scale(p), t = (hl_real)k * dt;
    hl_real gz = axis == 2 ? -p->gravity_mps2 : R(0.0);
    int j;
    open_row(a);
    for (j = 0; j < k; j++)
        add_entry(a, 4 * j + axis, weight * (s * dt * dt * ((hl_real)(k - j) - R(0.5))));
    close_row(a, weight * (p->position_m[axis] + p->velocity_mps[axis] * t
                           + R(0.5) * gz * t * t - position));
}

/* v_N[axis] - vf[axis] as a row. */
static void velocity_row(hl_cvx_rows_t *a, const hl_cvx_problem_t *p, hl_real tf, int axis)
{
    hl_real dt = tf / (hl_real)p->nodes, s = hl_cvx_accel_scale(p), t = tf;
    hl_real gz = axis == 2 ? -p->gravity_mps2 : R(0.0);
    int j;
    open_row(a);
    for (j = 0; j < p->nodes; j++) add_entry(a, 4 * j + axis, s * dt);
    close_row(a, p->velocity_mps[axis] + gz * t - p->target_velocity_mps[axis]);
}

/* s_k <= mu2 (1 - (z_k - z0_k)), mu2 = rho2 e^-z0_k, as a row (see the
 * reference): mu2 (1 - ln m0 + z0_k) + mu2 alpha dt sum_{j<k} s_j - s_k >= 0. */
static void thrust_row(hl_cvx_rows_t *a, const hl_cvx_problem_t *p, hl_real tf, int k)
{
    hl_real dt = tf / (hl_real)p->nodes;
    hl_real z0 = hl_log(hl_fmax(p->mass_kg - p->alpha_s_per_m * p->thrust_max_N * ((hl_real)k * dt),
                                p->dry_mass_kg));
    hl_real mu2 = p->thrust_max_N * hl_exp(-z0);
    int j;
    open_row(a);
    for (j = 0; j < k; j++) add_entry(a, 4 * j + 3, mu2 * p->alpha_s_per_m * dt);
    add_entry(a, 4 * k + 3, R(-1.0));
    close_row(a, mu2 * (R(1.0) - hl_log(p->mass_kg) + z0) / hl_cvx_accel_scale(p));
}

/* Per node: the cone |u| <= s; then the pointing rows; the box rows; the
 * full-thrust rows. */
static void node_rows(hl_cvx_rows_t *a, const hl_cvx_problem_t *p, hl_real tf)
{
    int k, i;
    for (k = 0; k < p->nodes; k++) {
        begin_group(a, HL_CVX_CONE);
        for (i = 0; i < 4; i++) {
            open_row(a);
            add_entry(a, 4 * k + i, R(1.0));
            close_row(a, R(0.0));
        }
    }
    for (k = 0; k < p->nodes; k++) {
        begin_group(a, HL_CVX_NONNEG);
        open_row(a);
        add_entry(a, 4 * k + 2, R(1.0));
        add_entry(a, 4 * k + 3, -p->cos_tilt_max);
        close_row(a, R(0.0));
    }
    for (k = 0; k < p->nodes; k++) {
        begin_group(a, HL_CVX_BOX);
        open_row(a);
        add_entry(a, 4 * k + 3, R(1.0));
        close_row(a, R(0.0));
    }
    for (k = 0; k < p->nodes; k++) {
        begin_group(a, HL_CVX_NONNEG);
        thrust_row(a, p, tf, k);
    }
}

/* With a slew rate w: |u_k+1 - u_k| <= w dt (in units of the acceleration
 * scale) on each horizontal axis, as two rows per axis and interval. */
static void rate_rows(hl_cvx_rows_t *a, const hl_cvx_problem_t *p, hl_real tf)
{
    hl_real bound = p->slew_rate_radps * (tf / (hl_real)p->nodes), sign;
    int k, i, d;
    if (p->slew_rate_radps <= R(0.0)) return;
    begin_group(a, HL_CVX_NONNEG);
    for (k = 0; k < p->nodes - 1; k++)
        for (i = 0; i < 2; i++)
            for (d = 0; d < 2; d++) {
                sign = d == 0 ? R(1.0) : R(-1.0);
                open_row(a);
                add_entry(a, 4 * k + i, -sign);
                add_entry(a, 4 * (k + 1) + i, sign);
                close_row(a, bound);
            }
}

/* The floor at the inner nodes; the glide-slope cones when on. */
static void path_rows(hl_cvx_rows_t *a, const hl_cvx_problem_t *p, hl_real tf)
{
    int k;
    hl_real t = p->tan_glide_slope;
    for (k = 1; k < p->nodes; k++) {
        begin_group(a, HL_CVX_NONNEG);
        state_row(a, p, tf, k, 2, R(1.0), p->floor_z_m);
    }
    if (t > R(0.0)) {
        for (k = 1; k < p->nodes; k++) {
            begin_group(a, HL_CVX_CONE);
            state_row(a, p, tf, k, 0, t, p->target_position_m[0]);
            state_row(a, p, tf, k, 1, t, p->target_position_m[1]);
            state_row(a, p, tf, k, 2, R(1.0), p->target_position_m[2]);
        }
    }
}

/* r_N = rf, v_N = vf; the propellant on board. */
static void target_rows(hl_cvx_rows_t *a, const hl_cvx_problem_t *p, hl_real tf)
{
    int i, k;
    hl_real dt = tf / (hl_real)p->nodes;
    begin_group(a, HL_CVX_ZERO);
    if (p->target_radius_m > R(0.0)) {
        state_row(a, p, tf, p->nodes, 2, R(1.0), p->target_position_m[2]);
        begin_group(a, HL_CVX_CONE);
        state_row(a, p, tf, p->nodes, 0, R(1.0), p->target_position_m[0]);
        state_row(a, p, tf, p->nodes, 1, R(1.0), p->target_position_m[1]);
        open_row(a);
        close_row(a, p->target_radius_m);
    } else {
        for (i = 0; i < 3; i++) state_row(a, p, tf, p->nodes, i, R(1.0), p->target_position_m[i]);
    }
    begin_group(a, HL_CVX_ZERO);
    for (i = 0; i < 3; i++) velocity_row(a, p, tf, i);
    begin_group(a, HL_CVX_NONNEG);
    open_row(a);
    for (k = 0; k < p->nodes; k++) add_entry(a, 4 * k + 3, R(-1.0));
    close_row(a, hl_log(p->mass_kg / p->dry_mass_kg) / (p->alpha_s_per_m * dt * hl_cvx_accel_scale(p)));
}

static void scale_row(hl_cvx_rows_t *a, int r, hl_real scale)
{
    int e;
    for (e = a->row_start[r]; e < a->row_start[r + 1]; e++) a->val[e] *= scale;
    a->c[r] *= scale;
}

/* All the rows, in the reference's order, each scaled to unit norm (a
 * cone's rows by their largest norm, so that it keeps its shape; the target
 * disc's radius row, with no entries, with its cone). */
void hl_cvx_constraint_rows(hl_cvx_rows_t *a, const hl_cvx_problem_t *p, hl_real tf)
{
    int r, e, g;
    hl_real norm, scale;
    a->m = 0;
    a->n = 4 * p->nodes;
    a->groups = 0;
    a->row_start[0] = 0;
    node_rows(a, p, tf);
    rate_rows(a, p, tf);
    path_rows(a, p, tf);
    target_rows(a, p, tf);
    for (g = 0; g < a->groups; g++) {
        scale = R(0.0);
        for (r = a->group_first[g]; r < a->group_first[g] + a->group_count[g]; r++) {
            norm = R(0.0);
            for (e = a->row_start[r]; e < a->row_start[r + 1]; e++) norm += a->val[e] * a->val[e];
            norm = norm > R(0.0) ? R(1.0) / hl_sqrt(norm) : R(1e30); /* the radius row: no entries */
            if (a->group_kind[g] != HL_CVX_CONE)
                scale_row(a, r, norm);
            else if (r == a->group_first[g] || norm < scale)
                scale = norm;
        }
        if (a->group_kind[g] == HL_CVX_CONE)
            for (r = a->group_first[g]; r < a->group_first[g] + a->group_count[g]; r++)
                scale_row(a, r, scale);
    }
}

/* out = A x */
void hl_cvx_times_a(const hl_cvx_rows_t *a, const hl_real *x, hl_real *out)
{
    int r, e;
    hl_real acc;
    for (r = 0; r < a->m; r++) {
        acc = R(0.0);
        for (e = a->row_start[r]; e < a->row_start[r + 1]; e++) acc += a->val[e] * x[a->col[e]];
        out[r] = acc;
    }
}

/* out = A' y */
void hl_cvx_times_at(const hl_cvx_rows_t *a, const hl_real *y, hl_real *out)
{
    int r, e;
    for (r = 0; r < a->n; r++) out[r] = R(0.0);
    for (r = 0; r < a->m; r++)
        for (e = a->row_start[r]; e < a->row_start[r + 1]; e++) out[a->col[e]] += a->val[e] * y[r];
}

/* x, y and (z, s) decouple in K: column c's block (0, 1 or 2). */
static int block_of(int c) { return c % 4 < 2 ? c % 4 : 2; }

/* Column c's index inside its block (ascending with c). */
static int local_of(int c) { return c % 4 < 2 ? c / 4 : 2 * (c / 4) + c % 4 - 2; }

static int block_size(int nodes, int b) { return b == 2 ? 2 * nodes : nodes; }

/* Where block b's packed triangle starts in chol. */
static int block_base(int nodes, int b) { return b * (nodes * (nodes + 1) / 2); }

/* l (packed, lower) = its Cholesky factor, in place; 0, or -1 if not
 * positive definite. */
static int factor_dense(hl_real *l, int n)
{
    int i, j, k, r, f;
    hl_real d;
    for (j = 0; j < n; j++) {
        f = hl_cvx_packed(j, 0); /* row j */
        d = l[f + j];
        for (k = 0; k < j; k++) d -= l[f + k] * l[f + k];
        if (d <= R(0.0)) return -1;
        d = hl_sqrt(d);
        l[f + j] = d;
        for (i = j + 1; i < n; i++) {
            r = hl_cvx_packed(i, 0); /* row i */
            for (k = 0; k < j; k++) l[r + j] -= l[r + k] * l[f + k];
            l[r + j] /= d;
        }
    }
    return 0;
}

/* b = (L L')^-1 b (forward, then backward substitution). */
static void solve_dense(const hl_real *l, int n, hl_real *b)
{
    int i, k, e;
    for (i = 0; i < n; i++) {
        e = hl_cvx_packed(i, 0);
        for (k = 0; k < i; k++) b[i] -= l[e + k] * b[k];
        b[i] /= l[e + i];
    }
    for (i = n - 1; i >= 0; i--) {
        e = hl_cvx_packed(i + 1, i); /* down column i: L[k][i], k > i */
        for (k = i + 1; k < n; k++) {
            b[i] -= l[e] * b[k];
            e += k + 1;
        }
        b[i] /= l[hl_cvx_packed(i, i)];
    }
}

/* chol = the Cholesky factors of sigma I + A' R A, block by block (every row
 * of A lies in one block: x, y, or (z, s)); 0, or -1 if K is not positive
 * definite (it always is: sigma > 0). */
int hl_cvx_factor(hl_cvx_work_t *w)
{
    const hl_cvx_rows_t *a = &w->rows;
    int nodes = a->n / 4, b, c, r, e, f;
    for (c = 0; c < 3 * nodes * nodes + 2 * nodes; c++) w->chol[c] = R(0.0);
    for (c = 0; c < a->n; c++)
        w->chol[block_base(nodes, block_of(c)) + hl_cvx_packed(local_of(c), local_of(c))] = HL_CVX_SIGMA;
    for (r = 0; r < a->m; r++)
        for (e = a->row_start[r]; e < a->row_start[r + 1]; e++) {
            b = block_base(nodes, block_of(a->col[e]));
            for (f = a->row_start[r]; f < e + 1; f++) /* columns ascend in a row */
                w->chol[b + hl_cvx_packed(local_of(a->col[e]), local_of(a->col[f]))] +=
                    w->rho[r] * a->val[e] * a->val[f];
        }
    for (b = 0; b < 3; b++)
        if (factor_dense(&w->chol[block_base(nodes, b)], block_size(nodes, b)) < 0) return -1;
    return 0;
}

/* x = K^-1 x, block by block (gathered into w->blocks and back). */
void hl_cvx_back_solve(hl_cvx_work_t *w, int n, hl_real *x)
{
    int nodes = n / 4, b, c;
    for (c = 0; c < n; c++) w->blocks[block_of(c) * nodes + local_of(c)] = x[c];
    for (b = 0; b < 3; b++)
        solve_dense(&w->chol[block_base(nodes, b)], block_size(nodes, b), &w->blocks[b * nodes]);
    for (c = 0; c < n; c++) x[c] = w->blocks[block_of(c) * nodes + local_of(c)];
}
