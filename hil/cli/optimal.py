"""``hilander optimal``: the fuel-optimal descent of a scenario beside the law's."""

from __future__ import annotations

import argparse
import io
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from hilander.hil.analysis.optimal import (
    OptimalError,
    Options,
    Solution,
    Vehicle,
    law_segment,
    optimum_for,
)
from hilander.hil.board.controllers import desk_factory
from hilander.hil.cli.args import add_controller_option, add_scenario_argument, resolve_scenario
from hilander.hil.cli.argtypes import integer, number
from hilander.hil.cli.exits import Exit
from hilander.hil.cli.progress import SolveProgress
from hilander.hil.report.files import OutputError, write_atomic, write_report
from hilander.hil.report.html import Report
from hilander.hil.report.pages import optimal_html_report
from hilander.sim.records import to_json
from hilander.sim.result import summarize
from hilander.sim.run import fly

_nodes = integer("nodes", 10, 1000)
_angle = number("angle", 0.0, 90.0, below_high=True)


def add_optimal_command(sub: Any, seed_type: Any, run_type: Any) -> None:
    p = sub.add_parser("optimal", help="the fuel-optimal descent, and how the law compares")
    add_scenario_argument(p)
    p.add_argument("--seed", type=seed_type, help="override the scenario's seed")
    p.add_argument("--run", type=run_type, metavar="K", help="run K of the scenario's campaign")
    p.add_argument(
        "--nodes",
        type=_nodes,
        default=Options.nodes,
        metavar="N",
        help="time steps of the discrete problem (default %(default)s)",
    )
    p.add_argument(
        "--glide-slope-deg",
        type=_angle,
        metavar="DEG",
        help="keep above this slope from the horizontal at the target (default: none)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write trajectory.csv, summary.json and report.html here",
    )
    add_controller_option(p, "the flight computer compared")


def run_optimal(args: argparse.Namespace) -> int:
    s = resolve_scenario(args)
    if s.vehicle.landing_system == "airbags":
        raise OptimalError(f"{s.name}: an airbag lander flies no powered descent to compare")
    make = desk_factory(args.controller)
    landing = fly(
        s, None if make is None else make(), name=None if make is None else args.controller
    )
    seg = law_segment(landing)
    if seg is None:
        raise OptimalError(
            f"{s.name}: the law never reached the sky-crane start "
            f"({summarize(landing).verdict}): nothing to compare against"
        )
    glide = None if args.glide_slope_deg is None else math.radians(args.glide_slope_deg)
    opt = Options(nodes=args.nodes, glide_slope_rad=glide)
    progress = SolveProgress(sys.stderr, "optimal")
    try:
        best, solves = optimum_for(s, seg.target, opt, progress)
    finally:
        progress.finish()
    summary = optimal_summary(s, args.controller, seg, best, solves, opt)
    summary["law"]["verdict"] = summarize(landing).verdict
    if args.out is not None:
        files = _write(
            args.out, best, summary, lambda: optimal_html_report(landing, best, seg.time_s, summary)
        )
        summary["files"] = [str(p) for p in files]
    print(to_json(summary) if args.json else optimal_text(summary))
    return Exit.PASS


def _target_what(s: Any) -> str:
    if s.vehicle.legged:
        return (
            "the lander's state where the law arms leg-contact sensing "
            f"({s.law.td_arm_altitude_m:g} m above the ground)"
        )
    return (
        "the descent stage's state at the law's sky-crane start (its aim: "
        f"{s.law.sky_crane_altitude_m:g} m above its site, descending at "
        f"{s.law.sky_crane_speed_mps:g} m/s)"
    )


def optimal_summary(
    s: Any, controller: str, seg: Any, best: Solution, solves: int, opt: Options
) -> dict[str, Any]:
    veh = Vehicle.of(s)
    return {
        "scenario": {"name": s.name, "source": s.source, "seed": s.seed, "preset": s.preset},
        "target": {
            "what": _target_what(s),
            "position_m": [round(x, 3) for x in seg.target.position_m],
            "velocity_mps": [round(x, 4) for x in seg.target.velocity_mps],
        },
        "optimal": {
            "propellant_kg": round(best.propellant_kg, 3),
            "time_of_flight_s": round(best.time_of_flight_s, 3),
            "nodes": opt.nodes,
            "glide_slope_deg": None
            if opt.glide_slope_rad is None
            else math.degrees(opt.glide_slope_rad),
            "thrust_min_N": round(veh.thrust_min_N, 1),
            "thrust_max_N": round(veh.thrust_max_N, 1),
            "solves": solves,
            "solve_time_s": round(best.solve_time_s, 4),
        },
        "law": {
            "controller": controller,
            "propellant_kg": round(seg.propellant_kg, 3),
            "time_of_flight_s": round(seg.time_s, 3),
        },
        "ratio": round(seg.propellant_kg / best.propellant_kg, 4),
    }


def optimal_text(summary: dict[str, Any]) -> str:
    o, law, sc = summary["optimal"], summary["law"], summary["scenario"]
    return "\n".join(
        [
            f"hilander optimal: {sc['name']} (seed {sc['seed']}, {sc['preset']})",
            f"  target       {summary['target']['what']}",
            f"  optimum      {o['propellant_kg']:.1f} kg in {o['time_of_flight_s']:.1f} s "
            f"({o['nodes']} nodes, {o['solves']} solves; thrust {o['thrust_min_N']:.0f}-"
            f"{o['thrust_max_N']:.0f} N)",
            f"  law          {law['propellant_kg']:.1f} kg in {law['time_of_flight_s']:.1f} s "
            f"({law['controller']}, landing {law['verdict']})",
            f"  ratio        {summary['ratio']:.3f} (law / optimum)",
        ]
    )


def trajectory_csv(best: Solution) -> str:
    """One row per node; the thrust held from that node to the next (none on the last)."""
    thrust = np.vstack([best.thrust_N, np.full((1, 3), np.nan)])
    table = np.column_stack(
        [
            best.time_s,
            best.position_m,
            best.velocity_mps,
            best.mass_kg,
            thrust,
            np.linalg.norm(thrust, axis=1),
        ]
    )
    header = (
        "time_s,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,mass_kg,thrust_x_N,thrust_y_N,thrust_z_N,thrust_N"
    )
    buf = io.StringIO()
    np.savetxt(buf, table, delimiter=",", fmt="%.9g", header=header, comments="")
    return buf.getvalue()


def _write(
    out: Path, best: Solution, summary: dict[str, Any], report: Callable[[], Report]
) -> list[Path]:
    """trajectory.csv, the report (figures, report.html), then summary.json listing them."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_atomic(out / "trajectory.csv", trajectory_csv(best))
        paths = [out / "trajectory.csv", out / "summary.json", *write_report(out, report)]
        summary["files"] = [str(p) for p in paths]
        write_atomic(out / "summary.json", to_json(summary) + "\n")
    except OutputError:
        raise
    except OSError as e:
        raise OutputError(f"{out}: cannot write: {e.strerror or e}") from None
    return paths
