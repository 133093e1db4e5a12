# cython: language_level=3
"""The convex solver's matrix: the constraints as scaled rows of A (CSR),
products with A and A', and the Cholesky factor of sigma I + A' R A (see
_convex.pyx for the design, reference_convex.py for the equations)."""

from libc.math cimport exp, log, sqrt, fmax

from hilander.controller._convex cimport (
    CVX_BOX, CVX_CONE, CVX_NONNEG, CVX_ZERO, CvxProblem, CvxRows, CvxWork,
)

cdef double SIGMA = 1.0e-6


cdef void begin_group(CvxRows* a, int kind) noexcept nogil:
    a.group_kind[a.groups] = kind
    a.group_first[a.groups] = a.m
    a.group_count[a.groups] = 0
    a.groups += 1


cdef void add_entry(CvxRows* a, int col, double val) noexcept nogil:
    cdef int e = a.row_start[a.m + 1]
    a.col[e] = col
    a.val[e] = val
    a.row_start[a.m + 1] = e + 1


cdef void open_row(CvxRows* a) noexcept nogil:
    a.row_start[a.m + 1] = a.row_start[a.m]


cdef void close_row(CvxRows* a, double c) noexcept nogil:
    a.c[a.m] = c
    a.m += 1
    a.group_count[a.groups - 1] += 1


cdef void state_row(CvxRows* a, const CvxProblem* p, double tf, int k, int axis,
                    double weight, double position) noexcept nogil:
    """weight (r_k[axis] - position) as a row: entries a dt^2 (k - j - 1/2)
    on u_j[axis], j < k."""
    cdef double dt = tf / p.nodes, s = accel_scale(p), t = k * dt
    cdef double gz = -p.gravity_mps2 if axis == 2 else 0.0
    cdef int j
    open_row(a)
    for j in range(k):
        add_entry(a, 4 * j + axis, weight * (s * dt * dt * (k - j - 0.5)))
    close_row(a, weight * (p.position_m[axis] + p.velocity_mps[axis] * t
                           + 0.5 * gz * t * t - position))


cdef void velocity_row(CvxRows* a, const CvxProblem* p, double tf, int axis) noexcept nogil:
    """v_N[axis] - vf[axis] as a row."""
    cdef double dt = tf / p.nodes, s = accel_scale(p), t = tf
    cdef double gz = -p.gravity_mps2 if axis == 2 else 0.0
    cdef int j
    open_row(a)
    for j in range(p.nodes):
        add_entry(a, 4 * j + axis, s * dt)
    close_row(a, p.velocity_mps[axis] + gz * t - p.target_velocity_mps[axis])


cdef void thrust_row(CvxRows* a, const CvxProblem* p, double tf, int k) noexcept nogil:
    """s_k <= mu2 (1 - (z_k - z0_k)), mu2 = rho2 e^-z0_k, as a row (see the
    reference): mu2 (1 - ln m0 + z0_k) + mu2 alpha dt sum_{j<k} s_j - s_k >= 0."""
    cdef double dt = tf / p.nodes
    cdef double z0 = log(fmax(p.mass_kg - p.alpha_s_per_m * p.thrust_max_N * (k * dt),
                              p.dry_mass_kg))
    cdef double mu2 = p.thrust_max_N * exp(-z0)
    cdef int j
    open_row(a)
    for j in range(k):
        add_entry(a, 4 * j + 3, mu2 * p.alpha_s_per_m * dt)
    add_entry(a, 4 * k + 3, -1.0)
    close_row(a, mu2 * (1.0 - log(p.mass_kg) + z0) / accel_scale(p))


cdef void node_rows(CvxRows* a, const CvxProblem* p, double tf) noexcept nogil:
    """Per node: the cone |u| <= s; then the pointing rows; the box rows; the
    full-thrust rows."""
    cdef int k, i
    for k in range(p.nodes):
        begin_group(a, CVX_CONE)
        for i in range(4):
            open_row(a)
            add_entry(a, 4 * k + i, 1.0)
            close_row(a, 0.0)
    for k in range(p.nodes):
        begin_group(a, CVX_NONNEG)
        open_row(a)
        add_entry(a, 4 * k + 2, 1.0)
        add_entry(a, 4 * k + 3, -p.cos_tilt_max)
        close_row(a, 0.0)
    for k in range(p.nodes):
        begin_group(a, CVX_BOX)
        open_row(a)
        add_entry(a, 4 * k + 3, 1.0)
        close_row(a, 0.0)
    for k in range(p.nodes):
        begin_group(a, CVX_NONNEG)
        thrust_row(a, p, tf, k)


