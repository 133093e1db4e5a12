"""The campaign commands: ``campaign`` and ``baseline record|check``."""

from __future__ import annotations

import argparse
import logging
import os
import re
from pathlib import Path
from typing import Any

from hilander import __version__
from hilander.hil.analysis.optimal import require_analysis
from hilander.hil.campaign.baseline import (
    Suite,
    baseline_record,
    cases_folder,
    check_table,
    compare,
    failing_runs,
    load_suite,
    read_baseline,
)
from hilander.hil.campaign.executors import Campaign, CampaignResult, fly_campaign
from hilander.hil.campaign.summary import CampaignSummary, summarize_campaign
from hilander.hil.campaign.table import RunTable
from hilander.hil.cli.args import add_controller_option, add_out_options, add_scenario_argument
from hilander.hil.cli.argtypes import integer, number
from hilander.hil.cli.exits import BAD_INPUT, Exit, UsageError
from hilander.hil.cli.output import note, progress_stream
from hilander.hil.cli.progress import CampaignProgress
from hilander.hil.report.campaign_page import write_campaign
from hilander.hil.report.cases import write_cases
from hilander.hil.report.files import write_json
from hilander.hil.report.outdir import claim, clear_report
from hilander.hil.report.runs_file import RunsFile
from hilander.hil.report.text import campaign_text
from hilander.sim.controllers import flight_computer_factory
from hilander.sim.records import to_json
from hilander.sim.scenario import load_scenario

RUNS_MAX = 10_000_000
_runs = integer("runs", 1, RUNS_MAX)
_every = integer("sampling", 0, RUNS_MAX)
_workers = integer("workers", 1, 1024)
_fraction = number("rate", 0.0, 1.0)
log = logging.getLogger(__name__)
SCHEDULER = re.compile(r"([a-z][a-z0-9+.-]*://)?[A-Za-z0-9_.\[\]:-]+:[0-9]{1,5}/?")


def add_campaign_commands(sub: Any, seed_type: Any) -> None:
    p = sub.add_parser("campaign", help="fly N dispersed landings and summarise them")
    add_scenario_argument(p, "scenario TOML file (with [dispersions])")
    p.add_argument("-n", "--runs", type=_runs, default=100, metavar="N", help="runs (%(default)s)")
    p.add_argument("--seed", type=seed_type, help="campaign seed (default: the scenario's seed)")
    _add_executor_options(p)
    add_out_options(p, "write runs.csv (as the runs finish), summary.json and report.html here")
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the killed or interrupted campaign in --out (same scenario, seed, -n)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument(
        "--min-success",
        type=_fraction,
        default=1.0,
        metavar="RATE",
        help="exit 1 when the success rate is below this (default %(default)g: every run)",
    )
    _add_analysis_options(p)
    add_controller_option(p, "the flight computer")
    b = sub.add_parser("baseline", help="record or check golden campaign figures")
    b.add_argument("action", choices=("record", "check"), help="record the baseline, or check it")
    b.add_argument("suite", type=Path, help="suite TOML file (campaigns, tolerances, baseline)")
    b.add_argument("--baseline", type=Path, metavar="FILE", help="baseline file (default: suite's)")
    b.add_argument("--strict", action="store_true", help="check: fail on improvements too")
    b.add_argument("--json", action="store_true", help="check: print the moves as JSON")
    _add_executor_options(b)


def _add_analysis_options(p: argparse.ArgumentParser) -> None:
    """The fuel-optimal figures a campaign may add to its runs."""
    p.add_argument(
        "--optimal-every",
        type=_every,
        default=0,
        metavar="K",
        help="solve the fuel optimum on every K-th run for propellant_ratio (needs "
        "pip install 'hilander[analysis]'; about 1 s a solve)",
    )
    p.add_argument(
        "--check-failures",
        action="store_true",
        help="solve the fuel optimum to the gate on every failed run: was it flyable with "
        "the law's reserve; the summary gives the success rate over the flyable runs "
        "(needs pip install 'hilander[analysis]'; about 1 s a failed run)",
    )


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _scheduler(text: str) -> str:
    """A Dask scheduler address: [PROTOCOL://]HOST:PORT."""
    if not SCHEDULER.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"invalid scheduler {text!r}: need an address such as tcp://host:8786"
        )
    return text


def _add_executor_options(p: Any) -> None:
    p.add_argument(
        "--workers",
        type=_workers,
        default=min(cores(), 8),
        metavar="K",
        help="local processes, at most the cores (default: the cores, at most 8: "
        "%(default)s); 1 flies serially",
    )
    p.add_argument(
        "--scheduler",
        type=_scheduler,
        metavar="ADDRESS",
        help="Dask scheduler address (tcp://host:8786); needs pip install 'hilander[dask]'",
    )


