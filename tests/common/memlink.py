"""An in-memory line between a host and a board, with faults on command.

The board answers synchronously inside the host's write, so link tests run
without threads or clocks; whole frames can be dropped or corrupted in either
direction, and garbage put on the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from hilander.controller.interface import Command, SensorFrame
from hilander.hil.board.board import Board


@dataclass
class Faults:
    drop_to_board: int = 0  # whole frames
    drop_to_host: int = 0
    flip_to_board: list[int] = field(default_factory=list)  # bit indices in the next frame
    garbage_to_host: bytes = b""


def _frames(data: bytes) -> list[bytes]:
    """Split a write into its frames (each 0x00 ... 0x00)."""
    parts = [p for p in data.split(b"\0") if p]
    return [b"\0" + p + b"\0" for p in parts]


class BoardEnd:
    name = "memory board end"

    def __init__(self, line: MemoryLine) -> None:
        self.line = line

    def write(self, data: bytes) -> None:
        f = self.line.faults
        for frame in _frames(data):
            if f.drop_to_host:
                f.drop_to_host -= 1
                continue
            self.line.to_host += f.garbage_to_host + frame
            f.garbage_to_host = b""

    def read(self, timeout_s: float) -> bytes:
        return b""

    def close(self) -> None:
        pass


class HostEnd:
    name = "memory host end"

    def __init__(self, line: MemoryLine) -> None:
        self.line = line

    def write(self, data: bytes) -> None:
        f = self.line.faults
        for frame in _frames(data):
            if f.drop_to_board:
                f.drop_to_board -= 1
                continue
            if f.flip_to_board:
                buf = bytearray(frame)
                for bit in f.flip_to_board:
                    buf[bit // 8 % len(buf)] ^= 1 << (bit % 8)
                f.flip_to_board = []
                self.line.deliver(bytes(buf))
            else:
                self.line.deliver(frame)

    def read(self, timeout_s: float) -> bytes:
        data, self.line.to_host = bytes(self.line.to_host), bytearray()
        return data

    def close(self) -> None:
        pass


class MemoryLine:
    def __init__(self) -> None:
        self.faults = Faults()
        self.to_host = bytearray()
        self.host = HostEnd(self)
        self.board = Board(BoardEnd(self), EchoLaw)

    def deliver(self, frame: bytes) -> None:
        self.board.link.feed(frame)
        while (p := self.board.link.receive(0.0)) is not None:
            self.board.handle(p)


class EchoLaw:
    """A flight computer whose command tells which frame it answered, and how
    many steps this instance has taken (a board must never step twice)."""

    instances: ClassVar[list[EchoLaw]] = []

    def __init__(self) -> None:
        self.steps: list[int] = []
        EchoLaw.instances.append(self)

    def reset(self, config: object) -> None:
        self.steps = []

    def step(self, frame: SensorFrame) -> Command:
        self.steps.append(frame.step)
        answer = (frame.time_s, frame.radar_altitude_m, float(len(self.steps)))
        return Command(frame.step, answer, 0.5, 0, 0, (0.0, 0.0, 0.0), 0)


def make_frame(step: int) -> SensorFrame:
    z = (0.0, 0.0, 0.0)
    return SensorFrame(
        step, step * 0.05, 1000.0 - step, True, z, True, z, z, z, 3000.0, 0.0, 8, 0.0, 0, False
    )