cdef void rate_rows(CvxRows* a, const CvxProblem* p, double tf) noexcept nogil:
    """With a slew rate w: |u_k+1 - u_k| <= w dt (in units of the acceleration
    scale) on each horizontal axis, as two rows per axis and interval."""
    cdef int k, i, d
    cdef double sign, bound = p.slew_rate_radps * (tf / p.nodes)
    if p.slew_rate_radps <= 0.0:
        return
    begin_group(a, CVX_NONNEG)
    for k in range(p.nodes - 1):
        for i in range(2):
            for d in range(2):
                sign = 1.0 if d == 0 else -1.0
                open_row(a)
                add_entry(a, 4 * k + i, -sign)
                add_entry(a, 4 * (k + 1) + i, sign)
                close_row(a, bound)


cdef void path_rows(CvxRows* a, const CvxProblem* p, double tf) noexcept nogil:
    """The floor at the inner nodes; the glide-slope cones when on."""
    cdef int k
    cdef double t = p.tan_glide_slope
    for k in range(1, p.nodes):
        begin_group(a, CVX_NONNEG)
        state_row(a, p, tf, k, 2, 1.0, p.floor_z_m)
    if t > 0.0:
        for k in range(1, p.nodes):
            begin_group(a, CVX_CONE)
            state_row(a, p, tf, k, 0, t, p.target_position_m[0])
            state_row(a, p, tf, k, 1, t, p.target_position_m[1])
            state_row(a, p, tf, k, 2, 1.0, p.target_position_m[2])


cdef void target_rows(CvxRows* a, const CvxProblem* p, double tf) noexcept nogil:
    """r_N = rf (or |r_N,xy - rf_xy| <= target_radius, r_Nz = rf_z: the
    radius a row with no entries), v_N = vf; the propellant on board."""
    cdef int i, k
    cdef double dt = tf / p.nodes
    begin_group(a, CVX_ZERO)
    if p.target_radius_m > 0.0:
        state_row(a, p, tf, p.nodes, 2, 1.0, p.target_position_m[2])
        begin_group(a, CVX_CONE)
        state_row(a, p, tf, p.nodes, 0, 1.0, p.target_position_m[0])
        state_row(a, p, tf, p.nodes, 1, 1.0, p.target_position_m[1])
        open_row(a)
        close_row(a, p.target_radius_m)
    else:
        for i in range(3):
            state_row(a, p, tf, p.nodes, i, 1.0, p.target_position_m[i])
    begin_group(a, CVX_ZERO)
    for i in range(3):
        velocity_row(a, p, tf, i)
    begin_group(a, CVX_NONNEG)
    open_row(a)
    for k in range(p.nodes):
        add_entry(a, 4 * k + 3, -1.0)
    close_row(a, log(p.mass_kg / p.dry_mass_kg) / (p.alpha_s_per_m * dt * accel_scale(p)))


cdef void constraint_rows(CvxRows* a, const CvxProblem* p, double tf) noexcept nogil:
    """All the rows, in the reference's order, each scaled to unit norm (a
    cone's rows by their largest norm, so that it keeps its shape; the target
    disc's radius row, with no entries, with its cone)."""
    cdef int r, e, g
    cdef double norm, scale
    a.m, a.n, a.groups = 0, 4 * p.nodes, 0
    a.row_start[0] = 0
    node_rows(a, p, tf)
    rate_rows(a, p, tf)
    path_rows(a, p, tf)
    target_rows(a, p, tf)
    for g in range(a.groups):
        scale = 0.0
        for r in range(a.group_first[g], a.group_first[g] + a.group_count[g]):
            norm = 0.0
            for e in range(a.row_start[r], a.row_start[r + 1]):
                norm += a.val[e] * a.val[e]
            norm = 1.0 / sqrt(norm) if norm > 0.0 else 1e30  # the radius row: no entries
            if a.group_kind[g] != CVX_CONE:
                scale_row(a, r, norm)
            elif r == a.group_first[g] or norm < scale:
                scale = norm
        if a.group_kind[g] == CVX_CONE:
            for r in range(a.group_first[g], a.group_first[g] + a.group_count[g]):
                scale_row(a, r, scale)


cdef void scale_row(CvxRows* a, int r, double scale) noexcept nogil:
    cdef int e
    for e in range(a.row_start[r], a.row_start[r + 1]):
        a.val[e] *= scale
    a.c[r] *= scale


