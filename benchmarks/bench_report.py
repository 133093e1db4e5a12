"""Benchmark of the reports: what `--out DIR` adds to a run.

    python benchmarks/bench_report.py [--runs 1000] [--repeat 3] [--json]

Reports, each the best of --repeat, wall time on this machine:
- one landing's figures, each figure alone, and its report written whole
  (write_run: the data files, 7 figures and report.html; the default scenario);
- a campaign of --runs runs (flown once, outside the timing): the three
  campaign figures, and the whole report, the worst five runs flown again
  with their own reports included;
- the size of each report.html.

Wall-clock on a shared machine: run it twice and read the slower.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hilander.hil.campaign.executors import Campaign, fly_campaign
from hilander.hil.campaign.summary import dispersion_columns, summarize_campaign
from hilander.hil.report.campaign_page import write_campaign_report
from hilander.hil.report.figures import campaign as campaign_fig
from hilander.hil.report.figures import landing as landing_fig
from hilander.hil.report.files import write_run
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from hilander.sim.world import build_world


def best_s(repeat: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def landing_figures(repeat: int, out: Path) -> dict[str, float]:
    landing = fly(load_scenario("default"))
    summary = summarize(landing)
    makers: dict[str, Callable[[], Any]] = {
        "altitude_speed": lambda: landing_fig.altitude_speed(landing),
        "thrust_throttle": lambda: landing_fig.thrust_throttle(landing),
        "touchdown_zoom": lambda: landing_fig.touchdown_zoom(landing, summary),
        "navigation": lambda: landing_fig.navigation(landing),
        "timeline": lambda: landing_fig.timeline(landing),
        "ground_track": lambda: landing_fig.ground_track(landing, summary),
        "bridle": lambda: landing_fig.bridle_load(landing),
    }
    result = {f"{name}_s": best_s(repeat, make) for name, make in makers.items()}
    result["report_s"] = best_s(repeat, lambda: write_run(out / "sim", landing, summary))
    result["report_html_kB"] = (out / "sim" / "report.html").stat().st_size / 1e3
    return result


def campaign_figures(runs: int, repeat: int, out: Path) -> dict[str, float]:
    scenario = load_scenario("default")
    campaign = fly_campaign(Campaign(scenario, runs, 1), workers=2)
    summary = summarize_campaign(campaign)
    terrain = build_world(scenario)[1]
    columns = dispersion_columns(campaign.campaign)
    rows = campaign.table
    return {
        "runs": runs,
        "touchdown_map_s": best_s(repeat, lambda: campaign_fig.touchdown_map(rows, terrain, False)),
        "touchdown_speeds_s": best_s(
            repeat, lambda: campaign_fig.touchdown_histograms(rows, scenario.limits)
        ),
        "success_by_parameter_s": best_s(
            repeat, lambda: campaign_fig.success_by_parameter(rows, columns)
        ),
        "report_s": best_s(
            repeat, lambda: write_campaign_report(out / "campaign", campaign, summary, 1.0)
        ),
        "report_html_kB": (out / "campaign" / "report.html").stat().st_size / 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        result = {
            "machine": platform.platform(),
            "landing": landing_figures(args.repeat, out),
            "campaign": campaign_figures(args.runs, args.repeat, out),
        }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for part in ("landing", "campaign"):
        print(part)
        for key, value in result[part].items():
            print(f"  {key:<26} {value:.3f}")


if __name__ == "__main__":
    main()
