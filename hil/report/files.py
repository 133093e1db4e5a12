"""Writing a run's results: summary JSON, telemetry CSV, resolved scenario,
a board session's link figures, and the report (PNG figures and a
self-contained report.html) where matplotlib is installed (the `report`
extra).

Files are written to a temporary name and renamed, so that an interrupted
run never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from hilander.hil.analysis.backtoback import BackToBack
from hilander.hil.analysis.optimal import Solution
from hilander.hil.report import html, pages
from hilander.hil.report.figures import plotting
from hilander.hil.report.mcap_flight import flight_mcap
from hilander.hil.session.linkstats import LinkStats
from hilander.hil.session.summary import Summary
from hilander.sim._world import COLUMNS
from hilander.sim.records import to_json
from hilander.sim.run import Landing
from hilander.sim.scenario import scenario_to_toml


class OutputError(OSError):
    """The output folder cannot be written; str() is one line."""


def write_atomic(path: Path, content: str | bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    if isinstance(content, bytes):
        tmp.write_bytes(content)
    else:
        tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)


def telemetry_csv(landing: Landing) -> str:
    """One row per control tick, unit-suffixed column names."""
    buf = io.StringIO()
    np.savetxt(
        buf,
        landing.telemetry,
        delimiter=",",
        fmt="%.9g",
        header=",".join(landing.columns),
        comments="",
    )
    return buf.getvalue()


class TelemetryStream:
    """telemetry.csv written a row at a time as a board session flies, each
    row flushed (as the recording is), so that a kill keeps the flight so
    far; at the normal end ``write_run`` replaces it with the whole file."""

    def __init__(self, out: Path) -> None:
        self.out = out
        with writing(out):
            out.mkdir(parents=True, exist_ok=True)
            self._file = open(out / "telemetry.csv", "w", encoding="utf-8")  # noqa: SIM115
            self._file.write(",".join(COLUMNS) + "\n")
            self._file.flush()
        self.rows = 0

    def __call__(self, row: npt.NDArray[np.float64]) -> None:
        with writing(self.out):
            self._file.write(",".join(f"{v:.9g}" for v in row.tolist()) + "\n")
            self._file.flush()
        self.rows += 1

    def close(self) -> None:
        """Close the file; one with no row (no session at all) is removed."""
        with writing(self.out):
            self._file.close()
            if not self.rows:
                (self.out / "telemetry.csv").unlink(missing_ok=True)


def write_run(
    out: Path,
    landing: Landing,
    summary: Summary,
    link: LinkStats | None = None,
    tally: BackToBack | None = None,
) -> list[Path]:
    """Write summary.json, telemetry.csv and scenario.toml into `out` (and a
    board session's link.csv, and back_to_back.csv where a reference ran),
    then the figures and report.html."""
    files: dict[str, str | bytes] = {
        "summary.json": summary.to_json() + "\n",
        "telemetry.csv": telemetry_csv(landing),
        "scenario.toml": scenario_to_toml(landing.scenario, landing.controller),
    }
    if link is not None:
        files["link.csv"] = link_csv(link)
    if tally is not None:
        files["back_to_back.csv"] = back_to_back_csv(tally)
    files["flight.mcap"] = flight_mcap(landing, summary, link, tally)
    written = write_files(out, files)
    return written + write_report(out, lambda: pages.run_report(landing, summary, link, tally))


def write_report(out: Path, make: Callable[[], html.Report]) -> list[Path]:
    """The figures (PNG) and report.html of ``make()``; where matplotlib is
    missing, nothing, and a one-line note on stderr (the data files that the
    caller wrote first are kept)."""
    if not plotting.available():
        print(f"hilander: note: no report.html: {plotting.EXTRA_HINT}", file=sys.stderr)
        return []
    date = report_date()
    report = make()
    files: dict[str, str | bytes] = {**report.figures}
    files["report.html"] = html.render(report, date)
    return write_files(out, files)


def report_date(environ: Mapping[str, str] = os.environ) -> str:
    """The date a report is stamped with (UTC, YYYY-MM-DD): that of
    SOURCE_DATE_EPOCH where it is set (the reproducible-builds convention:
    seconds since 1970), so that a report can be made byte for byte again;
    else today's."""
    text = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return datetime.datetime.now(datetime.UTC).date().isoformat()
    try:
        when = datetime.datetime.fromtimestamp(int(text), datetime.UTC)
    except (ValueError, OverflowError, OSError):
        raise OutputError(
            f"SOURCE_DATE_EPOCH={text!r}: not a date (whole seconds since 1970-01-01 UTC)"
        ) from None
    return when.date().isoformat()


def link_csv(link: LinkStats) -> str:
    """One row per event of the session: each command's round trip, the
    board's own step time and its cost (0: not counted), each late command's round trip (after its
    deadline or timeout, dropped), each deadline miss, each lockstep timeout."""
    lines = ["time_s,event,latency_us,board_compute_us,board_instructions"]
    answers = zip(
        link.answer_time_s, link.latencies_s, link.compute_us, link.instructions, strict=True
    )
    for t, lat, compute, cost in answers:
        lines.append(f"{t:.9g},command,{lat * 1e6:.1f},{compute},{cost}")
    late = zip(link.late_time_s, link.late_latencies_s, strict=True)
    lines += [f"{t:.9g},late_command,{lat * 1e6:.1f},," for t, lat in late]
    lines += [f"{t:.9g},deadline_miss,,," for t in link.miss_time_s]
    lines += [f"{t:.9g},timeout,,," for t in link.timeout_time_s]
    return "\n".join(lines) + "\n"


def back_to_back_csv(tally: BackToBack) -> str:
    """One row per step compared: the relative difference of each field."""
    names = list(tally.difference)
    lines = [",".join(["time_s", *names])]
    for i, t in enumerate(tally.time_s):
        lines.append(",".join([f"{t:.9g}", *(f"{tally.difference[n][i]:.6g}" for n in names)]))
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def writing(out: Path) -> Iterator[None]:
    """An OSError while writing under ``out`` becomes a one-line OutputError."""
    try:
        yield
    except OutputError:
        raise
    except OSError as e:
        raise OutputError(f"{out}: cannot write: {e.strerror or e}") from None


def write_files(out: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            write_atomic(out / name, content)
    return [out / name for name in files]


def write_json(path: Path, data: dict[str, Any]) -> None:
    """A JSON file (a baseline, say), its folder made if needed."""
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, to_json(data) + "\n")


def trajectory_csv(best: Solution) -> str:
    """One row per node; the thrust held from that node to the next (none on the last)."""
    thrust = np.vstack([best.thrust_N, np.full((1, 3), np.nan)])
    table = np.column_stack(
        [
            best.time_s,
            best.position_m,
            best.velocity_mps,
            best.mass_kg,
            thrust,
            np.linalg.norm(thrust, axis=1),
        ]
    )
    header = (
        "time_s,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,mass_kg,thrust_x_N,thrust_y_N,thrust_z_N,thrust_N"
    )
    buf = io.StringIO()
    np.savetxt(buf, table, delimiter=",", fmt="%.9g", header=header, comments="")
    return buf.getvalue()


def write_optimal(
    out: Path, best: Solution, summary: dict[str, Any], report: Callable[[], html.Report]
) -> list[Path]:
    """trajectory.csv, the report (figures, report.html), then summary.json
    listing them (into ``summary["files"]``)."""
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
        write_atomic(out / "trajectory.csv", trajectory_csv(best))
        paths = [out / "trajectory.csv", out / "summary.json", *write_report(out, report)]
        summary["files"] = [str(p) for p in paths]
        write_atomic(out / "summary.json", to_json(summary) + "\n")
    return paths
