# cython: language_level=3
"""Convex guidance: the fuel-optimal plan to the approach gate, replanned,
and the feedback that tracks it.

Design (the same in reference_plan.py, the oracle, and hl_plan.c)
------
A. The plan: the solver's (_convex.pyx) from the navigation state to the
   gate over the site, with the plan's thrust ceiling plan_throttle_max of
   the engines still firing; the first from a final-time search (its
   optimum flown TIME_MARGIN longer), the next every replan_period_s (until
   tgo_freeze_s before the gate) at the time left (STRETCH longer, up to
   STRETCHES times, when none flies in it), warm-started from the last solve.
B. Tracking: the plan's start state carried exactly through the held
   accelerations to this step's time gives the plan's state; the command
   is the interval's acceleration plus position and velocity feedback.
C. No solve while a site search runs (the firmware's solver works in the
   search's buffer); a retarget throws the plan away. A replan that finds
   none keeps the plan in hand (STATUS_PLAN_INFEASIBLE on that step).
D. A first search that finds no plan: the least miss (Blackmore, Acikmese
   and Scharf 2010, their two steps as one bisection): the least radius of
   a target disc about the site within which the final-time search finds a
   plan, from miss_max_m (the vehicle's distance from the site, its drift
   in a fall, and divert_max_m) in MISS_STEPS halvings; the plan flown is
   the first plan's (A) to the disc MISS_MARGIN times wider, and its end
   becomes the site, on ground level with the radar's under the vehicle
   (STATUS_PLAN_INFEASIBLE on every step after). If none lands within
   miss_max_m, the Apollo law flies the rest of the approach (the bit on
   every step).
"""

from libc.math cimport cos, fmax, fmin, sqrt, tan

from hilander.controller._convex cimport (
    CVX_INFEASIBLE, CvxPlan, CvxProblem, CvxSettings, cvx_solve_fixed, cvx_solve_free,
)
from hilander.controller._throttle cimport thrust_rated_N

cdef double G0 = 9.80665  # standard gravity for Isp [m/s^2]
# the first plan flies this much longer than the search's optimum: the
# fuel-optimal time sits at the edge of the shortest feasible one, where the
# first replans would find none; 4 % longer costs 1-2 % more propellant
cdef double TIME_MARGIN = 1.04
cdef double STRETCH = 1.08  # a replan with no plan in the time left tries this much longer,
cdef int STRETCHES = 3      # up to this many times (chosen by measurement, docs/law.md)
# The fallback (no plan reaches the site): bisection steps on the radius of
# the target disc (to miss_max_m / 2^MISS_STEPS), and how much farther than
# the least miss found it lands, so that its replans have slack.
cdef int MISS_STEPS = 7
cdef double MISS_MARGIN = 1.1
# The solver's settings (reference_convex.DEFAULTS, hl_plan.c).
cdef CvxSettings SETTINGS = CvxSettings(4000, 3.0e-4, 8, 8, 5.0, 150.0, 1000)


cdef void convex_problem(const LawParams* p, const double* site_S_m, const SensorFrame* f,
                         CvxProblem* q) noexcept nogil:
    """The fuel-optimal problem from the navigation state to the gate (A)."""
    cdef double rated = thrust_rated_N(p, f.engines_active)
    cdef int i
    for i in range(3):
        q.position_m[i] = f.nav_position_S_m[i]
        q.velocity_mps[i] = f.nav_velocity_S_mps[i]
        q.target_position_m[i] = site_S_m[i]
        q.target_velocity_mps[i] = 0.0
    q.target_position_m[2] = site_S_m[2] + p.gate_altitude_m
    q.target_velocity_mps[2] = -p.gate_speed_mps
    q.mass_kg = fmax(f.mass_estimate_kg, 1.0)
    q.gravity_mps2 = p.gravity_mps2
    q.thrust_min_N = p.throttle_min * rated
    q.thrust_max_N = p.plan_throttle_max * (p.throttle_max * rated)
    q.alpha_s_per_m = 1.0 / (p.isp_s * G0 * cos(p.cant_rad))
    q.dry_mass_kg = p.dry_mass_kg + p.plan_reserve_kg
    q.cos_tilt_max = cos(p.tilt_max_rad)
    q.tan_glide_slope = tan(p.plan_glide_slope_rad)
    q.floor_z_m = q.target_position_m[2]
    q.nodes = p.plan_nodes
    q.target_radius_m = 0.0             # the site itself (D: the fallback's disc)
    q.slew_rate_radps = p.slew_rate_max_radps


