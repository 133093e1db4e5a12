"""The allocator's warm start (controller/_allocate.pyx, design C; docs/law.md,
"Attitude and engines"): started from a held set, right or wrong, it reaches
an allocation as good as a cold start's (the same where it is unique: where
more than four engines meet the wrench exactly it may keep another split,
docs/law.md's known defect), usually in one or two solves."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hilander.controller import reference_allocate as ref
from hilander.controller._attitude import py_allocate, py_allocate_warm
from hilander.controller.reference_attitude import (
    ALLOCATE_ITERATION_LIMIT,
    ALLOCATE_ITERATIONS_MAX,
    ALLOCATE_SATURATED,
    AttitudeParams,
    EngineLayout,
)
from tests.common.attitude import (
    MSL_LIKE,
    STAGE,
    as_dicts,
    command,
    commands,
    kkt_violation,
    layouts_and_params,
    objective,
    ring,
    scale,
    starts,
    wrench_matrix,
)

# the allocator frees a held engine whose gradient is above this share of its scale
ALLOCATE_TOLERANCE = 1e-9
# where the allocation is unique (the running engines' weighted columns W A of full
# column rank, singular values s_max..s_min), warm and cold throttles within this share
# of (|W target| + |W A|_F) s_max / s_min^2: each stops with a held engine's gradient up
# to ALLOCATE_TOLERANCE of its scale (at most 4 engines: a gradient of 2 x that at
# most, each), and a gradient g moves the throttles about g / s_min^2 (measured over
# 2,833 unique cases from any start: within 3.6e-10 of that scale)
WARM_THROTTLE_TOLERANCE = 10.0 * ALLOCATE_TOLERANCE
# the objective (of the problem's scale() squared) and the optimality test, any layout
WARM_OBJECTIVE_TOLERANCE = 1e-8
KKT_TOLERANCE = 1e-8


def warm(e: EngineLayout, a: AttitudeParams, *args: Any) -> tuple[int, list[float], int, Any]:
    bits, throttle, iterations, held = py_allocate_warm(*as_dicts(e, a), *args)
    return bits, throttle, iterations, held


def held_of(e: EngineLayout, ok: int, u: list[float], held: tuple[int, int]) -> None:
    """The held set returned is the engines running and held at their bounds."""
    for i in range(len(e.position_B_m)):
        if (held[0] >> i) & 1:
            assert (ok >> i) & 1 and u[i] == e.throttle_min
        if (held[1] >> i) & 1:
            assert (ok >> i) & 1 and u[i] == e.throttle_max and not (held[0] >> i) & 1
    assert held[0] | held[1] <= ok & ((1 << len(e.position_B_m)) - 1)


@settings(max_examples=300)
@given(layouts_and_params(), commands, starts)
def test_the_compiled_warm_start_is_the_reference_bit_for_bit(
    case: tuple[EngineLayout, AttitudeParams], c: Any, start: tuple[int, int]
) -> None:
    e, a = case
    ok, force, torque = command(e, c)
    mine = warm(e, a, ok, force, torque, start)
    assert mine == ref.allocate_warm(e, a, ok, force, torque, start)
    cold = ref.allocate_warm(e, a, ok, force, torque, (0, 0))
    assert cold[:3] == py_allocate(*as_dicts(e, a), ok, force, torque)  # cold unchanged
    held_of(e, ok, mine[1], mine[3])


@settings(max_examples=400)
@given(layouts_and_params(), commands, starts)
def test_a_warm_start_from_any_set_is_optimal_within_the_bound(
    case: tuple[EngineLayout, AttitudeParams], c: Any, start: tuple[int, int]
) -> None:
    """Any layout (not unique beyond four engines): the same objective as a cold
    start, optimal (KKT), and never the iteration limit."""
    e, a = case
    ok, force, torque = command(e, c)
    bits, u, iterations, _ = warm(e, a, ok, force, torque, start)
    cold = py_allocate(*as_dicts(e, a), ok, force, torque)[1]
    assert not bits & ALLOCATE_ITERATION_LIMIT and iterations <= ALLOCATE_ITERATIONS_MAX
    gap = objective(e, a, ok, u, force, torque) - objective(e, a, ok, cold, force, torque)
    assert abs(gap) <= WARM_OBJECTIVE_TOLERANCE * scale(e, a, force, torque) ** 2
    assert kkt_violation(e, a, ok, u, force, torque) <= KKT_TOLERANCE


@st.composite
def unique_cases(draw: st.DrawFn) -> tuple[EngineLayout, AttitudeParams, int, float, Any]:
    """A layout, 1-4 of its engines running (unique where of full rank), a command."""
    e, a = draw(layouts_and_params())
    n = len(e.position_B_m)
    running = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4, unique=True))
    ok = sum(1 << i for i in running)
    _, force, torque = command(e, draw(commands))
    return e, a, ok, force, torque


@settings(max_examples=1000)
@given(unique_cases(), starts)
def test_a_warm_start_gives_the_cold_allocation_where_it_is_unique(
    case: tuple[EngineLayout, AttitudeParams, int, float, Any], start: tuple[int, int]
) -> None:
    e, a, ok, force, torque = case
    cold = warm(e, a, ok, force, torque, (0, 0))
    hot = warm(e, a, ok, force, torque, start)
    w = np.array([1.0, a.torque_priority, a.torque_priority, a.torque_priority])
    m = wrench_matrix(e, a, ok)
    b = w[:, None] * m[:, [i for i in range(m.shape[1]) if (ok >> i) & 1]]
    s = np.linalg.svd(b, compute_uv=False)
    # unique: full column rank, each direction worth a millionth of an engine
    if e.throttle_min < e.throttle_max and s[-1] > 1e-6 * max(s[0], e.thrust_max_N):
        size = np.linalg.norm(w * np.array([force, *torque])) + np.linalg.norm(b)
        atol = WARM_THROTTLE_TOLERANCE * size * s[0] / s[-1] ** 2
        assert np.allclose(hot[1], cold[1], rtol=0.0, atol=atol)
        # the same engines held at the same bounds, but for one at a bound with no
        # force to move it (a multiplier within the tolerance, often exactly 0: nothing
        # asked of it): one start keeps it held, the other reaches it free
        bw = w[:, None] * m
        g = bw.T @ (bw @ np.asarray(hot[1][: m.shape[1]]) - w * np.array([force, *torque]))
        differ = (hot[3][0] ^ cold[3][0]) | (hot[3][1] ^ cold[3][1])
        for i in range(m.shape[1]):
            if (differ >> i) & 1:
                assert hot[1][i] in (e.throttle_min, e.throttle_max)
                assert abs(g[i]) <= 2.0 * ALLOCATE_TOLERANCE * np.linalg.norm(bw[:, i]) * size
        assert hot[0] | ALLOCATE_SATURATED == cold[0] | ALLOCATE_SATURATED
        assert differ or hot[0] == cold[0]


def sweep(e: EngineLayout, ticks: int, torque_Nm: float) -> tuple[list[int], list[int], list[int]]:
    """A hover (55 % throttle) with a slow torque sweep (pitch and roll out of phase,
    one turn in ``ticks``): the solves per call, cold and warm, and the held-set changes."""
    force = 0.55 * len(e.position_B_m) * e.thrust_max_N * math.cos(0.35)
    held, cold, hot, changes = (0, 0), [], [], []
    for k in range(ticks):
        phase = 2.0 * math.pi * k / ticks
        torque = [torque_Nm * math.cos(phase), torque_Nm * math.sin(2.0 * phase), 0.0]
        cold.append(py_allocate(*as_dicts(e, STAGE), 0xFF, force, torque)[2])
        _, _, iterations, new = warm(e, STAGE, 0xFF, force, torque, held)
        hot.append(iterations)
        changes.append(bin((new[0] ^ held[0]) | (new[1] ^ held[1])).count("1"))
        held = new
    return cold, hot, changes


SIXTEEN = EngineLayout(*ring(16, 1.6, 0.35, 0.1, 0.2), 1530.0, 0.1, 1.0)


@pytest.mark.parametrize("e", [MSL_LIKE, SIXTEEN], ids=["msl-like", "sixteen"])
def test_a_slow_sweep_takes_one_solve_a_call_or_two_when_one_engine_changes(
    e: EngineLayout,
) -> None:
    """A hover with a slow torque sweep (400 ticks, up to 7 kN m: engines come to their
    floor and ceiling and leave them). After the first call: one solve where the held
    set is unchanged (85-90 % of the calls), two where one engine joins or leaves it (the
    step that holds it, or the test that frees it, and the solve after). Where k engines
    change at once (the MSL-like ring's pairs saturate together), 1 + k solves, up to
    1 + 2k where the path holds an engine and frees it again (measured: at most 5 of the
    MSL-like ring's calls, 4 engines at once; 3 of the sixteen's). Mean solves a call:
    MSL-like 4.91 cold, 1.17 warm; sixteen 11.02 cold, 1.17 warm."""
    cold, hot, changes = sweep(e, 400, 7000.0)
    assert max(cold) >= 9 and sum(changes) >= 60  # the sweep does saturate
    for k in range(1, len(hot)):
        if changes[k] <= 1:
            assert hot[k] == 1 + changes[k], (k, hot[k], changes[k])
        assert hot[k] <= 1 + 2 * changes[k], (k, hot[k], changes[k])
    assert sum(changes[1:]) > 0.05 * len(changes) and sum(hot[1:]) <= 1.2 * (len(hot) - 1)
    assert sum(cold[1:]) >= 4.0 * (len(cold) - 1)


@given(st.integers(0, 40), st.integers(1, 12))
def test_a_state_that_comes_back_is_seen_within_brents_bound(prefix: int, period: int) -> None:
    """The cycle stop (ref.Seen, as _allocate.pyx's and hl_allocate.c's): over made-up
    states, `prefix` distinct then a cycle of `period` (a state: a held set and throttles;
    two differing only in the held set are not the same), it reports the first time a
    state comes back at most 2 max(prefix, period) + 2 + period states in, never before."""
    seen = ref.Seen()
    for k in range(prefix + 2 * max(prefix, period) + 2 + period + 1):
        index = k if k < prefix else prefix + (k - prefix) % period
        state = [ref.FLOOR if index % 2 else ref.FREE, ref.CEILING]
        w = ref.Work([], [], [], 0.0, 1.0, 1.0, state)
        if seen.repeated(w, [float(index // 2), 1.0]):
            break
    assert prefix + period <= k <= 2 * max(prefix, period) + 2 + period
