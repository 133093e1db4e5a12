"""The landing summary is a typed record whose JSON is the output contract of
``hilander sim --json``: byte for byte what version 0.6 printed, for every
built-in scenario (wall times aside). The golden files in tests/data/summaries
were written by 0.6.0 (dict summaries) with ``hilander sim NAME --json``, those
of scenarios added since (the MSR landers, slope-tip, stuck-engine) when each
was added; a key renamed, reordered or rounded differently fails here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from hilander.controller.reference import ReferenceLaw
from hilander.sim.catalog import flyable_names
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from hilander.sim.summary import LandingSummary, Touchdown

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "summaries"
WALL_TIME = re.compile(r'"wall_time_s": [0-9.e+-]+')


def without_wall_time(text: str) -> str:
    return WALL_TIME.sub('"wall_time_s": 0', text)


def test_every_flyable_scenario_has_a_golden_summary() -> None:
    assert {p.stem for p in GOLDEN.glob("*.json")} >= set(flyable_names())


@pytest.mark.parametrize("name", flyable_names())
def test_the_summary_prints_as_version_0_6_did(name: str) -> None:
    summary = summarize(fly(load_scenario(name)))
    assert isinstance(summary, LandingSummary)
    text = without_wall_time(summary.to_json() + "\n")
    assert text == (GOLDEN / f"{name}.json").read_text(), f"{name}: the JSON changed"


def test_the_reference_law_summary_prints_as_version_0_6_did() -> None:
    summary = summarize(fly(load_scenario("default"), ReferenceLaw(), name="reference"))
    text = without_wall_time(summary.to_json() + "\n")
    assert text == (GOLDEN / "default-reference.json").read_text()


def test_the_record_is_typed_and_its_dict_is_the_json() -> None:
    summary = summarize(fly(load_scenario("default")))
    assert isinstance(summary.touchdown, Touchdown)
    assert (
        summary.touchdown.vertical_speed_mps == summary.to_dict()["touchdown"]["vertical_speed_mps"]
    )
    assert "files" not in summary.to_dict()  # left out until --out writes some
    with_files = summary.with_files(["a/summary.json"])
    assert list(with_files.to_dict())[-1] == "files"
    assert with_files.to_dict()["files"] == ["a/summary.json"]


def test_the_summary_benchmark_runs() -> None:
    """The command docs/performance.md shows (its figures are not asserted)."""
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_summary.py"
    done = subprocess.run(
        [sys.executable, str(script), "--repeat", "1"], capture_output=True, text=True, check=True
    )
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert names == ["summarize_us", "to_json_us", "landing_us"]