cdef double time_to_go_s(const PlanState* pl, double t) noexcept nogil:
    return pl.start_s + pl.time_of_flight_s - t


cdef bint replan(const LawParams* p, PlanState* pl, CvxWork* w, double* site_S_m,
                 const SensorFrame* f) noexcept nogil:
    """Solve from this step's state at the time left, or if none flies in it a
    little longer (searching the final time if no plan is in hand, and if that
    finds none, the fallback's: D); adopt the plan unless infeasible (then the
    plan in hand flies on). True if a plan to the site was adopted."""
    cdef CvxProblem q
    cdef CvxPlan plan, scratch
    cdef double tf = time_to_go_s(pl, f.time_s)
    cdef int i
    convex_problem(p, site_S_m, f, &q)
    if pl.valid:
        cvx_solve_fixed(&q, tf, &SETTINGS, w, &plan)
        i = 0
        while i < STRETCHES and plan.status == CVX_INFEASIBLE:
            tf *= STRETCH               # not in the time left: a little longer
            cvx_solve_fixed(&q, tf, &SETTINGS, w, &plan)
            i += 1
    else:
        pl.missed = 0
        first_plan(&q, w, &plan, &scratch)
    pl.next_replan_s = f.time_s + p.replan_period_s
    if plan.status != CVX_INFEASIBLE:
        adopt(pl, &plan, q.nodes, f)
        return 1
    if not pl.valid:
        miss(p, pl, w, site_S_m, f, &plan, &scratch)
    return 0


cdef void miss(const LawParams* p, PlanState* pl, CvxWork* w, double* site_S_m,
               const SensorFrame* f, CvxPlan* plan, CvxPlan* scratch) noexcept nogil:
    """The fallback's plan adopted, if one lands within miss_max_m: its end is
    the site now. The ground there is taken level with the ground under the
    vehicle (the radar's, if valid: a map it has not seen tells no more)."""
    cdef CvxProblem q
    cdef double r[3]
    cdef double v[3]
    cdef double ground = site_S_m[2]
    if f.radar_altitude_valid:
        ground = f.nav_position_S_m[2] - f.radar_altitude_m
    r[0], r[1], r[2] = site_S_m[0], site_S_m[1], ground
    convex_problem(p, r, f, &q)
    fallback_plan(miss_max_m(p, &q), &q, w, plan, scratch)
    if plan.status == CVX_INFEASIBLE:
        return
    adopt(pl, plan, q.nodes, f)
    pl.missed = 1
    w.warm = 0                          # its iterate is of the disc's rows
    plan_state(pl, p.gravity_mps2, pl.start_s + pl.time_of_flight_s, r, v)
    site_S_m[0], site_S_m[1], site_S_m[2] = r[0], r[1], ground


cdef void first_plan(const CvxProblem* q, CvxWork* w, CvxPlan* plan,
                     CvxPlan* best) noexcept nogil:
    """The search's optimum (in best), flown TIME_MARGIN longer (the optimum
    itself if that finds none)."""
    cvx_solve_free(q, &SETTINGS, w, best, plan)
    w.warm = 0                          # the search's iterate is of another final time
    if best.status != CVX_INFEASIBLE:
        cvx_solve_fixed(q, best.time_of_flight_s * TIME_MARGIN, &SETTINGS, w, plan)
    if best.status == CVX_INFEASIBLE or plan.status == CVX_INFEASIBLE:
        plan[0] = best[0]


cdef double miss_max_m(const LawParams* p, const CvxProblem* q) noexcept nogil:
    """The fallback's widest disc (D): the vehicle's distance from the site
    across the ground, plus its drift in a fall to the target's height, plus
    divert_max_m."""
    cdef double dx = q.position_m[0] - q.target_position_m[0]
    cdef double dy = q.position_m[1] - q.target_position_m[1]
    cdef double vx = q.velocity_mps[0], vy = q.velocity_mps[1], vz = q.velocity_mps[2]
    cdef double h = fmax(q.position_m[2] - q.target_position_m[2], 0.0), g = q.gravity_mps2
    cdef double fall_s = (vz + sqrt(vz * vz + 2.0 * g * h)) / g
    return sqrt(dx * dx + dy * dy) + sqrt(vx * vx + vy * vy) * fall_s + p.divert_max_m


