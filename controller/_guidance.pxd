# cython: language_level=3
"""Powered-descent guidance: augmented Apollo, a gain per axis, searched time-to-go."""

cdef struct TgoProblem:
    double r[3]             # position now, site frame [m]
    double v[3]             # velocity now [m/s]
    double rf[3]            # target position [m]
    double vf[3]            # target velocity [m/s]
    double af[3]            # target thrust acceleration [m/s^2]
    double g                # gravity magnitude, acting along -z [m/s^2]
    double gain[3]          # k per axis: 6 = ZEM/ZEV (energy optimal), 12 = Apollo
    double accel_max        # thrust acceleration available [m/s^2]
    double accel_min        # minimum thrust acceleration (throttle floor) [m/s^2]
    double cos_tilt         # cosine of the thrust tilt limit
    double floor_z          # no flight below this z before arrival [m]
    double tgo_min          # search bounds [s]
    double tgo_max

cdef struct Plan:
    double c1[3]            # a(s) = af + c1 s + c2 s^e, s = time remaining
    double c2[3]
    double e[3]             # per axis
    double te[3]            # t^e

cdef void guidance_accel(const TgoProblem* p, double tgo, double a[3]) noexcept nogil
cdef void plan(const TgoProblem* p, double tgo, Plan* q) noexcept nogil
cdef double tgo_cost(const TgoProblem* p, double tgo) noexcept nogil
cdef double tgo_violation(const TgoProblem* p, double tgo) noexcept nogil
cdef double tgo_search(const TgoProblem* p) noexcept nogil
cdef double coast_and_brake_s(const TgoProblem* q, double v_gate, double decel) noexcept nogil
