# cython: language_level=3
"""The convex powered-descent solver: the fuel-optimal plan by ADMM.

Design (the equations and the choices are in reference_convex.py, which
this file follows operation for operation; docs/optimal.md explains them)
------
A. x = (u_k, s_k), k < N, in units of the full-thrust acceleration at the
   start. The states are affine in x (r_k = cr_k + Mr_k x), so they are not
   variables: every iterate is a trajectory of the vehicle.
B. The constraints are rows of A x + c, each scaled to unit norm (a cone's
   rows by one scale), grouped in sets with a projection: ZERO (the
   target), NONNEG (pointing, full thrust, floor, propellant), BOX (the
   thrust floor at the iterate's log-masses), CONE (|u| <= s, the glide
   slope). A is stored by rows (CSR): 5/2 N^2 + 25/2 N entries at most.
C. ADMM (OSQP's splitting): K = sigma I + A' R A factored once by block
   (every row lies in the x, the y or the (z, s) block: three packed
   Cholesky triangles, _cvx_rows.pyx), then per iteration one solve with K,
   one product with A and one with A', and the projections. Every
   CHECK_EVERY iterations the residuals and OSQP's infeasibility
   certificate; at BALANCE_EVERY times a power of two the penalty R is
   rebalanced (and K refactored) when the residuals are more than
   BALANCE_TRIGGER apart.
D. Fixed size, no heap, bounded: at most iterations_max iterations a
   solve; a search is time_grid + 2 + golden_steps solves of at most
   search_iterations_max, and one more of iterations_max if none converged.
"""

from libc.math cimport exp, fabs, log, sqrt, fmax, fmin, isfinite
from libc.string cimport memset
from hilander.controller._cvx_rows cimport (
    SIGMA, accel_scale, back_solve, constraint_rows, factor, times_a, times_at,
)

cdef double RHO = 0.1
cdef double RHO_EQUALITY = 1.0e3
cdef double SIGMA = 1.0e-6
cdef double RELAXATION = 1.6
cdef int BALANCE_EVERY = 50
cdef double BALANCE_TRIGGER = 5.0
cdef int CHECK_EVERY = 10


cdef void node_masses(const CvxProblem* p, double tf, const double* x,
                      double* masses) noexcept nogil:
    """m_k at the iterate: before each interval, and after the last."""
    cdef double burnt = 0.0, rate = p.alpha_s_per_m * (tf / p.nodes) * accel_scale(p)
    cdef int k
    masses[0] = p.mass_kg
    for k in range(p.nodes):
        burnt += rate * fmax(x[4 * k + 3], 0.0)
        masses[k + 1] = p.mass_kg * exp(-burnt)


cdef void full_thrust_bounds(const CvxProblem* p, double tf, CvxWork* w) noexcept nogil:
    """The expansion points z0_k = ln max(m0 - alpha rho2 t_k, m_dry), k < N,
    and the bounds there, rho e^-z0_k (scaled)."""
    cdef double dt = tf / p.nodes, s = accel_scale(p)
    cdef int k
    w.log_mass0 = log(p.mass_kg)
    for k in range(p.nodes):
        w.z0[k] = log(fmax(p.mass_kg - p.alpha_s_per_m * p.thrust_max_N * (k * dt),
                           p.dry_mass_kg))
        w.mu1[k] = p.thrust_min_N * exp(-w.z0[k]) / s
        w.mu2[k] = p.thrust_max_N * exp(-w.z0[k]) / s


cdef void thrust_box(const CvxProblem* p, double tf, CvxWork* w) noexcept nogil:
    """The bounds on s_k (scaled) at the iterate's log-masses z_k."""
    cdef double rate = p.alpha_s_per_m * (tf / p.nodes) * accel_scale(p)
    cdef double burnt = 0.0, dz
    cdef int k
    for k in range(p.nodes):
        dz = (w.log_mass0 - burnt) - w.z0[k]
        w.lo[k] = w.mu1[k] * (1.0 - dz + 0.5 * dz * dz)
        w.hi[k] = w.mu2[k] * (1.0 - dz)
        burnt += rate * fmax(w.x[4 * k + 3], 0.0)


