"""The law's configuration, pure Python: ``LawConfig`` and its constants.

``LawConfig`` holds what the flight software knows of its vehicle (filled in
by the world from the vehicle preset) and the law's own tuning (defaults
here, overridable in a scenario's ``[law]`` table). It imports nothing
compiled, so the wire codec and the pure-Python reference law (the oracle)
never load the extension they are checked against; ``hilander.controller.law``
holds the compiled law.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hilander.controller.params import ConfigError, check, param

DEG = math.pi / 180.0
# The terminal deceleration's cap over the gate's; the same constant is in
# _law.pyx and hl_law.c.
DECEL_MAX_OVER_GATE = 1.5
# LawConfig.landing_system, as in _law.pxd.
LANDING_SKY_CRANE = 0
LANDING_LEGS = 1
LANDING_AIRBAGS = 2
# LawConfig.guidance: how the powered approach is guided; on the wire and in
# the compiled copies, the index (GUIDANCE_*).
GUIDANCES = ("apollo", "convex")
GUIDANCE_APOLLO = 0
GUIDANCE_CONVEX = 1


@dataclass(frozen=True)
class LawConfig:
    """Every parameter of the landing law, SI units."""

    # -- the vehicle as the flight software knows it (from the preset) --
    landing_system: int = param(
        unit="-",
        doc="0: sky crane (tether cut); 1: legs (engine cutoff); 2: airbags (RAD, bridle cut)",
        ge=0,
        le=2,
    )
    control_rate_Hz: float = param(unit="Hz", doc="control (guidance) rate", gt=0, le=1000)
    engine_count: int = param(unit="-", doc="engines on the descent stage", ge=1, le=64)
    engine_thrust_max_N: float = param(unit="N", doc="maximum thrust of one engine", gt=0)
    throttle_min: float = param(unit="-", doc="throttle floor, fraction of maximum", ge=0, lt=1)
    throttle_max: float = param(unit="-", doc="throttle ceiling, fraction of maximum", gt=0, le=1)
    throttle_rate_max_per_s: float = param(
        unit="1/s", doc="largest throttle change per second the law commands", gt=0
    )
    cant_rad: float = param(unit="rad", doc="engine cant from the thrust axis", ge=0, lt=1.5)
    tilt_max_rad: float = param(unit="rad", doc="largest thrust tilt from vertical", gt=0, lt=1.5)
    isp_s: float = param(unit="s", doc="specific impulse", gt=0)
    bridle_length_m: float = param(unit="m", doc="bridle length at full payout", gt=0)
    bridle_payout_time_s: float = param(
        unit="s",
        doc="time from the rover's release until its bridle is paid out to full length "
        "(touchdown detection arms this plus td_arm_settle_s after the release)",
        ge=0,
    )
    rover_height_m: float = param(unit="m", doc="rover wheels to bridle attachment", ge=0)
    # The law books its propellant as this less what its mass estimate has
    # fallen by since its start (convex: the plan's propellant row), not as
    # the estimate less a dry mass: a vehicle's propellant load is measured
    # when it is loaded, and its dry mass may differ from the one it is told.
    propellant_mass_kg: float = param(
        unit="kg", doc="propellant on board at the law's start", ge=0, le=1e5
    )
    slew_rate_max_radps: float = param(
        unit="rad/s",
        doc="largest turn rate of the thrust axis (convex: the plan's rate rows; 0: none)",
        ge=0,
        le=100,
    )
    # -- environment as the law models it --
    # Mars surface gravity 3.711 m/s^2: ESA "Meet Mars" (mars-landers.md §0, A).
    gravity_mps2: float = param(3.711, unit="m/s^2", doc="gravity the law assumes", gt=0, le=100)
    # -- powered approach and divert --
    gate_altitude_m: float = param(
        50.0, unit="m", doc="approach gate height above the site", gt=0, le=1e4
    )
    gate_speed_mps: float = param(16.0, unit="m/s", doc="descent speed at the gate", gt=0, le=1000)
    # Lu's augmented Apollo gain of the vertical axis (horizontally the law
    # uses 6, ZEM/ZEV): 6 is ZEM/ZEV, 12 is Apollo; chosen by measurement
    # (docs/law.md).
    guidance_gain: float = param(
        8.0, unit="-", doc="augmented Apollo gain k, vertical (6 ZEM/ZEV .. 12 Apollo)", ge=6, le=12
    )
    # A start moving away from the target first turns round at full thrust
    # (docs/law.md, "The turn-round"); 15 m/s chosen by measurement.
    turn_speed_error_mps: float = param(
        15.0,
        unit="m/s",
        doc="horizontal speed error that calls for a turn-round burn at the start",
        gt=0,
        le=1000,
    )
    tgo_min_s: float = param(1.0, unit="s", doc="shortest time-to-go searched", gt=0, le=1000)
    tgo_max_s: float = param(120.0, unit="s", doc="longest time-to-go searched", gt=0, le=1e4)
    tgo_switch_s: float = param(
        2.0, unit="s", doc="time-to-go at which the approach hands over", gt=0, le=100
    )
    tgo_freeze_s: float = param(
        6.0, unit="s", doc="time-to-go below which it counts down without search", gt=0, le=1000
    )
    replan_period_s: float = param(
        0.5, unit="s", doc="time-to-go search period (convex: replan period)", gt=0, le=100
    )
    # -- convex guidance (docs/law.md, "Convex guidance"; docs/optimal.md) --
    guidance: str = param(
        "apollo",
        unit="-",
        doc="approach guidance: apollo (augmented Apollo) or convex (fuel-optimal plan, replanned)",
        choices=GUIDANCES,
    )
    plan_nodes: int = param(
        20, unit="-", doc="convex: intervals of the plan (the control held over each)", ge=2, le=24
    )
    # Below full thrust so that the tracking loop has authority left over the
    # plan (G-FOLD's flight tests planned within a margin of the engine's
    # range: Scharf et al. 2017); chosen by measurement (docs/law.md).
    plan_throttle_max: float = param(
        0.8, unit="-", doc="convex: the plan's thrust ceiling, fraction of maximum", gt=0, le=1
    )
    # The terminal phases fly on what the plan leaves: a plan that spends it
    # lands nowhere. MSL's: 94-100 kg from the gate to the cut (8 runs of the
    # msl campaign), the 20 kg reserve at the cut, 5 kg over; the other
    # presets measure their own (docs/law.md, "Convex guidance").
    plan_reserve_kg: float = param(
        125.0,
        unit="kg",
        doc="convex: propellant the plan leaves at the gate for the terminal phases",
        ge=0,
        le=1e5,
    )
    plan_glide_slope_rad: float = param(
        0.0,
        unit="rad",
        doc="convex: least elevation of the path seen from the gate (0: no glide slope)",
        ge=0,
        lt=1.5,
    )
    plan_position_gain_per_s2: float = param(
        0.16, unit="1/s^2", doc="convex: plan-tracking position gain", ge=0, le=100
    )
    plan_velocity_gain_per_s: float = param(
        0.8, unit="1/s", doc="convex: plan-tracking velocity gain", ge=0, le=100
    )
    # A replan spread over control steps, the plan in hand flown meanwhile
    # (docs/law.md, "Real time"): one unit is a plain ADMM iteration, at most
    # 68,784 instructions on the Cortex-M4F with the rate rows (a check of
    # the residuals counts 2, a factorisation 5 more; docs/performance.md).
    plan_iterations_per_tick: int = param(
        0,
        unit="-",
        doc="convex: solver iterations per control step (0: a replan in one step)",
        ge=0,
        le=100000,
    )
    # Tianwen-1 hovered near 100 m to map the ground and pick a flat spot
    # (Xinhua, mars-landers.md §2, A).
    hover_s: float = param(
        0.0,
        unit="s",
        doc="hover at the gate this long to map and pick a site (0: no hover)",
        ge=0,
        le=3600,
    )
    # -- terminal descent --
    # Sky crane starts about 20 m up at 0.75 m/s: NASA M2020 caption (A),
    # SciAm MSL graphic (B); planetary.org (A) for the rate (mars-landers.md §1.2-1.3).
    sky_crane_altitude_m: float = param(
        20.0, unit="m", doc="height at which the rover is released", gt=0, le=1000
    )
    sky_crane_speed_mps: float = param(
        0.75, unit="m/s", doc="descent speed on the sky crane", gt=0, le=100
    )
    final_decel_mps2: float = param(
        1.5, unit="m/s^2", doc="least deceleration of the terminal descent", gt=0, le=100
    )
    vertical_gain_per_s: float = param(
        2.0, unit="1/s", doc="vertical speed loop gain", gt=0, le=100
    )
    vertical_integral_gain_per_s2: float = param(
        0.8, unit="1/s^2", doc="vertical speed loop integral gain", gt=0, le=100
    )
    position_gain_per_s: float = param(
        0.3, unit="1/s", doc="horizontal position-to-speed gain", ge=0, le=100
    )
    horizontal_gain_per_s: float = param(
        1.0, unit="1/s", doc="horizontal speed loop gain", gt=0, le=100
    )
    horizontal_speed_max_mps: float = param(
        3.0, unit="m/s", doc="horizontal speed cap in the terminal descent", gt=0, le=1000
    )
    sky_crane_horizontal_speed_max_mps: float = param(
        0.2, unit="m/s", doc="horizontal speed cap on the sky crane", gt=0, le=100
    )
    # MSL's radar gave sporadic velocity errors near the ground, from dust
    # kicked up by the plumes (Chen & Pollard 2014, mars-landers.md §1.4, A);
    # its NavFilter edited its data (§1.4, B). 1 m/s is about ten sigma of
    # the radar-navigation difference, chosen by measurement.
    radar_velocity_gate_mps: float = param(
        1.0,
        unit="m/s",
        doc="radar velocity used only within this of the navigation's, sample by sample",
        gt=0,
        le=1e9,
    )
    # -- hazard avoidance --
    site_cost_safe_max: float = param(
        0.03, unit="-", doc="hazard cost below which a cell is safe", gt=0, le=1
    )
    site_clearance_min_m: float = param(
        12.0, unit="m", doc="clearance from hazards a site must have", ge=0, le=1e4
    )
    site_clearance_pref_m: float = param(
        30.0, unit="m", doc="clearance beyond which more is not preferred", gt=0, le=1e4
    )
    # Perseverance diverted up to about 600 m (mars-landers.md §1.6, C).
    divert_max_m: float = param(600.0, unit="m", doc="longest divert considered", gt=0, le=1e5)
    divert_accel_fraction: float = param(
        0.5, unit="-", doc="share of horizontal thrust a divert may use", gt=0, le=1
    )
    site_weight_clearance: float = param(1.0, unit="-", doc="site cost weight", ge=0, le=1e6)
    site_weight_distance: float = param(1.0, unit="-", doc="site cost weight", ge=0, le=1e6)
    site_weight_propellant: float = param(1.0, unit="-", doc="site cost weight", ge=0, le=1e6)
    site_propellant_scale_kg: float = param(
        20.0, unit="kg", doc="propellant that counts as one unit of site cost", gt=0, le=1e6
    )
    # The site search is spread over control steps so that none overruns a
    # board's budget: a 64 x 64 map is 192 rows of work (the clearance
    # transform's two passes, then the scoring); docs/law.md, design H.
    site_search_rows_per_tick: int = param(
        8, unit="-", doc="hazard-map rows of site-search work per control step", ge=1, le=192
    )
    # -- touchdown detection and tether cut --
    # Required thrust drops by about half when the rover's weight leaves the
    # bridle; persistence of order 1 s (mars-landers.md §1.3 and §1.7, C/R).
    td_thrust_ratio: float = param(
        0.75, unit="-", doc="thrust-needed ratio below which touchdown is sensed", gt=0, lt=1
    )
    td_persistence_s: float = param(
        1.0, unit="s", doc="how long the low ratio must persist", gt=0, le=100
    )
    td_filter_time_s: float = param(
        0.2, unit="s", doc="low-pass time constant of the ratio", ge=0, le=100
    )
    td_arm_settle_s: float = param(
        1.0, unit="s", doc="wait after the bridle is out before arming", ge=0, le=100
    )
    td_gate_margin_m: float = param(
        5.0,
        unit="m",
        doc="touchdown plausible this high above the bridle and rover (legs: above ground)",
        ge=0,
        le=1e5,
    )
    # Mars Polar Lander's touchdown sensing was enabled at 40 m and took two
    # consecutive leg-sensor readings as a touchdown (JPL SRB report quoted in
    # mars-landers.md §3.1, A); the law arms there too, with its latches cleared.
    td_arm_altitude_m: float = param(
        40.0, unit="m", doc="legs: height below which leg-contact sensing is armed", gt=0, le=1e4
    )
    td_contact_samples: int = param(
        2,
        unit="-",
        doc="legs: consecutive leg-contact samples that make a touchdown",
        ge=1,
        le=1_000_000,
    )
    # "waits two seconds to confirm ... fires pyros" (SciAm, B): persistence
    # 1 s plus filter lag plus this delay come to about 2 s.
    tether_cut_delay_s: float = param(
        0.5, unit="s", doc="delay from touchdown declared to tether cut", ge=0, le=100
    )
    # -- airbags --
    # MER's RADs brought the vertical speed to about 0 at 10-15 m, then a
    # pyro cutter released the lander (JPL FAQ text, mars-landers.md §2, B).
    airbag_release_altitude_m: float = param(
        12.0,
        unit="m",
        doc="airbags: the lander's bottom this high when it is let go",
        gt=0,
        le=1000,
    )
    airbag_cut_speed_mps: float = param(
        1.0, unit="m/s", doc="airbags: the bridle is cut once descending this slowly", gt=0, le=100
    )
    # -- flyaway --
    # Throttle up, pitch away about 45-50 deg (mars-landers.md §1.3, A/C).
    flyaway_climb_s: float = param(1.0, unit="s", doc="vertical climb before tilting", ge=0, le=100)
    flyaway_climb_thrust_factor: float = param(
        1.5, unit="-", doc="climb thrust over hover thrust", gt=1, le=10
    )
    flyaway_tilt_rad: float = param(45 * DEG, unit="rad", doc="flyaway tilt", ge=0, lt=1.5)
    flyaway_burn_s: float = param(6.0, unit="s", doc="tilted burn before cutoff", ge=0, le=1000)
    flyaway_thrust_factor: float = param(
        1.2, unit="-", doc="vertical thrust over hover thrust while tilted", gt=0, le=10
    )

    def __post_init__(self) -> None:
        check(self)
        for field, text, holds in CROSS_RULES:
            if not holds(self):
                raise ConfigError(field, f"{field} {text}")

    @property
    def gate_decel_mps2(self) -> float:
        """The constant deceleration from the gate to the sky-crane start
        (written as the compiled law computes it)."""
        return (
            self.gate_speed_mps * self.gate_speed_mps
            - self.sky_crane_speed_mps * self.sky_crane_speed_mps
        ) / (2.0 * (self.gate_altitude_m - self.sky_crane_altitude_m))

    @property
    def td_gate_altitude_m(self) -> float:
        """Highest descent-stage altitude at which a touchdown is plausible: the
        rover on its bridle below the stage, or a lander on its legs."""
        if self.landing_system == LANDING_LEGS:
            return self.td_gate_margin_m
        return self.bridle_length_m + self.rover_height_m + self.td_gate_margin_m

    def replace(self, **changes: Any) -> LawConfig:
        return dataclasses.replace(self, **changes)

    def to_params(self) -> dict[str, Any]:
        """The C struct LawParams as a dict."""
        params = dataclasses.asdict(self)
        params["guidance"] = GUIDANCES.index(self.guidance)
        del params["td_gate_margin_m"]
        params["td_gate_altitude_m"] = self.td_gate_altitude_m
        return params


def _final_decel_within_cap(c: LawConfig) -> bool:
    return c.final_decel_mps2 <= DECEL_MAX_OVER_GATE * c.gate_decel_mps2


# The rules between fields, checked in this order after each field's own range:
# (the field blamed, what it must keep, the test). The C firmware checks the
# same ones in the same order (firmware_stub/core/hl_params.c), and
# docs/protocol.md lists them (generated from this table).
CROSS_RULES: tuple[tuple[str, str, Callable[[LawConfig], bool]], ...] = (
    ("tgo_switch_s", "must be below tgo_freeze_s", lambda c: c.tgo_switch_s < c.tgo_freeze_s),
    ("throttle_max", "must be above throttle_min", lambda c: c.throttle_max > c.throttle_min),
    (
        "plan_throttle_max",
        "times throttle_max must be above throttle_min (checked only when guidance is convex)",
        lambda c: c.guidance != "convex" or c.plan_throttle_max * c.throttle_max > c.throttle_min,
    ),
    ("tgo_min_s", "must be below tgo_max_s", lambda c: c.tgo_min_s < c.tgo_max_s),
    (
        "sky_crane_altitude_m",
        "must be below gate_altitude_m",
        lambda c: c.sky_crane_altitude_m < c.gate_altitude_m,
    ),
    (
        "sky_crane_speed_mps",
        "must be below gate_speed_mps",
        lambda c: c.sky_crane_speed_mps < c.gate_speed_mps,
    ),
    (
        "final_decel_mps2",
        f"must be at most {DECEL_MAX_OVER_GATE:g} times the gate's deceleration, the terminal "
        "descent's cap: (gate_speed_mps^2 - sky_crane_speed_mps^2) / "
        "(2 (gate_altitude_m - sky_crane_altitude_m))",
        _final_decel_within_cap,
    ),
)


def law_field_names() -> list[str]:
    """Names of the law's own tuning fields: those with a default. The others
    describe the vehicle and come from its preset."""
    return [f.name for f in dataclasses.fields(LawConfig) if f.default is not dataclasses.MISSING]
