"""The reports of a board session, a campaign, an optimal solve and a replay:
each generated, parsed (its verdict, every figure, its tables and links), and
its data files read back against the summary."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from pathlib import Path

import pytest

from hilander.hil.board.board import BoardOptions
from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.campaign.executors import Campaign, CampaignResult, fly_campaign
from hilander.hil.campaign.summary import CampaignSummary, summarize_campaign
from hilander.hil.campaign.table import RunTable
from hilander.hil.cli.main import main
from hilander.hil.report.campaign_page import write_campaign
from hilander.hil.report.figures import plotting
from hilander.hil.report.runs_file import RunsFile
from hilander.sim.campaign import POSITION_NAMES
from hilander.sim.scenario import load_scenario
from tests.common.reportparse import parse_report

RUN_FIGURES = {
    "altitude_speed.png",
    "thrust_throttle.png",
    "timeline.png",
    "ground_track.png",
    "bridle.png",
    "touchdown_zoom.png",
    "navigation.png",
}


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_a_hil_report_has_the_link_figures_and_the_back_to_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "hil"
    with VirtualBoard() as board:
        args = ["hil", "--port", board.path, "--out", str(out), "--reference", "reference"]
        code = main([*args, "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["verdict"] == "pass"
    parsed = parse_report(out)
    assert parsed.verdict == "PASS"
    assert set(parsed.images) == RUN_FIGURES | {"latency.png", "back_to_back.png"}
    assert {"Link", "Back to back"} <= set(parsed.headings)
    b2b = summary["back_to_back"]
    assert b2b["reference"] == "reference" and b2b["verdict"] == "identical"
    assert b2b["commands_compared"] == summary["sim"]["control_ticks"]
    link = _csv(out / "link.csv")
    assert sum(r["event"] == "command" for r in link) == summary["sim"]["control_ticks"]
    assert all(float(r["latency_us"]) > 0 for r in link if r["event"] == "command")
    steps = _csv(out / "back_to_back.csv")
    assert len(steps) == b2b["commands_compared"]
    assert all(float(r["thrust_S_N"]) == 0.0 for r in steps)
    assert str(out / "report.html") in summary["files"]


def test_a_late_board_report_counts_its_deadline_misses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "late"
    with VirtualBoard(BoardOptions(step_delay_s=0.006)) as slow:
        args = ["hil", "--port", slow.path, "--mode", "realtime", "--speedup", "20"]
        main([*args, "--out", str(out), "--reference", "compiled", "--json"])
    summary = json.loads(capsys.readouterr().out)
    misses = summary["link"]["deadline_misses"]
    assert misses > 0 and summary["link"]["speedup"] == 20.0
    link = _csv(out / "link.csv")
    assert sum(r["event"] == "deadline_miss" for r in link) == misses
    # the late commands came after all: their round trips are kept, over the deadline
    late = [float(r["latency_us"]) for r in link if r["event"] == "late_command"]
    assert late and min(late) > 1e6 / 50 / 20
    assert summary["link"]["late_latency_us"]["max"] == round(max(late), 1)
    assert summary["back_to_back"]["unanswered_frames"] == misses
    assert "latency.png" in parse_report(out).images


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default landing flown on a virtual board, recorded."""
    rec = tmp_path_factory.mktemp("recording") / "run.hlr"
    with VirtualBoard() as board:
        assert main(["hil", "--port", board.path, "--record", str(rec), "--json"]) == 0
    return rec


