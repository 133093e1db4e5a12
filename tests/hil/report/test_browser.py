"""Every kind of report (sim, hil, campaign, replay, optimal) opened in
headless Chromium where it is installed: screenshot (the page drew its
tables and figures) and measured (each figure loaded and shown whole, inside
the page, and nothing wider than the window). Each figure is measured as it
is drawn too (the ``figure_problems`` fixture): no text cut off."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.cli.main import main
from tests.common.reportparse import parse_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTH_PX = 1000  # the page's width; less a scroll bar where it is taller than 5000 px
# A copy of the page, never the report itself (it runs no script), measures
# its own layout once loaded and writes it into the DOM that --dump-dom prints.
MEASURE = """<script>
window.addEventListener("load", () => {
  const page = document.documentElement;
  const out = {width: page.clientWidth, scroll: page.scrollWidth, images: []};
  for (const img of document.images) {
    const r = img.getBoundingClientRect();
    out.images.push({name: img.alt, natural: img.naturalWidth, tall: img.naturalHeight,
                     shown: r.width, height: r.height, left: r.left, right: r.right});
  }
  const pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def _sim(out: Path, tmp: Path) -> None:
    assert main(["sim", "--out", str(out)]) == 0


def _hil(out: Path, tmp: Path) -> None:
    with VirtualBoard() as board:
        args = ["hil", "--port", board.path, "--reference", "compiled", "--out", str(out)]
        assert main(args) == 0


def _campaign(out: Path, tmp: Path) -> None:
    assert main(["campaign", "-n", "10", "--workers", "1", "--out", str(out)]) == 0


def _replay(out: Path, tmp: Path) -> None:
    rec = tmp / "run.hlr"
    with VirtualBoard() as board:
        assert main(["hil", "--port", board.path, "--record", str(rec)]) == 0
    assert main(["replay", str(rec), "--out", str(out)]) == 0


def _optimal(out: Path, tmp: Path) -> None:
    pytest.importorskip("cvxpy", reason="the analysis extra (cvxpy, Clarabel) is not installed")
    assert main(["optimal", "--nodes", "20", "--out", str(out)]) == 0


def _chromium(page: Path, tmp: Path, *args: str) -> str:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'profile'}",
        f"--window-size={WIDTH_PX},5000",
        *args,
        page.as_uri(),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
    return done.stdout


def _measured(report: Path, tmp: Path) -> dict[str, Any]:
    """The page's layout as Chromium laid it out."""
    copy = tmp / "measured.html"
    copy.write_text(report.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"))
    dom = _chromium(copy, tmp, "--virtual-time-budget=10000", "--dump-dom")
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, "the page was not measured"
    return dict(json.loads(found.group(1)))


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (CI installs it)")
@pytest.mark.parametrize(
    ("make", "height_px", "figures"),
    [(_sim, 2000, 7), (_hil, 3000, 9), (_campaign, 1500, 3), (_replay, 600, 1), (_optimal, 900, 2)],
    ids=["sim", "hil", "campaign", "replay", "optimal"],
)
def test_chromium_shows_every_figure_whole(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    figure_problems: dict[str, list[str]],
    make: Any,
    height_px: int,
    figures: int,
) -> None:
    out = tmp_path / "report"
    make(out, tmp_path)
    capsys.readouterr()
    bad = {name: p for name, p in figure_problems.items() if p}
    assert not bad, f"figures drawn badly: {bad}"
    assert "·" in parse_report(out).stamp
    shot = tmp_path / "shot.png"
    _chromium(out / "report.html", tmp_path, f"--screenshot={shot}")
    image = plt_image(shot)
    # rows that are not plain white: the page drew its tables and figures
    inked = np.flatnonzero((image[..., :3] < 0.98).any(axis=(1, 2)))
    assert len(inked) and inked[-1] >= height_px
    assert len(np.unique(image.reshape(-1, image.shape[-1]), axis=0)) > 50
    page = _measured(out / "report.html", tmp_path)
    assert page["scroll"] <= page["width"], "the page is wider than the window"
    assert len(page["images"]) == figures
    for img in page["images"]:
        assert img["natural"] > 0 and img["height"] > 0, f"{img['name']} not shown"
        assert img["left"] >= 0 and img["right"] <= page["width"], f"{img['name']} overflows"
        # scaled down to fit at most, never cropped or stretched
        assert img["shown"] <= img["natural"]
        assert img["height"] / img["shown"] == pytest.approx(img["tall"] / img["natural"], 0.01)


def plt_image(path: Path) -> np.ndarray:
    import matplotlib.image  # noqa: PLC0415

    return np.asarray(matplotlib.image.imread(path))
