"""Terrain: seeded, grounded at the target, hazards where the rover cannot land."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from hilander.sim import terrain
from hilander.sim.scenario import Scenario
from hilander.sim.terrain import generate_terrain, sense_hazard_map, truth_cost_map


def test_same_seed_same_terrain_other_seed_other_terrain(default_scenario: Scenario) -> None:
    s = default_scenario
    a = generate_terrain(s.terrain, s.vehicle, 11)
    terrain._terrain.cache_clear()
    b = generate_terrain(s.terrain, s.vehicle, 11)
    c = generate_terrain(s.terrain, s.vehicle, 12)
    assert np.array_equal(a.relief_m, b.relief_m) and np.array_equal(a.hazard, b.hazard)
    assert not np.array_equal(a.relief_m, c.relief_m)


def test_a_heavier_vehicle_reuses_the_cached_terrain(default_scenario: Scenario) -> None:
    """A campaign that disperses masses must not pay for a new terrain each run."""
    s = default_scenario
    heavier = dataclasses.replace(s.vehicle, rover_mass_kg=s.vehicle.rover_mass_kg * 1.05)
    assert generate_terrain(s.terrain, heavier, 11) is generate_terrain(s.terrain, s.vehicle, 11)


def test_ground_at_the_nominal_target_is_zero(default_scenario: Scenario) -> None:
    t = generate_terrain(default_scenario.terrain, default_scenario.vehicle, 3)
    assert t.height_m(0.0, 0.0) == pytest.approx(0.0, abs=1e-12)


def test_every_tall_rock_and_steep_slope_is_a_hazard(default_scenario: Scenario) -> None:
    v = default_scenario.vehicle
    t = generate_terrain(default_scenario.terrain, v, 5)
    assert t.hazard[t.rock_height_m > v.rover_rock_height_max_m].all()
    assert t.hazard[t.slope_rad > v.rover_slope_max_rad].all()
    safe = ~t.hazard
    assert (t.rock_height_m[safe] <= v.rover_rock_height_max_m).all()
    assert 0.0 < t.hazard.mean() < 0.5


def test_a_crater_on_the_target_puts_hazards_near_it(default_scenario: Scenario) -> None:
    s = default_scenario
    flat = dataclasses.replace(
        s.terrain,
        target_hazard="none",
        crater_density_per_km2=0.0,
        rock_density_per_m2=0.0,
        rock_field_count=0,
    )
    cratered = dataclasses.replace(flat, target_hazard="crater")
    cells, size = s.vehicle.hazard_map_cells, s.vehicle.hazard_cell_size_m
    near = slice(cells // 2 - 5, cells // 2 + 5)
    assert truth_cost_map(generate_terrain(flat, s.vehicle, 1), cells, size)[near, near].max() == 0
    assert (
        truth_cost_map(generate_terrain(cratered, s.vehicle, 1), cells, size)[near, near].max()
        > 0.3
    )


@pytest.mark.parametrize(("false_safe", "false_hazard"), [(0.0, 0.0), (0.3, 0.1)])
def test_hazard_map_misclassifies_at_its_rates(
    default_scenario: Scenario, false_safe: float, false_hazard: float
) -> None:
    s = default_scenario
    v = dataclasses.replace(
        s.vehicle,
        hazard_false_safe_rate=false_safe,
        hazard_cost_noise=0.0,
        hazard_false_hazard_rate=false_hazard,
    )
    t = generate_terrain(s.terrain, v, 9)
    truth = truth_cost_map(t, v.hazard_map_cells, v.hazard_cell_size_m)
    rates = []
    for seed in range(20):
        cost = sense_hazard_map(t, v, seed).cost
        rates.append(((cost[truth > 0] == 0).mean(), (cost[truth == 0] == 1).mean()))
    fs, fh = np.mean(rates, axis=0)
    assert fs == pytest.approx(false_safe, abs=0.03)
    assert fh == pytest.approx(false_hazard, abs=0.01)


def test_hazard_map_elevation_follows_the_ground(default_scenario: Scenario) -> None:
    s = default_scenario
    t = generate_terrain(s.terrain, s.vehicle, 2)
    m = sense_hazard_map(t, s.vehicle, 0)
    i = j = s.vehicle.hazard_map_cells // 3
    x, y = m.cell_center_S_m(i, j)
    assert m.elevation_m[i, j] == pytest.approx(t.height_m(x, y), abs=3.0)
    assert math.isfinite(float(m.elevation_m.mean()))


def test_a_plateau_stands_beyond_its_cliff() -> None:
    from hilander.sim.scenario import load_scenario  # noqa: PLC0415

    s = load_scenario("hakuto-terrain-step")
    t = generate_terrain(s.terrain, s.vehicle, s.terrain_seed)
    assert s.terrain.step_height_m == 200.0
    beyond, short = t.height_m(-500.0, 0.0), t.height_m(-100.0, 0.0)
    assert beyond - short == pytest.approx(200.0, abs=15.0)
    assert t.height_m(0.0, 0.0) == pytest.approx(0.0, abs=1e-9)
    assert t.hazard[t.relief_m.shape[0] // 2, round((-300.0 - t.x0_m) / t.resolution_m)]
