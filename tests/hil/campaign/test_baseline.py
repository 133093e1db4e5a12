"""Golden baselines: recorded, checked, a detuned gain caught, bad suites
refused with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hilander.hil.campaign.baseline import Move, _move, check_table, load_suite, read_baseline
from hilander.hil.cli.main import main
from hilander.sim.campaign import METRICS

DEFAULT_TOML = (Path(__file__).parents[3] / "sim/scenarios/default.toml").read_text()
SUITE = """
[[campaign]]
scenario = "law.toml"
runs = 20

[[campaign]]
scenario = "windy"
runs = 5
seed = 3

[tolerances]
"windy.*" = { abs = 0.5, rel = 0.1 }
"""


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    (tmp_path / "law.toml").write_text(DEFAULT_TOML)
    path = tmp_path / "suite.toml"
    path.write_text(SUITE)
    return path


def hilander(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["baseline", *argv, "--workers", "1"])
    out, err = capsys.readouterr()
    return code, out, err


def detune(suite: Path) -> None:
    """Halve the vertical speed loop's gain in the suite's scenario."""
    law = suite.parent / "law.toml"
    law.write_text(
        DEFAULT_TOML.replace(
            "[dispersions.initial.position_m]",
            "[law]\nvertical_gain_per_s = 1.0\n\n[dispersions.initial.position_m]",
        )
    )


def test_record_then_check_the_unchanged_law(
    suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = hilander(capsys, "record", str(suite))
    assert code == 0 and "2 campaigns" in out
    recorded = json.loads((suite.parent / "suite.baseline.json").read_text())
    assert recorded["format"] == "hilander-baseline/1"
    assert recorded["figures"]["default.success_rate"] == {
        "value": 1.0,
        "worse": "down",
        "abs": 0.0,
        "rel": 0.0,
    }
    assert recorded["figures"]["windy.limit_use.p99"]["rel"] == 0.1
    vz = recorded["figures"]["default.touchdown_vertical_speed_mps.p50"]
    assert vz["abs"] == 0.01 and vz["worse"] == "both" and 0.65 < vz["value"] < 0.85
    code, out, _ = hilander(capsys, "check", str(suite))
    assert code == 0 and out.splitlines()[-1] == "OK"
    assert f"{len(recorded['figures'])} figures: {len(recorded['figures'])} same" in out


def test_a_detuned_gain_fails_the_check_with_a_table(
    suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hilander(capsys, "record", str(suite))
    detune(suite)
    code, out, _ = hilander(capsys, "check", str(suite))
    assert code == 1 and out.splitlines()[-1].startswith("FAIL")
    header = next(line for line in out.splitlines() if line.startswith("figure"))
    assert header.split() == ["figure", "baseline", "now", "change", "tolerance", "status"]
    worse = [line.split() for line in out.splitlines() if line.endswith("WORSE")]
    names = {row[0] for row in worse}
    assert "default.tether_cut_delay_s.p50" in names
    row = next(r for r in worse if r[0] == "default.tether_cut_delay_s.p50")
    assert float(row[3]) > 0.02 and row[4] == "±0.02"
    assert not any(name.startswith("windy.") for name in names)  # that one did not change
    code, out, _ = hilander(capsys, "check", str(suite), "--json")
    moves = json.loads(out)
    assert moves["failed"] is True
    assert {m["figure"] for m in moves["moves"] if m["status"] == "worse"} == names


def test_better_passes_unless_strict() -> None:
    entry = {"value": 10.0, "worse": "up", "abs": 0.5, "rel": 0.0}
    assert _move("x", entry, 9.0).status == "better"
    assert _move("x", entry, 10.4).status == "within"
    assert _move("x", entry, 11.0).status == "worse"
    assert _move("x", {**entry, "worse": "both"}, 9.0).status == "worse"
    assert _move("x", entry, None).status == "changed"
    assert _move("x", {**entry, "value": None}, None).status == "same"
    better = [Move("x", 10.0, 9.0, 0.5, "better")]
    assert check_table(better, strict=False)[1] is False
    assert check_table(better, strict=True)[1] is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "needs at least one [[campaign]] table"),
        ("[[campaign]]\nscenario = 'default'\n", "[[campaign]] 1: runs: expected an integer"),
        ("[[campaign]]\nscenario = 'nope'\nruns = 3\n", "nope: not a file and not a built-in"),
        ("[[campaign]]\nscenario = 'default'\nruns = 3\nrun = 2\n", "run: unknown key"),
        ("colour = 1\n", "colour: unknown key"),
        ("[[campaign]]\nscenario = 'default'\nruns = 3\n[tolerances]\nx = -1\n", "[tolerances] x"),
        (
            "[[campaign]]\nscenario = 'default'\nruns = 3\n[[campaign]]\n"
            "scenario = 'default'\nruns = 4\n",
            "label 'default' used twice",
        ),
        ("[[campaign\n", "invalid TOML"),
    ],
)
def test_a_bad_suite_is_one_line(
    tmp_path: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.toml"
    path.write_text(text)
    code, _, err = hilander(capsys, "check", str(path))
    assert code == 2 and message in err and err.count("\n") == 1


def test_checking_without_a_baseline_or_after_the_suite_changed(
    suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = hilander(capsys, "check", str(suite))
    assert code == 2 and "no baseline yet: run 'hilander baseline record" in err
    hilander(capsys, "record", str(suite))
    suite.write_text(SUITE.replace("runs = 20", "runs = 21"))
    code, _, err = hilander(capsys, "check", str(suite))
    assert code == 2 and "the suite's campaigns changed since this baseline was recorded" in err
    (suite.parent / "suite.baseline.json").write_text("{}")
    code, _, err = hilander(capsys, "check", str(suite))
    assert code == 2 and "not a hilander baseline" in err


def test_the_ci_baseline_is_a_recording_of_its_suite() -> None:
    """.ci/run checks .ci/baseline.toml; edit the suite, record it again."""
    suite = load_suite(Path(__file__).parents[3] / ".ci" / "baseline.toml")
    per_campaign = 2 + 4 * len(METRICS)
    assert len(read_baseline(suite)["figures"]) == per_campaign * len(suite.campaigns)
