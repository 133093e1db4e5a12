"""Timing limits on a board: hypothesis strategies of short sensor-frame
sequences that make the law work hardest, and the check that every step fits
the budget the board declares (docs/firmware.md, Timing-limit tests).

    from hypothesis import given, target
    from hilander.testing.timing import TimedBoard, frame_sequences

    @given(frame_sequences())
    def test_every_step_fits(seq):
        TimedBoard(port, tmp_dir).check(seq)

A sequence starts from a state a descent can have (the default scenario's
law, 300 m to 2.5 km up, descending, off the target) and flies a few steps at
the control rate; some frames bring a hazard map: all safe, all unsafe, a
checkerboard, safe ground only at the far edge or only out of reach, random
rocks, 8 to 64 cells a side, one after another to restart the site search.
On a step over budget the check saves the sequence as a recording
(replayable: ``hilander.hil.analysis.timing.replay_costs``) and fails saying
where; hypothesis then shrinks it to the shortest, smallest sequence that
still fails, and the last recording saved is that one.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypothesis import strategies as st
from hypothesis import target

from hilander.controller.config import LawConfig
from hilander.controller.interface import HazardMap, SensorFrame
from hilander.hil.analysis.timing import StepCost, fly_frames, step_budget
from hilander.hil.session import RecordTo, open_board
from hilander.sim.scenario import load_scenario

PATTERNS = ("safe", "unsafe", "checkerboard", "far_edge", "out_of_reach", "rocks")
CELL_SIZE_M = 8.0


@dataclass
class FrameSequence:
    config: LawConfig
    frames: list[SensorFrame]

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        maps = [(k, f.hazard_map.cells) for k, f in enumerate(self.frames) if f.hazard_map]
        return f"FrameSequence({len(self.frames)} frames, maps (frame, cells) {maps})"


def hazard_map(pattern: str, cells: int, seed: int) -> HazardMap:
    """A square map centred on the target: ``pattern`` (PATTERNS) of hazard cost."""
    i, j = np.indices((cells, cells))
    cost = {
        "safe": np.zeros((cells, cells)),
        "unsafe": np.ones((cells, cells)),
        "checkerboard": ((i + j) % 2).astype(float),
        "far_edge": (j < cells - 3).astype(float),
        "out_of_reach": ((i > 1) & (i < cells - 2) & (j > 1) & (j < cells - 2)).astype(float),
        "rocks": (np.random.default_rng(seed).random((cells, cells)) < 0.3).astype(float),
    }[pattern]
    half = cells * CELL_SIZE_M / 2
    elevation = np.zeros((cells, cells), np.float32)
    return HazardMap(cost.astype(np.float32), elevation, CELL_SIZE_M, (-half, -half))


@st.composite
def hazard_maps(draw: st.DrawFn) -> HazardMap:
    cells = draw(st.integers(8, 64))
    return hazard_map(draw(st.sampled_from(PATTERNS)), cells, draw(st.integers(0, 2**16)))


@st.composite
def frame_sequences(draw: st.DrawFn, scenario: str = "default") -> FrameSequence:
    """A few control steps of a descent, some with a hazard map."""
    config = load_scenario(scenario).law
    dt = 1.0 / config.control_rate_Hz
    f = st.floats
    z, vz = draw(f(300.0, 2500.0)), draw(f(-120.0, -20.0))
    x, y, vx, vy = draw(f(-300, 300)), draw(f(-300, 300)), draw(f(-40, 40)), draw(f(-40, 40))
    n = draw(st.integers(1, 30))
    maps = draw(st.dictionaries(st.integers(0, n - 1), hazard_maps(), max_size=3))
    frames = []
    for k in range(n):
        t = k * dt
        position = (x + vx * t, y + vy * t, z + vz * t)
        velocity = (vx, vy, vz)
        frames.append(
            SensorFrame(
                k, t, position[2], True, velocity, True, position, velocity,
                (0.0, 0.0, 3.7), 2500.0, 9000.0, 8, 0.0, 0, k in maps, maps.get(k),
            )
        )  # fmt: skip
    return FrameSequence(config, frames)


class OverBudgetError(AssertionError):
    """A step cost more than the board's budget; the message says where, and
    where the sequence is saved."""


@dataclass
class TimedBoard:
    """A board at ``url`` that flies sequences and holds each step to its budget."""

    url: str
    save_dir: Path
    name: str = "timing"

    def fly(self, seq: FrameSequence, record: Path | None = None) -> tuple[list[StepCost], int]:
        """Each step's cost, and the budget (a new session: HELLO, PARAMS)."""
        header = {"scenario": "timing", "frames": len(seq.frames)}
        to = None if record is None else RecordTo(record, header)
        with open_board(self.url, record=to) as board:
            costs = fly_frames(board, seq.config, seq.frames)
            return costs, step_budget(board)

    def check(self, seq: FrameSequence) -> list[StepCost]:
        """Fly ``seq``; OverBudgetError if a step cost more than the budget."""
        trial = self.save_dir / f"{self.name}-trial.hlrec"
        costs, budget = self.fly(seq, trial)
        worst = max(costs, key=lambda c: c.instructions)
        target(float(worst.instructions), label="the costliest step")
        if worst.instructions <= budget:
            return costs
        saved = self.save_dir / f"{self.name}-over-budget.hlrec"
        shutil.copyfile(trial, saved)
        raise OverBudgetError(
            f"step {worst.step} (phase {worst.phase}) cost {worst.instructions:,} > budget "
            f"{budget:,} in {seq!r}; saved as {saved}: fly it again on a board with "
            f"hilander.hil.analysis.timing.replay_costs(port, '{saved}')"
        )
