"""The landing law, step by step: limits, phases, touchdown, flyaway.

Every behavioural test runs on both the compiled law and the pure-Python
reference (fixture ``law_cls``); a property test holds them equal.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hilander.controller import (
    Command,
    CompiledLaw,
    Event,
    LawConfig,
    Phase,
    ReferenceLaw,
    SensorFrame,
    Status,
)
from tests.common.law import (
    CONFIG,
    GATE,
    VEHICLE,
    Flight,
    flat_map,
    frame,
    hover,
    with_map,
)


def thrust_bounds(config: LawConfig, engines: int) -> tuple[float, float]:
    rated = engines * config.engine_thrust_max_N * math.cos(config.cant_rad)
    return config.throttle_min * rated, config.throttle_max * rated


@st.composite
def frame_sequences(draw: st.DrawFn) -> list[SensorFrame]:
    f = st.floats
    n = draw(st.integers(1, 40))
    frames = []
    for k in range(n):
        z = draw(f(0.5, 2500))
        fields: dict[str, Any] = {
            "radar_altitude_m": z + draw(f(-5, 5)),
            "radar_altitude_valid": draw(st.booleans()),
            "radar_velocity_S_mps": (draw(f(-60, 60)), draw(f(-60, 60)), draw(f(-120, 10))),
            "radar_velocity_valid": draw(st.booleans()),
            "nav_position_S_m": (draw(f(-900, 900)), draw(f(-900, 900)), z),
            "nav_velocity_S_mps": (draw(f(-60, 60)), draw(f(-60, 60)), draw(f(-120, 10))),
            "mass_estimate_kg": draw(f(800, 2500)),
            "engines_active": draw(st.integers(1, 8)),
        }
        fr = frame(k, CONFIG, **fields)
        if draw(st.integers(0, 9)) == 0:
            fr = with_map(fr, flat_map(16, 8.0, [(8, 8), (7, 8), (8, 7)]))
        frames.append(fr)
    return frames


def check_limits(config: LawConfig, fr: SensorFrame, c: Command, previous: float) -> None:
    if c.events & Event.ENGINE_CUTOFF:
        assert c.throttle == 0.0 and c.thrust_S_N == (0.0, 0.0, 0.0)
        return
    tmin, tmax = thrust_bounds(config, fr.engines_active)
    magnitude = math.hypot(*c.thrust_S_N)
    assert tmin * (1 - 1e-9) <= magnitude <= tmax * (1 + 1e-9)
    assert config.throttle_min - 1e-12 <= c.throttle <= config.throttle_max + 1e-12
    tilt = math.acos(min(1.0, c.thrust_S_N[2] / magnitude))
    assert tilt <= config.tilt_max_rad + 1e-9
    step = config.throttle_rate_max_per_s / config.control_rate_Hz
    assert abs(c.throttle - previous) <= step * (1 + 1e-9)


@given(frame_sequences(), st.sampled_from([1.0, 0.8, 0.35]))
def test_thrust_within_its_bounds_at_every_step(
    frames: list[SensorFrame], throttle_max: float
) -> None:
    """Within the tilt cone and [throttle_min, throttle_max] of the rated
    thrust, the throttle's change within its rate, on any frames."""
    config = CONFIG.replace(throttle_max=throttle_max)
    for law in (CompiledLaw(), ReferenceLaw()):
        law.reset(config)
        previous = config.throttle_min
        for fr in frames:
            c = law.step(fr)
            check_limits(config, fr, c, previous)
            previous = c.throttle


# found by hypothesis: a throttle change of exactly the rate limit, where the
# reference once rounded th * tmin / mag differently from the compiled law
RATE_LIMIT_EDGE = [
    SensorFrame(
        0,
        0.0,
        1374.0,
        False,
        (0.0, 0.0, 0.0),
        False,
        (0.0, 0.0, 1374.0),
        (0.0, 0.0, -94.0),
        (0.0, 0.0, 3.7),
        800.0,
        8000.0,
        1,
        0.0,
        0,
        False,
    ),
    SensorFrame(
        1,
        0.02,
        260.0,
        False,
        (0.0, 0.0, 0.0),
        False,
        (0.0, 0.0, 260.0),
        (1.0, 1.0, 0.0),
        (0.0, 0.0, 3.7),
        801.0,
        8000.0,
        7,
        0.0,
        0,
        False,
    ),
]


@given(frame_sequences())
@example(RATE_LIMIT_EDGE)
def test_compiled_and_reference_agree(frames: list[SensorFrame]) -> None:
    compiled, reference = CompiledLaw(), ReferenceLaw()
    compiled.reset(CONFIG)
    reference.reset(CONFIG)
    for fr in frames:
        a, b = compiled.step(fr), reference.step(fr)
        assert (a.step, a.phase, a.events, a.status) == (b.step, b.phase, b.events, b.status)
        np.testing.assert_allclose(a.thrust_S_N, b.thrust_S_N, rtol=1e-9, atol=1e-6)
        assert a.throttle == pytest.approx(b.throttle, rel=1e-9, abs=1e-12)
        np.testing.assert_allclose(a.site_S_m, b.site_S_m, rtol=0, atol=1e-9)


