"""The least miss keeps to the map's safe cells: a least miss whose end lies
on a cell the last hazard map does not show safe gives way to the nearest
safe cell, when a plan reaches it (design D in controller/_plan.pyx, F in
controller/_sites.pyx). The cell's safety is the site search's own tier 0,
found without the transform: held here against the transform itself, the
reference against the compiled copy; and a landing whose least miss ends
off the safe cells. The C copy is held to the compiled one by the law's
back-to-back tests (tests/firmware/test_law_back_to_back.py,
``safe-cell+convex``)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from hilander.controller import CompiledLaw, HazardMap, _core
from hilander.controller import reference_guidance as ref
from hilander.controller.reference_search import SAFE_CELLS, nearest_safe_cell
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from tests.common.maps import SAFE_MAX, cost_maps

CELL_M = 8.0  # the MSL preset's cells
DATA = Path(__file__).parents[1] / "data"
NO_DISC = (0.0, 0.0, -1.0)


def oracle(
    m: HazardMap, clearance_min_m: float, x: float, y: float, disc: tuple[float, float, float]
) -> tuple[float, ...] | None:
    """The nearest cell of tier 0 by the search's own clearance transform,
    out of the disc (x, y, radius)."""
    clearance = ref.clearance_transform(m, SAFE_MAX)
    c = m.cell_size_m

    def safe(i: int, j: int) -> bool:
        return float(m.cost[i, j]) < SAFE_MAX and clearance[i][j] >= clearance_min_m

    def out(cx: float, cy: float) -> bool:
        return disc[2] < 0.0 or math.hypot(cx - disc[0], cy - disc[1]) > disc[2]

    n = m.cells
    i, j = math.floor((y - m.origin_S_m[1]) / c), math.floor((x - m.origin_S_m[0]) / c)
    if not (0 <= i < n and 0 <= j < n) or safe(i, j):
        return None
    near = [
        (math.hypot(cx - x, cy - y), a, b)
        for a in range(n)
        for b in range(n)
        if max(abs(a - i), abs(b - j)) <= SAFE_CELLS and safe(a, b)
        for cx, cy in [m.cell_center_S_m(a, b)]
        if out(cx, cy)
    ]
    if not near:
        return None
    _, a, b = min(near)
    return (*m.cell_center_S_m(a, b), float(m.elevation_m[a, b]))


@given(
    cost_maps(),
    st.sampled_from([0.5, 2.0, 8.0, 10.0, 40.0]),
    st.floats(0.0, 3.0),
    st.floats(-0.1, 1.1),
    st.floats(-0.1, 1.1),
    st.floats(-1.0, 0.5),
)
@example(np.zeros((8, 8), dtype=np.float32), 8.0, 1.5, 0.5, 0.5, -1.0)  # all safe: its own
@example(np.ones((8, 8), dtype=np.float32), 8.0, 0.0, 0.5, 0.5, -1.0)  # all hazard: none
@example(  # a hazard two cells south of the nearest cell: exactly the clearance, 16 m
    np.where(np.arange(144).reshape(12, 12) == 3 * 12 + 5, 1.0, 0.0).astype(np.float32),
    8.0,
    2.0,
    5.5 / 12,
    4.5 / 12,
    -1.0,
)
def test_the_nearest_safe_cell_is_the_searchs_tier_0_nearest(
    cost: np.ndarray, cell_m: float, clearances: float, u: float, v: float, disc: float
) -> None:
    """At (u, v) of the map's width from its south-west corner (off it at
    either end), clearance_min_m a number of cells, a disc about the map's
    centre of up to half its width passed over (none if negative); the map
    off the origin by a third of a cell."""
    side_m = cost.shape[0] * cell_m
    origin = (-side_m / 2 + cell_m / 3, -side_m / 2 - cell_m / 3)
    elevation_m = np.arange(cost.size, dtype=np.float32).reshape(cost.shape)
    m = HazardMap(cost, elevation_m, cell_m, origin)
    x, y = origin[0] + side_m * u, origin[1] + side_m * v
    unreached = (0.0, 0.0, disc * side_m)
    clearance_min_m = clearances * cell_m
    want = oracle(m, clearance_min_m, x, y, unreached)
    got = nearest_safe_cell(m, SAFE_MAX, clearance_min_m, x, y, unreached)
    compiled = _core.py_nearest_safe_cell(
        cost.tolist(),
        elevation_m.tolist(),
        cell_m,
        origin,
        SAFE_MAX,
        clearance_min_m,
        x,
        y,
        unreached,
    )
    if want is not None and got is not None:  # ties in distance: either is the nearest
        assert math.hypot(got[0] - x, got[1] - y) == math.hypot(want[0] - x, want[1] - y)
    else:
        assert got == want
    assert compiled == got


def test_a_least_miss_ending_off_the_safe_cells_flies_to_the_nearest_safe_cell() -> None:
    """tests/data/safe-cell.toml (run 165 of benchmarks/convex/wide-2x.toml):
    the map's search at 11.3 s moves the site to a cell no plan reaches, and
    the least miss toward it ends at (-38.8, -66.7) m, on a cell the map
    does not show safe. The plan flies to the safe cell nearest that end,
    centred on (-36, -60) m: the site is a cell's centre, and the plan flown
    to it is still the least miss's (no plan reached the search's cell). It
    touches down off any hazard, 5.0 m from the site (0.6 m outside its
    cell: the terminal descent does not close the last metres)."""
    law = CompiledLaw()
    summary = summarize(fly(load_scenario(str(DATA / "safe-cell.toml")), law))
    assert summary.verdict == "pass", summary.violations
    assert summary.site.position_m == (-36.0, -60.0), "the safe cell nearest the least miss's end"
    index = [(float(v) + 256.0) / CELL_M - 0.5 for v in summary.site.position_m]
    assert index == [round(v) for v in index], "the site is a cell's centre (64 cells of 8 m)"
    assert law._core.state_dict()["plan"]["missed"], "the least miss's plan, to the safe cell"
    assert summary.touchdown is not None and not summary.touchdown.on_hazard


def test_the_landing_that_ended_by_a_hazard_lands_on_the_site_the_search_left() -> None:
    """tests/data/hazard-end.toml (run 3934 of wide-2x.toml): the map's
    search at 29.3 s moved the site to a cell no plan reaches, and the least
    miss toward it ended by a hazard, and touched down on it (then, with the
    nearest safe cell, landed on that cell). With the raise kept to the
    plan's vertical while above the plan, a plan reaches the site the search
    left (the target), and it lands 1.5 m from it."""
    summary = summarize(fly(load_scenario(str(DATA / "hazard-end.toml"))))
    assert summary.verdict == "pass", summary.violations
    assert summary.site.distance_to_target_m == 0.0, "the site the search left"
    assert summary.touchdown is not None and summary.touchdown.distance_to_site_m < 5.0