cdef void project_cone(double* w, int count) noexcept nogil:
    """w onto the second-order cone |w[:-1]| <= w[-1], in place."""
    cdef double nv = 0.0, s = w[count - 1], half
    cdef int i
    for i in range(count - 1):
        nv += w[i] * w[i]
    nv = sqrt(nv)
    if nv <= s:
        return
    if nv <= -s:
        for i in range(count):
            w[i] = 0.0
        return
    half = 0.5 * (nv + s)
    for i in range(count - 1):
        w[i] *= half / nv
    w[count - 1] = half


cdef void project(const CvxRows* a, double* w, const double* lo,
                  const double* hi) noexcept nogil:
    """w (= A x + c) onto the product of the rows' sets, in place."""
    cdef int g, i, first, box = 0
    for g in range(a.groups):
        first = a.group_first[g]
        if a.group_kind[g] == CVX_ZERO:
            for i in range(first, first + a.group_count[g]):
                w[i] = 0.0
        elif a.group_kind[g] == CVX_NONNEG:
            for i in range(first, first + a.group_count[g]):
                w[i] = fmax(w[i], 0.0)
        elif a.group_kind[g] == CVX_BOX:
            w[first] = fmin(fmax(w[first], lo[box]), hi[box])
            box += 1
        else:
            project_cone(&w[first], a.group_count[g])


cdef double max_abs(const double* v, int count) noexcept nogil:
    cdef double best = 0.0
    cdef int i
    for i in range(count):
        best = fmax(best, fabs(v[i]))
    return best


cdef bint infeasible(CvxWork* w, double tol) noexcept nogil:
    """OSQP's certificate of primal infeasibility on the dual step dy: A' dy
    ~ 0 and a negative support function of the sets (see the reference)."""
    cdef CvxRows* a = &w.rows
    cdef double size = max_abs(w.dy, a.m), support = 0.0, nv
    cdef int g, i, first, count, box = 0
    if size < 1e-12:
        return False
    times_at(a, w.dy, w.rhs)
    if max_abs(w.rhs, a.n) > tol * size:
        return False
    for i in range(a.m):
        support -= w.dy[i] * a.c[i]
    for g in range(a.groups):
        first, count = a.group_first[g], a.group_count[g]
        if a.group_kind[g] == CVX_NONNEG:
            for i in range(first, first + count):
                if w.dy[i] > tol * size:
                    return False
        elif a.group_kind[g] == CVX_CONE:
            nv = 0.0
            for i in range(first, first + count - 1):
                nv += w.dy[i] * w.dy[i]
            if sqrt(nv) + w.dy[first + count - 1] > tol * size:
                return False
        elif a.group_kind[g] == CVX_BOX:
            support += w.hi[box] * fmax(w.dy[first], 0.0) + w.lo[box] * fmin(w.dy[first], 0.0)
            box += 1
    return support < -tol * size


cdef void iterate(const CvxProblem* p, double tf, CvxWork* w) noexcept nogil:
    """One ADMM iteration; dy = the step of the dual."""
    cdef CvxRows* a = &w.rows
    cdef double zn, q = 1.0 / p.nodes
    cdef int i
    thrust_box(p, tf, w)
    for i in range(a.m):
        w.dy[i] = w.rho[i] * w.z[i] - w.y[i]
    times_at(a, w.dy, w.rhs)
    for i in range(a.n):
        w.rhs[i] = SIGMA * w.x[i] - (q if i % 4 == 3 else 0.0) + w.rhs[i]
    back_solve(w, a.n, w.rhs)
    times_a(a, w.rhs, w.zh)
    for i in range(a.n):
        w.x[i] = RELAXATION * w.rhs[i] + (1.0 - RELAXATION) * w.x[i]
    for i in range(a.m):
        w.zh[i] = RELAXATION * w.zh[i] + (1.0 - RELAXATION) * w.z[i]
        w.dy[i] = w.zh[i] + w.y[i] / w.rho[i] + a.c[i]
    project(a, w.dy, w.lo, w.hi)
    for i in range(a.m):
        zn = w.dy[i] - a.c[i]
        w.dy[i] = w.rho[i] * (w.zh[i] - zn)
        w.y[i] += w.dy[i]
        w.z[i] = zn


