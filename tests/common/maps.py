"""Random hazard maps for the site search's property tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from hilander.controller import HazardMap

SAFE_MAX = 0.03  # site_cost_safe_max of the tests


@st.composite
def cost_maps(draw: st.DrawFn) -> np.ndarray:
    """A square cost map of 6-24 cells, a random share of them hazards."""
    n = draw(st.sampled_from([6, 8, 12, 16, 24]))
    density = draw(st.floats(0.0, 0.9))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    cost = np.where(rng.random((n, n)) < density, rng.uniform(0.03, 1.0, (n, n)), 0.0)
    return cost.astype(np.float32)


def hazard_map(cost: np.ndarray, cell: float = 8.0) -> HazardMap:
    """The map of ``cost``, flat, centred on the origin."""
    n = cost.shape[0]
    return HazardMap(cost, np.zeros_like(cost), cell, (-n * cell / 2, -n * cell / 2))
