"""The engine allocator in plain Python (test oracle).

Written to be read beside ``_allocate.pyx`` (see it for the design, and
docs/law.md, "Attitude and engines"): the same operations in the same order
on plain Python floats, so that the two agree bit for bit. The layout and the
parameters are those of ``reference_attitude.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from hilander.controller.reference_attitude import (
    ALLOCATE_FORCE_SHORT,
    ALLOCATE_ITERATION_LIMIT,
    ALLOCATE_ITERATIONS_MAX,
    ALLOCATE_SATURATED,
    ALLOCATE_TORQUE_SHORT,
    ENGINE_MAX,
    AttitudeParams,
    EngineLayout,
    Vec,
    finite,
)

# the ridge added to the 4x4 normal matrix, relative to its largest diagonal
ALLOCATE_REGULARISATION = 1e-6
# full rank (at least 4 free engines and every Cholesky pivot keeps ALLOCATE_PIVOT of
# its row's diagonal): the ridge is ALLOCATE_EXACT of each row's own diagonal
ALLOCATE_EXACT = 1e-10
ALLOCATE_PIVOT = 1e-7
# iterated-ridge passes at most (it stops when the step's change stops shrinking)
ALLOCATE_PASSES = 20
# a bound engine is freed when its gradient exceeds this share of its scale
ALLOCATE_TOLERANCE = 1e-9
# a residual above this share of its scale is short
ALLOCATE_SHORT = 1e-6


FREE, FLOOR, CEILING, OFF = 0, -1, 1, 2
# the held set, in and out of a warm start: (floor mask, ceiling mask), bit i engine i
Held = tuple[int, int]
COLD: Held = (0, 0)


@dataclass
class Work:
    """The allocator's problem: columns, weights, bounds, states (see _allocate.pyx)."""

    col: list[Vec]  # per engine: thrust_max [dir_z; (pos - com) x dir]
    b: list[Vec]  # the same, weighted: W col, W = diag(1, p, p, p)
    wt: Vec  # W [force; torque]
    lo: float
    hi: float
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
    tn = math.sqrt(wt[0] * wt[0] + wt[1] * wt[1] + wt[2] * wt[2] + wt[3] * wt[3])
    scale = tn + math.sqrt(diag[0] + diag[1] + diag[2] + diag[3])
    lo, hi = e.throttle_min, e.throttle_max
    state = [(FREE if lo < hi else FLOOR) if running[i] else OFF for i in range(n)]
    return Work(col, b, wt, lo, hi, scale, state)


def fmax(x: float, y: float) -> float:
    """C's fmax where x is not NaN."""
    return y if y > x else x


def cholesky4(w: Work, own: bool) -> tuple[list[Vec], bool]:
    """L L^T = M + diag(ridge), M the free engines' sum of b b^T (lower triangle);
    the ridge is each row's own diagonal's share (own) or the largest's; True if
    every pivot keeps ALLOCATE_PIVOT of its row's diagonal (M of full rank)."""
    m = [[0.0] * 4 for _ in range(4)]
    big = 0.0
    for k in range(4):
        for j in range(k + 1):
            s = 0.0
            for i in range(len(w.state)):
                if w.state[i] == FREE:
                    s += w.b[i][k] * w.b[i][j]
            m[k][j] = s
        big = fmax(big, m[k][k])
    full = True
    for k in range(4):
        own_k = own and m[k][k] > 0.0
        s = ALLOCATE_EXACT * m[k][k] if own_k else ALLOCATE_REGULARISATION * big
        ridge = s if big > 0.0 else 1.0
        m[k][k] += ridge
        s = m[k][k]
        for j in range(k):
            s -= m[k][j] * m[k][j]
        full = full and s > ALLOCATE_PIVOT * m[k][k]
        piv = math.sqrt(s) if s > 0.0 else math.sqrt(ridge)  # > 0 unless rounded away
        m[k][k] = piv
        for i in range(k + 1, 4):
            s = m[i][k]
            for j in range(k):
                s -= m[i][j] * m[k][j]
            m[i][k] = s / piv
    return m, full


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
    nearest to u: a ridge solve on the 4x4 normal matrix, refined until the
    step's change stops shrinking, at most ALLOCATE_PASSES."""
    n = len(w.state)
    r = residual(w, u)
    d = [0.0] * n
    full = sum(1 for s in w.state if s == FREE) >= 4
    if full:
        m, full = cholesky4(w, True)
    if not full:
        m = cholesky4(w, False)[0]
    last = math.inf
    for _ in range(ALLOCATE_PASSES):
        rhs = [0.0] * 4
        for k in range(4):
            s = -r[k]
            for i in range(n):
                if w.state[i] == FREE:
                    s -= w.b[i][k] * d[i]
            rhs[k] = s
        y = solve4(m, rhs)
        size = 0.0
        for i in range(n):
            if w.state[i] == FREE:
                bi = w.b[i]
                s = bi[0] * y[0] + bi[1] * y[1] + bi[2] * y[2] + bi[3] * y[3]
                d[i] += s
                size += s * s
        if not 0.0 < size < last:
            break
        last = size
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


