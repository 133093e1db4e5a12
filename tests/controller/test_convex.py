"""The convex solver: the compiled copy against the pure-Python reference,
back to back (the same rows, the same iterations and outcome, the plan to
1e-9 of its propellant)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import example, given, settings

from hilander.controller import reference_convex as ref
from hilander.controller import reference_cvx_search as search
from hilander.controller._cvx_search import py_solve
from tests.common.convex import MSL_LIKE, PUBLISHED_DIVERT, as_dicts, problems


def _agree(p: ref.ConvexProblem, tf: float) -> None:
    mine = ref.solve_fixed_time(p, tf, ref.Workspace())
    status, time_s, propellant, iterations, residual, accel, mass, _ = py_solve(*as_dicts(p), tf)
    assert (status, iterations) == (mine.status, mine.iterations)
    assert time_s == tf
    # thousands of iterations carry the rounding differences between numpy's
    # sums and the loops' (measured over 80 problems: 1.2e-10 of the
    # propellant, 1.2e-8 m/s^2 on the accelerations). A solve that does not
    # converge (STOPPED or INFEASIBLE) drifts for all its 4,000 iterations
    # and carries them further (GLIDE_INFEASIBLE 2.0e-9 and 2.0e-7 m/s^2,
    # GLIDE_STOPPED 2.7e-9 and 3.2e-7 m/s^2), still centimetres per second
    # over a flight.
    loose = 1.0 if mine.status == ref.CONVERGED else 10.0
    assert propellant == pytest.approx(mine.propellant_kg, rel=1e-9 * loose)
    assert np.allclose(accel, mine.accel_mps2, rtol=0.0, atol=1e-7 * loose)
    assert np.allclose(mass, mine.mass_kg, rtol=1e-9 * loose)
    assert residual == pytest.approx(mine.residual, rel=1e-2, abs=1e-9)


@settings(max_examples=25)
@given(problems())
def test_the_compiled_solver_follows_the_reference(case: tuple[ref.ConvexProblem, float]) -> None:
    _agree(*case)


# found by hypothesis: infeasible (the glide slope), stopped at 4,000 iterations
GLIDE_INFEASIBLE = (
    ref.ConvexProblem(
        position_m=(292.84384978053174, 456.0772737658799, 1025.0),
        velocity_mps=(27.555417599275128, 42.915020225202724, -100.0),
        mass_kg=1827.0,
        target_position_m=(0.0, 0.0, 20.0),
        target_velocity_mps=(0.0, 0.0, -0.75),
        gravity_mps2=3.711,
        thrust_min_N=6280.3125,
        thrust_max_N=18270.0,
        alpha_s_per_m=0.00045320720576796816,
        dry_mass_kg=1370.25,
        cos_tilt_max=-0.9899924966004454,
        tan_glide_slope=0.16436394686364256,
        floor_z_m=0.0,
        nodes=17,
    ),
    33.0,
)


GLIDE_STOPPED = (
    dataclasses.replace(
        GLIDE_INFEASIBLE[0],
        position_m=(538.0, 0.0, 1024.0),
        velocity_mps=(51.0, 0.0, -100.0),
        mass_kg=1826.0,
        thrust_min_N=4565.0,
        thrust_max_N=18260.0,
        dry_mass_kg=1369.5,
        cos_tilt_max=-0.4161468365471424,
        tan_glide_slope=0.16555051927393397,
    ),
    33.25,
)


@settings(max_examples=10)
@given(problems(glide=True))
@example(GLIDE_INFEASIBLE)
@example(GLIDE_STOPPED)
def test_with_a_glide_slope_too(case: tuple[ref.ConvexProblem, float]) -> None:
    _agree(*case)


@settings(max_examples=15)
@given(problems(disc=True))
def test_with_a_target_disc_too(case: tuple[ref.ConvexProblem, float]) -> None:
    """The fallback's problem: the target anywhere within a radius of the site
    across the ground (a cone whose last row has no entries)."""
    _agree(*case)


@pytest.mark.parametrize("p", [MSL_LIKE, PUBLISHED_DIVERT], ids=["msl-like", "published"])
def test_the_final_time_search_is_the_same(p: ref.ConvexProblem) -> None:
    mine, spent = search.solve_free_time(p)
    status, time_s, propellant, *_, all_iterations = py_solve(*as_dicts(p))
    assert (status, all_iterations) == (mine.status, spent)
    assert time_s == pytest.approx(mine.time_of_flight_s, rel=1e-12)
    assert propellant == pytest.approx(mine.propellant_kg, rel=1e-9)


def test_a_plan_is_a_trajectory_of_the_vehicle_that_reaches_the_target() -> None:
    """Flown through the held accelerations in closed form, the converged plan
    ends on the target within what the residual allows, above the floor."""
    plan, _ = search.solve_free_time(MSL_LIKE)
    assert plan.status == ref.CONVERGED
    dt = plan.time_of_flight_s / MSL_LIKE.nodes
    r, v = np.array(MSL_LIKE.position_m), np.array(MSL_LIKE.velocity_mps)
    g = np.array([0.0, 0.0, -MSL_LIKE.gravity_mps2])
    for k, a in enumerate(plan.accel_mps2):
        r, v = r + v * dt + 0.5 * (a + g) * dt * dt, v + (a + g) * dt
        assert r[2] >= MSL_LIKE.floor_z_m - 0.5
        thrust_N = float(np.linalg.norm(a)) * plan.mass_kg[k]
        assert MSL_LIKE.thrust_min_N * 0.99 <= thrust_N <= MSL_LIKE.thrust_max_N * 1.01
    assert np.allclose(r, MSL_LIKE.target_position_m, atol=2.0)
    assert np.allclose(v, MSL_LIKE.target_velocity_mps, atol=0.1)


def test_an_unreachable_target_is_reported_infeasible() -> None:
    """5 s is far too short to stop from 80 m/s at 1.5 km: a certificate, not
    a silent plan into the ground."""
    plan = ref.solve_fixed_time(MSL_LIKE, 5.0, ref.Workspace())
    assert plan.status == ref.INFEASIBLE
    assert plan.iterations < ref.SolverSettings().iterations_max
    status, *_ = py_solve(*as_dicts(MSL_LIKE), 5.0)
    assert status == ref.INFEASIBLE


def test_nodes_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="nodes must be in"):
        py_solve(*as_dicts(dataclasses.replace(MSL_LIKE, nodes=25)), 30.0)
