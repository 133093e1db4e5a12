"""``hilander export REC --mcap``: a recording of a board session (the
virtual board) as MCAP, read back with the ``mcap`` reader: every frame both
ways decoded and raw; a corrupted frame still raw, and counted; a file that
is no recording, one line and exit 2; an existing output kept without --force."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from mcap.reader import make_reader

from hilander.hil.board.virtual import VirtualBoard
from hilander.hil.cli.main import main
from hilander.hil.link.record import MAGIC, RECORD, RX, TX, read_recording
from hilander.hil.wire.codec import Decoder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lockstep landing on the virtual board, recorded (kept read-only: copy it)."""
    rec = tmp_path_factory.mktemp("rec") / "run.hlr"
    with VirtualBoard() as vb:
        assert main(["hil", "--port", vb.path, "--record", str(rec)]) == 0
    return rec


@pytest.fixture
def rec(recorded: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(recorded, tmp_path / "run.hlr"))


def topics(path: Path) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """Each topic's messages, (log time, JSON), in file order."""
    with path.open("rb") as f:
        reader = make_reader(f)
        summary = reader.get_summary()
        assert summary is not None
        found: dict[str, list[tuple[int, dict[str, Any]]]] = {
            c.topic: [] for c in summary.channels.values()
        }
        for schema, channel, m in reader.iter_messages(log_time_order=False):
            assert schema is not None and schema.encoding == "jsonschema"
            assert channel.message_encoding == "json"
            found[channel.topic].append((m.log_time, json.loads(m.data)))
    return found


def packets(rec: Path, kind: bytes) -> list[Any]:
    """The recording decoded by the codec's own Decoder: an independent count."""
    decoder = Decoder()
    out: list[Any] = []
    for k, _, data in read_recording(rec).records:
        if k == kind:
            out += decoder.feed(data)
    return out


def test_every_frame_both_ways_decoded_and_raw(
    rec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "export", str(rec), "--mcap", "--json")
    assert code == 0 and err == ""
    report = json.loads(out)
    mcap = rec.with_suffix(".mcap")
    assert report["mcap"] == str(mcap) and report["not_decoded"] == {"host": 0, "board": 0}
    found = topics(mcap)
    summary = read_recording(rec).summary
    assert summary is not None
    ticks = summary["sim"]["control_ticks"]
    assert len(found["/host/sensor_frame"]) == len(found["/board/command"]) == ticks
    for kind, side in ((TX, "host"), (RX, "board")):
        decoded = packets(rec, kind)
        raw = found[f"/{side}/raw"]
        assert len(raw) == len(decoded) == report["frames"][side]
        typed = sum(
            len(v) for k, v in found.items() if k.startswith(f"/{side}/") and k[-4:] != "/raw"
        )
        assert typed == len(decoded)
        assert [m["type"] for _, m in raw] == [_name(p) for p in decoded]
        assert [t for t, _ in raw] == sorted(t for t, _ in raw)
    first = found["/board/command"][0][1]
    assert first["step"] == 0 and len(first["thrust_S_N"]) == 3 and "session_id" in first


def _name(packet: Any) -> str:
    from hilander.hil.wire.protocol import SPEC_BY_ID  # noqa: PLC0415

    return SPEC_BY_ID[packet.type_id].name


def test_the_raw_bytes_are_the_frames_as_recorded(rec: Path) -> None:
    assert main(["export", str(rec), "--mcap", str(rec.parent / "x.mcap")]) == 0
    found = topics(rec.parent / "x.mcap")
    wire = b"".join(data for kind, _, data in read_recording(rec).records if kind == TX)
    frames = [f for f in wire.split(b"\0") if f]
    raw = [base64.b64decode(m["data"]) for _, m in found["/host/raw"]]
    assert raw == frames


