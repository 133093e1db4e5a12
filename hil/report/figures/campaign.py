"""The figures of a campaign: where the landings fell on the hazard map, the
touchdown figures against their limits, and success by dispersed parameter.

Drawn through hilander.hil.report.figures.plotting (the only module that imports matplotlib).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hilander.hil.campaign.table import RunTable
from hilander.hil.report.figures.plotting import hazard_background, legend, png, pyplot
from hilander.sim.terrain import TerrainModel
from hilander.sim.vehicle import Limits

BINS = 8  # bins of a dispersed parameter (quantiles of its draws)
PANEL_COLUMNS = 4
MAP_MARGIN_M = 15.0
MAP_HALF_MIN_M = 40.0


def touchdown_map(table: RunTable, terrain: TerrainModel, varies: bool) -> bytes:
    """Each run's touchdown over the nominal terrain's truth hazard mask,
    with the sites the law chose and the nominal target."""
    fig, ax = pyplot().subplots(figsize=(6.8, 6.8))
    half = hazard_background(ax, terrain)
    passed = table.passed()
    sx, sy = table.column("site_x_m"), table.column("site_y_m")
    x, y = table.column("touchdown_x_m"), table.column("touchdown_y_m")
    ax.plot(sx, sy, "o", mfc="none", mec="0.45", ms=5, mew=0.6, label="site chosen")
    ax.plot(x[passed], y[passed], ".", color="C2", ms=5, label=f"pass ({int(passed.sum())})")
    ax.plot(
        x[~passed], y[~passed], "x", color="C3", ms=6, label=f"not pass ({int((~passed).sum())})"
    )
    ax.plot([0.0], [0.0], "k+", ms=14, mew=2, label="nominal target")
    known = np.isfinite(np.r_[x, sx]) & np.isfinite(np.r_[y, sy])
    if known.any():
        px, py = np.r_[x, sx][known], np.r_[y, sy][known]
        cx, cy = 0.5 * (px.min() + px.max()), 0.5 * (py.min() + py.max())
        h = max(0.5 * max(np.ptp(px), np.ptp(py)) + MAP_MARGIN_M, MAP_HALF_MIN_M)
        h = min(h, half)
        ax.set_xlim(cx - h, cx + h)
        ax.set_ylim(cy - h, cy + h)
    legend(ax, loc="upper right")
    terrain_note = "each run draws its own terrain; shown: the nominal one" if varies else ""
    ax.set_title(
        "touchdowns over the hazard mask (red: hazard)" + (f"\n{terrain_note}" if varies else ""),
        fontsize=10,
    )
    return png(fig)


def touchdown_histograms(table: RunTable, lim: Limits) -> bytes:
    """Touchdown vertical and horizontal speed, and the miss of the chosen
    site, over the flown runs, with their limits drawn."""
    landed = table.landed()
    panels = (
        (
            "touchdown_vertical_speed_mps",
            "vertical speed [m/s]",
            (lim.touchdown_vertical_speed_min_mps, lim.touchdown_vertical_speed_max_mps),
        ),
        (
            "touchdown_horizontal_speed_mps",
            "horizontal speed [m/s]",
            (lim.touchdown_horizontal_speed_max_mps,),
        ),
        ("distance_to_site_m", "distance to the chosen site [m]", (lim.site_miss_max_m,)),
    )
    fig, axes = pyplot().subplots(1, 3, figsize=(11, 3.6))
    for ax, (name, label, limits) in zip(axes, panels, strict=True):
        v = table.column(name)[landed]
        v = v[np.isfinite(v)]
        if len(v):
            ax.hist(v, bins=30, color="C0", alpha=0.8)
        for k, limit in enumerate(limits):
            ax.axvline(limit, color="r", ls="--", lw=1.2, label="limit" if k == 0 else None)
        ax.set_xlabel(label)
        ax.set_ylabel("runs")
        ax.set_title(f"{len(v)} touchdowns", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right", fontsize=8)
    fig.suptitle("touchdown against the limits")
    fig.tight_layout()
    return png(fig)


def success_by_parameter(table: RunTable, columns: list[str]) -> bytes:
    """For each dispersed parameter, the runs binned by its drawn value: the
    success rate of each bin (bars) and the median limit use (line)."""
    n = max(1, len(columns))
    ncols = min(PANEL_COLUMNS, n)
    nrows = math.ceil(n / ncols)
    fig, axes = pyplot().subplots(nrows, ncols, figsize=(3.1 * ncols, 2.6 * nrows), squeeze=False)
    passed = table.passed().astype(float)
    use = table.column("limit_use")
    for ax, name in zip(axes.flat, columns, strict=False):
        _success_panel(ax, table.column(name), passed, use)
        ax.set_title(name, fontsize=8)
    for ax in list(axes.flat)[len(columns) :]:
        ax.set_visible(False)
    fig.suptitle("success rate by dispersed parameter (bars, %) and median limit use (line)")
    # a fixed layout: tight_layout over a dozen twin axes costs seconds
    fig.subplots_adjust(left=0.05, right=0.95, bottom=0.06, top=1 - 0.5 / fig.get_figheight())
    fig.subplots_adjust(wspace=0.45, hspace=0.45)
    return png(fig)


def _success_panel(ax: Any, value: np.ndarray, passed: np.ndarray, use: np.ndarray) -> None:
    known = np.isfinite(value)
    v, p, u = value[known], passed[known], use[known]
    edges = np.unique(np.quantile(v, np.linspace(0, 1, BINS + 1))) if len(v) else np.array([])
    if len(edges) < 2:
        ax.text(0.5, 0.5, "one value", transform=ax.transAxes, ha="center")
        return
    which = np.clip(np.searchsorted(edges, v, side="right") - 1, 0, len(edges) - 2)
    centres = 0.5 * (edges[:-1] + edges[1:])
    rate = np.array(
        [100 * p[which == b].mean() if (which == b).any() else np.nan for b in range(len(centres))]
    )
    median = np.array([_median(u[which == b]) for b in range(len(centres))])
    ax.bar(centres, rate, width=0.9 * np.diff(edges), color="C2", alpha=0.6)
    ax.set_ylim(0, 105)
    ax.tick_params(labelsize=7)
    twin = ax.twinx()
    twin.plot(centres, median, "o-", color="C1", ms=3, lw=1)
    twin.set_ylim(
        0, max(1.05, float(np.nanmax(median)) * 1.1 if np.isfinite(median).any() else 1.05)
    )
    twin.tick_params(labelsize=7, colors="C1")


def _median(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.median(x)) if len(x) else math.nan
