"""Link faults on a pseudo-terminal: every run ends with a verdict and its counters,
none hangs, and what was recorded up to the fault is kept."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hilander.hil.board.board import BoardOptions
from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.cli.main import main
from hilander.hil.link.faults import FaultPlan, parse_faults
from hilander.hil.link.record import read_recording
from hilander.hil.link.transport import PtyPair
from hilander.hil.wire.protocol import SCHEMA_HASH

FAST = ["--timeout", "0.05"]


@pytest.fixture
def board() -> Iterator[VirtualBoard]:
    with VirtualBoard() as vb:
        yield vb
    assert vb.error is None


def hil(capsys: pytest.CaptureFixture[str], port: str, *argv: str) -> tuple[int, Any, str]:
    code = main(["hil", "--port", port, "--json", *FAST, *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else None, err


@pytest.mark.parametrize(
    ("fault", "counter"),
    [
        ("drop=0.0001", "timeouts"),
        ("flip=0.0001", "crc_errors"),
        ("garbage=20", "resyncs"),
        ("stall=10:0.1", "timeouts"),
    ],
)
def test_recoverable_faults_land_and_are_counted(
    board: VirtualBoard, capsys: pytest.CaptureFixture[str], fault: str, counter: str
) -> None:
    code, s, _ = hil(capsys, board.path, "--fault", fault)
    assert s["verdict"] == "pass" and code == 0, s["violations"]
    assert s["link"][counter] > 0
    assert s["faults"]["plan"] == [fault]
    assert s["link"]["stalls"] == 0


def test_delay_shows_in_the_latency(
    board: VirtualBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    code, s, _ = hil(capsys, board.path, "--fault", "delay=0.001", "--fault", "jitter=0.0005")
    assert code == 0
    assert 1000 <= s["link"]["latency_us"]["p50"] <= s["link"]["latency_us"]["max"]


def test_duplicated_frames_are_answered_once(
    board: VirtualBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    code, s, _ = hil(capsys, board.path, "--fault", "dup=0.3")
    assert code == 0 and s["faults"]["injected"]["duplicated"] > 0
    # the board answers a repeated frame from its cache: the host sees the same frame twice
    assert s["link"]["duplicates"] > 0
    assert (
        s["link"]["stale_commands"] + s["link"]["duplicates"]
        >= s["faults"]["injected"]["duplicated"] // 2
    )


def test_a_long_stall_is_a_stall_verdict_with_everything_kept(
    board: VirtualBoard, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rec, out = tmp_path / "stall.hlr", tmp_path / "out"
    start = time.monotonic()
    code, s, _ = hil(
        capsys,
        board.path,
        *("--fault", "stall=20:30", "--stall-after", "1"),
        *("--record", str(rec), "--out", str(out)),
    )
    assert time.monotonic() - start >= 1.0  # never before the silence it is allowed
    assert code == 3 and s["verdict"] == "stall"
    assert s["link"]["stalls"] == 1 and s["link"]["timeouts"] >= 1 + 3  # --retries 3 at least
    assert "no command for step 1000" in s["violations"][0]  # 20 s at 50 Hz
    assert "stall after 1 s" in s["violations"][0] and "the board is silent" in s["violations"][0]
    rows = (out / "telemetry.csv").read_text().splitlines()
    assert len(rows) == 1 + 1000  # header, then every tick before the stall
    recording = read_recording(rec)
    assert recording.summary is not None and recording.summary["verdict"] == "stall"


def test_a_stall_shorter_than_the_stall_rule_is_waited_out(
    board: VirtualBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    """A board silent for 2 s (longer than --timeout times --retries, as a busy
    host or a slow board can be) lands: a stall takes --stall-after (10 s)."""
    code, s, _ = hil(capsys, board.path, "--fault", "stall=20:2")
    assert code == 0 and s["verdict"] == "pass", s["violations"]
    assert s["link"]["stalls"] == 0 and s["link"]["timeouts"] >= 1
    assert s["link"]["stall_after_s"] == 10.0


def _quiet_touchdown(capsys: pytest.CaptureFixture[str], scenario: str) -> Any:
    with VirtualBoard() as vb:
        code, s, _ = hil(capsys, vb.path, scenario)
    assert code == 0, s["violations"]
    return s["touchdown"]


@pytest.mark.parametrize("fault", ["delay=0.01", "jitter=0.02"])
def test_a_board_slower_than_the_timeout_lands_as_a_quiet_one(
    board: VirtualBoard, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    """Every answer later than --timeout (or at random times up to 10 times
    it): the waits adapt, late answers are taken, and the landing is the one
    a quiet board flies, bit for bit (lockstep makes timing irrelevant)."""
    scenario = "phoenix"  # the shortest built-in landing: about 1,400 steps
    quiet = _quiet_touchdown(capsys, scenario)
    code, s, _ = hil(capsys, board.path, scenario, "--timeout", "0.002", "--fault", fault)
    assert code == 0 and s["verdict"] == "pass", s["violations"]
    assert s["touchdown"] == quiet
    assert s["link"]["stalls"] == 0
    # the wait grew past the floor: not a timeout (and a resend) for every step
    assert s["link"]["rto_s"] > 0.002
    assert s["link"]["timeouts"] < s["sim"]["control_ticks"] // 4


def test_a_board_reset_is_recovered(
    board: VirtualBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    code, s, _ = hil(capsys, board.path, "--fault", "reset=2")
    assert code == 0 and s["verdict"] == "pass"
    assert s["link"]["resets"] == 1 and board.board.resets == 1
    assert s["faults"]["injected"]["reset_requested"] == 1


def test_a_late_reset_is_survived_by_the_link_and_judged_by_the_limits(
    board: VirtualBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/quickstart.md: the law restarted at 30 s, in the sky crane, takes
    no site from the map below the gate: it reports the nominal target as
    its site, and the touchdown, clear of hazards, is judged against it."""
    code, s, _ = hil(capsys, board.path, "--fault", "reset=30")
    assert s["link"]["resets"] == 1 and s["link"]["stalls"] == 0
    assert (code, s["verdict"]) == (1, "fail")
    assert s["violations"] == ["touchdown 44.792 m from the chosen site, over 20 m"]
    assert s["site"]["position_m"][:2] == [0.0, 0.0] and not s["touchdown"]["on_hazard"]


