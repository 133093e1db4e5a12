"""Pure-Python reference of convex guidance (test oracle of ``_plan.pyx`` and
``_track.pyx``, ``hl_plan.c`` and ``hl_track.c``): the fuel-optimal plan to
the approach gate, replanned, and the feedback that tracks it.

With ``guidance = "convex"`` the powered approach flies a plan of the convex
solver (``reference_convex``): from its first step, the final-time search
from the navigation state to the gate over the site, its optimum flown
TIME_MARGIN longer; every ``replan_period_s`` after, until ``tgo_freeze_s``
before the gate, the fixed-time problem from the state of the moment with
the time left (STRETCH longer, up to STRETCHES times, when none flies in
it), warm-started from the last solve. Between replans the law tracks the plan:
the plan's acceleration of the interval flown, plus a feedback on the
difference between the plan's state at this time (the plan's start state
carried through the held accelerations, exactly) and the navigation's.

A retarget (a site search that ends) throws the plan away: the next step
searches again to the new site; if none reaches it, to the site the search
left, when a plan reached that one and the map shows its cell safe
(``PlanState.kept``): the site goes back to it, and the step says
STATUS_PLAN_INFEASIBLE. No solve runs while a site search is under
way (the firmware's solver works in the search's buffer), and a search that
starts makes the next solve cold. A replan that finds no plan keeps the plan
in hand and sets STATUS_PLAN_INFEASIBLE on that step.

The stage turns its thrust axis at ``slew_rate_max_radps``, and a plan may
turn faster where its thrust is small (a coast at the floor before a
braking burn: the rate rows bound the horizontal thrust, not its
direction). So a coast's command is turned early (``anticipate_turn``)
toward a later interval it could not otherwise reach in time.

A first search that finds no plan (INFEASIBLE) flies the least miss
(``fallback_plan``, Blackmore et al. 2010): its end becomes the site, and
the bit is set on every step after (and while the searches after the
first run on in slices: ``PlanState.unreached``); its end on a cell the
last hazard map does not show safe gives way to the nearest safe cell a
plan reaches (``to_safe_cell``). If no plan lands within ``miss_max_m`` of
the site, the Apollo law flies (the bit on every step) until a site search ends: then
convex guidance plans again (``PlanState.leave``).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from hilander.controller.config import LawConfig
from hilander.controller.interface import HazardMap, SensorFrame
from hilander.controller.reference_convex import (
    INFEASIBLE,
    ConvexProblem,
    Plan,
    Sliced,
    Steps,
    Workspace,
    solve_fixed_steps,
)
from hilander.controller.reference_cvx_search import solve_free_steps
from hilander.controller.reference_search import nearest_safe_cell
from hilander.controller.reference_throttle import thrust_rated_N

G0 = 9.80665  # standard gravity for Isp [m/s^2]
# The first plan flies this much longer than the search's optimum: the
# fuel-optimal time sits at the edge of the shortest feasible one, where the
# first replans would find none; 4 % longer costs 1-2 % more propellant.
TIME_MARGIN = 1.04
# The plan points its thrust within this fraction of tilt_max_rad: the rest is
# the feedback's, which the throttle stage clips to the tilt limit first.
PLAN_TILT = 0.9
STRETCH = 1.08  # a replan with no plan in the time left tries this much longer,
STRETCHES = 3  # up to this many times (chosen by measurement, docs/law.md)
# The fallback (no plan reaches the site): bisection steps on the radius of
# the target disc (to miss_max_m / 2^MISS_STEPS), and how much farther than
# the least miss found it lands, so that its replans have slack.
MISS_STEPS = 7
MISS_MARGIN = 1.1
# A command under this many times the thrust floor's acceleration is a
# coast's, turned early toward a later burn (``anticipate_turn``); a burn's,
# or a correction's, is flown as it is.
COAST = 1.5


@dataclass
class PlanState:
    """The plan flown, and what replanning needs."""

    valid: bool = False  # a plan is in hand
    failed: bool = False  # no plan lands within miss_max_m: the Apollo law flies
    missed: bool = False  # no plan reaches the site: the fallback's flies
    dry_mass_kg: float = 0.0  # the plan's: the mass estimate at the law's start less the load
    start_s: float = 0.0  # the time the plan starts from
    time_of_flight_s: float = 0.0
    nodes: int = 0
    position_m: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])  # at start_s
    velocity_mps: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    accel_mps2: list[list[float]] = field(default_factory=list)  # held over each interval
    next_replan_s: float = 0.0
    ws: Workspace = field(default_factory=Workspace)  # the last solve's iterate
    job: Sliced[bool] | None = None  # the replan under way (``replan``), if any
    kept: list[float] | None = None  # the site a site search left (``leave``)
    unreached: bool = False  # the job (if any) found no plan to the site and searches on

    def leave(self, site_S_m: list[float], new: list[float], here_tier: int) -> None:
        """A site search ended (``new``: the site it chose): plan again (after
        a failure too), and keep the site it leaves (to fly to if no plan
        reaches the new one) when a plan to it was in hand and the map shows
        its cells safe (tier 0 or 1, below ``site_cost_safe_max``)."""
        keep = self.valid and not self.missed and 0 <= here_tier <= 1 and new != site_S_m
        self.kept, self.valid, self.failed = (list(site_S_m) if keep else None), False, False


def gate_target(p: LawConfig, site_S_m: list[float]) -> list[float]:
    return [site_S_m[0], site_S_m[1], site_S_m[2] + p.gate_altitude_m]


def retarget(p: LawConfig, q: ConvexProblem, site_S_m: list[float]) -> ConvexProblem:
    """q to the gate over another site."""
    rf = gate_target(p, site_S_m)
    return dataclasses.replace(q, target_position_m=(rf[0], rf[1], rf[2]), floor_z_m=rf[2])


def convex_problem(
    p: LawConfig, pl: PlanState, site_S_m: list[float], f: SensorFrame
) -> ConvexProblem:
    """The fuel-optimal problem from the navigation state to the gate, its
    propellant what the law books (``PlanState.dry_mass_kg``) less the reserve."""
    rated = thrust_rated_N(p, f.engines_active)
    rf = gate_target(p, site_S_m)
    r, v = f.nav_position_S_m, f.nav_velocity_S_mps
    return ConvexProblem(
        position_m=(r[0], r[1], r[2]),
        velocity_mps=(v[0], v[1], v[2]),
        mass_kg=max(f.mass_estimate_kg, 1.0),
        target_position_m=(rf[0], rf[1], rf[2]),
        target_velocity_mps=(0.0, 0.0, -p.gate_speed_mps),
        gravity_mps2=p.gravity_mps2,
        thrust_min_N=p.throttle_min * rated,
        thrust_max_N=p.plan_throttle_max * (p.throttle_max * rated),
        alpha_s_per_m=1.0 / (p.isp_s * G0 * math.cos(p.cant_rad)),
        dry_mass_kg=pl.dry_mass_kg + p.plan_reserve_kg,
        cos_tilt_max=math.cos(PLAN_TILT * p.tilt_max_rad),
        tan_glide_slope=math.tan(p.plan_glide_slope_rad),
        floor_z_m=rf[2],
        nodes=p.plan_nodes,
        slew_rate_radps=p.slew_rate_max_radps,
    )


def time_to_go_s(pl: PlanState, t: float) -> float:
    return pl.start_s + pl.time_of_flight_s - t


def replan(
    p: LawConfig, pl: PlanState, site_S_m: list[float], f: SensorFrame, m: HazardMap | None = None
) -> Steps[bool]:
    """Solve from this step's state at the time left, or if none flies in it
    a little longer (searching the final time if no plan is in hand, and if
    that finds none, the fallback's); adopt the plan unless INFEASIBLE (then
    the plan in hand flies on). True if a plan to the site was adopted (not
    to the site a search left: ``PlanState.kept``). In
    units of solver work: the plan adopted starts from f, the step it began
    on, however many steps later it ends."""
    f = dataclasses.replace(f, hazard_map=None)  # the step it began on, kept
    q, pl.unreached = convex_problem(p, pl, site_S_m, f), False
    if pl.valid:
        tf = time_to_go_s(pl, f.time_s)
        plan = yield from solve_fixed_steps(q, tf, pl.ws)
        for _ in range(STRETCHES):  # not in the time left: a little longer
            if plan.status != INFEASIBLE:
                break
            tf *= STRETCH
            plan = yield from solve_fixed_steps(q, tf, pl.ws)
    else:
        pl.missed, kept, pl.kept = False, pl.kept, None
        plan = yield from first_plan(q, pl)
        pl.unreached = plan.status == INFEASIBLE  # said while the rest searches on
        if plan.status == INFEASIBLE and kept is not None:  # the site the search left
            again = yield from first_plan(retarget(p, q, kept), pl)
            if again.status != INFEASIBLE:
                pl.next_replan_s, site_S_m[:] = f.time_s + p.replan_period_s, kept
                adopt(pl, again, f)
                return False  # no plan to the site the search chose
    pl.next_replan_s = f.time_s + p.replan_period_s
    if plan.status != INFEASIBLE:
        adopt(pl, plan, f)
        return True
    if not pl.valid:
        yield from miss(p, pl, site_S_m, f, m)
    return False


def miss(
    p: LawConfig, pl: PlanState, site_S_m: list[float], f: SensorFrame, m: HazardMap | None
) -> Steps[None]:
    """The fallback's plan adopted, if one lands within ``miss_max_m``: its end
    is the site now (or the safe cell of the map m nearest it,
    ``to_safe_cell``). The ground there is taken level with the ground under
    the vehicle (the radar's, if valid: a map it has not seen tells no more)."""
    ground = f.nav_position_S_m[2] - f.radar_altitude_m if f.radar_altitude_valid else site_S_m[2]
    q = convex_problem(p, pl, [site_S_m[0], site_S_m[1], ground], f)
    plan, lo = yield from fallback_plan(miss_max_m(p, q), q, pl)
    if plan.status == INFEASIBLE:
        return
    adopt(pl, plan, f)
    pl.missed, pl.ws = True, Workspace()  # its iterate is of the disc's rows
    end = plan_state(pl, p.gravity_mps2, pl.start_s + pl.time_of_flight_s)[0]
    aim, site_S_m[:] = site_S_m[:2], [end[0], end[1], ground]
    if m is not None:
        yield from to_safe_cell(p, pl, site_S_m, f, m, (aim[0], aim[1], lo))


def to_safe_cell(
    p: LawConfig,
    pl: PlanState,
    site_S_m: list[float],
    f: SensorFrame,
    m: HazardMap,
    unreached: tuple[float, float, float],
) -> Steps[None]:
    """The least miss ends on a cell the map does not show safe: the plan
    to the nearest safe cell instead (no glide slope, as the least miss's),
    if one reaches it; else the least miss flies on. unreached: (x, y, r),
    the disc about the site no plan reaches (the bisection's, ``lo``),
    whose cells are passed over."""
    cell = nearest_safe_cell(
        m, p.site_cost_safe_max, p.site_clearance_min_m, site_S_m[0], site_S_m[1], unreached
    )
    if cell is None:
        return
    q = convex_problem(p, pl, list(cell), f)
    plan = yield from first_plan(dataclasses.replace(q, tan_glide_slope=0.0), pl)
    if plan.status != INFEASIBLE:
        adopt(pl, plan, f)
        pl.ws, site_S_m[:] = Workspace(), list(cell)  # its iterate: of no glide slope


def first_plan(q: ConvexProblem, pl: PlanState) -> Steps[Plan]:
    """The search's optimum, flown TIME_MARGIN longer (the optimum itself if
    that finds none)."""
    best, _ = yield from solve_free_steps(q)
    pl.ws = Workspace()  # the search's iterate is of another final time
    if best.status == INFEASIBLE:
        return best
    plan = yield from solve_fixed_steps(q, best.time_of_flight_s * TIME_MARGIN, pl.ws)
    return best if plan.status == INFEASIBLE else plan


def miss_max_m(p: LawConfig, q: ConvexProblem) -> float:
    """The fallback's widest disc: the vehicle's distance from the site across
    the ground, plus its drift in a fall to the target's height, plus
    divert_max_m."""
    dx, dy = q.position_m[0] - q.target_position_m[0], q.position_m[1] - q.target_position_m[1]
    vx, vy, vz = q.velocity_mps
    h, g = max(q.position_m[2] - q.target_position_m[2], 0.0), q.gravity_mps2
    fall_s = (vz + math.sqrt(vz * vz + 2.0 * g * h)) / g
    return math.sqrt(dx * dx + dy * dy) + math.sqrt(vx * vx + vy * vy) * fall_s + p.divert_max_m


def fallback_plan(
    radius_max_m: float, q: ConvexProblem, pl: PlanState
) -> Steps[tuple[Plan, float]]:
    """The least miss (Blackmore, Acikmese & Scharf, JGCD 33(4), 2010: its
    two steps as one bisection): the least radius of the target disc about
    the site within which the final-time search finds a plan, to
    radius_max_m / 2^MISS_STEPS; the plan flown is ``first_plan``'s to the
    disc MISS_MARGIN times wider. No glide slope (its cone is about the
    site). INFEASIBLE if none lands within radius_max_m. With the plan, the
    largest radius of the bisection's discs with no plan (0: none)."""
    wide = dataclasses.replace(q, target_radius_m=radius_max_m, tan_glide_slope=0.0)
    plan, _ = yield from solve_free_steps(wide)
    if plan.status == INFEASIBLE:
        return plan, 0.0
    lo, hi = 0.0, radius_max_m
    for _ in range(MISS_STEPS):
        mid = 0.5 * (lo + hi)
        plan, _ = yield from solve_free_steps(dataclasses.replace(wide, target_radius_m=mid))
        lo, hi = (mid, hi) if plan.status == INFEASIBLE else (lo, mid)
    radius = min(hi * MISS_MARGIN, radius_max_m)
    return (yield from first_plan(dataclasses.replace(wide, target_radius_m=radius), pl)), lo


def adopt(pl: PlanState, plan: Plan, f: SensorFrame) -> None:
    pl.valid, pl.start_s = True, f.time_s
    pl.time_of_flight_s, pl.nodes = plan.time_of_flight_s, len(plan.accel_mps2)
    pl.position_m = list(f.nav_position_S_m)
    pl.velocity_mps = list(f.nav_velocity_S_mps)
    pl.accel_mps2 = [[float(u) for u in row] for row in plan.accel_mps2]


def interval_at(pl: PlanState, t: float) -> tuple[float, float, int]:
    """(interval length, time into the plan clamped to it, interval flown) at t."""
    dt = pl.time_of_flight_s / pl.nodes
    tau = min(max(t - pl.start_s, 0.0), pl.time_of_flight_s)
    return dt, tau, min(int(tau / dt), pl.nodes - 1)


def plan_state(pl: PlanState, g: float, t: float) -> tuple[list[float], list[float], list[float]]:
    """(position, velocity, held acceleration) of the plan at time t (clamped
    to the plan): the start state carried through the held accelerations."""
    dt, tau, k = interval_at(pl, t)
    r, v = list(pl.position_m), list(pl.velocity_mps)
    for j in range(k + 1):
        h = dt if j < k else tau - k * dt
        for i in range(3):
            a = pl.accel_mps2[j][i] - (g if i == 2 else 0.0)
            r[i] += v[i] * h + 0.5 * a * h * h
            v[i] += a * h
    return r, v, pl.accel_mps2[k]


def track(p: LawConfig, pl: PlanState, f: SensorFrame) -> tuple[list[float], float]:
    """The plan's acceleration now plus the feedback toward its state (a coast's
    turned early toward where the plan goes), and the vertical acceleration
    the throttle stage may raise to on the tilt limit: the plan's while the
    feedback's vertical part is downward (no climbing away), else any."""
    r, v, u = plan_state(pl, p.gravity_mps2, f.time_s)
    kp, kv = p.plan_position_gain_per_s2, p.plan_velocity_gain_per_s
    n, w = f.nav_position_S_m, f.nav_velocity_S_mps
    a = [u[i] + kp * (r[i] - n[i]) + kv * (v[i] - w[i]) for i in range(3)]
    raise_max = u[2] if kp * (r[2] - n[2]) + kv * (v[2] - w[2]) < 0.0 else math.inf
    floor_mps2 = p.throttle_min * thrust_rated_N(p, f.engines_active) / max(f.mass_estimate_kg, 1.0)
    if _norm(a) >= COAST * floor_mps2:
        return a, raise_max  # a burn's, or a correction's: flown as it is
    return anticipate_turn(p.slew_rate_max_radps, pl, f.time_s, a), raise_max


def anticipate_turn(rate: float, pl: PlanState, t: float, a: list[float]) -> list[float]:
    """``a`` turned toward the later plan interval it reaches latest at the
    stage's turn rate: by the largest excess, over the intervals j after
    this one, of the angle between ``a`` and the interval's acceleration
    over the rate times the time to the interval's start (none past a half
    turn away); in the plane of the two, its length kept."""
    if rate <= 0.0:
        return a
    dt, _, k = interval_at(pl, t)
    excess, late = 0.0, -1
    for j in range(k + 1, pl.nodes):
        lead = pl.start_s + j * dt - t
        if rate * lead >= math.pi:
            break
        e = angle_between(a, pl.accel_mps2[j]) - rate * lead
        if e > excess:
            excess, late = e, j
    return a if late < 0 else turn_toward(a, pl.accel_mps2[late], excess)


def angle_between(a: list[float], b: list[float]) -> float:
    na, nb = _norm(a), _norm(b)
    if na <= 0.0 or nb <= 0.0:
        return 0.0
    return math.acos(min(max((a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (na * nb), -1.0), 1.0))


def turn_toward(a: list[float], b: list[float], phi: float) -> list[float]:
    """``a`` turned by ``phi`` toward ``b`` in their plane, its length kept
    (unchanged along ``b`` or against it: no plane to turn in)."""
    na, nb = _norm(a), _norm(b)
    u = [a[i] / na for i in range(3)]
    c = (u[0] * b[0] + u[1] * b[1] + u[2] * b[2]) / nb
    w = [b[i] / nb - c * u[i] for i in range(3)]
    nw = _norm(w)
    if nw <= 1e-9:
        return a
    return [na * (math.cos(phi) * u[i] + math.sin(phi) * w[i] / nw) for i in range(3)]


def _norm(x: list[float]) -> float:
    return math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2])


