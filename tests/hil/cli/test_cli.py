"""The command line as a user meets it: outputs, files, exit codes, one-line errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from hilander.hil.cli.main import main
from hilander.sim.catalog import FAULTS
from hilander.sim.presets import PRESETS
from hilander.sim.scenario import builtin_names

REQUIRED = {
    "verdict",
    "violations",
    "touchdown",
    "tether_cut",
    "propellant_used_kg",
    "flyaway",
    "phases",
    "sim",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sim_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, "sim", "--json", *argv)
    assert err == ""
    return code, json.loads(out)


def test_sim_json_on_the_default_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    code, s = sim_json(capsys)
    assert code == 0
    assert set(s) >= REQUIRED
    assert s["verdict"] == "pass" and s["violations"] == []
    assert set(s["touchdown"]) >= {
        "time_s",
        "vertical_speed_mps",
        "horizontal_speed_mps",
        "position_m",
        "distance_to_target_m",
        "on_hazard",
    }
    assert set(s["tether_cut"]) == {"time_s", "after_touchdown_s"}
    assert "impact_distance_m" in s["flyaway"]
    assert all(set(p) == {"name", "start_s"} for p in s["phases"])
    assert s["sim"]["steps"] > 10_000 and s["sim"]["wall_time_s"] > 0


def test_sim_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sim")
    assert code == 0
    assert "PASS" in out.splitlines()[0] and "touchdown" in out and "tether cut" in out


def test_out_writes_summary_telemetry_and_a_scenario_that_refiles(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "run"
    code, s = sim_json(capsys, "--out", str(out), "--seed", "5")
    assert code == 0
    assert json.loads((out / "summary.json").read_text())["touchdown"] == s["touchdown"]
    with (out / "telemetry.csv").open() as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["time_s", "phase", "events"]
    assert all(
        name.endswith(("_s", "_m", "_mps", "_N", "_kg", "_rad", "_radps"))
        or name in ("phase", "events", "status", "throttle", "throttle_command")
        for name in rows[0]
    )
    assert len(rows) - 1 == s["sim"]["control_ticks"]
    code, again = sim_json(capsys, str(out / "scenario.toml"))
    assert code == 0 and again["touchdown"] == s["touchdown"] and again["scenario"]["seed"] == 5


def test_ctrl_c_keeps_the_flight_so_far(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Ctrl-C inside the loop (here in the flight computer, 2 s in) ends the
    flight: exit 130, the summary says so, and the telemetry flown is written."""
    out = tmp_path / "run"
    law = "tests.common.flaky_law:InterruptedLaw"
    code, s = sim_json(capsys, "--controller", law, "--out", str(out))
    assert code == 130 and s["verdict"] == "interrupted"
    assert any("interrupted at t = 2.00 s" in v for v in s["violations"])
    with (out / "telemetry.csv").open() as f:
        assert len(list(csv.reader(f))) == 1 + 100  # the header and ticks 0-99


def test_seed_changes_the_landing(capsys: pytest.CaptureFixture[str]) -> None:
    _, a = sim_json(capsys, "--seed", "1")
    _, b = sim_json(capsys, "--seed", "2")
    assert a["touchdown"]["position_m"] != b["touchdown"]["position_m"]


def test_reference_controller(capsys: pytest.CaptureFixture[str]) -> None:
    code, s = sim_json(capsys, "--controller", "reference")
    assert code == 0 and s["controller"] == "reference"


