# cython: language_level=3
"""Convex guidance: the fuel-optimal plan to the approach gate, replanned,
and the feedback that tracks it.

Design (the same in reference_plan.py, the oracle, and hl_plan.c)
------
A. The plan: the solver's (_convex.pyx) from the navigation state to the
   gate over the site, with the plan's thrust ceiling plan_throttle_max of
   the engines still firing and its cone PLAN_TILT of the tilt; the first
   from a final-time search (its optimum flown TIME_MARGIN longer), the next
   every replan_period_s (until tgo_freeze_s before the gate) at the time
   left (STRETCH longer, up to STRETCHES times, when none flies in it),
   warm-started from the last solve.
B. Tracking: the plan's start state carried exactly through the held
   accelerations to this step's time gives the plan's state; the command
   is the interval's acceleration plus position and velocity feedback.
C. No solve while a site search runs (the firmware's solver works in the
   search's buffer); a retarget throws the plan away, and if no plan
   reaches the new site, the first plan flies to the site the search left
   when a plan reached that one and the map shows its cell safe
   (PlanState.kept; the site goes back, STATUS_PLAN_INFEASIBLE on that
   step). A replan that finds none keeps the plan in hand
   (STATUS_PLAN_INFEASIBLE on that step).
D. A first search that finds no plan: the least miss (Blackmore, Acikmese
   and Scharf 2010, their two steps as one bisection): the least radius of
   a target disc about the site within which the final-time search finds a
   plan, from miss_max_m (the vehicle's distance from the site, its drift
   in a fall, and divert_max_m) in MISS_STEPS halvings; the plan flown is
   the first plan's (A) to the disc MISS_MARGIN times wider, and its end
   becomes the site, on ground level with the radar's under the vehicle
   (STATUS_PLAN_INFEASIBLE from the step the first search ends, while the
   least miss's searches run on in slices, E, and on every step after:
   unreached). If its end is on a cell
   the last hazard map does not show safe, the first plan (no glide slope)
   to the safe cell nearest the end (_sites.pyx F; not within the
   bisection's largest disc with no plan) flies instead, when one reaches
   it. If none lands within miss_max_m, the Apollo law flies (the
   bit on every step) until a site search ends; then the law plans again
   (_sites.pyx leave_site).
E. Real time: a replan is a job (PlanJob) of the solver's units of work
   (an ADMM iteration; a factorisation counts CVX_FACTOR_UNITS), started
   when due and run plan_iterations_per_tick units a step (0: to its end on
   the step it starts). The plan it adopts starts from the state of the
   step it began on; until it ends, the plan in hand flies (before the
   first, the Apollo law). A site search that starts ends the job (C).
F. The turn: the stage turns its thrust axis at slew_rate_max_radps, and the
   plan may turn faster where its thrust is small (a coast at the floor
   before a braking burn: the rate rows bound the horizontal thrust, not its
   direction). A coast's command (feedback included, under COAST times the
   floor's acceleration) is turned early toward a later interval it could
   not otherwise reach in time: by the largest excess, over the plan's
   later intervals j, of the angle between the command and the interval's
   acceleration over the rate times the time to its start; in the plane of
   the two, its length kept (_track.pyx, with B's state and feedback). A
   larger command, a burn's or a correction's, is flown as it is: turned
   with its length kept, a correction becomes a thrust the wrong way, and
   the error grows.
"""

from libc.math cimport cos, fmax, fmin, sqrt, tan

from hilander.controller._convex cimport (
    CVX_INFEASIBLE, CVX_RUN_DONE, CvxPlan, CvxProblem, CvxSettings, cvx_run_plan,
    cvx_run_start, cvx_run_step, cvx_run_units,
)
from hilander.controller._cvx_search cimport (
    CVX_SEARCHED, cvx_search_start, cvx_search_step, cvx_search_units,
)
from hilander.controller._sites cimport nearest_safe_cell
from hilander.controller._law cimport (
    JOB_BISECT, JOB_FIXED, JOB_IDLE, JOB_MARGIN, JOB_SEARCH, JOB_WIDE, PlanJob,
)
from hilander.controller._throttle cimport thrust_rated_N
from hilander.controller._track cimport plan_state, track

cdef double G0 = 9.80665  # standard gravity for Isp [m/s^2]
# the plan points its thrust within this fraction of tilt_max_rad: the rest is
# the feedback's, which the throttle stage clips to the tilt limit first
cdef double PLAN_TILT = 0.9
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