def fly_plan(
    p: LawConfig,
    pl: PlanState,
    may_solve: bool,
    site_S_m: list[float],
    f: SensorFrame,
    m: HazardMap | None = None,
) -> tuple[list[float] | None, float, bool]:
    """The plan's acceleration now (None: no plan, the Apollo law flies), the
    raise's bound (``track``), and False if a replan ended this step with no
    plan to the site, or found none to it and searches on (the least miss,
    the site a search left), or the fallback's plan flies. A replan starts
    when due and runs its units while they fit in ``plan_iterations_per_tick``
    a step (one at least; 0: to its end on the step it starts); the plan in
    hand flies meanwhile. A site search holding the buffer ends it."""
    if not may_solve:
        pl.job = None
    tgo = time_to_go_s(pl, f.time_s)
    due = not pl.valid or (f.time_s >= pl.next_replan_s and tgo > p.tgo_freeze_s)
    found = True
    if pl.job is None and due and may_solve:
        pl.job = Sliced(replan(p, pl, site_S_m, f, m))
    if pl.job is not None:
        done, adopted = pl.job.advance(p.plan_iterations_per_tick)
        if done:
            pl.job, found = None, bool(adopted)
            pl.failed = not pl.valid
    found = found and not pl.missed and not (pl.job is not None and pl.unreached)
    a, raise_max = track(p, pl, f) if pl.valid else (None, 0.0)
    return a, raise_max, found
