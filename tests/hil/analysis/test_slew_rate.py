"""The convex solver's rate rows against cvxpy and Clarabel (``hilander
optimal``'s formulation with the same rows added): with a thrust axis that
turns at w at most, each horizontal axis of the plan's thrust acceleration
changes by at most w dt times the full-thrust acceleration from one interval
to the next; the plan keeps within them (by its residual) and costs what the
optimum under them does."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest

pytest.importorskip("cvxpy", reason="the analysis extra (cvxpy, Clarabel) is not installed")
from hypothesis import given, settings

from hilander.controller import reference_convex as ref
from hilander.controller._cvx_search import py_solve
from hilander.controller.reference_convex_rows import accel_scale
from tests.common.convex import MSL_LIKE, as_dicts, converged_beside, oracle_problem, problems

PROPELLANT_TOLERANCE = 0.005  # as test_convex_vs_optimal's


def _oracle(p: ref.ConvexProblem) -> Any:
    """Clarabel's problem with the rate rows (``solve(tf)``: a Solution or None)."""
    prob = oracle_problem(p)
    cp, u = prob.cp, prob.x["u"]
    step = cp.abs(u[1:, :2] - u[:-1, :2])
    rate = step <= p.slew_rate_radps * accel_scale(p) * prob.p["dt"]
    prob.problem = cp.Problem(prob.problem.objective, [*prob.problem.constraints, rate])
    return prob


def _largest_step(p: ref.ConvexProblem, tf: float, accel: Any) -> float:
    """The largest change of a horizontal axis between intervals, over its
    bound (1: on it)."""
    a = np.asarray(accel)[: p.nodes, :2]
    bound = p.slew_rate_radps * accel_scale(p) * tf / p.nodes
    return float(np.max(np.abs(np.diff(a, axis=0)))) / bound


@settings(max_examples=40)
@given(problems(slew=True))
def test_the_rate_rows_cost_what_the_optimum_does(case: tuple[ref.ConvexProblem, float]) -> None:
    p, tf = case
    oracle = _oracle(p).solve(tf)
    ours = converged_beside(p, tf, oracle)
    if ours is None:
        return
    _, _, propellant, _, residual, accel, _, _ = ours
    # a row is scaled to unit norm (its two entries 1/sqrt 2): its residual
    # is that many full-thrust accelerations, over sqrt 2
    slack = math.sqrt(2.0) * residual * p.nodes / (p.slew_rate_radps * tf)
    assert _largest_step(p, tf, accel) <= 1.0 + slack
    if oracle is not None:
        assert propellant == pytest.approx(oracle.propellant_kg, rel=PROPELLANT_TOLERANCE)


def test_a_slow_thrust_axis_turns_the_plan_gently_and_costs_more() -> None:
    """The MSL-like divert at its optimal final time (20 intervals of 2 s)
    with a thrust axis that turns at 5 degrees a second: the plan keeps to
    the rows (without them it steps twice as far), at a little more
    propellant, the same as Clarabel's."""
    free = py_solve(*as_dicts(MSL_LIKE))
    slow = dataclasses.replace(MSL_LIKE, slew_rate_radps=math.radians(5))
    tf = free[1]
    held = py_solve(*as_dicts(slow), tf)
    unheld = py_solve(*as_dicts(MSL_LIKE), tf)
    assert held[0] == unheld[0] == ref.CONVERGED
    assert _largest_step(slow, tf, unheld[5]) > 1.5
    assert _largest_step(slow, tf, held[5]) <= 1.01
    assert unheld[2] < held[2] < 1.05 * unheld[2]
    oracle = _oracle(slow).solve(tf)
    assert oracle is not None
    assert held[2] == pytest.approx(oracle.propellant_kg, rel=PROPELLANT_TOLERANCE)