cdef void convex_problem(const LawParams* p, const PlanState* pl, const double* site_S_m,
                         const SensorFrame* f, CvxProblem* q) noexcept nogil:
    """The fuel-optimal problem from the navigation state to the gate (A)."""
    cdef double rated = thrust_rated_N(p, f.engines_active)
    cdef int i
    for i in range(3):
        q.position_m[i] = f.nav_position_S_m[i]
        q.velocity_mps[i] = f.nav_velocity_S_mps[i]
        q.target_velocity_mps[i] = 0.0
    retarget(p, q, site_S_m)
    q.target_velocity_mps[2] = -p.gate_speed_mps
    q.mass_kg = fmax(f.mass_estimate_kg, 1.0)
    q.gravity_mps2 = p.gravity_mps2
    q.thrust_min_N = p.throttle_min * rated
    q.thrust_max_N = p.plan_throttle_max * (p.throttle_max * rated)
    q.alpha_s_per_m = 1.0 / (p.isp_s * G0 * cos(p.cant_rad))
    q.dry_mass_kg = pl.dry_mass_kg + p.plan_reserve_kg
    q.cos_tilt_max = cos(PLAN_TILT * p.tilt_max_rad)
    q.tan_glide_slope = tan(p.plan_glide_slope_rad)
    q.nodes = p.plan_nodes
    q.target_radius_m = 0.0             # the site itself (D: the fallback's disc)
    q.slew_rate_radps = p.slew_rate_max_radps


cdef double time_to_go_s(const PlanState* pl, double t) noexcept nogil:
    return pl.start_s + pl.time_of_flight_s - t


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


cdef void adopt(PlanState* pl, const CvxPlan* plan, const PlanJob* j) noexcept nogil:
    """The plan flown from the state of the step its replan began on."""
    cdef int i, k
    pl.valid, pl.start_s = 1, j.start_s
    pl.time_of_flight_s, pl.nodes = plan.time_of_flight_s, j.q.nodes
    for i in range(3):
        pl.position_m[i] = j.q.position_m[i]
        pl.velocity_mps[i] = j.q.velocity_mps[i]
    for k in range(pl.nodes):
        for i in range(3):
            pl.accel_mps2[k][i] = plan.accel_mps2[k][i]


cdef void start_job(const LawParams* p, PlanState* pl, CvxWork* w, const double* site_S_m,
                    const SensorFrame* f) noexcept nogil:
    """A replan from this step's state (E): at the time left if a plan is in
    hand, else the first plan's search. The fallback's problem is set now
    (D: to the site on the ground under the vehicle, by the radar if valid)."""
    cdef PlanJob* j = &pl.job
    cdef double r[3]
    j.start_s, j.count, j.missing, j.found, j.kept = f.time_s, 0, 0, 0, 0
    convex_problem(p, pl, site_S_m, f, &j.q)
    r[0], r[1], r[2] = site_S_m[0], site_S_m[1], site_S_m[2]
    if f.radar_altitude_valid:
        r[2] = f.nav_position_S_m[2] - f.radar_altitude_m
    j.ground_m = r[2]
    convex_problem(p, pl, r, f, &j.to_ground)
    if pl.valid:
        j.stage, j.tf = JOB_FIXED, time_to_go_s(pl, f.time_s)
        cvx_run_start(&j.run, j.tf)
    else:
        pl.missed, j.kept, pl.kept = 0, pl.kept, 0
        j.stage = JOB_SEARCH
        cvx_search_start(&SETTINGS, w, &j.search, &j.best)


cdef void retarget(const LawParams* p, CvxProblem* q, const double* site_S_m) noexcept nogil:
    """q to the gate over another site."""
    q.target_position_m[0] = site_S_m[0]
    q.target_position_m[1] = site_S_m[1]
    q.target_position_m[2] = site_S_m[2] + p.gate_altitude_m
    q.floor_z_m = q.target_position_m[2]


cdef void end_job(const LawParams* p, PlanState* pl, bint found) noexcept nogil:
    pl.next_replan_s = pl.job.start_s + p.replan_period_s
    pl.job.found, pl.job.stage = found, JOB_IDLE


cdef void fixed_done(const LawParams* p, PlanState* pl) noexcept nogil:
    """A replan at the time left solved: a little longer if none flies in
    it, up to STRETCHES times; adopted unless infeasible."""
    cdef PlanJob* j = &pl.job
    if j.plan.status == CVX_INFEASIBLE and j.count < STRETCHES:
        j.count += 1
        j.tf *= STRETCH
        cvx_run_start(&j.run, j.tf)
        return
    if j.plan.status != CVX_INFEASIBLE:
        adopt(pl, &j.plan, j)
    end_job(p, pl, j.plan.status != CVX_INFEASIBLE)


