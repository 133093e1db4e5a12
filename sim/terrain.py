"""Terrain from a seed, its truth hazard mask, and the hazard sensor's map.

Design
------
A. Height = regional plane + local relief on a square grid centred on the
   nominal target (row = north). The relief is rolling ground (band-limited
   noise), simple craters (parabolic bowl, raised rim falling off as r^-3),
   scattered rocks and dense rock fields (paraboloid caps, height half the
   diameter), tapered to zero at the grid edge; beyond the grid, the plane.
   The relief is shifted so that the ground at the nominal target is z = 0.
   A plateau beyond a straight cliff (step_height_m, not tapered: it stops
   at the grid's edge) stands for a crater rim under the approach.
B. Truth hazard mask: a node is a hazard for a rover centred on it when a
   rock taller than rover_rock_height_max_m lies within its footprint, or
   the slope across its footprint exceeds rover_slope_max_rad.
C. The hazard sensor reports, per map cell, the hazardous fraction of the
   cell plus noise, with seeded misclassification (hazard read as safe,
   safe read as hazard), and the mean elevation plus noise.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hilander.controller.interface import HazardMap
from hilander.sim.settings import TerrainParams, regional_gradient
from hilander.sim.vehicle import VehicleParams

F64 = npt.NDArray[np.float64]
TARGET_CRATER_DIAMETER_M = 50.0
TARGET_OFFSET_M = (6.0, -4.0)


@dataclass(frozen=True, eq=False)
class TerrainModel:
    relief_m: F64
    rock_height_m: F64
    slope_tan2: F64
    hazard: npt.NDArray[np.bool_]
    x0_m: float
    y0_m: float
    resolution_m: float
    gradient: tuple[float, float]

    @property
    def slope_rad(self) -> F64:
        """Slope across the rover footprint at each node."""
        return np.asarray(np.arctan(np.sqrt(self.slope_tan2)))

    def geometry(self) -> dict[str, object]:
        return {
            "x0_m": self.x0_m,
            "y0_m": self.y0_m,
            "resolution_m": self.resolution_m,
            "gradient": list(self.gradient),
        }

    def node_coordinates(self) -> tuple[F64, F64]:
        n_y, n_x = self.relief_m.shape
        xs = self.x0_m + self.resolution_m * np.arange(n_x, dtype=np.float64)
        ys = self.y0_m + self.resolution_m * np.arange(n_y, dtype=np.float64)
        return xs, ys

    def height_m(self, x: float, y: float) -> float:
        """Terrain height at (x, y): nearest node plus the plane (for reports;
        NaN at a point that is not finite)."""
        fx, fy = (x - self.x0_m) / self.resolution_m, (y - self.y0_m) / self.resolution_m
        plane = self.gradient[0] * x + self.gradient[1] * y
        if not (math.isfinite(fx) and math.isfinite(fy)):
            return math.nan
        i, j = round(fy), round(fx)
        n_y, n_x = self.relief_m.shape
        return plane + (float(self.relief_m[i, j]) if 0 <= i < n_y and 0 <= j < n_x else 0.0)


def _rolling(rng: np.random.Generator, n: int, res: float, rms: float, wavelength: float) -> F64:
    """Band-limited noise with the given RMS and no wavelengths much below
    `wavelength`: filtered white noise on a coarse grid (a sixth of the
    wavelength), interpolated bilinearly onto the terrain grid."""
    if rms <= 0:
        return np.zeros((n, n))
    size = n * res
    coarse = int(min(n, max(8, math.ceil(6.0 * size / wavelength))))
    spectrum = np.fft.rfft2(rng.standard_normal((coarse, coarse)))
    ky = np.fft.fftfreq(coarse, d=size / coarse)[:, None]
    kx = np.fft.rfftfreq(coarse, d=size / coarse)[None, :]
    spectrum *= np.exp(-((kx**2 + ky**2) * wavelength**2))
    field = np.fft.irfft2(spectrum, s=(coarse, coarse))
    up = _interpolation_matrix(coarse, n)
    field = up @ field @ up.T
    std = float(field.std())
    return field * (rms / std) if std > 0 else field


def _interpolation_matrix(coarse: int, n: int) -> F64:
    """(n, coarse) matrix of periodic linear interpolation from coarse to n points."""
    x = np.arange(n) * coarse / n
    i0 = np.floor(x).astype(np.int64)
    w = x - i0
    m = np.zeros((n, coarse))
    m[np.arange(n), i0 % coarse] = 1.0 - w
    m[np.arange(n), (i0 + 1) % coarse] += w
    return m


def _add_crater(h: F64, xs: F64, ys: F64, cx: float, cy: float, diameter: float) -> None:
    """Simple crater: depth 0.2 D, rim 0.04 D, ejecta rim falling as r^-3 to 3 R."""
    radius, res = diameter / 2.0, xs[1] - xs[0]
    j0, j1 = np.searchsorted(xs, [cx - 3 * radius, cx + 3 * radius])
    i0, i1 = np.searchsorted(ys, [cy - 3 * radius, cy + 3 * radius])
    if j1 <= j0 or i1 <= i0 or res <= 0:
        return
    r = np.hypot(xs[None, j0:j1] - cx, ys[i0:i1, None] - cy) / radius
    depth, rim = 0.2 * diameter, 0.04 * diameter
    bowl = depth * (r**2 - 1.0) + rim
    ejecta = rim * np.maximum(r, 1.0) ** -3
    h[i0:i1, j0:j1] += np.where(r < 1.0, bowl, np.where(r < 3.0, ejecta, 0.0))


def _rock_diameters(
    rng: np.random.Generator, count: int, d_min: float, d_max: float, exponent: float
) -> F64:
    """Diameters with density p(D) ~ D^-exponent on [d_min, d_max] (inverse CDF)."""
    u = rng.random(count)
    a, b = d_min ** (1 - exponent), d_max ** (1 - exponent)
    return np.asarray((a + u * (b - a)) ** (1.0 / (1 - exponent)), dtype=np.float64)


def _stamp_rocks(
    layer: F64, x0: float, y0: float, res: float, xs: F64, ys: F64, diameters: F64
) -> None:
    """Paraboloid caps of height D/2 into `layer` (maximum where rocks overlap)."""
    if len(diameters) == 0:
        return
    n_y, n_x = layer.shape
    ci = np.rint((ys - y0) / res).astype(np.int64)
    cj = np.rint((xs - x0) / res).astype(np.int64)
    reach = math.ceil(float(diameters.max()) / 2.0 / res)
    for di in range(-reach, reach + 1):
        for dj in range(-reach, reach + 1):
            i, j = ci + di, cj + dj
            dist = np.hypot(x0 + j * res - xs, y0 + i * res - ys)
            h = 0.5 * diameters * (1.0 - (2.0 * dist / diameters) ** 2)
            if di == 0 and dj == 0:
                h = np.maximum(h, 0.5 * diameters * 0.5)  # every rock shows at its node
            ok = (h > 0) & (i >= 0) & (i < n_y) & (j >= 0) & (j < n_x)
            np.maximum.at(layer, (i[ok], j[ok]), h[ok])


def _rocks(rng: np.random.Generator, t: TerrainParams, n: int, x0: float) -> F64:
    layer = np.zeros((n, n))
    res, size = t.resolution_m, n * t.resolution_m
    count = rng.poisson(t.rock_density_per_m2 * size * size)
    xs, ys = x0 + size * rng.random(count), x0 + size * rng.random(count)
    _stamp_rocks(
        layer, x0, x0, res, xs, ys, _rock_diameters(rng, count, 0.2, t.rock_diameter_max_m, 3.0)
    )
    centres = [tuple(x0 + size * rng.random(2)) for _ in range(t.rock_field_count)]
    if t.target_hazard == "rock_field":
        centres.append((0.0, 0.0))
    for cx, cy in centres:
        k = rng.poisson(t.rock_field_density_per_m2 * math.pi * t.rock_field_radius_m**2)
        r = t.rock_field_radius_m * np.sqrt(rng.random(k))
        a = 2 * math.pi * rng.random(k)
        d = _rock_diameters(rng, k, 0.5, 1.5 * t.rock_diameter_max_m, 2.0)
        _stamp_rocks(layer, x0, x0, res, cx + r * np.cos(a), cy + r * np.sin(a), d)
    return layer


def _dilate(mask: npt.NDArray[np.bool_], reach: int) -> npt.NDArray[np.bool_]:
    """Square dilation by `reach` nodes."""
    out = mask.copy()
    n_y, n_x = mask.shape
    for di in range(-reach, reach + 1):
        for dj in range(-reach, reach + 1):
            src = mask[max(0, -di) : n_y - max(0, di), max(0, -dj) : n_x - max(0, dj)]
            out[max(0, di) : n_y - max(0, -di), max(0, dj) : n_x - max(0, -dj)] |= src
    return out


def _footprint_tan2(h: F64, reach: int, res: float, gradient: tuple[float, float]) -> F64:
    """tan^2 of the slope of the plane through the footprint: central
    differences across 2 reach + 1 nodes (edges: one-sided), plus the regional
    slope. (tan^2 spares an arctan per node; compare with tan^2 of a limit.)"""
    r = max(1, reach)
    padded = np.pad(h, r, mode="edge")
    gx = (padded[r:-r, 2 * r :] - padded[r:-r, : -2 * r]) * (0.5 / (r * res)) + gradient[0]
    gy = (padded[2 * r :, r:-r] - padded[: -2 * r, r:-r]) * (0.5 / (r * res)) + gradient[1]
    return np.asarray(gx * gx + gy * gy)


def _plateau(t: TerrainParams, xs: F64, ys: F64) -> F64 | float:
    """step_height_m beyond the cliff at step_distance_m toward step_azimuth_rad,
    the cliff a ramp two grid steps wide."""
    if t.step_height_m <= 0:
        return 0.0
    along = xs[None, :] * math.cos(t.step_azimuth_rad) + ys[:, None] * math.sin(t.step_azimuth_rad)
    ramp = np.clip((along - t.step_distance_m) / (2.0 * t.resolution_m) + 0.5, 0.0, 1.0)
    return np.asarray(t.step_height_m * ramp)


def _taper(n: int, res: float, width_m: float = 16.0) -> F64:
    ramp = np.clip(np.minimum(np.arange(n), np.arange(n)[::-1]) * res / width_m, 0.0, 1.0)
    return np.outer(ramp, ramp)


def generate_terrain(t: TerrainParams, v: VehicleParams, seed: int) -> TerrainModel:
    """The terrain of a scenario (cached: same terrain, rover limits and seed,
    same arrays; a campaign that disperses the vehicle's masses reuses it)."""
    return _terrain(t, v.rover_footprint_m, v.rover_rock_height_max_m, v.rover_slope_max_rad, seed)


@functools.lru_cache(maxsize=8)
def _terrain(
    t: TerrainParams, footprint_m: float, rock_max_m: float, slope_max_rad: float, seed: int
) -> TerrainModel:
    rng = np.random.default_rng([seed, 0x7E77A1])
    n = max(8, round(t.size_m / t.resolution_m))
    x0, res = -0.5 * n * t.resolution_m, t.resolution_m
    xs = ys = x0 + res * np.arange(n, dtype=np.float64)
    smooth = _rolling(rng, n, res, t.roughness_m, t.roughness_wavelength_m)
    area_km2 = (n * res / 1000.0) ** 2
    for _ in range(rng.poisson(t.crater_density_per_km2 * area_km2)):
        d = float(_rock_diameters(rng, 1, t.crater_diameter_min_m, t.crater_diameter_max_m, 2.0)[0])
        cx, cy = (float(c) for c in x0 + n * res * rng.random(2))
        _add_crater(smooth, xs, ys, cx, cy, d)
    if t.target_hazard == "crater":
        _add_crater(smooth, xs, ys, *TARGET_OFFSET_M, TARGET_CRATER_DIAMETER_M)
    taper = _taper(n, res)
    smooth = smooth * taper + _plateau(t, xs, ys)
    rocks = _rocks(rng, t, n, x0) * taper
    relief = smooth + rocks
    relief -= relief[n // 2, n // 2]
    gradient = regional_gradient(t)
    reach = int(footprint_m / 2.0 / res + 1e-9)
    tan2 = _footprint_tan2(smooth, reach, res, gradient)
    hazard = _dilate(rocks > rock_max_m, reach) | (tan2 > math.tan(slope_max_rad) ** 2)
    for a in (relief, rocks, tan2, hazard):
        a.setflags(write=False)
    return TerrainModel(relief, rocks, tan2, hazard, x0, x0, res, gradient)


@functools.lru_cache(maxsize=8)
def _cell_means(terrain: TerrainModel, cells: int, size: float) -> tuple[F64, F64]:
    """(hazardous fraction, mean height) of each map cell, row-major; cached
    per terrain (read-only arrays).

    A cell the terrain grid does not reach is safe, at the plane's height."""
    origin = -0.5 * cells * size
    xs, ys = terrain.node_coordinates()
    col = np.floor((xs - origin) / size).astype(np.int64)
    row = np.floor((ys - origin) / size).astype(np.int64)
    rr, cc = np.meshgrid(row, col, indexing="ij")
    inside = (rr >= 0) & (rr < cells) & (cc >= 0) & (cc < cells)
    index = (rr * cells + cc)[inside]
    plane = terrain.gradient[0] * xs[None, :] + terrain.gradient[1] * ys[:, None]
    count = np.bincount(index, minlength=cells * cells).astype(np.float64)
    hazard = np.bincount(index, terrain.hazard[inside].astype(np.float64), cells * cells)
    height = np.bincount(index, (terrain.relief_m + plane)[inside], cells * cells)
    centres = origin + size * (np.arange(cells) + 0.5)
    plane_at_centres = (
        terrain.gradient[0] * centres[None, :] + terrain.gradient[1] * centres[:, None]
    ).ravel()
    fraction = np.divide(hazard, count, out=np.zeros_like(hazard), where=count > 0)
    elevation = np.where(count > 0, height / np.maximum(count, 1), plane_at_centres)
    fraction.setflags(write=False)
    elevation.setflags(write=False)
    return fraction, elevation


def truth_cost_map(terrain: TerrainModel, cells: int, size: float) -> F64:
    """Hazardous fraction of each map cell (no sensor error), for tests and reports."""
    return _cell_means(terrain, cells, size)[0].reshape(cells, cells)


def sense_hazard_map(terrain: TerrainModel, v: VehicleParams, seed: int) -> HazardMap:
    """The hazard sensor's map of the cells around the nominal target."""
    rng = np.random.default_rng([seed, 0x4A2A2D])
    cells, size = v.hazard_map_cells, v.hazard_cell_size_m
    truth, elevation = _cell_means(terrain, cells, size)
    cost = np.clip(truth + v.hazard_cost_noise * rng.standard_normal(truth.shape), 0.0, 1.0)
    flip = rng.random(truth.shape)
    cost = np.where((truth > 0) & (flip < v.hazard_false_safe_rate), 0.0, cost)
    cost = np.where((truth == 0) & (flip < v.hazard_false_hazard_rate), 1.0, cost)
    elevation = elevation + v.hazard_elevation_noise_m * rng.standard_normal(elevation.shape)
    origin = -0.5 * cells * size
    return HazardMap(
        cost=cost.reshape(cells, cells).astype(np.float32),
        elevation_m=elevation.reshape(cells, cells).astype(np.float32),
        cell_size_m=size,
        origin_S_m=(origin, origin),
    )
