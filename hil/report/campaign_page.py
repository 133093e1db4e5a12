"""The report of a campaign: report.html with the outcome, the figures'
percentiles, the worst runs and the campaign's figures; and, beside it, the
worst runs flown again, each with its own report, linked from the table.

A run is a pure function of (scenario, campaign seed, run index, controller),
so the run flown again here is the run of the campaign, bit for bit: the
same as ``hilander sim SCENARIO --seed S --run K``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hilander.hil.campaign.executors import CampaignResult
from hilander.hil.campaign.summary import CampaignSummary, dispersion_columns, repro_command
from hilander.hil.report.figures import campaign as campaign_figures
from hilander.hil.report.figures import plotting
from hilander.hil.report.files import write_atomic, write_report, write_run, writing
from hilander.hil.report.html import Code, Link, Report, Table
from hilander.hil.report.pages import scenario_sha256
from hilander.hil.report.runs_file import RunsFile
from hilander.hil.report.text import failures_line
from hilander.sim.campaign import METRIC_NAMES, VERDICT_ERROR, dispersed
from hilander.sim.controllers import desk_factory
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.world import build_world

WORST_FLOWN = 5  # the worst runs flown again, each with a report of its own
WORST_DIR = "worst"
CAPTIONS = {
    "touchdown_map.png": "where each run touched down, and the site its law chose",
    "touchdown_speeds.png": "touchdown speeds and the miss of the chosen site, limits dashed",
    "success_by_parameter.png": "success and closeness to a limit by each dispersed value",
}


def write_campaign(
    out: Path,
    result: CampaignResult,
    summary: CampaignSummary,
    runs: RunsFile,
    min_success: float = 1.0,
) -> CampaignSummary:
    """runs.csv (streamed as the runs finished) rewritten in run order,
    summary.json, then the report (report.html, its figures, the worst runs
    flown again), then summary.json again listing them all: a Ctrl-C while
    the report is drawn loses no data. A campaign with every run flown then
    drops its journal. Returns the summary with the files it wrote."""
    paths = [out / "runs.csv", out / "summary.json"]
    with writing(out):
        runs.write_ordered()
        summary = _write_summary(paths, summary)
        paths += write_campaign_report(out, result, summary, min_success)
        summary = _write_summary(paths, summary)
        if len(result.table) == result.campaign.runs:
            runs.finished()
        return summary


def _write_summary(paths: list[Path], summary: CampaignSummary) -> CampaignSummary:
    summary = summary.with_files([str(p) for p in paths])
    write_atomic(paths[1], summary.to_json() + "\n")
    return summary


def write_campaign_report(
    out: Path, result: CampaignResult, summary: CampaignSummary, min_success: float
) -> list[Path]:
    """The worst runs' folders, then report.html and its figures (nothing,
    and a one-line note, where matplotlib is missing)."""
    if not plotting.available():
        return write_report(out, lambda: campaign_report(result, summary, {}, min_success))
    worst = [w for w in summary.worst_runs if w.verdict != VERDICT_ERROR][:WORST_FLOWN]
    links: dict[int, str] = {}
    written: list[Path] = []
    for w in worst:
        run = w.run
        folder = out / WORST_DIR / f"run-{run}"
        files = refly_run(folder, result, run)
        written += files
        if any(p.name == "report.html" for p in files):
            links[run] = f"{WORST_DIR}/run-{run}/report.html"
    return written + write_report(out, lambda: campaign_report(result, summary, links, min_success))


def refly_run(folder: Path, result: CampaignResult, run: int) -> list[Path]:
    """Run ``run`` of the campaign flown again, its files written in ``folder``."""
    c = result.campaign
    make = desk_factory(c.controller)
    scenario = dispersed(c.scenario, c.seed, run)
    landing = fly(
        scenario, None if make is None else make(), None if make is None else c.controller
    )
    return write_run(folder, landing, summarize(landing))


def campaign_report(
    result: CampaignResult, summary: CampaignSummary, links: dict[int, str], min_success: float
) -> Report:
    c = result.campaign
    terrain = build_world(c.scenario)[1]
    varies = c.scenario.terrain.seed < 0 or any(
        d.name.startswith("terrain.") for d in c.scenario.dispersions
    )
    table = result.table
    pngs = {
        "touchdown_map.png": campaign_figures.touchdown_map(table, terrain, varies),
        "touchdown_speeds.png": campaign_figures.touchdown_histograms(table, c.scenario.limits),
    }
    columns = dispersion_columns(c)
    if columns:
        pngs["success_by_parameter.png"] = campaign_figures.success_by_parameter(table, columns)
    return Report(
        title=f"hilander campaign: {c.scenario.name} ({summary.campaign.flown} runs)",
        verdict=_verdict(summary, min_success),
        violations=[
            f"{kind}: {v.runs} runs ({100 * v.fraction:.2f} %)"
            for kind, v in summary.violations.items()
        ]
        + [f"run {e.run}: {e.error}" for e in summary.errors],
        summary=_summary_rows(summary, min_success),
        tables=[_metrics_table(summary), _worst_table(result, summary, links)],
        figures=pngs,
        captions=CAPTIONS,
        scenario_sha256=scenario_sha256(c.scenario),
    )


def _verdict(summary: CampaignSummary, min_success: float) -> str:
    if summary.campaign.interrupted:
        return "interrupted"
    rate = summary.outcome.success_rate or 0.0
    return "pass" if rate >= min_success else "fail"


def _summary_rows(s: CampaignSummary, min_success: float) -> list[tuple[str, Any]]:
    c, o, t = s.campaign, s.outcome, s.timing
    lo, hi = o.success_rate_ci95 or (0.0, 0.0)
    return [
        ("scenario", f"{c.scenario} ({c.source})"),
        ("campaign seed", c.seed),
        ("runs", f"{c.flown} of {c.runs}"),
        ("controller", c.controller),
        ("dispersed", ", ".join(c.dispersions) or "nothing: runs differ by their seed"),
        ("passed / failed / errors", f"{o.passed} / {o.fail} / {o.error}"),
        (
            "success rate",
            f"{100 * (o.success_rate or 0):.2f} % (95 % interval {100 * lo:.2f}-"
            f"{100 * hi:.2f} %; needed {100 * min_success:g} %)",
        ),
        *([] if s.failures is None else [("failures checked", failures_line(s.failures))]),
        ("executor", c.executor),
        ("wall time [s]", t.wall_time_s),
    ]


def _metrics_table(s: CampaignSummary) -> Table:
    keys = ("count", "mean", "p1", "p50", "p99", "max")
    rows: list[list[Any]] = []
    for name in METRIC_NAMES:
        stats = s.metrics[name].to_dict()
        rows.append([name, *(stats[k] for k in keys)])
    return Table("Figures over the runs", ["figure", *keys], rows)


def _worst_table(result: CampaignResult, s: CampaignSummary, links: dict[int, str]) -> Table:
    rows: list[list[Any]] = []
    for w in s.worst_runs:
        report = Link("report", links[w.run]) if w.run in links else None
        command = Code(repro_command(result.campaign, w.run))
        rows.append([str(w.run), w.verdict, w.limit_use, w.violations or "-", report, command])
    note = (
        f"errors first, then failures, then the runs closest to a limit; the first "
        f"{WORST_FLOWN} flown again beside this report, each command flies its run alone"
    )
    return Table(
        "Worst runs", ["run", "verdict", "limit use", "violations", "report", "re-fly"], rows, note
    )
