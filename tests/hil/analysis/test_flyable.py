"""A failed run held to the fuel optimum (campaign --check-failures): is it
flyable, the threshold it is judged by, and what a campaign reports."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path

import pytest

pytest.importorskip("cvxpy", reason="the analysis extra (cvxpy, Clarabel) is not installed")

from hilander.hil.analysis.flyable import flyable
from hilander.hil.analysis.optimal import OptimalError, Options, fixed_target, optimum_for
from hilander.hil.campaign.executors import Campaign, fly_campaign
from hilander.hil.campaign.summary import summarize_campaign
from hilander.hil.cli.main import main
from hilander.hil.report.files import OutputError
from hilander.hil.report.runs_file import JOURNAL, RunsFile, identity
from hilander.sim.scenario import Scenario, load_scenario, scenario_to_toml


def _with(s: Scenario, **tables: dict[str, float]) -> Scenario:
    changes = {name: dataclasses.replace(getattr(s, name), **f) for name, f in tables.items()}
    return dataclasses.replace(s, **changes)


def test_the_threshold_is_the_propellant_less_the_law_reserve() -> None:
    """The optimum's propellant to the gate with the whole tank on board,
    against the tank less plan_reserve_kg: a reserve 1 kg under what the
    optimum leaves is flyable, 1 kg over is not; a tank that no final time
    flies on at all is not flyable, with no propellant to give."""
    s = load_scenario("default")
    found = flyable(s)
    need, tank = found["optimum_to_gate_kg"], s.vehicle.propellant_mass_kg
    assert found["flyable"] == 1.0
    assert 100.0 < need < tank - s.law.plan_reserve_kg
    best, _ = optimum_for(s, fixed_target(s, "gate"), Options(nodes=40))
    assert best.propellant_kg == need  # the same search, not a second one of its own
    under = _with(s, law={"plan_reserve_kg": tank - need - 1.0})
    assert flyable(under) == {"optimum_to_gate_kg": need, "flyable": 1.0}
    over = _with(s, law={"plan_reserve_kg": tank - need + 1.0})
    assert flyable(over) == {"optimum_to_gate_kg": need, "flyable": 0.0}
    short = _with(s, vehicle={"propellant_mass_kg": 20.0})
    with pytest.raises(OptimalError):
        optimum_for(short, fixed_target(short, "gate"), Options(nodes=40))
    none = flyable(short)
    assert math.isnan(none["optimum_to_gate_kg"]) and none["flyable"] == 0.0


def _campaign(s: Scenario, runs: int = 2) -> Campaign:
    return Campaign(s, runs, 1, check_failures=True)


def test_a_campaign_checks_its_failed_runs_and_only_them() -> None:
    """The default start fails a site miss of a millimetre, which no landing meets (flyable:
    the optimum reaches the gate with the reserve), passes with its own
    limits (nothing checked), and fails with too little propellant (not
    flyable: the rate over flyable runs has nothing to count)."""
    s = load_scenario("default")
    narrow = _with(s, limits={"site_miss_max_m": 0.001})
    result = fly_campaign(_campaign(narrow), workers=1)
    assert [r["verdict"] for r in result.rows] == ["fail", "fail"]
    assert [r["flyable"] for r in result.rows] == [1.0, 1.0]
    f = summarize_campaign(result).failures
    assert f is not None and (f.checked, f.flyable, f.flyable_runs) == (2, 2, [0, 1])
    assert f.success_rate == 0.0

    result = fly_campaign(_campaign(s), workers=1)
    assert all(r["verdict"] == "pass" and math.isnan(r["flyable"]) for r in result.rows)
    f = summarize_campaign(result).failures
    assert f is not None and (f.checked, f.flyable, f.success_rate) == (0, 0, 1.0)

    short = _with(s, vehicle={"propellant_mass_kg": 150.0})
    result = fly_campaign(_campaign(short, 1), workers=1)
    assert result.rows[0]["verdict"] == "fail" and result.rows[0]["flyable"] == 0.0
    f = summarize_campaign(result).failures
    assert f is not None and (f.checked, f.flyable, f.success_rate) == (1, 0, None)


def test_without_the_option_no_failure_is_checked() -> None:
    s = _with(load_scenario("default"), limits={"site_miss_max_m": 0.001})
    result = fly_campaign(Campaign(s, 1, 1), workers=1)
    assert result.rows[0]["verdict"] == "fail" and math.isnan(result.rows[0]["flyable"])
    assert summarize_campaign(result).failures is None


def test_the_command_line_reports_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    narrow = _with(load_scenario("default"), limits={"site_miss_max_m": 0.001})
    path = tmp_path / "narrow.toml"
    path.write_text(scenario_to_toml(narrow))
    out = tmp_path / "out"
    args = [str(path), "-n", "2", "--workers", "1", "--check-failures", "--min-success", "0"]
    assert main(["campaign", *args, "--json", "--out", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["failures"]["flyable_runs"] == [0, 1]
    assert json.loads((out / "summary.json").read_text())["failures"]["checked"] == 2
    rows = list(csv.DictReader((out / "runs.csv").read_text().splitlines()))
    assert [r["flyable"] for r in rows] == ["1.0", "1.0"]
    assert all(float(r["optimum_to_gate_kg"]) > 100.0 for r in rows)
    assert "failed runs the fuel optimum flies" in (out / "report.html").read_text()
    assert main(["campaign", *args]) == 0
    text = capsys.readouterr().out
    assert "failed runs the fuel optimum flies to the gate with the law's reserve: 2 of 2" in text


@pytest.mark.slow
def test_the_documented_command(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/campaigns.md's example, as written there (with --json): every
    failed run checked, the flyable ones among them, and the rate over the
    flyable runs no lower than over all of them."""
    root = Path(__file__).resolve().parents[3]
    line = (
        "hilander campaign benchmarks/convex/wide-2x.toml -n 200 --check-failures --min-success 0"
    )
    assert f"\n{line}\n" in (root / "docs" / "campaigns.md").read_text()
    args = line.split()[1:]
    args[1] = str(root / args[1])
    assert main([*args, "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    f, o = s["failures"], s["outcome"]
    assert f["checked"] == o["fail"] > 0
    assert f["success_rate"] == round(o["pass"] / (o["pass"] + f["flyable"]), 6)
    assert f["success_rate"] >= o["success_rate"]
    # the figures the docs quote
    assert (o["pass"], o["fail"], f["flyable_runs"]) == (199, 1, [])
    assert f["success_rate_ci95"] == [0.981062, 1.0]


def test_a_campaign_resumes_only_with_the_same_option(tmp_path: Path) -> None:
    """--resume continues the campaign only with the --check-failures it was
    started with; a journal from before the option reads as without it."""
    s = load_scenario("default")
    started = RunsFile(tmp_path, Campaign(s, 2, 1, check_failures=True))
    started.start()
    started.close()
    refused = r"failures checked True\), not .*failures checked False\)"
    with pytest.raises(OutputError, match=refused):
        list(RunsFile(tmp_path, Campaign(s, 2, 1)).resume())
    ident = identity(Campaign(s, 2, 1))
    del ident["check_failures"]
    (tmp_path / JOURNAL).write_text(json.dumps(ident) + "\n")
    resumed = RunsFile(tmp_path, Campaign(s, 2, 1))
    assert list(resumed.resume()) == []
    resumed.close()


def test_a_failure_that_cannot_be_checked_counts_as_flyable() -> None:
    """An airbag lander flies no powered descent to bound: its failed runs
    are not checked, and count against the law (as flyable), not for it."""
    from hilander.hil.campaign.summary import failures_checked  # noqa: PLC0415
    from hilander.hil.campaign.table import RunTable  # noqa: PLC0415

    mer = load_scenario("mer")
    assert all(math.isnan(x) for x in flyable(mer).values())
    table = RunTable(Campaign(mer, 3, 1, check_failures=True))
    nan = math.nan
    table.add(
        [
            {"run": 0, "seed": 0, "verdict": "fail", "flyable": nan, "optimum_to_gate_kg": nan},
            {"run": 1, "seed": 1, "verdict": "pass"},
            {"run": 2, "seed": 2, "verdict": "fail", "flyable": 0.0, "optimum_to_gate_kg": 300.0},
        ]
    )
    f = failures_checked(table)
    assert (f.checked, f.flyable, f.flyable_runs, f.success_rate) == (1, 1, [0], 0.5)
