"""The results of a campaign: the per-run table (CSV), the summary (JSON)
and the text a person reads.

The summary is the output contract of ``hilander campaign --json``; every
key is listed in docs/campaigns.md.
"""

from __future__ import annotations

import csv
import io
import math
import shlex
from collections import Counter
from typing import Any

import numpy as np

from hilander.hil.campaign.executors import Campaign, CampaignResult
from hilander.sim.campaign import METRIC_NAMES, POSITION_NAMES, VERDICT_ERROR

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


def summarize_campaign(result: CampaignResult) -> dict[str, Any]:
    """The summary dict of a campaign."""
    c, rows = result.campaign, result.rows
    flown = [r for r in rows if r["verdict"] != VERDICT_ERROR]
    errors = [r for r in rows if r["verdict"] == VERDICT_ERROR]
    return {
        "campaign": {
            "scenario": c.scenario.name,
            "source": c.scenario.source,
            "seed": c.seed,
            "runs": c.runs,
            "flown": len(rows),
            "controller": c.controller,
            "dispersions": [d.name for d in c.scenario.dispersions],
            "executor": result.executor,
            "interrupted": result.interrupted,
        },
        "outcome": outcome(rows),
        "metrics": {name: statistics([r.get(name) for r in flown]) for name in METRIC_NAMES},
        "violations": violation_counts(rows),
        "worst_runs": worst_runs(c, rows),
        "errors": [
            {"run": r["run"], "error": r.get("error", ""), "command": repro_command(c, r["run"])}
            for r in errors[:ERRORS_LISTED]
        ],
        "timing": {
            "wall_time_s": round(result.wall_time_s, 3),
            "runs_per_s": round(len(rows) / result.wall_time_s, 1) if result.wall_time_s else None,
        },
    }


def outcome(rows: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts = Counter(r["verdict"] for r in rows)
    n, passes = len(rows), verdicts.get("pass", 0)
    errors = verdicts.get(VERDICT_ERROR, 0)
    return {
        "pass": passes,
        "fail": n - passes - errors,
        "error": errors,
        "success_rate": round(passes / n, 6) if n else None,
        "success_rate_ci95": wilson_interval(passes, n),
        "verdicts": dict(sorted(verdicts.items())),
    }


def wilson_interval(successes: int, n: int) -> list[float] | None:
    """The Wilson score 95 % interval of a success rate."""
    if n == 0:
        return None
    p, z2 = successes / n, Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return [round(max(0.0, centre - half), 6), round(min(1.0, centre + half), 6)]


def statistics(values: list[Any]) -> dict[str, float | int | None]:
    """Count, mean, min, percentiles and max of the finite values."""
    x = np.array([v for v in values if v is not None], dtype=np.float64)
    x = x[np.isfinite(x)]
    keys = ["mean", "min", *(f"p{p}" for p in PERCENTILES), "max"]
    out: dict[str, float | int | None] = {"count": int(x.size)}
    if not x.size:
        return out | dict.fromkeys(keys)
    figures = [x.mean(), x.min(), *np.percentile(x, PERCENTILES), x.max()]
    return out | {k: round(float(v), 6) for k, v in zip(keys, figures, strict=True)}


def violation_counts(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | int]]:
    """How many runs broke each kind of limit, most frequent first."""
    counts = Counter(kind for r in rows for kind in set(r.get("violation_kinds", ())))
    n = len(rows) or 1
    return {
        kind: {"runs": count, "fraction": round(count / n, 6)}
        for kind, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    }


def worst_runs(c: Campaign, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Errors first, then failures, then the runs closest to a limit."""

    def severity(r: dict[str, Any]) -> tuple[int, float, int]:
        rank = {VERDICT_ERROR: 0, "pass": 2}.get(r["verdict"], 1)
        use = r.get("limit_use", math.nan)
        return (rank, -math.inf if math.isnan(use) else -use, int(r["run"]))

    return [
        {
            "run": r["run"],
            "seed": r["seed"],
            "verdict": r["verdict"],
            "limit_use": _rounded(r.get("limit_use")),
            "violations": r.get("violations") or r.get("error", ""),
            "command": repro_command(c, r["run"]),
        }
        for r in sorted(rows, key=severity)[:WORST_RUNS]
    ]


def _rounded(x: Any) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 4)


def campaign_text(s: dict[str, Any]) -> str:
    """The summary for people."""
    c, o, t = s["campaign"], s["outcome"], s["timing"]
    lo, hi = o["success_rate_ci95"] or (0.0, 0.0)
    lines = [
        f"campaign {c['scenario']}: {c['flown']} of {c['runs']} runs (seed {c['seed']}, "
        f"{c['controller']}, {c['executor']}) in {t['wall_time_s']:.1f} s, "
        f"{t['runs_per_s']} runs/s" + (" - INTERRUPTED" if c["interrupted"] else ""),
        f"{o['pass']} passed, {o['fail']} failed, {o['error']} errors: success "
        f"{100 * (o['success_rate'] or 0):.2f} % (95 % interval {100 * lo:.2f}-{100 * hi:.2f} %)",
        "dispersed: "
        + (
            ", ".join(c["dispersions"])
            or "nothing (the scenario has no [dispersions]: runs differ by their seed only)"
        ),
        "",
        f"{'figure':<32}{'p1':>10}{'p50':>10}{'p99':>10}{'max':>10}",
    ]
    for name in METRIC_NAMES:
        m = s["metrics"][name]
        lines.append(f"{name:<32}" + "".join(_fmt(m[k]) for k in ("p1", "p50", "p99", "max")))
    lines.append("")
    lines += _violation_lines(s["violations"])
    lines += ["", "worst runs (errors, failures, then closest to a limit):"]
    for w in s["worst_runs"][:5]:
        use = "-" if w["limit_use"] is None else f"{w['limit_use']:.3f}"
        lines.append(f"  run {w['run']:<6} {w['verdict']:<6} limit use {use:<7} {w['command']}")
        if w["violations"]:
            lines.append(f"      {w['violations']}")
    return "\n".join(lines)


def _fmt(x: float | None) -> str:
    return f"{'-':>10}" if x is None else f"{x:>10.4g}"


def _violation_lines(counts: dict[str, dict[str, Any]]) -> list[str]:
    if not counts:
        return ["violations: none"]
    return ["violations (runs):"] + [
        f"  {kind:<30}{v['runs']:>7}  {100 * v['fraction']:.2f} %" for kind, v in counts.items()
    ]
