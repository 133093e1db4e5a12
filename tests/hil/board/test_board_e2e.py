"""End to end over a pseudo-terminal: the virtual board flies the landing.

Lockstep through the wire equals the desk simulation flown with the same
float32 rounding bit for bit, and the plain desk simulation within that
rounding; real time lands with its figures; a recording replays identical.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hilander.hil.analysis.replay import WireRounded, compare_commands, refly
from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.cli.main import main
from hilander.hil.link.link import Link
from hilander.hil.link.record import read_recording
from hilander.hil.session import SessionOptions, open_board
from hilander.hil.session.remote import RemoteController
from hilander.hil.wire.protocol import Mode
from hilander.sim.result import summarize
from hilander.sim.run import Landing, fly
from hilander.sim.scenario import load_scenario

LINK_KEYS = {
    "frames_sent",
    "frames_received",
    "latency_us",
    "deadline_misses",
    "crc_errors",
    "resyncs",
    "timeouts",
    "stalls",
    "resets",
}


@pytest.fixture
def board() -> Iterator[VirtualBoard]:
    with VirtualBoard() as vb:
        yield vb
    assert vb.error is None


def fly_board(path: str, mode: Mode = Mode.LOCKSTEP, **options: Any) -> tuple[Landing, Any]:
    with open_board(path, SessionOptions(mode=mode, **options)) as board:
        landing = board.fly(load_scenario("default"))
    return landing, board.controller


def test_lockstep_equals_the_desk_sim_through_the_wire(board: VirtualBoard) -> None:
    landing, rc = fly_board(board.path)
    scenario = load_scenario("default")
    rounded = fly(scenario, WireRounded())
    assert np.array_equal(landing.telemetry, rounded.telemetry), "not bit for bit"
    hil, desk = summarize(landing), summarize(fly(scenario))
    assert hil.verdict == desk.verdict == "pass"
    a, b = hil.to_dict()["touchdown"], desk.to_dict()["touchdown"]
    assert abs(a["time_s"] - b["time_s"]) < 0.05
    assert abs(a["vertical_speed_mps"] - b["vertical_speed_mps"]) < 0.005
    assert abs(a["horizontal_speed_mps"] - b["horizontal_speed_mps"]) < 0.02
    assert abs(a["distance_to_site_m"] - b["distance_to_site_m"]) < 0.1
    s = rc.stats
    # no timeouts asserted: a busy host may delay an answer past the first wait;
    # the answer is still taken, and the landing above is the same bit for bit
    assert s.stalls == s.resets == s.deadline_misses == 0
    assert len(s.latencies_s) == len(landing.telemetry)


def test_realtime_lands_with_its_figures(board: VirtualBoard) -> None:
    landing, rc = fly_board(board.path, Mode.REALTIME, speedup=25.0)
    summary = summarize(landing).to_dict()
    # every tick is answered in time or counted as a deadline miss, however busy the host
    assert len(rc.stats.latencies_s) + rc.stats.deadline_misses == len(landing.telemetry)
    latency = rc.stats.latency_us()
    assert latency.p50 is not None and latency.p99 is not None and latency.max is not None
    assert latency.p50 <= latency.p99 <= latency.max
    assert rc.link.counters()["frames_sent"] >= len(landing.telemetry)
    # a missed deadline holds the last command for a tick: close to the desk, not equal
    desk = summarize(fly(load_scenario("default"))).to_dict()["touchdown"]
    td = summary["touchdown"]
    # What to read if this fails on a loaded machine (it did once, 58.0 s
    # against 41.4 s): how many commands came late, and where the phases went.
    why = (
        f"deadline misses {rc.stats.deadline_misses}, stale {rc.stats.stale_commands}, "
        f"phases {summary['phases']}"
    )
    if rc.stats.deadline_misses > len(landing.telemetry) // 100:
        # a busy host: real time measures lateness (above); what the landing then
        # is depends on the load, so only that it ended with a verdict
        assert summary["verdict"] in ("pass", "fail"), why
        return
    assert summary["verdict"] == "pass", summary["violations"]
    assert abs(td["time_s"] - desk["time_s"]) < 0.5, why
    assert abs(td["vertical_speed_mps"] - desk["vertical_speed_mps"]) < 0.05, why
    if rc.stats.deadline_misses == 0:
        lockstep, _ = fly_board(board.path)
        assert np.array_equal(landing.telemetry, lockstep.telemetry)


def test_a_slow_board_misses_deadlines_in_real_time() -> None:
    from hilander.hil.board.board import BoardOptions  # noqa: PLC0415

    with VirtualBoard(BoardOptions(step_delay_s=0.006)) as slow:
        landing, rc = fly_board(slow.path, Mode.REALTIME, speedup=20.0)
    assert rc.stats.deadline_misses > 0
    assert rc.stats.stale_commands > 0  # the late ones came after all, and were dropped
    assert summarize(landing).verdict in ("pass", "fail")


def test_hil_cli_records_and_replay_agrees(
    board: VirtualBoard, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = tmp_path / "run.hlr"
    code = main(
        [
            "hil",
            "--port",
            board.path,
            "--json",
            "--out",
            str(tmp_path / "out"),
            "--record",
            str(rec),
        ]
    )
    out, _ = capsys.readouterr()
    summary = json.loads(out)
    assert code == 0 and summary["verdict"] == "pass"
    assert summary["mode"] == "lockstep" and set(summary["link"]) >= LINK_KEYS
    assert set(summary["link"]["latency_us"]) == {"p50", "p99", "max"}
    assert (tmp_path / "out" / "telemetry.csv").exists()

    recording = read_recording(rec)
    del summary["files"]
    assert not recording.truncated and recording.summary == summary
    b2b = compare_commands(recording)
    assert b2b["verdict"] == "identical"
    assert b2b["commands_compared"] == summary["sim"]["control_ticks"]
    assert refly(recording)["same_touchdown"] is True

    code = main(["replay", str(rec)])
    out, _ = capsys.readouterr()
    assert code == 0 and "IDENTICAL" in out.splitlines()[0]


def test_a_cut_recording_still_replays(board: VirtualBoard, tmp_path: Path) -> None:
    rec = tmp_path / "run.hlr"
    assert main(["hil", "--port", board.path, "--record", str(rec)]) == 0
    data = rec.read_bytes()
    cut = tmp_path / "cut.hlr"
    cut.write_bytes(data[: len(data) // 2 + 3])
    recording = read_recording(cut)
    assert recording.truncated and recording.summary is None
    b2b = compare_commands(recording)
    assert b2b["verdict"] == "identical" and 0 < b2b["commands_compared"] < 3000


def test_replay_reports_where_a_different_law_disagrees(
    board: VirtualBoard, tmp_path: Path
) -> None:
    from hilander.controller.reference import ReferenceLaw  # noqa: PLC0415

    rec = tmp_path / "run.hlr"
    assert main(["hil", "--port", board.path, "--record", str(rec)]) == 0
    b2b = compare_commands(read_recording(rec), ReferenceLaw, tolerance=0.0)
    # the pure-Python reference is bit-identical to the compiled law
    assert b2b["verdict"] == "identical"
    b2b = compare_commands(read_recording(rec), _GreedyLaw)
    assert b2b["verdict"] == "different" and b2b["first_difference"]["step"] == 0


class _GreedyLaw:
    def reset(self, config: object) -> None:
        pass

    def step(self, frame: Any) -> Any:
        from hilander.controller.interface import Command  # noqa: PLC0415

        return Command(frame.step, (0.0, 0.0, 1.0), 1.0, 0, 0, (0.0, 0.0, 0.0), 0)


def test_serve_answers_a_world_on_the_other_end(capsys: pytest.CaptureFixture[str]) -> None:
    """Host as the controller: `hilander serve` on one end of a line, a world on the other."""
    import threading  # noqa: PLC0415

    from hilander.hil.link.transport import PtyPair  # noqa: PLC0415

    pty = PtyPair()
    codes: list[int] = []
    server = threading.Thread(
        target=lambda: codes.append(main(["serve", "--port", pty.path, "--once"]))
    )
    server.start()
    rc = RemoteController(Link(pty.board_end()), SessionOptions())
    try:
        summary = summarize(fly(load_scenario("default"), rc, name="world on a device"))
    finally:
        rc.close()
        server.join(timeout=10)
        pty.close()
    assert summary.verdict == "pass" and codes == [0]
    _, err = capsys.readouterr()
    assert "stopped after 1 session(s)" in err


def test_a_board_on_a_tcp_socket_as_qemu_serves_its_uart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`socket://host:port` is how QEMU exposes an emulated UART."""
    import socket  # noqa: PLC0415
    import threading  # noqa: PLC0415

    from hilander.hil.board.board import Board  # noqa: PLC0415
    from hilander.hil.link.transport import FdTransport  # noqa: PLC0415

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            Board(FdTransport(conn.fileno(), "tcp")).serve(stop, until_goodbye=True)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        code = main(["hil", "--port", f"socket://127.0.0.1:{port}", "--json"])
    finally:
        stop.set()
        thread.join(timeout=10)
        server.close()
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out)["verdict"] == "pass"


def test_the_firmware_is_found_from_the_source_tree_wherever_one_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From outside the clone, an editable install still finds firmware_stub/
    beside its source (two folders up from hil/board/); an installed package
    builds the sources it ships in the user's cache (tests/packaging)."""
    from hilander.hil.board import firmware  # noqa: PLC0415

    monkeypatch.chdir(tmp_path)
    beside = Path(firmware.__file__).resolve().parents[2] / "firmware_stub"
    if (beside.parent / "pyproject.toml").exists():  # an editable install of a checkout
        assert firmware.firmware_dir(None) == beside
    else:
        monkeypatch.setenv("HILANDER_CACHE_DIR", str(tmp_path))
        assert firmware.firmware_dir(None).parent == tmp_path / "firmware"