cdef double residuals(const CvxProblem* p, CvxWork* w, double* dual,
                      double* z_size, double* aty_size) noexcept nogil:
    """The primal residual |A x - z|; the dual |q + A' y| and the sizes the
    penalty balance needs."""
    cdef CvxRows* a = &w.rows
    cdef double primal = 0.0
    cdef int i
    times_a(a, w.x, w.zh)
    for i in range(a.m):
        primal = fmax(primal, fabs(w.zh[i] - w.z[i]))
    times_at(a, w.y, w.xt)
    aty_size[0] = max_abs(w.xt, a.n)
    dual[0] = 0.0
    for i in range(a.n):
        dual[0] = fmax(dual[0], fabs((1.0 / p.nodes if i % 4 == 3 else 0.0) + w.xt[i]))
    z_size[0] = max_abs(w.z, a.m)
    return primal


cdef void start(CvxWork* w) noexcept nogil:
    """The iterate for a cold start (x = 0, z = A 0, y = 0) unless warm; R."""
    cdef CvxRows* a = &w.rows
    cdef int g, i
    if not w.warm:
        for i in range(a.n):
            w.x[i] = 0.0
        for i in range(a.m):
            w.z[i] = 0.0
            w.y[i] = 0.0
    for i in range(a.m):
        w.rho[i] = RHO
    for g in range(a.groups):
        if a.group_kind[g] == CVX_ZERO:
            for i in range(a.group_first[g], a.group_first[g] + a.group_count[g]):
                w.rho[i] *= RHO_EQUALITY


cdef void rebalance(CvxWork* w, double primal, double dual, double z_size,
                    double aty_size) noexcept nogil:
    """Scale R by sqrt of the residuals' ratio when it leaves [1/5, 5]."""
    cdef double ratio = sqrt((primal / fmax(z_size, 1e-9))
                             / (dual / fmax(aty_size, 1e-9) + 1e-12))
    cdef int i
    if ratio <= BALANCE_TRIGGER and ratio >= 1.0 / BALANCE_TRIGGER:
        return
    ratio = fmin(fmax(ratio, 1e-3), 1e3)
    for i in range(w.rows.m):
        w.rho[i] *= ratio
    factor(w)


cdef bint finite(const CvxProblem* p) noexcept nogil:
    """Every number of the problem finite (a NaN would pass through fmax)."""
    cdef double total = p.mass_kg + p.gravity_mps2 + p.thrust_min_N + p.thrust_max_N
    cdef int i
    total += p.alpha_s_per_m + p.dry_mass_kg + p.cos_tilt_max + p.tan_glide_slope + p.floor_z_m
    total += p.target_radius_m + p.slew_rate_radps
    for i in range(3):
        total += (p.position_m[i] + p.velocity_mps[i] + p.target_position_m[i]
                  + p.target_velocity_mps[i])
    return isfinite(total)


cdef void refuse(double tf, CvxWork* w, CvxPlan* plan) noexcept nogil:
    memset(plan, 0, sizeof(CvxPlan))
    plan.status = CVX_INFEASIBLE
    plan.time_of_flight_s = tf
    plan.residual = 1e30
    w.warm = False


cdef void cvx_run_start(CvxRun* run, double tf) noexcept nogil:
    run.tf, run.stage, run.it = tf, CVX_RUN_SET_UP, 0
    run.status, run.refused, run.primal = CVX_STOPPED, False, 1e30


