"""benchmarks/propellant_floor.py as docs/law.md shows it ("Where the
propellant goes"): the law over the bound, what the gate costs any law, and
what convex guidance's plan ceiling adds, on one run of the envelope."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("cvxpy", reason="the analysis extra (cvxpy, Clarabel) is not installed")

ROOT = Path(__file__).parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))

import propellant_floor  # noqa: E402


def test_the_documented_command_is_the_one_run() -> None:
    text = (ROOT / "docs" / "law.md").read_text()
    assert (
        "python benchmarks/propellant_floor.py benchmarks/convex/envelope.toml -n 300 --every 10"
        in text
    )


def test_the_gate_costs_less_than_the_ceiling_and_both_more_than_the_bound(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Run 0 of the envelope: the law at 1.07 of the bound, of which the gate
    and its terminal descent take 1.04 and the plan's 0.8 ceiling 1.07 (the
    law may beat the ceiling's figure: its feedback flies above 0.8)."""
    scenario = str(ROOT / "benchmarks" / "convex" / "envelope.toml")
    assert propellant_floor.main([scenario, "-n", "1", "--every", "1", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    row = re.search(r"^\s+0\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", out, re.MULTILINE)
    assert row is not None, out
    law, gate, ceiling = (float(x) for x in row.groups())
    assert 1.0 < gate < ceiling and law > 1.0
    assert gate == pytest.approx(1.044, abs=0.005)
    assert ceiling == pytest.approx(1.071, abs=0.005)
    assert "law: mean" in out and "over 1 runs" in out
