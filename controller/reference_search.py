"""Pure-Python reference of the site search spread over control ticks (test
oracle of ``_search.pyx``).

The search of ``reference_guidance.select_site``, cut into work units of one
map row each: the chamfer transform's forward pass (rows 0..n-1, each
seeded first), its backward pass (rows n-1..0), then the scaling and the
scoring (rows 0..n-1, each scaled then scored). Each control tick does
``site_search_rows_per_tick`` units; the same operations in the same order
as the one-shot search, so the site is the same, bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from hilander.controller.config import LawConfig
from hilander.controller.interface import HazardMap, Phase, SensorFrame
from hilander.controller.reference_guidance import SiteQuery, TgoProblem, site_cost, tgo_search

PASSES = 3  # forward, backward, scoring: n units each
FAR = 1.0e9
G0 = 9.80665  # standard gravity for Isp [m/s^2]


def site_query(
    p: LawConfig, phase: int, tgo_s: float, site_S_m: list[float], g: TgoProblem, f: SensorFrame
) -> SiteQuery:
    """The site search's question, frozen on the step its map came in (g: the
    gate problem of that step)."""
    return SiteQuery(
        nominal_S_m=(0.0, 0.0),
        current_S_m=(site_S_m[0], site_S_m[1]),
        tgo_s=p.hover_s
        if phase == Phase.HOVER
        else (tgo_s if tgo_s > p.tgo_switch_s else tgo_search(g)),
        accel_divert_mps2=p.divert_accel_fraction * g.accel_max * math.sin(p.tilt_max_rad),
        mass_kg=max(f.mass_estimate_kg, 1.0),
        exhaust_velocity_mps=p.isp_s * G0,
        cost_safe_max=p.site_cost_safe_max,
        clearance_min_m=p.site_clearance_min_m,
        clearance_pref_m=p.site_clearance_pref_m,
        divert_max_m=p.divert_max_m,
        weight_clearance=p.site_weight_clearance,
        weight_distance=p.site_weight_distance,
        weight_propellant=p.site_weight_propellant,
        propellant_scale_kg=p.site_propellant_scale_kg,
    )


@dataclass
class SiteSearch:
    """One site search under way: the map and query frozen when it began."""

    m: HazardMap
    q: SiteQuery
    unit: int = 0  # work units done
    d: list[list[float]] = field(default_factory=list)  # chamfer distances, then clearances
    best: tuple[int, float, int] | None = None  # tier, cost, cell index
    here_tier: int = -1  # the worst tier of the cells under the site it began with (-1: none)

    @property
    def units(self) -> int:
        return PASSES * self.m.cells

    def advance(self, units: int) -> bool:
        """Do up to ``units`` units of work; True once the search is done."""
        n = self.m.cells
        end = min(self.unit + units, self.units)
        for u in range(self.unit, end):
            if u < n:
                self.forward(u)
            elif u < 2 * n:
                self.backward(2 * n - 1 - u)
            else:
                self.score(u - 2 * n)
        self.unit = end
        return end == self.units

    def at(self, i: int, j: int) -> float:
        n = self.m.cells
        return self.d[i][j] if 0 <= i < n and 0 <= j < n else 0.0

    def forward(self, i: int) -> None:
        n, c = self.m.cells, self.q.cost_safe_max
        self.d.append([FAR if self.m.cost[i, j] < c else 0.0 for j in range(n)])
        row = self.d[i]
        for j in range(n):
            row[j] = min(row[j], self.at(i - 1, j) + 3, self.at(i, j - 1) + 3)
            row[j] = min(row[j], self.at(i - 1, j - 1) + 4, self.at(i - 1, j + 1) + 4)

    def backward(self, i: int) -> None:
        row = self.d[i]
        for j in reversed(range(self.m.cells)):
            row[j] = min(row[j], self.at(i + 1, j) + 3, self.at(i, j + 1) + 3)
            row[j] = min(row[j], self.at(i + 1, j + 1) + 4, self.at(i + 1, j - 1) + 4)

    def score(self, i: int) -> None:
        m, q, n = self.m, self.q, self.m.cells
        row = self.d[i] = [_f32(v / 3.0 * m.cell_size_m) for v in self.d[i]]
        for j in range(n):
            x, y = m.cell_center_S_m(i, j)
            divert = math.sqrt((x - q.current_S_m[0]) ** 2 + (y - q.current_S_m[1]) ** 2)
            if divert > q.divert_max_m or 6.0 * divert > q.accel_divert_mps2 * q.tgo_s**2:
                continue
            if float(m.cost[i, j]) >= q.cost_safe_max:
                tier, cost = 2, float(m.cost[i, j])
            else:
                tier = 0 if row[j] >= q.clearance_min_m else 1
                cost = site_cost(q, row[j], x, y, divert)
            if self.best is None or (tier, cost) < self.best[:2]:
                self.best = (tier, cost, i * n + j)
            if max(abs(x - q.current_S_m[0]), abs(y - q.current_S_m[1])) <= 0.5 * m.cell_size_m:
                self.here_tier = max(self.here_tier, tier)  # a site on a corner: the worst

    def result(self) -> tuple[tuple[float, float, float] | None, bool]:
        """(site or None, no_safe_site), as ``select_site`` gives them."""
        if self.best is None:
            return None, True
        tier, _, k = self.best
        i, j = divmod(k, self.m.cells)
        x, y = self.m.cell_center_S_m(i, j)
        return (x, y, float(self.m.elevation_m[i, j])), tier == 2


def _f32(x: float) -> float:
    """Round to float32, as the compiled law stores clearances."""
    import numpy as np  # noqa: PLC0415

    return float(np.float32(x))


# The least miss's end on a cell the map does not show safe gives way to the
# nearest safe cell this many cells around it (``nearest_safe_cell``).
SAFE_CELLS = 4


def safe_cell(m: HazardMap, cost_safe_max: float, clearance_min_m: float, i: int, j: int) -> bool:
    """Whether cell (i, j) is safe as the site search's tier 0: its cost below
    cost_safe_max, and no unsafe cell (nor the map's edge: the ring of cells
    just off it is the nearest) nearer than clearance_min_m by the search's
    3-4 chamfer distance."""
    n, w = m.cells, int(clearance_min_m / m.cell_size_m) + 1
    if float(m.cost[i, j]) >= cost_safe_max:
        return False
    for a in range(max(i - w, -1), min(i + w, n) + 1):
        for b in range(max(j - w, -1), min(j + w, n) + 1):
            inside = 0 <= a < n and 0 <= b < n
            if inside and float(m.cost[a, b]) < cost_safe_max:
                continue
            lo, hi = sorted((abs(a - i), abs(b - j)))
            if _f32((4 * lo + 3 * (hi - lo)) / 3.0 * m.cell_size_m) < clearance_min_m:
                return False
    return True


def nearest_safe_cell(
    m: HazardMap,
    cost_safe_max: float,
    clearance_min_m: float,
    x: float,
    y: float,
    unreached: tuple[float, float, float] = (0.0, 0.0, -1.0),
) -> tuple[float, float, float] | None:
    """The centre (and elevation) of the safe cell nearest (x, y) within
    SAFE_CELLS cells of its own, passing over the cells within the disc
    ``unreached`` (x, y, radius; none if the radius is negative); None if
    its own cell is safe, if (x, y) is off the map (nothing known there) or
    if none is safe."""
    n, c = m.cells, m.cell_size_m
    ux, uy, ur = unreached
    i, j = math.floor((y - m.origin_S_m[1]) / c), math.floor((x - m.origin_S_m[0]) / c)
    if not (0 <= i < n and 0 <= j < n) or safe_cell(m, cost_safe_max, clearance_min_m, i, j):
        return None
    best, near = None, FAR
    for a in range(max(i - SAFE_CELLS, 0), min(i + SAFE_CELLS + 1, n)):
        for b in range(max(j - SAFE_CELLS, 0), min(j + SAFE_CELLS + 1, n)):
            cx, cy = m.cell_center_S_m(a, b)
            d2 = (cx - x) ** 2 + (cy - y) ** 2
            if ur >= 0.0 and (cx - ux) ** 2 + (cy - uy) ** 2 <= ur * ur:
                continue  # within the disc no plan reaches
            if d2 < near and safe_cell(m, cost_safe_max, clearance_min_m, a, b):
                best, near = (cx, cy, float(m.elevation_m[a, b])), d2
    return best
