"""The figures of ``hilander optimal``: the law's flight to its segment's end
beside the fuel-optimal descent to the same state.

Drawn through hilander.hil.report.figures.plotting (the only module that imports matplotlib).
"""

from __future__ import annotations

import numpy as np

from hilander.hil.analysis.optimal import Solution, Vehicle
from hilander.hil.report.figures.plotting import finish, pyplot
from hilander.sim.run import Landing


def _law_until(landing: Landing, time_s: float) -> dict[str, np.ndarray]:
    """The law's telemetry from the start to the end of its segment."""
    t = landing.column("time_s")
    keep = t <= time_s + 1e-9
    names = ("stage_x_m", "stage_y_m", "stage_z_m", "thrust_N", "propellant_kg")
    out = {name: landing.column(name)[keep] for name in names}
    out["time_s"] = t[keep]
    return out


def trajectories(
    landing: Landing, best: Solution, segment_time_s: float, same_end: bool = True
) -> bytes:
    """Altitude against time, and the ground track, of both descents;
    same_end: the optimum ends where the law's segment did."""
    law = _law_until(landing, segment_time_s)
    fig, (a1, a2) = pyplot().subplots(1, 2, figsize=(11, 4.6))
    a1.plot(law["time_s"], law["stage_z_m"], label="law")
    a1.plot(best.time_s, best.position_m[:, 2], "--", label="fuel optimum")
    a1.set_xlabel("time [s]")
    a1.set_ylabel("height above the target [m]")
    a2.plot(law["stage_x_m"], law["stage_y_m"], label="law")
    a2.plot(best.position_m[:, 0], best.position_m[:, 1], "--", label="fuel optimum")
    a2.plot([best.position_m[0, 0]], [best.position_m[0, 1]], "ko", ms=5, label="start")
    a2.plot([best.position_m[-1, 0]], [best.position_m[-1, 1]], "k*", ms=10, label="optimum's end")
    a2.set_xlabel("east [m]")
    a2.set_ylabel("north [m]")
    a2.set_aspect("equal", adjustable="datalim")
    title = (
        "the law's descent beside the fuel-optimal one, to the same end state"
        if same_end
        else "the law's flight beside the fuel-optimal descent to the target asked for"
    )
    return finish(fig, (a1, a2), title)


def thrust_propellant(
    landing: Landing, best: Solution, segment_time_s: float, veh: Vehicle
) -> bytes:
    """Thrust within its bounds, and the propellant burnt, of both descents."""
    law = _law_until(landing, segment_time_s)
    fig, (a1, a2) = pyplot().subplots(2, 1, figsize=(8, 6), sharex=True)
    a1.plot(law["time_s"], law["thrust_N"], lw=0.8, label="law (delivered)")
    thrust = np.linalg.norm(best.thrust_N, axis=1)
    a1.step(best.time_s[:-1], thrust, where="post", ls="--", label="fuel optimum")
    a1.axhline(veh.thrust_max_N, color="r", ls="--", lw=0.8, label="maximum")
    a1.axhline(veh.thrust_min_N, color="r", ls=":", lw=0.8, label="floor")
    a1.set_ylabel("thrust [N]")
    start_kg = landing.scenario.vehicle.propellant_mass_kg
    a2.plot(law["time_s"], start_kg - law["propellant_kg"], label="law")
    a2.plot(best.time_s, best.mass_kg[0] - best.mass_kg, "--", label="fuel optimum")
    a2.set_ylabel("propellant burnt [kg]")
    a2.set_xlabel("time [s]")
    return finish(fig, (a1, a2), "thrust and propellant")
