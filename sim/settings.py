"""Scenario settings other than the vehicle: start state, terrain, wind,
environment and the simulation itself. Declared like the vehicle: one field,
one unit, one meaning, one range."""

import math
from dataclasses import dataclass

from hilander.controller.params import check, param
from hilander.sim.budget import grid_side, plant_steps_error, terrain_error

Vec2 = tuple[float, float]
Vec3 = tuple[float, float, float]

TARGET_HAZARDS = ("none", "crater", "rock_field")
DYNAMICS = ("3dof", "6dof")
TWO_PI = 2.0 * math.pi
SEED_MAX = 2**63 - 1


@dataclass(frozen=True)
class InitialState:
    """The descent stage (with the rover stowed) at powered-descent start."""

    position_m: Vec3 = param(
        unit="m", doc="position [east, north, up] in the site frame", ge=-1e5, le=1e5
    )
    velocity_mps: Vec3 = param(unit="m/s", doc="velocity [east, north, up]", ge=-2000, le=2000)

    def __post_init__(self) -> None:
        check(self)
        if not self.position_m[2] > 0:
            raise ValueError("position_m: the vehicle must start above the ground (z > 0)")


@dataclass(frozen=True)
class TerrainParams:
    """A seeded height map with craters, rocks and slopes around the target."""

    seed: int = param(
        -1, unit="-", doc="terrain seed; -1 follows the scenario seed", ge=-1, le=SEED_MAX
    )
    size_m: float = param(512.0, unit="m", doc="side of the modelled square", ge=64, le=2048)
    resolution_m: float = param(1.0, unit="m", doc="grid spacing", ge=0.25, le=4)
    slope_rad: float = param(0.02, unit="rad", doc="regional slope", ge=0, lt=0.5)
    slope_azimuth_rad: float = param(
        0.0, unit="rad", doc="downhill direction, from east", ge=-TWO_PI, le=TWO_PI
    )
    roughness_m: float = param(1.0, unit="m", doc="RMS of the rolling relief", ge=0, le=100)
    roughness_wavelength_m: float = param(
        60.0, unit="m", doc="shortest wavelength of the rolling relief", ge=5, le=1e5
    )
    crater_density_per_km2: float = param(30.0, unit="1/km^2", doc="craters per km^2", ge=0, le=1e4)
    crater_diameter_min_m: float = param(8.0, unit="m", doc="smallest crater", ge=0.1, le=2000)
    crater_diameter_max_m: float = param(60.0, unit="m", doc="largest crater", ge=0.1, le=2000)
    rock_density_per_m2: float = param(
        0.002, unit="1/m^2", doc="scattered rocks per m^2", ge=0, le=0.2
    )
    rock_diameter_max_m: float = param(1.6, unit="m", doc="largest scattered rock", ge=0.01, le=10)
    rock_field_count: int = param(3, unit="-", doc="dense rock fields", ge=0, le=50)
    rock_field_radius_m: float = param(20.0, unit="m", doc="radius of a rock field", gt=0, le=1000)
    rock_field_density_per_m2: float = param(
        0.04, unit="1/m^2", doc="rocks per m^2 in a field", ge=0, le=0.5
    )
    target_hazard: str = param(
        "none", unit="-", doc="hazard placed at the nominal target: none, crater, rock_field"
    )
    # A cliff, as the crater rim Hakuto-R crossed (mars-landers.md §3.7, B-/C).
    step_height_m: float = param(
        0.0, unit="m", doc="height of a plateau beyond a straight cliff (0: none)", ge=0, le=5000
    )
    step_distance_m: float = param(
        200.0, unit="m", doc="distance of the cliff from the nominal target", gt=0, le=1e5
    )
    step_azimuth_rad: float = param(
        0.0,
        unit="rad",
        doc="direction from the target to the plateau, from east",
        ge=-TWO_PI,
        le=TWO_PI,
    )

    def __post_init__(self) -> None:
        check(self)
        if self.target_hazard not in TARGET_HAZARDS:
            raise ValueError(f"target_hazard must be one of {', '.join(TARGET_HAZARDS)}")
        if self.crater_diameter_min_m > self.crater_diameter_max_m:
            raise ValueError("crater_diameter_min_m exceeds crater_diameter_max_m")
        reason = terrain_error(
            self.size_m,
            self.resolution_m,
            self.crater_density_per_km2,
            self.crater_diameter_max_m,
            self.expected_rocks,
            self.rock_diameter_max_m,
        )
        if reason:
            raise ValueError(reason)

    @property
    def expected_rocks(self) -> float:
        """Rocks the generator draws on average: scattered, and in the fields."""
        side_m = grid_side(self.size_m, self.resolution_m) * self.resolution_m
        fields = self.rock_field_count + (self.target_hazard == "rock_field")
        per_field = self.rock_field_density_per_m2 * math.pi * self.rock_field_radius_m**2
        return self.rock_density_per_m2 * side_m * side_m + fields * per_field


