"""The board commands' inputs as a user meets them: every bad one is one line
on standard error and exit 2, never a traceback or a hang (issue 17)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from hilander.hil.cli.main import main
from hilander.hil.link.record import MAGIC, MAX_HEADER_BYTES


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("hilander: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--timeout", "1e308"),
        ("--timeout", "0"),
        ("--timeout", "nan"),
        ("--timeout", "61"),
        ("--stall-after", "1e308"),
        ("--stall-after", "0"),
        ("--stall-after", "inf"),
        ("--retries", "101"),
        ("--retries", "-1"),
        ("--retries", "1.5"),
        ("--speedup", "1e308"),
        ("--speedup", "0"),
    ],
)
def test_link_tuning_out_of_range_is_one_line(
    capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    err = one_line_error(capsys, "hil", "--port", "loop://", f"{option}={value}")
    assert option in err and repr(value) in err


@pytest.mark.parametrize(("option", "value"), [("--delay", "1e308"), ("--delay", "-1")])
def test_board_delay_out_of_range_is_one_line(
    capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    err = one_line_error(capsys, "board", "--virtual", f"{option}={value}")
    assert option in err


@pytest.mark.parametrize("folder", ["/nonexistent", "/etc/passwd", "/", ""])
def test_a_firmware_dir_that_is_not_one_is_one_line(
    capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    err = one_line_error(capsys, "board", "--firmware", "host", "--firmware-dir", folder)
    assert "--firmware-dir" in err and "not a firmware_stub/ folder" in err


def test_replay_of_an_endless_file_returns_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    """/dev/zero never ends: the magic is checked before anything else is read."""
    err = one_line_error(capsys, "replay", "/dev/zero")
    assert "not a hilander recording" in err


def _recording(path: Path, header: bytes, length: int | None = None) -> Path:
    n = len(header) if length is None else length
    path.write_bytes(MAGIC + struct.pack("<I", n) + header)
    return path


@pytest.mark.parametrize(
    ("header", "length", "words"),
    [
        (b"", 0, "not JSON"),
        (b"{not json", None, "not JSON"),
        (b"\xff\xfe", None, "not JSON"),
        (b"[1, 2]", None, "not a JSON object"),
        (b'"text"', None, "not a JSON object"),
        (b'{"seed": "one"}', None, "'seed' is not an integer"),
        (b'{"scenario_toml": 3}', None, "'scenario_toml' is not a string"),
        (b'{"faults": {}}', None, "'faults' is not a list"),
        (b"{}", 100, "ends inside its header"),
        (b"", MAX_HEADER_BYTES + 1, f"at most {MAX_HEADER_BYTES}"),
        (b"[" * 100_000, None, "not JSON"),
    ],
)
def test_a_malformed_header_is_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    header: bytes,
    length: int | None,
    words: str,
) -> None:
    path = _recording(tmp_path / "bad.hlr", header, length)
    err = one_line_error(capsys, "replay", str(path))
    assert words in err and str(path) in err


def test_a_recording_cut_in_its_length_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "cut.hlr"
    path.write_bytes(MAGIC + b"\x01")
    assert "ends before its header" in one_line_error(capsys, "replay", str(path))


def test_refly_without_a_scenario_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _recording(tmp_path / "bare.hlr", json.dumps({"seed": 1}).encode())
    err = one_line_error(capsys, "replay", str(path), "--refly")
    assert "no scenario_toml" in err


def test_a_folder_is_not_a_recording(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert "cannot read" in one_line_error(capsys, "replay", str(tmp_path))
