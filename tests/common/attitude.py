"""Engine layouts and allocation problems for the tests of the attitude
controller and the allocator (controller/_attitude.pyx, its reference and its
C port): named layouts, hypothesis strategies, and the independent oracle
(scipy.optimize.lsq_linear on the same weighted bounded problem)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
from hypothesis import strategies as st
from scipy.optimize import lsq_linear

from hilander.controller.reference_attitude import ENGINE_MAX, AttitudeParams, EngineLayout


def ring(
    count: int, radius_m: float, cant_rad: float, twist_rad: float, pair_rad: float
) -> tuple[list[list[float]], list[list[float]]]:
    """count engines in count/2 pairs around the stage (pair_rad apart, the
    first pair at 45 degrees), each canted outward by cant_rad (its force
    leaning inward) and twisted tangentially by +-twist_rad (the pair's two
    opposite), at the height of the reference point."""
    positions, directions = [], []
    for k in range(count // 2):
        azimuth = math.pi / 4.0 + k * 2.0 * math.pi / (count // 2)
        for side in (-1.0, 1.0):
            a = azimuth + side * pair_rad / 2.0
            c, s = math.cos(a), math.sin(a)
            d = np.array([-math.sin(cant_rad) * c, -math.sin(cant_rad) * s, math.cos(cant_rad)])
            d += side * math.sin(twist_rad) * np.array([-s, c, 0.0])
            d /= float(np.linalg.norm(d))
            positions.append([radius_m * c, radius_m * s, 0.0])
            directions.append([float(x) for x in d])
    return positions, directions


# MSL-like: eight 3.06 kN engines in four canted pairs at the corners of the
# descent stage, throttled 10-100 % (the geometry is an estimate for the tests,
# not a preset); twisted so that the pairs have authority about the thrust axis
MSL_LIKE = EngineLayout(*ring(8, 1.6, 0.35, 0.1, 0.3), 3060.0, 0.1, 1.0)
# the same, canted radially only: no torque about the thrust axis at all
MSL_RADIAL = EngineLayout(*ring(8, 1.6, 0.35, 0.0, 0.3), 3060.0, 0.1, 1.0)
# twelve pulsed thrusters in six canted pairs (Phoenix-like), duty cycle 0-1
PULSED_12 = EngineLayout(*ring(12, 1.0, 0.3, 0.15, 0.4), 293.0, 0.0, 1.0)
# four engines on a square, straight down: no roll (about z) authority
SQUARE_UNCANTED = EngineLayout(
    [[1.0, 1.0, 0.0], [-1.0, 1.0, 0.0], [-1.0, -1.0, 0.0], [1.0, -1.0, 0.0]],
    [[0.0, 0.0, 1.0]] * 4,
    1000.0,
    0.2,
    1.0,
)
STAGE = AttitudeParams((6000.0, 6000.0, 8000.0), (0.0, 0.0, 1.2), 2.0, 0.7, 1.0)
NAMED = {"msl-like": MSL_LIKE, "msl-radial": MSL_RADIAL, "pulsed-12": PULSED_12}


def unit(v: list[float]) -> list[float]:
    n = math.sqrt(sum(x * x for x in v))
    return [x / n for x in v]


finite = st.floats(-1.0, 1.0, allow_nan=False, allow_subnormal=False)
vectors = st.lists(finite, min_size=3, max_size=3).filter(lambda v: sum(x * x for x in v) > 0.01)


@st.composite
def layouts(draw: st.DrawFn) -> EngineLayout:
    """1-16 engines anywhere within 2 m of the reference point, each pointing
    anywhere, 100 N-5 kN each, a floor of 0-50 % and a ceiling above it."""
    count = draw(st.integers(1, ENGINE_MAX))
    positions = [[2.0 * x for x in draw(vectors)] for _ in range(count)]
    directions = [unit(draw(vectors)) for _ in range(count)]
    lo = draw(st.sampled_from([0.0, 0.1, 0.3, 0.5]))
    hi = draw(st.floats(lo + 0.1, 1.0))
    return EngineLayout(positions, directions, draw(st.floats(100.0, 5000.0)), lo, hi)


@st.composite
def params(draw: st.DrawFn) -> AttitudeParams:
    inertia = tuple(draw(st.floats(100.0, 10000.0)) for _ in range(3))
    com = tuple(0.5 * x for x in draw(vectors))
    gains = (draw(st.floats(0.1, 10.0)), draw(st.floats(0.1, 2.0)))
    return AttitudeParams(inertia, com, *gains, draw(st.floats(0.1, 10.0)))


@st.composite
def layouts_and_params(draw: st.DrawFn) -> tuple[EngineLayout, AttitudeParams]:
    named = draw(st.sampled_from([None, *NAMED.values()]))
    return (draw(layouts()) if named is None else named), draw(params())


def as_dicts(e: EngineLayout, a: AttitudeParams) -> tuple[dict[str, Any], dict[str, Any]]:
    return dataclasses.asdict(e), dataclasses.asdict(a)


def wrench_matrix(e: EngineLayout, a: AttitudeParams, engines_ok: int) -> np.ndarray:
    """A (4 x count): engine i's column thrust_max [dir_z; (pos - com) x dir],
    zero for an engine not running."""
    n = min(len(e.position_B_m), ENGINE_MAX)
    m = np.zeros((4, n))
    for i in range(n):
        if (engines_ok >> i) & 1:
            d = np.asarray(e.direction_B[i])
            r = np.asarray(e.position_B_m[i]) - np.asarray(a.com_B_m)
            m[:, i] = e.thrust_max_N * np.concatenate(([d[2]], np.cross(r, d)))
    return m


def objective(
    e: EngineLayout, a: AttitudeParams, ok: int, u: Any, force: float, torque: Any
) -> float:
    """p^2 |T u - torque|^2 + |F u - force|^2."""
    res = wrench_matrix(e, a, ok) @ np.asarray(u)[: min(len(e.position_B_m), ENGINE_MAX)]
    res -= np.concatenate(([force], torque))
    return float(res[0] ** 2 + a.torque_priority**2 * np.sum(res[1:] ** 2))


def oracle(
    e: EngineLayout, a: AttitudeParams, ok: int, force: float, torque: Any
) -> np.ndarray | None:
    """scipy's bounded least squares on the same weighted problem (running
    engines only); None if no engine runs."""
    m = wrench_matrix(e, a, ok)
    cols = [i for i in range(m.shape[1]) if (ok >> i) & 1]
    if not cols:
        return None
    w = np.array([1.0, a.torque_priority, a.torque_priority, a.torque_priority])
    target = w * np.concatenate(([force], torque))
    bounds = (e.throttle_min, e.throttle_max) if e.throttle_min < e.throttle_max else None
    u = np.zeros(m.shape[1])
    if bounds is None:
        u[cols] = e.throttle_min
        return u
    done = lsq_linear(w[:, None] * m[:, cols], target, bounds=bounds, method="bvls", tol=1e-14)
    u[cols] = done.x
    return u


ALL = (1 << ENGINE_MAX) - 1
# engines_ok: all running, all but one, all but two (engines 0-3, so mostly among the
# layout's), or any mask (which, drawn as an integer, clusters on few engines)
engines_ok = st.one_of(
    st.just(ALL),
    st.integers(0, 3).map(lambda i: ALL & ~(1 << i)),
    st.tuples(st.integers(0, 3), st.integers(4, 7)).map(
        lambda ij: ALL & ~(1 << ij[0] | 1 << ij[1])
    ),
    st.integers(0, ALL),
)

# warm starts, held sets (floor mask, ceiling mask): cold, all held at the ceiling, all
# at the floor, any two masks (an engine in both is held at its floor), the engines 0-3
# at the ceiling
starts = st.one_of(
    st.just((0, 0)),
    st.just((0, ALL)),
    st.just((ALL, 0)),
    st.tuples(st.integers(0, ALL), st.integers(0, ALL)),
    st.just((0, 0xF)),
)


commands = st.tuples(
    engines_ok,
    st.floats(0.0, 1.3),
    st.lists(st.floats(-1.0, 1.0), min_size=3, max_size=3),
)


def command(e: EngineLayout, c: tuple[int, float, list[float]]) -> tuple[int, float, list[float]]:
    """(engines_ok, force, torque) scaled to the layout."""
    ok, share, torque = c
    return (
        ok,
        share * len(e.position_B_m) * e.thrust_max_N,
        [2.0 * t * e.thrust_max_N for t in torque],
    )


def scale(e: EngineLayout, a: AttitudeParams, force: float, torque: list[float]) -> float:
    """The size of an allocation problem's residual: the wrench asked for and
    the most the engines can do, weighted."""
    p, n = a.torque_priority, len(e.position_B_m)
    lever = max(1.0, *(math.dist(r, a.com_B_m) for r in e.position_B_m))
    return abs(force) + p * math.hypot(*torque) + n * e.thrust_max_N * (1.0 + p * lever)


quaternions = st.lists(st.floats(-1.0, 1.0), min_size=4, max_size=4).filter(
    lambda q: sum(x * x for x in q) > 0.01
)
rates = st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3)


def kkt_violation(
    e: EngineLayout, a: AttitudeParams, ok: int, u: Any, force: float, torque: Any
) -> float:
    """How far u is from optimal, relative to the largest weighted column times
    (|W target| + |W A|_F) (not engine i's own: an engine that barely acts, say
    horizontal at the centre of mass's height, is left where the ridge puts it):
    the gradient g_i = (W a_i) . W (A u - target) of a free engine (inside its
    bounds), or the part that wants an engine held at a bound inside (g_i < 0 at
    the floor, > 0 at the ceiling); 0 if optimal."""
    n = min(len(e.position_B_m), ENGINE_MAX)
    w = np.array([1.0, a.torque_priority, a.torque_priority, a.torque_priority])
    b = w[:, None] * wrench_matrix(e, a, ok)
    t = w * np.concatenate(([force], torque))
    g = b.T @ (b @ np.asarray(u)[:n] - t)
    size = np.linalg.norm(t) + np.linalg.norm(b)
    worst = 0.0
    for i in range(n):
        if not (ok >> i) & 1 or e.throttle_min == e.throttle_max:
            continue
        v = abs(g[i])
        if u[i] == e.throttle_min:
            v = max(0.0, -g[i])
        elif u[i] == e.throttle_max:
            v = max(0.0, g[i])
        worst = max(worst, v / (np.max(np.linalg.norm(b, axis=0)) * size or 1.0))
    return float(worst)
