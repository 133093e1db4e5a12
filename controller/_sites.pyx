# cython: language_level=3
"""Hazard avoidance: choose the lowest-cost reachable safe site.

Design
------
A. A cell is safe when its hazard cost is below cost_safe_max. Its clearance
   is the distance to the nearest unsafe cell or to the map edge (beyond the
   map nothing is known), by a two-pass 3-4 chamfer distance transform:
   between 0.943 and 1.054 times the Euclidean distance (dx + dy/3 for
   dx >= dy), bounded loops, no allocation.
B. A site is reachable when the divert from the current target, d, is at most
   divert_max and its ZEM/ZEV acceleration, 6 d / t_go^2, fits in the
   horizontal acceleration set aside for diverts.
C. Cost of a reachable safe site:
       J = w_c max(0, 1 - clearance / clearance_pref)
         + w_d |site - nominal| / divert_max
         + w_p propellant / propellant_scale
   with propellant = m (3 d / t_go) / v_e (delta-v of a rest-to-rest
   translation with a linear acceleration profile; small-burn rocket
   equation).
D. Sites with clearance below clearance_min are used only when no other safe
   site is reachable. With no safe reachable site the least-hazardous
   reachable cell is chosen and select_site returns STATUS_NO_SAFE_SITE.
E. Spread over control steps (LawState.search): the search is cut into work
   units of one map row, the transform's forward pass (each row seeded
   first), its backward pass, then each row scaled and scored; a step does
   site_search_rows_per_tick of them. Same operations in the same order as
   the one-shot search, so the same site, bit for bit. The query is frozen
   on the step the map comes in, after that step's flying; the law flies on
   to its current site meanwhile, and selects on the step the last unit
   ends. A new map, no map, or a phase without maps ends it unfinished.
F. A cell is safe as tier 0 of the search (D) without the transform: its
   cost below cost_safe_max, and no unsafe cell (nor the map's edge) within
   clearance_min of it by the same 3-4 chamfer distance, looked up in the
   window around it (the ring of cells just off the map is the nearest of
   it). Convex guidance's least miss that ends on a cell not safe gives way
   to the safe cell nearest its end, SAFE_CELLS cells around it at most,
   passing over those within the disc about its site that no plan reached
   (_plan.pyx D).
"""

from libc.math cimport fabs, floor, fmax, sin, sqrt
from hilander.controller._guidance cimport TgoProblem, tgo_search
from hilander.controller._law cimport (
    HazardMap, LawParams, LawState, PlanState, SensorFrame, SiteQuery, SiteSearch,
    EVENT_SITE_SELECTED, JOB_IDLE, PHASE_HOVER, STATUS_NO_SAFE_SITE,
)
from libc.stdint cimport uint32_t

cdef float UNSAFE = 0.0
cdef float FAR = 1.0e9
cdef double G0 = 9.80665  # standard gravity for Isp [m/s^2], exact by definition
cdef int PASSES = 3       # forward, backward, scoring: a unit per map row each
# The least miss's end on a cell the map does not show safe gives way to the
# nearest safe cell this many cells around it (nearest_safe_cell, F).
cdef int SAFE_CELLS = 4


cdef inline float chamfer_at(const float* d, int n, int i, int j) noexcept nogil:
    """Chamfer distance at (i, j); outside the map counts as unsafe."""
    if i < 0 or j < 0 or i >= n or j >= n:
        return UNSAFE
    return d[i * n + j]


cdef void forward_row(const HazardMap* m, double cost_safe_max, float* d, int i) noexcept nogil:
    """Seed row i (safe: far, unsafe: 0), then the forward pass over it."""
    cdef int n = m.cells, j
    cdef float v
    for j in range(n):
        d[i * n + j] = FAR if m.cost[i * n + j] < cost_safe_max else UNSAFE
    for j in range(n):
        v = d[i * n + j]
        v = min(v, chamfer_at(d, n, i - 1, j) + 3)
        v = min(v, chamfer_at(d, n, i, j - 1) + 3)
        v = min(v, chamfer_at(d, n, i - 1, j - 1) + 4)
        v = min(v, chamfer_at(d, n, i - 1, j + 1) + 4)
        d[i * n + j] = v