# -- driving the phase machine ---------------------------------------------------


ROVER_DOWN = 1.0  # measured vertical speed [m/s] once the stage sheds the rover
TICK = 1.0 / CONFIG.control_rate_Hz
# Persistence counts samples: N = persistence / dt low samples, the first of
# which is already one tick of evidence, so declaration comes (N - 1) ticks on.
PERSISTENCE = CONFIG.td_persistence_s - TICK - 1e-9


def test_touchdown_is_not_sensed_above_the_gate(law_cls: type) -> None:
    flight = Flight(law_cls)
    flight.arm()
    gate = CONFIG.td_gate_altitude_m
    flight.fly(3.0, gate + 15.0, ROVER_DOWN)
    assert flight.phase() == Phase.TOUCHDOWN_DETECTION
    start = flight.time_s
    flight.fly(3.0, gate - 2.0, ROVER_DOWN)
    declared = flight.first(Phase.TETHER_CUT)
    assert declared is not None
    assert flight.time_at(declared) - start >= PERSISTENCE


def test_a_transient_shorter_than_the_persistence_is_ignored(law_cls: type) -> None:
    flight = Flight(law_cls)
    flight.arm()
    flight.fly(0.5 * CONFIG.td_persistence_s, 12.0, ROVER_DOWN)
    flight.fly(3.0, 12.0, -0.75)
    assert flight.phase() == Phase.TOUCHDOWN_DETECTION


def test_latches_clear_when_detection_arms(law_cls: type) -> None:
    """Mars Polar Lander: a touchdown-like signal before arming must not carry over."""
    flight = Flight(law_cls)
    flight.fly(0.1, *GATE)
    flight.fly(0.1, 19.0, -0.75)
    wait = CONFIG.bridle_payout_time_s + CONFIG.td_arm_settle_s
    flight.fly(wait + 3.0, 12.0, ROVER_DOWN)  # bridle bounce or a false contact, unarmed
    armed = flight.first(Phase.TOUCHDOWN_DETECTION)
    declared = flight.first(Phase.TETHER_CUT)
    assert armed is not None and declared is not None
    assert flight.time_at(declared) - flight.time_at(armed) >= PERSISTENCE


def test_touchdown_cut_and_flyaway(law_cls: type) -> None:
    flight = Flight(law_cls)
    arm_s = flight.arm()
    flight.fly(CONFIG.td_persistence_s + 0.5 * CONFIG.tether_cut_delay_s, 9.0, ROVER_DOWN)
    flight.fly(
        CONFIG.flyaway_climb_s + CONFIG.flyaway_burn_s + 2.0,
        9.0,
        ROVER_DOWN,
        mass_estimate_kg=900.0,
    )
    declared, cut = flight.first(Phase.TETHER_CUT), flight.first(Phase.FLYAWAY)
    assert declared is not None and cut is not None
    assert declared.events & Event.TOUCHDOWN_DECLARED
    assert cut.events & Event.TETHER_CUT
    delay = flight.time_at(cut) - flight.time_at(declared)
    assert delay == pytest.approx(CONFIG.tether_cut_delay_s, abs=1.5 * TICK)
    assert flight.time_at(declared) - arm_s >= PERSISTENCE
    cut_s = flight.time_at(cut)
    for c in flight.commands[cut.step + 1 :]:
        t = flight.time_at(c) - cut_s
        horizontal = math.hypot(c.thrust_S_N[0], c.thrust_S_N[1])
        if t < CONFIG.flyaway_climb_s - 1e-9:
            assert horizontal == 0.0 and c.thrust_S_N[2] > 0.0
        elif t < CONFIG.flyaway_climb_s + CONFIG.flyaway_burn_s - 1e-9:
            if c.status == 0:  # not rate limited
                tilt = math.atan2(horizontal, c.thrust_S_N[2])
                assert tilt == pytest.approx(CONFIG.flyaway_tilt_rad, abs=1e-6)
        else:
            assert c.events & Event.ENGINE_CUTOFF and c.throttle == 0.0


