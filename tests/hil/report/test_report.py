"""report.html of a landing: generated, parsed (the verdict and every figure
inline); the reports of a landing, a board session and a campaign opened in
headless Chromium where it is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.cli.main import main
from hilander.hil.report.figures import plotting
from hilander.hil.report.files import write_run
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from tests.common.reportparse import Parsed, parse_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def report_of(name: str, out: Path) -> tuple[Parsed, list[Path]]:
    landing = fly(load_scenario(name))
    files = write_run(out, landing, summarize(landing))
    return parse_report(out), files


@pytest.mark.parametrize(("name", "figure_count"), [("default", 5), ("phoenix", 4), ("mer", 5)])
def test_the_report_holds_the_verdict_and_every_figure(
    tmp_path: Path, name: str, figure_count: int
) -> None:
    parsed, files = report_of(name, tmp_path)
    assert parsed.verdict == "PASS"
    pngs = sorted(p.name for p in files if p.suffix == ".png")
    assert sorted(parsed.images) == pngs and len(pngs) == figure_count
    assert parsed.headings == ["Violations", "Summary", "Figures"]


def test_a_failed_landing_shows_its_violations(tmp_path: Path) -> None:
    s = load_scenario("default")
    weak = s.law.replace(td_contact_samples=2, tether_cut_delay_s=10.0)
    import dataclasses  # noqa: PLC0415

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
    assert sorted(p.name for p in files) == ["scenario.toml", "summary.json", "telemetry.csv"]
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'hilander[report]'" in err


def _sim_report(out: Path) -> None:
    report_of("default", out)


def _hil_report(out: Path) -> None:
    with VirtualBoard() as board:
        args = ["hil", "--port", board.path, "--reference", "compiled", "--out", str(out)]
        assert main(args) == 0


def _campaign_report(out: Path) -> None:
    assert main(["campaign", "-n", "10", "--workers", "1", "--out", str(out)]) == 0


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (CI installs it)")
@pytest.mark.parametrize(
    ("make", "height_px"),
    [(_sim_report, 2000), (_hil_report, 3000), (_campaign_report, 1800)],
    ids=["sim", "hil", "campaign"],
)
def test_chromium_shows_the_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, height_px: int
) -> None:
    out = tmp_path / "report"
    make(out)
    capsys.readouterr()
    shot = tmp_path / "shot.png"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1000,5000",
        f"--screenshot={shot}",
        (out / "report.html").as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    image = plt_image(shot)
    # rows that are not plain white: the page drew its tables and figures
    inked = np.flatnonzero((image[..., :3] < 0.98).any(axis=(1, 2)))
    assert len(inked) and inked[-1] >= height_px
    assert len(np.unique(image.reshape(-1, image.shape[-1]), axis=0)) > 50


def plt_image(path: Path) -> np.ndarray:
    import matplotlib.image  # noqa: PLC0415

    return np.asarray(matplotlib.image.imread(path))