def test_a_replay_report_shows_the_differences_step_by_step(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = recording
    capsys.readouterr()
    out = tmp_path / "replay"
    assert main(["replay", str(rec), "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    parsed = parse_report(out)
    assert parsed.verdict == "IDENTICAL" and set(parsed.images) == {"back_to_back.png"}
    rows = _csv(out / "back_to_back.csv")
    assert len(rows) == report["back_to_back"]["commands_compared"] > 2000
    assert sorted(report["files"]) == sorted(
        str(out / n)
        for n in ("back_to_back.csv", "back_to_back.png", "report.html", "summary.json")
    )


def _campaign(tmp_path: Path, runs: int, **limits: float) -> tuple[CampaignSummary, Path]:
    s = load_scenario("default")
    if limits:
        s = dataclasses.replace(s, limits=dataclasses.replace(s.limits, **limits))
    out = tmp_path / "campaign"
    c = Campaign(s, runs, 1)
    runs_file = RunsFile(out, c)
    runs_file.start()
    result = fly_campaign(c, record=runs_file)
    summary = summarize_campaign(result)
    return write_campaign(out, result, summary, runs_file), out


def test_a_campaign_report_maps_the_runs_and_links_the_worst(tmp_path: Path) -> None:
    _, out = _campaign(tmp_path, 12)
    parsed = parse_report(out)
    assert parsed.verdict == "PASS" and parsed.violations == ["none"]
    assert set(parsed.images) == {
        "touchdown_map.png",
        "touchdown_speeds.png",
        "success_by_parameter.png",
    }
    assert {"Figures over the runs", "Worst runs"} <= set(parsed.headings)
    assert len(parsed.links) == 5
    rows = {int(r["run"]): r for r in _csv(out / "runs.csv")}
    for href in parsed.links:
        run = int(href.split("/")[1].removeprefix("run-"))
        flown = json.loads((out / href).with_name("summary.json").read_text())
        # flown again, the run is the campaign's run, bit for bit
        speed = float(rows[run]["touchdown_vertical_speed_mps"])
        assert flown["touchdown"]["vertical_speed_mps"] == round(speed, 4)
        assert flown["touchdown"]["position_m"][0] == round(float(rows[run]["touchdown_x_m"]), 3)
        assert parse_report((out / href).parent).verdict == rows[run]["verdict"].upper()
    assert all(math.isfinite(float(r[n])) for r in rows.values() for n in POSITION_NAMES)
    files = json.loads((out / "summary.json").read_text())["files"]
    assert str(out / "report.html") in files and str(out / parsed.links[0]) in files


def test_a_failing_campaign_report_says_fail_and_why(tmp_path: Path) -> None:
    summary, out = _campaign(tmp_path, 8, touchdown_vertical_speed_max_mps=0.74)
    parsed = parse_report(out)
    assert summary.outcome.fail > 0 and parsed.verdict == "FAIL"
    assert any(v.startswith("touchdown_vertical_speed") for v in parsed.violations)


def test_a_campaign_interrupted_before_any_run_still_has_its_report(tmp_path: Path) -> None:
    c = Campaign(load_scenario("default"), 1000, 1)
    result = CampaignResult(c, RunTable(c), 0.5, "serial", interrupted=True)
    runs_file = RunsFile(tmp_path, c)
    runs_file.start()
    write_campaign(tmp_path, result, summarize_campaign(result), runs_file)
    parsed = parse_report(tmp_path)
    assert parsed.verdict == "INTERRUPTED" and "touchdown_map.png" in parsed.images
    assert json.loads((tmp_path / "summary.json").read_text())["campaign"]["flown"] == 0


def test_without_matplotlib_a_campaign_keeps_its_data_and_says_why_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(plotting, "plt", None)
    _, out = _campaign(tmp_path, 4)
    assert sorted(p.name for p in out.iterdir()) == ["runs.csv", "summary.json"]
    err = capsys.readouterr().err
    assert err.count("hilander: note:") == 1 and "hilander[report]" in err


def test_an_optimal_report_puts_the_law_beside_the_optimum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("cvxpy", reason="the analysis extra (cvxpy, Clarabel) is not installed")
    out = tmp_path / "optimal"
    assert main(["optimal", "--nodes", "20", "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    parsed = parse_report(out)
    assert parsed.verdict == "PASS"
    assert set(parsed.images) == {"optimal_trajectory.png", "optimal_thrust.png"}
    on_disk = json.loads((out / "summary.json").read_text())
    assert on_disk["files"] == summary["files"] and str(out / "report.html") in summary["files"]


def test_nothing_compared_is_not_identical(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = recording.read_bytes()
    header_end = 14 + 4 + int.from_bytes(data[14:18], "little")
    (tmp_path / "cut.hlr").write_bytes(data[:header_end])  # the header, no byte of the link
    capsys.readouterr()
    code = main(["replay", str(tmp_path / "cut.hlr"), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["back_to_back"]["verdict"] == "not_compared"