cdef void backward_row(float* d, int n, int i) noexcept nogil:
    cdef int j
    cdef float v
    for j in range(n - 1, -1, -1):
        v = d[i * n + j]
        v = min(v, chamfer_at(d, n, i + 1, j) + 3)
        v = min(v, chamfer_at(d, n, i, j + 1) + 3)
        v = min(v, chamfer_at(d, n, i + 1, j + 1) + 4)
        v = min(v, chamfer_at(d, n, i + 1, j - 1) + 4)
        d[i * n + j] = v


cdef inline void scale_row(const HazardMap* m, float* d, int i) noexcept nogil:
    """Chamfer units (3 per cell) into metres."""
    cdef int n = m.cells, j
    for j in range(n):
        d[i * n + j] = <float>(d[i * n + j] / 3.0 * m.cell_size_m)


cdef void clearance_transform(const HazardMap* m, double cost_safe_max,
                              float* clearance_m) noexcept nogil:
    cdef int n = m.cells, i
    for i in range(n):
        forward_row(m, cost_safe_max, clearance_m, i)
    for i in range(n - 1, -1, -1):
        backward_row(clearance_m, n, i)
    for i in range(n):
        scale_row(m, clearance_m, i)


cdef double site_cost(const SiteQuery* q, double clearance, double x, double y,
                      double divert) noexcept nogil:
    cdef double dn = sqrt((x - q.nominal_S_m[0]) ** 2 + (y - q.nominal_S_m[1]) ** 2)
    cdef double dv = 3.0 * divert / q.tgo_s
    cdef double propellant = q.mass_kg * dv / q.exhaust_velocity_mps
    return (q.weight_clearance * fmax(0.0, 1.0 - clearance / q.clearance_pref_m)
            + q.weight_distance * dn / q.divert_max_m
            + q.weight_propellant * propellant / q.propellant_scale_kg)


cdef void score_row(SiteSearch* w, const HazardMap* m, const float* clearance_m,
                    int i) noexcept nogil:
    """Row i's reachable cells against the best so far: tier, then cost."""
    cdef const SiteQuery* q = &w.q
    cdef int n = m.cells, j, k, tier
    cdef double x, divert, cost
    cdef double y = m.origin_S_m[1] + (i + 0.5) * m.cell_size_m
    for j in range(n):
        x = m.origin_S_m[0] + (j + 0.5) * m.cell_size_m
        k = i * n + j
        divert = sqrt((x - q.current_S_m[0]) ** 2 + (y - q.current_S_m[1]) ** 2)
        if divert > q.divert_max_m or 6.0 * divert > q.accel_divert_mps2 * q.tgo_s ** 2:
            continue
        if m.cost[k] >= q.cost_safe_max:
            tier = 2
            cost = m.cost[k]
        else:
            tier = 0 if clearance_m[k] >= q.clearance_min_m else 1
            cost = site_cost(q, clearance_m[k], x, y, divert)
        if tier < w.best_tier or (tier == w.best_tier and cost < w.best_cost):
            w.best_tier = tier
            w.best_cost = cost
            w.best_k = k
        if fmax(fabs(x - q.current_S_m[0]), fabs(y - q.current_S_m[1])) <= 0.5 * m.cell_size_m:
            w.here_tier = max(w.here_tier, tier)    # a site on a corner: the worst


cdef void search_begin(SiteSearch* w, const SiteQuery* q) noexcept nogil:
    w.running = 1
    w.unit = 0
    w.best_tier = 3
    w.best_k = -1
    w.best_cost = 1e300
    w.here_tier = -1
    w.q = q[0]


