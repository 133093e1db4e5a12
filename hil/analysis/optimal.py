"""The fuel-optimal powered descent of a scenario, by lossless convexification.

Acikmese & Ploen, "Convex Programming Approach to Powered Descent Guidance
for Mars Landing", JGCD 30(5), 2007; Blackmore, Acikmese & Scharf, "Minimum-
Landing-Error Powered-Descent Guidance for Mars Landing Using Convex
Optimization", JGCD 33(4), 2010. With u = T/m, sigma >= |u| and z = ln m:

    maximise z(t_f)                     (the least propellant)
    r' = v,  v' = u + g,  z' = -alpha sigma,  alpha = 1 / (Isp g0 cos(cant))
    |u| <= sigma                        (the relaxation; tight at the optimum)
    rho1 e^-z0 (1 - dz + dz^2/2) <= sigma <= rho2 e^-z0 (1 - dz),  dz = z - z0(t)
    u_z >= cos(tilt_max) sigma          (pointing)
    r_z >= 0 (no flight below the target's plane), optional glide slope
    r(0), v(0), z(0) given; r(t_f), v(t_f) the target

rho1, rho2 are the axial thrust bounds (engines x thrust x cos(cant), times
the throttle floor for rho1); z0(t) = ln(m0 - alpha rho2 t) is the mass at
full thrust, around which the thrust bounds are expanded. The control is
held over each of N intervals (the discrete dynamics are exact for it), so
the discrete optimum is a flyable profile: an upper bound on the continuous
optimum that tends to it as N grows. The final time is found by a search
(a grid, then golden section on the best bracket).

cvxpy with Clarabel: ``pip install 'hilander[analysis]'``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from hilander.controller.interface import Phase
from hilander.sim.run import Landing
from hilander.sim.scenario import Scenario

G0 = 9.80665  # standard gravity for Isp [m/s^2], exact by definition
GRID = 12
GOLDEN = 12
INV_PHI = 0.6180339887498949

F64 = npt.NDArray[np.float64]
SolveProgress = Callable[[float, float | None], None]  # final time, propellant or None


class OptimalError(RuntimeError):
    """The problem cannot be solved here; str() is one line."""


@dataclass(frozen=True)
class Vehicle:
    """What the optimum needs of the vehicle (axial thrust, flow, limits)."""

    mass_kg: float
    propellant_kg: float
    thrust_min_N: float
    thrust_max_N: float
    alpha_s_per_m: float  # mass flow per axial thrust [kg/s per N]
    tilt_max_rad: float
    gravity_mps2: float

    @classmethod
    def of(cls, s: Scenario) -> Vehicle:
        v = s.vehicle
        axial = v.engine_count * v.engine_thrust_max_N * math.cos(v.cant_rad)
        return cls(
            mass_kg=v.rover_mass_kg + v.descent_stage_dry_mass_kg + v.propellant_mass_kg,
            propellant_kg=v.propellant_mass_kg,
            thrust_min_N=axial * v.throttle_min,
            thrust_max_N=axial * v.throttle_max,
            alpha_s_per_m=1.0 / (v.isp_s * G0 * math.cos(v.cant_rad)),
            tilt_max_rad=v.tilt_max_rad,
            gravity_mps2=s.environment.gravity_mps2,
        )


@dataclass(frozen=True)
class Target:
    position_m: tuple[float, float, float]
    velocity_mps: tuple[float, float, float]


@dataclass
class Solution:
    """One solved final time: propellant, the trajectory at N + 1 nodes and
    the thrust (axial, site frame) over each of the N intervals."""

    time_of_flight_s: float
    propellant_kg: float
    time_s: F64
    position_m: F64
    velocity_mps: F64
    mass_kg: F64
    thrust_N: F64
    solve_time_s: float


@dataclass(frozen=True)
class Options:
    nodes: int = 60
    glide_slope_rad: float | None = None  # from the horizontal, at the target
    time_min_s: float = 5.0
    time_max_s: float = 150.0


def require_analysis() -> None:
    """Fail with one line, before any flight, when cvxpy is missing."""
    _cvxpy()


def _cvxpy() -> Any:
    try:
        import cvxpy  # noqa: PLC0415 - the optional extra
    except ImportError:
        raise OptimalError(
            "the fuel-optimal solve needs cvxpy and Clarabel: pip install 'hilander[analysis]'"
        ) from None
    return cvxpy


class _Problem:
    """The convex problem for one vehicle, start and target, built once with
    the final time's quantities as parameters (cvxpy's DPP), so that each
    final time of the search is a new solve, not a new compilation.

    The log-mass is written z = z0(t) + dz with dz the variable, so that the
    expanded thrust bounds are a parameter times a parameter-free expression."""

    def __init__(self, veh: Vehicle, r0: Any, v0: Any, target: Target, opt: Options) -> None:
        cp = _cvxpy()
        self.cp, self.veh, self.n = cp, veh, opt.nodes
        n, g = opt.nodes, np.array([0.0, 0.0, -veh.gravity_mps2])
        self.p = {
            "dt": cp.Parameter(nonneg=True),
            "half_dt2": cp.Parameter(nonneg=True),
            "alpha_dt": cp.Parameter(nonneg=True),
            "z0": cp.Parameter(n + 1),
            "mu1": cp.Parameter(n, nonneg=True),
            "mu2": cp.Parameter(n, nonneg=True),
        }
        p, x = (
            self.p,
            {
                "r": cp.Variable((n + 1, 3)),
                "v": cp.Variable((n + 1, 3)),
                "dz": cp.Variable(n + 1),
                "u": cp.Variable((n, 3)),
                "sigma": cp.Variable(n),
            },
        )
        self.x = x
        r, v, dz, u, sigma = x["r"], x["v"], x["dz"], x["u"], x["sigma"]
        z = dz + p["z0"]
        cons = [
            r[0] == np.array(r0),
            v[0] == np.array(v0),
            z[0] == math.log(veh.mass_kg),
            r[n] == np.array(target.position_m),
            v[n] == np.array(target.velocity_mps),
            v[1:] == v[:n] + p["dt"] * (u + g),
            r[1:] == r[:n] + p["dt"] * v[:n] + p["half_dt2"] * (u + g),
            z[1:] == z[:n] - p["alpha_dt"] * sigma,
            *_limits(cp, veh, x, p, target, opt),
        ]
        self.problem = cp.Problem(cp.Maximize(z[n]), cons)

    def solve(self, tf: float) -> Solution | None:
        veh, n, p = self.veh, self.n, self.p
        dt = tf / n
        t = dt * np.arange(n + 1)
        floor = veh.mass_kg - veh.propellant_kg
        z0 = np.log(np.maximum(veh.mass_kg - veh.alpha_s_per_m * veh.thrust_max_N * t, floor))
        p["dt"].value, p["half_dt2"].value = dt, 0.5 * dt * dt
        p["alpha_dt"].value, p["z0"].value = veh.alpha_s_per_m * dt, z0
        p["mu1"].value = veh.thrust_min_N * np.exp(-z0[:n])
        p["mu2"].value = veh.thrust_max_N * np.exp(-z0[:n])
        try:
            with warnings.catch_warnings():
                # Clarabel's reduced-accuracy answers are kept (status
                # optimal_inaccurate, below); cvxpy's warning about them is not
                # the user's business, and would be an error under pytest.
                warnings.filterwarnings("ignore", "Solution may be inaccurate", UserWarning)
                self.problem.solve(
                    solver=self.cp.CLARABEL, canon_backend=self.cp.SCIPY_CANON_BACKEND
                )
        except self.cp.error.SolverError:
            return None
        if self.problem.status not in ("optimal", "optimal_inaccurate"):
            return None
        stats = self.problem.solver_stats
        return _solution(self.x, z0, n, dt, tf, float(stats.solve_time or 0.0))


def solve_fixed_time(
    veh: Vehicle,
    r0: tuple[float, ...],
    v0: tuple[float, ...],
    target: Target,
    tf: float,
    opt: Options = Options(),
) -> Solution | None:
    """The fuel-optimal descent in exactly ``tf`` seconds, or None if infeasible."""
    return _Problem(veh, r0, v0, target, opt).solve(tf)


def _solution(
    x: dict[str, Any], z0: F64, n: int, dt: float, tf: float, solve_s: float
) -> Solution | None:
    if x["dz"].value is None:
        return None
    mass = np.exp(np.asarray(x["dz"].value, dtype=np.float64) + z0)
    return Solution(
        time_of_flight_s=tf,
        propellant_kg=float(mass[0] - mass[-1]),
        time_s=dt * np.arange(n + 1, dtype=np.float64),
        position_m=np.asarray(x["r"].value, dtype=np.float64),
        velocity_mps=np.asarray(x["v"].value, dtype=np.float64),
        mass_kg=mass,
        thrust_N=np.asarray(x["u"].value, dtype=np.float64) * mass[:n, None],
        solve_time_s=solve_s,
    )


def _limits(
    cp: Any, veh: Vehicle, x: dict[str, Any], p: dict[str, Any], target: Target, opt: Options
) -> list[Any]:
    """Thrust bounds (expanded around z0), pointing, propellant, floor, glide slope."""
    n, sigma = opt.nodes, x["sigma"]
    dz = x["dz"][:n]
    cons = [
        cp.norm(x["u"], 2, axis=1) <= sigma,
        sigma >= cp.multiply(p["mu1"], 1 - dz + 0.5 * cp.square(dz)),
        sigma <= cp.multiply(p["mu2"], 1 - dz),
        x["u"][:, 2] >= math.cos(veh.tilt_max_rad) * sigma,
        x["dz"][n] + p["z0"][n] >= math.log(veh.mass_kg - veh.propellant_kg),
        x["r"][:, 2] >= 0.0,
    ]
    if opt.glide_slope_rad is not None:
        rel = x["r"] - np.array(target.position_m)
        slope = math.tan(opt.glide_slope_rad)
        cons.append(cp.norm(rel[:, :2], 2, axis=1) * slope <= rel[:, 2])
    return cons


def solve_free_time(
    veh: Vehicle,
    r0: tuple[float, ...],
    v0: tuple[float, ...],
    target: Target,
    opt: Options = Options(),
    progress: SolveProgress | None = None,
) -> tuple[Solution, int]:
    """The best final time: a grid over [time_min, time_max], then golden
    section around the best feasible point. Returns it and the solves made;
    ``progress`` hears each final time tried and its propellant (None: infeasible)."""
    cache: dict[float, Solution | None] = {}
    problem = _Problem(veh, r0, v0, target, opt)

    def cost(tf: float) -> float:
        if tf not in cache:
            cache[tf] = found = problem.solve(tf)
            if progress is not None:
                progress(tf, None if found is None else found.propellant_kg)
        found = cache[tf]
        return math.inf if found is None else found.propellant_kg

    grid = np.geomspace(opt.time_min_s, opt.time_max_s, GRID)
    costs = [cost(float(tf)) for tf in grid]
    best = int(np.argmin(costs))
    if not math.isfinite(costs[best]):
        raise OptimalError(
            f"no feasible descent with a flight time in [{opt.time_min_s:g}, {opt.time_max_s:g}] s"
        )
    lo, hi = float(grid[max(best - 1, 0)]), float(grid[min(best + 1, GRID - 1)])
    a, b = hi - INV_PHI * (hi - lo), lo + INV_PHI * (hi - lo)
    for _ in range(GOLDEN):
        if cost(a) <= cost(b):
            hi, b = b, a
            a = hi - INV_PHI * (hi - lo)
        else:
            lo, a = a, b
            b = lo + INV_PHI * (hi - lo)
    solutions = [s for s in cache.values() if s is not None]
    return min(solutions, key=lambda s: s.propellant_kg), len(cache)


@dataclass(frozen=True)
class LawSegment:
    """The law's flight from powered-descent start to the sky-crane start."""

    propellant_kg: float
    time_s: float
    target: Target


