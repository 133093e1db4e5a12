"""Pure-Python reference of the convex solver's final-time search (test oracle
of ``_cvx_search.pyx`` and ``hl_cvx_search.c``): a log grid of
``time_grid`` points over [time_min, time_max], then golden section in the
best bracket, each solve warm-started from the last and cut at
``search_iterations_max``; see ``search_cost`` for what it minimises. In the
units of work of its solves (``reference_convex.Steps``), so that the law
can spread it over control steps; ``solve_free_time`` runs it to the end.
"""

from __future__ import annotations

import dataclasses

from hilander.controller.reference_convex import (
    CONVERGED,
    DEFAULTS,
    INFEASIBLE,
    INV_PHI,
    ConvexProblem,
    Plan,
    SolverSettings,
    Steps,
    Workspace,
    finish,
    solve_fixed_steps,
)

UNCONVERGED = 1.0e9  # [kg] the search's cost of a plan that has not converged, times 1 + residual


def search_cost(plan: Plan) -> float:
    """What the final-time search minimises: the propellant of a plan that
    converged or stopped at the bound within ten times the tolerance (a
    flyable plan: a solve cut at search_iterations_max near the optimum
    stops there, and counted as infeasible it would push the search away
    from the optimum); above any of those, the residual of an infeasible
    one (so that a search whose grid misses a narrow feasible window still
    moves toward it). The plan returned is still a converged one."""
    return plan.propellant_kg if plan.status != INFEASIBLE else UNCONVERGED * (1.0 + plan.residual)


def solve_free_time(p: ConvexProblem, st: SolverSettings = DEFAULTS) -> tuple[Plan, int]:
    """``solve_free_steps`` run to the end."""
    return finish(solve_free_steps(p, st))


def solve_free_steps(p: ConvexProblem, st: SolverSettings = DEFAULTS) -> Steps[tuple[Plan, int]]:
    """The best final time: a log grid, then golden section in the best
    bracket, each solve warm-started from the last and cut at
    ``search_iterations_max`` (the optimum sits near the shortest feasible
    time, where ADMM is slow). Returns the converged plan of least
    propellant (if none, the least residual's final time solved again with
    ``iterations_max``) and the iterations spent; in its solves' units."""
    ws, search = Workspace(), dataclasses.replace(st, iterations_max=st.search_iterations_max)
    tried: list[Plan] = []

    def cost(tf: float) -> Steps[float]:
        plan = yield from solve_fixed_steps(p, tf, ws, search)
        tried.append(plan)
        return search_cost(plan)

    ratio = (st.time_max_s / st.time_min_s) ** (1.0 / (st.time_grid - 1))
    grid = [st.time_min_s * ratio**i for i in range(st.time_grid)]
    costs: list[float] = []
    for tf in grid:  # (no yield in a comprehension)
        costs.append((yield from cost(tf)))
    best = min(range(st.time_grid), key=lambda i: costs[i])
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, st.time_grid - 1)]
    a, b = hi - INV_PHI * (hi - lo), lo + INV_PHI * (hi - lo)
    fa = yield from cost(a)
    fb = yield from cost(b)
    for _ in range(st.golden_steps):
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - INV_PHI * (hi - lo)
            fa = yield from cost(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + INV_PHI * (hi - lo)
            fb = yield from cost(b)
    spent = sum(t.iterations for t in tried)
    converged = [t for t in tried if t.status == CONVERGED]
    if converged:
        return min(converged, key=lambda t: t.propellant_kg), spent
    final = yield from solve_fixed_steps(p, min(tried, key=_residual).time_of_flight_s, ws, st)
    return final, spent + final.iterations


def _residual(plan: Plan) -> float:
    return plan.residual
