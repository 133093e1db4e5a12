"""The ``--out`` folder of a command, claimed before anything is flown into it.

A folder that holds anything is refused (one line) unless ``--force``, which
removes the files *this command* writes there (its own names, listed below,
and ``worst/`` of a campaign) and leaves every other file alone: a rerun
never mixes its files with an earlier run's (a stale ``worst/run-1533``).
``--resume`` of a campaign expects the folder of the campaign it continues.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from hilander.hil.report.campaign_page import CAPTIONS as CAMPAIGN_CAPTIONS
from hilander.hil.report.campaign_page import WORST_DIR
from hilander.hil.report.files import OutputError, writing
from hilander.hil.report.pages import CAPTIONS, OPTIMAL_CAPTIONS
from hilander.hil.report.runs_file import JOURNAL, RUNS_CSV

REPORT = ("report.html", *CAPTIONS)
OWN_FILES = {
    "run": (
        "summary.json",
        "telemetry.csv",
        "scenario.toml",
        "link.csv",
        "back_to_back.csv",
        "flight.mcap",
        *REPORT,
    ),
    "campaign": (RUNS_CSV, JOURNAL, "summary.json", "report.html", *CAMPAIGN_CAPTIONS, WORST_DIR),
    "optimal": ("trajectory.csv", "summary.json", "report.html", *OPTIMAL_CAPTIONS),
    "replay": ("summary.json", "back_to_back.csv", *REPORT),
}


def claim(out: Path, kind: str, force: bool = False) -> None:
    """Make ``out`` ready for a command of ``kind`` (a key of OWN_FILES):
    made if missing; refused if it holds anything, unless ``force``, which
    removes the command's own files there first."""
    with writing(out):
        if out.exists() and not out.is_dir():
            raise OutputError(f"{out}: not a folder")
        if not out.exists():
            out.mkdir(parents=True)
            return
        if not force:
            count = sum(1 for _ in out.iterdir())
            if count:
                raise OutputError(
                    f"{out}: not empty ({count} entries); --force replaces hilander's "
                    f"{kind} files there and keeps the others"
                )
            return
        _clear(out, OWN_FILES[kind])


def clear_report(out: Path) -> None:
    """A resumed campaign's folder: what the interrupted run reported (its
    summary, report and worst runs) removed, its runs file and journal kept."""
    with writing(out):
        _clear(out, [n for n in OWN_FILES["campaign"] if n not in (RUNS_CSV, JOURNAL)])


def _clear(out: Path, names: Iterable[str]) -> None:
    for name in names:
        for path in (out / name, out / f".{name}.tmp"):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
