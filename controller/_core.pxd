# cython: language_level=3
"""The compiled law behind a Python handle."""

from hilander.controller._law cimport LawParams, LawState, HazardMap

cdef class LawCore:
    cdef LawParams params
    cdef LawState state
    cdef HazardMap hazard_map
    cdef bint map_loaded                 # a map was loaded (the search reads it later)


cdef int fill_hazard_map(HazardMap* m, cost, elevation_m, double cell_size_m,
                         origin_S_m) except -1
