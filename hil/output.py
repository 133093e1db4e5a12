"""Writing a run's results: summary JSON, telemetry CSV, resolved scenario.

Files are written to a temporary name and renamed, so that an interrupted
run never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import io
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from hilander.sim.run import Landing
from hilander.sim.scenario import scenario_to_toml


class OutputError(OSError):
    """The output folder cannot be written; str() is one line."""


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
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
    """Write summary.json, telemetry.csv and scenario.toml into `out`."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        files = {
            "summary.json": to_json(summary) + "\n",
            "telemetry.csv": telemetry_csv(landing),
            "scenario.toml": scenario_to_toml(landing.scenario),
        }
        for name, text in files.items():
            write_atomic(out / name, text)
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
