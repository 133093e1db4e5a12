"""The cost of every control step on a board, for a sequence of sensor frames
(with their hazard maps), against the budget the board declares; and the
same sequence flown again from a recording (docs/firmware.md, Timing-limit
tests).

    with open_board(port, record=RecordTo(path, header)) as board:
        costs = fly_frames(board, config, frames)
    over = over_budget(board, costs)        # the steps above the budget
    again = replay_costs(port, path)        # the recording, flown again

A cost is what the board reports in COMMAND.compute_instructions: executed
instructions under QEMU's instruction counting, DWT cycles on silicon.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hilander.controller.config import LawConfig
from hilander.controller.interface import SensorFrame
from hilander.hil.link.record import TX, read_recording
from hilander.hil.session import BoardSession, open_board
from hilander.hil.wire.codec import Decoder
from hilander.hil.wire.mapxfer import MapAssembler
from hilander.hil.wire.params import config_from_params
from hilander.hil.wire.protocol import (
    HazardMapBegin,
    HazardMapChunk,
    HazardMapEnd,
    Hello,
    Params,
)


@dataclass(frozen=True)
class StepCost:
    step: int
    phase: int
    instructions: int  # the board's units (BOARD_INFO.cost_unit)


class NoBudgetError(ValueError):
    """The board declared no step budget (no BOARD_INFO): nothing to hold it to."""


def fly_frames(
    board: BoardSession, config: LawConfig, frames: Sequence[SensorFrame]
) -> list[StepCost]:
    """Configure the board (HELLO, PARAMS) and step it through ``frames`` in
    lockstep, hazard maps sent with the frames that carry them."""
    rc = board.controller
    rc.reset(config)
    costs = []
    for f in frames:
        c = rc.step(f)
        costs.append(StepCost(c.step, c.phase, c.compute_instructions))
    return costs


def step_budget(board: BoardSession) -> int:
    """The board's declared step budget; NoBudgetError if it declared none."""
    info = board.controller.stats.board_info
    if info is None or not info.step_budget_instructions:
        raise NoBudgetError(f"board '{board.board_name}' declared no step budget (BOARD_INFO)")
    return int(info.step_budget_instructions)


def over_budget(board: BoardSession, costs: Sequence[StepCost]) -> list[StepCost]:
    """The steps that cost more than the board's budget."""
    budget = step_budget(board)
    return [c for c in costs if c.instructions > budget]


def frames_of(path: Path) -> tuple[LawConfig, list[SensorFrame]]:
    """The configuration and the frames (maps put back on the frames that
    announced them) of the first session of a recording."""
    recording = read_recording(path)
    decoder, maps = Decoder(), MapAssembler()
    config: LawConfig | None = None
    frames: list[SensorFrame] = []
    session: int | None = None
    for kind, _, data in recording.records:
        for p in decoder.feed(data) if kind == TX else ():
            msg = p.msg
            if isinstance(msg, Hello) and session is None:
                session = p.session_id
            if p.session_id != session:  # a later session (or bytes before HELLO)
                continue
            if isinstance(msg, Params):
                config = config_from_params(msg)
            elif isinstance(msg, HazardMapBegin):
                maps.start(msg)
            elif isinstance(msg, HazardMapChunk):
                maps.add(msg)
            elif isinstance(msg, HazardMapEnd):
                maps.end(msg)
            elif isinstance(msg, SensorFrame) and all(f.step != msg.step for f in frames):
                msg.hazard_map = maps.complete if msg.hazard_map_ready else None
                frames.append(msg)
    if config is None:
        raise ValueError(f"{path}: no PARAMS in the recording's first session")
    return config, frames


def replay_costs(url: str, path: Path) -> list[StepCost]:
    """The recorded sequence flown again on the board at ``url``: its costs."""
    config, frames = frames_of(path)
    with open_board(url) as board:
        return fly_frames(board, config, frames)