cdef void fallback_plan(double radius_max_m, const CvxProblem* q, CvxWork* w, CvxPlan* plan,
                        CvxPlan* scratch) noexcept nogil:
    """The least miss (D): the plan into plan (INFEASIBLE if none lands
    within radius_max_m)."""
    cdef CvxProblem wide = q[0]
    cdef double lo = 0.0, hi = radius_max_m
    wide.target_radius_m, wide.tan_glide_slope = radius_max_m, 0.0
    cvx_solve_free(&wide, &SETTINGS, w, plan, scratch)
    if plan.status == CVX_INFEASIBLE:
        return
    for _ in range(MISS_STEPS):
        wide.target_radius_m = 0.5 * (lo + hi)
        cvx_solve_free(&wide, &SETTINGS, w, plan, scratch)
        if plan.status == CVX_INFEASIBLE:
            lo = wide.target_radius_m
        else:
            hi = wide.target_radius_m
    wide.target_radius_m = fmin(hi * MISS_MARGIN, radius_max_m)
    first_plan(&wide, w, plan, scratch)


cdef void adopt(PlanState* pl, const CvxPlan* plan, int nodes, const SensorFrame* f) noexcept nogil:
    cdef int i, k
    pl.valid, pl.start_s = 1, f.time_s
    pl.time_of_flight_s, pl.nodes = plan.time_of_flight_s, nodes
    for i in range(3):
        pl.position_m[i] = f.nav_position_S_m[i]
        pl.velocity_mps[i] = f.nav_velocity_S_mps[i]
    for k in range(pl.nodes):
        for i in range(3):
            pl.accel_mps2[k][i] = plan.accel_mps2[k][i]


cdef int plan_state(const PlanState* pl, double g, double t, double* r, double* v) noexcept nogil:
    """The plan's position and velocity at time t (clamped to the plan): the
    start state carried through the held accelerations (B). Returns the
    interval flown."""
    cdef double dt = pl.time_of_flight_s / pl.nodes
    cdef double tau = fmin(fmax(t - pl.start_s, 0.0), pl.time_of_flight_s)
    cdef int k = min(<int>(tau / dt), pl.nodes - 1)
    cdef int i, j
    cdef double h, a
    for i in range(3):
        r[i] = pl.position_m[i]
        v[i] = pl.velocity_mps[i]
    for j in range(k + 1):
        h = dt if j < k else tau - k * dt
        for i in range(3):
            a = pl.accel_mps2[j][i] - (g if i == 2 else 0.0)
            r[i] += v[i] * h + 0.5 * a * h * h
            v[i] += a * h
    return k


cdef void track(const LawParams* p, const PlanState* pl, const SensorFrame* f,
                double* a) noexcept nogil:
    """The plan's acceleration now, plus the feedback toward its state (B)."""
    cdef double r[3]
    cdef double v[3]
    cdef int i, k = plan_state(pl, p.gravity_mps2, f.time_s, r, v)
    for i in range(3):
        a[i] = (pl.accel_mps2[k][i]
                + p.plan_position_gain_per_s2 * (r[i] - f.nav_position_S_m[i])
                + p.plan_velocity_gain_per_s * (v[i] - f.nav_velocity_S_mps[i]))


cdef bint fly_plan(const LawParams* p, PlanState* pl, CvxWork* w, bint may_solve,
                   double* site_S_m, const SensorFrame* f, double* a,
                   bint* found) noexcept nogil:
    """The plan's acceleration into a, replanned when due; False: no plan (the
    Apollo law flies). found: False if a solve found no plan to the site, or
    the fallback's plan flies (D). site_S_m: moved to the fallback's end."""
    cdef double tgo = time_to_go_s(pl, f.time_s)
    cdef bint due = not pl.valid or (f.time_s >= pl.next_replan_s and tgo > p.tgo_freeze_s)
    found[0] = 1
    if due and may_solve:
        found[0] = replan(p, pl, w, site_S_m, f)
        pl.failed = not pl.valid
    found[0] = found[0] and not pl.missed
    if not pl.valid:
        return 0
    track(p, pl, f, a)
    return 1
