"""The attitude controller and the engine allocator in plain Python (test oracle).

Written to be read beside ``_attitude.pyx`` (see it for the design, and
docs/law.md, "Attitude and engines"): the same operations in the same order
on plain Python floats, so that the two agree bit for bit. Frames and the
quaternion convention are those of ``_attitude.pxd``: scalar first, q_SB
turns a body vector into the site frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

ENGINE_MAX = 16
ALLOCATE_ITERATIONS_MAX = 64
ALLOCATE_SATURATED = 1
ALLOCATE_TORQUE_SHORT = 2
ALLOCATE_FORCE_SHORT = 4
ALLOCATE_ITERATION_LIMIT = 8
# the ridge added to the 4x4 normal matrix, relative to its largest diagonal
ALLOCATE_REGULARISATION = 1e-6
# iterated-ridge passes after the first: the ridge's bias shrinks to its fifth power
ALLOCATE_REFINEMENTS = 4
# a bound engine is freed when its gradient exceeds this share of its scale
ALLOCATE_TOLERANCE = 1e-9
# a residual above this share of its scale is short
ALLOCATE_SHORT = 1e-6

FREE, FLOOR, CEILING, OFF = 0, -1, 1, 2
Vec = list[float]


@dataclass(frozen=True)
class EngineLayout:
    """As the struct in ``_attitude.pxd``; count is len(position_B_m)."""

    position_B_m: Sequence[Sequence[float]]
    direction_B: Sequence[Sequence[float]]
    thrust_max_N: float
    throttle_min: float
    throttle_max: float


@dataclass(frozen=True)
class AttitudeParams:
    inertia_B_kg_m2: Sequence[float]
    com_B_m: Sequence[float]
    bandwidth_radps: float
    damping_ratio: float
    torque_priority: float


def finite(values: Sequence[float]) -> bool:
    return all(math.isfinite(v) for v in values)


def body_direction(q: Sequence[float], d: Sequence[float]) -> Vec:
    """d (site frame) in the body frame, R(q)^T d, q of unit norm."""
    w, x, y, z = q
    return [
        (1.0 - 2.0 * (y * y + z * z)) * d[0]
        + 2.0 * (x * y + w * z) * d[1]
        + 2.0 * (x * z - w * y) * d[2],
        2.0 * (x * y - w * z) * d[0]
        + (1.0 - 2.0 * (x * x + z * z)) * d[1]
        + 2.0 * (y * z + w * x) * d[2],
        2.0 * (x * z + w * y) * d[0]
        + 2.0 * (y * z - w * x) * d[1]
        + (1.0 - 2.0 * (x * x + y * y)) * d[2],
    ]


def error_vector(q_SB: Sequence[float], thrust_dir_S: Sequence[float]) -> Vec:
    """The vector part of the error quaternion: the smallest rotation of the
    body z axis onto thrust_dir_S, in the body frame (w >= 0 by construction)."""
    qn = math.sqrt(q_SB[0] * q_SB[0] + q_SB[1] * q_SB[1] + q_SB[2] * q_SB[2] + q_SB[3] * q_SB[3])
    dn = math.sqrt(
        thrust_dir_S[0] * thrust_dir_S[0]
        + thrust_dir_S[1] * thrust_dir_S[1]
        + thrust_dir_S[2] * thrust_dir_S[2]
    )
    if not (dn > 0.0 and math.isfinite(dn)):
        return [0.0, 0.0, 0.0]  # no direction: hold the attitude, damp the rate
    q = [q_SB[i] / qn for i in range(4)]
    d = body_direction(q, [thrust_dir_S[i] / dn for i in range(3)])
    w = 1.0 + d[2]
    n = math.sqrt(w * w + d[1] * d[1] + d[0] * d[0])
    if not n > 0.0:
        return [1.0, 0.0, 0.0]  # upside down: half a turn about body x
    if w < 0.0:
        n = -n  # the shortest way: w >= 0 (w < 0 only by rounding, thrust_dir = -z)
    return [-d[1] / n, d[0] / n, 0.0]


def attitude_torque(
    q_SB: Sequence[float],
    rate_B_radps: Sequence[float],
    thrust_dir_S: Sequence[float],
    a: AttitudeParams,
) -> Vec:
    """torque_i = I_i (wn^2 2 e_i - 2 zeta wn rate_i); zero on bad input."""
    qn2 = q_SB[0] * q_SB[0] + q_SB[1] * q_SB[1] + q_SB[2] * q_SB[2] + q_SB[3] * q_SB[3]
    gains = [a.bandwidth_radps, a.damping_ratio, *a.inertia_B_kg_m2]
    if not (qn2 > 0.0 and math.isfinite(qn2) and finite(rate_B_radps) and finite(gains)):
        return [0.0, 0.0, 0.0]
    e = error_vector(q_SB, thrust_dir_S)
    wn = a.bandwidth_radps
    k_p, k_d = wn * wn, 2.0 * a.damping_ratio * wn
    torque = [a.inertia_B_kg_m2[i] * (k_p * (2.0 * e[i]) - k_d * rate_B_radps[i]) for i in range(3)]
    return torque if finite(torque) else [0.0, 0.0, 0.0]  # huge gains overflowed


@dataclass
class Work:
    """The allocator's problem: columns, weights, bounds, states (see _attitude.pyx)."""

    col: list[Vec]  # per engine: thrust_max [dir_z; (pos - com) x dir]
    b: list[Vec]  # the same, weighted: W col, W = diag(1, p, p, p)
    wt: Vec  # W [force; torque]
    lo: float
    hi: float
    eps: float  # the ridge
    scale: float  # |W target| + |B|_F: the scale of the gradient test
    state: list[int]  # FREE, FLOOR, CEILING or OFF per engine