def test_a_reset_the_board_refuses_is_reported_unsupported(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with VirtualBoard(BoardOptions(honour_reset=False)) as vb:
        code, s, _ = hil(capsys, vb.path, "--fault", "reset=2")
    assert code == 0 and s["link"]["resets"] == 0
    assert s["link"]["unsupported_faults"] == ["reset: the board does not offer INJECT_RESET"]


def test_the_port_disappearing_ends_with_link_lost(
    board: VirtualBoard, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, s, _ = hil(capsys, board.path, "--fault", "unplug=10", "--out", str(tmp_path))
    assert code == 3 and s["verdict"] == "link_lost"
    assert "the port disappeared" in s["violations"][0]
    assert len((tmp_path / "telemetry.csv").read_text().splitlines()) == 1 + 500


def test_a_silent_peer_is_a_clear_error_not_a_hang(capsys: pytest.CaptureFixture[str]) -> None:
    pty = PtyPair()
    try:
        start = time.monotonic()
        code, s, err = hil(capsys, pty.path)
    finally:
        pty.close()
    assert code == 3 and s is None
    assert "no answer to HELLO" in err and err.count("\n") == 1
    assert time.monotonic() - start < 10


def test_a_garbage_spewing_peer_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    pty = PtyPair()
    stop = threading.Event()

    def spew() -> None:
        noise = bytes(range(256)) * 4
        while not stop.is_set():
            os.write(pty.master_fd, noise)
            time.sleep(0.001)

    thread = threading.Thread(target=spew, daemon=True)
    thread.start()
    try:
        code, _, err = hil(capsys, pty.path)
    finally:
        stop.set()
        thread.join()
        pty.close()
    assert code == 3 and "no answer to HELLO" in err


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (BoardOptions(protocol_version=2), ["board speaks v2", "host speaks v1"]),
        (BoardOptions(schema_hash=0x12345678), ["0x12345678", f"{SCHEMA_HASH:#010x}"]),
    ],
)
def test_a_mismatched_board_names_both_sides(
    options: BoardOptions, words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with VirtualBoard(options) as vb:
        code, s, err = hil(capsys, vb.path)
    assert code == 3 and s is None and err.count("\n") == 1
    assert all(w in err for w in words), err


@pytest.mark.parametrize(
    "specs",
    [
        ["drop"],
        ["drop=2"],
        ["flip=-1"],
        ["stall=3"],
        ["stall=a:b"],
        ["reset=nan"],
        ["frob=1"],
        ["delay=1e308"],
        ["stall=1:inf"],
        ["drop=0.1", "drop=0.2"],
        ["stall=1:2", "stall=3:4"],
        ["unplug=1", "unplug=2"],
    ],
)
def test_bad_fault_options_are_one_line(
    specs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [f"--fault={spec}" for spec in specs]
    assert main(["hil", "--port", "loop://", *argv]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("hilander: error: --fault") and err.count("\n") == 1


def test_fault_plans_parse_and_describe_themselves() -> None:
    plan = parse_faults(["drop=0.001", "stall=3:0.5", "reset=0"])
    assert plan == FaultPlan(drop=0.001, stall=(3.0, 0.5), reset=(0.0,))
    assert plan.describe() == ["drop=0.001", "stall=3:0.5", "reset=0"]
    assert plan.on_transport and not FaultPlan(reset=(3.0,)).on_transport


def test_repeated_resets_accumulate_in_order() -> None:
    plan = parse_faults([f"reset={t}" for t in (7, 1, 3, 2, 6, 5, 4)])
    assert plan.reset == (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0)
    assert plan.describe() == [f"reset={t}" for t in range(1, 8)]


def test_seven_resets_are_seven_reboots(
    board: VirtualBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    resets = [f"--fault=reset={t}" for t in range(1, 8)]
    code, s, _ = hil(capsys, board.path, *resets)
    assert code == 0 and s["verdict"] == "pass", s["violations"]
    assert s["link"]["resets"] == 7 and board.board.resets == 7
    assert s["faults"]["injected"]["reset_requested"] == 7
    assert s["faults"]["plan"] == [f"reset={t}" for t in range(1, 8)]


def test_a_line_that_echoes_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = hil(capsys, "loop://")
    assert code == 3 and "echoes what is sent" in err


def test_a_port_lost_before_the_landing_is_a_link_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An unplug at t = 0 comes during HELLO/PARAMS, outside any step."""
    assert main(["hil", "--port", "loop://", "--fault", "unplug=0"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("hilander: error: loop://: lost before the landing: ")
    assert err.count("\n") == 1 and "Traceback" not in err
