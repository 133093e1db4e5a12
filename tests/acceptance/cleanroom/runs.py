"""What the interop tests run: hilander's boards and world as subprocesses
(``hilander board``, ``hilander hil``), the clean-room world on a port, and
the desk landing to compare with. Every wait is bounded; every subprocess is
ended in ``finally``."""

from __future__ import annotations

import contextlib
import json
import select
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import load_scenario
from hilander.sim.summary import LandingSummary
from tests.acceptance.cleanroom.protocol import FdPort, Link
from tests.acceptance.cleanroom.world import WireWorld

ROOT = Path(__file__).resolve().parents[3]
HILANDER = str(Path(sys.executable).parent / "hilander")
# The doc: a lockstep landing through the wire and the desk landing are 5 ms
# and 0.2 mm/s apart for the default scenario; checked within 50 ms and 5 mm/s.
TIME_S, SPEED_MPS, POSITION_M = 0.05, 0.005, 0.05


def has_gcc() -> bool:
    return shutil.which("gcc") is not None and shutil.which("make") is not None


@contextlib.contextmanager
def hilander_board(*args: str, first_line_s: float = 60.0) -> Iterator[str]:
    """``hilander board ARGS`` running; yields the port of its first stdout line."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([HILANDER, "board", *args], stdout=subprocess.PIPE, stderr=err)
        try:
            assert proc.stdout is not None
            ready, _, _ = select.select([proc.stdout], [], [], first_line_s)
            line = proc.stdout.readline().decode().strip() if ready else ""
            if not line.startswith("/"):
                err.seek(0)
                raise AssertionError(f"hilander board {args}: no port ({line!r}): {err.read()!r}")
            yield line
        finally:
            _end(proc)


def _end(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    if proc.stdout is not None:
        proc.stdout.close()


def run_hil(port: str, *args: str, timeout_s: float = 600.0) -> tuple[int, dict[str, Any], str]:
    """``hilander hil --port PORT --json ARGS``: (exit status, summary, stderr)."""
    done = subprocess.run(
        [HILANDER, "hil", "--port", port, "--json", *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        cwd=ROOT,
        check=False,
    )
    try:
        summary = json.loads(done.stdout)
    except json.JSONDecodeError:
        summary = {}
    return done.returncode, summary, done.stderr[-3000:]


@cache
def desk() -> LandingSummary:
    """The default scenario on the desk: the compiled law in the compiled loop."""
    return summarize(fly(load_scenario("default")))


def fly_wire(port: str, reset_at: tuple[int, ...] = ()) -> tuple[LandingSummary, WireWorld]:
    """The default scenario flown by hilander's plant, the clean-room world on the wire."""
    fd = FdPort.open(port)
    try:
        world = WireWorld(Link(fd), reset_at=reset_at)
        landing = fly(load_scenario("default"), world)
        world.close()
    finally:
        fd.close()
    if landing.aborted is not None:
        raise AssertionError(f"the landing was aborted: {landing.aborted}")
    return summarize(landing), world


def touchdown_gaps(t: dict[str, Any]) -> dict[str, float]:
    """How far a touchdown (as JSON) is from the desk's."""
    d = desk().touchdown
    assert d is not None
    return {
        "time_s": abs(t["time_s"] - d.time_s),
        "vertical_speed_mps": abs(t["vertical_speed_mps"] - d.vertical_speed_mps),
        "horizontal_speed_mps": abs(t["horizontal_speed_mps"] - d.horizontal_speed_mps),
        "position_m": max(abs(a - b) for a, b in zip(t["position_m"], d.position_m, strict=True)),
    }


def close_to_desk(t: dict[str, Any] | None) -> list[str]:
    """What is not within the doc's tolerances of the desk touchdown."""
    if t is None:
        return ["no touchdown"]
    limits = {
        "time_s": TIME_S,
        "vertical_speed_mps": SPEED_MPS,
        "horizontal_speed_mps": SPEED_MPS,
        "position_m": POSITION_M,
    }
    gaps = touchdown_gaps(t)
    return [f"{k}: {gaps[k]:.4g} off the desk's" for k, limit in limits.items() if gaps[k] > limit]