def column(e: EngineLayout, a: AttitudeParams, i: int) -> Vec:
    d, t = e.direction_B[i], e.thrust_max_N
    r = [e.position_B_m[i][k] - a.com_B_m[k] for k in range(3)]
    return [
        t * d[2],
        t * (r[1] * d[2] - r[2] * d[1]),
        t * (r[2] * d[0] - r[0] * d[2]),
        t * (r[0] * d[1] - r[1] * d[0]),
    ]


def setup(e: EngineLayout, a: AttitudeParams, running: list[bool], target: Vec) -> Work:
    n, p = len(running), a.torque_priority
    wgt = [1.0, p, p, p]
    col = [column(e, a, i) if running[i] else [0.0] * 4 for i in range(n)]
    b = [[wgt[k] * col[i][k] for k in range(4)] for i in range(n)]
    wt = [wgt[k] * target[k] for k in range(4)]
    diag = [0.0] * 4
    for k in range(4):
        for i in range(n):
            diag[k] += b[i][k] * b[i][k]
    mmax = max(diag[0], diag[1], diag[2], diag[3])
    eps = ALLOCATE_REGULARISATION * mmax if mmax > 0.0 else 1.0
    tn = math.sqrt(wt[0] * wt[0] + wt[1] * wt[1] + wt[2] * wt[2] + wt[3] * wt[3])
    scale = tn + math.sqrt(diag[0] + diag[1] + diag[2] + diag[3])
    lo, hi = e.throttle_min, e.throttle_max
    state = [(FREE if lo < hi else FLOOR) if running[i] else OFF for i in range(n)]
    return Work(col, b, wt, lo, hi, eps, scale, state)


def cholesky4(w: Work) -> list[Vec]:
    """L L^T = sum over the free engines of b b^T, plus eps I (lower triangle)."""
    m = [[0.0] * 4 for _ in range(4)]
    for k in range(4):
        for j in range(k + 1):
            s = 0.0
            for i in range(len(w.state)):
                if w.state[i] == FREE:
                    s += w.b[i][k] * w.b[i][j]
            m[k][j] = s
        m[k][k] += w.eps
    for k in range(4):
        s = m[k][k]
        for j in range(k):
            s -= m[k][j] * m[k][j]
        piv = math.sqrt(s) if s > 0.0 else math.sqrt(w.eps)  # > 0 unless rounded away
        m[k][k] = piv
        for i in range(k + 1, 4):
            s = m[i][k]
            for j in range(k):
                s -= m[i][j] * m[k][j]
            m[i][k] = s / piv
    return m


def solve4(m: list[Vec], rhs: Vec) -> Vec:
    y = [0.0] * 4
    for k in range(4):
        s = rhs[k]
        for j in range(k):
            s -= m[k][j] * y[j]
        y[k] = s / m[k][k]
    for k in range(3, -1, -1):
        s = y[k]
        for j in range(k + 1, 4):
            s -= m[j][k] * y[j]
        y[k] = s / m[k][k]
    return y


def residual(w: Work, u: Vec) -> Vec:
    """W (A u - target) over the running engines."""
    r = [0.0] * 4
    for k in range(4):
        s = 0.0
        for i in range(len(w.state)):
            if w.state[i] != OFF:
                s += w.b[i][k] * u[i]
        r[k] = s - w.wt[k]
    return r


def free_solve(w: Work, u: Vec) -> Vec:
    """The least-squares throttles of the free engines, the others held, the
    nearest to u: a ridge solve on the 4x4 normal matrix, then refined."""
    n = len(w.state)
    r = residual(w, u)
    m = cholesky4(w)
    d = [0.0] * n
    for _ in range(1 + ALLOCATE_REFINEMENTS):
        rhs = [0.0] * 4
        for k in range(4):
            s = -r[k]
            for i in range(n):
                if w.state[i] == FREE:
                    s -= w.b[i][k] * d[i]
            rhs[k] = s
        y = solve4(m, rhs)
        for i in range(n):
            if w.state[i] == FREE:
                bi = w.b[i]
                d[i] += bi[0] * y[0] + bi[1] * y[1] + bi[2] * y[2] + bi[3] * y[3]
    return [u[i] + d[i] if w.state[i] == FREE else u[i] for i in range(n)]


def clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else (hi if x > hi else x)


