"""Was a failed landing flyable? The fuel optimum to the law's gate, for the
run's true vehicle, against the propellant the law must keep for the
terminal phases (``[law] plan_reserve_kg``).

A campaign's ``--check-failures`` asks it of every run that failed, so that
a success rate can be given over the runs some law could have landed: a run
whose optimum to the gate needs more than the propellant less the reserve
was lost before the law did anything. The optimum is solved with the whole
tank (the reserve is then compared to what it leaves): one free-final-time
search, not two, and a start the grid finds no time for at all is not
flyable.
"""

from __future__ import annotations

import math

from hilander.hil.analysis.optimal import (
    OptimalError,
    Options,
    Vehicle,
    fixed_target,
    optimum_for,
)
from hilander.sim.scenario import Scenario

CHECK_NODES = 40  # as the campaign's propellant_ratio: < 0.1 % from 40 to 60 nodes


def flyable(s: Scenario, nodes: int = CHECK_NODES) -> dict[str, float]:
    """``optimum_to_gate_kg``: the fuel optimum's propellant from the start to
    the gate over the nominal site (NaN if no final time flies); ``flyable``:
    1.0 if it leaves the law's reserve, else 0.0; both NaN for an airbag
    lander (no powered descent to bound)."""
    if s.vehicle.landing_system == "airbags":
        return {"optimum_to_gate_kg": math.nan, "flyable": math.nan}
    try:
        best, _ = optimum_for(s, fixed_target(s, "gate"), Options(nodes=nodes))
    except OptimalError:
        return {"optimum_to_gate_kg": math.nan, "flyable": 0.0}
    allowed = Vehicle.of(s).propellant_kg - s.law.plan_reserve_kg
    return {
        "optimum_to_gate_kg": best.propellant_kg,
        "flyable": 1.0 if best.propellant_kg <= allowed else 0.0,
    }
