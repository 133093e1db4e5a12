"""A first-cut law for a legged lander, the kind the `slope-tip` scenario is
for (docs/scenarios.md): it holds a descent-rate profile with the thrust
axis straight up and cuts the engines on leg contact, but never nulls the
horizontal speed. On `slope-tip`, in 6-DOF, it comes down sliding sideways
on the slope and tips over. From a clone:

    .venv/bin/hilander sim slope-tip --controller docs.examples.naive_legged:VerticalDescent

(or `hilander sim slope-tip --controller naive_legged:VerticalDescent` in
the folder that holds this file).

InSight's descent began with a divert and nulled its horizontal velocity
before touchdown (mars-landers.md §2, B); hilander's law does so too.
"""

from __future__ import annotations

import math

from hilander.controller import Command, Event, LawConfig, Phase, SensorFrame

# The descent speed held to the ground: Phoenix's and InSight's touchdown,
# about 2.2-2.4 m/s (mars-landers.md §2, B).
TOUCHDOWN_MPS = 2.4
# The braking the profile asks for above that, and how fast the speed error
# is taken out (hilander choices, C).
BRAKING_MPS2 = 2.5
SPEED_GAIN_PER_S = 1.5
# The radar reads the stage's height; the footpads hang about this far below
# it (Phoenix's legs, C).
LEGS_M = 1.5


class VerticalDescent:
    """Thrust straight up, for a descent speed that falls with height."""

    def reset(self, config: LawConfig) -> None:
        self.config = config
        self.cut = False

    def step(self, frame: SensorFrame) -> Command:
        c = self.config
        valid = frame.radar_altitude_valid
        height_m = frame.radar_altitude_m if valid else frame.nav_position_S_m[2]
        wanted_mps = -math.sqrt(TOUCHDOWN_MPS**2 + 2.0 * BRAKING_MPS2 * max(0.0, height_m - LEGS_M))
        accel_mps2 = c.gravity_mps2 + SPEED_GAIN_PER_S * (wanted_mps - frame.nav_velocity_S_mps[2])
        engines = max(1, frame.engines_active)
        full_N = engines * c.engine_thrust_max_N * math.cos(c.cant_rad)
        wanted = frame.mass_estimate_kg * accel_mps2 / full_N
        throttle = min(c.throttle_max, max(c.throttle_min, wanted))
        self.cut = self.cut or frame.contact != 0
        events = Event.ENGINE_CUTOFF | Event.TOUCHDOWN_DECLARED if self.cut else Event(0)
        return Command(
            step=frame.step,
            thrust_S_N=(0.0, 0.0, 0.0 if self.cut else throttle * full_N),
            throttle=0.0 if self.cut else throttle,
            phase=int(Phase.LANDED if self.cut else Phase.CONSTANT_VELOCITY),
            events=int(events),
            site_S_m=(0.0, 0.0, 0.0),
        )