def step(w: Work, u: Vec, z: Vec) -> bool:
    """From u toward z as far as the bounds allow; the first engine to reach
    one (the lowest index on a tie) is held there. False if z is inside."""
    alpha, block, side = 2.0, -1, FREE
    for i in range(len(w.state)):
        if w.state[i] != FREE:
            continue
        if z[i] < w.lo:
            t, s = (w.lo - u[i]) / (z[i] - u[i]), FLOOR
        elif z[i] > w.hi:
            t, s = (w.hi - u[i]) / (z[i] - u[i]), CEILING
        else:
            continue
        if t < alpha:
            alpha, block, side = t, i, s
    for i in range(len(w.state)):
        if w.state[i] == FREE:
            u[i] = z[i] if block < 0 else clamp(u[i] + alpha * (z[i] - u[i]), w.lo, w.hi)
    if block >= 0:
        u[block] = w.lo if side == FLOOR else w.hi
        w.state[block] = side
    return block >= 0


def most_violated(w: Work, u: Vec) -> int:
    """The held engine whose gradient most wants it inside (-1: none above
    the tolerance): the optimality test of the active set."""
    if not w.lo < w.hi:
        return -1
    r = residual(w, u)
    best, j = 0.0, -1
    for i in range(len(w.state)):
        if w.state[i] not in (FLOOR, CEILING):
            continue
        bi = w.b[i]
        g = bi[0] * r[0] + bi[1] * r[1] + bi[2] * r[2] + bi[3] * r[3]
        v = -g if w.state[i] == FLOOR else g
        bn = math.sqrt(bi[0] * bi[0] + bi[1] * bi[1] + bi[2] * bi[2] + bi[3] * bi[3])
        if v > ALLOCATE_TOLERANCE * bn * w.scale and v > best:
            best, j = v, i
    return j


def short_bits(w: Work, u: Vec, target: Vec) -> int:
    """TORQUE_SHORT, FORCE_SHORT where the residual is above its scale's share."""
    res, size = [0.0] * 4, [0.0, 0.0]
    for i in range(len(w.state)):
        if w.state[i] != OFF:
            c = w.col[i]
            for k in range(4):
                res[k] += c[k] * u[i]
            size[0] += abs(c[0]) * w.hi
            size[1] += math.sqrt(c[1] * c[1] + c[2] * c[2] + c[3] * c[3]) * w.hi
    for k in range(4):
        res[k] -= target[k]
    torque = math.sqrt(res[1] * res[1] + res[2] * res[2] + res[3] * res[3])
    tn = math.sqrt(target[1] * target[1] + target[2] * target[2] + target[3] * target[3])
    bits = ALLOCATE_TORQUE_SHORT if torque > ALLOCATE_SHORT * (tn + size[1]) else 0
    if abs(res[0]) > ALLOCATE_SHORT * (abs(target[0]) + size[0]):
        bits |= ALLOCATE_FORCE_SHORT
    return bits


def bad_input(e: EngineLayout, a: AttitudeParams, running: list[bool], target: Vec) -> bool:
    """Anything not finite among what the allocation reads, or a negative weight."""
    values = [e.thrust_max_N, a.torque_priority, *a.com_B_m, *target]
    for i in range(len(running)):
        if running[i]:
            values += [*e.position_B_m[i], *e.direction_B[i]]
    return not (finite(values) and a.torque_priority >= 0.0 and e.thrust_max_N >= 0.0)


def at_floor(lo: float, running: list[bool]) -> tuple[int, Vec]:
    """Bad input: the running engines at their floor."""
    throttle = [0.0] * ENGINE_MAX
    for i in range(len(running)):
        throttle[i] = lo if running[i] else 0.0
    return ALLOCATE_SATURATED | ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT, throttle


def allocate(
    e: EngineLayout,
    a: AttitudeParams,
    engines_ok: int,
    force_N: float,
    torque_B_Nm: Sequence[float],
) -> tuple[int, Vec, int]:
    """(ALLOCATE_* bits, throttle per engine (ENGINE_MAX), iterations)."""
    throttle = [0.0] * ENGINE_MAX
    lo, hi = e.throttle_min, e.throttle_max
    if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 <= lo <= hi):
        return ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT, throttle, 0
    n = min(len(e.position_B_m), ENGINE_MAX)
    running = [bool((engines_ok >> i) & 1) for i in range(n)]
    target = [force_N, torque_B_Nm[0], torque_B_Nm[1], torque_B_Nm[2]]
    if bad_input(e, a, running, target):
        return (*at_floor(lo, running), 0)
    w = setup(e, a, running, target)
    u = [0.5 * (lo + hi) if w.state[i] == FREE else (lo if running[i] else 0.0) for i in range(n)]
    bits, iterations = ALLOCATE_ITERATION_LIMIT, 0
    while iterations < ALLOCATE_ITERATIONS_MAX:
        iterations += 1
        if not step(w, u, free_solve(w, u)):
            j = most_violated(w, u)
            if j < 0:
                bits = 0
                break
            w.state[j] = FREE
    if not finite(u):  # huge inputs overflowed
        return (*at_floor(lo, running), iterations)
    if any(s in (FLOOR, CEILING) for s in w.state):
        bits |= ALLOCATE_SATURATED
    throttle[:n] = u
    return bits | short_bits(w, u, target), throttle, iterations
