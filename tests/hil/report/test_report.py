"""report.html of a landing: generated, parsed (the verdict, every figure
inline, the limits table, the stamp); the telemetry's columns; table numbers.
The pages opened in a browser: test_browser."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import hashlib
import io
import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest

from hilander.hil.cli.main import main
from hilander.hil.report.figures import plotting
from hilander.hil.report.files import write_run
from hilander.hil.report.html import number
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from tests.common.reportparse import Parsed, parse_report


def report_of(name: str, out: Path) -> tuple[Parsed, list[Path]]:
    landing = fly(load_scenario(name))
    files = write_run(out, landing, summarize(landing))
    return parse_report(out), files


@pytest.mark.parametrize(("name", "figure_count"), [("default", 7), ("phoenix", 6), ("mer", 7)])
def test_the_report_holds_the_verdict_and_every_figure(
    tmp_path: Path, name: str, figure_count: int
) -> None:
    parsed, files = report_of(name, tmp_path)
    assert parsed.verdict == "PASS"
    pngs = sorted(p.name for p in files if p.suffix == ".png")
    assert sorted(parsed.images) == pngs and len(pngs) == figure_count
    assert "touchdown_zoom.png" in pngs and "navigation.png" in pngs
    assert parsed.headings == ["Violations", "Summary", "Limits", "Figures"]


LIMIT_NAMES = {
    "default": [
        "touchdown vertical speed",
        "touchdown horizontal speed",
        "distance to the chosen site",
        "tether cut after touchdown",
        "descent stage down from the rover",
        "propellant left at the cut",
        "touchdown on a hazard",
    ],
    "phoenix": [
        "touchdown vertical speed",
        "touchdown horizontal speed",
        "distance to the chosen site",
        "engine cutoff after touchdown",
        "propellant left at engine cutoff",
        "touchdown on a hazard",
    ],
    "mer": [
        "touchdown vertical speed",
        "touchdown horizontal speed",
        "distance to the chosen site",
        "backshell down from the lander",
        "touchdown on a hazard",
    ],
}


@pytest.mark.parametrize("name", sorted(LIMIT_NAMES))
def test_the_limits_table_gives_each_limit_its_value_and_margin(tmp_path: Path, name: str) -> None:
    parsed, _ = report_of(name, tmp_path)
    header, *rows = parsed.tables["Limits"]
    assert header == ["limit", "required", "value", "margin", "result", "violation"]
    assert [r[0] for r in rows] == LIMIT_NAMES[name]
    assert all(r[4] == "pass" and r[5] == "" for r in rows)
    summary = json.loads((tmp_path / "summary.json").read_text())
    td, lim = summary["touchdown"], load_scenario(name).limits
    vertical = rows[0]
    assert vertical[2] == f"{td['vertical_speed_mps']:.4g} m/s"
    nearer = min(
        td["vertical_speed_mps"] - lim.touchdown_vertical_speed_min_mps,
        lim.touchdown_vertical_speed_max_mps - td["vertical_speed_mps"],
    )
    assert vertical[3] == f"+{nearer:.4g} m/s"
    miss = rows[2]
    assert miss[1] == f"≤ {number(lim.site_miss_max_m)} m"
    assert miss[3] == f"+{number(lim.site_miss_max_m - td['distance_to_site_m'])} m"


def test_a_limit_broken_shows_fail_and_a_negative_margin(tmp_path: Path) -> None:
    s = load_scenario("default")
    strict = dataclasses.replace(s.limits, touchdown_vertical_speed_max_mps=0.7)
    landing = fly(dataclasses.replace(s, limits=strict))
    summary = summarize(landing)
    write_run(tmp_path, landing, summary)
    rows = {r[0]: r for r in parse_report(tmp_path).tables["Limits"][1:]}
    speed = summary.touchdown.vertical_speed_mps if summary.touchdown else None
    assert speed is not None and speed > 0.7 and summary.verdict == "fail"
    assert rows["touchdown vertical speed"][3] == f"-{speed - 0.7:.4g} m/s"
    assert rows["touchdown vertical speed"][4:] == ["fail", "touchdown_vertical_speed"]
    assert rows["touchdown horizontal speed"][4] == "pass"


def test_every_page_is_stamped_with_the_version_the_scenario_and_the_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01 00:00:00 UTC
    parsed, _ = report_of("default", tmp_path / "a")
    toml = (tmp_path / "a" / "scenario.toml").read_text(encoding="utf-8").splitlines()
    content = "\n".join(line for line in toml if not line.startswith("#"))
    short = hashlib.sha256(content.encode()).hexdigest()[:12]
    assert parsed.stamp == f"hilander {version('hilander')} · scenario {short} · 2025-12-01"
    report_of("default", tmp_path / "b")
    html_a = (tmp_path / "a" / "report.html").read_bytes()
    assert html_a == (tmp_path / "b" / "report.html").read_bytes()


def test_the_scenario_hash_is_the_same_whatever_the_file_was_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    stamps = [report_of("default", Path("s1"))[0].stamp]
    for name in ("s1/scenario.toml", "./s1/scenario.toml", str(tmp_path / "s1" / "scenario.toml")):
        out = Path(f"again-{len(stamps)}")
        assert load_scenario(name).source == name
        stamps.append(report_of(name, out)[0].stamp)
        assert f'"{name}"' in (out / "scenario.toml").read_text(encoding="utf-8")
    assert len(set(stamps)) == 1, stamps


def test_without_source_date_epoch_the_date_is_todays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.datetime.now(datetime.UTC).date().isoformat()
    parsed, _ = report_of("default", tmp_path)
    after = datetime.datetime.now(datetime.UTC).date().isoformat()
    assert parsed.stamp.rsplit(" · ", 1)[1] in (before, after)


def test_a_malformed_source_date_epoch_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert main(["sim", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hilander: error: SOURCE_DATE_EPOCH='yesterday': not a date")
    assert err.count("\n") == 1


def test_the_telemetry_has_the_navigation_error_and_the_tilt(tmp_path: Path) -> None:
    report_of("default", tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "telemetry.csv").read_text())))
    tilt = np.array([float(r["tilt_rad"]) for r in rows])
    nav = np.array([float(r["nav_error_m"]) for r in rows])
    # the thrust leans during the divert; the navigation solution is never exact
    assert tilt.min() >= 0.0 and 0.05 < tilt.max() < np.pi / 2
    assert (nav > 0.0).all() and nav.max() < 50.0


def test_table_numbers_have_thousands_separators_not_exponents() -> None:
    assert [number(v) for v in (11130.0, 193923, 0.2501, 118.1, 1e-9, 0.0)] == [
        "11,130",
        "193,923",
        "0.2501",
        "118.1",
        "1e-09",
        "0",
    ]


def test_a_failed_landing_shows_its_violations(tmp_path: Path) -> None:
    s = load_scenario("default")
    weak = s.law.replace(td_contact_samples=2, tether_cut_delay_s=10.0)
    landing = fly(dataclasses.replace(s, law=weak))
    summary = summarize(landing)
    write_run(tmp_path, landing, summary)
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert summary.verdict == "fail" and ">FAIL<" in text
    assert all(v.split()[0] in text for v in summary.violations)


def test_without_matplotlib_the_data_files_are_written_and_a_note_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(plotting, "plt", None)
    landing = fly(load_scenario("default"))
    files = write_run(tmp_path, landing, summarize(landing))
    data = ["flight.mcap", "scenario.toml", "summary.json", "telemetry.csv"]
    assert sorted(p.name for p in files) == data
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'hilander[report]'" in err