cdef inline bint balance_due(int it) noexcept nogil:
    """At 50, 100, 200, 400, ... iterations (each balance refactors)."""
    return it % BALANCE_EVERY == 0 and (it // BALANCE_EVERY) & (it // BALANCE_EVERY - 1) == 0


cdef int cvx_run_units(const CvxRun* run) noexcept nogil:
    """What the next cvx_run_step costs at most, in units of work: the set-up
    CVX_FACTOR_UNITS, an iteration 1, one that checks the residuals
    CVX_CHECK_UNITS, and CVX_FACTOR_UNITS more where the penalty may be
    rebalanced (which refactors); 0 once done. Known before it runs, so that
    a slice can stop short of its budget."""
    if run.stage == CVX_RUN_SET_UP:
        return CVX_FACTOR_UNITS
    if run.stage == CVX_RUN_DONE:
        return 0
    if (run.it + 1) % CHECK_EVERY:
        return 1
    return CVX_CHECK_UNITS + (CVX_FACTOR_UNITS if balance_due(run.it + 1) else 0)


cdef void set_up(const CvxProblem* p, const CvxSettings* st, CvxWork* w,
                 CvxRun* run) noexcept nogil:
    """The rows at tf, the expansion points, the start, K factored. A problem
    the workspace cannot hold (nodes outside [2, CVX_NODES_MAX]), with a
    number that is not finite, or a final time that is not positive is
    refused: INFEASIBLE at once, its plan all zeros."""
    if p.nodes < 2 or p.nodes > CVX_NODES_MAX or not run.tf > 0.0 or not finite(p):
        run.refused, run.status, run.stage = True, CVX_INFEASIBLE, CVX_RUN_DONE
        return
    constraint_rows(&w.rows, p, run.tf)
    full_thrust_bounds(p, run.tf, w)
    start(w)
    factor(w)
    run.stage = CVX_RUN_ITERATE if st.iterations_max > 0 else CVX_RUN_DONE


cdef void cvx_run_step(const CvxProblem* p, const CvxSettings* st, CvxWork* w,
                       CvxRun* run) noexcept nogil:
    """One unit of work: the set-up, or one ADMM iteration (with the checks
    every CHECK_EVERY)."""
    cdef double dual, z_size, aty_size
    cdef int it
    if run.stage == CVX_RUN_SET_UP:
        set_up(p, st, w, run)
        return
    if run.stage == CVX_RUN_DONE:
        return
    run.it += 1
    it = run.it
    iterate(p, run.tf, w)
    if it % CHECK_EVERY == 0:
        run.primal = residuals(p, w, &dual, &z_size, &aty_size)
        if run.primal < st.tolerance and dual < st.tolerance:
            run.status = CVX_CONVERGED
        elif infeasible(w, st.tolerance):
            run.status = CVX_INFEASIBLE
        elif balance_due(it):
            rebalance(w, run.primal, dual, z_size, aty_size)
    if run.status != CVX_STOPPED or it >= st.iterations_max:
        run.stage = CVX_RUN_DONE


cdef void cvx_run_plan(const CvxProblem* p, const CvxSettings* st, CvxWork* w,
                       const CvxRun* run, CvxPlan* plan) noexcept nogil:
    """The plan of a solve that is done; the iterate kept for a warm start
    unless infeasible."""
    cdef int status = run.status
    if run.refused:
        refuse(run.tf, w, plan)
        return
    if status == CVX_STOPPED and not run.primal <= 10.0 * st.tolerance:  # NaN too
        status = CVX_INFEASIBLE
    w.warm = status != CVX_INFEASIBLE
    make_plan(p, run.tf, w, status, run.it, run.primal, plan)


cdef void cvx_solve_fixed(const CvxProblem* p, double tf, const CvxSettings* st,
                          CvxWork* w, CvxPlan* plan) noexcept nogil:
    """ADMM from the workspace's iterate (cold unless w.warm): the run's
    start, its steps until done, its plan."""
    cdef CvxRun run
    cvx_run_start(&run, tf)
    while run.stage != CVX_RUN_DONE:
        cvx_run_step(p, st, w, &run)
    cvx_run_plan(p, st, w, &run, plan)


cdef void make_plan(const CvxProblem* p, double tf, CvxWork* w, int status, int it,
                    double primal, CvxPlan* plan) noexcept nogil:
    cdef double s = accel_scale(p)
    cdef int k, i
    node_masses(p, tf, w.x, plan.mass_kg)
    plan.status = status
    plan.time_of_flight_s = tf
    plan.propellant_kg = plan.mass_kg[0] - plan.mass_kg[p.nodes]
    plan.iterations = it
    plan.residual = primal
    for k in range(p.nodes):
        for i in range(3):
            plan.accel_mps2[k][i] = w.x[4 * k + i] * s
