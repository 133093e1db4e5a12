"""Fixtures for the world's tests (the helpers are in tests/common/world.py)."""

from __future__ import annotations

import pytest

from hilander.sim.scenario import Scenario, load_scenario


@pytest.fixture(scope="session")
def default_scenario() -> Scenario:
    return load_scenario("default")
