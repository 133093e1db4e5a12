"""benchmarks/bench_convex.py as docs/performance.md shows it: the host
figures, and the solver's cost on the emulated Cortex-M4F in instructions,
the same on every run (virtual time)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.common.firmware import make

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "bench_convex.py"


def bench(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--json", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_documented_commands_are_these() -> None:
    text = (ROOT / "docs" / "performance.md").read_text()
    assert "python benchmarks/bench_convex.py" in text
    assert "make -C firmware_stub bench-convex" in text


def test_the_host_benchmark_solves_the_case() -> None:
    host = bench("--no-qemu")["host"]
    assert host["search"]["status"] == 0  # converged
    assert 30.0 < host["search"]["tf_s"] < 60.0
    assert host["cold"]["status"] == 0
    assert host["warm"]["iterations"] <= host["cold"]["iterations"]


@pytest.mark.qemu
@pytest.mark.slow
def test_the_board_benchmark_counts_the_same_instructions_every_run() -> None:
    make("bench-convex")
    first, second = (bench("--target", "qemu-m4f")["qemu-m4f"] for _ in range(2))
    assert first == second
    assert set(first) == {"search", "cold", "warm", "units", "unit_instructions_max"}
    assert first["cold"]["status"] == 0
    assert first["warm"]["instructions"] < first["cold"]["instructions"]
    # the units the law slices by are weighed right: no kind of step costs
    # more per unit than a plain iteration does by more than 10 % (measured
    # 5.7 %: a check, 145,455 instructions for 2 units of 68,784)
    units = first["units"]
    assert units["set-up"]["count"] == 18 and units["balance"]["count"] > 0
    assert first["unit_instructions_max"] <= 1.1 * units["iteration"]["instructions_max"]
