"""The figures of one landing, as PNG bytes (matplotlib, headless).

Drawn through hilander.hil.report.figures.plotting, the only module that imports matplotlib
(the optional `report` extra); the law and the world never plot. Each figure
is a function of a Landing and its summary, so that a report can be rebuilt
from a flown landing at any time.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from hilander.controller.interface import Event, Phase
from hilander.hil.report.figures.plotting import (
    ReportUnavailableError,
    available,
    hazard_background,
    legend,
    png,
    pyplot,
)
from hilander.sim.result import num
from hilander.sim.run import Landing
from hilander.sim.summary import LandingSummary

__all__ = ["ReportUnavailableError", "available", "run_figures"]

EVENT_MARKS = (
    (Event.SITE_SELECTED, "site selected (divert)"),
    (Event.ROVER_RELEASE, "rover release"),
    (Event.TOUCHDOWN_DECLARED, "touchdown declared"),
    (Event.TETHER_CUT, "tether cut"),
    (Event.RAD_FIRE, "RAD fire"),
    (Event.BRIDLE_CUT, "bridle cut"),
    (Event.ENGINE_CUTOFF, "engine cutoff"),
)
LABEL_ROWS = 3  # labels that would overlap stack on up to three rows
LABEL_CHAR = 1 / 120  # a character of a 7-point label, as a fraction of the time axis
ZOOM_HEIGHT_M = 20.0  # the last metres of the descent, drawn alone


def _event_times(landing: Landing) -> list[tuple[float, str]]:
    """(time, label) of the first command carrying each event."""
    events, t = landing.column("events").astype(np.int64), landing.column("time_s")
    out = []
    for bit, label in EVENT_MARKS:
        hit = np.flatnonzero(events & int(bit))
        if len(hit):
            out.append((float(t[hit[0]]), label))
    td = landing.records["touchdown_time_s"]
    if not math.isnan(td):
        out.append((float(td), "touchdown"))
    return sorted(out)


def _mark_events(ax: Any, landing: Landing) -> None:
    for t, _ in _event_times(landing):
        ax.axvline(t, color="0.6", lw=0.8, ls=":")


def altitude_speed(landing: Landing) -> bytes:
    """Altitude, and the vertical and horizontal speeds, against time."""
    t = landing.column("time_s")
    fig, (a1, a2) = pyplot().subplots(2, 1, figsize=(9, 5.5), sharex=True, layout="constrained")
    a1.plot(t, landing.column("altitude_m"), label="stage, true")
    a1.plot(t, landing.column("rover_clearance_m"), label="rover / lander, true", lw=0.8)
    a1.set_ylabel("altitude [m]")
    a1.set_yscale("symlog", linthresh=30.0)
    vh = np.hypot(landing.column("stage_vx_mps"), landing.column("stage_vy_mps"))
    a2.plot(t, -landing.column("stage_vz_mps"), label="descent speed (stage)")
    a2.plot(t, vh, label="horizontal speed (stage)")
    a2.set_ylabel("speed [m/s]")
    return _two_panels(fig, (a1, a2), landing, "altitude and speeds (dotted: events)")


def _two_panels(fig: Any, axes: tuple[Any, ...], landing: Landing, title: str) -> bytes:
    """Legends (right of the panels, clear of the data), events, grid and
    titles of a figure of two (or more) panels over time."""
    for ax in axes:
        legend(ax, outside=True)
        _mark_events(ax, landing)
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel("time [s]")
    fig.suptitle(title)
    return png(fig)


def thrust_throttle(landing: Landing) -> bytes:
    """Thrust delivered and commanded within its bounds, and the throttle."""
    t, v = landing.column("time_s"), landing.scenario.vehicle
    full = v.engine_count * v.engine_thrust_max_N * math.cos(v.cant_rad)
    fig, (a1, a2) = pyplot().subplots(2, 1, figsize=(9, 5.5), sharex=True, layout="constrained")
    a1.plot(t, landing.column("thrust_N"), label="delivered", lw=0.8)
    a1.plot(t, landing.column("thrust_command_N"), label="commanded", lw=0.8)
    a1.axhline(full, color="r", ls="--", lw=0.8, label="maximum")
    a1.axhline(v.throttle_min * full, color="r", ls=":", lw=0.8, label="floor")
    a1.set_ylabel("thrust [N]")
    a2.plot(t, landing.column("throttle"), label="throttle", lw=0.8)
    a2.plot(t, landing.column("throttle_command"), label="commanded", lw=0.8)
    a2.set_ylabel("throttle [-]")
    return _two_panels(fig, (a1, a2), landing, "thrust and throttle")


def navigation(landing: Landing) -> bytes:
    """The navigation solution the law was given, less the truth (the
    stage's): position error per axis and its norm, velocity error per axis;
    and the thrust axis's tilt from vertical, with the law's tilt limit."""
    t = landing.column("time_s")
    fig, axes = pyplot().subplots(3, 1, figsize=(9, 7.5), sharex=True, layout="constrained")
    for axis in "xyz":
        error = landing.column(f"nav_{axis}_m") - landing.column(f"stage_{axis}_m")
        axes[0].plot(t, error, lw=0.8, label=f"{axis}")
        speed = landing.column(f"nav_v{axis}_mps") - landing.column(f"stage_v{axis}_mps")
        axes[1].plot(t, speed, lw=0.8, label=f"v{axis}")
    axes[0].plot(t, landing.column("nav_error_m"), color="k", lw=1, label="norm")
    axes[0].set_ylabel("position error [m]")
    axes[1].set_ylabel("velocity error [m/s]")
    axes[2].plot(t, np.degrees(landing.column("tilt_rad")), lw=0.8, label="thrust tilt")
    tilt_max_deg = math.degrees(landing.scenario.law.tilt_max_rad)
    axes[2].axhline(
        tilt_max_deg, color="r", ls="--", lw=0.8, label=f"law's limit {tilt_max_deg:.3g} deg"
    )
    axes[2].set_ylabel("tilt from vertical [deg]")
    title = "navigation less truth (the stage's), and the tilt (dotted: events)"
    return _two_panels(fig, tuple(axes), landing, title)


def bridle_load(landing: Landing) -> bytes:
    """Bridle tension and the length paid out (right axis), one legend for both."""
    t = landing.column("time_s")
    fig, ax = pyplot().subplots(figsize=(9, 3.4), layout="constrained")
    ax.plot(t, landing.column("bridle_tension_N"), label="tension [N] (left)")
    ax.set_ylabel("tension [N]")
    ax.set_xlabel("time [s]")
    twin = ax.twinx()
    twin.plot(t, landing.column("bridle_paid_m"), color="C1", lw=0.8, label="paid out [m] (right)")
    twin.set_ylabel("paid out [m]")
    _mark_events(ax, landing)
    ax.plot([], [], color="0.6", lw=0.8, ls=":", label="events")
    ax.grid(alpha=0.3)
    lines = ax.get_lines() + twin.get_lines()
    legend(ax, handles=[ln for ln in lines if ln.get_label()[0] != "_"], loc="upper left")
    fig.suptitle("bridle")
    return png(fig)


def touchdown_zoom(landing: Landing, summary: LandingSummary) -> bytes:
    """The last ZOOM_HEIGHT_M of the rover's (or lander's) descent: its
    descent and horizontal speed against its height above the ground, with
    the touchdown speed band shaded and the horizontal limit dashed."""
    height, t = landing.column("rover_clearance_m"), landing.column("time_s")
    above = np.flatnonzero(height > ZOOM_HEIGHT_M)
    start = int(above[-1]) + 1 if len(above) else 0
    td = summary.touchdown
    end = len(t) if td is None else int(np.searchsorted(t, num(td.time_s), side="right"))
    h = height[start:end]
    down = -landing.column("rover_vz_mps")[start:end]
    across = np.hypot(landing.column("rover_vx_mps"), landing.column("rover_vy_mps"))[start:end]
    lim = landing.scenario.limits
    low, high = lim.touchdown_vertical_speed_min_mps, lim.touchdown_vertical_speed_max_mps
    fig, ax = pyplot().subplots(figsize=(9, 4.2), layout="constrained")
    ax.axvspan(low, high, color="C2", alpha=0.2, label=f"touchdown band {low:g}-{high:g} m/s")
    ax.axvline(
        lim.touchdown_horizontal_speed_max_mps,
        color="C1",
        ls="--",
        lw=1,
        label=f"horizontal limit {lim.touchdown_horizontal_speed_max_mps:g} m/s",
    )
    ax.plot(down, h, color="C0", label="descent speed")
    ax.plot(across, h, color="C1", lw=0.8, label="horizontal speed")
    if td is not None:
        ax.plot([num(td.vertical_speed_mps)], [0.0], "kx", ms=9, mew=2, label="touchdown")
    ax.set_ylim(-0.5, ZOOM_HEIGHT_M)
    ax.set_xlim(left=0.0)
    ax.set_xlabel("speed [m/s]")
    ax.set_ylabel("height above the ground [m]")
    ax.grid(alpha=0.3)
    legend(ax, outside=True)
    who = "lander" if landing.scenario.vehicle.landing_system != "sky_crane" else "rover"
    fig.suptitle(f"the last {ZOOM_HEIGHT_M:g} m of the {who}'s descent")
    return png(fig)


def label_rows(extents: list[tuple[float, float]]) -> list[int]:
    """A row for each label, given where it starts and ends on the time axis,
    so that labels that would overlap stack (the first free row, else 0)."""
    ends = [-math.inf] * LABEL_ROWS
    rows = []
    for start, end in extents:
        row = next((r for r in range(LABEL_ROWS) if start > ends[r]), 0)
        ends[row] = end
        rows.append(row)
    return rows


def timeline(landing: Landing) -> bytes:
    """The phases flown, as bars labelled above, and the events, as marks below."""
    t, phase = landing.column("time_s"), landing.column("phase").astype(int)
    fig, ax = pyplot().subplots(figsize=(8, 3.2))
    change = np.flatnonzero(np.diff(phase)) + 1
    starts, ends = np.r_[0, change], np.r_[change, len(phase) - 1]
    span = max(float(t[-1] - t[0]), 1e-9)
    char = span * LABEL_CHAR  # the width of one character of the labels, in seconds
    names = [Phase(phase[i]).label for i in starts]
    rows = label_rows([(t[i], t[i] + char * len(n)) for i, n in zip(starts, names, strict=True)])
    for k, (i, j) in enumerate(zip(starts, ends, strict=True)):
        ax.barh(0, t[j] - t[i], left=t[i], color=f"C{k % 10}", edgecolor="k", lw=0.5)
        y = 0.5 + 0.5 * rows[k]
        ax.plot([t[i], t[i]], [0.4, y], color="0.4", lw=0.6)
        ax.text(t[i], y, names[k], fontsize=7, va="bottom")
    events = _event_times(landing)
    half = [0.5 * char * len(label) for _, label in events]
    extents = [(when - h, when + h) for (when, _), h in zip(events, half, strict=True)]
    for (when, label), row in zip(events, label_rows(extents), strict=True):
        y = -0.6 - 0.55 * row
        ax.plot([when, when], [-0.45, y], color="0.4", lw=0.6)
        ax.plot([when], [-0.45], "kv", ms=5)
        ax.text(when, y - 0.05, label, fontsize=7, ha="center", va="top")
    ax.set_ylim(-0.6 - 0.55 * LABEL_ROWS - 0.3, 0.5 + 0.5 * LABEL_ROWS + 0.2)
    ax.set_xlim(t[0] - 0.02 * span, t[-1] + 0.08 * span)
    ax.set_yticks([])
    ax.set_xlabel("time [s]")
    fig.suptitle("phases (above) and events (below)")
    fig.tight_layout()
    return png(fig)


def ground_track(landing: Landing, summary: LandingSummary) -> bytes:
    """The ground track over the truth hazard mask: the nominal target, the
    site chosen, the touchdown and where the descent stage came down."""
    fig, ax = pyplot().subplots(figsize=(6.5, 6.5))
    hazard_background(ax, landing.terrain)
    ax.plot(landing.column("stage_x_m"), landing.column("stage_y_m"), lw=1, label="stage track")
    ax.plot([0.0], [0.0], "k+", ms=14, mew=2, label="nominal target")
    site = summary.site.position_m
    ax.plot([site[0]], [site[1]], "go", mfc="none", ms=12, mew=2, label="chosen site")
    td = summary.touchdown
    if td:
        ax.plot(*td.position_m, "bx", ms=10, mew=2, label="touchdown")
    impact = landing.records["stage_impact_position_S_m"]
    if not math.isnan(impact[0]):
        ax.plot([impact[0]], [impact[1]], "ms", ms=7, label="stage down")
    legend(ax, loc="upper right")
    ax.set_title("ground track over the hazard mask (red: hazard)")
    return png(fig)


def run_figures(landing: Landing, summary: LandingSummary) -> dict[str, bytes]:
    """Every figure of one landing, by file name (PNG bytes)."""
    pyplot()  # a one-line error where matplotlib is missing
    makers: dict[str, Callable[[], bytes]] = {
        "altitude_speed.png": lambda: altitude_speed(landing),
        "thrust_throttle.png": lambda: thrust_throttle(landing),
        "touchdown_zoom.png": lambda: touchdown_zoom(landing, summary),
        "navigation.png": lambda: navigation(landing),
        "timeline.png": lambda: timeline(landing),
        "ground_track.png": lambda: ground_track(landing, summary),
    }
    if landing.scenario.vehicle.landing_system != "legs":
        makers["bridle.png"] = lambda: bridle_load(landing)
    return {name: make() for name, make in makers.items()}