def start(w: Work, held: Held) -> Vec:
    """The held set to start from (a running engine in both masks: at its floor) and
    the throttles: the held ones at their bound, the free ones at mid-throttle."""
    for i in range(len(w.state)):
        if w.state[i] == FREE and (held[0] >> i) & 1:
            w.state[i] = FLOOR
        elif w.state[i] == FREE and (held[1] >> i) & 1:
            w.state[i] = CEILING
    mid, bound = 0.5 * (w.lo + w.hi), {FREE: 0.0, FLOOR: w.lo, CEILING: w.hi, OFF: 0.0}
    return [mid if s == FREE else bound[s] for s in w.state]


def held_set(w: Work) -> Held:
    """The engines held at their floor and at their ceiling, as masks."""
    floor = sum(1 << i for i, s in enumerate(w.state) if s == FLOOR)
    return floor, sum(1 << i for i, s in enumerate(w.state) if s == CEILING)


class Seen:
    """One state after a step that held no engine (held set, throttles), renewed at powers
    of two (Brent's cycle detection): the active set is a function of its state, so if one
    comes back it repeats for ever (rounding, float32 only as measured)."""

    def __init__(self) -> None:
        self.held: Held | None = None
        self.u: Vec = []
        self.count, self.power = 0, 1

    def repeated(self, w: Work, u: Vec) -> bool:
        now = held_set(w)
        if now == self.held and all(u[i] == self.u[i] for i in range(len(u))):
            return True
        self.count += 1
        if self.count == self.power:
            self.held, self.u, self.count, self.power = now, list(u), 0, 2 * self.power
        return False


def active_set(w: Work, u: Vec) -> tuple[int, int]:
    """The active set from w's held set (design C): (0 or ALLOCATE_ITERATION_LIMIT, solves);
    0 too where the engine just freed is held again at its bound (a zero-length step) or
    on a cycle (Seen)."""
    iterations, seen, freed, side = 0, Seen(), -1, FREE
    while iterations < ALLOCATE_ITERATIONS_MAX:
        iterations += 1
        if step(w, u, free_solve(w, u)):
            if freed >= 0 and w.state[freed] == side:
                return 0, iterations
            freed = -1
            continue
        if seen.repeated(w, u):
            return 0, iterations
        j = most_violated(w, u)
        if j < 0:
            return 0, iterations
        freed, side, w.state[j] = j, w.state[j], FREE
    return ALLOCATE_ITERATION_LIMIT, iterations


def allocate_warm(
    e: EngineLayout,
    a: AttitudeParams,
    engines_ok: int,
    force_N: float,
    torque_B_Nm: Sequence[float],
    held: Held,
) -> tuple[int, Vec, int, Held]:
    """(ALLOCATE_* bits, throttle per engine (ENGINE_MAX), iterations, held set),
    the active set started from ``held`` (COLD: every engine free)."""
    throttle = [0.0] * ENGINE_MAX
    lo, hi = e.throttle_min, e.throttle_max
    if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 <= lo <= hi):
        return ALLOCATE_TORQUE_SHORT | ALLOCATE_FORCE_SHORT, throttle, 0, COLD
    n = min(len(e.position_B_m), ENGINE_MAX)
    running = [bool((engines_ok >> i) & 1) for i in range(n)]
    target = [force_N, torque_B_Nm[0], torque_B_Nm[1], torque_B_Nm[2]]
    if bad_input(e, a, running, target):
        return (*at_floor(lo, running), 0, COLD)
    w = setup(e, a, running, target)
    u = start(w, held)
    bits, iterations = active_set(w, u)
    if not finite(u):  # huge inputs overflowed
        return (*at_floor(lo, running), iterations, COLD)
    if any(s in (FLOOR, CEILING) for s in w.state):
        bits |= ALLOCATE_SATURATED
    throttle[:n] = u
    return bits | short_bits(w, u, target), throttle, iterations, held_set(w)


def allocate(
    e: EngineLayout,
    a: AttitudeParams,
    engines_ok: int,
    force_N: float,
    torque_B_Nm: Sequence[float],
) -> tuple[int, Vec, int]:
    """(ALLOCATE_* bits, throttle per engine (ENGINE_MAX), iterations): a cold start."""
    bits, throttle, iterations, _ = allocate_warm(e, a, engines_ok, force_N, torque_B_Nm, COLD)
    return bits, throttle, iterations
