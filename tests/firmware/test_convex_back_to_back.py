"""The C convex solver (firmware_stub/core/hl_convex.c) against the Cython
one, through ctypes: the double build bit for bit, the float32 build (as on
a board) within the stated tolerance."""

from __future__ import annotations

import ctypes
import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings

from hilander.controller import reference_convex as ref
from hilander.controller._cvx_search import py_solve
from tests.common.convex import MSL_LIKE, PUBLISHED_DIVERT, as_dicts, fly, problems

NODES_MAX = 24
WORK_BYTES = 1 << 18  # more than sizeof(hl_cvx_work_t) in either precision
# float32 against double, where both converge: measured over 200 problems
# at most 0.18 % (one problem; the next 0.06 %), each stopping anywhere
# within the tolerance of the same optimum (90 converged in both, 107
# infeasible in both, 3 STOPPED in one of the two on the edge of feasibility)
FLOAT_PROPELLANT_TOLERANCE = 0.005


def _types(
    real: Any,
) -> tuple[type[ctypes.Structure], type[ctypes.Structure], type[ctypes.Structure]]:
    class Problem(ctypes.Structure):
        _fields_ = [
            ("position_m", real * 3),
            ("velocity_mps", real * 3),
            ("mass_kg", real),
            ("target_position_m", real * 3),
            ("target_velocity_mps", real * 3),
            ("gravity_mps2", real),
            ("thrust_min_N", real),
            ("thrust_max_N", real),
            ("alpha_s_per_m", real),
            ("dry_mass_kg", real),
            ("cos_tilt_max", real),
            ("tan_glide_slope", real),
            ("floor_z_m", real),
            ("nodes", ctypes.c_int),
            ("target_radius_m", real),
            ("slew_rate_radps", real),
        ]

    class Settings(ctypes.Structure):
        _fields_ = [
            ("iterations_max", ctypes.c_int),
            ("tolerance", real),
            ("time_grid", ctypes.c_int),
            ("golden_steps", ctypes.c_int),
            ("time_min_s", real),
            ("time_max_s", real),
            ("search_iterations_max", ctypes.c_int),
        ]

    class Plan(ctypes.Structure):
        _fields_ = [
            ("status", ctypes.c_int),
            ("time_of_flight_s", real),
            ("propellant_kg", real),
            ("iterations", ctypes.c_int),
            ("residual", real),
            ("accel_mps2", (real * 3) * NODES_MAX),
            ("mass_kg", real * (NODES_MAX + 1)),
        ]

    return Problem, Settings, Plan


def c_solve(lib: ctypes.CDLL, real: Any, p: ref.ConvexProblem, tf: float | None) -> tuple[Any, ...]:
    """As py_solve, tf None for the search (any other tf, whatever its sign,
    to hl_cvx_solve_fixed): (status, time, propellant, iterations, residual,
    accel, masses, spent)."""
    problem_t, settings_t, plan_t = _types(real)
    pd, sd = as_dicts(p)
    cp = problem_t(**pd)
    cs = settings_t(**sd)
    work = ctypes.create_string_buffer(WORK_BYTES)
    best, scratch = plan_t(), plan_t()
    if tf is not None:
        lib.hl_cvx_solve_fixed(
            ctypes.byref(cp), real(tf), ctypes.byref(cs), work, ctypes.byref(best)
        )
        spent = best.iterations
    else:
        spent = lib.hl_cvx_solve_free(
            ctypes.byref(cp), ctypes.byref(cs), work, ctypes.byref(best), ctypes.byref(scratch)
        )
    n = min(p.nodes, NODES_MAX)  # a refused problem may ask for more
    accel = [[best.accel_mps2[k][i] for i in range(3)] for k in range(n)]
    masses = [best.mass_kg[k] for k in range(n + 1)]
    return (
        best.status,
        best.time_of_flight_s,
        best.propellant_kg,
        best.iterations,
        best.residual,
        accel,
        masses,
        spent,
    )


@pytest.fixture(scope="module")
def libs(host_lib: Path) -> dict[str, ctypes.CDLL]:
    return {
        "double": ctypes.CDLL(str(host_lib / "libhlcore_double.so")),
        "float": ctypes.CDLL(str(host_lib / "libhlcore.so")),
    }


@settings(max_examples=20)
@given(problems(glide=True))
def test_the_double_build_is_the_cython_solver_bit_for_bit(
    libs: dict[str, ctypes.CDLL], case: tuple[ref.ConvexProblem, float]
) -> None:
    p, tf = case
    assert c_solve(libs["double"], ctypes.c_double, p, tf) == py_solve(*as_dicts(p), tf)


@settings(max_examples=15)
@given(problems(disc=True))
def test_the_double_build_solves_the_target_disc_bit_for_bit(
    libs: dict[str, ctypes.CDLL], case: tuple[ref.ConvexProblem, float]
) -> None:
    p, tf = case
    assert c_solve(libs["double"], ctypes.c_double, p, tf) == py_solve(*as_dicts(p), tf)