def test_hazard_map_moves_the_target_off_a_hazard(law_cls: type) -> None:
    law = law_cls()
    law.reset(CONFIG)
    hazards = [(i, j) for i in range(6, 10) for j in range(6, 10)]  # a blob on the target
    c = law.step(with_map(frame(0, CONFIG), flat_map(16, 8.0, hazards)))
    assert c.status & Status.SITE_SEARCH and not c.events & Event.SITE_SELECTED  # under way
    steps = math.ceil(3 * 16 / CONFIG.site_search_rows_per_tick)  # 48 rows of work
    for k in range(1, steps + 1):
        c = law.step(frame(k, CONFIG))
        assert bool(c.events & Event.SITE_SELECTED) == (k == steps), k
        assert bool(c.status & Status.SITE_SEARCH) == (k < steps), k
    assert c.phase == Phase.DIVERT
    x, y, _ = c.site_S_m
    assert not (-16 <= x <= 16 and -16 <= y <= 16)
    assert math.hypot(x, y) < 80


def test_a_map_during_the_search_restarts_it(law_cls: type) -> None:
    """A second map two steps into the search of the first: the law selects
    from the second, as many steps after it as a search takes, the site a law
    that only saw the second picks."""
    first = flat_map(16, 8.0, [(i, j) for i in range(6, 10) for j in range(6, 10)])
    second = flat_map(16, 8.0, [(i, j) for i in range(0, 16) for j in range(5, 16)])
    both, only = law_cls(), law_cls()
    both.reset(CONFIG)
    only.reset(CONFIG)
    steps = math.ceil(3 * 16 / CONFIG.site_search_rows_per_tick)
    for k in range(3 + steps):
        f = frame(k, CONFIG)
        c = both.step(with_map(f, first) if k == 0 else with_map(f, second) if k == 2 else f)
        d = only.step(with_map(f, second) if k == 2 else f)
        assert bool(c.events & Event.SITE_SELECTED) == (k == 2 + steps), k
        assert c.site_S_m == d.site_S_m and c.events == d.events and c.phase == d.phase, k
    assert c.site_S_m[0] < -20.0  # the second map's rocks cover the east


def test_a_search_ends_unfinished_when_its_phase_has_no_maps(law_cls: type) -> None:
    """The approach ends (at the gate) one step into the search: the terminal
    descent has no maps, so the search stops there and selects nothing."""
    law = law_cls()
    law.reset(CONFIG)
    c = law.step(with_map(frame(0, CONFIG), flat_map(16, 8.0, [(8, 8)])))
    assert c.status & Status.SITE_SEARCH
    c = law.step(hover(1, CONFIG, *GATE))
    assert c.phase == Phase.CONSTANT_VELOCITY
    for k in range(2, 12):
        c = law.step(hover(k, CONFIG, *GATE))
        assert not c.status & Status.SITE_SEARCH and not c.events & Event.SITE_SELECTED, k
    assert c.site_S_m == (0.0, 0.0, 0.0)


def test_engine_out_raises_the_throttle_for_the_same_thrust(law_cls: type) -> None:
    a, b = law_cls(), law_cls()
    config = dataclasses.replace(CONFIG, throttle_rate_max_per_s=1e6)
    a.reset(config)
    b.reset(config)
    for step in range(2):  # the second step is in the terminal descent
        ca = a.step(hover(step, config, *GATE, mass_estimate_kg=1000.0))
        cb = b.step(hover(step, config, *GATE, mass_estimate_kg=1000.0, engines_active=7))
    assert ca.phase == cb.phase == Phase.CONSTANT_VELOCITY
    np.testing.assert_allclose(ca.thrust_S_N, cb.thrust_S_N, rtol=1e-12)
    assert cb.throttle == pytest.approx(ca.throttle * 8 / 7, rel=1e-12)


def test_a_throttle_ceiling_caps_the_thrust_and_says_so(law_cls: type) -> None:
    """throttle_max 0.6: a demand beyond it gives 0.6 of the rated thrust
    (the throttle is of the rated), with THRUST_SATURATED."""
    config = dataclasses.replace(CONFIG, throttle_rate_max_per_s=1e6, throttle_max=0.6)
    law = law_cls()
    law.reset(config)
    fast = frame(0, config, nav_velocity_S_mps=(0.0, 0.0, -120.0), nav_position_S_m=(0, 0, 60.0))
    c = law.step(dataclasses.replace(fast, radar_altitude_m=60.0))
    _, tmax = thrust_bounds(config, config.engine_count)
    assert c.status & Status.THRUST_SATURATED
    assert c.throttle == pytest.approx(0.6, rel=1e-12)
    assert math.hypot(*c.thrust_S_N) == pytest.approx(tmax, rel=1e-12)


def test_step_echoes_the_frame_step(law_cls: type) -> None:
    law = law_cls()
    law.reset(CONFIG)
    assert law.step(frame(41, CONFIG)).step == 41


