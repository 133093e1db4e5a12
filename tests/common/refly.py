"""Re-flying a saved scenario: what "the same landing, bit for bit" means in
the tests, for a landing in memory and for the files of ``--out``."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from hilander.sim.result import summarize
from hilander.sim.run import Landing, fly
from hilander.sim.scenario import Scenario, parse_scenario, scenario_to_toml


def comparable(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary's dict without what a re-fly may change: the scenario's name
    and source, the wall time and the files written."""
    out = json.loads(json.dumps(summary))  # a deep copy
    out.pop("files", None)
    for key in ("name", "source"):
        out["scenario"].pop(key, None)
    out["sim"].pop("wall_time_s", None)
    return out


def _bits(value: Any) -> Any:
    """A value as what identifies it bit for bit (arrays as bytes, floats as repr)."""
    if isinstance(value, np.ndarray):
        return (value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, dict):
        return {k: _bits(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_bits(v) for v in value]
    return repr(value)


def assert_same_landing(flown: Landing, again: Landing) -> None:
    """Telemetry, event records and summary identical bit for bit."""
    assert again.telemetry.shape == flown.telemetry.shape
    assert again.telemetry.tobytes() == flown.telemetry.tobytes()
    assert _bits(again.records) == _bits(flown.records)
    a, b = summarize(flown).to_dict(), summarize(again).to_dict()
    assert comparable(b) == comparable(a)


def refly(scenario: Scenario, flown: Landing | None = None) -> Landing:
    """The scenario written as TOML, parsed and flown; checked equal to
    ``flown`` (the scenario flown directly, if not given)."""
    text = scenario_to_toml(scenario)
    again = parse_scenario(text, "refly.toml")
    landing = fly(again)
    assert_same_landing(fly(scenario) if flown is None else flown, landing)
    return landing


def assert_same_files(run_dir: Path, refly_dir: Path) -> None:
    """The summary.json and telemetry.csv of a run and of its re-fly
    (``hilander sim RUN/scenario.toml --out REFLY``) equal."""
    a = json.loads((run_dir / "summary.json").read_text())
    b = json.loads((refly_dir / "summary.json").read_text())
    assert comparable(b) == comparable(a)
    with (run_dir / "telemetry.csv").open() as f, (refly_dir / "telemetry.csv").open() as g:
        assert list(csv.reader(g)) == list(csv.reader(f))
