"""The naive counterparts of the 6-DOF fault scenarios (slope-tip,
stuck-engine): the first-cut legged law a user flies from docs/examples, and
the world's attitude loop with an allocator not told of a stuck engine."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any
from unittest import mock

from hilander.controller.interface import FlightComputer
from hilander.sim import world
from hilander.sim.run import Landing, fly
from hilander.sim.scenario import Scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def vertical_descent() -> FlightComputer:
    """docs/examples/naive_legged.py's VerticalDescent, as `--controller` flies it."""
    spec = importlib.util.spec_from_file_location("naive_legged", EXAMPLES / "naive_legged.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    law: FlightComputer = module.VerticalDescent()
    return law


def fly_untold(scenario: Scenario) -> Landing:
    """The scenario flown by the compiled law, the world's attitude loop not told
    of the stuck engine: it allocates as if every engine answered its command."""
    told = world.world_params

    def untold(s: Scenario) -> dict[str, Any]:
        return {**told(s), "engine_stuck_known": 0}

    with mock.patch.object(world, "world_params", untold):
        return fly(scenario)
