"""The --out folder: refused when it holds anything unless --force, which
removes only what the command writes; an empty --out is refused; --workers
is capped at the cores; a malformed --scheduler is one line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hilander.hil.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "argv",
    [
        ["sim", "--out", ""],
        ["campaign", "-n", "2", "--out", ""],
        ["optimal", "--out", " "],
        ["hil", "--port", "loop://", "--out", ""],
    ],
)
def test_an_empty_out_is_refused_in_one_line(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 2 and "invalid folder '" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["sim"],
        ["campaign", "-n", "2", "--workers", "1"],
        ["optimal"],
        ["hil", "--port", "/nonexistent/port"],
    ],
)
def test_a_folder_with_files_is_refused_without_force(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "summary.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("mine")
    before = _tree(tmp_path)
    code, _, err = run(capsys, *argv, "--out", str(tmp_path))
    assert code == 2 and err.count("\n") == 1
    assert f"{tmp_path}: not empty (2 entries); --force replaces hilander's" in err
    assert _tree(tmp_path) == before


def test_force_clears_the_runs_own_files_and_keeps_the_others(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "c"
    code, _, _ = run(capsys, "campaign", "-n", "3", "--workers", "1", "--out", str(out))
    assert code == 0
    stale = out / "worst" / "run-1533"
    stale.mkdir(parents=True)
    (stale / "summary.json").write_text("{}")
    (out / "notes.txt").write_text("mine")
    (out / "touchdown_map.png").write_bytes(b"stale")
    args = ["campaign", "-n", "2", "--workers", "1", "--out", str(out)]
    code, _, err = run(capsys, *args)
    assert code == 2 and "not empty" in err
    code, stdout, _ = run(capsys, *args, "--force", "--json")
    assert code == 0
    assert not stale.exists() and (out / "notes.txt").read_text() == "mine"
    files = {Path(f).relative_to(out).as_posix() for f in json.loads(stdout)["files"]}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert on_disk == files | {"notes.txt"}
    assert (out / "runs.csv").read_text().count("\n") == 3


def test_force_on_a_run_folder_keeps_other_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "link.csv").write_text("stale from a board session\n")
    (tmp_path / "notes.txt").write_text("mine")
    code, _, _ = run(capsys, "sim", "--out", str(tmp_path), "--force", "--json")
    assert code == 0
    assert not (tmp_path / "link.csv").exists() and (tmp_path / "notes.txt").exists()
    assert (tmp_path / "telemetry.csv").exists()


def test_workers_are_capped_at_the_cores_with_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    cores = len(os.sched_getaffinity(0))
    code, out, err = run(capsys, "campaign", "-n", "4", "--workers", "100", "--json")
    assert code == 0
    assert f"hilander: note: --workers 100 capped at {min(cores, 4)} ({cores} cores)" in err
    executor = json.loads(out)["campaign"]["executor"]
    assert executor == ("serial" if min(cores, 4) == 1 else f"{min(cores, 4)} local processes")


@pytest.mark.parametrize("address", ["garbage", "tcp://", "host:port", "tcp://a b:1"])
def test_a_malformed_scheduler_is_one_line(
    address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "campaign", "-n", "2", "--scheduler", address)
    assert code == 2 and f"invalid scheduler {address!r}" in err and err.count("\n") == 1


def test_a_session_that_never_started_leaves_its_out_empty(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """loop:// echoes HELLO back: no session, exit 3, and nothing in --out
    that would make the next try refuse the folder."""
    code, _, err = run(capsys, "hil", "--port", "loop://", "--out", str(tmp_path / "h"))
    assert code == 3 and "no answer to HELLO" in err
    assert list((tmp_path / "h").iterdir()) == []


def test_a_campaign_that_cannot_reach_its_scheduler_leaves_its_out_empty(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    out = tmp_path / "c"
    argv = ["campaign", "-n", "2", "--scheduler", "tcp://127.0.0.1:9", "--out", str(out)]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "cannot reach the Dask scheduler" in err
    assert list(out.iterdir()) == []
