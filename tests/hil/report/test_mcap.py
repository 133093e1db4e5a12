"""flight.mcap in a run folder, read back with the ``mcap`` reader: typed
JSON channels, one message per telemetry row at its simulated time, the
link's channels for a board session, the same bytes for the same landing."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from mcap.reader import make_reader

from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.cli.main import main
from hilander.hil.link.record import RX, TX, Recording
from hilander.hil.report.files import write_run
from hilander.hil.report.mcap_flight import LINK_TOPICS, TELEMETRY_TOPICS, flight_mcap
from hilander.hil.report.mcap_recording import recording_mcap
from hilander.hil.report.mcapfile import McapLog, object_schema
from hilander.hil.wire.codec import encode
from hilander.hil.wire.protocol import Ack, Hello
from hilander.sim._world import COLUMNS
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario

FLIGHT_TOPICS = {*TELEMETRY_TOPICS, "/phase", "/event", "/log"}


def read_mcap(path: Path) -> tuple[dict[str, str], dict[str, list[tuple[int, Any]]], Any]:
    """Each channel's schema name, each topic's (log time, message) in file
    order, and the reader's summary."""
    with path.open("rb") as f:
        reader = make_reader(f)
        summary = reader.get_summary()
        assert summary is not None
        schemas = {}
        for channel in summary.channels.values():
            schema = summary.schemas[channel.schema_id]
            assert (schema.encoding, channel.message_encoding) == ("jsonschema", "json")
            schemas[channel.topic] = schema.name
        messages: dict[str, list[tuple[int, Any]]] = {t: [] for t in schemas}
        for _, channel, message in reader.iter_messages(log_time_order=False):
            messages[channel.topic].append((message.log_time, json.loads(message.data)))
    return schemas, messages, summary


def _csv_column(out: Path, name: str) -> list[float]:
    table = np.genfromtxt(out / "telemetry.csv", delimiter=",", names=True)
    return [float(v) for v in table[name]]


def test_a_desk_landing_writes_flight_mcap_with_one_message_per_row(tmp_path: Path) -> None:
    landing = fly(load_scenario("default"))
    files = write_run(tmp_path, landing, summarize(landing))
    assert tmp_path / "flight.mcap" in files
    schemas, messages, summary = read_mcap(tmp_path / "flight.mcap")
    assert set(schemas) == FLIGHT_TOPICS
    assert schemas["/log"] == "foxglove.Log" and schemas["/truth"] == "hilander.Truth"
    rows = len(landing.telemetry)
    for topic, names in TELEMETRY_TOPICS.items():
        assert len(messages[topic]) == rows
        assert list(messages[topic][0][1]) == ["time_s", *names]
    times = [t for t, _ in messages["/truth"]]
    assert times == [round(t * 1e9) for t in landing.column("time_s")]
    assert times == sorted(times)
    altitude = [m["altitude_m"] for _, m in messages["/truth"]]
    assert np.allclose(altitude, _csv_column(tmp_path, "altitude_m"), rtol=1e-8)
    phases = [(m["name"], m["time_s"]) for _, m in messages["/phase"]]
    expected = [(p["name"], p["start_s"]) for p in summarize(landing).to_dict()["phases"]]
    assert [n for n, _ in phases] == [n for n, _ in expected]
    assert np.allclose([t for _, t in phases], [t for _, t in expected], atol=0.01)
    assert {m["name"] for _, m in messages["/event"]} >= {"tether_cut", "rover_release"}
    assert messages["/log"][-1][1]["message"] == "verdict pass"
    assert summary.statistics.message_count == 3 * rows + sum(
        len(messages[t]) for t in ("/phase", "/event", "/log")
    )


def test_every_telemetry_column_is_on_exactly_one_channel() -> None:
    on_channels = Counter(n for names in TELEMETRY_TOPICS.values() for n in names)
    assert set(on_channels) | {"time_s"} == set(COLUMNS)
    assert set(on_channels.values()) == {1}


def test_the_scenario_and_the_run_are_in_the_file(tmp_path: Path) -> None:
    landing = fly(load_scenario("phoenix"))
    write_run(tmp_path, landing, summarize(landing))
    with (tmp_path / "flight.mcap").open("rb") as f:
        reader = make_reader(f)
        assert reader.get_header().library.startswith("hilander ")
        (meta,) = reader.iter_metadata()
        (attachment,) = reader.iter_attachments()
    assert meta.name == "hilander"
    assert meta.metadata["scenario"] == "phoenix" and meta.metadata["verdict"] == "pass"
    assert attachment.data == (tmp_path / "scenario.toml").read_bytes()
    _, messages, _ = read_mcap(tmp_path / "flight.mcap")
    assert [m["name"] for _, m in messages["/event"]][-1] == "engine_cutoff"


def test_the_same_landing_writes_the_same_bytes(tmp_path: Path) -> None:
    """Flown twice (its wall time differs), written twice: identical files."""
    first, second = (fly(load_scenario("default")) for _ in range(2))
    write_run(tmp_path / "a", first, summarize(first))
    write_run(tmp_path / "b", second, summarize(second))
    a, b = ((tmp_path / d / "flight.mcap").read_bytes() for d in "ab")
    assert a == b and len(a) > 10_000
    assert flight_mcap(first, summarize(first)) == a


