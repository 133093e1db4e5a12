"""Pure-Python reference of the guidance and site selection (test oracle).

Written to be read beside ``_guidance.pyx`` and ``_sites.pyx``: the same
equations, in plain Python floats, without the C types. See those files for
the design notes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hilander.controller.interface import HazardMap

Vec = list[float]

GRID_POINTS = 28
GOLDEN_ITERATIONS = 14
SAMPLES = 9
PENALTY = 50.0
FLOOR_PENALTY = 5.0
INV_PHI = 0.6180339887498949


@dataclass
class TgoProblem:
    r: Vec
    v: Vec
    rf: Vec
    vf: Vec
    af: Vec
    g: float
    gain: Vec  # k per axis
    accel_max: float
    accel_min: float
    cos_tilt: float
    floor_z: float
    tgo_min: float
    tgo_max: float


def norm(a: Vec) -> float:
    return math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2])


def zem_zev(p: TgoProblem, t: float) -> tuple[Vec, Vec]:
    zem, zev = [0.0] * 3, [0.0] * 3
    for i in range(3):
        gz = -p.g if i == 2 else 0.0
        zem[i] = p.rf[i] - (p.r[i] + p.v[i] * t + 0.5 * gz * t * t)
        zev[i] = p.vf[i] - (p.v[i] + gz * t)
    return zem, zev


def guidance_accel(p: TgoProblem, t: float) -> Vec:
    """a = k ZEM/t^2 + 2 (1 - k/3) ZEV/t + (k/6 - 1) a_f."""
    zem, zev = zem_zev(p, t)
    k = p.gain
    return [
        k[i] * zem[i] / (t * t)
        + 2.0 * (1.0 - k[i] / 3.0) * zev[i] / t
        + (k[i] / 6.0 - 1.0) * p.af[i]
        for i in range(3)
    ]


def nudge(e: float) -> float:
    if abs(e - 1.0) < 1e-3:
        return 1.0 + (1e-3 if e >= 1.0 else -1e-3)
    return e


def plan(p: TgoProblem, t: float) -> tuple[Vec, Vec, Vec, Vec]:
    """(c1, c2, e, t^e), e per axis, of the flown profile a(s) = a_f + c1 s + c2 s^e."""
    zem, zev = zem_zev(p, t)
    c1, c2, es, tes = [0.0] * 3, [0.0] * 3, [0.0] * 3, [0.0] * 3
    for i in range(3):
        e = nudge(p.gain[i] / 3.0 - 2.0)
        te = t**e
        m11, m12 = t * t / 2.0, te * t / (e + 1.0)
        m21, m22 = t * t * t / 3.0, te * t * t / (e + 2.0)
        det = m11 * m22 - m12 * m21
        y = zev[i] - p.af[i] * t
        x = zem[i] - p.af[i] * t * t / 2.0
        c1[i] = (m22 * y - m12 * x) / det
        c2[i] = (m11 * x - m21 * y) / det
        es[i], tes[i] = e, te
    return c1, c2, es, tes


def sample_powers(p: TgoProblem) -> list[list[float]]:
    """(k / (SAMPLES - 1))^e per axis: s^e at the samples is t^e times these."""
    return [
        [(k / (SAMPLES - 1)) ** nudge(p.gain[i] / 3.0 - 2.0) for k in range(SAMPLES)]
        for i in range(3)
    ]


def plan_cost(
    p: TgoProblem, t: float, powers: list[list[float]] | None = None
) -> tuple[float, float]:
    """(J, thrust and tilt violation) of the plan for time-to-go t."""
    powers = sample_powers(p) if powers is None else powers
    c1, c2, e, te = plan(p, t)
    dv = excess = deficit = tilt = floor = 0.0
    for k in range(SAMPLES):
        s = t * k / (SAMPLES - 1)
        a = [p.af[i] + c1[i] * s + c2[i] * te[i] * powers[i][k] for i in range(3)]
        n = norm(a)
        dv += n * (1.0 if k in (0, SAMPLES - 1) else (4.0 if k % 2 else 2.0))
        excess = max(excess, n - p.accel_max)
        deficit = max(deficit, p.accel_min - n)
        tilt = max(tilt, p.cos_tilt * n - a[2])
        sez = te[2] * powers[2][k]
        z = (
            p.rf[2]
            - p.vf[2] * s
            + 0.5 * (p.af[2] - p.g) * s * s
            + c1[2] * s * s * s / 6.0
            + c2[2] * s * s * sez / ((e[2] + 1.0) * (e[2] + 2.0))
        )
        if 0 < k < SAMPLES - 1:
            floor = max(floor, p.floor_z - z)
    dv *= t / (3.0 * (SAMPLES - 1))
    violation = excess + deficit + tilt
    return dv + PENALTY * violation * t + FLOOR_PENALTY * floor, violation


def tgo_cost(p: TgoProblem, t: float) -> float:
    return plan_cost(p, t)[0]


def tgo_search(p: TgoProblem) -> float:
    """Log grid, then golden section around the best grid point."""
    powers = sample_powers(p)

    def cost(t: float) -> float:
        return plan_cost(p, t, powers)[0]

    ratio = math.exp(math.log(p.tgo_max / p.tgo_min) / (GRID_POINTS - 1))
    t, best_t, best_j = p.tgo_min, p.tgo_min, 1e300
    for _ in range(GRID_POINTS):
        j = cost(t)
        if j < best_j:
            best_j, best_t = j, t
        t *= ratio
    lo, hi = max(p.tgo_min, best_t / ratio), min(p.tgo_max, best_t * ratio)
    x1, x2 = hi - INV_PHI * (hi - lo), lo + INV_PHI * (hi - lo)
    j1, j2 = cost(x1), cost(x2)
    for _ in range(GOLDEN_ITERATIONS):
        if j1 <= j2:
            hi, x2, j2 = x2, x1, j1
            x1 = hi - INV_PHI * (hi - lo)
            j1 = cost(x1)
        else:
            lo, x1, j1 = x1, x2, j2
            x2 = lo + INV_PHI * (hi - lo)
            j2 = cost(x2)
    if j1 <= j2 and j1 < best_j:
        return x1
    return x2 if j2 < best_j else best_t


def coast_and_brake_s(q: TgoProblem, v_gate: float, decel: float) -> float:
    """t_coast + t_brake / 2 for a coast at the floor, then uniform braking."""
    h, vz = q.r[2] - q.rf[2], q.v[2]
    c = min(q.accel_min - q.g, -0.05)
    if h <= 0.0:
        return 1.0
    need = (vz * vz - v_gate * v_gate) / (2.0 * h) if -vz > v_gate else 0.0
    tau = 0.0
    if need < decel:
        k = (vz * vz - v_gate * v_gate - 2.0 * decel * h) / (c - decel)
        tau = max(0.0, (-vz - math.sqrt(max(vz * vz - c * k, 0.0))) / c)
        vz += c * tau
    return max(1.0, tau + 0.5 * max(-vz - v_gate, 0.0) / max(need, decel))


@dataclass
class SiteQuery:
    nominal_S_m: tuple[float, float]
    current_S_m: tuple[float, float]
    tgo_s: float
    accel_divert_mps2: float
    mass_kg: float
    exhaust_velocity_mps: float
    cost_safe_max: float
    clearance_min_m: float
    clearance_pref_m: float
    divert_max_m: float
    weight_clearance: float
    weight_distance: float
    weight_propellant: float
    propellant_scale_kg: float


def clearance_transform(m: HazardMap, cost_safe_max: float) -> list[list[float]]:
    """3-4 chamfer distance [m] from each cell to unsafe cells or the edge."""
    n = m.cells
    d = [[1.0e9 if m.cost[i, j] < cost_safe_max else 0.0 for j in range(n)] for i in range(n)]

    def at(i: int, j: int) -> float:
        return d[i][j] if 0 <= i < n and 0 <= j < n else 0.0

    for i in range(n):
        for j in range(n):
            d[i][j] = min(
                d[i][j],
                at(i - 1, j) + 3,
                at(i, j - 1) + 3,
                at(i - 1, j - 1) + 4,
                at(i - 1, j + 1) + 4,
            )
    for i in reversed(range(n)):
        for j in reversed(range(n)):
            d[i][j] = min(
                d[i][j],
                at(i + 1, j) + 3,
                at(i, j + 1) + 3,
                at(i + 1, j + 1) + 4,
                at(i + 1, j - 1) + 4,
            )
    return [[float(_f32(v / 3.0 * m.cell_size_m)) for v in row] for row in d]


def site_cost(q: SiteQuery, clearance: float, x: float, y: float, divert: float) -> float:
    dn = math.sqrt((x - q.nominal_S_m[0]) ** 2 + (y - q.nominal_S_m[1]) ** 2)
    propellant = q.mass_kg * (3.0 * divert / q.tgo_s) / q.exhaust_velocity_mps
    return (
        q.weight_clearance * max(0.0, 1.0 - clearance / q.clearance_pref_m)
        + q.weight_distance * dn / q.divert_max_m
        + q.weight_propellant * propellant / q.propellant_scale_kg
    )


def select_site(m: HazardMap, q: SiteQuery) -> tuple[tuple[float, float, float] | None, bool]:
    """(site or None, no_safe_site): the lowest-cost reachable safe cell."""
    clearance = clearance_transform(m, q.cost_safe_max)
    best: tuple[int, float, int, int] | None = None  # tier, cost, row, col
    for i in range(m.cells):
        for j in range(m.cells):
            x, y = m.cell_center_S_m(i, j)
            divert = math.sqrt((x - q.current_S_m[0]) ** 2 + (y - q.current_S_m[1]) ** 2)
            if divert > q.divert_max_m or 6.0 * divert > q.accel_divert_mps2 * q.tgo_s**2:
                continue
            cost_ij = float(m.cost[i, j])
            if cost_ij >= q.cost_safe_max:
                tier, cost = 2, cost_ij
            else:
                tier = 0 if clearance[i][j] >= q.clearance_min_m else 1
                cost = site_cost(q, clearance[i][j], x, y, divert)
            if best is None or (tier, cost) < best[:2]:
                best = (tier, cost, i, j)
    if best is None:
        return None, True
    tier, _, i, j = best
    x, y = m.cell_center_S_m(i, j)
    return (x, y, float(m.elevation_m[i, j])), tier == 2


def _f32(x: float) -> float:
    """Round to float32, as the compiled law stores clearances."""
    import numpy as np  # noqa: PLC0415

    return float(np.float32(x))
