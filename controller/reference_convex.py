"""Pure-Python reference of the convex powered-descent solver (test oracle of
``_convex.pyx`` and ``hl_convex.c``).

The problem (lossless convexification: Acikmese & Ploen, JGCD 30(5), 2007).
With the thrust acceleration u = T/m held over each of N intervals of
dt = t_f / N, its slack s >= |u| and the propellant burnt at the rate
m s / (Isp g0 cos(cant)):

    minimise  sum_k s_k                           (the least propellant)
    |u_k| <= s_k                                  (tight at the optimum)
    rho1 e^-z0_k (1 - dz_k + dz_k^2 / 2) <= s_k   the thrust floor, dz_k = z_k - z0_k
    s_k <= rho2 e^-z0_k (1 - dz_k)                full thrust
    u_kz >= cos(tilt_max) s_k                     pointing
    r_kz >= floor_z                               k = 1 .. N-1
    |r_k,xy - rf_xy| tan(slope) <= r_kz - rf_z    glide slope (when slope > 0)
    |u_k+1,i - u_k,i| <= w dt rho2 / m0           i = x, y: the thrust axis turns
                                                  at w at most (when w > 0)
    r_N = rf,  v_N = vf                           the target
    sum_k s_k <= ln(m0 / m_dry) / (alpha dt)      the propellant on board

r_k, v_k are affine in the u_j (exact for the held control), so the states
are not variables: every plan the solver holds is a trajectory of the
vehicle, whatever the iteration it stops at. The log-mass at node k,
z_k = ln m0 - alpha dt sum_{j<k} s_j, is affine too. The thrust bounds
rho/m_k = rho e^-z_k are the paper's expansions about the full-thrust mass
z0_k = ln max(m0 - alpha rho2 t_k, m_dry), as in ``hilander optimal``: both
conservative (a plan asks for no more, and no less, thrust than the vehicle
has). The full-thrust bound is linear, a row like the others; the floor, a
parabola in z_k, is a box on s_k taken at the current iterate's z_k (a
successive convexification, exact at the fixed point).

The solver: ADMM in the splitting of OSQP (Stellato et al., Math. Prog.
Comp. 12, 2020) with the constraints as projections, written for this
problem: x = (u_k, s_k) in units of the full-thrust acceleration, one row
per constraint, each row scaled to unit norm (a cone's rows by their
largest), equality rows a thousand times stiffer, a Cholesky factor of
sigma I + A' R A per final time, and again when the penalty is rebalanced
(at BALANCE_EVERY times a power of two iterations; the compiled copies
factor it by block, x, y and (z, s), which is the same matrix). It stops
when both residuals are under ``tolerance`` (CONVERGED), on OSQP's
certificate of infeasibility (INFEASIBLE), or at ``iterations_max``
(STOPPED, or INFEASIBLE if the residual is still over ten times the
tolerance); the plan it holds is flyable either way (a trajectory of the
vehicle), only its constraints may be missed by the residual.

The final time: a log grid of ``time_grid`` points over [time_min, time_max]
then golden section in the best bracket, each solve warm-started from the
last (x is an acceleration, the same for any t_f) and cut at
``search_iterations_max`` (``reference_cvx_search``).

Written with numpy and explicit matrices, to be read; the compiled copies
apply the same rows without forming them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

import numpy as np
import numpy.typing as npt

from hilander.controller.reference_convex_rows import (
    ConvexProblem,
    Rows,
    accel_scale,
    constraint_rows,
)

F64 = npt.NDArray[np.float64]
T = TypeVar("T")
# A computation cut into units of work (an ADMM iteration each; a check
# counts CHECK_UNITS, a factorisation FACTOR_UNITS): it yields the cost of
# each unit before the unit runs (at most: so that a slice can stop short of
# its budget), and returns its value; the law spreads it over control steps
# (``Sliced``).
Steps = Generator[int, None, T]
__all__ = [
    "ConvexProblem",
    "Plan",
    "Sliced",
    "SolverSettings",
    "Workspace",
    "finish",
    "solve_fixed_steps",
    "solve_fixed_time",
]

NODES_MAX = 24
RHO = 0.1
RHO_EQUALITY = 1.0e3  # times RHO
SIGMA = 1.0e-6
RELAXATION = 1.6
BALANCE_EVERY = 50
BALANCE_TRIGGER = 5.0
CHECK_EVERY = 10  # iterations between residual and infeasibility checks
INV_PHI = 0.6180339887498949  # the golden section's (reference_cvx_search)
# Units of work, in plain iterations (at most 58,573 instructions on the
# Cortex-M4F, 68,784 with the rate rows: docs/performance.md): an iteration
# that checks the residuals, and a factorisation of K (a set-up, a rebalance).
CHECK_UNITS = 2
FACTOR_UNITS = 5

# what a solve found
CONVERGED = 0
STOPPED = 1  # at iterations_max, the primal residual under 10x tolerance
INFEASIBLE = 2  # a certificate of infeasibility, or stopped at 10x tolerance


@dataclass(frozen=True)
class SolverSettings:
    iterations_max: int = 4000
    tolerance: float = 3.0e-4  # on the scaled residuals
    time_grid: int = 8
    golden_steps: int = 8
    time_min_s: float = 5.0
    time_max_s: float = 150.0
    search_iterations_max: int = 1000  # a solve of the final-time search


DEFAULTS = SolverSettings()


@dataclass
class Workspace:
    """The iterate, kept between solves to warm-start the next."""

    x: F64 = field(default_factory=lambda: np.zeros(0))
    z: F64 = field(default_factory=lambda: np.zeros(0))
    y: F64 = field(default_factory=lambda: np.zeros(0))


@dataclass
class Plan:
    status: int
    time_of_flight_s: float
    propellant_kg: float
    iterations: int
    residual: float  # primal, scaled
    accel_mps2: F64  # (N, 3): the thrust acceleration held over each interval
    mass_kg: F64  # (N + 1,)


def full_thrust_log_masses(p: ConvexProblem, tf: float) -> F64:
    """z0_k = ln max(m0 - alpha rho2 t_k, m_dry), k < N: the expansion points."""
    t = (tf / p.nodes) * np.arange(p.nodes)
    full = np.maximum(p.mass_kg - p.alpha_s_per_m * p.thrust_max_N * t, p.dry_mass_kg)
    return np.asarray(np.log(full), dtype=np.float64)


def thrust_box(p: ConvexProblem, tf: float, x: F64, z0: F64) -> tuple[F64, F64]:
    """The bounds on s_k (scaled) at the iterate's log-masses."""
    rate = p.alpha_s_per_m * (tf / p.nodes) * accel_scale(p)
    z = math.log(p.mass_kg) - rate * np.concatenate([[0.0], np.cumsum(np.maximum(x[3::4], 0.0))])
    dz = z[:-1] - z0
    lo = p.thrust_min_N * np.exp(-z0) * (1.0 - dz + 0.5 * dz * dz) / accel_scale(p)
    hi = p.thrust_max_N * np.exp(-z0) * (1.0 - dz) / accel_scale(p)
    return lo, hi


