# cython: language_level=3
"""The compiled law behind a Python handle, and the law's constants for Python.

LawCore holds one law's parameters, state and hazard-map buffer; the
compiled loop (hilander.sim._loop) reaches into its structs, the Python
facade (hilander.controller.CompiledLaw) calls step() with dicts.
fill_hazard_map is the one place a HazardMap struct is filled from arrays;
py_clearance, py_select_site and py_search_site open site selection to the tests, and
phase_table the law's phase table.
"""

from libc.math cimport isnan, NAN
from libc.string cimport memset

import numpy as np

from hilander.controller._sites cimport (
    clearance_transform, nearest_safe_cell, search_advance, search_begin, search_result,
    select_site,
)

from hilander.controller._law cimport (
    SensorFrame, Command, HazardMap, SiteQuery, SiteSearch, law_phase, law_reset, law_step,
    HAZARD_MAP_MAX_CELLS,
    HAZARD_MAP_MAX_SIZE, PHASE_COUNT, PHASE_MAPS,
    PHASE_POWERED_APPROACH, PHASE_DIVERT, PHASE_CONSTANT_VELOCITY, PHASE_SKY_CRANE,
    PHASE_TOUCHDOWN_DETECTION, PHASE_TETHER_CUT, PHASE_FLYAWAY, PHASE_LANDED,
    PHASE_HOVER, PHASE_PARACHUTE, PHASE_RAD_BURN,
    LANDING_SKY_CRANE, LANDING_LEGS, LANDING_AIRBAGS,
    EVENT_SITE_SELECTED, EVENT_ROVER_RELEASE, EVENT_TOUCHDOWN_DECLARED, EVENT_TETHER_CUT,
    EVENT_ENGINE_CUTOFF, EVENT_RAD_FIRE, EVENT_BRIDLE_CUT,
    STATUS_THRUST_SATURATED, STATUS_TILT_LIMITED, STATUS_THROTTLE_RATE_LIMITED,
    STATUS_NO_SAFE_SITE, STATUS_TGO_INFEASIBLE, STATUS_RADAR_INVALID, STATUS_SITE_SEARCH,
    STATUS_PLAN_INFEASIBLE, STATUS_PLANNING, GUIDANCE_APOLLO, GUIDANCE_CONVEX,
)


CONSTANTS = {
    "HAZARD_MAP_MAX_CELLS": HAZARD_MAP_MAX_CELLS,
    "PHASE_POWERED_APPROACH": PHASE_POWERED_APPROACH,
    "PHASE_DIVERT": PHASE_DIVERT,
    "PHASE_CONSTANT_VELOCITY": PHASE_CONSTANT_VELOCITY,
    "PHASE_SKY_CRANE": PHASE_SKY_CRANE,
    "PHASE_TOUCHDOWN_DETECTION": PHASE_TOUCHDOWN_DETECTION,
    "PHASE_TETHER_CUT": PHASE_TETHER_CUT,
    "PHASE_FLYAWAY": PHASE_FLYAWAY,
    "PHASE_LANDED": PHASE_LANDED,
    "PHASE_HOVER": PHASE_HOVER,
    "PHASE_PARACHUTE": PHASE_PARACHUTE,
    "PHASE_RAD_BURN": PHASE_RAD_BURN,
    "PHASE_COUNT": PHASE_COUNT,
    "PHASE_MAPS": PHASE_MAPS,
    "LANDING_SKY_CRANE": LANDING_SKY_CRANE,
    "LANDING_LEGS": LANDING_LEGS,
    "LANDING_AIRBAGS": LANDING_AIRBAGS,
    "EVENT_SITE_SELECTED": EVENT_SITE_SELECTED,
    "EVENT_ROVER_RELEASE": EVENT_ROVER_RELEASE,
    "EVENT_TOUCHDOWN_DECLARED": EVENT_TOUCHDOWN_DECLARED,
    "EVENT_TETHER_CUT": EVENT_TETHER_CUT,
    "EVENT_ENGINE_CUTOFF": EVENT_ENGINE_CUTOFF,
    "EVENT_RAD_FIRE": EVENT_RAD_FIRE,
    "EVENT_BRIDLE_CUT": EVENT_BRIDLE_CUT,
    "STATUS_THRUST_SATURATED": STATUS_THRUST_SATURATED,
    "STATUS_TILT_LIMITED": STATUS_TILT_LIMITED,
    "STATUS_THROTTLE_RATE_LIMITED": STATUS_THROTTLE_RATE_LIMITED,
    "STATUS_NO_SAFE_SITE": STATUS_NO_SAFE_SITE,
    "STATUS_TGO_INFEASIBLE": STATUS_TGO_INFEASIBLE,
    "STATUS_RADAR_INVALID": STATUS_RADAR_INVALID,
    "STATUS_SITE_SEARCH": STATUS_SITE_SEARCH,
    "STATUS_PLAN_INFEASIBLE": STATUS_PLAN_INFEASIBLE,
    "STATUS_PLANNING": STATUS_PLANNING,
    "GUIDANCE_APOLLO": GUIDANCE_APOLLO,
    "GUIDANCE_CONVEX": GUIDANCE_CONVEX,
}


