# cython: language_level=3
"""The convex solver's matrix (see _cvx_rows.pyx)."""

from hilander.controller._convex cimport CvxProblem, CvxRows, CvxWork

cdef double SIGMA


cdef inline double accel_scale(const CvxProblem* p) noexcept nogil:
    """The unit of x: the full-thrust acceleration at the start."""
    return p.thrust_max_N / p.mass_kg


cdef inline int packed(int i, int j) noexcept nogil:
    """Index of K[i][j], j <= i, in the packed lower triangle."""
    return i * (i + 1) // 2 + j


cdef void constraint_rows(CvxRows* a, const CvxProblem* p, double tf) noexcept nogil
cdef void times_a(const CvxRows* a, const double* x, double* out) noexcept nogil
cdef void times_at(const CvxRows* a, const double* y, double* out) noexcept nogil
cdef int factor(CvxWork* w) noexcept nogil
cdef void back_solve(CvxWork* w, int n, double* x) noexcept nogil
