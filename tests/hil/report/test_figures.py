"""Every figure the reports make, drawn as the reports draw it and measured
(plotting.layout_problems): no text cut off at the figure's edge, no legend
over the plotted points, no legend marker larger than the rest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hilander.controller.interface import Phase
from hilander.hil.analysis.backtoback import COMPARED, BackToBack
from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.campaign.executors import Campaign, fly_campaign
from hilander.hil.campaign.summary import summarize_campaign
from hilander.hil.cli.main import main
from hilander.hil.report import campaign_page, pages
from hilander.hil.report.figures import landing as landing_figures
from hilander.hil.report.figures import link as link_figures
from hilander.hil.report.figures import plotting
from hilander.hil.session.linkstats import LinkStats
from hilander.hil.wire.messages import BoardInfo, CostUnit
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario


def _clean(drawn: dict[str, list[str]], count: int) -> None:
    bad = "\n".join(f"{name}: {'; '.join(p)}" for name, p in drawn.items() if p)
    assert not bad, f"figures with problems:\n{bad}"
    assert len(drawn) == count, list(drawn)


@pytest.mark.parametrize(("name", "count"), [("default", 7), ("phoenix", 6), ("mer", 7)])
def test_a_landings_figures_show_every_text_whole(
    figure_problems: dict[str, list[str]], name: str, count: int
) -> None:
    landing = fly(load_scenario(name))
    pages.run_report(landing, summarize(landing))
    _clean(figure_problems, count)


@pytest.mark.parametrize("name", ["default", "phoenix", "mer"])
def test_the_navigation_figure_plots_the_error_against_the_truth_and_the_tilt(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    drawn: list[Any] = []

    def keep(fig: Any) -> bytes:
        drawn.append(fig)
        return b""

    monkeypatch.setattr(landing_figures, "png", keep)
    landing = fly(load_scenario(name))
    landing_figures.navigation(landing)
    position, velocity, tilt = drawn[0].axes
    lines = {ax: {ln.get_label(): ln.get_ydata() for ln in ax.get_lines()} for ax in drawn[0].axes}
    error_x = landing.column("nav_x_m") - landing.column("stage_x_m")
    assert np.array_equal(lines[position]["x"], error_x)
    assert np.array_equal(lines[position]["norm"], landing.column("nav_error_m"))
    error_vz = landing.column("nav_vz_mps") - landing.column("stage_vz_mps")
    assert np.array_equal(lines[velocity]["vz"], error_vz)
    assert np.allclose(lines[tilt]["thrust tilt"], np.degrees(landing.column("tilt_rad")))
    limit_deg = np.degrees(landing.scenario.law.tilt_max_rad)
    (limit,) = [y for label, y in lines[tilt].items() if label.startswith("law's limit")]
    assert np.allclose(limit, limit_deg)
    plotting.pyplot().close(drawn[0])


def _tally(differ: bool) -> BackToBack:
    tally = BackToBack()
    tally.time_s = [0.02 * k for k in range(500)]
    for name in COMPARED:
        tally.difference[name] = [0.0] * 500
    if differ:
        tally.difference["thrust_S_N"] = [1e-7 * (1 + k % 7) for k in range(500)]
        tally.difference["throttle"] = [2e-3 if k == 300 else 0.0 for k in range(500)]
    tally.identical = 0 if differ else 500
    return tally


@pytest.mark.parametrize("differ", [False, True], ids=["all equal", "some differ"])
def test_the_back_to_back_figure_shows_its_titles_whole(
    figure_problems: dict[str, list[str]], differ: bool
) -> None:
    what = "the board recorded in a-long-recording-name.hlr against the law, same frames"
    link_figures.back_to_back(_tally(differ), what)
    _clean(figure_problems, 1)


def test_a_board_sessions_figures_show_every_text_whole(
    figure_problems: dict[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with VirtualBoard() as board:
        args = ["hil", "--port", board.path, "--reference", "compiled", "--out", str(tmp_path)]
        assert main(args) == 0
    capsys.readouterr()
    _clean(figure_problems, 9)  # the landing's 7, latency, back to back


def test_the_cost_and_a_late_boards_latency_show_every_text_whole(
    figure_problems: dict[str, list[str]],
) -> None:
    stats = LinkStats(board_info=BoardInfo(25_000_000, 20_000, 250_000, CostUnit.INSTRUCTIONS))
    for k in range(1500):
        phase = int(Phase.POWERED_APPROACH) if k < 700 else int(Phase.CONSTANT_VELOCITY)
        cost = 193_923 if k == 250 else 800 + 13 * (k % 50)
        stats.answered(0.02 * k, 1.1e-2 + 1e-5 * (k % 30), 11_130, cost, k, phase)
    for k in range(0, 1500, 97):
        stats.late_latencies_s.append(3e-2)
        stats.late_time_s.append(0.02 * k)
        stats.miss_time_s.append(0.02 * k)
    stats.deadline_misses = len(stats.miss_time_s)
    link_figures.cost(stats)
    link_figures.latency(stats, "realtime", 0.02)
    _clean(figure_problems, 2)


def test_a_campaigns_figures_show_every_text_whole(
    figure_problems: dict[str, list[str]],
) -> None:
    s = load_scenario("default")
    result = fly_campaign(Campaign(s, 12, 1))
    campaign_page.campaign_report(result, summarize_campaign(result), {}, 1.0)
    _clean(figure_problems, 3)


def test_an_optimal_solves_figures_show_every_text_whole(
    figure_problems: dict[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("cvxpy", reason="the analysis extra (cvxpy, Clarabel) is not installed")
    assert main(["optimal", "--nodes", "20", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    _clean(figure_problems, 2)


def test_the_check_finds_a_cut_title_a_legend_over_data_and_a_huge_marker() -> None:
    plt = plotting.pyplot()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot(range(50), range(50), ".", label="data")
    ax.plot([45], [45], "k*", ms=30, label="big")
    ax.legend(loc="upper right", markerscale=1)
    ax.set_title("a title far too long to fit in a figure four inches wide, cut at both sides")
    ax.set_xlabel("time [s]")
    fig.subplots_adjust(bottom=0.0)
    problems = plotting.layout_problems(fig)
    plt.close(fig)
    assert any(p.startswith("'a title far too long") and "left, " in p for p in problems)
    assert any(p.startswith("'time [s]' cut off at the bottom") for p in problems)
    assert any("legend of 'a title" in p and "covers" in p for p in problems)
    assert any(p.endswith("is 30 pt") for p in problems)


def test_a_fixed_legend_passes_the_check() -> None:
    plt = plotting.pyplot()
    fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
    ax.plot(range(50), range(50), ".", label="data")
    ax.plot([45], [45], "k*", ms=30, label="big")
    plotting.legend(ax, outside=True)
    ax.set_title("a short title")
    assert plotting.layout_problems(fig) == []
    plt.close(fig)