cdef class LawCore:
    """The compiled law behind a Python handle: parameters, state, hazard map.

    The typed facade is hilander.controller.CompiledLaw; this class takes and
    returns plain dicts with the field names of the C structs.
    """

    def __cinit__(self):
        law_reset(&self.state)
        memset(&self.hazard_map, 0, sizeof(HazardMap))

    def __init__(self, dict params):
        self.params = params

    def reset(self):
        law_reset(&self.state)

    def load_hazard_map(self, cost, elevation_m, double cell_size_m, origin_S_m):
        """Copy a square hazard map (cost and elevation, row = north) into the law."""
        fill_hazard_map(&self.hazard_map, cost, elevation_m, cell_size_m, origin_S_m)
        self.map_loaded = 1

    def step(self, dict frame):
        """One control step: a SensorFrame dict in, a Command dict out."""
        cdef SensorFrame f = frame
        cdef Command c
        # the last map loaded: a site search runs over it for steps after it came
        law_step(&self.state, &self.params, &f,
                 &self.hazard_map if f.hazard_map_ready or self.map_loaded else NULL, &c)
        return c

    def state_dict(self):
        """The law's internal state (without its work buffer), for tests."""
        cdef dict s = self.state
        del s["clearance_m"]
        return s

    def set_phase(self, int phase):
        """Put the law in a phase, any value: for tests (a value off the table holds)."""
        self.state.phase = phase


cdef int fill_hazard_map(HazardMap* m, cost, elevation_m, double cell_size_m,
                         origin_S_m) except -1:
    """Copy square cost and elevation arrays (row = north) into a HazardMap."""
    cdef float[:, ::1] c = np.ascontiguousarray(cost, dtype=np.float32)
    cdef float[:, ::1] e = np.ascontiguousarray(elevation_m, dtype=np.float32)
    cdef int n = c.shape[0], i, j
    if c.shape[1] != n or e.shape[0] != n or e.shape[1] != n or n > HAZARD_MAP_MAX_CELLS:
        raise ValueError(f"hazard map must be square, at most {HAZARD_MAP_MAX_CELLS} "
                         f"cells a side, cost and elevation alike")
    m.cells = n
    m.cell_size_m = cell_size_m
    m.origin_S_m[0] = origin_S_m[0]
    m.origin_S_m[1] = origin_S_m[1]
    for i in range(n):
        for j in range(n):
            m.cost[i * n + j] = c[i, j]
            m.elevation_m[i * n + j] = e[i, j]
    return n


def py_clearance(cost, double cell_size_m, double cost_safe_max):
    """Clearance [m] of every cell of a square cost map (for tests)."""
    cdef HazardMap m
    cdef float work[HAZARD_MAP_MAX_SIZE]
    cdef int n = fill_hazard_map(&m, cost, cost, cell_size_m, (0.0, 0.0))
    clearance_transform(&m, cost_safe_max, work)
    return [[work[i * n + j] for j in range(n)] for i in range(n)]


def py_select_site(cost, elevation_m, double cell_size_m, origin_S_m, dict query):
    """(site (x, y, z) or None, status) for a square map and a SiteQuery dict (for tests)."""
    cdef HazardMap m
    cdef SiteQuery q = query
    cdef float work[HAZARD_MAP_MAX_SIZE]
    cdef double site[3]
    site[0] = site[1] = site[2] = NAN
    fill_hazard_map(&m, cost, elevation_m, cell_size_m, origin_S_m)
    status = select_site(&m, &q, work, site)
    return (None if isnan(site[0]) else (site[0], site[1], site[2])), status


def py_nearest_safe_cell(cost, elevation_m, double cell_size_m, origin_S_m,
                         double cost_safe_max, double clearance_min_m, double x_m, double y_m,
                         unreached=(0.0, 0.0, -1.0)):
    """The safe cell (x, y, z) nearest (x_m, y_m) out of the disc unreached
    (x, y, radius), or None (for tests)."""
    cdef HazardMap m
    cdef double at[3]
    cdef double disc[3]
    cdef double cell[3]
    at[0], at[1], at[2] = x_m, y_m, 0.0
    disc[0], disc[1], disc[2] = unreached
    fill_hazard_map(&m, cost, elevation_m, cell_size_m, origin_S_m)
    if not nearest_safe_cell(&m, cost_safe_max, clearance_min_m, at, disc, cell):
        return None
    return (cell[0], cell[1], cell[2])


def py_search_site(cost, elevation_m, double cell_size_m, origin_S_m, dict query, int units):
    """(site or None, status, steps): the search spread over steps of ``units``
    rows of work each (for tests)."""
    cdef HazardMap m
    cdef SiteQuery q = query
    cdef SiteSearch w
    cdef float work[HAZARD_MAP_MAX_SIZE]
    cdef double site[3]
    cdef int steps = 1
    site[0] = site[1] = site[2] = NAN
    fill_hazard_map(&m, cost, elevation_m, cell_size_m, origin_S_m)
    search_begin(&w, &q)
    while not search_advance(&w, &m, work, units):
        steps += 1
    status = search_result(&w, &m, site)
    return (None if isnan(site[0]) else (site[0], site[1], site[2])), status, steps


def phase_table():
    """(handler, flags) of each row of the law's phase table, in phase order;
    the handler is named by the first phase flown by the same function
    (-1: none). For tests."""
    cdef int i, j
    rows = []
    for i in range(PHASE_COUNT):
        j = 0
        while law_phase(j).fly != law_phase(i).fly:
            j += 1
        rows.append((j if law_phase(i).fly != NULL else -1, law_phase(i).flags))
    return rows
