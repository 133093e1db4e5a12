"""The C firmware as a process on a pseudo-terminal, flown by `hilander hil`:
the plain build and the AddressSanitizer/UBSan build, both modes, faults."""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hilander.hil.cli.main import main
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario, scenario_to_toml
from tests.common.firmware import FIRMWARE

BUILDS = {"host": "build/host/hilander-fw", "host-asan": "build/host-asan/hilander-fw"}


def start(build: str) -> tuple[subprocess.Popen[str], str]:
    done = subprocess.run(
        ["make", "-s", "-C", str(FIRMWARE), build], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    proc = subprocess.Popen(
        [str(FIRMWARE / BUILDS[build])], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    port = proc.stdout.readline().strip()
    assert port.startswith("/dev/"), port
    return proc, port


@pytest.fixture(params=list(BUILDS))
def firmware(request: pytest.FixtureRequest) -> Iterator[str]:
    proc, port = start(request.param)
    yield port
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "ERROR: AddressSanitizer" not in err and "runtime error" not in err, err


def hil(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(["hil", "--json", *argv])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def test_the_firmware_lands_the_default_scenario_in_lockstep(
    firmware: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, s = hil(capsys, "--port", firmware)
    desk = summarize(fly(load_scenario("default"))).to_dict()
    assert code == 0 and s["verdict"] == desk["verdict"] == "pass"
    a, b = s["touchdown"], desk["touchdown"]
    assert abs(a["time_s"] - b["time_s"]) < 0.1
    assert abs(a["vertical_speed_mps"] - b["vertical_speed_mps"]) < 0.01
    assert s["link"]["board"].startswith("hilander-fw")
    assert s["link"]["stalls"] == 0  # timeouts: a busy host may cause some, harmlessly


def test_the_firmware_in_real_time(firmware: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, s = hil(capsys, "--port", firmware, "--mode", "realtime", "--speedup", "25")
    ticks, misses = s["sim"]["control_ticks"], s["link"]["deadline_misses"]
    assert s["link"]["latency_us"]["p50"] > 0 and s["link"]["stalls"] == 0
    if misses <= ticks // 100:  # a quiet host: it lands as on the desk
        assert code == 0 and s["verdict"] == "pass", s["violations"]
    else:  # a busy one: lateness is measured, the verdict is the limits'
        assert s["verdict"] in ("pass", "fail") and code in (0, 1)


def test_the_firmware_recovers_from_faults(
    firmware: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, s = hil(
        capsys,
        "--port",
        firmware,
        "--timeout",
        "0.05",
        "--fault",
        "reset=2",
        "--fault",
        "flip=0.00005",
        "--fault",
        "garbage=5",
    )
    assert code == 0 and s["verdict"] == "pass", s["violations"]
    assert s["link"]["resets"] == 1


def test_the_firmware_answers_the_replay(
    firmware: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Back to back on a recording made with `--record`: the Cython law
    against the commands the C firmware sent."""
    rec = tmp_path / "fw.hlr"
    code, _ = hil(capsys, "--port", firmware, "--record", str(rec))
    assert code == 0
    assert main(["replay", str(rec), "--json", "--tolerance", "1e-3"]) == 0
    report = json.loads(capsys.readouterr()[0])["back_to_back"]
    assert report["different"] == 0 and report["commands_compared"] > 2500


def test_the_firmware_flies_the_least_miss_in_float32(
    firmware: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """No plan reaches the site (tests/data/far-away.toml): the board's
    float32 fallback lands short of it within every limit, as the desk's."""
    path = Path(__file__).parents[1] / "data" / "far-away.toml"
    code, board = hil(capsys, str(path), "--port", firmware)
    assert code == 0 and board["verdict"] == "pass", board["violations"]
    assert board["guidance"]["plan_infeasible_s"] == 0.0
    assert 800.0 < board["site"]["distance_to_target_m"] < 1500.0


def test_the_firmware_flies_convex_guidance_in_float32(
    firmware: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The board's float32 solver plans and flies the approach: the landing
    passes as the desk's (Cython, double) does, in the same phases."""
    s = load_scenario("default")
    s = dataclasses.replace(s, law=s.law.replace(guidance="convex"))
    path = tmp_path / "convex.toml"
    path.write_text(scenario_to_toml(s), encoding="utf-8")
    code, board = hil(capsys, str(path), "--port", firmware)
    desk = summarize(fly(s)).to_dict()
    assert code == 0 and board["verdict"] == desk["verdict"] == "pass", board["violations"]
    assert [p["name"] for p in board["phases"]] == [p["name"] for p in desk["phases"]]
    assert abs(board["touchdown"]["time_s"] - desk["touchdown"]["time_s"]) < 1.0
    assert abs(board["propellant_used_kg"] - desk["propellant_used_kg"]) < 2.0