@settings(max_examples=15)
@given(problems(slew=True))
def test_the_double_build_keeps_the_rate_rows_bit_for_bit(
    libs: dict[str, ctypes.CDLL], case: tuple[ref.ConvexProblem, float]
) -> None:
    p, tf = case
    assert c_solve(libs["double"], ctypes.c_double, p, tf) == py_solve(*as_dicts(p), tf)


@pytest.mark.parametrize("p", [MSL_LIKE, PUBLISHED_DIVERT], ids=["msl-like", "published"])
def test_the_double_builds_search_is_bit_for_bit(
    libs: dict[str, ctypes.CDLL], p: ref.ConvexProblem
) -> None:
    assert c_solve(libs["double"], ctypes.c_double, p, None) == py_solve(*as_dicts(p))


@settings(max_examples=20)
@given(problems())
# found by hypothesis: the feasible window opens between 35 and 36 s; at 35 s
# the double build certifies infeasibility (residual 3.6e-4), float32 stops
@example(
    (
        ref.ConvexProblem(
            position_m=(0.0, 0.0, 770.0),
            velocity_mps=(0.0, 0.0, -20.0),
            mass_kg=1500.0,
            target_position_m=(0.0, 0.0, 0.0),
            target_velocity_mps=(0.0, 0.0, 0.0),
            gravity_mps2=3.711,
            thrust_min_N=5566.40625,
            thrust_max_N=18750.0,
            alpha_s_per_m=0.00045320720576796816,
            dry_mass_kg=1125.0,
            cos_tilt_max=0.9305076219123143,
            nodes=8,
        ),
        35.0,
    )
)
def test_the_float32_build_finds_the_same_plan(
    libs: dict[str, ctypes.CDLL], case: tuple[ref.ConvexProblem, float]
) -> None:
    p, tf = case
    mine = py_solve(*as_dicts(p), tf)
    board = c_solve(libs["float"], ctypes.c_float, p, tf)
    if mine[0] == ref.CONVERGED and board[0] == ref.CONVERGED:
        assert board[2] == pytest.approx(mine[2], rel=FLOAT_PROPELLANT_TOLERANCE)
    else:  # on the edge of feasibility, STOPPED on one side at most: never
        # a plan on one side where the other certifies there is none
        assert {mine[0], board[0]} != {ref.CONVERGED, ref.INFEASIBLE}


def test_the_float32_build_lands_the_msl_like_case(libs: dict[str, ctypes.CDLL]) -> None:
    mine = py_solve(*as_dicts(MSL_LIKE))
    board = c_solve(libs["float"], ctypes.c_float, MSL_LIKE, None)
    assert board[0] in (ref.CONVERGED, ref.STOPPED)
    assert board[2] == pytest.approx(mine[2], rel=FLOAT_PROPELLANT_TOLERANCE)
    # the float32 plan, flown, ends on the target (its last accelerations
    # may differ from the double plan's by up to 0.8 m/s^2: the optimum's
    # final braking is flat in propellant)
    r, v = fly(MSL_LIKE, board[1], board[5])
    assert np.allclose(r, MSL_LIKE.target_position_m, atol=5.0)
    assert np.allclose(v, MSL_LIKE.target_velocity_mps, atol=0.5)


@pytest.mark.parametrize("build", ["double", "float"])
def test_a_problem_it_cannot_hold_is_refused_not_overrun(
    libs: dict[str, ctypes.CDLL], build: str
) -> None:
    """More nodes than the workspace holds, or no time to fly: INFEASIBLE at
    once, before anything is written to the workspace."""
    real = ctypes.c_double if build == "double" else ctypes.c_float
    for p, tf in (
        (dataclasses.replace(MSL_LIKE, nodes=30), 40.0),
        (MSL_LIKE, 0.0),
        (MSL_LIKE, -1.0),
    ):
        status, _, propellant, iterations, *_ = c_solve(libs[build], real, p, tf)
        assert (status, iterations, propellant) == (ref.INFEASIBLE, 0, 0.0)


@pytest.mark.parametrize("build", ["double", "float"])
def test_a_nan_in_the_problem_is_infeasible_never_a_nan_plan(
    libs: dict[str, ctypes.CDLL], build: str
) -> None:
    real = ctypes.c_double if build == "double" else ctypes.c_float
    p = dataclasses.replace(MSL_LIKE, velocity_mps=(float("nan"), 0.0, -80.0))
    assert c_solve(libs[build], real, p, 40.0)[0] == ref.INFEASIBLE
    assert py_solve(*as_dicts(p), 40.0)[0] == ref.INFEASIBLE
    assert ref.solve_fixed_time(p, 40.0, ref.Workspace()).status == ref.INFEASIBLE
