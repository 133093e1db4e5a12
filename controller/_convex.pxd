# cython: language_level=3
"""The convex powered-descent solver: fixed-size structs (see _convex.pyx)."""

cdef enum:
    CVX_NODES_MAX = 24
    CVX_N_MAX = 96           # 4 per node: u (3) and its slack s
    CVX_M_MAX = 360          # rows: 7 per node, 8 per inner node, 8
    CVX_GROUPS_MAX = 147     # sets: 4 per node, 2 per inner node, 5
    CVX_NNZ_MAX = 1930       # 5/2 N^2 + 41/2 N - 8 at most, for N = 24: 1924
    CVX_PACKED_MAX = 1776    # three blocks of K: 2 N (N + 1) / 2 + 2N (2N + 1) / 2

cdef enum:
    CVX_ZERO = 0
    CVX_NONNEG = 1
    CVX_BOX = 2
    CVX_CONE = 3

cdef enum:
    CVX_CONVERGED = 0
    CVX_STOPPED = 1
    CVX_INFEASIBLE = 2

cdef enum:                   # units of work, in plain iterations (hl_convex.h)
    CVX_CHECK_UNITS = 2      # an iteration that checks the residuals
    CVX_FACTOR_UNITS = 5     # a factorisation of K (a set-up, a rebalance)

cdef enum:
    CVX_RUN_SET_UP = 0
    CVX_RUN_ITERATE = 1
    CVX_RUN_DONE = 2

ctypedef struct CvxProblem:
    double position_m[3]
    double velocity_mps[3]
    double mass_kg
    double target_position_m[3]
    double target_velocity_mps[3]
    double gravity_mps2
    double thrust_min_N
    double thrust_max_N
    double alpha_s_per_m
    double dry_mass_kg
    double cos_tilt_max
    double tan_glide_slope
    double floor_z_m
    int nodes
    double target_radius_m   # > 0: r_N,xy anywhere within it of the target (the fallback's)
    double slew_rate_radps   # > 0: the thrust axis's turn rate, as the rate rows bound it

ctypedef struct CvxSettings:
    int iterations_max
    double tolerance
    int time_grid
    int golden_steps
    double time_min_s
    double time_max_s
    int search_iterations_max

ctypedef struct CvxRows:
    int m
    int n
    int groups
    int row_start[CVX_M_MAX + 1]
    int col[CVX_NNZ_MAX]
    double val[CVX_NNZ_MAX]
    double c[CVX_M_MAX]
    int group_kind[CVX_GROUPS_MAX]
    int group_first[CVX_GROUPS_MAX]
    int group_count[CVX_GROUPS_MAX]

ctypedef struct CvxWork:
    CvxRows rows
    double chol[CVX_PACKED_MAX]
    double rho[CVX_M_MAX]
    double x[CVX_N_MAX]
    double z[CVX_M_MAX]
    double y[CVX_M_MAX]
    int warm                 # x, z, y hold a start for the next solve
    double xt[CVX_N_MAX]
    double rhs[CVX_N_MAX]
    double blocks[CVX_N_MAX]  # a vector in block order
    double zh[CVX_M_MAX]
    double dy[CVX_M_MAX]
    double lo[CVX_NODES_MAX]
    double hi[CVX_NODES_MAX]
    double z0[CVX_NODES_MAX]
    double mu1[CVX_NODES_MAX]
    double mu2[CVX_NODES_MAX]
    double log_mass0

ctypedef struct CvxPlan:
    int status
    double time_of_flight_s
    double propellant_kg
    int iterations
    double residual
    double accel_mps2[CVX_NODES_MAX][3]
    double mass_kg[CVX_NODES_MAX + 1]

# One solve under way, at final time tf (cvx_run_*)
ctypedef struct CvxRun:
    double tf
    int stage                # CVX_RUN_*: set-up next, iterating, done
    int it
    int status               # CONVERGED or INFEASIBLE once known, else STOPPED
    int refused              # a problem the workspace cannot hold: INFEASIBLE at once
    double primal

cdef void cvx_run_start(CvxRun* run, double tf) noexcept nogil
cdef int cvx_run_units(const CvxRun* run) noexcept nogil
cdef void cvx_run_step(const CvxProblem* p, const CvxSettings* st, CvxWork* w,
                       CvxRun* run) noexcept nogil
cdef void cvx_run_plan(const CvxProblem* p, const CvxSettings* st, CvxWork* w,
                       const CvxRun* run, CvxPlan* plan) noexcept nogil
cdef void cvx_solve_fixed(const CvxProblem* p, double tf, const CvxSettings* st,
                          CvxWork* w, CvxPlan* plan) noexcept nogil
