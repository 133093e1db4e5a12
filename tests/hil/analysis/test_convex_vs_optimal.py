"""The on-board convex solver against ``hilander optimal`` (cvxpy and
Clarabel): the same problem, the same discretisation. Where both find a
plan, ours needs at most 0.5 % more propellant, and less only with a plan
that keeps every constraint of the problem, checked here on its own. Where
Clarabel finds a plan, ours never claims infeasibility; where Clarabel finds
none, ours claims convergence only with a plan that keeps every constraint
(hypothesis finds both: 74 s flights where Clarabel answers "optimal" 0.65 %
above such a plan, and a glide-sloped 8-node one it calls infeasible where
SCS agrees with ours). On the edge of feasibility ours may stop at its
iteration bound (STOPPED), which is allowed here."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("cvxpy", reason="the analysis extra (cvxpy, Clarabel) is not installed")
from hypothesis import given, settings

from hilander.controller import reference_convex as ref
from hilander.controller._cvx_search import py_solve
from hilander.hil.analysis.optimal import Target, solve_fixed_time, solve_free_time
from tests.common.convex import (
    MSL_LIKE,
    PUBLISHED_DIVERT,
    as_dicts,
    fly,
    oracle_options,
    oracle_vehicle,
    problems,
)

PROPELLANT_TOLERANCE = 0.005  # measured: at most 0.05 % over 60 random problems


def _check(p: ref.ConvexProblem, tf: float) -> None:
    target = Target(p.target_position_m, p.target_velocity_mps)
    oracle = solve_fixed_time(
        oracle_vehicle(p), p.position_m, p.velocity_mps, target, tf, oracle_options(p)
    )
    status, _, propellant, _, _, accel, masses, _ = py_solve(*as_dicts(p), tf)
    if oracle is not None:
        assert status != ref.INFEASIBLE
    if status != ref.CONVERGED:
        return
    if oracle is None:  # Clarabel's word against a plan: the plan is checked
        _assert_keeps_the_constraints(p, tf, accel, masses)
        return
    assert propellant <= oracle.propellant_kg * (1.0 + PROPELLANT_TOLERANCE)
    if propellant < oracle.propellant_kg * (1.0 - PROPELLANT_TOLERANCE):
        _assert_keeps_the_constraints(p, tf, accel, masses)


def _assert_keeps_the_constraints(
    p: ref.ConvexProblem, tf: float, accel: list[list[float]], masses: list[float]
) -> None:
    """The plan against the problem as docs/optimal.md writes it: the slack
    from the masses (s_k = ln(m_k / m_k+1) / (alpha dt)), the thrust bounds
    expanded about the full-thrust mass, pointing, the floor, the target."""
    n, dt = p.nodes, tf / p.nodes
    u, m = np.array(accel), np.array(masses)
    s = np.log(m[:-1] / m[1:]) / (p.alpha_s_per_m * dt)
    t = dt * np.arange(n)
    z0 = np.log(np.maximum(p.mass_kg - p.alpha_s_per_m * p.thrust_max_N * t, p.dry_mass_kg))
    dz = np.log(m[:-1]) - z0
    slack = 1e-3 * p.thrust_max_N / p.mass_kg  # the residual's share, in m/s^2
    assert np.all(np.linalg.norm(u, axis=1) <= s + slack)
    assert np.all(p.thrust_min_N * np.exp(-z0) * (1 - dz + dz * dz / 2) <= s + slack)
    assert np.all(s <= p.thrust_max_N * np.exp(-z0) * (1 - dz) + slack)
    assert np.all(u[:, 2] >= p.cos_tilt_max * s - slack)
    assert m[-1] >= p.dry_mass_kg * (1 - 1e-6)
    r, v = fly(p, tf, u)
    assert np.allclose(r, p.target_position_m, atol=2.0)
    assert np.allclose(v, p.target_velocity_mps, atol=0.1)


@settings(max_examples=200)
@given(problems())
def test_same_propellant_as_the_optimum_or_both_infeasible(
    case: tuple[ref.ConvexProblem, float],
) -> None:
    _check(*case)


@settings(max_examples=40)
@given(problems(glide=True))
def test_with_a_glide_slope(case: tuple[ref.ConvexProblem, float]) -> None:
    _check(*case)


def test_the_final_time_search_finds_the_optimum() -> None:
    oracle, _ = solve_free_time(
        oracle_vehicle(MSL_LIKE),
        MSL_LIKE.position_m,
        MSL_LIKE.velocity_mps,
        Target(MSL_LIKE.target_position_m, MSL_LIKE.target_velocity_mps),
        oracle_options(MSL_LIKE),
    )
    status, time_s, propellant, *_ = py_solve(*as_dicts(MSL_LIKE))
    assert status == ref.CONVERGED
    assert propellant == pytest.approx(oracle.propellant_kg, rel=PROPELLANT_TOLERANCE)
    assert time_s == pytest.approx(oracle.time_of_flight_s, rel=0.05)


def test_the_published_divert_lands_with_the_propellant_it_has() -> None:
    """Acikmese & Ploen's divert needs about 392 of its 400 kg; its feasible
    final times are a window of a few seconds that the search's grid misses,
    so the search climbs the residual to it. Measured: 392.28 kg at 74.8 s
    against Clarabel's 392.34 kg at 75.3 s."""
    p = PUBLISHED_DIVERT
    target = Target(p.target_position_m, p.target_velocity_mps)
    oracle, _ = solve_free_time(
        oracle_vehicle(p), p.position_m, p.velocity_mps, target, oracle_options(p)
    )
    status, time_s, propellant, _, _, accel, masses, _ = py_solve(*as_dicts(p))
    assert status == ref.CONVERGED
    assert propellant <= p.mass_kg - p.dry_mass_kg
    assert propellant == pytest.approx(oracle.propellant_kg, rel=PROPELLANT_TOLERANCE)
    _assert_keeps_the_constraints(p, time_s, accel, masses)
