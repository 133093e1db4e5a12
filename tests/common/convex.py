"""Fuel-optimal descent problems for the convex solver's tests: a strategy
over vehicles, starts, targets and final times, and the ways to pose one to
the reference, the compiled solver and ``hilander optimal``."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
from hypothesis import strategies as st

from hilander.controller._cvx_search import py_solve
from hilander.controller.reference_convex import (
    CONVERGED,
    INFEASIBLE,
    ConvexProblem,
    SolverSettings,
)

G0 = 9.80665
DEFAULTS = SolverSettings()


@st.composite
def problems(
    draw: st.DrawFn, glide: bool = False, disc: bool = False, slew: bool = False
) -> tuple[ConvexProblem, float]:
    """A lander of 1.5-2.5 t with 15-25 % propellant, thrust to weight 2.4-3.8
    on Mars, a throttle floor of 10-40 %, a tilt limit up to pi; a start
    0-2 km out and 0.5-2.5 km up, moving up to 100 m/s across and 20-120 m/s
    down; the ground or a gate 20 m up as target (disc: anywhere within
    10-1,500 m of it across the ground); 8-24 nodes (slew: a thrust axis that
    turns at 5-60 degrees a second); a final time of 15-80 s (feasible or
    not)."""
    mass = draw(st.floats(1500.0, 2500.0))
    thrust_max = mass * draw(st.floats(9.0, 14.0))
    bearing = draw(st.floats(0.0, 2.0 * math.pi))
    out, across = draw(st.floats(0.0, 2000.0)), draw(st.floats(-100.0, 100.0))
    gate = draw(st.booleans())
    p = ConvexProblem(
        position_m=(out * math.cos(bearing), out * math.sin(bearing), draw(st.floats(500, 2500))),
        velocity_mps=(
            across * math.cos(bearing),
            across * math.sin(bearing),
            -draw(st.floats(20, 120)),
        ),
        mass_kg=mass,
        target_position_m=(0.0, 0.0, 20.0 if gate else 0.0),
        target_velocity_mps=(0.0, 0.0, -0.75 if gate else 0.0),
        gravity_mps2=3.711,
        thrust_min_N=thrust_max * draw(st.floats(0.1, 0.4)),
        thrust_max_N=thrust_max,
        alpha_s_per_m=1.0 / (225.0 * G0),
        dry_mass_kg=mass * (1.0 - draw(st.floats(0.15, 0.25))),
        cos_tilt_max=math.cos(draw(st.floats(0.3, math.pi))),
        tan_glide_slope=math.tan(draw(st.floats(0.02, 0.5))) if glide else 0.0,
        nodes=draw(st.integers(8, 24)),
        target_radius_m=draw(st.floats(10.0, 1500.0)) if disc else 0.0,
        slew_rate_radps=math.radians(draw(st.floats(5.0, 60.0))) if slew else 0.0,
    )
    return p, draw(st.floats(15.0, 80.0))


def oracle_vehicle(p: ConvexProblem) -> Any:
    """The problem's vehicle as ``hilander optimal`` takes it."""
    from hilander.hil.analysis.optimal import Vehicle  # noqa: PLC0415 - the analysis extra

    return Vehicle(
        mass_kg=p.mass_kg,
        propellant_kg=p.mass_kg - p.dry_mass_kg,
        thrust_min_N=p.thrust_min_N,
        thrust_max_N=p.thrust_max_N,
        alpha_s_per_m=p.alpha_s_per_m,
        tilt_max_rad=math.acos(p.cos_tilt_max),
        gravity_mps2=p.gravity_mps2,
    )


def oracle_options(p: ConvexProblem) -> Any:
    """The problem's nodes and glide slope as ``hilander optimal`` takes them."""
    from hilander.hil.analysis.optimal import Options  # noqa: PLC0415 - the analysis extra

    slope = math.atan(p.tan_glide_slope) if p.tan_glide_slope > 0 else None
    return Options(nodes=p.nodes, glide_slope_rad=slope)


def oracle_problem(p: ConvexProblem) -> Any:
    """``hilander optimal``'s cvxpy problem for p (its constraints to extend;
    ``solve(tf)``: a Solution, or None if no plan flies in tf)."""
    from hilander.hil.analysis.optimal import Target, _Problem  # noqa: PLC0415 - the analysis extra

    target = Target(p.target_position_m, p.target_velocity_mps)
    return _Problem(oracle_vehicle(p), p.position_m, p.velocity_mps, target, oracle_options(p))


def converged_beside(p: ConvexProblem, tf: float, oracle: Any) -> tuple[Any, ...] | None:
    """py_solve's answer at tf, held to the oracle's solution there: never
    INFEASIBLE where the oracle found a plan; None if it did not converge
    (nothing more to compare)."""
    ours = py_solve(*as_dicts(p), tf)
    if oracle is not None:
        assert ours[0] != INFEASIBLE
    return ours if ours[0] == CONVERGED else None


def as_dicts(
    p: ConvexProblem, s: SolverSettings = DEFAULTS
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The problem and settings as the compiled solver takes them."""
    return dataclasses.asdict(p), dataclasses.asdict(s)


def fly(p: ConvexProblem, tf: float, accel: Any) -> tuple[Any, Any]:
    """The plan's end: its accelerations held over each interval, in closed
    form from the start. (position, velocity) at tf."""
    dt = tf / p.nodes
    r, v = np.array(p.position_m), np.array(p.velocity_mps)
    g = np.array([0.0, 0.0, -p.gravity_mps2])
    for a in np.asarray(accel)[: p.nodes]:
        r, v = r + v * dt + 0.5 * (a + g) * dt * dt, v + (a + g) * dt
    return r, v


MSL_LIKE = ConvexProblem(
    position_m=(600.0, 300.0, 1500.0),
    velocity_mps=(40.0, 0.0, -80.0),
    mass_kg=2100.0,
    target_position_m=(0.0, 0.0, 20.0),
    target_velocity_mps=(0.0, 0.0, -0.75),
    gravity_mps2=3.711,
    thrust_min_N=2500.0,
    thrust_max_N=25000.0,
    alpha_s_per_m=1.0 / (225.0 * G0),
    dry_mass_kg=1710.0,
    cos_tilt_max=math.cos(0.5),
    nodes=20,
)


# The Mars divert of Acikmese & Ploen (JGCD 30(5), 2007; its numbers as
# Blackmore, Acikmese & Scharf, JGCD 33(4), 2010 reuse them): 1,905 kg wet,
# 1,505 kg dry, six 3,100 N thrusters canted 27 degrees throttled between
# 0.3 and 0.8, Isp 225 s; 2 km out and 1.5 km up, moving away from the target
# at 100 m/s and down at 75 m/s; no pointing limit; to rest on the ground.
# The flow is per axial newton (1 / (Isp g0 cos 27 deg)), as the plant's.
_CANT = math.radians(27.0)
_AXIAL_N = 6 * 3100.0 * math.cos(_CANT)
PUBLISHED_DIVERT = ConvexProblem(
    position_m=(2000.0, 0.0, 1500.0),
    velocity_mps=(100.0, 0.0, -75.0),
    mass_kg=1905.0,
    target_position_m=(0.0, 0.0, 0.0),
    target_velocity_mps=(0.0, 0.0, 0.0),
    gravity_mps2=3.7114,
    thrust_min_N=0.3 * _AXIAL_N,
    thrust_max_N=0.8 * _AXIAL_N,
    alpha_s_per_m=1.0 / (225.0 * G0 * math.cos(_CANT)),
    dry_mass_kg=1505.0,
    cos_tilt_max=-1.0,
    nodes=20,
)