def node_masses(p: ConvexProblem, tf: float, x: F64) -> F64:
    """m_k at the iterate: the mass before each interval, and after the last."""
    burnt = p.alpha_s_per_m * (tf / p.nodes) * accel_scale(p) * np.maximum(x[3::4], 0.0)
    return np.asarray(p.mass_kg * np.exp(-np.concatenate([[0.0], np.cumsum(burnt)])), np.float64)


def project(rows: Rows, w: F64, lo: F64, hi: F64) -> F64:
    """w (= A x + c, scaled) onto the product of the rows' sets."""
    out = w.copy()
    box = 0
    for kind, first, count in rows.kinds:
        seg = w[first : first + count]
        if kind == "zero":
            out[first : first + count] = 0.0
        elif kind == "nonneg":
            out[first : first + count] = np.maximum(seg, 0.0)
        elif kind == "box":
            out[first] = min(max(seg[0], lo[box]), hi[box])
            box += 1
        else:
            out[first : first + count] = project_cone(seg)
    return out


def project_cone(w: F64) -> F64:
    """Onto the second-order cone |w[:-1]| <= w[-1]."""
    v, s = w[:-1], float(w[-1])
    nv = float(np.linalg.norm(v))
    if nv <= s:
        return w.copy()
    if nv <= -s:
        return np.zeros_like(w)
    half = 0.5 * (nv + s)
    return np.concatenate([v * (half / nv), [half]])