def workers_for(asked: int, runs: int) -> int:
    """--workers capped at the cores and at the runs to fly, with a one-line note."""
    workers = max(1, min(asked, cores(), runs))
    if workers < asked and asked > cores():
        note(f"--workers {asked} capped at {workers} ({cores()} cores)")
    return workers


def run_campaign(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    flight_computer_factory(args.controller)  # a bad name fails here, once
    if not scenario.dispersions and args.runs > 1:
        log.warning(
            "%s: no dispersions: the %d runs differ only by their seed (sensor noise, gusts, "
            "terrain), from the same start and vehicle; add a [dispersions] table to vary them "
            "(docs/campaigns.md#dispersions)",
            args.scenario,
            args.runs,
        )
    seed = scenario.seed if args.seed is None else args.seed
    campaign = Campaign(
        scenario, args.runs, seed, args.controller, args.optimal_every, args.check_failures
    )
    if args.optimal_every or args.check_failures:
        require_analysis()
    if args.resume and args.out is None:
        raise UsageError("campaign --resume: give the --out folder of the campaign to continue")
    if args.resume and args.force:
        raise UsageError("campaign: --resume continues the folder, --force clears it: not both")
    runs_file, table = _open_runs(args, campaign)
    try:
        workers = workers_for(args.workers, campaign.runs)
        result = _fly(campaign, workers, args.scheduler, "campaign", runs_file, table)
    except BAD_INPUT:
        if runs_file is not None and not args.resume and not len(table):
            runs_file.discard()  # a scheduler out of reach: nothing flown, nothing left
        raise
    finally:
        if runs_file is not None:
            runs_file.close()
    summary = summarize_campaign(result)
    if runs_file is not None:
        summary = write_campaign(args.out, result, summary, runs_file, args.min_success)
    print(summary.to_json() if args.json else campaign_text(summary))
    if result.interrupted:
        return Exit.INTERRUPTED
    rate = summary.outcome.success_rate or 0.0
    return Exit.PASS if rate >= args.min_success else Exit.FAIL


def _open_runs(args: argparse.Namespace, campaign: Campaign) -> tuple[RunsFile | None, RunTable]:
    """The runs file in --out (started, or read back with --resume) and the
    table of the runs already flown."""
    table = RunTable(campaign)
    if args.out is None:
        return None, table
    runs_file = RunsFile(args.out, campaign)
    if args.resume:
        for rows in runs_file.resume():
            table.add(rows)
        clear_report(args.out)
    else:
        claim(args.out, "campaign", args.force)
        runs_file.start()
    return runs_file, table


def _fly(
    campaign: Campaign,
    workers: int,
    scheduler: str | None,
    label: str,
    record: RunsFile | None = None,
    table: RunTable | None = None,
) -> CampaignResult:
    progress = CampaignProgress(progress_stream(), campaign.runs, label)
    if table is not None:
        progress.done = len(table)
    try:
        return fly_campaign(campaign, workers, scheduler, progress, record, table)
    finally:
        progress.finish()


def run_baseline(args: argparse.Namespace) -> int:
    suite = load_suite(args.suite, args.baseline)
    recorded = read_baseline(suite) if args.action == "check" else None
    summaries: dict[str, CampaignSummary] = {}
    for label, campaign in suite.campaigns.items():
        flight_computer_factory(campaign.controller)
        if campaign.optimal_every:
            require_analysis()
        workers = workers_for(args.workers, campaign.runs)
        result = _fly(campaign, workers, args.scheduler, f"baseline {label}")
        if result.interrupted:
            return Exit.INTERRUPTED
        summaries[label] = summarize_campaign(result)
    if recorded is None:
        return _record(suite, summaries)
    moves = compare(recorded, summaries)
    table, failed = check_table(moves, args.strict)
    worst = failing_runs(suite, moves, summaries, args.strict) if failed else {}
    cases = write_cases(cases_folder(suite), {k: (suite.campaigns[k], r) for k, r in worst.items()})
    if args.json:
        moved = [_move_dict(m) for m in moves]
        print(to_json({"failed": failed, "moves": moved, "cases": [str(p) for p in cases]}))
    else:
        print(f"baseline check: {suite.path} against {suite.baseline}")
        print(table)
        for path in cases:
            print(f"saved a failing campaign's worst run: hilander sim {path}")
        print("FAIL: figures moved beyond their tolerance" if failed else "OK")
    return Exit.FAIL if failed else Exit.PASS


def _record(suite: Suite, summaries: dict[str, CampaignSummary]) -> int:
    content = baseline_record(suite, summaries, __version__)
    write_json(suite.baseline, content)
    figures = len(content["figures"])
    print(f"baseline recorded: {suite.baseline} ({figures} figures, {len(summaries)} campaigns)")
    return Exit.PASS


def _move_dict(m: Any) -> dict[str, Any]:
    return {
        "figure": m.name,
        "baseline": m.baseline,
        "now": m.now,
        "change": m.change,
        "tolerance": m.allowed,
        "status": m.status,
    }