cdef int search_advance(SiteSearch* w, const HazardMap* m, float* clearance_m,
                        int units) noexcept nogil:
    """Up to ``units`` units of work; 1 once the search is done."""
    cdef int n = m.cells, u
    cdef int end = min(w.unit + units, PASSES * n)
    for u in range(w.unit, end):
        if u < n:
            forward_row(m, w.q.cost_safe_max, clearance_m, u)
        elif u < 2 * n:
            backward_row(clearance_m, n, 2 * n - 1 - u)
        else:
            scale_row(m, clearance_m, u - 2 * n)
            score_row(w, m, clearance_m, u - 2 * n)
    w.unit = end
    return end == PASSES * n


cdef int search_result(const SiteSearch* w, const HazardMap* m, double site_S_m[3]) noexcept nogil:
    """Write the chosen site (x, y, ground z), if any, and return status bits."""
    cdef int n = m.cells
    if w.best_k < 0:
        return STATUS_NO_SAFE_SITE
    site_S_m[0] = m.origin_S_m[0] + (w.best_k % n + 0.5) * m.cell_size_m
    site_S_m[1] = m.origin_S_m[1] + (w.best_k // n + 0.5) * m.cell_size_m
    site_S_m[2] = m.elevation_m[w.best_k]
    return STATUS_NO_SAFE_SITE if w.best_tier == 2 else 0


cdef int select_site(const HazardMap* m, const SiteQuery* q, float* clearance_m,
                     double site_S_m[3]) noexcept nogil:
    """The whole search at once: write the chosen site and return status bits."""
    cdef SiteSearch w
    search_begin(&w, q)
    search_advance(&w, m, clearance_m, PASSES * m.cells)
    return search_result(&w, m, site_S_m)


cdef void site_search_begin(LawState* s, const LawParams* p, const SensorFrame* f,
                            const TgoProblem* g) noexcept nogil:
    """Freeze the question of a new map (g: the step's gate problem) and begin."""
    cdef SiteQuery q
    q.nominal_S_m[0] = 0.0
    q.nominal_S_m[1] = 0.0
    q.current_S_m[0] = s.site_S_m[0]
    q.current_S_m[1] = s.site_S_m[1]
    if s.phase == PHASE_HOVER:
        q.tgo_s = p.hover_s             # the hover's time is the time to move
    else:
        q.tgo_s = s.tgo_s if s.tgo_s > p.tgo_switch_s else tgo_search(g)
    q.accel_divert_mps2 = p.divert_accel_fraction * g.accel_max * sin(p.tilt_max_rad)
    q.mass_kg = fmax(f.mass_estimate_kg, 1.0)
    q.exhaust_velocity_mps = p.isp_s * G0
    q.cost_safe_max = p.site_cost_safe_max
    q.clearance_min_m = p.site_clearance_min_m
    q.clearance_pref_m = p.site_clearance_pref_m
    q.divert_max_m = p.divert_max_m
    q.weight_clearance = p.site_weight_clearance
    q.weight_distance = p.site_weight_distance
    q.weight_propellant = p.site_weight_propellant
    q.propellant_scale_kg = p.site_propellant_scale_kg
    search_begin(&s.search, &q)
    s.cvx.warm = 0                      # the firmware's search works in the solver's buffer
    s.plan.job.stage = JOB_IDLE         # so a replan under way ends


cdef void leave_site(PlanState* pl, const double* site_S_m, const double* new_S_m,
                     int here_tier) noexcept nogil:
    """A site search ended (new_S_m: the site it chose): plan again (after a
    failure too), and keep the site it leaves (to fly to if no plan reaches
    the new one) when a plan to it was in hand and the map shows its cells
    safe (tier 0 or 1, below site_cost_safe_max)."""
    cdef int i
    cdef bint moved = (new_S_m[0] != site_S_m[0] or new_S_m[1] != site_S_m[1]
                       or new_S_m[2] != site_S_m[2])
    pl.kept = pl.valid and not pl.missed and 0 <= here_tier <= 1 and moved
    for i in range(3):
        pl.kept_site_S_m[i] = site_S_m[i]
    pl.valid, pl.failed = 0, 0


cdef int site_search_step(LawState* s, const LawParams* p, const SensorFrame* f,
                          const HazardMap* m, bint maps, uint32_t* status) noexcept nogil:
    """A step's slice of the search under way; 1 when it ends with a selection
    (site, event, and a new time-to-go to search). A new map, no map, or a
    phase without maps (maps = 0) ends it unfinished."""
    cdef double new_S_m[3]
    cdef int i
    if not s.search.running:
        return 0
    if f.hazard_map_ready or m == NULL or not maps:
        s.search.running = 0
        return 0
    if not search_advance(&s.search, m, s.clearance_m, p.site_search_rows_per_tick):
        return 0
    s.search.running = 0
    for i in range(3):
        new_S_m[i] = s.site_S_m[i]
    status[0] |= search_result(&s.search, m, new_S_m)
    leave_site(&s.plan, s.site_S_m, new_S_m, s.search.here_tier)   # and plan again
    for i in range(3):
        s.site_S_m[i] = new_S_m[i]
    s.events |= EVENT_SITE_SELECTED
    s.tgo_s = 0.0                       # new target: search the time-to-go again
    return 1


cdef bint safe_cell(const HazardMap* m, double cost_safe_max, double clearance_min_m,
                    int i, int j) noexcept nogil:
    """Whether cell (i, j) is safe as the search's tier 0 (F)."""
    cdef int n = m.cells, w = <int>(clearance_min_m / m.cell_size_m) + 1, a, b, lo, hi
    cdef bint inside
    if m.cost[i * n + j] >= cost_safe_max:
        return 0
    for a in range(max(i - w, -1), min(i + w, n) + 1):    # the ring just off the map
        for b in range(max(j - w, -1), min(j + w, n) + 1):  # is the nearest of it
            inside = 0 <= a < n and 0 <= b < n
            if inside and m.cost[a * n + b] < cost_safe_max:
                continue
            lo, hi = min(abs(a - i), abs(b - j)), max(abs(a - i), abs(b - j))
            if <float>((4 * lo + 3 * (hi - lo)) / 3.0 * m.cell_size_m) < clearance_min_m:
                return 0
    return 1


cdef bint nearest_safe_cell(const HazardMap* m, double cost_safe_max, double clearance_min_m,
                            const double* at_S_m, const double* unreached,
                            double* cell_S_m) noexcept nogil:
    """The centre (x, y) and elevation (z) of the safe cell nearest at_S_m
    (x, y) within SAFE_CELLS cells of its own into cell_S_m (F), passing over
    the cells within the disc unreached (x, y, radius; none if the radius is
    negative). False, and cell_S_m unchanged, if its own cell is safe, it is
    off the map (nothing known there) or none is safe."""
    cdef int n = m.cells, i, j, a, b, k = -1
    cdef double c = m.cell_size_m, near = FAR, cx, cy, d2
    if n <= 0 or c <= 0.0:
        return 0                        # no map
    i = <int>floor((at_S_m[1] - m.origin_S_m[1]) / c)
    j = <int>floor((at_S_m[0] - m.origin_S_m[0]) / c)
    if not (0 <= i < n and 0 <= j < n) or safe_cell(m, cost_safe_max, clearance_min_m, i, j):
        return 0
    for a in range(max(i - SAFE_CELLS, 0), min(i + SAFE_CELLS + 1, n)):
        for b in range(max(j - SAFE_CELLS, 0), min(j + SAFE_CELLS + 1, n)):
            cx = m.origin_S_m[0] + (b + 0.5) * c
            cy = m.origin_S_m[1] + (a + 0.5) * c
            d2 = (cx - at_S_m[0]) ** 2 + (cy - at_S_m[1]) ** 2
            if (unreached[2] >= 0.0
                    and (cx - unreached[0]) ** 2 + (cy - unreached[1]) ** 2 <= unreached[2] ** 2):
                continue                # within the disc no plan reaches
            if d2 < near and safe_cell(m, cost_safe_max, clearance_min_m, a, b):
                k, near = a * n + b, d2
    if k < 0:
        return 0
    cell_S_m[0] = m.origin_S_m[0] + (k % n + 0.5) * c
    cell_S_m[1] = m.origin_S_m[1] + (k // n + 0.5) * c
    cell_S_m[2] = m.elevation_m[k]
    return 1
