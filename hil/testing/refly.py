"""What the pytest plugin leaves of a failed test's last flights: each
flight's scenario.toml (with ``--hil-report``, its whole report) in a folder
named after the test and the flight (the flight folders an earlier session
left for the test are removed first), and the commands that fly it again.

    DIR/tests_test_landing.py_test_corners/flight-37-default-seed-0/scenario.toml
    hilander sim DIR/tests_test_landing.py_test_corners/flight-37-default-seed-0/scenario.toml
    hilander sim default --seed 0          # where the name and seed say it all

The file is what ``hilander sim`` flies again bit for bit (every value
resolved: a hypothesis example, a campaign run, a scenario changed in the
test); the name form is printed too where it flies the same landing (a
built-in or a file with a seed, or a run of ``campaign_runs``:
``--seed S --run K``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from hilander.hil.report.files import OutputError, write_files, write_run
from hilander.sim.campaign import dispersed
from hilander.sim.scenario import Scenario, load_scenario, scenario_to_toml
from hilander.sim.schema import ScenarioError
from hilander.testing import CAMPAIGN_RUNS, Flight
from hilander.testing.options import Settings


@dataclass(frozen=True)
class Kept:
    """A flight kept for the failure report: its number in its test (from 1)."""

    number: int
    flight: Flight


def safe_name(text: str) -> str:
    """``text`` as a folder name: runs of other characters as one ``_``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")


def case_folder(folder: Path, nodeid: str, kept: Kept) -> Path:
    """FOLDER/TEST/flight-N-SCENARIO-seed-S: one per flight of a session."""
    s = kept.flight.landing_summary.scenario
    case = f"flight-{kept.number}-{s.name}-seed-{s.seed}"
    return folder / safe_name(nodeid) / safe_name(case)


def law_of(flight: Flight, settings: Settings) -> str:
    """The law that flew: the desk's, or on a board the one the plugin gave
    the virtual board (``--hil-controller``); "compiled" otherwise (the
    board's firmware, or the compiled law)."""
    if flight.link is None:
        return flight.landing.controller
    return (
        settings.controller if settings.board == "virtual" and settings.controller else "compiled"
    )


def save(out: Path, kept: Kept, settings: Settings, whole: bool) -> list[Path]:
    """Write the flight's scenario.toml into ``out``; ``whole``: its report
    too (``hilander sim --out``'s files). OutputError (one line) if it cannot.
    Its comment names the law where it was not the compiled one."""
    landing = kept.flight.landing
    law = law_of(kept.flight, settings)
    if kept.flight.link is not None and law != "compiled":
        landing = dataclasses.replace(landing, controller=f"{landing.controller} with {law}")
    if whole:
        return write_run(out, landing, kept.flight.summary)
    return write_files(
        out, {"scenario.toml": scenario_to_toml(landing.scenario, landing.controller)}
    )


def fly_again(out: Path | None, kept: Kept, settings: Settings, here: Path) -> list[str]:
    """The lines of the failure report for one flight: what it was, and the
    commands to paste (``out``: where its scenario.toml is, None if unwritten)."""
    flight = kept.flight
    s = flight.landing.scenario
    lines = [
        f"flight {kept.number}: {s.name} seed {s.seed} on the {flight.where}: {flight.verdict}"
    ]
    specs = [] if out is None else [[_shown(out / "scenario.toml", here)]]
    named = by_name(s)
    specs += [] if named is None else [named]
    law = law_of(flight, settings)
    desk = [] if law == "compiled" else ["--controller", law]
    for spec in specs:
        if flight.link is None:
            lines.append(_command(["hilander", "sim", *spec, *desk]))
        else:
            lines += _on_board(spec, settings, desk)
    if not specs:
        lines.append("(its scenario.toml could not be written: see above)")
    return lines


def _on_board(spec: list[str], settings: Settings, desk: list[str]) -> list[str]:
    link = [] if settings.mode == "lockstep" else ["--mode", settings.mode]
    link += ["--timeout", f"{settings.timeout_s:g}", "--retries", str(settings.retries)]
    if settings.board is None:
        port = settings.port or "PORT"
        board = ["--baud", str(settings.baud)]
    else:
        port = "PORT"
        board = []
        start = ["--virtual"] if settings.board == "virtual" else ["--firmware", settings.board]
        start += desk  # the virtual board's law
        board_line = _command(["hilander", "board", *start])
    lines = [_command(["hilander", "hil", *spec, "--port", port, *board, *link])]
    if settings.board is not None:
        lines = [f"{board_line}   # prints PORT; then, beside it:", *lines]
    return [*lines, _command(["hilander", "sim", *spec, *desk]) + "   # the same on the desk"]


def by_name(s: Scenario) -> list[str] | None:
    """``NAME --seed S`` (or ``NAME --seed S --run K``) if ``hilander sim``
    flies exactly ``s`` from them, else None."""
    try:
        base = load_scenario(s.source)
    except (ScenarioError, OSError):
        return None
    flown = scenario_to_toml(s)
    if scenario_to_toml(base.with_seed(s.seed)) == flown:
        return [s.source, "--seed", str(s.seed)]
    run = CAMPAIGN_RUNS.get((s.name, s.seed))
    if run is not None and scenario_to_toml(dispersed(base, *run)) == flown:
        return [s.source, "--seed", str(run[0]), "--run", str(run[1])]
    return None


def _shown(path: Path, here: Path) -> str:
    """The path as the user pastes it from where pytest ran: relative below it."""
    full = path if path.is_absolute() else Path.cwd() / path
    try:
        return str(full.relative_to(here))
    except ValueError:
        return os.path.abspath(full)


def _command(words: list[str]) -> str:
    return "  " + shlex.join(words)


def clear(test_folder: Path) -> list[str]:
    """Remove the flight folders an earlier session left in the test's folder
    (only those: flight-*); a line for each that could not be removed."""
    lines = []
    for old in sorted(test_folder.glob("flight-*")):
        try:
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old)
        except OSError as e:
            lines.append(f"not removed: {old}: {e.strerror}")
    return lines


def report_lines(
    folder: Path, nodeid: str, flights: list[Kept], settings: Settings, whole: bool, here: Path
) -> tuple[list[str], list[str]]:
    """Save each flight into ``folder``; the failure report's lines, and the
    files written (report.html, or the folder) for the session's summary."""
    lines = clear(folder / safe_name(nodeid))
    written: list[str] = []
    for kept in flights:
        out = case_folder(folder, nodeid, kept)
        try:
            files = save(out, kept, settings, whole)
        except OutputError as e:
            lines += [f"not written: {e}", *fly_again(None, kept, settings, here)]
            continue
        if whole:
            html = [str(f) for f in files if f.name == "report.html"]
            written += html or [f"{out}/ (the data: no report.html without matplotlib)"]
        lines += fly_again(out, kept, settings, here)
    return lines, written
