# cython: language_level=3
"""Hazard avoidance: choose the lowest-cost reachable safe site, at once or
spread over control steps (LawState.search)."""

from libc.stdint cimport uint32_t
from hilander.controller._guidance cimport TgoProblem
from hilander.controller._law cimport (
    HazardMap, LawParams, LawState, SensorFrame, SiteQuery, SiteSearch,
)

cdef void clearance_transform(const HazardMap* m, double cost_safe_max,
                              float* clearance_m) noexcept nogil
cdef int select_site(const HazardMap* m, const SiteQuery* q, float* clearance_m,
                     double site_S_m[3]) noexcept nogil
cdef void search_begin(SiteSearch* w, const SiteQuery* q) noexcept nogil
cdef int search_advance(SiteSearch* w, const HazardMap* m, float* clearance_m,
                        int units) noexcept nogil
cdef int search_result(const SiteSearch* w, const HazardMap* m, double site_S_m[3]) noexcept nogil
cdef void site_search_begin(LawState* s, const LawParams* p, const SensorFrame* f,
                            const TgoProblem* g) noexcept nogil
cdef int site_search_step(LawState* s, const LawParams* p, const SensorFrame* f,
                          const HazardMap* m, bint maps, uint32_t* status) noexcept nogil
cdef bint nearest_safe_cell(const HazardMap* m, double cost_safe_max, double clearance_min_m,
                            const double* at_S_m, const double* unreached,
                            double* cell_S_m) noexcept nogil
