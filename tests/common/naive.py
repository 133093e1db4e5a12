"""Naive versions of the logic that failed in Mars history, for the fault
scenarios' counterpart tests: each is the compiled law behind one wrong
piece of logic (a wrapper that rewrites its frames or commands), or the law
with one safeguard turned off (a LawConfig change). Each must fail its fault
scenario where the law passes."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from hilander.controller import Command, CompiledLaw, Event, LawConfig, SensorFrame


class Naive:
    """A flight computer: the compiled law with CHANGES to its configuration,
    behind a rewrite of its inputs or outputs."""

    CHANGES: ClassVar[dict[str, Any]] = {}

    def __init__(self) -> None:
        self.law = CompiledLaw()
        self.config: LawConfig | None = None

    def reset(self, config: object) -> None:
        assert isinstance(config, LawConfig)
        self.config = config.replace(**self.CHANGES)
        self.law.reset(self.config)

    def sense(self, frame: SensorFrame) -> SensorFrame:
        return frame

    def step(self, frame: SensorFrame) -> Command:
        return self.law.step(self.sense(frame))


class LatchedLegSensor(Naive):
    """Mars Polar Lander: a leg reading seen before sensing is armed is kept
    (the latch is never cleared), so it reads as contact once armed, and a
    contact is believed at any height."""

    CHANGES: ClassVar[dict[str, Any]] = {"td_gate_margin_m": 1e4}
    latched = 0

    def sense(self, frame: SensorFrame) -> SensorFrame:
        self.latched |= frame.contact
        return dataclasses.replace(frame, contact=self.latched)


class LandedOnNegativeAltitude(Naive):
    """Schiaparelli: the navigation altitude at or below zero means landed:
    engines off at once (its thrusters were cut after 3 s, 3.7 km up)."""

    landed = False

    def step(self, frame: SensorFrame) -> Command:
        command = super().step(frame)
        self.landed = self.landed or frame.nav_position_S_m[2] <= 0.0
        if self.landed:
            command.events |= Event.ENGINE_CUTOFF | Event.TOUCHDOWN_DECLARED
        return command


class NominalEngineCount(Naive):
    """Engine out: the law told the nominal number of engines, not the ones firing."""

    def sense(self, frame: SensorFrame) -> SensorFrame:
        assert self.config is not None
        return dataclasses.replace(frame, engines_active=self.config.engine_count)


class StaleRadar(Naive):
    """Radar dropout: the last valid radar sample held, as if still valid."""

    last: SensorFrame | None = None

    def sense(self, frame: SensorFrame) -> SensorFrame:
        if frame.radar_altitude_valid or self.last is None:
            self.last = frame
            return frame
        return dataclasses.replace(
            frame,
            radar_altitude_m=self.last.radar_altitude_m,
            radar_altitude_valid=True,
            radar_velocity_S_mps=self.last.radar_velocity_S_mps,
            radar_velocity_valid=True,
        )


class RejectingAltimeter(Naive):
    """Hakuto-R: an altitude jump of more than JUMP_M from the prediction is a
    sensor fault, and the altimeter is rejected for good; the altitude is then
    dead-reckoned from the navigation's vertical speed."""

    JUMP_M = 20.0
    estimate: float | None = None
    rejected = False

    def sense(self, frame: SensorFrame) -> SensorFrame:
        assert self.config is not None
        dt = 1.0 / self.config.control_rate_Hz
        if self.estimate is None:
            self.estimate = frame.radar_altitude_m
            return frame
        predicted = self.estimate + frame.nav_velocity_S_mps[2] * dt
        jump = abs(frame.radar_altitude_m - predicted) > self.JUMP_M
        self.rejected = self.rejected or (frame.radar_altitude_valid and jump)
        self.estimate = predicted if self.rejected else frame.radar_altitude_m
        return dataclasses.replace(frame, radar_altitude_m=self.estimate)


class OpenLoopDescent(Naive):
    """MSL gravity: thrust from the law's constants alone, no feedback on the
    descent speed (the vertical loop's gains at their floor)."""

    CHANGES: ClassVar[dict[str, Any]] = {
        "vertical_gain_per_s": 1e-6,
        "vertical_integral_gain_per_s2": 1e-6,
    }


class BelievedRadar(Naive):
    """MSL radar dust: every radar velocity sample believed."""

    CHANGES: ClassVar[dict[str, Any]] = {"radar_velocity_gate_mps": 1e9}


class VerticalOnlyTerminal(Naive):
    """Dust storm: a one-axis terminal descent, nothing holding the site or
    nulling the drift once over it."""

    CHANGES: ClassVar[dict[str, Any]] = {"position_gain_per_s": 0.0, "horizontal_gain_per_s": 1e-6}


NAIVE: dict[str, type[Naive]] = {
    "mpl-leg-latch": LatchedLegSensor,
    "schiaparelli-imu": LandedOnNegativeAltitude,
    "msl-gravity": OpenLoopDescent,
    "msl-radar-dust": BelievedRadar,
    "engine-out": NominalEngineCount,
    "radar-dropout": StaleRadar,
    "dust-storm": VerticalOnlyTerminal,
    "hakuto-terrain-step": RejectingAltimeter,
}
