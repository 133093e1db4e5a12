"""The conventions of a command-line tool, as a user meets them: --json on the
lists, -q and -v on either side of the command, NO_COLOR, the logging module
for diagnostics, a warning for a campaign with nothing dispersed, and the
replay's summary.json."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.cli.main import main
from hilander.hil.cli.output import paint
from hilander.sim.catalog import FAULTS
from hilander.sim.presets import PRESETS
from tests.common.console import hilander

NO_DISPERSIONS = (
    'name = "fixed"\nseed = 2\n\n[initial]\n'
    "position_m = [100.0, 0.0, 1500.0]\nvelocity_mps = [0.0, 0.0, -80.0]\n"
)


def test_scenarios_json_lists_every_lander_fault_and_scenario() -> None:
    done = hilander("scenarios", "--json")
    assert done.returncode == 0 and done.stderr == ""
    listed = json.loads(done.stdout)
    assert {x["preset"] for x in listed["landers"]} == set(PRESETS)
    assert [x["name"] for x in listed["faults"]] == [f.name for f in FAULTS]
    assert all(x["source"] for x in listed["landers"] + listed["faults"])
    assert {x["name"] for x in listed["scenarios"]} >= {"away", "windy"}


def test_ports_json_is_one_object_listing_the_ports() -> None:
    done = hilander("ports", "--json")
    assert done.returncode == 0 and done.stderr == ""
    ports = json.loads(done.stdout)["ports"]
    assert isinstance(ports, list)
    assert all(set(p) == {"device", "description", "hwid"} for p in ports)


def test_ports_json_and_text_list_the_same_ports(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from serial.tools import list_ports  # noqa: PLC0415
    from serial.tools.list_ports_common import ListPortInfo  # noqa: PLC0415

    def port(device: str, description: str, hwid: str) -> ListPortInfo:
        info = ListPortInfo(device, skip_link_detection=True)
        info.description, info.hwid = description, hwid
        return info

    found = [
        port("/dev/ttyUSB0", "CP2102 USB to UART", "USB VID:PID=10C4:EA60"),
        port("/dev/ttyACM0", "STM32 Virtual ComPort", "USB VID:PID=0483:5740"),
    ]
    monkeypatch.setattr(list_ports, "comports", lambda: found)
    assert main(["ports", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["ports"]
    assert listed == [  # sorted by device
        {"device": "/dev/ttyACM0", "description": "STM32 Virtual ComPort", "hwid": found[1].hwid},
        {"device": "/dev/ttyUSB0", "description": "CP2102 USB to UART", "hwid": found[0].hwid},
    ]
    assert main(["ports"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["/dev/ttyACM0", "/dev/ttyUSB0"]
    assert "STM32 Virtual ComPort" in lines[0] and "[USB VID:PID=0483:5740]" in lines[0]


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_leaves_the_results_and_no_progress(where: str, tmp_path: Path) -> None:
    args = ["campaign", "-n", "3", "--workers", "1", "--out", str(tmp_path / "c")]
    done = hilander(*(["-q", *args] if where == "before" else [*args, "--quiet"]))
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("campaign default: 3 of 3 runs")
    noisy = hilander("campaign", "-n", "3", "--workers", "1")
    assert "hilander campaign: [" in noisy.stderr  # the progress -q took away


def test_verbose_logs_what_is_done_and_its_timings(tmp_path: Path) -> None:
    done = hilander("-v", "sim", "--out", str(tmp_path / "r"))
    assert done.returncode == 0
    lines = done.stderr.splitlines()
    assert any(line.startswith("hilander: info: flown by the compiled law in ") for line in lines)
    assert any(f"files in {tmp_path / 'r'} in " in line for line in lines)
    assert hilander("sim").stderr == ""  # warnings only, by default


def test_verbose_twice_on_both_sides_logs_the_campaigns_chunks() -> None:
    done = hilander("-v", "campaign", "-n", "2", "--workers", "1", "-v")
    assert "hilander: debug: chunk flown: 1 run(s), 2 in all" in done.stderr.splitlines()


def test_quiet_and_verbose_together_are_refused() -> None:
    done = hilander("-q", "sim", "-v")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "hilander: error: -q (quiet) and -v (verbose): give one of them\n"


def test_a_board_session_logs_its_port_and_handshake(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with VirtualBoard() as board:
        code = main(["hil", "--port", board.path, "--json", "-v"])
    err = capsys.readouterr().err.splitlines()
    assert code == 0
    assert f"hilander: info: opened {board.path} at 921600 baud" in err
    assert any(line.startswith("hilander: info: session 0x") for line in err)
    assert any(line.startswith("hilander: info: hazard map 1: transfer 1") for line in err)


def _on_a_terminal(*args: str, **env: str) -> str:
    """What `hilander ARGS` prints when its standard output is a terminal."""
    primary, secondary = pty.openpty()
    script = Path(sys.executable).parent / "hilander"
    try:
        proc = subprocess.run(
            [str(script), *args],
            stdout=secondary,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "TERM": "xterm", **env},
            timeout=120,
            check=False,
        )
        os.close(secondary)
        secondary = -1
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the terminal's other end is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
        if secondary >= 0:
            os.close(secondary)
    assert proc.returncode == 0
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_and_none_with_no_color() -> None:
    assert "\033[32mPASS\033[0m" in _on_a_terminal("sim")
    plain = _on_a_terminal("sim", NO_COLOR="1")
    assert "PASS" in plain and "\033[" not in plain
    assert "\033[32m" in _on_a_terminal("sim", NO_COLOR="")  # set but empty: colour (no-color.org)


def test_no_colour_when_the_output_is_not_a_terminal() -> None:
    done = hilander("sim", TERM="xterm")
    assert done.stdout.startswith("hilander sim: default") and "\033[" not in done.stdout


def test_paint_colours_the_verdict_and_each_violation_only() -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

    text = "hilander sim: x (seed 1, msl, compiled law): FAIL\n  VIOLATION    too fast: FAIL"
    painted = paint(text, Terminal())
    assert painted.splitlines()[0].endswith(": \033[31mFAIL\033[0m")
    assert painted.splitlines()[1] == "  \033[31mVIOLATION\033[0m    too fast: FAIL"
    assert paint(text, io.StringIO()) == text  # not a terminal


def test_a_campaign_with_nothing_dispersed_warns_in_one_line(tmp_path: Path) -> None:
    scenario = tmp_path / "fixed.toml"
    scenario.write_text(NO_DISPERSIONS)
    done = hilander("campaign", str(scenario), "-n", "3", "--workers", "1", "-q")
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        f"hilander: warning: {scenario}: no dispersions: the 3 runs differ only by their seed "
        "(sensor noise, gusts, terrain), from the same start and vehicle; add a [dispersions] "
        "table to vary them (docs/campaigns.md#dispersions)"
    ]
    assert "dispersed: nothing (the scenario has no [dispersions]" in done.stdout
    assert hilander("campaign", "-n", "3", "--workers", "1", "-q").stderr == ""  # dispersed
    assert hilander("campaign", str(scenario), "-n", "1", "-q").stderr == ""  # one run


def test_replay_out_writes_its_summary_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rec = tmp_path / "run.hlr"
    with VirtualBoard() as board:
        assert main(["hil", "--port", board.path, "phoenix", "--record", str(rec), "-q"]) == 0
    capsys.readouterr()
    out = tmp_path / "rp"
    done = hilander("replay", str(rec), "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    written = json.loads((out / "summary.json").read_text())
    assert written == printed
    assert written["back_to_back"]["verdict"] == "identical"
    assert written["scenario"] == "phoenix" and str(out / "summary.json") in written["files"]
    assert all(Path(f).is_file() for f in written["files"])