def test_a_failed_landing_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "weak.toml"
    p.write_text(
        'name = "weak"\n[vehicle]\nengine_thrust_max_N = 1200.0\n'
        "[initial]\nposition_m = [0.0, 0.0, 1500.0]\nvelocity_mps = [0.0, 0.0, -70.0]\n"
    )
    code, s = sim_json(capsys, str(p))
    assert code == 1 and s["verdict"] == "fail" and s["violations"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sim", "nope"], "nope: not a file and not a built-in scenario"),
        (["sim", "missing.toml"], "missing.toml: no such file"),
        (["sim", "--seed", "x"], "invalid seed 'x'"),
        (["sim", "--seed", "-4"], "invalid seed -4"),
        (["sim", "--bogus"], "unrecognized arguments: --bogus"),
        (["fly"], "invalid choice: 'fly'"),
        ([], "missing command"),
        (["sim", "--controller", "nosuch"], "--controller nosuch: use compiled"),
        (["sim", "--controller", "nosuch_module:X"], "no module named 'nosuch_module' (looked in"),
        (["sim", "--controller", "json:Nope"], "--controller json:Nope: cannot load it"),
        (["sim", "--controller", "json:JSONDecoder"], "needs reset(config) and step(frame)"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("hilander: error: ") and message in err
    assert err.count("\n") == 1


def test_bad_scenario_file_names_the_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    p = tmp_path / "bad.toml"
    p.write_text(
        'name = "bad"\n[initial]\nposition_m = [0, 0, 1500]\nvelocity_mps = [0, 0, -70]\n'
        "[vehicle]\nisp_s = -1\n"
    )
    code, _, err = run(capsys, "sim", str(p))
    assert code == 2
    assert err == f"hilander: error: {p}: [vehicle] isp_s = -1: must be > 0\n"


def test_unwritable_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "sim", "--out", str(blocker / "sub"))
    assert code == 2 and "cannot write" in err and err.count("\n") == 1


def test_scenarios_lists_landers_faults_and_the_rest(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scenarios")
    entries = [
        line.split()[0]
        for line in out.splitlines()
        if line.startswith("  ") and not line.split()[0].startswith("source:")
    ]
    assert code == 0
    for name in ("viking", "phoenix", "insight", "msl", "m2020", "mpl-leg-latch", "mco-units"):
        assert name in entries
    assert set(entries) >= set(builtin_names()) - {"default"}
    assert out.count("source: mars-landers.md §") == len(PRESETS) + len(FAULTS)


def test_a_landers_name_flies_its_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    code, s = sim_json(capsys, "msl")
    assert code == 0 and s["scenario"]["name"] == "default" and s["scenario"]["preset"] == "msl"


def test_a_thrust_in_pound_force_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "sim", "mco-units")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "in pound-force? 702.5 lbf is 3125 N" in err


def test_user_controller_by_module_and_class(capsys: pytest.CaptureFixture[str]) -> None:
    code, s = sim_json(capsys, "--controller", "hilander.controller:ReferenceLaw")
    assert code == 0 and s["controller"] == "hilander.controller:ReferenceLaw"


def test_board_options_that_the_firmware_cannot_take_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["board", "--firmware", "host", "--delay", "0.1", "--once"]) == 2
    _, err = capsys.readouterr()
    assert err == "hilander: error: board --firmware: --delay, --once apply to --virtual\n"
    assert main(["board"]) == 2
    assert "--virtual" in capsys.readouterr()[1]


def test_a_firmware_folder_that_is_not_there_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """0.6 let FirmwareError out as a traceback."""
    missing = tmp_path / "no-firmware"
    assert main(["board", "--firmware", "host", "--firmware-dir", str(missing)]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("hilander: error: ") and err.count("\n") == 1
    assert "not a firmware_stub/ folder" in err and str(missing) in err


def test_a_bad_reference_is_one_line_before_the_port_is_opened(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["hil", "--port", "/dev/nonexistent-port", "--reference", "nosuch:Law"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "nonexistent" not in err
    assert err.startswith("hilander: error: --reference nosuch:")


@pytest.mark.parametrize(
    "args",
    [["--port", "/dev/hilander-no-such-port"], ["--port", "loop://", "--reference", "nope"]],
)
def test_a_bad_port_or_reference_leaves_an_old_recording_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str]
) -> None:
    """The recording starts only once the port is open (0.6 order)."""
    old = tmp_path / "run.hlr"
    old.write_bytes(b"an earlier recording")
    assert main(["hil", *args, "--record", str(old)]) == 2
    assert old.read_bytes() == b"an earlier recording"
    assert capsys.readouterr().err.count("\n") == 1


def test_a_machine_without_make_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    firmware = Path(__file__).resolve().parents[3] / "firmware_stub"
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on it: no make, no qemu
    code = main(["board", "--firmware", "host", "--firmware-dir", str(firmware)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("hilander: error: cannot start the host firmware: make not found")
