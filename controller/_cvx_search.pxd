# cython: language_level=3
"""The final-time search of the convex solver, in units of work (see _cvx_search.pyx)."""

from hilander.controller._convex cimport CvxPlan, CvxProblem, CvxRun, CvxSettings, CvxWork

cdef enum:
    CVX_GRID = 0
    CVX_GOLDEN = 1
    CVX_FINAL = 2
    CVX_SEARCHED = 3

# The search under way: where it is, and the golden section's bracket
ctypedef struct CvxSearch:
    CvxRun run
    CvxSettings search       # st, its solves cut at search_iterations_max
    int stage                # CVX_GRID, _GOLDEN, _FINAL, _SEARCHED
    int i                    # grid points, or golden-section points, solved
    int best_i
    int at_b
    int spent
    double ratio
    double best_cost
    double lo
    double hi
    double a
    double b
    double fa
    double fb

cdef void cvx_search_start(const CvxSettings* st, CvxWork* w, CvxSearch* s,
                           CvxPlan* best) noexcept nogil
cdef int cvx_search_units(const CvxSearch* s) noexcept nogil
cdef void cvx_search_step(const CvxProblem* p, const CvxSettings* st, CvxWork* w, CvxSearch* s,
                          CvxPlan* best, CvxPlan* scratch) noexcept nogil
cdef int cvx_solve_free(const CvxProblem* p, const CvxSettings* st, CvxWork* w,
                        CvxPlan* best, CvxPlan* scratch) noexcept nogil
