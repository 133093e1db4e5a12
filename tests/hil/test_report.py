"""report.html: generated, parsed (the verdict and every figure inline), and
opened in headless Chromium where it is installed."""

from __future__ import annotations

import base64
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from hilander.hil import figures
from hilander.hil.output import write_run
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario

PNG = b"\x89PNG\r\n\x1a\n"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Parsed(HTMLParser):
    """The images (alt -> PNG bytes) and the verdict's text of a report."""

    def __init__(self) -> None:
        super().__init__()
        self.images: dict[str, bytes] = {}
        self.verdict = ""
        self._in_verdict = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            head, _, data = (a["src"] or "").partition(",")
            assert head == "data:image/png;base64", head
            self.images[a["alt"] or ""] = base64.b64decode(data)
        self._in_verdict = a.get("id") == "verdict"

    def handle_data(self, data: str) -> None:
        if self._in_verdict:
            self.verdict += data


def report_of(name: str, out: Path) -> tuple[Parsed, list[Path]]:
    landing = fly(load_scenario(name))
    files = write_run(out, landing, summarize(landing))
    parsed = Parsed()
    parsed.feed((out / "report.html").read_text(encoding="utf-8"))
    return parsed, files


@pytest.mark.parametrize(("name", "figure_count"), [("default", 5), ("phoenix", 4), ("mer", 5)])
def test_the_report_holds_the_verdict_and_every_figure(
    tmp_path: Path, name: str, figure_count: int
) -> None:
    parsed, files = report_of(name, tmp_path)
    assert parsed.verdict == "PASS"
    pngs = sorted(p.name for p in files if p.suffix == ".png")
    assert sorted(parsed.images) == pngs and len(pngs) == figure_count
    for png_name, data in parsed.images.items():
        assert data.startswith(PNG) and data == (tmp_path / png_name).read_bytes()
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text and "<script" not in text


def test_a_failed_landing_shows_its_violations(tmp_path: Path) -> None:
    s = load_scenario("default")
    weak = s.law.replace(td_contact_samples=2, tether_cut_delay_s=10.0)
    import dataclasses  # noqa: PLC0415

    landing = fly(dataclasses.replace(s, law=weak))
    summary = summarize(landing)
    write_run(tmp_path, landing, summary)
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert summary["verdict"] == "fail" and ">FAIL<" in text
    assert all(v.split()[0] in text for v in summary["violations"])


def test_without_matplotlib_the_data_files_are_written_and_a_note_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(figures, "plt", None)
    landing = fly(load_scenario("default"))
    files = write_run(tmp_path, landing, summarize(landing))
    assert sorted(p.name for p in files) == ["scenario.toml", "summary.json", "telemetry.csv"]
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'hilander[report]'" in err


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (CI installs it)")
def test_chromium_shows_the_figures(tmp_path: Path) -> None:
    report_of("default", tmp_path)
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
        "--window-size=1000,2600",
        f"--screenshot={shot}",
        (tmp_path / "report.html").as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    image = plt_image(shot)
    # the figures are there: many distinct colours, not a blank page
    assert (
        image.shape[0] >= 2000 and len(np.unique(image.reshape(-1, image.shape[-1]), axis=0)) > 50
    )


def plt_image(path: Path) -> np.ndarray:
    import matplotlib.image  # noqa: PLC0415

    return np.asarray(matplotlib.image.imread(path))
