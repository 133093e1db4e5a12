"""Every scenario.toml the command line writes flies its landing again:
``hilander sim DIR/scenario.toml --out AGAIN`` writes the same summary.json
(name, source and wall time aside) and the same telemetry.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from hilander.hil.cli.main import main
from tests.common.refly import assert_same_files

DEFAULT_TOML = (Path(__file__).parents[3] / "sim/scenarios/default.toml").read_text()


def hilander(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, _ = capsys.readouterr()
    return code, out


def refly(capsys: pytest.CaptureFixture[str], run_dir: Path, again: Path) -> None:
    code, _ = hilander(capsys, "sim", str(run_dir / "scenario.toml"), "--out", str(again))
    assert code in (0, 1)
    assert_same_files(run_dir, again)


@pytest.mark.parametrize(
    "argv",
    [
        ("default", "--seed", "5"),
        ("windy",),
        ("default", "--seed", "1", "--run", "276"),
        ("phoenix", "--run", "7"),
        ("engine-out", "--run", "3"),
    ],
)
def test_sim_out_refiles(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str, ...]
) -> None:
    code, _ = hilander(capsys, "sim", *argv, "--out", str(tmp_path / "run"))
    assert code in (0, 1)
    refly(capsys, tmp_path / "run", tmp_path / "again")


def test_a_campaign_s_worst_runs_refly_and_are_its_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "campaign"
    argv = ("campaign", "default", "-n", "30", "--seed", "1", "--workers", "1", "--out", str(out))
    assert hilander(capsys, *argv)[0] in (0, 1)
    worst = sorted((out / "worst").iterdir())
    assert len(worst) == 5
    with (out / "runs.csv").open() as f:
        rows = {int(r["run"]): r for r in csv.DictReader(f)}
    for folder in worst:
        run = int(folder.name.removeprefix("run-"))
        refly(capsys, folder, tmp_path / f"again-{run}")
        landed = json.loads((folder / "summary.json").read_text())["touchdown"]
        assert float(rows[run]["touchdown_time_s"]) == landed["time_s"]
        alone = tmp_path / f"alone-{run}"
        hilander(capsys, "sim", "default", "--seed", "1", "--run", str(run), "--out", str(alone))
        assert_same_files(folder, alone)


def test_a_failing_baseline_check_saves_its_worst_run_which_refiles(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "law.toml").write_text(DEFAULT_TOML)
    suite = tmp_path / "suite.toml"
    suite.write_text('[[campaign]]\nscenario = "law.toml"\nruns = 12\n')
    assert hilander(capsys, "baseline", "record", str(suite), "--workers", "1")[0] == 0
    detuned = DEFAULT_TOML.replace(
        "[dispersions.initial.position_m]",
        "[law]\nvertical_gain_per_s = 1.0\n\n[dispersions.initial.position_m]",
    )
    (tmp_path / "law.toml").write_text(detuned)
    code, out = hilander(capsys, "baseline", "check", str(suite), "--workers", "1")
    assert code == 1 and out.splitlines()[-1].startswith("FAIL")
    saved = [line for line in out.splitlines() if line.startswith("saved")]
    assert len(saved) == 1
    case = Path(saved[0].split("hilander sim ")[1])
    assert case.parent.parent == tmp_path / "suite.failed"
    assert case.parent.name.startswith("default-run-")
    assert "vertical_gain_per_s = 1.0" in case.read_text()
    refly(capsys, case.parent, tmp_path / "again")
    code, out = hilander(capsys, "baseline", "check", str(suite), "--workers", "1", "--json")
    assert code == 1 and json.loads(out)["cases"] == [str(case)]
    (tmp_path / "law.toml").write_text(DEFAULT_TOML)  # the law tuned again: the check passes
    code, out = hilander(capsys, "baseline", "check", str(suite), "--workers", "1")
    assert code == 0 and out.splitlines()[-1] == "OK"
    assert not (tmp_path / "suite.failed").exists()  # and the stale case is gone


def test_a_landing_of_another_flight_computer_names_it_and_refiles_with_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run = tmp_path / "run"
    argv = ("--run", "3", "--controller", "reference")
    assert hilander(capsys, "sim", "default", *argv, "--out", str(run))[0] in (0, 1)
    text = (run / "scenario.toml").read_text()
    assert text.splitlines()[1].startswith('# Flown by "reference": `hilander sim` flies')
    again = tmp_path / "again"
    toml = str(run / "scenario.toml")
    code, _ = hilander(capsys, "sim", toml, "--controller", "reference", "--out", str(again))
    assert code in (0, 1)
    assert_same_files(run, again)


SPREAD_TOML = """
name = "spread"
vehicle = "phoenix"

[dispersions.initial.velocity_mps]
distribution = "uniform"
min = [-10.0, -10.0, -60.0]
max = [10.0, 10.0, -50.0]
"""


@pytest.mark.parametrize("run", [(), ("--run", "4")])
def test_a_file_without_initial_flies_and_its_written_file_refiles(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, run: tuple[str, ...]
) -> None:
    """docs/scenarios.md's file of dispersions alone: the start comes from the
    preset's own scenario, and the written scenario.toml gives it whole."""
    source = tmp_path / "spread.toml"
    source.write_text(SPREAD_TOML)
    code, _ = hilander(capsys, "sim", str(source), *run, "--out", str(tmp_path / "run"))
    assert code == 0
    assert (
        "[initial]\nposition_m = [60.0, -40.0, 800.0]"
        in (tmp_path / "run" / "scenario.toml").read_text()
    )
    refly(capsys, tmp_path / "run", tmp_path / "again")
