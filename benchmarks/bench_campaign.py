"""Benchmark of campaigns: landings per second serially, on local processes
and on a Dask LocalCluster, and Dask's cost per task.

    python benchmarks/bench_campaign.py [--runs 10000] [--workers 2] [--no-dask] [--json]

Reports:
- one run serially (draws, world, landing, summary, row), ms per run over
  500 runs of the default scenario's campaign;
- the whole campaign of --runs landings on --workers local processes, wall
  time from the call to the last row (worker start-up included);
- the same campaign on a Dask LocalCluster of --workers processes (one
  thread each), cluster start-up excluded, and whether its rows equal the
  local processes' rows;
- Dask's overhead per task: empty tasks (a chunk of no runs) submitted and
  gathered, wall time per task.

Wall-clock on a shared machine: run it twice and read the slower.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from typing import Any

from hilander.hil.campaign.executors import Campaign, fly_campaign, run_chunk
from hilander.hil.campaign.summary import runs_csv
from hilander.sim.scenario import load_scenario


def serial_ms_per_run(c: Campaign, runs: int) -> float:
    start = time.perf_counter()
    fly_campaign(Campaign(c.scenario, runs, c.seed))
    return (time.perf_counter() - start) / runs * 1e3


def local(c: Campaign, workers: int) -> tuple[float, str]:
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    result = fly_campaign(c, workers=workers, record=rows.extend)
    wall = time.perf_counter() - start
    assert result.table.verdicts.keys() == {"pass"}, "a landing failed"
    return wall, runs_csv(c, rows)


def dask(c: Campaign, workers: int, rows: str) -> dict[str, Any]:
    from distributed import Client, LocalCluster  # noqa: PLC0415 - optional

    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        flown: list[dict[str, Any]] = []
        start = time.perf_counter()
        fly_campaign(c, scheduler=cluster.scheduler_address, record=flown.extend)
        wall = time.perf_counter() - start
        with Client(cluster) as client:  # type: ignore[no-untyped-call]
            tasks = 2000
            start = time.perf_counter()
            futures = [
                client.submit(run_chunk, c.scenario, c.seed, "compiled", [], pure=False)
                for _ in range(tasks)
            ]
            client.gather(futures)
            per_task = (time.perf_counter() - start) / tasks
    return {
        "wall_s": round(wall, 2),
        "runs_per_s": round(c.runs / wall, 1),
        "identical_to_local": runs_csv(c, flown) == rows,
        "overhead_per_task_ms": round(per_task * 1e3, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    c = Campaign(load_scenario("default"), args.runs, 1)
    ms = serial_ms_per_run(c, 500)
    wall, rows = local(c, args.workers)
    report: dict[str, Any] = {
        "machine": f"{platform.machine()} {platform.python_version()}",
        "runs": args.runs,
        "workers": args.workers,
        "serial_ms_per_run": round(ms, 2),
        "local_wall_s": round(wall, 2),
        "local_runs_per_s": round(args.runs / wall, 1),
    }
    if not args.no_dask:
        report["dask"] = dask(c, args.workers, rows)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for key, value in report.items():
        print(f"{key:<20} {value}")


if __name__ == "__main__":
    main()
