"""The emulated boards run in virtual time (QEMU -icount): the cost of every
step, in instructions, is the board's own and the same on a quiet and on a
busy host; real time against them is judged in their time; idle, they cost
the host next to nothing. Skipped, with the reason, where QEMU or the ARM
toolchain is missing; .ci/run installs both."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from hilander.hil.board.firmware import firmware_command
from hilander.hil.board.targets import EMULATED, ICOUNT_SHIFT, TARGETS
from hilander.hil.cli.main import main
from tests.common.firmware import FIRMWARE
from tests.common.qemu import hogs, kill, start_qemu, stop

SHORTEST = "phoenix"  # the shortest built-in landing
IDLE_CORE_SHARE_MAX = 0.10
CLOCK_TICKS_PER_S = 100  # /proc/<pid>/stat's utime and stime (USER_HZ)


def test_the_targets_run_qemu_with_the_shift_the_firmware_is_built_for() -> None:
    makefile = (FIRMWARE / "Makefile").read_text()
    match = re.search(r"^ICOUNT_SHIFT = (\d+)$", makefile, re.MULTILINE)
    assert match is not None and int(match.group(1)) == ICOUNT_SHIFT
    for name in EMULATED:
        assert f"shift={ICOUNT_SHIFT},align=off,sleep=on" in TARGETS[name].qemu_options()


def test_the_firmware_docs_show_the_command_hilander_board_runs() -> None:
    text = (FIRMWARE.parent / "docs" / "firmware.md").read_text()
    command = firmware_command(Path("firmware_stub"), "qemu-m4f", None)
    assert " ".join(command) in text


def _fly(capsys: pytest.CaptureFixture[str], port: str, *args: str) -> dict[str, Any]:
    code = main(["hil", "--port", port, "--json", SHORTEST, *args])
    summary: dict[str, Any] = json.loads(capsys.readouterr()[0])
    assert code == 0 and summary["verdict"] == "pass", summary["violations"]
    assert summary["link"]["stalls"] == 0
    return summary


def _same_landing(quiet: dict[str, Any], busy: dict[str, Any]) -> None:
    assert busy["touchdown"] == quiet["touchdown"]
    assert busy["events"] == quiet["events"] and busy["phases"] == quiet["phases"]
    for key in ("board_compute_us", "board_instructions", "deadline_misses"):
        assert busy["link"][key] == quiet["link"][key], key


@pytest.mark.qemu
@pytest.mark.parametrize("target", EMULATED)
def test_a_lockstep_landing_costs_the_same_on_a_busy_host(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two CPU hogs on the host (as many as this machine's cores, in CI) change
    the round trips, never the landing nor what each step cost the board."""
    qemu, port = start_qemu("pty", target)
    try:
        quiet = _fly(capsys, port)
        loads = hogs(2)
        try:
            busy = _fly(capsys, port)
        finally:
            kill(loads)
    finally:
        stop(qemu)
    _same_landing(quiet, busy)
    cost = quiet["link"]["board_instructions"]
    assert cost["max"] > 0 and cost["unit"] == "instructions"  # the board counts
    assert (cost["budget"], cost["clock_Hz"], cost["control_period_us"]) == (250_000, 25e6, 20_000)
    assert quiet["link"]["stack_high_water_B"] is None or quiet["link"]["stack_high_water_B"] > 0


@pytest.mark.qemu
def test_real_time_on_a_board_in_virtual_time_is_judged_in_its_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--mode realtime against an emulated board: a step whose cost in the
    board's time is over the control period is a deadline miss, whatever the
    host's load, so a quiet and a busy host miss the same deadlines."""
    qemu, port = start_qemu("pty", "qemu-m4f")
    try:
        quiet = _fly(capsys, port, "--mode", "realtime")
        loads = hogs(2)
        try:
            busy = _fly(capsys, port, "--mode", "realtime")
        finally:
            kill(loads)
    finally:
        stop(qemu)
    _same_landing(quiet, busy)
    link = quiet["link"]
    late = link["late_latency_us"]
    assert link["host_overruns"] == 0
    if link["deadline_misses"]:
        assert late["max"] is not None and late["p50"] > 20_000  # over a 50 Hz period
    assert link["board_compute_us"]["max"] <= 20_000 or link["deadline_misses"] > 0


def _cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS_PER_S  # utime, stime


@pytest.mark.qemu
@pytest.mark.parametrize("target", EMULATED)
def test_an_idle_emulated_board_uses_under_a_tenth_of_a_core(target: str) -> None:
    """Idle is WFI and QEMU runs with sleep=on: the host's CPU is not spent on
    a board waiting for bytes. (Load on the host can only lower the share.)"""
    qemu, _ = start_qemu("pty", target)
    try:
        time.sleep(1.0)  # past QEMU's start-up
        cpu0, t0 = _cpu_s(qemu.pid), time.monotonic()
        time.sleep(3.0)
        share = (_cpu_s(qemu.pid) - cpu0) / (time.monotonic() - t0)
    finally:
        stop(qemu)
    assert share < IDLE_CORE_SHARE_MAX, f"{target}: {share:.1%} of a core while idle"


@pytest.mark.qemu
def test_the_cost_benchmark_docs_performance_shows_runs() -> None:
    """benchmarks/bench_board_cost.py as docs/performance.md shows it, on one
    landing: the per-phase figures add up to the landing's, and phoenix fits
    the M4F's budget (its figures in docs/performance.md)."""
    script = FIRMWARE.parent / "benchmarks" / "bench_board_cost.py"
    command = ["--target", "qemu-m4f", "--scenario", SHORTEST, "--json"]
    text = (FIRMWARE.parent / "docs" / "performance.md").read_text()
    assert "benchmarks/bench_board_cost.py --target qemu-m4f" in text
    done = subprocess.run(
        [sys.executable, str(script), *command], capture_output=True, text=True, check=True
    )
    landing = json.loads(done.stdout)["qemu-m4f"][SHORTEST]
    phases = landing["by_phase"].values()
    assert sum(p["steps"] for p in phases) == landing["steps"]
    assert max(p["max"] for p in phases) == landing["max"]
    assert landing["verdict"] == "pass"
    assert landing["over_budget"] == 0 and landing["max"] <= landing["budget"] == 250_000


@pytest.mark.qemu
def test_the_report_draws_each_steps_cost_against_the_budget(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`hilander hil --out` with a board that counts: the text summary's cost
    line, the report's figure and table, the cost column of link.csv."""
    qemu, port = start_qemu("pty", "qemu-m4f")
    try:
        code = main(["hil", "--port", port, SHORTEST, "--out", str(tmp_path / "r")])
    finally:
        stop(qemu)
    out = capsys.readouterr()[0]
    assert code == 0, out
    [line] = [x for x in out.splitlines() if x.startswith("  board cost   p50 ")]
    assert "budget 250,000 (" in line and "0 steps over [instructions]" in line, line
    html = (tmp_path / "r" / "report.html").read_text()
    assert "cost.png" in html and "Cost per step" in html and "powered_approach" in html
    assert (tmp_path / "r" / "cost.png").stat().st_size > 10_000
    rows = (tmp_path / "r" / "link.csv").read_text().splitlines()
    assert rows[0] == "time_s,event,latency_us,board_compute_us,board_instructions"
    commands = [r.split(",") for r in rows[1:] if ",command," in r]
    assert commands and all(int(r[4]) > 0 and int(r[3]) == int(r[4]) // 25 for r in commands)
