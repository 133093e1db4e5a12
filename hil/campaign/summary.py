"""The results of a campaign: the per-run table (CSV) and the summary, a
typed record (its JSON is ``hilander campaign --json``).

The summary is the output contract of ``hilander campaign --json``; every
key is listed in docs/campaigns.md.
"""

from __future__ import annotations

import csv
import io
import math
import shlex
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from hilander.hil.campaign.executors import Campaign, CampaignResult
from hilander.hil.campaign.table import RunTable
from hilander.sim.campaign import CHECK_NAMES, METRIC_NAMES, POSITION_NAMES, VERDICT_ERROR
from hilander.sim.records import OMIT_NONE, Record, json_key

PERCENTILES = (1, 5, 50, 95, 99)
Z95 = 1.959964  # two-sided 95 % normal quantile
FLYABLE_LISTED = 20


def repro_command(c: Campaign, run: int) -> str:
    """The command that flies run ``run`` alone."""
    words = ["hilander", "sim", c.scenario.source, "--seed", str(c.seed), "--run", str(run)]
    if c.controller != "compiled":
        words += ["--controller", c.controller]
    return shlex.join(words)


def dispersion_columns(c: Campaign) -> list[str]:
    return [name for d in c.scenario.dispersions for name in d.columns()]


def csv_columns(c: Campaign) -> list[str]:
    """The columns of runs.csv."""
    return [
        "run",
        "seed",
        "verdict",
        *METRIC_NAMES,
        *POSITION_NAMES,
        *(CHECK_NAMES if c.check_failures else ()),
        *dispersion_columns(c),
        "violations",
        "error",
    ]


def csv_line(columns: list[str], row: dict[str, Any]) -> str:
    """One row of runs.csv, its newline included."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([_cell(row.get(name)) for name in columns])
    return buf.getvalue()


def runs_csv(c: Campaign, rows: Iterable[dict[str, Any]]) -> str:
    """One row per run, in run order: figures, drawn values, violations and error text."""
    columns = csv_columns(c)
    ordered = sorted(rows, key=lambda r: int(r["run"]))
    return "".join(
        [csv_line(columns, dict(zip(columns, columns, strict=True)))]
        + [csv_line(columns, row) for row in ordered]
    )


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return repr(value) if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class CampaignFacts(Record):
    """What was flown: the scenario, the seed, how many runs, how."""

    scenario: str
    source: str
    seed: int
    runs: int
    flown: int
    controller: str
    dispersions: list[str]
    executor: str
    interrupted: bool


@dataclass(frozen=True)
class Outcome(Record):
    """How many runs passed, failed or raised; the success rate and its interval."""

    passed: int = field(metadata=json_key("pass"))
    fail: int
    error: int
    success_rate: float | None
    success_rate_ci95: list[float] | None
    verdicts: dict[str, int]


@dataclass(frozen=True)
class Statistics(Record):
    """A figure over the runs: count, mean, min, percentiles (PERCENTILES), max."""

    count: int
    mean: float | None = None
    min: float | None = None
    p1: float | None = None
    p5: float | None = None
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class ViolationCount(Record):
    runs: int
    fraction: float


@dataclass(frozen=True)
class WorstRun(Record):
    run: int
    seed: int
    verdict: str
    limit_use: float | None
    violations: str
    command: str  # flies this run alone


@dataclass(frozen=True)
class RunError(Record):
    run: int
    error: str
    command: str


@dataclass(frozen=True)
class Timing(Record):
    wall_time_s: float
    runs_per_s: float | None


@dataclass(frozen=True)
class Failures(Record):
    """``--check-failures``: the failed runs held to the fuel optimum to the
    gate. A run is flyable when the optimum leaves the law's reserve (a
    failed run that could not be checked, an airbag lander's, counts as
    flyable); the success rate is over the runs that passed and the failed
    ones flyable."""

    checked: int
    flyable: int
    flyable_runs: list[int]  # the first FLYABLE_LISTED, in run order
    success_rate: float | None
    success_rate_ci95: list[float] | None


@dataclass(frozen=True)
class CampaignSummary(Record):
    """The summary of a campaign: ``hilander campaign --json``."""

    campaign: CampaignFacts
    outcome: Outcome
    metrics: dict[str, Statistics]
    violations: dict[str, ViolationCount]
    worst_runs: list[WorstRun]
    errors: list[RunError]
    timing: Timing
    files: list[str] | None = field(default=None, metadata=OMIT_NONE)  # what --out wrote
    failures: Failures | None = field(default=None, metadata=OMIT_NONE)  # --check-failures


def summarize_campaign(result: CampaignResult) -> CampaignSummary:
    """The summary of a campaign."""
    c, table = result.campaign, result.table
    wall, flown = result.wall_time_s, len(table)
    landed = table.landed()
    return CampaignSummary(
        campaign=CampaignFacts(
            scenario=c.scenario.name,
            source=c.scenario.source,
            seed=c.seed,
            runs=c.runs,
            flown=flown,
            controller=c.controller,
            dispersions=[d.name for d in c.scenario.dispersions],
            executor=result.executor,
            interrupted=result.interrupted,
        ),
        outcome=outcome(table.verdicts),
        metrics={name: statistics(table.column(name)[landed]) for name in METRIC_NAMES},
        violations=violation_counts(table.kinds, flown),
        worst_runs=[
            WorstRun(w.run, w.seed, w.verdict, w.limit_use, w.violations, repro_command(c, w.run))
            for w in table.worst
        ],
        errors=[RunError(run, error, repro_command(c, run)) for run, error in table.errors],
        timing=Timing(round(wall, 3), round(flown / wall, 1) if wall else None),
        failures=failures_checked(table) if c.check_failures else None,
    )


def failures_checked(table: RunTable) -> Failures:
    """The failed runs' check against the optimum (``--check-failures``)."""
    flyable = table.column("flyable")
    failed = table.landed() & ~table.passed()
    checked = failed & np.isfinite(flyable)
    runs = np.flatnonzero(table.flown())[failed & ~(flyable == 0.0)]  # unchecked: flyable
    passes = int(table.passed().sum())
    n = passes + len(runs)
    return Failures(
        checked=int(checked.sum()),
        flyable=len(runs),
        flyable_runs=[int(k) for k in runs[:FLYABLE_LISTED]],
        success_rate=round(passes / n, 6) if n else None,
        success_rate_ci95=wilson_interval(passes, n),
    )