# The phases past the guided descent: the segment ends at the first of them.
# A set, not an order: HOVER's value is above SKY_CRANE's, but a lander
# hovers before its constant-velocity descent (tianwen1).
PAST_THE_DESCENT = [
    int(p)
    for p in (
        Phase.SKY_CRANE,
        Phase.TOUCHDOWN_DETECTION,
        Phase.TETHER_CUT,
        Phase.FLYAWAY,
        Phase.LANDED,
    )
]


def law_segment(landing: Landing) -> LawSegment | None:
    """Propellant and time to the sky-crane start (the rover's release), and
    the descent stage's state there: the terminal state the optimum is asked
    to reach, so that a law that arrives faster or off its aim (its site,
    sky_crane_altitude_m above it, descending at sky_crane_speed_mps) is
    compared on what it did. A legged lander has no sky crane: its segment
    ends where the law arms leg-contact sensing (the first phase past
    constant_velocity, as for the sky crane). None if the law never got there,
    and for an airbag lander, which flies no powered descent."""
    if landing.scenario.vehicle.landing_system == "airbags":
        return None
    reached = np.flatnonzero(np.isin(landing.column("phase"), PAST_THE_DESCENT))
    if not len(reached):
        return None
    i, s = int(reached[0]), landing.scenario
    row = landing.telemetry[i]
    at = [row[landing.columns.index(f"stage_{axis}_m")] for axis in "xyz"]
    moving = [row[landing.columns.index(f"stage_v{axis}_mps")] for axis in "xyz"]
    return LawSegment(
        propellant_kg=s.vehicle.propellant_mass_kg - float(landing.column("propellant_kg")[i]),
        time_s=float(landing.column("time_s")[i]),
        target=Target(
            (float(at[0]), float(at[1]), float(at[2])),
            (float(moving[0]), float(moving[1]), float(moving[2])),
        ),
    )


