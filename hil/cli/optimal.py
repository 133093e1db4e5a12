"""``hilander optimal``: the fuel-optimal descent of a scenario beside the law's."""

from __future__ import annotations

import argparse
import math
from typing import Any

from hilander.hil.analysis.optimal import (
    TARGETS,
    OptimalError,
    Options,
    law_segment,
    optimum_for,
    target_of,
)
from hilander.hil.analysis.optimal_summary import optimal_summary
from hilander.hil.cli.args import (
    add_controller_option,
    add_out_options,
    add_scenario_argument,
    resolve_scenario,
)
from hilander.hil.cli.argtypes import integer, number
from hilander.hil.cli.exits import Exit
from hilander.hil.cli.output import progress_stream
from hilander.hil.cli.progress import SolveProgress
from hilander.hil.report.files import write_optimal
from hilander.hil.report.outdir import claim
from hilander.hil.report.pages import optimal_html_report
from hilander.hil.report.text import optimal_text
from hilander.sim.controllers import desk_factory
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
    p.add_argument(
        "--target",
        choices=TARGETS,
        default="law",
        help="where the optimum ends: the law's own segment end (default; the gate if the "
        "law never gets there), the gate, or the ground, over the nominal site",
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    add_out_options(p, "write trajectory.csv, summary.json and report.html here")
    add_controller_option(p, "the flight computer compared")


def run_optimal(args: argparse.Namespace) -> int:
    s = resolve_scenario(args)
    if s.vehicle.landing_system == "airbags":
        raise OptimalError(f"{s.name}: an airbag lander flies no powered descent to compare")
    make = desk_factory(args.controller)
    if args.out is not None:
        claim(args.out, "optimal", args.force)
    landing = fly(
        s, None if make is None else make(), name=None if make is None else args.controller
    )
    seg = law_segment(landing)
    verdict = summarize(landing).verdict
    which, target = target_of(s, seg, args.target)
    glide = None if args.glide_slope_deg is None else math.radians(args.glide_slope_deg)
    opt = Options(nodes=args.nodes, glide_slope_rad=glide)
    progress = SolveProgress(progress_stream(), "optimal")
    try:
        best, solves = optimum_for(s, target, opt, progress)
    finally:
        progress.finish()
    summary = optimal_summary(s, args.controller, seg, best, solves, opt, target, which)
    summary["law"]["verdict"] = verdict
    segment_s = seg.time_s if seg is not None else float(landing.column("time_s")[-1])
    if args.out is not None:
        write_optimal(
            args.out, best, summary, lambda: optimal_html_report(landing, best, segment_s, summary)
        )
    print(to_json(summary) if args.json else optimal_text(summary))
    return Exit.PASS
