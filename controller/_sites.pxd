# cython: language_level=3
"""Hazard avoidance: choose the lowest-cost reachable safe site."""

from hilander.controller._law cimport HazardMap

cdef struct SiteQuery:
    double nominal_S_m[2]        # the nominal target
    double current_S_m[2]        # the site guidance flies to now
    double tgo_s                 # time left to reach it
    double accel_divert_mps2     # horizontal acceleration to spend on a divert
    double mass_kg
    double exhaust_velocity_mps
    double cost_safe_max         # a cell is safe when its cost is below this
    double clearance_min_m
    double clearance_pref_m
    double divert_max_m
    double weight_clearance
    double weight_distance
    double weight_propellant
    double propellant_scale_kg

cdef void clearance_transform(const HazardMap* m, double cost_safe_max,
                              float* clearance_m) noexcept nogil
cdef int select_site(const HazardMap* m, const SiteQuery* q, float* clearance_m,
                     double site_S_m[3]) noexcept nogil
