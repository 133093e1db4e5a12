"""The campaign's parent keeps per-column arrays, not a row per run: over
20,000 runs (a cheap stand-in for the flight, at the executors' seam) what it
holds beyond the numbers themselves does not grow with the runs."""

from __future__ import annotations

import math
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from hilander.hil.campaign import executors
from hilander.hil.campaign.executors import Campaign, fly_campaign
from hilander.hil.campaign.summary import csv_columns, summarize_campaign
from hilander.hil.report.runs_file import RunsFile
from hilander.sim.campaign import METRIC_NAMES, POSITION_NAMES
from hilander.sim.dispersions import run_seed
from hilander.sim.scenario import load_scenario

RUNS = 20_000
BYTES_PER_RUN_MAX = 200  # what the parent keeps per run beyond the numbers


def stand_in(
    scenario: Any,
    seed: int,
    controller: str,
    runs: list[int],
    optimal_every: int = 0,
    check_failures: bool = False,
) -> list[dict[str, Any]]:
    """Rows shaped as a flight's (every column), at no cost; one run in
    seven fails, one in a hundred raises."""
    columns = [c for c in csv_columns(Campaign(scenario, 1, seed)) if c.startswith(("init", "veh"))]
    rows = []
    for k in runs:
        row: dict[str, Any] = {"run": k, "seed": run_seed(seed, k)}
        if k % 100 == 99:
            rows.append({**row, "verdict": "error", "error": f"ValueError: run {k}"})
            continue
        failed = k % 7 == 3
        row["verdict"] = "fail" if failed else "pass"
        row.update({name: math.sin(k + i) for i, name in enumerate(METRIC_NAMES)})
        row.update({name: float(k % 50) for name in (*POSITION_NAMES, *columns)})
        row["violations"] = "touchdown too fast" if failed else ""
        row["violation_kinds"] = ["touchdown_vertical_speed"] if failed else []
        rows.append(row)
    return rows


def held_beyond_numbers(runs: int, out: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """The parent's peak traced memory while it flies ``runs`` runs into
    ``out``, less the table's arrays."""
    monkeypatch.setattr(executors, "run_chunk", stand_in)
    c = Campaign(load_scenario("default"), runs, 1)
    runs_file = RunsFile(out, c)
    runs_file.start()
    tracemalloc.start()
    try:
        result = fly_campaign(c, record=runs_file)
        summary = summarize_campaign(result)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        runs_file.close()
    assert summary.campaign.flown == runs and summary.outcome.error == runs // 100
    assert summary.violations["touchdown_vertical_speed"].runs == len(
        [k for k in range(runs) if k % 7 == 3 and k % 100 != 99]
    )
    assert [w.verdict for w in summary.worst_runs][: runs // 100] == ["error"] * min(
        10, runs // 100
    )
    assert [e.run for e in summary.errors] == [k for k in range(runs) if k % 100 == 99][:20]
    assert (out / "runs.csv").read_bytes().count(b"\n") == runs + 1
    return peak - result.table.nbytes()


def test_the_parent_holds_no_row_per_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    held_beyond_numbers(RUNS // 100, tmp_path / "warm", monkeypatch)  # imports, caches
    small = held_beyond_numbers(RUNS // 10, tmp_path / "small", monkeypatch)
    large = held_beyond_numbers(RUNS, tmp_path / "large", monkeypatch)
    per_run = (large - small) / (RUNS - RUNS // 10)
    # before: about 3 KB a run (a dict per run, and every future kept)
    assert per_run < BYTES_PER_RUN_MAX, f"{per_run:.0f} B a run"
