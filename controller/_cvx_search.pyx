# cython: language_level=3
"""The final-time search of the convex solver (reference_convex.solve_free_time;
hl_cvx_search.c is its C port, operation for operation).

A log grid of time_grid points over [time_min, time_max], then golden
section in the best bracket, each solve warm-started from the last and cut
at search_iterations_max; if none converged, the least residual's final time
solved again with iterations_max. Cut into units of work as the solves it is
made of (cvx_run_step), so that the law can spread it over control steps:
cvx_search_step does one unit of the solve under way, or when that is done,
the bookkeeping that starts the next (at no cost). cvx_solve_free runs it
to the end in one call.
"""

from libc.string cimport memset
from hilander.controller._convex cimport (
    CVX_CONVERGED, CVX_INFEASIBLE, CVX_NODES_MAX, CVX_RUN_DONE, CvxPlan, CvxProblem,
    CvxSettings, CvxWork, cvx_run_plan, cvx_run_start, cvx_run_step, cvx_run_units,
    cvx_solve_fixed,
)

cdef double INV_PHI = 0.6180339887498949


cdef inline double grid_time(const CvxSettings* st, const CvxSearch* s, int i) noexcept nogil:
    return st.time_min_s * s.ratio ** i


cdef void cvx_search_start(const CvxSettings* st, CvxWork* w, CvxSearch* s,
                           CvxPlan* best) noexcept nogil:
    s.search = st[0]
    s.search.iterations_max = st.search_iterations_max
    s.ratio = (st.time_max_s / st.time_min_s) ** (1.0 / (st.time_grid - 1))
    s.stage, s.i, s.best_i, s.spent, s.best_cost = CVX_GRID, 0, 0, 0, 1e30
    best.status, best.residual, best.propellant_kg = CVX_INFEASIBLE, 1e30, 1e30
    w.warm = False
    cvx_run_start(&s.run, grid_time(st, s, 0))


cdef void grid_done(const CvxSettings* st, CvxSearch* s, double cost) noexcept nogil:
    """A grid point solved (its search cost): the next, or the golden
    section's bracket about the best and its first point."""
    if cost < s.best_cost:
        s.best_cost, s.best_i = cost, s.i
    s.i += 1
    if s.i < st.time_grid:
        cvx_run_start(&s.run, grid_time(st, s, s.i))
        return
    s.lo = grid_time(st, s, s.best_i - 1 if s.best_i > 0 else 0)
    s.hi = grid_time(st, s, s.best_i + 1 if s.best_i < st.time_grid - 1 else s.best_i)
    s.a, s.b = s.hi - INV_PHI * (s.hi - s.lo), s.lo + INV_PHI * (s.hi - s.lo)
    s.stage, s.i, s.at_b = CVX_GOLDEN, 0, False
    cvx_run_start(&s.run, s.a)


cdef void golden_done(const CvxSettings* st, CvxSearch* s, const CvxPlan* best,
                      double cost) noexcept nogil:
    """A point of the golden section solved: the next (b after a, then a step
    toward the lesser), or after the last, the final solve if none converged."""
    cdef bint stepping
    if s.at_b:
        s.fb = cost
    else:
        s.fa = cost
    s.i += 1
    stepping = 1 < s.i < st.golden_steps + 2
    s.at_b = s.i == 1 or (stepping and s.fa > s.fb)
    if s.i == 1:
        cvx_run_start(&s.run, s.b)
    elif stepping and not s.at_b:
        s.hi, s.b, s.fb = s.b, s.a, s.fa
        s.a = s.hi - INV_PHI * (s.hi - s.lo)
        cvx_run_start(&s.run, s.a)
    elif stepping:
        s.lo, s.a, s.fa = s.a, s.b, s.fb
        s.b = s.lo + INV_PHI * (s.hi - s.lo)
        cvx_run_start(&s.run, s.b)
    elif best.status != CVX_CONVERGED:
        s.stage = CVX_FINAL
        cvx_run_start(&s.run, best.time_of_flight_s)
    else:
        s.stage = CVX_SEARCHED


cdef inline double plan_cost(const CvxPlan* plan) noexcept nogil:
    """The order of the plans the search keeps: converged by propellant, then
    the others by residual."""
    return plan.propellant_kg if plan.status == CVX_CONVERGED else 1.0e9 * (1.0 + plan.residual)


cdef inline double search_cost(const CvxPlan* plan) noexcept nogil:
    """What the search minimises (see the reference's search_cost): flyable
    plans (converged, or stopped within ten times the tolerance) by
    propellant, then the infeasible ones by residual."""
    return plan.propellant_kg if plan.status != CVX_INFEASIBLE else 1.0e9 * (1.0 + plan.residual)


