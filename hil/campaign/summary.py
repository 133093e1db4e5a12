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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hilander.hil.campaign.executors import Campaign, CampaignResult
from hilander.sim.campaign import METRIC_NAMES, POSITION_NAMES, VERDICT_ERROR
from hilander.sim.records import OMIT_NONE, Record, json_key

PERCENTILES = (1, 5, 50, 95, 99)
WORST_RUNS = 10
ERRORS_LISTED = 20
Z95 = 1.959964  # two-sided 95 % normal quantile


def repro_command(c: Campaign, run: int) -> str:
    """The command that flies run ``run`` alone."""
    words = ["hilander", "sim", c.scenario.source, "--seed", str(c.seed), "--run", str(run)]
    if c.controller != "compiled":
        words += ["--controller", c.controller]
    return shlex.join(words)


def dispersion_columns(c: Campaign) -> list[str]:
    return [name for d in c.scenario.dispersions for name in d.columns()]


def runs_csv(result: CampaignResult) -> str:
    """One row per run: figures, drawn values, violations and error text."""
    columns = [
        "run",
        "seed",
        "verdict",
        *METRIC_NAMES,
        *POSITION_NAMES,
        *dispersion_columns(result.campaign),
        "violations",
        "error",
    ]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in result.rows:
        writer.writerow([_cell(row.get(name)) for name in columns])
    return buf.getvalue()


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


def summarize_campaign(result: CampaignResult) -> CampaignSummary:
    """The summary of a campaign."""
    c, rows = result.campaign, result.rows
    flown = [r for r in rows if r["verdict"] != VERDICT_ERROR]
    errors = [r for r in rows if r["verdict"] == VERDICT_ERROR]
    wall = result.wall_time_s
    return CampaignSummary(
        campaign=CampaignFacts(
            scenario=c.scenario.name,
            source=c.scenario.source,
            seed=c.seed,
            runs=c.runs,
            flown=len(rows),
            controller=c.controller,
            dispersions=[d.name for d in c.scenario.dispersions],
            executor=result.executor,
            interrupted=result.interrupted,
        ),
        outcome=outcome(rows),
        metrics={name: statistics([r.get(name) for r in flown]) for name in METRIC_NAMES},
        violations=violation_counts(rows),
        worst_runs=worst_runs(c, rows),
        errors=[
            RunError(r["run"], r.get("error", ""), repro_command(c, r["run"]))
            for r in errors[:ERRORS_LISTED]
        ],
        timing=Timing(round(wall, 3), round(len(rows) / wall, 1) if wall else None),
    )


def outcome(rows: list[dict[str, Any]]) -> Outcome:
    verdicts = Counter(r["verdict"] for r in rows)
    n, passes = len(rows), verdicts.get("pass", 0)
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


def statistics(values: list[Any]) -> Statistics:
    """Count, mean, min, percentiles and max of the finite values."""
    x = np.array([v for v in values if v is not None], dtype=np.float64)
    x = x[np.isfinite(x)]
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


def violation_counts(rows: list[dict[str, Any]]) -> dict[str, ViolationCount]:
    """How many runs broke each kind of limit, most frequent first."""
    counts = Counter(kind for r in rows for kind in set(r.get("violation_kinds", ())))
    n = len(rows) or 1
    return {
        kind: ViolationCount(count, round(count / n, 6))
        for kind, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    }


def worst_runs(c: Campaign, rows: list[dict[str, Any]]) -> list[WorstRun]:
    """Errors first, then failures, then the runs closest to a limit."""

    def severity(r: dict[str, Any]) -> tuple[int, float, int]:
        rank = {VERDICT_ERROR: 0, "pass": 2}.get(r["verdict"], 1)
        use = r.get("limit_use", math.nan)
        return (rank, -math.inf if math.isnan(use) else -use, int(r["run"]))

    return [
        WorstRun(
            run=r["run"],
            seed=r["seed"],
            verdict=r["verdict"],
            limit_use=_rounded(r.get("limit_use")),
            violations=r.get("violations") or r.get("error", ""),
            command=repro_command(c, r["run"]),
        )
        for r in sorted(rows, key=severity)[:WORST_RUNS]
    ]


def _rounded(x: Any) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 4)
