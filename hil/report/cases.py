"""The cases a failing ``hilander baseline check`` saves: the worst run of each
campaign whose figures failed, flown again into ``SUITE.failed/LABEL-run-K/``
with the files of ``hilander sim --out`` (its scenario.toml re-flies it).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from hilander.hil.campaign.executors import Campaign
from hilander.hil.report.files import write_run, writing
from hilander.sim.campaign import dispersed
from hilander.sim.controllers import desk_factory
from hilander.sim.result import summarize
from hilander.sim.run import fly


def write_cases(folder: Path, cases: dict[str, tuple[Campaign, int]]) -> list[Path]:
    """Each case (campaign label: the campaign and its run) flown again into
    ``folder``; the cases an earlier check saved there are removed first (a
    check that passes leaves none). The scenario.toml of each, in order."""
    with writing(folder):
        _clear(folder)
    saved = []
    for label, (campaign, run) in cases.items():
        out = folder / re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{label}-run-{run}")
        make = desk_factory(campaign.controller)
        computer = None if make is None else make()
        scenario = dispersed(campaign.scenario, campaign.seed, run)
        landing = fly(scenario, computer, None if computer is None else campaign.controller)
        write_run(out, landing, summarize(landing))
        saved.append(out / "scenario.toml")
    return saved


def _clear(folder: Path) -> None:
    """The case folders of an earlier check (those holding a scenario.toml)
    removed, and ``folder`` itself if that leaves it empty."""
    if not folder.is_dir():
        return
    for sub in folder.iterdir():
        if sub.is_dir() and (sub / "scenario.toml").is_file():
            shutil.rmtree(sub)
    if not any(folder.iterdir()):
        folder.rmdir()