cdef int cvx_search_units(const CvxSearch* s) noexcept nogil:
    """What the next cvx_search_step costs at most, in iterations (0: the
    bookkeeping between two solves)."""
    return 0 if s.stage == CVX_SEARCHED else cvx_run_units(&s.run)


cdef void cvx_search_step(const CvxProblem* p, const CvxSettings* st, CvxWork* w, CvxSearch* s,
                          CvxPlan* best, CvxPlan* scratch) noexcept nogil:
    """One unit of the solve under way, or if that is done, its plan kept in
    best if it is the best so far (converged, or of least residual while
    none is) and the next solve started."""
    cdef double cost
    if s.stage == CVX_SEARCHED:
        return
    if s.run.stage != CVX_RUN_DONE:
        cvx_run_step(p, st if s.stage == CVX_FINAL else &s.search, w, &s.run)
        return
    if s.stage == CVX_FINAL:
        cvx_run_plan(p, st, w, &s.run, best)
        s.spent += best.iterations
        s.stage = CVX_SEARCHED
        return
    cvx_run_plan(p, &s.search, w, &s.run, scratch)
    s.spent += scratch.iterations
    if plan_cost(scratch) < plan_cost(best):
        best[0] = scratch[0]
    cost = search_cost(scratch)
    if s.stage == CVX_GRID:
        grid_done(st, s, cost)
    else:
        golden_done(st, s, best, cost)


cdef int cvx_solve_free(const CvxProblem* p, const CvxSettings* st, CvxWork* w,
                        CvxPlan* best, CvxPlan* scratch) noexcept nogil:
    """The search run to the end: best, the converged plan of least
    propellant, or if none, the least residual's final time solved again
    with iterations_max. Returns the iterations spent."""
    cdef CvxSearch s
    cvx_search_start(st, w, &s, best)
    while s.stage != CVX_SEARCHED:
        cvx_search_step(p, st, w, &s, best, scratch)
    return s.spent


cdef CvxWork _work
cdef CvxPlan _best, _scratch


def _solved(int nodes, int spent):
    """_best as py_solve gives it."""
    return (
        _best.status, _best.time_of_flight_s, _best.propellant_kg, _best.iterations,
        _best.residual, [list(_best.accel_mps2[k]) for k in range(nodes)],
        [_best.mass_kg[k] for k in range(nodes + 1)], spent,
    )


def py_solve(dict problem, dict settings, double tf=0.0, bint warm=False):
    """Solve at tf (0: search the final time); warm: from the last solve's
    iterate. (status, time of flight, propellant, iterations, residual,
    accelerations, masses, iterations in all)."""
    cdef CvxProblem p = problem
    cdef CvxSettings st = settings
    cdef int spent
    if p.nodes < 2 or p.nodes > CVX_NODES_MAX:
        raise ValueError(f"nodes must be in [2, {CVX_NODES_MAX}], not {p.nodes}")
    memset(&_best, 0, sizeof(CvxPlan))
    with nogil:
        if tf > 0.0:
            _work.warm = _work.warm and warm
            cvx_solve_fixed(&p, tf, &st, &_work, &_best)
            spent = _best.iterations
        else:
            spent = cvx_solve_free(&p, &st, &_work, &_best, &_scratch)
    return _solved(p.nodes, spent)


def py_search_sliced(dict problem, dict settings, int budget):
    """The final-time search in slices of at most budget units (one unit at
    least), as the law spreads it over control steps: (py_solve's tuple, the
    cost of each slice in iterations)."""
    cdef CvxProblem p = problem
    cdef CvxSettings st = settings
    cdef CvxSearch s
    cdef int used, need
    slices = []
    if p.nodes < 2 or p.nodes > CVX_NODES_MAX or budget < 1:
        raise ValueError(f"nodes must be in [2, {CVX_NODES_MAX}] and budget >= 1")
    memset(&_best, 0, sizeof(CvxPlan))
    cvx_search_start(&st, &_work, &s, &_best)
    while s.stage != CVX_SEARCHED:
        used = 0
        while s.stage != CVX_SEARCHED:
            need = cvx_search_units(&s)
            if need > 0 and used > 0 and used + need > budget:
                break
            cvx_search_step(&p, &st, &_work, &s, &_best, &_scratch)
            used += need
        slices.append(used)
    return _solved(p.nodes, s.spent), slices
