"""A campaign killed with ``kill -9``: the runs already finished are on disk,
its workers and the resource tracker die with it, and ``--resume`` finishes
it to the files an uninterrupted campaign writes, byte for byte (wall times
aside)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hilander.hil.campaign.executors import Campaign
from hilander.hil.cli.main import main
from hilander.hil.report.runs_file import JOURNAL, RunsFile
from hilander.sim.scenario import load_scenario
from tests.common.procs import children, wait_for, wait_gone

SCRIPT = Path(sys.executable).parent / "hilander"
WALL = re.compile(rb'("(wall_time_s|runs_per_s)": [0-9.e+-]+|wall time \[s\]</th><td>[0-9.]+)')
GONE_WITHIN_S = 20.0  # an upper bound for the poll; on a quiet machine it takes well under 1 s


def _lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except OSError:
        return 0


def _files(out: Path) -> dict[str, bytes]:
    """Every file under ``out``, wall times and the folder's own name taken out."""
    return {
        str(p.relative_to(out)): WALL.sub(b"", p.read_bytes().replace(str(out).encode(), b"OUT"))
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def _kill_mid_campaign(out: Path, runs: int) -> tuple[int, set[int]]:
    """Start a campaign on two workers, kill -9 it once a few runs are on
    disk: how many were, and the children it had."""
    proc = subprocess.Popen(
        [str(SCRIPT), "campaign", "-n", str(runs), "--workers", "2", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        started = wait_for(lambda: _lines(out / "runs.csv") > 6, proc, 300)
        kids = children(proc.pid)
        assert started and proc.poll() is None, "the campaign ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    return _lines(out / "runs.csv") - 1, kids


def test_a_killed_campaign_leaves_no_orphan_and_resumes_to_the_same_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the reports' date stamp, fixed: a run across midnight (UTC) compares equal
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    runs = 150
    killed = tmp_path / "killed"
    on_disk, kids = _kill_mid_campaign(killed, runs)
    # two workers and the resource tracker, all gone with their parent
    assert len(kids) >= 3
    assert wait_gone(kids, GONE_WITHIN_S) == set()
    assert 6 <= on_disk < runs
    journal = killed / JOURNAL
    assert _lines(journal) == on_disk + 1
    with journal.open("a") as f:  # a line torn by the kill
        f.write('{"run": 3, "seed"')
    n = str(runs)
    assert main(["campaign", "-n", n, "--workers", "2", "--out", str(killed), "--resume"]) == 0
    fresh = tmp_path / "fresh"
    assert main(["campaign", "-n", n, "--workers", "2", "--out", str(fresh)]) == 0
    capsys.readouterr()
    assert (killed / "runs.csv").read_bytes() == (fresh / "runs.csv").read_bytes()
    assert _files(killed) == _files(fresh)
    assert not journal.exists()
    assert json.loads((killed / "summary.json").read_text())["campaign"]["flown"] == runs


def test_resume_refuses_another_campaign_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = RunsFile(tmp_path, Campaign(load_scenario("default"), 40, 1))
    other.start()
    other.close()
    code = main(["campaign", "-n", "40", "--seed", "2", "--out", str(tmp_path), "--resume"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "holds the campaign default (seed 1, 40 runs" in err and "not resumed" in err
    code = main(["campaign", "-n", "40", "--resume"])
    err = capsys.readouterr().err
    assert code == 2 and "--resume: give the --out folder" in err and err.count("\n") == 1


def test_a_finished_campaign_has_nothing_to_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["campaign", "-n", "3", "--workers", "1", "--out", str(tmp_path)]
    assert main(args) == 0
    before = _files(tmp_path)
    assert main([*args, "--resume"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].endswith("finished: nothing to resume")
    assert _files(tmp_path) == before


def test_an_interrupted_campaign_resumes_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C writes what flew (runs.csv in run order, the summary marked
    interrupted) and keeps the journal; --resume flies the rest."""
    from hilander.hil.cli import campaign as cli  # noqa: PLC0415

    seen = []

    def stop_after_five(rows: list[dict[str, object]]) -> None:
        seen.extend(rows)
        if len(seen) >= 5:
            raise KeyboardInterrupt

    class Stopping(cli.CampaignProgress):
        def __call__(self, rows: list[dict[str, object]]) -> None:
            super().__call__(rows)
            stop_after_five(rows)

    args = ["campaign", "-n", "12", "--workers", "1", "--out", str(tmp_path / "a")]
    monkeypatch.setattr(cli, "CampaignProgress", Stopping)
    assert main(args) == 130
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["campaign"]["interrupted"] and summary["campaign"]["flown"] == 5
    assert (tmp_path / "a" / JOURNAL).exists()
    monkeypatch.undo()
    assert main([*args, "--resume"]) == 0
    assert main(["campaign", "-n", "12", "--workers", "1", "--out", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
