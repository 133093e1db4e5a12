"""Writing a run's results: summary JSON, telemetry CSV, resolved scenario,
and the report (PNG figures and a self-contained report.html) where
matplotlib is installed (the `report` extra).

Files are written to a temporary name and renamed, so that an interrupted
run never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import io
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from hilander.hil import figures, html_report
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


def write_run(out: Path, landing: Landing, summary: dict[str, Any]) -> list[Path]:
    """Write summary.json, telemetry.csv and scenario.toml into `out`, then
    the figures and report.html (skipped, with a one-line note on stderr,
    where matplotlib is missing: the data files are written first)."""
    files: dict[str, str | bytes] = {
        "summary.json": to_json(summary) + "\n",
        "telemetry.csv": telemetry_csv(landing),
        "scenario.toml": scenario_to_toml(landing.scenario),
    }
    written = _write_files(out, files)
    if not figures.available():
        print(f"hilander: note: no report.html: {figures.EXTRA_HINT}", file=sys.stderr)
        return written
    pngs = figures.run_figures(landing, summary)
    title = f"hilander: {landing.scenario.name} ({landing.controller})"
    report: dict[str, str | bytes] = {**pngs}
    report["report.html"] = html_report.render(summary, pngs, title)
    return written + _write_files(out, report)


def _write_files(out: Path, files: dict[str, str | bytes]) -> list[Path]:
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            write_atomic(out / name, content)
    except OSError as e:
        raise OutputError(f"{out}: cannot write: {e.strerror or e}") from None
    return [out / name for name in files]


def _clean(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    return x


def to_json(summary: dict[str, Any]) -> str:
    """Strict JSON (no NaN), keys in their given order."""
    return json.dumps(_clean(summary), indent=2, allow_nan=False)