def _penalties(rows: Rows) -> F64:
    rho = np.full(len(rows.c), RHO)
    for kind, first, count in rows.kinds:
        if kind == "zero":
            rho[first : first + count] *= RHO_EQUALITY
    return rho


def _factor(a: F64, rho: F64) -> F64:
    k = SIGMA * np.eye(a.shape[1]) + a.T @ (rho[:, None] * a)
    return np.asarray(np.linalg.cholesky(k), dtype=np.float64)


def _balance_due(it: int) -> bool:
    """At 50, 100, 200, 400, ... iterations (each balance refactors)."""
    return it % BALANCE_EVERY == 0 and (it // BALANCE_EVERY) & (it // BALANCE_EVERY - 1) == 0


def _units(it: int) -> int:
    """What iteration it costs at most, in units of work: 1, one that checks
    the residuals CHECK_UNITS, and FACTOR_UNITS more where the penalty may
    be rebalanced (which refactors)."""
    if it % CHECK_EVERY:
        return 1
    return CHECK_UNITS + (FACTOR_UNITS if _balance_due(it) else 0)


def _balance(a: F64, rho: F64, residual: float, dual: float, z: F64, aty: F64) -> F64 | None:
    """The penalty scaled by sqrt of the residuals' ratio when it leaves
    [1/5, 5]; None if it stays."""
    ratio = math.sqrt(
        (residual / max(float(np.max(np.abs(z))), 1e-9))
        / (dual / max(float(np.max(np.abs(aty))), 1e-9) + 1e-12)
    )
    if 1.0 / BALANCE_TRIGGER <= ratio <= BALANCE_TRIGGER:
        return None
    return rho * min(max(ratio, 1e-3), 1e3)


def _start(ws: Workspace, m: int, n: int) -> tuple[F64, F64, F64]:
    """The workspace's iterate, or zeros if it holds none of this size."""
    if ws.x.shape != (n,) or ws.z.shape != (m,):
        ws.x, ws.z, ws.y = np.zeros(n), np.zeros(m), np.zeros(m)
    return ws.x, ws.z, ws.y


def _refuse(ws: Workspace, p: ConvexProblem, tf: float) -> Plan:
    ws.x, ws.z, ws.y = np.zeros(0), np.zeros(0), np.zeros(0)
    n = max(p.nodes, 0)
    return Plan(INFEASIBLE, tf, 0.0, 0, 1e30, np.zeros((n, 3)), np.zeros(n + 1))


def _can_solve(p: ConvexProblem, tf: float) -> bool:
    """Nodes the workspace holds, every number finite, time to fly."""
    numbers = [v for f in dataclasses.fields(p) for v in np.atleast_1d(getattr(p, f.name))]
    return 2 <= p.nodes <= NODES_MAX and tf > 0.0 and bool(np.all(np.isfinite(numbers)))


def solve_fixed_time(
    p: ConvexProblem, tf: float, ws: Workspace, st: SolverSettings = DEFAULTS
) -> Plan:
    """``solve_fixed_steps`` run to the end."""
    return finish(solve_fixed_steps(p, tf, ws, st))


def solve_fixed_steps(
    p: ConvexProblem, tf: float, ws: Workspace, st: SolverSettings = DEFAULTS
) -> Steps[Plan]:
    """ADMM from the workspace's iterate (zero if it does not fit), in units
    of work, each announced before it runs (the set-up FACTOR_UNITS, an
    iteration ``_units``). A problem of nodes outside [2, NODES_MAX], with a
    number that is not finite, or a final time that is not positive is
    INFEASIBLE at its set-up, its plan all zeros."""
    yield FACTOR_UNITS
    if not _can_solve(p, tf):
        return _refuse(ws, p, tf)
    rows = constraint_rows(p, tf)
    a, c = rows.a, rows.c
    x, z, y = _start(ws, *a.shape)
    rho = _penalties(rows)
    q = np.tile([0.0, 0.0, 0.0, 1.0 / p.nodes], p.nodes)  # the cost: sum_k s_k / N
    chol, z0 = _factor(a, rho), full_thrust_log_masses(p, tf)
    residual, status, it = math.inf, STOPPED, 0
    while it < st.iterations_max:
        yield _units(it + 1)
        it += 1
        lo, hi = thrust_box(p, tf, x, z0)
        xt = np.linalg.solve(chol.T, np.linalg.solve(chol, SIGMA * x - q + a.T @ (rho * z - y)))
        x = RELAXATION * xt + (1.0 - RELAXATION) * x
        zh = RELAXATION * (a @ xt) + (1.0 - RELAXATION) * z
        z_new = project(rows, zh + y / rho + c, lo, hi) - c
        y_old, y, z = y, y + rho * (zh - z_new), z_new
        if it % CHECK_EVERY == 0:
            residual, aty = float(np.max(np.abs(a @ x - z))), a.T @ y
            dual = float(np.max(np.abs(q + aty)))
            if residual < st.tolerance and dual < st.tolerance:
                status = CONVERGED
            elif infeasible(rows, y - y_old, lo, hi, st.tolerance):
                status = INFEASIBLE
            elif _balance_due(it) and (new := _balance(a, rho, residual, dual, z, aty)) is not None:
                rho, chol = new, _factor(a, new)
        if status != STOPPED:
            break
    status = _settle(ws, (x, z, y), status, residual, st)
    return _plan(p, tf, x, status, it, residual)


def _settle(
    ws: Workspace, xzy: tuple[F64, F64, F64], status: int, residual: float, st: SolverSettings
) -> int:
    """The final status (STOPPED far from feasible, or at NaN, is
    INFEASIBLE); the iterate kept for a warm start unless infeasible."""
    if status == STOPPED and not residual <= 10.0 * st.tolerance:  # NaN too
        status = INFEASIBLE
    ws.x, ws.z, ws.y = xzy if status != INFEASIBLE else (np.zeros(0), np.zeros(0), np.zeros(0))
    return status


def infeasible(rows: Rows, dy: F64, lo: F64, hi: F64, tol: float) -> bool:
    """OSQP's certificate of primal infeasibility: the step of the dual, dy,
    has A' dy ~ 0 and a negative support function of the constraint set
    (which is finite only if dy is in the set's recession cone's polar)."""
    size = float(np.max(np.abs(dy)))
    if size < 1e-12 or float(np.max(np.abs(rows.a.T @ dy))) > tol * size:
        return False
    support, box = -float(dy @ rows.c), 0
    for kind, first, count in rows.kinds:
        seg = dy[first : first + count]
        if kind == "nonneg" and float(np.max(seg)) > tol * size:
            return False
        if kind == "cone" and float(np.linalg.norm(seg[:-1])) + float(seg[-1]) > tol * size:
            return False
        if kind == "box":
            support += hi[box] * max(seg[0], 0.0) + lo[box] * min(seg[0], 0.0)
            box += 1
    return support < -tol * size


def _plan(p: ConvexProblem, tf: float, x: F64, status: int, it: int, residual: float) -> Plan:
    masses = node_masses(p, tf, x)
    return Plan(
        status=status,
        time_of_flight_s=tf,
        propellant_kg=float(masses[0] - masses[-1]),
        iterations=it,
        residual=residual,
        accel_mps2=x.reshape(p.nodes, 4)[:, :3] * accel_scale(p),
        mass_kg=masses,
    )


def finish(steps: Steps[T]) -> T:
    """A computation in units of work, run to the end."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return cast(T, done.value)


class Sliced(Generic[T]):
    """A computation in units of work (``Steps``), run a slice at a time."""

    def __init__(self, steps: Steps[T]) -> None:
        self.steps = steps
        self.need: int | None = None  # the next unit's cost, announced

    def advance(self, budget: int) -> tuple[bool, T | None]:
        """Its units while they fit in budget (0 or less: to the end), one at least;
        (done, its value if done)."""
        used = 0
        try:
            if self.need is None:
                self.need = next(self.steps)
            while not (budget > 0 and used and used + self.need > budget):
                used += self.need
                self.need = next(self.steps)
        except StopIteration as done:
            return True, cast(T, done.value)
        return False, None