TARGETS = ("law", "gate", "ground")


def fixed_target(s: Scenario, which: str) -> Target:
    """A target of the scenario's own, over its nominal site (the site
    frame's origin): ``gate``, the law's gate (gate_altitude_m up,
    descending at gate_speed_mps); ``ground``, at rest on the ground."""
    if which == "gate":
        return Target((0.0, 0.0, s.law.gate_altitude_m), (0.0, 0.0, -s.law.gate_speed_mps))
    if which == "ground":
        return Target((0.0, 0.0, 0.0), (0.0, 0.0, 0.0))
    raise ValueError(f"unknown target {which!r}: one of {', '.join(TARGETS)}")


def target_of(s: Scenario, seg: LawSegment | None, asked: str) -> tuple[str, Target]:
    """The target the optimum flies to, and its name: the one asked for, but
    the gate for "law" when the law never reached its segment's end."""
    if asked == "law" and seg is not None:
        return "law", seg.target
    which = "gate" if asked == "law" else asked
    return which, fixed_target(s, which)


def optimum_for(
    s: Scenario, target: Target, opt: Options = Options(), progress: SolveProgress | None = None
) -> tuple[Solution, int]:
    """The free-final-time optimum from the scenario's initial state."""
    r0, v0 = s.initial.position_m, s.initial.velocity_mps
    return solve_free_time(Vehicle.of(s), r0, v0, target, opt, progress)


def propellant_ratio(landing: Landing, opt: Options = Options()) -> float:
    """The law's propellant to the sky-crane start over the optimum's (NaN if
    the law never got there)."""
    seg = law_segment(landing)
    if seg is None:
        return math.nan
    best, _ = optimum_for(landing.scenario, seg.target, opt)
    return seg.propellant_kg / best.propellant_kg