@dataclass(frozen=True)
class WindParams:
    """Steady wind plus first-order Gauss-Markov gusts (horizontal)."""

    # Near-surface winds: ≈3 m/s typical, gusts to ≈25 m/s, dust storms to 30 m/s
    # (mars-landers.md §5, B).
    steady_mps: Vec2 = param(
        (0.0, 0.0), unit="m/s", doc="steady wind [east, north]", ge=-200, le=200
    )
    gust_sigma_mps: float = param(0.5, unit="m/s", doc="gust standard deviation", ge=0, le=100)
    gust_time_s: float = param(3.0, unit="s", doc="gust correlation time", ge=0.01, le=1e4)

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class EnvironmentParams:
    """Mars as the world models it."""

    # 3.711 m/s^2: ESA "Meet Mars" (§0, A).
    gravity_mps2: float = param(3.711, unit="m/s^2", doc="surface gravity", ge=0.1, le=100)
    # ≈0.020 kg/m^3 (NSSDC, §0, C); scale height 11.1 km (Exploratorium, §0, B).
    surface_density_kgpm3: float = param(
        0.020, unit="kg/m^3", doc="air density at z = 0", ge=0, le=100
    )
    scale_height_m: float = param(11100.0, unit="m", doc="density scale height", ge=100, le=1e6)

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class FaultParams:
    """Faults the world injects, after the failures of Mars history
    (docs/scenarios.md, "Faults"). Every fault is off by default."""

    # Mars Polar Lander: a leg-deployment transient, two readings long (§3.1, A).
    leg_contact_pulse_time_s: float = param(
        0.0, unit="s", doc="when a spurious leg-contact pulse starts", ge=0, le=3600
    )
    leg_contact_pulse_samples: int = param(
        0, unit="-", doc="control ticks the spurious pulse lasts (0: none)", ge=0, le=1_000_000
    )
    # Schiaparelli: IMU saturation for about 1 s drove the estimated altitude
    # negative (ESA statement, §3.2, A).
    imu_saturation_time_s: float = param(0.0, unit="s", doc="when the IMU saturates", ge=0, le=3600)
    imu_saturation_duration_s: float = param(
        0.0,
        unit="s",
        doc="how long: the navigation altitude reads negative (0: none)",
        ge=0,
        le=3600,
    )
    # MSL: sporadic TDS velocity errors from plume-kicked dust near the ground
    # (Chen & Pollard 2014, §1.4, A).
    radar_outlier_altitude_m: float = param(
        0.0,
        unit="m",
        doc="below this, radar velocity samples may be outliers (0: none)",
        ge=0,
        le=1e5,
    )
    radar_outlier_probability: float = param(
        0.0, unit="-", doc="chance a radar sample is an outlier", ge=0, le=1
    )
    radar_outlier_mps: float = param(0.0, unit="m/s", doc="size of an outlier", ge=0, le=1000)
    radar_dropout_time_s: float = param(
        0.0, unit="s", doc="when the radar drops out", ge=0, le=3600
    )
    radar_dropout_duration_s: float = param(
        0.0, unit="s", doc="how long it reads invalid (0: none)", ge=0, le=3600
    )
    # MSL: "higher than expected delivered thrust" (Baker et al. 2014, §1.1, A).
    thrust_scale: float = param(
        1.0, unit="-", doc="thrust and flow delivered over nominal", gt=0, le=10
    )
    # A stuck engine: its throttle valve stuck at one setting until the engines
    # are cut (docs/world.md, "6-DOF"; hilander's fault, C). 6-DOF only.
    engine_stuck: int = param(
        0, unit="-", doc="the engine that sticks, counted from 1 (0: none)", ge=0, le=64
    )
    engine_stuck_time_s: float = param(0.0, unit="s", doc="when it sticks", ge=0, le=3600)
    engine_stuck_throttle: float = param(
        0.0, unit="-", doc="the throttle it sticks at, fraction of maximum", ge=0, le=1
    )

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class SimParams:
    """The simulation: plant rate, time limit, command latency."""

    plant_rate_Hz: float = param(1000.0, unit="Hz", doc="plant integration rate", ge=50, le=20000)
    max_time_s: float = param(240.0, unit="s", doc="longest landing simulated", gt=0, le=3600)
    command_latency_s: float = param(
        0.0, unit="s", doc="delay from command to actuation", ge=0, le=1.0
    )
    dynamics: str = param(
        "3dof",
        unit="-",
        doc="3dof: point masses, ideal attitude; 6dof: the descent stage as a rigid body",
        choices=DYNAMICS,
    )

    def __post_init__(self) -> None:
        check(self)
        reason = plant_steps_error(self.max_time_s, self.plant_rate_Hz)
        if reason:
            raise ValueError(reason)


def regional_gradient(t: TerrainParams) -> Vec2:
    """dz/dx, dz/dy of the regional slope (downhill toward slope_azimuth_rad)."""
    g = math.tan(t.slope_rad)
    return (-g * math.cos(t.slope_azimuth_rad), -g * math.sin(t.slope_azimuth_rad))
