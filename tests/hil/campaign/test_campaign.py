"""Campaigns: the same runs serially, on local processes and on Dask; errors
recorded, never fatal; the summary, the files and the command line."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any

import pytest

from hilander.hil.campaign.executors import Campaign, CampaignResult, chunk_runs, fly_campaign
from hilander.hil.campaign.summary import runs_csv, summarize_campaign, wilson_interval
from hilander.hil.cli.main import main
from hilander.sim.scenario import load_scenario

DEFAULT = load_scenario("default")
FLAKY = "tests.common.flaky_law:FlakyLaw"


def flown(c: Campaign, **how: Any) -> tuple[CampaignResult, list[dict[str, Any]]]:
    """The campaign flown, and every row as it was handed out (in any order)."""
    rows: list[dict[str, Any]] = []
    return fly_campaign(c, record=rows.extend, **how), rows


def test_serial_local_processes_and_dask_fly_identical_runs() -> None:
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    c = Campaign(DEFAULT, 40, 7)
    serial = runs_csv(c, flown(c)[1])
    assert runs_csv(c, flown(c, workers=2)[1]) == serial
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask, rows = flown(c, scheduler=cluster.scheduler_address)
    assert on_dask.executor.startswith("dask tcp://")
    assert runs_csv(c, rows) == serial
    rows = list(csv.DictReader(serial.splitlines()))
    assert [int(r["run"]) for r in rows] == list(range(40))
    assert all(r["verdict"] == "pass" for r in rows)


def test_chunks_cover_every_run_once() -> None:
    for runs, workers in ((1, 2), (10, 2), (1000, 2), (10_000, 8), (7, 64)):
        chunks = chunk_runs(runs, workers)
        assert [k for chunk in chunks for k in chunk] == list(range(runs))
        assert max(map(len, chunks)) <= 50


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_that_raises_is_recorded_and_the_campaign_goes_on(workers: int) -> None:
    result = fly_campaign(Campaign(DEFAULT, 24, 1, FLAKY), workers=workers)
    s = summarize_campaign(result)
    errors = [r for r in result.rows if r["verdict"] == "error"]
    assert 0 < len(errors) < 24 and len(result.rows) == 24
    assert s.outcome.error == len(errors) and s.outcome.passed == 24 - len(errors)
    first = s.errors[0]
    assert first.error.startswith("ValueError: refusing to fly from")
    assert first.command == (
        f"hilander sim default --seed 1 --run {first.run} --controller {FLAKY}"
    )
    assert s.worst_runs[0].verdict == "error"
    assert s.metrics["touchdown_vertical_speed_mps"].count == 24 - len(errors)


def test_ctrl_c_keeps_the_runs_already_flown() -> None:
    seen: list[int] = []

    def progress(rows: list[dict[str, Any]]) -> None:
        seen.extend(r["run"] for r in rows)
        if len(seen) >= 5:
            raise KeyboardInterrupt

    result = fly_campaign(Campaign(DEFAULT, 50, 1), progress=progress)
    assert result.interrupted and [r["run"] for r in result.rows] == list(range(5))
    assert summarize_campaign(result).campaign.interrupted is True


def test_the_wilson_interval() -> None:
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(1000, 1000)  # type: ignore[misc]
    assert high == 1.0 and 0.995 < low < 0.997  # the "rule of three" gives 0.997
    low, high = wilson_interval(50, 100)  # type: ignore[misc]
    assert low == pytest.approx(0.4038, abs=1e-3) and high == pytest.approx(0.5962, abs=1e-3)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_campaign_command_writes_its_table_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "c"
    code, stdout, stderr = run_cli(capsys, "campaign", "-n", "30", "--out", str(out), "--json")
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary == json.loads((out / "summary.json").read_text())
    assert summary["files"][:2] == [str(out / "runs.csv"), str(out / "summary.json")]
    assert str(out / "report.html") in summary["files"]
    assert all(Path(f).exists() for f in summary["files"])
    assert summary["outcome"]["success_rate"] == 1.0 and summary["violations"] == {}
    m = summary["metrics"]["touchdown_vertical_speed_mps"]
    assert m["count"] == 30 and m["min"] <= m["p1"] <= m["p50"] <= m["p99"] <= m["max"]
    assert "30/30 100 %" in stderr
    rows = list(csv.DictReader((out / "runs.csv").read_text().splitlines()))
    assert len(rows) == 30 and "wind.steady_mps[1]" in rows[0]
    worst = summary["worst_runs"][0]
    code, stdout, _ = run_cli(capsys, *worst["command"].split()[1:], "--json")
    again = json.loads(stdout)
    row = rows[worst["run"]]
    assert float(row["touchdown_vertical_speed_mps"]) == again["touchdown"]["vertical_speed_mps"]
    assert float(row["propellant_used_kg"]) == again["propellant_used_kg"]


def test_failures_are_counted_by_kind_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (Path(__file__).parents[3] / "sim/scenarios/default.toml").read_text()
    tight = tmp_path / "tight.toml"
    tight.write_text(text + "\n[limits]\ntouchdown_vertical_speed_max_mps = 0.75\n")
    code, stdout, _ = run_cli(capsys, "campaign", str(tight), "-n", "20", "--workers", "1")
    assert code == 1
    assert "touchdown_vertical_speed" in stdout and "failed" in stdout
    code, _, _ = run_cli(
        capsys, "campaign", str(tight), "-n", "20", "--workers", "1", "--min-success", "0"
    )
    assert code == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-n", "0"], "invalid runs '0'"),
        (["--workers", "0"], "invalid workers '0'"),
        (["--min-success", "1.5"], "invalid rate '1.5'"),
        (["nowhere.toml"], "nowhere.toml: no such file"),
        (["--controller", "nomodule:Law"], "--controller nomodule:Law: no module named 'nomodule'"),
    ],
)
def test_bad_campaign_arguments_give_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "campaign", *argv)
    assert code == 2 and message in err and err.count("\n") == 1


def test_an_unreachable_scheduler_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    start = time.monotonic()
    code, _, err = run_cli(capsys, "campaign", "-n", "2", "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert err.strip().count("\n") == 0 and time.monotonic() - start < 30


def test_a_worker_that_dies_costs_its_runs_not_the_campaign() -> None:
    result, rows = flown(Campaign(DEFAULT, 40, 1, "tests.common.flaky_law:DyingLaw"), workers=2)
    assert [r["run"] for r in result.rows] == list(range(40))
    assert sorted(r["run"] for r in rows) == list(range(40))
    died = [r for r in rows if r["verdict"] == "error"]
    assert died and all(r["error"].startswith("task failed: BrokenProcessPool") for r in died)
    s = summarize_campaign(result)
    assert s.outcome.error == len(died) and s.errors[0].command.endswith("DyingLaw")


def test_the_campaign_command_on_a_dask_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        code, out, _ = run_cli(
            capsys,
            "campaign",
            "-n",
            "12",
            "--scheduler",
            cluster.scheduler_address,
            "--out",
            str(tmp_path / "dask"),
        )
    assert code == 0 and f"dask {cluster.scheduler_address}" in out
    code, _, _ = run_cli(
        capsys, "campaign", "-n", "12", "--workers", "1", "--out", str(tmp_path / "s")
    )
    assert (tmp_path / "dask/runs.csv").read_text() == (tmp_path / "s/runs.csv").read_text()


def test_workers_are_born_ignoring_ctrl_c_and_the_parent_keeps_its_handler() -> None:
    """A Ctrl-C while a worker still imports must not print its traceback:
    a process started inside the window ignores SIGINT from its first line."""
    import signal  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from hilander.hil.campaign.executors import _born_ignoring_ctrl_c  # noqa: PLC0415

    before = signal.getsignal(signal.SIGINT)
    probe = "import signal; print(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)"
    command = [sys.executable, "-c", probe]
    with _born_ignoring_ctrl_c():
        inside = subprocess.run(command, check=True, capture_output=True, text=True)
    outside = subprocess.run(command, check=True, capture_output=True, text=True)
    assert inside.stdout.strip() == "True"
    assert signal.getsignal(signal.SIGINT) is before
    assert outside.stdout.strip() == str(before == signal.SIG_IGN)
