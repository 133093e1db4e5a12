"""Pure-Python reference of the convex solver's matrix (test oracle of
``_cvx_rows.pyx`` and ``hl_convex_rows.c``): the problem, and its
constraints as rows of A x + c, each in a set (see reference_convex.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ConvexProblem:
    """One fuel-optimal descent: the start, the target and the vehicle."""

    position_m: tuple[float, float, float]
    velocity_mps: tuple[float, float, float]
    mass_kg: float
    target_position_m: tuple[float, float, float]
    target_velocity_mps: tuple[float, float, float]
    gravity_mps2: float
    thrust_min_N: float
    thrust_max_N: float
    alpha_s_per_m: float  # mass flow per axial thrust [kg/s per N]
    dry_mass_kg: float
    cos_tilt_max: float
    tan_glide_slope: float = 0.0  # 0: no glide slope
    floor_z_m: float = 0.0
    nodes: int = 20
    target_radius_m: float = 0.0  # > 0: r_N,xy anywhere within it of rf (the fallback's)
    slew_rate_radps: float = 0.0  # > 0: the thrust axis's turn rate, as the rate rows bound it


def accel_scale(p: ConvexProblem) -> float:
    """The unit of x: the full-thrust acceleration at the start."""
    return p.thrust_max_N / p.mass_kg


def state_rows(p: ConvexProblem, tf: float, k: int) -> tuple[F64, F64, F64, F64]:
    """r_k = cr + Mr x and v_k = cv + Mv x (x scaled): (cr, Mr, cv, Mv)."""
    n, dt, a = 4 * p.nodes, tf / p.nodes, accel_scale(p)
    g = np.array([0.0, 0.0, -p.gravity_mps2])
    r0, v0 = np.array(p.position_m), np.array(p.velocity_mps)
    cr = r0 + v0 * (k * dt) + 0.5 * g * (k * dt) ** 2
    cv = v0 + g * (k * dt)
    mr, mv = np.zeros((3, n)), np.zeros((3, n))
    for j in range(k):
        for i in range(3):
            mr[i, 4 * j + i] = a * dt * dt * (k - j - 0.5)
            mv[i, 4 * j + i] = a * dt
    return cr, mr, cv, mv


@dataclass
class Rows:
    """The constraints as rows: A x + c in the set of its kind, row-scaled."""

    a: F64
    c: F64
    kinds: list[tuple[str, int, int]]  # (kind, first row, rows)


@dataclass
class _RowsBuilder:
    a: list[F64] = field(default_factory=list)
    c: list[F64] = field(default_factory=list)
    kinds: list[tuple[str, int, int]] = field(default_factory=list)

    def add(self, kind: str, a: F64, c: F64) -> None:
        self.kinds.append((kind, sum(len(r) for r in self.c), len(c)))
        self.a.append(a)
        self.c.append(c)


def _node_rows(b: _RowsBuilder, p: ConvexProblem, tf: float) -> None:
    """Per node the cone (u, s); the pointing rows; the box rows; the
    full-thrust rows."""
    n = 4 * p.nodes
    for k in range(p.nodes):
        b.add("cone", np.eye(4, n, 4 * k), np.zeros(4))
    for k in range(p.nodes):
        row = np.zeros((1, n))
        row[0, 4 * k + 2], row[0, 4 * k + 3] = 1.0, -p.cos_tilt_max
        b.add("nonneg", row, np.zeros(1))
    for k in range(p.nodes):
        b.add("box", np.eye(1, n, 4 * k + 3), np.zeros(1))
    for k in range(p.nodes):
        b.add("nonneg", *thrust_row(p, tf, k))


def _rate_rows(b: _RowsBuilder, p: ConvexProblem, tf: float) -> None:
    """With a slew rate w: each horizontal axis of u changes by at most
    w dt times the acceleration scale from one interval to the next (the
    thrust axis turns at w at most; at full thrust its horizontal part moves
    by at most that), as two rows per axis and interval."""
    if p.slew_rate_radps <= 0.0:
        return
    n, bound = 4 * p.nodes, p.slew_rate_radps * (tf / p.nodes)
    rows, c = [], []
    for k in range(p.nodes - 1):
        for i in range(2):
            for sign in (1.0, -1.0):
                row = np.zeros(n)
                row[4 * k + i], row[4 * (k + 1) + i] = -sign, sign
                rows.append(row)
                c.append(bound)
    b.add("nonneg", np.array(rows), np.array(c))


def _path_rows(b: _RowsBuilder, p: ConvexProblem, tf: float) -> None:
    """The floor at the inner nodes; the glide-slope cones when on."""
    for k in range(1, p.nodes):
        cr, mr, _, _ = state_rows(p, tf, k)
        b.add("nonneg", mr[2:3], np.array([cr[2] - p.floor_z_m]))
    if p.tan_glide_slope > 0.0:
        rf, t = np.array(p.target_position_m), p.tan_glide_slope
        for k in range(1, p.nodes):
            cr, mr, _, _ = state_rows(p, tf, k)
            w = np.vstack([t * mr[0], t * mr[1], mr[2]])
            b.add("cone", w, np.array([t * (cr[0] - rf[0]), t * (cr[1] - rf[1]), cr[2] - rf[2]]))


def _target_rows(b: _RowsBuilder, p: ConvexProblem, tf: float) -> None:
    """r_N = rf (or |r_N,xy - rf_xy| <= target_radius, r_Nz = rf_z), v_N =
    vf; the propellant on board."""
    cr, mr, cv, mv = state_rows(p, tf, p.nodes)
    if p.target_radius_m > 0.0:
        b.add("zero", mr[2:3], cr[2:3] - p.target_position_m[2])
        w = np.vstack([mr[:2], np.zeros((1, 4 * p.nodes))])
        rf = np.array(p.target_position_m)
        b.add("cone", w, np.array([cr[0] - rf[0], cr[1] - rf[1], p.target_radius_m]))
    else:
        b.add("zero", mr, cr - np.array(p.target_position_m))
    b.add("zero", mv, cv - np.array(p.target_velocity_mps))
    dt = tf / p.nodes
    s_max = math.log(p.mass_kg / p.dry_mass_kg) / (p.alpha_s_per_m * dt * accel_scale(p))
    row = np.zeros((1, 4 * p.nodes))
    row[0, 3::4] = -1.0
    b.add("nonneg", row, np.array([s_max]))


def constraint_rows(p: ConvexProblem, tf: float) -> Rows:
    """All the rows, each scaled to unit norm (a cone's by its largest row's
    norm, so that it keeps its shape; the target disc's radius row, with no
    entries, with its cone)."""
    b = _RowsBuilder()
    _node_rows(b, p, tf)
    _rate_rows(b, p, tf)
    _path_rows(b, p, tf)
    _target_rows(b, p, tf)
    a, c = np.vstack(b.a), np.concatenate(b.c)
    norm = np.linalg.norm(a, axis=1)  # 0 only for the target disc's radius row
    scale = 1.0 / np.where(norm > 0.0, norm, 1.0)
    for kind, first, count in b.kinds:
        if kind == "cone":
            scale[first : first + count] = 1.0 / np.max(norm[first : first + count])
    return Rows(a * scale[:, None], c * scale, b.kinds)


def thrust_row(p: ConvexProblem, tf: float, k: int) -> tuple[F64, F64]:
    """s_k <= mu2 (1 - (z_k - z0_k)), mu2 = rho2 e^-z0_k, as a row (in units
    of the acceleration scale): mu2 (1 - ln m0 + z0_k) + mu2 alpha dt
    sum_{j<k} s_j - s_k >= 0."""
    dt, scale = tf / p.nodes, accel_scale(p)
    z0 = math.log(max(p.mass_kg - p.alpha_s_per_m * p.thrust_max_N * (k * dt), p.dry_mass_kg))
    mu2 = p.thrust_max_N * math.exp(-z0)
    row = np.zeros((1, 4 * p.nodes))
    for j in range(k):
        row[0, 4 * j + 3] = mu2 * p.alpha_s_per_m * dt
    row[0, 4 * k + 3] = -1.0
    return row, np.array([mu2 * (1.0 - math.log(p.mass_kg) + z0) / scale])
