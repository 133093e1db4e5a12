"""Pure-Python reference of the landing law: the test oracle and the speed
baseline of the compiled law.

It is written apart from ``_law.pyx`` (not generated from it) so that a slip
in either shows up as a difference between the two; the same equations in the
same order, so that on the same inputs both give the same commands to within
rounding (the tests hold them to 1e-9). See ``_law.pyx`` for the design.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from hilander.controller.config import DECEL_MAX_OVER_GATE, LANDING_AIRBAGS, LANDING_LEGS, LawConfig
from hilander.controller.interface import Command, Event, HazardMap, Phase, SensorFrame, Status
from hilander.controller.reference_airbags import airbag_step
from hilander.controller.reference_approach import gate_problem, turn_round
from hilander.controller.reference_convex import Workspace
from hilander.controller.reference_guidance import guidance_accel, plan_cost, tgo_search
from hilander.controller.reference_plan import PlanState, fly_plan, time_to_go_s
from hilander.controller.reference_search import SiteSearch, site_query
from hilander.controller.reference_throttle import norm2, throttle_stage
from hilander.controller.reference_touchdown import (
    arm_touchdown,
    detect_leg_touchdown,
    detect_touchdown,
    flyaway,
    flyaway_heading,
)

FADE_SPEED_MPS = 2.0  # the fed-forward deceleration fades over this
RELEASE_SPEED_MARGIN_MPS = 0.25  # release within this of the sky-crane speed,
RELEASE_DEPTH_MAX_M = 3.0  # or this far below sky_crane_altitude_m
HOVER_ARRIVAL_M = 2.0  # the hover ends this close to the site,
HOVER_WAIT_MAX = 3.0  # or after this many times hover_s
HANDOVER_FLOOR = 0.5  # a plan may skim its floor: it hands over this low (of the gate)
PHASE_MAPS = 1  # phase flag: a hazard map that comes in moves the site

Fly = Callable[[SensorFrame, Status], tuple[list[float], Status]]  # a phase's handler, bound


@dataclass
class ReferenceState:
    phase: Phase = Phase.POWERED_APPROACH
    events: Event = Event(0)
    started: bool = False
    turned: bool = False
    tracking: bool = False  # this step flies the convex plan: its horizontal thrust first
    raise_max_mps2: float = math.inf  # tracking: the vertical the stage may raise to (track)
    phase_start_s: float = 0.0
    site_S_m: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    tgo_s: float = 0.0
    next_replan_s: float = 0.0
    vz_integral_mps: float = 0.0
    terminal_decel_mps2: float = 0.0
    throttle: float = 0.0
    td_ratio_filtered: float = 1.0
    td_below_s: float = 0.0
    td_contact_count: int = 0
    release_s: float = 0.0
    declared_s: float = 0.0
    cut_s: float = 0.0
    flyaway_heading_S: tuple[float, float] = (0.0, 0.0)
    start_position_S_m: tuple[float, float] = (0.0, 0.0)
    search: SiteSearch | None = None  # the site search under way
    hazard_map: HazardMap | None = None  # the last map that came in
    plan: PlanState = field(default_factory=PlanState)  # convex guidance's


class ReferenceLaw:
    """The landing law in plain Python; a flight computer like CompiledLaw."""

    def __init__(self) -> None:
        self.p: LawConfig | None = None
        self.s = ReferenceState()

    def reset(self, config: object) -> None:
        if not isinstance(config, LawConfig):
            raise TypeError("ReferenceLaw.reset needs a LawConfig")
        self.p, self.s = config, ReferenceState()

    @property
    def dt(self) -> float:
        assert self.p is not None
        return 1.0 / self.p.control_rate_Hz

    def step(self, f: SensorFrame) -> Command:
        p, s = self.p, self.s
        if p is None:
            raise RuntimeError("ReferenceLaw.step before reset")
        status = Status(0)
        if not s.started:
            s.started, s.phase_start_s, s.throttle = True, f.time_s, p.throttle_min
            s.plan.dry_mass_kg = max(f.mass_estimate_kg - p.propellant_mass_kg, 1.0)
            s.start_position_S_m = (f.nav_position_S_m[0], f.nav_position_S_m[1])
        if not f.radar_altitude_valid:
            status |= Status.RADAR_INVALID
        if p.landing_system == LANDING_AIRBAGS:
            thrust, throttle = airbag_step(p, s, f)
            return self.command(f, thrust, throttle, status)
        s.tracking = False
        if f.hazard_map_ready and f.hazard_map is not None:
            s.hazard_map = f.hazard_map
        status |= self.search_site(f)
        a, status = self.fly_phase(f, status)  # after search_site: it may enter DIVERT
        if f.hazard_map_ready and f.hazard_map is not None and self.maps():
            q = site_query(p, s.phase, s.tgo_s, s.site_S_m, gate_problem(p, s.site_S_m, f), f)
            s.search = SiteSearch(f.hazard_map, q)
            s.plan.ws = Workspace()  # the firmware's search works in the solver's buffer,
            s.plan.job = None  # so a replan under way ends
        if s.search is not None:
            status |= Status.SITE_SEARCH
        if s.plan.job is not None:
            status |= Status.PLANNING  # a replan under way at the step's end
        thrust, throttle, status = throttle_stage(p, s, f, a, status)
        return self.command(f, thrust, throttle, status)

    def command(
        self, f: SensorFrame, thrust: tuple[float, float, float], throttle: float, status: Status
    ) -> Command:
        s = self.s
        site = (s.site_S_m[0], s.site_S_m[1], s.site_S_m[2])
        return Command(f.step, thrust, throttle, int(s.phase), int(s.events), site, int(status))

    # -- helpers -------------------------------------------------------------

    def set_phase(self, phase: Phase, t: float) -> None:
        self.s.phase, self.s.phase_start_s = phase, t

    def altitude_m(self, f: SensorFrame) -> float:
        if f.radar_altitude_valid:
            return f.radar_altitude_m
        return f.nav_position_S_m[2] - self.s.site_S_m[2]

    def measured_velocity(self, f: SensorFrame) -> tuple[float, float, float]:
        """Radar where valid and within the gate of the navigation, sample by sample."""
        assert self.p is not None
        r, n = f.radar_velocity_S_mps, f.nav_velocity_S_mps
        dx, dy, dz = r[0] - n[0], r[1] - n[1], r[2] - n[2]
        near = math.sqrt(dx * dx + dy * dy + dz * dz) <= self.p.radar_velocity_gate_mps
        return r if f.radar_velocity_valid and near else n

    # -- phases --------------------------------------------------------------

    def fly_phase(self, f: SensorFrame, status: Status) -> tuple[list[float], Status]:
        """The phase's handler, called on self (a subclass's override flies); off table: hold."""
        row = law_phase(self.s.phase)
        fly: Fly = self.hold if row is None else getattr(self, row.fly.__name__)
        return fly(f, status)

    def maps(self) -> bool:
        """Whether a hazard map moves the site in the phase flown now."""
        row = law_phase(self.s.phase)
        return row is not None and row.flags & PHASE_MAPS != 0

    def search_site(self, f: SensorFrame) -> Status:
        """A slice of the site search under way, and on its last the selection;
        a new map or a phase without maps ends it unfinished."""
        p, s = self.p, self.s
        assert p is not None
        if s.search is None:
            return Status(0)
        if f.hazard_map_ready or not self.maps():
            s.search = None
            return Status(0)
        if not s.search.advance(p.site_search_rows_per_tick):
            return Status(0)
        site, no_safe = s.search.result()
        new = s.site_S_m if site is None else list(site)
        s.plan.leave(s.site_S_m, new, s.search.here_tier)  # and plan again
        s.search, s.site_S_m = None, new
        s.events |= Event.SITE_SELECTED
        s.tgo_s = 0.0  # new target: search the time-to-go again
        if s.phase != Phase.HOVER:
            self.set_phase(Phase.DIVERT, f.time_s)
        return Status.NO_SAFE_SITE if no_safe else Status(0)

    def approach(self, f: SensorFrame, status: Status) -> tuple[list[float], Status]:
        """The convex plan to the gate, or the Apollo law (the one chosen, or
        the fallback when the first search found no plan)."""
        p, s = self.p, self.s
        assert p is not None
        if p.guidance == "convex" and s.plan.failed:
            status |= Status.PLAN_INFEASIBLE
        elif p.guidance == "convex":
            a, raise_max, found = fly_plan(p, s.plan, s.search is None, s.site_S_m, f, s.hazard_map)
            status |= Status(0) if found else Status.PLAN_INFEASIBLE
            if a is not None:
                s.tracking, s.raise_max_mps2 = True, raise_max
                s.tgo_s = time_to_go_s(s.plan, f.time_s)
                if s.tgo_s <= p.tgo_switch_s or self.altitude_m(f) <= self.handover_m(f):
                    self.end_approach(f)
                return a, status
        return self.approach_apollo(f, status)

    def handover_m(self, f: SensorFrame) -> float:
        """The height a plan hands over at: HANDOVER_FLOOR of the gate's, but
        no lower than the terminal descent can brake from at the gate's
        deceleration (the gate itself at the gate's speed)."""
        p = self.p
        assert p is not None
        vz, v_sc = f.nav_velocity_S_mps[2], p.sky_crane_speed_mps
        braking_m = p.sky_crane_altitude_m + (vz * vz - v_sc * v_sc) / (2.0 * p.gate_decel_mps2)
        return min(p.gate_altitude_m, max(HANDOVER_FLOOR * p.gate_altitude_m, braking_m))

    def approach_apollo(self, f: SensorFrame, status: Status) -> tuple[list[float], Status]:
        p, s = self.p, self.s
        assert p is not None
        q = gate_problem(p, s.site_S_m, f)
        turn = None if s.turned else turn_round(p, q)
        s.turned = turn is None
        if turn is not None:
            s.tgo_s = 0.0  # search at once when the burn ends
            return turn, status
        if s.tgo_s <= 0.0 or (f.time_s >= s.next_replan_s and s.tgo_s > p.tgo_freeze_s):
            s.tgo_s = tgo_search(q)
            s.next_replan_s = f.time_s + p.replan_period_s
            if plan_cost(q, s.tgo_s)[1] > 0.0:
                status |= Status.TGO_INFEASIBLE
        a = guidance_accel(q, max(s.tgo_s, p.tgo_switch_s))
        s.tgo_s -= 1.0 / p.control_rate_Hz
        if s.tgo_s <= p.tgo_switch_s or self.altitude_m(f) <= p.gate_altitude_m:
            self.end_approach(f)
        return a, status

    def end_approach(self, f: SensorFrame) -> None:
        """At the gate: the hover, or the terminal descent. A replan under way
        is of no use now."""
        assert self.p is not None
        self.s.plan.job = None
        if self.p.hover_s > 0.0:
            self.s.vz_integral_mps = 0.0
            self.set_phase(Phase.HOVER, f.time_s)
        else:
            self.begin_terminal(f)

    def hover(self, f: SensorFrame, status: Status) -> tuple[list[float], Status]:
        """Hold the gate's height over the site for hover_s, then descend once over it."""
        p, s = self.p, self.s
        assert p is not None
        t = f.time_s - s.phase_start_s
        dx, dy = s.site_S_m[0] - f.nav_position_S_m[0], s.site_S_m[1] - f.nav_position_S_m[1]
        speed = p.position_gain_per_s * (self.altitude_m(f) - p.gate_altitude_m)
        speed = max(-p.gate_speed_mps, min(p.gate_speed_mps, speed))
        a = self.terminal(f, speed, 0.0, p.horizontal_speed_max_mps)
        if t >= p.hover_s and (norm2(dx, dy) <= HOVER_ARRIVAL_M or t >= HOVER_WAIT_MAX * p.hover_s):
            self.begin_terminal(f)
        return a, status

    def begin_terminal(self, f: SensorFrame) -> None:
        """Fix the deceleration from here to the sky-crane start, within bounds."""
        p, s = self.p, self.s
        assert p is not None
        h, v_sc = self.altitude_m(f) - p.sky_crane_altitude_m, p.sky_crane_speed_mps
        vz = self.measured_velocity(f)[2]
        decel = p.final_decel_mps2
        if h > 0.0 and -vz > v_sc:
            decel = (vz * vz - v_sc * v_sc) / (2.0 * h)
        s.terminal_decel_mps2 = min(
            DECEL_MAX_OVER_GATE * p.gate_decel_mps2, max(p.final_decel_mps2, decel)
        )
        s.vz_integral_mps = 0.0
        self.set_phase(Phase.CONSTANT_VELOCITY, f.time_s)

    def profile_speed(self, h: float) -> tuple[float, float]:
        """(descent speed, fed-forward deceleration) of the terminal profile."""
        p, s = self.p, self.s
        assert p is not None
        v = math.sqrt(
            p.sky_crane_speed_mps**2
            + 2.0 * s.terminal_decel_mps2 * max(0.0, h - p.sky_crane_altitude_m)
        )
        fade = min(1.0, (v - p.sky_crane_speed_mps) / FADE_SPEED_MPS)
        return v, s.terminal_decel_mps2 * fade

    def terminal(
        self, f: SensorFrame, speed: float, accel_ff: float, speed_h_max: float
    ) -> list[float]:
        p, s = self.p, self.s
        assert p is not None
        v = self.measured_velocity(f)
        limit = 0.6 * p.gravity_mps2 / p.vertical_integral_gain_per_s2
        e = -speed - v[2]
        s.vz_integral_mps = min(limit, max(-limit, s.vz_integral_mps + e * self.dt))
        az = (
            p.gravity_mps2
            + accel_ff
            + p.vertical_gain_per_s * e
            + p.vertical_integral_gain_per_s2 * s.vz_integral_mps
        )
        vx = p.position_gain_per_s * (s.site_S_m[0] - f.nav_position_S_m[0])
        vy = p.position_gain_per_s * (s.site_S_m[1] - f.nav_position_S_m[1])
        vh = norm2(vx, vy)
        cap = 1.0 if vh <= speed_h_max else speed_h_max / vh
        return [
            p.horizontal_gain_per_s * (cap * vx - v[0]),
            p.horizontal_gain_per_s * (cap * vy - v[1]),
            az,
        ]

    def descend(self, f: SensorFrame, status: Status) -> tuple[list[float], Status]:
        p, s = self.p, self.s
        assert p is not None
        h = self.altitude_m(f)
        if p.landing_system == LANDING_LEGS:
            return self.descend_on_legs(f, h), status
        if s.phase == Phase.CONSTANT_VELOCITY:
            speed, ff = self.profile_speed(h)
            a = self.terminal(f, speed, ff, p.horizontal_speed_max_mps)
            descending_mps = -self.measured_velocity(f)[2]
            if h <= p.sky_crane_altitude_m and (
                descending_mps <= p.sky_crane_speed_mps + RELEASE_SPEED_MARGIN_MPS
                or h <= p.sky_crane_altitude_m - RELEASE_DEPTH_MAX_M
            ):
                s.events |= Event.ROVER_RELEASE
                s.release_s = f.time_s
                self.set_phase(Phase.SKY_CRANE, f.time_s)
            return a, status
        a = self.terminal(f, p.sky_crane_speed_mps, 0.0, p.sky_crane_horizontal_speed_max_mps)
        if s.phase == Phase.SKY_CRANE:
            if (
                f.time_s - s.release_s >= p.bridle_payout_time_s + p.td_arm_settle_s
                and f.radar_altitude_valid
                and h <= p.td_gate_altitude_m
            ):
                arm_touchdown(s, f.time_s)
        elif s.phase == Phase.TOUCHDOWN_DETECTION:
            detect_touchdown(p, s, f, h, a)
        elif f.time_s - s.declared_s >= p.tether_cut_delay_s - 0.5 / p.control_rate_Hz:
            # the tick nearest the delay, as in hl_law.c (a board's times are float32)
            s.events |= Event.TETHER_CUT
            s.cut_s = f.time_s
            flyaway_heading(s)
            self.set_phase(Phase.FLYAWAY, f.time_s)
        return a, status

    def descend_on_legs(self, f: SensorFrame, h: float) -> list[float]:
        """A legged lander: the profile down to the ground, armed below td_arm_altitude_m."""
        p, s = self.p, self.s
        assert p is not None
        speed, ff = self.profile_speed(h)
        cap = p.horizontal_speed_max_mps
        if h <= p.sky_crane_altitude_m:
            cap = p.sky_crane_horizontal_speed_max_mps
        a = self.terminal(f, speed, ff, cap)
        if s.phase == Phase.CONSTANT_VELOCITY:
            if h <= p.td_arm_altitude_m:
                arm_touchdown(s, f.time_s)
        else:
            detect_leg_touchdown(p, s, f, h)
        return a

    def flyaway(self, f: SensorFrame, status: Status) -> tuple[list[float], Status]:
        assert self.p is not None
        return flyaway(self.p, self.s, f), status

    def hold(self, f: SensorFrame, status: Status) -> tuple[list[float], Status]:
        """Nothing to fly: gravity's acceleration (the engines are off once landed)."""
        assert self.p is not None
        return [0.0, 0.0, self.p.gravity_mps2], status


class PhaseRow(NamedTuple):
    """A row of the phase table: how the guided law flies the phase, and its flags."""

    phase: Phase
    fly: Callable[[ReferenceLaw, SensorFrame, Status], tuple[list[float], Status]]
    flags: int


# One row per phase, indexed by its value (the values are names, not flight order).
PHASES = (
    PhaseRow(Phase.POWERED_APPROACH, ReferenceLaw.approach, PHASE_MAPS),
    PhaseRow(Phase.DIVERT, ReferenceLaw.approach, PHASE_MAPS),
    PhaseRow(Phase.CONSTANT_VELOCITY, ReferenceLaw.descend, 0),
    PhaseRow(Phase.SKY_CRANE, ReferenceLaw.descend, 0),
    PhaseRow(Phase.TOUCHDOWN_DETECTION, ReferenceLaw.descend, 0),
    PhaseRow(Phase.TETHER_CUT, ReferenceLaw.descend, 0),
    PhaseRow(Phase.FLYAWAY, ReferenceLaw.flyaway, 0),
    PhaseRow(Phase.LANDED, ReferenceLaw.hold, 0),
    PhaseRow(Phase.HOVER, ReferenceLaw.hover, PHASE_MAPS),
    PhaseRow(Phase.PARACHUTE, ReferenceLaw.hold, 0),  # airbags: airbag_step flies these
    PhaseRow(Phase.RAD_BURN, ReferenceLaw.hold, 0),
)
assert [row.phase for row in PHASES] == [Phase(i) for i in range(len(Phase))], "a row per phase"


def law_phase(phase: int) -> PhaseRow | None:
    """The table's row of a phase; None outside it (a corrupted value: the law holds)."""
    return PHASES[phase] if 0 <= phase < len(PHASES) else None
