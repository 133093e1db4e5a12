"""Timing limits on the emulated boards: every control step fits the budget
the board declares (BOARD_INFO), in its own units (instructions under QEMU's
instruction counting: the same quiet or loaded), over hypothesis' frame
sequences that make the law work hardest (hilander.testing.timing) and over
whole landings from the dispersion envelope. A deliberately slowed law (the
`-slow` test builds) fails the same property, shrunk to the costliest short
sequence, saved as a recording that flies again to the same cost.

The Cortex-M3 (no FPU, soft float at 25 MHz) does not fit: its time-to-go
replans cost about 1.58 M instructions, 6.3 times its budget
(docs/performance.md). Its property test is a strict xfail: it must fail,
and CI says so the day it passes. Skipped, with the reason, where QEMU or
the ARM toolchain is missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hilander.hil.analysis.timing import fly_frames, frames_of, replay_costs, step_budget
from hilander.hil.session import open_board
from hilander.sim.campaign import dispersed
from hilander.sim.result import summarize
from hilander.sim.scenario import load_scenario
from hilander.testing.timing import (
    FrameSequence,
    OverBudgetError,
    TimedBoard,
    frame_sequences,
    hazard_map,
)
from tests.common.firmware import FIRMWARE
from tests.common.qemu import start_qemu, stop

FITS = "qemu-m4f"
M3_REPLANS = "the Cortex-M3 at 25 MHz, soft float: a replan costs ~1.58 M instructions"
BOARD = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _board(
    target: str, factory: pytest.TempPathFactory, slowed: bool = False
) -> Iterator[TimedBoard]:
    """One QEMU per target for the module; a new session per example."""
    name = f"{target}-slowed" if slowed else target
    qemu, port = start_qemu("pty", target, slowed)
    try:
        yield TimedBoard(port, factory.mktemp(name), name)
    finally:
        stop(qemu)


@pytest.fixture(scope="module")
def m4f(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TimedBoard]:
    yield from _board(FITS, tmp_path_factory)


@pytest.fixture(scope="module")
def m3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TimedBoard]:
    yield from _board("qemu", tmp_path_factory)


@pytest.fixture(scope="module")
def slowed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TimedBoard]:
    yield from _board(FITS, tmp_path_factory, slowed=True)


@pytest.mark.qemu
@BOARD
@given(seq=frame_sequences())
def test_every_step_of_a_hard_sequence_fits_the_budget(m4f: TimedBoard, seq: FrameSequence) -> None:
    m4f.check(seq)


@pytest.mark.qemu
@pytest.mark.xfail(strict=True, raises=OverBudgetError, reason=M3_REPLANS)
@settings(BOARD, max_examples=3, phases=[Phase.generate])
@given(seq=frame_sequences())
def test_the_m3_does_not_fit_the_same_property(m3: TimedBoard, seq: FrameSequence) -> None:
    """Strict: this must fail (the M3's replans); CI says so the day it passes."""
    m3.check(seq)


@pytest.mark.qemu
@settings(BOARD, max_examples=2)
@given(run=st.integers(0, 999))
def test_every_step_of_an_envelope_landing_fits_the_budget(m4f: TimedBoard, run: int) -> None:
    scenario = dispersed(load_scenario("default"), 1, run)
    with open_board(m4f.url) as session:
        landing = session.fly(scenario)
        budget = step_budget(session)
        costs = session.controller.stats.instructions
    assert summarize(landing).verdict == "pass"
    assert max(costs) <= budget, (run, max(costs), budget)


@pytest.mark.qemu
def test_a_slowed_law_fails_with_the_shrunk_costliest_sequence(slowed: TimedBoard) -> None:
    """The slowed build burns 16 loop turns per map cell on the step a map
    comes in: the property fails and shrinks to one frame with the smallest
    map that is too costly (one cell less fits), saved as a recording that
    flies again to the same costs."""

    @settings(BOARD, max_examples=60, derandomize=True)
    @given(seq=frame_sequences())
    def every_step_fits(seq: FrameSequence) -> None:
        slowed.check(seq)

    with pytest.raises(OverBudgetError) as failed:
        every_step_fits()
    saved = slowed.save_dir / f"{slowed.name}-over-budget.hlrec"
    assert str(saved) in str(failed.value)
    config, frames = frames_of(saved)
    assert len(frames) == 1 and frames[0].hazard_map is not None, failed.value
    costs = replay_costs(slowed.url, saved)
    with open_board(slowed.url) as session:
        assert fly_frames(session, config, frames) == costs
        budget = step_budget(session)
    assert costs[0].instructions > budget
    cells = frames[0].hazard_map.cells
    frames[0].hazard_map = hazard_map("safe", cells - 1, 0)
    assert slowed.fly(FrameSequence(config, frames))[0][0].instructions <= budget, cells


@pytest.mark.qemu
def test_the_example_in_the_docs_runs(m4f: TimedBoard, tmp_path: Path, monkeypatch: Any) -> None:
    text = (FIRMWARE.parent / "docs" / "firmware.md").read_text()
    code = text.split("In your own tests, against your own board:")[1].split("```python")[1]
    code = code.split("```")[0].replace('"/dev/ttyACM0"', repr(m4f.url))
    code = code.replace("max_examples=20", "max_examples=2")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "timing").mkdir()
    scope: dict[str, Any] = {}
    exec(compile(code, "docs/firmware.md", "exec"), scope)
    scope["test_every_step_fits"]()
    assert (tmp_path / "timing" / "timing-trial.hlrec").stat().st_size > 0
