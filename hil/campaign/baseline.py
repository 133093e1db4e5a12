"""Golden baselines: a suite of campaigns reduced to figures with
tolerances, recorded to a file the user commits and checked against it.

A suite is a TOML file (docs/campaigns.md):

    baseline = "landing.baseline.json"   # beside the suite unless absolute
    controller = "compiled"
    [[campaign]]
    scenario = "default"                 # built-in name or a path beside the suite
    runs = 200
    [tolerances]
    "default.touchdown_vertical_speed_mps.p99" = 0.02        # absolute
    "*.propellant_used_kg.*" = { abs = 0.5, rel = 0.01 }     # fnmatch patterns

The figures of a campaign are its success rate, its error count, and the
mean, p1, p50 and p99 of every per-run metric. ``check`` flies the suite
again (same seeds: an unchanged law gives the same figures) and fails when a
figure moved beyond its tolerance the way that is worse. A check that fails
names, for each campaign whose figures failed, its worst run that flew
(``failing_runs``): the command line flies it again and saves its files,
scenario.toml included, beside the suite (``cases_folder``).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hilander.hil.campaign.executors import Campaign
from hilander.hil.campaign.summary import CampaignSummary
from hilander.sim.campaign import METRICS, VERDICT_ERROR
from hilander.sim.scenario import load_scenario
from hilander.sim.schema import ScenarioError

FORMAT = "hilander-baseline/1"
STATS = ("mean", "p1", "p50", "p99")
SUITE_KEYS = ("baseline", "controller", "campaign", "tolerances")
CAMPAIGN_KEYS = ("scenario", "runs", "seed", "label", "optimal_every")
RUNS_MAX = 1_000_000


class BaselineError(ValueError):
    """A suite or baseline file that cannot be used; str() is one line."""


@dataclass(frozen=True)
class Suite:
    path: Path
    baseline: Path
    campaigns: dict[str, Campaign]
    tolerances: dict[str, dict[str, float]]
    specs: dict[str, str]  # label -> the scenario as the suite names it

    def describe(self) -> list[dict[str, Any]]:
        return [
            {
                "label": label,
                "scenario": self.specs[label],
                "runs": c.runs,
                "seed": c.seed,
                "controller": c.controller,
                "optimal_every": c.optimal_every,
            }
            for label, c in self.campaigns.items()
        ]


def load_suite(path: Path, baseline: Path | None = None) -> Suite:
    """The suite file, validated, its scenarios loaded."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as e:
        raise BaselineError(f"{path}: cannot read: {e.strerror or e}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise BaselineError(f"{path}: invalid TOML: {e}") from None
    for key in data:
        if key not in SUITE_KEYS:
            raise BaselineError(f"{path}: {key}: unknown key (keys: {', '.join(SUITE_KEYS)})")
    controller = data.get("controller", "compiled")
    if not isinstance(controller, str):
        raise BaselineError(f"{path}: controller: expected a string")
    entries = data.get("campaign")
    if not isinstance(entries, list) or not entries:
        raise BaselineError(f"{path}: needs at least one [[campaign]] table")
    campaigns: dict[str, Campaign] = {}
    specs: dict[str, str] = {}
    for i, entry in enumerate(entries):
        label, campaign = _campaign(path, i, entry, controller)
        if label in campaigns:
            raise BaselineError(f"{path}: [[campaign]] {i + 1}: label {label!r} used twice")
        campaigns[label], specs[label] = campaign, entry["scenario"]
    named = data.get("baseline", f"{path.stem}.baseline.json")
    if not isinstance(named, str):
        raise BaselineError(f"{path}: baseline: expected a file name")
    return Suite(
        path,
        baseline or path.parent / named,
        campaigns,
        _tolerances(path, data.get("tolerances", {})),
        specs,
    )


def _campaign(path: Path, i: int, entry: Any, controller: str) -> tuple[str, Campaign]:
    here = f"{path}: [[campaign]] {i + 1}"
    if not isinstance(entry, dict):
        raise BaselineError(f"{here}: expected a table")
    for key in entry:
        if key not in CAMPAIGN_KEYS:
            raise BaselineError(f"{here}: {key}: unknown key (keys: {', '.join(CAMPAIGN_KEYS)})")
    spec, runs = entry.get("scenario"), entry.get("runs")
    if not isinstance(spec, str):
        raise BaselineError(f"{here}: scenario: expected a built-in name or a file")
    if not isinstance(runs, int) or isinstance(runs, bool) or not 1 <= runs <= RUNS_MAX:
        raise BaselineError(f"{here}: runs: expected an integer from 1 to {RUNS_MAX}")
    beside = path.parent / spec
    try:
        scenario = load_scenario(str(beside) if beside.is_file() else spec)
    except ScenarioError as e:
        raise BaselineError(f"{here}: {e}") from None
    seed = entry.get("seed", scenario.seed)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise BaselineError(f"{here}: seed: expected an integer from 0 to 2**63 - 1")
    label = entry.get("label", scenario.name)
    if not isinstance(label, str) or not label:
        raise BaselineError(f"{here}: label: expected a string")
    every = entry.get("optimal_every", 0)
    if not isinstance(every, int) or isinstance(every, bool) or not 0 <= every <= RUNS_MAX:
        raise BaselineError(f"{here}: optimal_every: expected an integer from 0 to {RUNS_MAX}")
    return label, Campaign(scenario, runs, seed, controller, every)


def _tolerances(path: Path, table: Any) -> dict[str, dict[str, float]]:
    if not isinstance(table, dict):
        raise BaselineError(f"{path}: [tolerances]: expected a table")
    out = {}
    for pattern, value in table.items():
        spec = value if isinstance(value, dict) else {"abs": value}
        tol = {"abs": spec.get("abs", 0.0), "rel": spec.get("rel", 0.0)}
        bad = set(spec) - {"abs", "rel"}
        if bad or not all(_nonneg(v) for v in tol.values()):
            raise BaselineError(
                f"{path}: [tolerances] {pattern}: expected a number >= 0 or "
                "{ abs = A, rel = R } with A, R >= 0"
            )
        out[pattern] = {k: float(v) for k, v in tol.items()}
    return out


def _nonneg(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0


def figures(label: str, summary: CampaignSummary) -> dict[str, tuple[float | None, str, float]]:
    """(value, worse direction, default tolerance) of each figure of one campaign."""
    out: dict[str, tuple[float | None, str, float]] = {
        f"{label}.success_rate": (summary.outcome.success_rate, "down", 0.0),
        f"{label}.errors": (float(summary.outcome.error), "up", 0.0),
    }
    for m in METRICS:
        stats = summary.metrics[m.name].to_dict()
        for stat in STATS:
            out[f"{label}.{m.name}.{stat}"] = (stats[stat], m.worse, m.tolerance)
    return out


def baseline_record(
    suite: Suite, summaries: dict[str, CampaignSummary], version: str
) -> dict[str, Any]:
    """The baseline file's content: every figure with its tolerance."""
    entries: dict[str, Any] = {}
    for label, summary in summaries.items():
        for name, (value, worse, default) in figures(label, summary).items():
            tol = {"abs": default, "rel": 0.0}
            for pattern, given in suite.tolerances.items():
                if fnmatch.fnmatchcase(name, pattern):
                    tol = dict(given)
            entries[name] = {"value": value, "worse": worse, **tol}
    return {"format": FORMAT, "hilander": version, "suite": suite.describe(), "figures": entries}


def read_baseline(suite: Suite) -> dict[str, Any]:
    path = suite.baseline
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: no baseline yet: run 'hilander baseline record {suite.path}' first"
        ) from None
    except (OSError, ValueError) as e:
        raise BaselineError(f"{path}: cannot read the baseline: {e}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f"{path}: not a hilander baseline (format {FORMAT})")
    if data.get("suite") != suite.describe():
        raise BaselineError(
            f"{path}: the suite's campaigns changed since this baseline was recorded: "
            f"record it again ('hilander baseline record {suite.path}')"
        )
    return data


@dataclasses.dataclass(frozen=True)
class Move:
    name: str
    baseline: float | None
    now: float | None
    allowed: float
    status: str  # same, within, better, worse, changed

    @property
    def change(self) -> float | None:
        if self.baseline is None or self.now is None:
            return None
        return self.now - self.baseline


def compare(recorded: dict[str, Any], summaries: dict[str, CampaignSummary]) -> list[Move]:
    """Each recorded figure against the one just flown."""
    now = {
        name: value
        for label, summary in summaries.items()
        for name, (value, _, _) in figures(label, summary).items()
    }
    return [_move(name, entry, now.get(name)) for name, entry in recorded["figures"].items()]


def _move(name: str, entry: dict[str, Any], now: float | None) -> Move:
    base = entry["value"]
    allowed = float(entry["abs"]) + float(entry["rel"]) * abs(base or 0.0)
    if base is None or now is None:
        status = "same" if base is None and now is None else "changed"
        return Move(name, base, now, allowed, status)
    delta = now - base
    if delta == 0:
        status = "same"
    elif abs(delta) <= allowed * (1 + 1e-9):
        status = "within"
    else:
        worse = entry["worse"]
        bad = worse == "both" or (delta > 0) == (worse == "up")
        status = "worse" if bad else "better"
    return Move(name, base, now, allowed, status)


def check_table(moves: list[Move], strict: bool) -> tuple[str, bool]:
    """The table of what moved, and whether the check failed."""
    failing = {*FAILING} | ({"better"} if strict else set())
    moved = [m for m in moves if m.status != "same"]
    lines = []
    if moved:
        lines.append(
            f"{'figure':<50}{'baseline':>12}{'now':>12}{'change':>12}{'tolerance':>12}  status"
        )
        for m in moved:
            change = "-" if m.change is None else f"{m.change:+.4g}"
            mark = m.status.upper() if m.status in failing else m.status
            lines.append(
                f"{m.name:<50}{_num(m.baseline):>12}{_num(m.now):>12}{change:>12}"
                f"{'±' + format(m.allowed, '.4g'):>12}  {mark}"
            )
    counts = {
        s: sum(m.status == s for m in moves)
        for s in ("same", "within", "better", "worse", "changed")
    }
    lines.append(f"{len(moves)} figures: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    failed = any(m.status in failing for m in moves)
    return "\n".join(lines), failed


FAILING = ("worse", "changed")


def failing_runs(
    suite: Suite, moves: list[Move], summaries: dict[str, CampaignSummary], strict: bool
) -> dict[str, int]:
    """The worst run that flew (not an error) of each campaign with a figure
    that failed the check, by campaign label."""
    failing = {*FAILING, "better"} if strict else set(FAILING)
    labels = sorted(suite.campaigns, key=len, reverse=True)  # a label may hold a dot
    out: dict[str, int] = {}
    for m in moves:
        label = next((x for x in labels if m.name.startswith(f"{x}.")), None)
        if m.status not in failing or label is None or label in out:
            continue
        flown = [w.run for w in summaries[label].worst_runs if w.verdict != VERDICT_ERROR]
        if flown:
            out[label] = flown[0]
    return out


def cases_folder(suite: Suite) -> Path:
    """Where a failing check saves its cases: SUITE.failed/ beside the suite."""
    return suite.path.parent / f"{suite.path.stem}.failed"


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.6g}"
