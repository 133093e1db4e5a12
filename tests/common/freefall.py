"""A flight computer that never lights its engines: every landing it flies
crashes (for the commands that must still answer when the law fails)."""

from __future__ import annotations

from hilander.controller import Command, Phase, SensorFrame


class FreeFall:
    def reset(self, config: object) -> None:
        pass

    def step(self, frame: SensorFrame) -> Command:
        return Command(
            step=frame.step,
            thrust_S_N=(0.0, 0.0, 0.0),
            throttle=0.0,
            phase=int(Phase.POWERED_APPROACH),
            events=0,
            site_S_m=(0.0, 0.0, 0.0),
        )
