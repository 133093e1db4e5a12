"""The summary of a landing as typed records: the output contract of
``hilander sim --json`` (docs/quickstart.md lists every key).

``summarize(landing)`` (hilander.sim.result) fills them in; the program
passes the records and reads their attributes, so renaming a key is a type
error, not a grep. ``LandingSummary.to_json()`` is the text ``hilander sim
--json`` prints, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hilander.sim.records import OMIT_NONE, Record

Number = float | None  # a figure rounded for people; None where it has none (NaN)
Violation = tuple[str, str]  # (kind, sentence): the kind is a short stable code


@dataclass(frozen=True)
class ScenarioRef(Record):
    """Which scenario flew, and with which seed."""

    name: str
    source: str
    seed: int
    preset: str | None
    landing_system: str


@dataclass(frozen=True)
class Touchdown(Record):
    """The first contact: the rover's wheels, a lander's footpads or airbags."""

    time_s: Number
    vertical_speed_mps: Number
    horizontal_speed_mps: Number
    position_m: tuple[Number, Number]
    distance_to_target_m: Number
    distance_to_site_m: Number
    on_hazard: bool
    stowed: bool


@dataclass(frozen=True)
class TetherCut(Record):
    """Sky crane: the bridle cut, and how long after touchdown."""

    time_s: Number
    after_touchdown_s: Number


@dataclass(frozen=True)
class EngineCutoff(Record):
    """Legs: the engines cut off, and how long after the first contact."""

    time_s: Number
    after_touchdown_s: Number


@dataclass(frozen=True)
class BridleCut(Record):
    """Airbags: the bridle cut, and how long before the first impact."""

    time_s: Number
    before_touchdown_s: Number


@dataclass(frozen=True)
class Flyaway(Record):
    """Where the descent stage (or an airbag lander's backshell) came down."""

    impact_distance_m: Number
    impact_time_s: Number
    impact_speed_mps: Number


@dataclass(frozen=True)
class Site(Record):
    """The landing site the law flew to at the end."""

    position_m: tuple[Number, Number]
    distance_to_target_m: Number


@dataclass(frozen=True)
class PhaseStart(Record):
    """A phase entered, and when."""

    name: str
    start_s: Number


@dataclass(frozen=True)
class Guidance(Record):
    """Convex guidance's plans (present when the law flew guidance = "convex"):
    when the law first said that no plan reaches the gate (the status bit
    PLAN_INFEASIBLE, None: never) and on how many steps; on how many steps a
    replan was under way at the step's end (PLANNING: spread over steps,
    plan_iterations_per_tick), and the longest run of them in seconds (the
    latest a plan came)."""

    name: str
    plan_infeasible_s: Number
    plan_infeasible_steps: int
    planning_steps: int
    planning_longest_s: Number


@dataclass(frozen=True)
class Events(Record):
    """When each event happened (None: it did not)."""

    hazard_map_s: Number
    rover_release_s: Number
    tether_cut_s: Number
    engine_cutoff_s: Number
    rad_fire_s: Number
    propellant_out_s: Number
    bridle_tension_max_N: Number


@dataclass(frozen=True)
class SimFigures(Record):
    """How the simulation ran."""

    steps: int
    control_ticks: int
    wall_time_s: float
    plant_rate_Hz: float
    control_rate_Hz: float


@dataclass(frozen=True)
class Attitude(Record):
    """6-DOF: the descent stage's attitude (present when [sim] dynamics = "6dof"):
    tilt from vertical and body rate as it touched down, the most it leaned
    after, its lean over its support polygon's edge at the end (legs: the
    tip-over verdict, result_sixdof.py), and the most over the whole landing."""

    touchdown_tilt_rad: Number
    touchdown_rate_radps: Number
    tilt_max_after_touchdown_rad: Number
    lean_rad: Number
    tilt_max_rad: Number
    rate_max_radps: Number


@dataclass(frozen=True)
class LandingSummary(Record):
    """A landing and its verdict against the scenario's limits."""

    scenario: ScenarioRef
    controller: str
    verdict: str  # pass, fail, numerical_fault, or why it was aborted (stall, link_lost, ...)
    violations: list[str]
    violation_kinds: list[str]
    touchdown: Touchdown | None
    tether_cut: TetherCut | None
    engine_cutoff: EngineCutoff | None
    bridle_cut: BridleCut | None
    propellant_used_kg: Number
    propellant_at_cut_kg: Number
    flyaway: Flyaway | None
    site: Site
    phases: list[PhaseStart]
    events: Events
    sim: SimFigures
    attitude: Attitude | None = field(default=None, metadata=OMIT_NONE)  # 6-DOF only
    guidance: Guidance | None = field(default=None, metadata=OMIT_NONE)  # convex only
    files: list[str] | None = field(default=None, metadata=OMIT_NONE)  # what --out wrote