cdef void times_a(const CvxRows* a, const double* x, double* out) noexcept nogil:
    """out = A x."""
    cdef int r, e
    cdef double acc
    for r in range(a.m):
        acc = 0.0
        for e in range(a.row_start[r], a.row_start[r + 1]):
            acc += a.val[e] * x[a.col[e]]
        out[r] = acc


cdef void times_at(const CvxRows* a, const double* y, double* out) noexcept nogil:
    """out = A' y."""
    cdef int r, e
    for r in range(a.n):
        out[r] = 0.0
    for r in range(a.m):
        for e in range(a.row_start[r], a.row_start[r + 1]):
            out[a.col[e]] += a.val[e] * y[r]


cdef inline int block_of(int c) noexcept nogil:
    """x, y and (z, s) decouple in K: column c's block (0, 1 or 2)."""
    return c % 4 if c % 4 < 2 else 2


cdef inline int local_of(int c) noexcept nogil:
    """Column c's index inside its block (ascending with c)."""
    return c // 4 if c % 4 < 2 else 2 * (c // 4) + c % 4 - 2


cdef inline int block_size(int nodes, int b) noexcept nogil:
    return 2 * nodes if b == 2 else nodes


cdef inline int block_base(int nodes, int b) noexcept nogil:
    """Where block b's packed triangle starts in chol."""
    return b * (nodes * (nodes + 1) // 2)


cdef int factor_dense(double* l, int n) noexcept nogil:
    """l (packed, lower) = its Cholesky factor, in place. 0, or -1 if not
    positive definite."""
    cdef int i, j, k, r, f
    cdef double d
    for j in range(n):
        f = packed(j, 0)  # row j
        d = l[f + j]
        for k in range(j):
            d -= l[f + k] * l[f + k]
        if d <= 0.0:
            return -1
        d = sqrt(d)
        l[f + j] = d
        for i in range(j + 1, n):
            r = packed(i, 0)  # row i
            for k in range(j):
                l[r + j] -= l[r + k] * l[f + k]
            l[r + j] /= d
    return 0


cdef void solve_dense(const double* l, int n, double* b) noexcept nogil:
    """b = (L L')^-1 b (forward, then backward substitution)."""
    cdef int i, k, e
    for i in range(n):
        e = packed(i, 0)
        for k in range(i):
            b[i] -= l[e + k] * b[k]
        b[i] /= l[e + i]
    for i in range(n - 1, -1, -1):
        e = packed(i + 1, i)  # down column i: L[k][i], k > i
        for k in range(i + 1, n):
            b[i] -= l[e] * b[k]
            e += k + 1
        b[i] /= l[packed(i, i)]


cdef int factor(CvxWork* w) noexcept nogil:
    """chol = the Cholesky factors of sigma I + A' R A, block by block (every
    row of A lies in one block: x, y, or (z, s)). Returns 0, or -1 if K is
    not positive definite (it always is: sigma > 0)."""
    cdef CvxRows* a = &w.rows
    cdef int nodes = a.n // 4, b, c, r, e, f
    for c in range(3 * nodes * nodes + 2 * nodes):
        w.chol[c] = 0.0
    for c in range(a.n):
        b = block_of(c)
        w.chol[block_base(nodes, b) + packed(local_of(c), local_of(c))] = SIGMA
    for r in range(a.m):
        for e in range(a.row_start[r], a.row_start[r + 1]):
            b = block_base(nodes, block_of(a.col[e]))
            for f in range(a.row_start[r], e + 1):  # columns ascend in a row
                w.chol[b + packed(local_of(a.col[e]), local_of(a.col[f]))] += (
                    w.rho[r] * a.val[e] * a.val[f])
    for b in range(3):
        if factor_dense(&w.chol[block_base(nodes, b)], block_size(nodes, b)) < 0:
            return -1
    return 0


cdef void back_solve(CvxWork* w, int n, double* x) noexcept nogil:
    """x = K^-1 x, block by block (gathered into w.blocks and back)."""
    cdef int nodes = n // 4, b, c
    for c in range(n):
        w.blocks[block_of(c) * nodes + local_of(c)] = x[c]
    for b in range(3):
        solve_dense(&w.chol[block_base(nodes, b)], block_size(nodes, b), &w.blocks[b * nodes])
    for c in range(n):
        x[c] = w.blocks[block_of(c) * nodes + local_of(c)]
