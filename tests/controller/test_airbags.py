"""An airbag lander's two decisions: when to fire the RADs, when to cut the
bridle (both implementations)."""

from __future__ import annotations

import pytest

from hilander.controller import Event, LawConfig, Phase
from hilander.controller.config import LANDING_AIRBAGS
from tests.common.law import VEHICLE, hover

# MER-like: three 9.8 kN RADs under a 794 kg system, a 20 m bridle and the
# airbags' 5.2 m below the backshell (sim/presets_airbags.py).
AIRBAGS = LawConfig(
    **{
        **VEHICLE,
        "landing_system": LANDING_AIRBAGS,
        "engine_count": 3,
        "engine_thrust_max_N": 9806.65,
        "throttle_min": 0.0,
        "bridle_length_m": 20.0,
        "rover_height_m": 5.2,
    },
    airbag_release_altitude_m=12.0,
    airbag_cut_speed_mps=1.0,
)
MASS_KG = 794.0
BRAKE = 3 * 9806.65 / MASS_KG - AIRBAGS.gravity_mps2
RELEASE_M = 12.0 + 20.0 + 5.2  # the backshell's height when the lander is at 12 m


def step(law: object, k: int, altitude_m: float, vz_mps: float, **fields: object) -> object:
    frame = hover(k, AIRBAGS, altitude_m, vz_mps, mass_estimate_kg=MASS_KG, **fields)
    return law.step(frame)  # type: ignore[attr-defined]


def stop_height(vz: float) -> float:
    return RELEASE_M + vz * vz / (2.0 * BRAKE)


def test_on_the_parachute_nothing_fires(law_cls: type) -> None:
    law = law_cls()
    law.reset(AIRBAGS)
    c = step(law, 0, 1500.0, -85.0)
    assert c.phase == Phase.PARACHUTE and c.events == 0
    assert c.throttle == 0.0 and c.thrust_S_N == (0.0, 0.0, 0.0)


def test_the_rads_fire_when_they_would_stop_the_lander_at_its_release_height(
    law_cls: type,
) -> None:
    law = law_cls()
    law.reset(AIRBAGS)
    assert step(law, 0, stop_height(-85.0) + 0.5, -85.0).phase == Phase.PARACHUTE
    c = step(law, 1, stop_height(-85.0) - 0.5, -85.0)
    assert c.phase == Phase.RAD_BURN and c.events & Event.RAD_FIRE
    assert c.throttle == 1.0
    assert c.thrust_S_N[2] == pytest.approx(3 * 9806.65)


def test_no_fire_without_the_radar(law_cls: type) -> None:
    law = law_cls()
    law.reset(AIRBAGS)
    c = step(law, 0, 50.0, -85.0, radar_altitude_valid=False)
    assert c.phase == Phase.PARACHUTE and not c.events & Event.RAD_FIRE


@pytest.mark.parametrize(("altitude_m", "vz_mps"), [(60.0, -0.9), (RELEASE_M - 5.5, -20.0)])
def test_the_bridle_is_cut_when_slow_or_low(
    law_cls: type, altitude_m: float, vz_mps: float
) -> None:
    law = law_cls()
    law.reset(AIRBAGS)
    step(law, 0, stop_height(-85.0) - 1.0, -85.0)
    assert step(law, 1, 80.0, -30.0).phase == Phase.RAD_BURN
    c = step(law, 2, altitude_m, vz_mps)
    assert c.phase == Phase.LANDED and c.events & Event.BRIDLE_CUT
    assert c.events & Event.RAD_FIRE and c.throttle == 1.0  # the RADs burn on: solids


def test_still_fast_and_high_keeps_the_lander(law_cls: type) -> None:
    law = law_cls()
    law.reset(AIRBAGS)
    step(law, 0, stop_height(-85.0) - 1.0, -85.0)
    c = step(law, 1, RELEASE_M, -5.0)
    assert c.phase == Phase.RAD_BURN and not c.events & Event.BRIDLE_CUT
