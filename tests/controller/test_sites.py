"""Hazard avoidance: clearance, safe reachable sites, compiled == reference."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from hilander.controller import HazardMap, Status, _core
from hilander.controller import reference_guidance as ref
from hilander.controller.reference_search import SiteSearch
from tests.common.maps import SAFE_MAX, cost_maps, hazard_map


@st.composite
def queries(draw: st.DrawFn) -> dict[str, Any]:
    f = st.floats
    return {
        "nominal_S_m": [0.0, 0.0],
        "current_S_m": [draw(f(-60, 60)), draw(f(-60, 60))],
        "tgo_s": draw(f(3, 60)),
        "accel_divert_mps2": draw(f(0.05, 5)),
        "mass_kg": 2000.0,
        "exhaust_velocity_mps": 2157.0,
        "cost_safe_max": SAFE_MAX,
        "clearance_min_m": draw(f(0, 30)),
        "clearance_pref_m": draw(f(5, 60)),
        "divert_max_m": draw(f(10, 600)),
        "weight_clearance": draw(f(0, 2)),
        "weight_distance": draw(f(0, 2)),
        "weight_propellant": draw(f(0, 2)),
        "propellant_scale_kg": 20.0,
    }


def euclidean_clearance(cost: np.ndarray, cell: float) -> np.ndarray:
    """Exact distance between cell centres to the nearest unsafe cell or off-map cell."""
    n = cost.shape[0]
    idx = np.arange(n)
    unsafe = [(i, j) for i in range(n) for j in range(n) if cost[i, j] >= SAFE_MAX]
    unsafe += [(i, j) for i in range(-1, n + 1) for j in (-1, n)]
    unsafe += [(i, j) for i in (-1, n) for j in range(n)]
    pts = np.array(unsafe, dtype=float)
    ii, jj = np.meshgrid(idx, idx, indexing="ij")
    d = np.hypot(ii[..., None] - pts[:, 0], jj[..., None] - pts[:, 1]).min(axis=-1)
    return np.where(cost < SAFE_MAX, d, 0.0) * cell


def reachable(m: HazardMap, q: dict[str, Any]) -> np.ndarray:
    n = m.cells
    ok = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(n):
            x, y = m.cell_center_S_m(i, j)
            d = math.hypot(x - q["current_S_m"][0], y - q["current_S_m"][1])
            ok[i, j] = d <= q["divert_max_m"] and 6 * d <= q["accel_divert_mps2"] * q["tgo_s"] ** 2
    return ok


@given(cost_maps(), st.floats(1.0, 10.0))
def test_chamfer_clearance_is_within_6_percent_of_euclidean(cost: np.ndarray, cell: float) -> None:
    """3-4 chamfer: dx + dy/3 for dx >= dy, between 0.943 and 1.054 of Euclidean."""
    chamfer = np.array(_core.py_clearance(cost.tolist(), cell, SAFE_MAX))
    exact = euclidean_clearance(cost, cell)
    assert np.all(chamfer >= exact * 0.9428 - 1e-5)
    assert np.all(chamfer <= exact * 1.0541 + 1e-5)


@given(cost_maps(), queries())
def test_never_a_hazard_when_a_safe_reachable_site_exists(
    cost: np.ndarray, q: dict[str, Any]
) -> None:
    m = hazard_map(cost)
    site, status = _core.py_select_site(cost.tolist(), cost.tolist(), 8.0, m.origin_S_m, q)
    can = reachable(m, q)
    if (can & (cost < SAFE_MAX)).any():
        assert site is not None
        j = int((site[0] - m.origin_S_m[0]) // 8.0)
        i = int((site[1] - m.origin_S_m[1]) // 8.0)
        assert cost[i, j] < SAFE_MAX and can[i, j]
        assert not status & Status.NO_SAFE_SITE
    elif can.any():
        assert status & Status.NO_SAFE_SITE
    else:
        assert site is None


def test_prefers_a_clear_site_over_a_cramped_one() -> None:
    """A one-cell hole in a rock field at the target loses to open ground farther off."""
    cost = np.ones((16, 16), dtype=np.float32)
    cost[8, 8] = 0.0  # the hole, at the nominal target
    cost[:, 12:] = 0.0  # open ground to the east
    q = {
        "nominal_S_m": [0.0, 0.0],
        "current_S_m": [0.0, 0.0],
        "tgo_s": 30.0,
        "accel_divert_mps2": 5.0,
        "mass_kg": 2000.0,
        "exhaust_velocity_mps": 2157.0,
        "cost_safe_max": SAFE_MAX,
        "clearance_min_m": 12.0,
        "clearance_pref_m": 30.0,
        "divert_max_m": 600.0,
        "weight_clearance": 1.0,
        "weight_distance": 1.0,
        "weight_propellant": 1.0,
        "propellant_scale_kg": 20.0,
    }
    m = hazard_map(cost)
    site, status = _core.py_select_site(cost.tolist(), cost.tolist(), 8.0, m.origin_S_m, q)
    assert site is not None and site[0] > 8 * 12 - 64
    assert not status


@given(cost_maps(), queries())
def test_compiled_equals_reference(cost: np.ndarray, q: dict[str, Any]) -> None:
    m = hazard_map(cost)
    elevation = m.elevation_m.tolist()
    site, status = _core.py_select_site(cost.tolist(), elevation, 8.0, m.origin_S_m, q)
    r_site, no_safe = ref.select_site(
        m, ref.SiteQuery(**{k: tuple(v) if isinstance(v, list) else v for k, v in q.items()})
    )
    assert site == r_site
    assert bool(status & Status.NO_SAFE_SITE) == no_safe


@given(cost_maps(), queries(), st.integers(1, 80))
def test_the_search_spread_over_steps_finds_the_one_shot_site(
    cost: np.ndarray, q: dict[str, Any], rows_per_step: int
) -> None:
    """The search cut into steps of `rows_per_step` rows of work (compiled and
    reference) ends on step ceil(3 n / rows) with the one-shot reference's
    site, bit for bit."""
    m = hazard_map(cost)
    query = ref.SiteQuery(**{k: tuple(v) if isinstance(v, list) else v for k, v in q.items()})
    r_site, no_safe = ref.select_site(m, query)
    search = SiteSearch(m, query)
    steps = 1
    while not search.advance(rows_per_step):
        steps += 1
    assert search.result() == (r_site, no_safe)
    assert steps == max(1, math.ceil(3 * m.cells / rows_per_step))
    elevation = m.elevation_m.tolist()
    c = _core.py_search_site(cost.tolist(), elevation, 8.0, m.origin_S_m, q, rows_per_step)
    assert c[0] == r_site and bool(c[1] & Status.NO_SAFE_SITE) == no_safe and c[2] == steps
