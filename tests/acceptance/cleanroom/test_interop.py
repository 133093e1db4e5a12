"""Issue 20's acceptance: an implementation of the wire protocol written from
docs/protocol.md alone (this folder: it imports nothing of hilander's
protocol code) interoperates both ways.

- hilander's world (``hilander hil``) flies the clean-room board, on a clean
  line and on a bad one (flipped bits, duplicated frames, garbage, a reset);
- the clean-room world flies hilander's boards (the virtual board and the C
  firmware on the host), with and without an injected reset, each landing
  the default scenario as the desk does;
- the controller's rules of the doc, probed frame by frame, hold on all
  three boards.

Every wait is bounded and lockstep throughout: a busy host makes these
slower, never different.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hilander.controller.law import CompiledLaw
from hilander.sim.summary import LandingSummary
from tests.acceptance.cleanroom import runs
from tests.acceptance.cleanroom.board import PtyBoard
from tests.acceptance.cleanroom.probes import run_probes
from tests.acceptance.cleanroom.protocol import FdPort, Link

HERE = Path(__file__).resolve().parent
ALLOWED = ("hilander.controller", "hilander.sim", "tests.acceptance.cleanroom")
THIRD_PARTY = {"numpy", "serial", "crc32c", "pytest"}
BOARDS = {"virtual": ("--virtual",), "firmware-host": ("--firmware", "host")}
# A reset at 6 s, after the hazard map came (4.6 s): the law starts afresh
# and the map goes again in the new session.
RESET_STEP = 300
CLEAN = (
    "stalls", "resets", "timeouts", "crc_errors", "framing_errors", "resyncs", "duplicates",
    "stale_commands", "late_acks", "seq_gaps", "write_timeouts", "board_faults", "oversize",
    "unknown_type", "bad_payload", "version_mismatch", "deadline_misses",
)  # fmt: skip


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, by its full name (``from a import b``: a and a.b)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: a relative import"
            names |= {node.module or ""} | {f"{node.module}.{a.name}" for a in node.names}
    return names


def _allowed(name: str) -> bool:
    top = name.split(".", maxsplit=1)[0]
    if top in {"hilander", "tests"}:
        return name.startswith(ALLOWED) or name in ("hilander", "tests", "tests.hil")
    return top in sys.stdlib_module_names or top in THIRD_PARTY or top == "__future__"


def test_the_clean_room_imports_nothing_of_hilanders_protocol() -> None:
    files = sorted(HERE.glob("*.py"))
    wrong = {p.name: sorted(n for n in imported(p) if not _allowed(n)) for p in files}
    assert not any(wrong.values()), f"imports beyond the doc: {wrong}"
    dynamic = re.compile(r"import_module|__import__|hilander\.hil|hilander\.testing|hil/")
    for p in files:
        if p != Path(__file__).resolve():
            assert not dynamic.search(p.read_text(encoding="utf-8")), p.name
    modules = ", ".join(
        f"tests.acceptance.cleanroom.{p.stem}" for p in files if p.stem != "__init__"
    )
    code = f"import sys, {modules}; print(sorted(m for m in sys.modules if m.startswith("
    code += "('hilander.hil', 'hilander.testing', 'cobs')) or m == 'cobs'))"
    run = [sys.executable, "-c", code]
    done = subprocess.run(
        run, cwd=runs.ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"loaded: {done.stdout}"


def _as_json(summary: LandingSummary) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(summary.to_json())
    return out


@pytest.mark.timeout(900)
def test_hilanders_world_flies_the_clean_room_board() -> None:
    with PtyBoard(CompiledLaw) as board:
        status, summary, stderr = runs.run_hil(board.path)
    assert board.error is None, board.error
    assert status == 0, (status, summary.get("violations"), stderr)
    assert summary["verdict"] == runs.desk().verdict == "pass"
    link = summary["link"]
    assert link["board"] == "cleanroom"
    assert {k: link[k] for k in CLEAN if link[k]} == {}, link
    assert link["unsupported_faults"] == [] and link["maps_given_up"] == 0
    assert runs.close_to_desk(summary["touchdown"]) == []
    assert board.board.steps == summary["sim"]["control_ticks"]
    counters = board.board.link.decoder.counters
    assert counters.crc_errors == counters.resyncs == counters.bad_payload == 0


@pytest.mark.timeout(900)
def test_hilanders_world_flies_the_clean_room_board_over_a_bad_line() -> None:
    faults = ("flip=0.0001", "dup=0.02", "garbage=2", "reset=3")
    args = [a for f in faults for a in ("--fault", f)]
    with PtyBoard(CompiledLaw) as board:
        status, summary, stderr = runs.run_hil(board.path, *args)
    assert board.error is None, board.error
    assert status == 0, (status, summary.get("violations"), stderr)
    link = summary["link"]
    assert link["stalls"] == 0 and link["resets"] == 1, link
    assert link["unsupported_faults"] == [] and link["board_faults"] == 0
    assert summary["faults"]["injected"]["reset_requested"] == 1
    assert board.board.sessions == 2
    assert runs.close_to_desk(summary["touchdown"]) == []


def _fly_both(port: str) -> tuple[LandingSummary, LandingSummary, Any, Any]:
    plain, world = runs.fly_wire(port)
    reset, again = runs.fly_wire(port, reset_at=(RESET_STEP,))
    return plain, reset, world, again


def _check_landings(plain: LandingSummary, reset: LandingSummary, world: Any, again: Any) -> None:
    assert plain.verdict == runs.desk().verdict == "pass", plain.violations
    assert runs.close_to_desk(_as_json(plain)["touchdown"]) == []
    assert world.counts["resets"] == 0 and world.counts["maps"] == 1, world.counts
    assert world.faults == []
    assert reset.verdict == "pass", reset.violations
    assert again.counts["injected"] == 1 and again.counts["resets"] == 1, again.counts
    assert again.counts["maps"] == 2, again.counts  # the map again in the new session
    site_m = reset.touchdown.distance_to_site_m if reset.touchdown else None
    assert site_m is not None and site_m < 5.0, reset.touchdown


@pytest.mark.timeout(900)
@pytest.mark.parametrize("board", BOARDS)
def test_the_clean_room_world_flies_hilanders_board(board: str) -> None:
    if board.startswith("firmware") and not runs.has_gcc():
        pytest.skip("the host firmware needs gcc and make")
    with runs.hilander_board(*BOARDS[board], first_line_s=600) as port:
        _check_landings(*_fly_both(port))


def test_the_clean_room_world_flies_the_clean_room_board() -> None:
    with PtyBoard(CompiledLaw) as board:
        landings = _fly_both(board.path)
    assert board.error is None, board.error
    _check_landings(*landings)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("board", ["clean-room", *BOARDS])
def test_the_doc_rules_hold_on_every_board(board: str) -> None:
    if board.startswith("firmware") and not runs.has_gcc():
        pytest.skip("the host firmware needs gcc and make")
    if board == "clean-room":
        with PtyBoard(CompiledLaw) as pty:
            found, hello = _probe(pty.path)
        assert pty.error is None, pty.error
    else:
        with runs.hilander_board(*BOARDS[board], first_line_s=600) as port:
            found, hello = _probe(port)
    assert hello, "no HELLO_ACK"
    assert found == [], "\n".join(found)


def _probe(port: str) -> tuple[list[str], dict[str, Any]]:
    fd = FdPort.open(port)
    try:
        return run_probes(Link(fd))
    finally:
        fd.close()
