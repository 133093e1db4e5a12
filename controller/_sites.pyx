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
"""

from libc.math cimport sqrt, fmax
from hilander.controller._law cimport HazardMap, STATUS_NO_SAFE_SITE

cdef float UNSAFE = 0.0
cdef float FAR = 1.0e9


cdef inline float chamfer_at(const float* d, int n, int i, int j) noexcept nogil:
    """Chamfer distance at (i, j); outside the map counts as unsafe."""
    if i < 0 or j < 0 or i >= n or j >= n:
        return UNSAFE
    return d[i * n + j]


cdef void clearance_transform(const HazardMap* m, double cost_safe_max,
                              float* clearance_m) noexcept nogil:
    cdef int n = m.cells, i, j, k
    cdef float v
    for k in range(n * n):
        clearance_m[k] = FAR if m.cost[k] < cost_safe_max else UNSAFE
    for i in range(n):
        for j in range(n):
            v = clearance_m[i * n + j]
            v = min(v, chamfer_at(clearance_m, n, i - 1, j) + 3)
            v = min(v, chamfer_at(clearance_m, n, i, j - 1) + 3)
            v = min(v, chamfer_at(clearance_m, n, i - 1, j - 1) + 4)
            v = min(v, chamfer_at(clearance_m, n, i - 1, j + 1) + 4)
            clearance_m[i * n + j] = v
    for i in range(n - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            v = clearance_m[i * n + j]
            v = min(v, chamfer_at(clearance_m, n, i + 1, j) + 3)
            v = min(v, chamfer_at(clearance_m, n, i, j + 1) + 3)
            v = min(v, chamfer_at(clearance_m, n, i + 1, j + 1) + 4)
            v = min(v, chamfer_at(clearance_m, n, i + 1, j - 1) + 4)
            clearance_m[i * n + j] = v
    for k in range(n * n):
        clearance_m[k] = <float>(clearance_m[k] / 3.0 * m.cell_size_m)


cdef double site_cost(const SiteQuery* q, double clearance, double x, double y,
                      double divert) noexcept nogil:
    cdef double dn = sqrt((x - q.nominal_S_m[0]) ** 2 + (y - q.nominal_S_m[1]) ** 2)
    cdef double dv = 3.0 * divert / q.tgo_s
    cdef double propellant = q.mass_kg * dv / q.exhaust_velocity_mps
    return (q.weight_clearance * fmax(0.0, 1.0 - clearance / q.clearance_pref_m)
            + q.weight_distance * dn / q.divert_max_m
            + q.weight_propellant * propellant / q.propellant_scale_kg)


cdef int select_site(const HazardMap* m, const SiteQuery* q, float* clearance_m,
                     double site_S_m[3]) noexcept nogil:
    """Write the chosen site (x, y, ground z) and return status bits."""
    cdef int n = m.cells, i, j, k, tier, best_tier = 3, best_k = -1
    cdef double x, y, divert, cost, best_cost = 1e300
    clearance_transform(m, q.cost_safe_max, clearance_m)
    for i in range(n):
        y = m.origin_S_m[1] + (i + 0.5) * m.cell_size_m
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
            if tier < best_tier or (tier == best_tier and cost < best_cost):
                best_tier = tier
                best_cost = cost
                best_k = k
    if best_k < 0:
        return STATUS_NO_SAFE_SITE
    site_S_m[0] = m.origin_S_m[0] + (best_k % n + 0.5) * m.cell_size_m
    site_S_m[1] = m.origin_S_m[1] + (best_k // n + 0.5) * m.cell_size_m
    site_S_m[2] = m.elevation_m[best_k]
    return STATUS_NO_SAFE_SITE if best_tier == 2 else 0
