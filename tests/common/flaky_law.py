"""A flight computer that raises on some runs: the compiled law, except that
it refuses to fly when it starts above 1,850 m (about a third of the default
campaign's runs). Campaign tests name it as tests.common.flaky_law:FlakyLaw."""

from __future__ import annotations

import os

from hilander.controller.config import LawConfig
from hilander.controller.interface import Command, SensorFrame
from hilander.controller.law import CompiledLaw

REFUSE_ABOVE_M = 1850.0


class FlakyLaw:
    def __init__(self) -> None:
        self.law = CompiledLaw()

    def reset(self, config: LawConfig) -> None:
        self.law.reset(config)

    def step(self, frame: SensorFrame) -> Command:
        if frame.step == 0 and frame.nav_position_S_m[2] > REFUSE_ABOVE_M:
            raise ValueError(f"refusing to fly from {frame.nav_position_S_m[2]:.0f} m")
        return self.law.step(frame)


class DyingLaw(FlakyLaw):
    """Kills its own process (as a segfault in a user's law would) instead of
    raising, on the runs that start above 1,950 m."""

    def step(self, frame: SensorFrame) -> Command:
        if frame.step == 0 and frame.nav_position_S_m[2] > 1950.0:
            os._exit(3)
        return self.law.step(frame)


class InterruptedLaw(FlakyLaw):
    """As if Ctrl-C came 2 s into the flight (tick 100 at 50 Hz)."""

    def step(self, frame: SensorFrame) -> Command:
        if frame.step == 100:
            raise KeyboardInterrupt
        return self.law.step(frame)