def test_a_failed_landing_logs_its_violations_as_an_error(tmp_path: Path) -> None:
    s = load_scenario("default")
    landing = fly(
        dataclasses.replace(s, law=s.law.replace(td_contact_samples=2, tether_cut_delay_s=10.0))
    )
    summary = summarize(landing)
    assert summary.verdict == "fail"
    path = tmp_path / "flight.mcap"
    path.write_bytes(flight_mcap(landing, summary))
    _, messages, _ = read_mcap(path)
    last = messages["/log"][-1][1]
    assert last["level"] == 4 and last["message"].startswith("verdict fail; ")
    assert all(v in last["message"] for v in summary.violations)


def test_nan_is_null_and_the_log_keeps_its_order() -> None:
    log = McapLog()
    schema = object_schema("t.T", {"x": {"type": ["number", "null"]}})
    log.channel("/t", schema)
    log.add("/t", 20, {"x": math.nan})
    log.add("/t", 10, {"x": [1.5, math.inf]})
    log.add("/t", 20, {"x": 2.0})
    data = log.finish()
    with pytest.raises(ValueError, match="finished"):
        log.add("/t", 30, {"x": 1.0})
    reader = make_reader(io.BytesIO(data))
    got = [(m.log_time, m.sequence, m.data) for _, _, m in reader.iter_messages()]
    assert got == [(10, 1, b'{"x":[1.5,null]}'), (20, 2, b'{"x":null}'), (20, 3, b'{"x":2.0}')]


@pytest.fixture(scope="module")
def board_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("board") / "out"
    with VirtualBoard() as vb:
        code = main(["hil", "--port", vb.path, "--out", str(out), "--json"])
    assert code == 0
    return out, json.loads((out / "summary.json").read_text())


def test_a_board_session_adds_the_link_and_the_boards_cost(
    board_run: tuple[Path, dict[str, Any]],
) -> None:
    out, summary = board_run
    schemas, messages, _ = read_mcap(out / "flight.mcap")
    assert set(schemas) == FLIGHT_TOPICS | set(LINK_TOPICS)
    ticks = summary["sim"]["control_ticks"]
    assert len(messages["/truth"]) == ticks
    link_csv = (out / "link.csv").read_text().splitlines()[1:]
    answered = [line.split(",") for line in link_csv if line.split(",")[1] == "command"]
    trips, costs = messages["/link/round_trip"], messages["/board/step_cost"]
    assert len(trips) == len(costs) == len(answered) > 0
    for (t, trip), (_, cost), row in zip(trips, costs, answered, strict=True):
        assert t == round(float(row[0]) * 1e9)
        assert trip["latency_us"] == pytest.approx(float(row[2]), abs=0.06)
        assert cost["board_compute_us"] == int(row[3])
        assert cost["board_instructions"] == int(row[4])
    misses = summary["link"]["deadline_misses"]
    assert len(messages["/link/deadline_miss"]) == misses
    assert len(messages["/link/timeout"]) == summary["link"]["timeouts"]


def test_board_rows_are_those_of_the_desk_through_the_wire(
    board_run: tuple[Path, dict[str, Any]],
) -> None:
    """The board session's /command is the telemetry's, row for row."""
    out, _ = board_run
    _, messages, _ = read_mcap(out / "flight.mcap")
    thrust = [m["thrust_command_N"] for _, m in messages["/command"]]
    assert np.allclose(thrust, _csv_column(out, "thrust_command_N"), rtol=1e-8)


def test_a_frame_split_across_reads_garbage_and_a_cut_tail() -> None:
    """A frame read in two pieces is one frame at the time of its last byte;
    bytes that are no frame are raw, counted; a tail with no delimiter is raw,
    incomplete."""
    hello = encode(Hello(1, 0, 0, 50.0), session_id=7, seq=1)
    ack = encode(Ack(1, 1, 0, 0), session_id=7, seq=1)
    records = [
        (TX, 10, hello),
        (RX, 20, ack[:5]),
        (RX, 30, ack[5:] + b"\x01\x02\x03\x00"),
        (TX, 40, hello[:6]),
    ]
    data, found = recording_mcap(Recording({"scenario": "default"}, records))
    assert found.frames == {"host": 2, "board": 2}
    assert found.not_decoded == {"host": 1, "board": 1}
    assert found.problems == {"incomplete": 1, "framing_errors": 1}
    reader = make_reader(io.BytesIO(data))
    got = [(c.topic, m.log_time, json.loads(m.data)) for _, c, m in reader.iter_messages()]
    assert [(topic, t) for topic, t, _ in got] == [
        ("/host/hello", 10),
        ("/host/raw", 10),
        ("/board/ack", 30),
        ("/board/raw", 30),
        ("/board/raw", 30),
        ("/host/raw", 40),
    ]
    assert got[0][2] == {
        "session_id": 7,
        "seq": 1,
        "flags": 0,
        "schema_hash": 1,
        "capabilities": 0,
        "mode": 0,
        "control_rate_Hz": 50.0,
    }
    assert [m["problem"] for _, _, m in got[3:]] == [None, "framing_errors", "incomplete"]
    assert base64.b64decode(got[5][2]["data"]) == hello[1:6]
    (meta,) = reader.iter_metadata()
    assert meta.metadata == {"scenario": "default"}