cdef void first_done(const LawParams* p, PlanState* pl, CvxWork* w, double* site_S_m,
                     const HazardMap* m) noexcept nogil:
    """The first plan (the search's optimum, TIME_MARGIN longer) adopted; or
    if none, the fallback's search (D); or if that was the fallback's, its
    end the site now (or the safe cell nearest it, D)."""
    cdef PlanJob* j = &pl.job
    if j.plan.status != CVX_INFEASIBLE:
        adopt(pl, &j.plan, j)
        if j.missing:
            if missed(p, pl, w, site_S_m, m):
                return                  # on to the safe cell nearest its end
        elif j.kept == 2:               # the site the search left is the site again
            site_S_m[0], site_S_m[1] = pl.kept_site_S_m[0], pl.kept_site_S_m[1]
            site_S_m[2] = pl.kept_site_S_m[2]
        end_job(p, pl, not j.missing and j.kept != 2)
    elif j.kept == 1:                   # no plan to the search's site: the site it left
        j.kept = 2
        retarget(p, &j.q, pl.kept_site_S_m)
        j.stage = JOB_SEARCH
        cvx_search_start(&SETTINGS, w, &j.search, &j.best)
    elif not j.missing:                 # no plan to the site: the least miss (D)
        j.q = j.to_ground
        j.radius_max_m = miss_max_m(p, &j.q)
        j.q.target_radius_m, j.q.tan_glide_slope = j.radius_max_m, 0.0
        j.stage = JOB_WIDE
        cvx_search_start(&SETTINGS, w, &j.search, &j.best)
    else:
        end_job(p, pl, 0)


cdef bint missed(const LawParams* p, PlanState* pl, CvxWork* w, double* site_S_m,
                 const HazardMap* m) noexcept nogil:
    """The fallback's plan adopted (D): its end is the site; or if this was
    the plan to the safe cell nearest the end, that cell. True if the map
    does not show the end safe and the search to that cell began."""
    cdef PlanJob* j = &pl.job
    cdef double v[3]
    cdef double unreached[3]
    pl.missed = 1
    w.warm = 0                          # its iterate is of the disc's rows (or no glide slope)
    if j.missing == 2:
        site_S_m[0], site_S_m[1], site_S_m[2] = j.safe_S_m[0], j.safe_S_m[1], j.safe_S_m[2]
        return 0
    plan_state(pl, p.gravity_mps2, pl.start_s + pl.time_of_flight_s, j.safe_S_m, v)
    site_S_m[0], site_S_m[1], site_S_m[2] = j.safe_S_m[0], j.safe_S_m[1], j.ground_m
    unreached[0], unreached[1] = j.to_ground.target_position_m[0], j.to_ground.target_position_m[1]
    unreached[2] = j.lo                 # the bisection's largest disc with no plan
    if m == NULL or not nearest_safe_cell(m, p.site_cost_safe_max, p.site_clearance_min_m,
                                          site_S_m, unreached, j.safe_S_m):
        return 0
    pl.next_replan_s = j.start_s + p.replan_period_s    # the least miss flies meanwhile
    j.missing, j.q = 2, j.to_ground
    retarget(p, &j.q, j.safe_S_m)
    j.q.tan_glide_slope = 0.0
    j.stage = JOB_SEARCH
    cvx_search_start(&SETTINGS, w, &j.search, &j.best)
    return 1


cdef void searched(const LawParams* p, PlanState* pl, CvxWork* w, double* site_S_m,
                   const HazardMap* m) noexcept nogil:
    """A final-time search done: the first plan's (its optimum then solved
    TIME_MARGIN longer), or one of the fallback's bisection on the disc's
    radius (D), whose last searches the disc MISS_MARGIN times wider."""
    cdef PlanJob* j = &pl.job
    if j.stage == JOB_SEARCH:
        w.warm = 0                      # the search's iterate is of another final time
        if j.best.status == CVX_INFEASIBLE:
            j.plan = j.best
            first_done(p, pl, w, site_S_m, m)
        else:
            j.stage = JOB_MARGIN
            cvx_run_start(&j.run, j.best.time_of_flight_s * TIME_MARGIN)
        return
    if j.stage == JOB_WIDE and j.best.status == CVX_INFEASIBLE:
        end_job(p, pl, 0)               # none lands within miss_max_m
        return
    if j.stage == JOB_WIDE:
        j.lo, j.hi = 0.0, j.radius_max_m
    elif j.best.status == CVX_INFEASIBLE:
        j.lo = j.q.target_radius_m
    else:
        j.hi = j.q.target_radius_m
    if j.stage == JOB_BISECT:
        j.count += 1
    if j.count < MISS_STEPS:
        j.stage, j.q.target_radius_m = JOB_BISECT, 0.5 * (j.lo + j.hi)
    else:
        j.stage, j.missing = JOB_SEARCH, 1
        j.q.target_radius_m = fmin(j.hi * MISS_MARGIN, j.radius_max_m)
    cvx_search_start(&SETTINGS, w, &j.search, &j.best)