def test_the_same_recording_exports_the_same_bytes(rec: Path) -> None:
    a, b = rec.parent / "a.mcap", rec.parent / "b.mcap"
    assert main(["export", str(rec), "--mcap", str(a)]) == 0
    assert main(["export", str(rec), "--mcap", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_an_existing_output_is_kept_without_force(
    rec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = rec.with_suffix(".mcap")
    out.write_text("mine")
    code, _, err = run(capsys, "export", str(rec), "--mcap")
    assert code == 2 and err == f"hilander: error: {out}: exists; --force replaces it\n"
    assert out.read_text() == "mine"
    code, stdout, _ = run(capsys, "export", str(rec), "--mcap", "--force")
    assert code == 0 and stdout.startswith(f"wrote {out}: ") and "all decoded" in stdout
    assert "/board/command" in topics(out)


def _body_offset(data: bytes, index: int, kind: bytes) -> tuple[int, int]:
    """Where the body of the ``index``-th record of ``kind`` starts, and its length."""
    at = len(MAGIC) + 4 + int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "little")
    seen = 0
    while True:
        k, _, size = RECORD.unpack_from(data, at)
        if k == kind:
            if seen == index:
                return at + RECORD.size, size
            seen += 1
        at += RECORD.size + size


def test_a_corrupted_frame_stays_raw_and_is_counted(
    rec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(rec.read_bytes())
    start, size = _body_offset(bytes(data), 200, TX)  # a SENSOR_FRAME well into the flight
    i = start + size // 2
    data[i] ^= 0x55 if data[i] != 0x55 else 0x0F  # never a 0x00: the frame keeps its bounds
    rec.write_bytes(bytes(data))
    code, out, _ = run(capsys, "export", str(rec), "--mcap", "--json")
    report = json.loads(out)
    assert code == 0 and report["not_decoded"] == {"host": 1, "board": 0}
    assert sum(report["problems"].values()) == 1
    found = topics(rec.with_suffix(".mcap"))
    bad = [m for _, m in found["/host/raw"] if not m["decoded"]]
    assert len(bad) == 1 and bad[0]["type"] is None and bad[0]["problem"] in report["problems"]
    assert len(found["/host/raw"]) == report["frames"]["host"] == len(packets(rec, TX)) + 1
    code, out, _ = run(capsys, "export", str(rec), "--mcap", "--force")
    assert code == 0 and "1 not decoded (" in out and out.count("\n") == 1


def test_a_cut_recording_exports_what_is_whole(
    rec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = rec.read_bytes()
    rec.write_bytes(data[: len(data) // 2])
    code, out, _ = run(capsys, "export", str(rec), "--mcap")
    assert code == 0 and out.endswith("the recording was cut short (its whole records exported)\n")
    assert len(topics(rec.with_suffix(".mcap"))["/board/command"]) > 0


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"garbage\n", "not a hilander recording (bad magic)"),
        (MAGIC + b"\x05\x00\x00\x00{", "the recording ends inside its header"),
        (MAGIC + b"\x02\x00\x00\x00[]", "the recording's header is not a JSON object"),
    ],
)
def test_a_file_that_is_no_recording_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, says: str
) -> None:
    bad = tmp_path / "bad.hlr"
    bad.write_bytes(content)
    code, out, err = run(capsys, "export", str(bad), "--mcap")
    assert code == 2 and out == "" and err == f"hilander: error: {bad}: {says}\n"
    assert not (tmp_path / "bad.mcap").exists()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["run.hlr"], "export: say what to write: --mcap [OUT.mcap]"),
        (["run.hlr", "--mcap", "run.hlr"], "export: run.hlr is the recording itself"),
        (["run.hlr", "--mcap", "."], ".: is a folder"),
        (["run.hlr", "--mcap", "no/such/x.mcap"], "no/such: no such folder"),
    ],
)
def test_bad_outputs_are_one_line_and_exit_2(
    rec: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    says: str,
) -> None:
    monkeypatch.chdir(rec.parent)
    before = sorted(p.name for p in rec.parent.iterdir())
    code, _, err = run(capsys, "export", *argv)
    assert code == 2 and err == f"hilander: error: {says}\n"
    assert sorted(p.name for p in rec.parent.iterdir()) == before