def outcome(verdicts: Counter[str]) -> Outcome:
    n, passes = sum(verdicts.values()), verdicts.get("pass", 0)
    errors = verdicts.get(VERDICT_ERROR, 0)
    return Outcome(
        passed=passes,
        fail=n - passes - errors,
        error=errors,
        success_rate=round(passes / n, 6) if n else None,
        success_rate_ci95=wilson_interval(passes, n),
        verdicts=dict(sorted(verdicts.items())),
    )


def wilson_interval(successes: int, n: int) -> list[float] | None:
    """The Wilson score 95 % interval of a success rate."""
    if n == 0:
        return None
    p, z2 = successes / n, Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return [round(max(0.0, centre - half), 6), round(min(1.0, centre + half), 6)]


def statistics(values: npt.NDArray[np.float64]) -> Statistics:
    """Count, mean, min, percentiles and max of the finite values."""
    x = values[np.isfinite(values)]
    if not x.size:
        return Statistics(count=0)
    p1, p5, p50, p95, p99 = (round(float(v), 6) for v in np.percentile(x, PERCENTILES))
    return Statistics(
        count=int(x.size),
        mean=round(float(x.mean()), 6),
        min=round(float(x.min()), 6),
        p1=p1,
        p5=p5,
        p50=p50,
        p95=p95,
        p99=p99,
        max=round(float(x.max()), 6),
    )


def violation_counts(kinds: Counter[str], runs: int) -> dict[str, ViolationCount]:
    """How many runs broke each kind of limit, most frequent first."""
    n = runs or 1
    return {
        kind: ViolationCount(count, round(count / n, 6))
        for kind, count in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
    }