def test_config_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="throttle_min"):
        LawConfig(**{**VEHICLE, "throttle_min": 1.5})
    with pytest.raises(ValueError, match="throttle_max must be above throttle_min"):
        LawConfig(**{**VEHICLE, "throttle_max": 0.1})
    with pytest.raises(ValueError, match="plan_throttle_max times throttle_max"):
        LawConfig(**{**VEHICLE, "throttle_max": 0.2}, guidance="convex", plan_throttle_max=0.4)
    with pytest.raises(ValueError, match="guidance_gain"):
        LawConfig(**VEHICLE, guidance_gain=4.0)
    with pytest.raises(ValueError, match=r"final_decel_mps2 must be at most 1\.5 times"):
        LawConfig(**VEHICLE, final_decel_mps2=7.0)  # the default gate's cap is 6.4 m/s^2
    with pytest.raises(ValueError, match="tgo_switch_s"):
        LawConfig(**VEHICLE, tgo_switch_s=7.0)
    with pytest.raises(ValueError, match="finite"):
        LawConfig(**{**VEHICLE, "isp_s": math.nan})


def test_constants_match_the_compiled_law() -> None:
    from hilander.controller import _core, config  # noqa: PLC0415

    for enum, prefix in ((Phase, "PHASE_"), (Event, "EVENT_"), (Status, "STATUS_")):
        for member in enum:
            assert _core.CONSTANTS[prefix + str(member.name)] == member.value
    assert _core.CONSTANTS["LANDING_SKY_CRANE"] == config.LANDING_SKY_CRANE
    assert _core.CONSTANTS["LANDING_LEGS"] == config.LANDING_LEGS
    assert _core.CONSTANTS["GUIDANCE_APOLLO"] == config.GUIDANCES.index("apollo")
    assert _core.CONSTANTS["GUIDANCE_CONVEX"] == config.GUIDANCES.index("convex")


# -- the turn-round -----------------------------------------------------------


def moving(step: int, position_m: tuple[float, float, float], velocity_mps: Any) -> SensorFrame:
    return frame(
        step,
        CONFIG,
        radar_altitude_m=position_m[2],
        radar_velocity_S_mps=velocity_mps,
        nav_position_S_m=position_m,
        nav_velocity_S_mps=velocity_mps,
    )


AWAY = ((600.0, 0.0, 1500.0), (40.0, 0.0, -100.0))  # the `away` scenario's start


def test_a_start_moving_away_turns_round_at_full_thrust(law_cls: type) -> None:
    law = law_cls()
    law.reset(dataclasses.replace(CONFIG, throttle_rate_max_per_s=1e6))
    c = law.step(moving(0, *AWAY))
    tx, ty, tz = c.thrust_S_N
    assert c.throttle == pytest.approx(1.0, abs=0.01)
    assert tx < 0.0 and ty == pytest.approx(0.0, abs=1e-6)  # toward the target
    assert math.atan2(-tx, tz) == pytest.approx(CONFIG.tilt_max_rad, abs=0.02)  # on the cone


def test_no_turn_round_when_the_vertical_braking_cannot_wait(law_cls: type) -> None:
    """Moving away as the `away` start but 400 m up at 110 m/s down: braking
    to the gate's speed at its height needs more than the turn-round leaves
    (its burn is mostly horizontal, and flown on it flew into the ground with
    propellant left, issue 19): the augmented Apollo law flies at once, as if
    no turn-round were ever called for."""
    config = dataclasses.replace(CONFIG, throttle_rate_max_per_s=1e6)
    low = moving(0, (600.0, 0.0, 400.0), (40.0, 0.0, -110.0))
    law, never = law_cls(), law_cls()
    law.reset(config)
    never.reset(dataclasses.replace(config, turn_speed_error_mps=1000.0))
    c, n = law.step(low), never.step(low)
    assert (c.thrust_S_N, c.throttle, c.status) == (n.thrust_S_N, n.throttle, n.status)
    assert c.thrust_S_N[0] < 0.0 and math.atan2(-c.thrust_S_N[0], c.thrust_S_N[2]) < 0.5


def test_the_turn_round_ends_for_good(law_cls: type) -> None:
    """Once the horizontal speed is the one the coast and braking need, the
    augmented Apollo guidance flies, even if the error grows again."""
    law = law_cls()
    law.reset(dataclasses.replace(CONFIG, throttle_rate_max_per_s=1e6))
    law.step(moving(0, *AWAY))
    toward = law.step(moving(1, (600.0, 0.0, 1500.0), (-40.0, 0.0, -100.0)))
    again = law.step(moving(2, *AWAY))
    assert toward.throttle < 0.9 and again.throttle < 0.9


def test_a_start_toward_the_target_does_not_turn_round(law_cls: type) -> None:
    law = law_cls()
    law.reset(dataclasses.replace(CONFIG, throttle_rate_max_per_s=1e6))
    c = law.step(moving(0, (-350.0, 230.0, 1800.0), (22.0, -6.0, -80.0)))  # the default start
    assert c.throttle < 0.9
