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
    """r_N = rf, v_N = vf; the propellant on board."""
    cdef int i, k
    cdef double dt = tf / p.nodes
    begin_group(a, CVX_ZERO)
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
    cone's rows by their largest norm, so that it keeps its shape)."""
    cdef int r, e, g
    cdef double norm, scale
    a.m, a.n, a.groups = 0, 4 * p.nodes, 0
    a.row_start[0] = 0
    node_rows(a, p, tf)
    path_rows(a, p, tf)
    target_rows(a, p, tf)
    for g in range(a.groups):
        scale = 0.0
        for r in range(a.group_first[g], a.group_first[g] + a.group_count[g]):
            norm = 0.0
            for e in range(a.row_start[r], a.row_start[r + 1]):
                norm += a.val[e] * a.val[e]
            norm = 1.0 / sqrt(norm)
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


cdef int factor(CvxWork* w) noexcept nogil:
    """chol = the Cholesky factor of sigma I + A' R A (packed, lower).
    Returns 0, or -1 if K is not positive definite (it always is: sigma > 0)."""
    cdef CvxRows* a = &w.rows
    cdef int n = a.n, i, j, k, r, e, f
    cdef double d
    for i in range(n * (n + 1) // 2):
        w.chol[i] = 0.0
    for i in range(n):
        w.chol[packed(i, i)] = SIGMA
    for r in range(a.m):
        for e in range(a.row_start[r], a.row_start[r + 1]):
            for f in range(a.row_start[r], e + 1):  # columns ascend in a row
                w.chol[packed(a.col[e], a.col[f])] += w.rho[r] * a.val[e] * a.val[f]
    for j in range(n):
        f = packed(j, 0)  # row j
        d = w.chol[f + j]
        for k in range(j):
            d -= w.chol[f + k] * w.chol[f + k]
        if d <= 0.0:
            return -1
        d = sqrt(d)
        w.chol[f + j] = d
        for i in range(j + 1, n):
            r = packed(i, 0)  # row i
            for k in range(j):
                w.chol[r + j] -= w.chol[r + k] * w.chol[f + k]
            w.chol[r + j] /= d
    return 0


cdef void back_solve(const CvxWork* w, int n, double* b) noexcept nogil:
    """b = K^-1 b with K = L L' (forward, then backward substitution)."""
    cdef int i, k, e
    for i in range(n):
        e = packed(i, 0)
        for k in range(i):
            b[i] -= w.chol[e + k] * b[k]
        b[i] /= w.chol[e + i]
    for i in range(n - 1, -1, -1):
        e = packed(i + 1, i)  # down column i: L[k][i], k > i
        for k in range(i + 1, n):
            b[i] -= w.chol[e] * b[k]
            e += k + 1
        b[i] /= w.chol[packed(i, i)]