cdef int job_units(const PlanJob* j) noexcept nogil:
    """What the replan's next unit costs at most, in iterations (0: the step
    from a solve or a search done to the next)."""
    if j.stage == JOB_FIXED or j.stage == JOB_MARGIN:
        return cvx_run_units(&j.run)
    return cvx_search_units(&j.search)


cdef void job_unit(const LawParams* p, PlanState* pl, CvxWork* w, double* site_S_m,
                   const HazardMap* m) noexcept nogil:
    """One unit of the replan's solver work, or when a solve or a search is
    done, the step to the next."""
    cdef PlanJob* j = &pl.job
    if j.stage == JOB_FIXED or j.stage == JOB_MARGIN:
        if j.run.stage != CVX_RUN_DONE:
            cvx_run_step(&j.q, &SETTINGS, w, &j.run)
            return
        cvx_run_plan(&j.q, &SETTINGS, w, &j.run, &j.plan)
        if j.stage == JOB_FIXED:
            fixed_done(p, pl)
            return
        if j.plan.status == CVX_INFEASIBLE:
            j.plan = j.best
        first_done(p, pl, w, site_S_m, m)
    elif j.search.stage != CVX_SEARCHED:
        cvx_search_step(&j.q, &SETTINGS, w, &j.search, &j.best, &j.plan)
    else:
        searched(p, pl, w, site_S_m, m)


cdef bint run_job(const LawParams* p, PlanState* pl, CvxWork* w, double* site_S_m,
                  const HazardMap* m) noexcept nogil:
    """The replan's units while they fit in plan_iterations_per_tick (0: to
    its end); a step does one unit at least. True if any ran."""
    cdef int used = 0, need, budget = p.plan_iterations_per_tick
    cdef bint ran = False
    while pl.job.stage != JOB_IDLE:
        need = job_units(&pl.job)
        if budget > 0 and need > 0 and used > 0 and used + need > budget:
            break
        job_unit(p, pl, w, site_S_m, m)
        used += need
        ran = True
    return ran


cdef inline bint unreached(const PlanJob* j) noexcept nogil:
    """A replan under way that found no plan to the site: the least miss's
    searches or the site a search left follow (D, C), and the step says so."""
    return j.stage != JOB_IDLE and (j.stage == JOB_WIDE or j.stage == JOB_BISECT
                                    or j.missing != 0 or j.kept == 2)


cdef bint fly_plan(const LawParams* p, PlanState* pl, CvxWork* w, bint may_solve,
                   double* site_S_m, const SensorFrame* f, const HazardMap* m, double* a,
                   double* raise_max, bint* found) noexcept nogil:
    """The plan's acceleration into a and the raise's bound into raise_max
    (track); False: no plan (the Apollo law flies).
    A replan starts when due and runs plan_iterations_per_tick units a step
    (0: to its end on the step it starts: E). found: False if a replan
    ended this step with no plan to the site, or the fallback's plan flies,
    or a replan under way found none to the site and searches on (D).
    site_S_m: moved to the fallback's end. m: the last hazard map (or NULL),
    which the fallback's end is checked against (D)."""
    cdef double tgo = time_to_go_s(pl, f.time_s)
    cdef bint due = not pl.valid or (f.time_s >= pl.next_replan_s and tgo > p.tgo_freeze_s)
    found[0] = 1
    if not may_solve:
        pl.job.stage = JOB_IDLE         # a site search holds the solver's buffer
    if pl.job.stage == JOB_IDLE and due and may_solve:
        start_job(p, pl, w, site_S_m, f)
    if run_job(p, pl, w, site_S_m, m) and pl.job.stage == JOB_IDLE:    # it ended this step
        found[0] = pl.job.found
        pl.failed = not pl.valid
    found[0] = found[0] and not pl.missed and not unreached(&pl.job)
    if not pl.valid:
        return 0
    track(p, pl, f, a, raise_max)
    return 1
